// SPDX-License-Identifier: MIT
// An open file description (open(2) "Open file descriptions"): the node, the file offset and
// the status flags, shared by every file descriptor dup(2) makes from it. File descriptors,
// FD_CLOEXEC and dup/fcntl(F_DUPFD) are the process's; this class gives read(2), write(2),
// pread(2), pwrite(2), lseek(2), getdents64(2), fstat(2), ftruncate(2), fsync(2) and what
// fcntl(2) F_GETFL/F_SETFL need.

public final class OpenFile {
    public let node: Node
    /// The absolute guest path it was opened by (for /proc/self/fd and getcwd after fchdir).
    public let path: [UInt8]
    /// The file offset.
    public internal(set) var offset: Int64 = 0
    /// Access mode and status flags (open(2)); O_CREAT, O_EXCL, O_NOCTTY and O_TRUNC are not kept.
    public private(set) var flags: Int32
    /// Bytes of a /proc file generated at open.
    var snapshot: [UInt8]?
    /// A host mount's open host descriptor, or a directory listing fixed at the first read.
    var hostHandle: AnyObject?
    let vfs: VFS

    init(node: Node, path: [UInt8], flags: Int32, vfs: VFS) {
        self.node = node; self.path = path; self.vfs = vfs
        let kept = LinuxFS.O_CREAT | LinuxFS.O_EXCL | LinuxFS.O_NOCTTY | LinuxFS.O_TRUNC
        self.flags = (flags & ~kept) | LinuxFS.O_LARGEFILE
    }

    public var isPath: Bool { flags & LinuxFS.O_PATH != 0 }
    public var canRead: Bool {
        !isPath && (flags & LinuxFS.O_ACCMODE == LinuxFS.O_RDONLY || flags & LinuxFS.O_ACCMODE == LinuxFS.O_RDWR)
    }
    public var canWrite: Bool {
        !isPath && (flags & LinuxFS.O_ACCMODE == LinuxFS.O_WRONLY || flags & LinuxFS.O_ACCMODE == LinuxFS.O_RDWR)
    }
    public var isNonBlocking: Bool { flags & LinuxFS.O_NONBLOCK != 0 }
    /// Whether the node is a terminal (isatty(3), TCGETS): the console devices.
    public var isTerminal: Bool { ((node as? DeviceNode)?.device.isTerminal) ?? false }

    /// fcntl(2) F_GETFL: the access mode and the status flags.
    public var statusFlags: Int32 { flags & ~LinuxFS.O_CLOEXEC }
    /// fcntl(2) F_SETFL: changes only O_APPEND, O_ASYNC, O_DIRECT, O_NOATIME and O_NONBLOCK.
    public func setStatusFlags(_ new: Int32) {
        flags = (flags & ~LinuxFS.setFLMask) | (new & LinuxFS.setFLMask)
    }

    // MARK: read and write

    /// read(2): reads at the file offset and advances it. EBADF if not open for reading; EISDIR
    /// on a directory; EAGAIN when the console has no input (a blocking reader waits and retries).
    public func read(count: Int) throws(Errno) -> [UInt8] {
        let bytes = try pread(count: count, at: offset, positional: false)
        offset += Int64(bytes.count)
        return bytes
    }

    /// pread(2): reads at `offset` without moving the file offset. EINVAL for a negative offset,
    /// ESPIPE on a terminal.
    public func pread(count: Int, at offset: Int64) throws(Errno) -> [UInt8] {
        try pread(count: count, at: offset, positional: true)
    }

    private func pread(count: Int, at offset: Int64, positional: Bool) throws(Errno) -> [UInt8] {
        guard canRead else { throw .EBADF }
        if node.type == .directory { throw .EISDIR }
        if positional && !node.seekable { throw .ESPIPE }
        if count < 0 || offset < 0 { throw .EINVAL }
        if count == 0 { return [] }
        return try node.read(self, at: offset, count: count)
    }

    /// write(2): writes at the file offset (at the end with O_APPEND) and advances it.
    /// Writing past the end leaves a hole that reads as zeros (lseek(2)).
    public func write(_ bytes: [UInt8]) throws(Errno) -> Int {
        guard canWrite else { throw .EBADF }
        var at = offset
        if flags & LinuxFS.O_APPEND != 0 && node.type == .regular { at = try node.stat().size }
        let n = try pwrite(bytes, at: at, positional: false)
        offset = at + Int64(n)
        return n
    }

    /// pwrite(2): writes at `offset`; on Linux, O_APPEND makes it append anyway (pwrite(2) BUGS).
    public func pwrite(_ bytes: [UInt8], at offset: Int64) throws(Errno) -> Int {
        var at = offset
        if flags & LinuxFS.O_APPEND != 0 && node.type == .regular && canWrite { at = try node.stat().size }
        return try pwrite(bytes, at: at, positional: true)
    }

    private func pwrite(_ bytes: [UInt8], at offset: Int64, positional: Bool) throws(Errno) -> Int {
        guard canWrite else { throw .EBADF }
        if positional && !node.seekable { throw .ESPIPE }
        if offset < 0 { throw .EINVAL }
        if bytes.isEmpty { return 0 }
        if node.type == .regular {
            if offset > VFS.maxFileSize - Int64(bytes.count) { throw .EFBIG }
            if node.fs.readOnly { throw .EROFS }
        }
        return try node.write(self, at: offset, bytes)
    }

    // MARK: lseek

    /// lseek(2). EINVAL for a bad whence or a negative result; ENXIO for SEEK_DATA/SEEK_HOLE at
    /// or beyond the end; ESPIPE on a terminal. Directories take SEEK_SET and SEEK_CUR only,
    /// with positions that are getdents64 d_off cookies.
    public func seek(_ off: Int64, whence: Int32) throws(Errno) -> Int64 {
        if isPath { throw .EBADF }
        guard node.seekable else { throw .ESPIPE }
        if node is DeviceNode {
            // null(4)/zero(4)/urandom: the position stays 0 (drivers/char/mem.c null_lseek).
            guard (0...4).contains(whence) else { throw .EINVAL }
            offset = 0
            return 0
        }
        if !node.seekRelativeToEnd && whence > LinuxFS.SEEK_CUR { throw .EINVAL }
        let new: Int64
        switch whence {
        case LinuxFS.SEEK_SET: new = off
        case LinuxFS.SEEK_CUR:
            let (r, o) = offset.addingReportingOverflow(off)
            if o { throw .EOVERFLOW }
            new = r
        case LinuxFS.SEEK_END where node.type != .directory:
            let (r, o) = try node.stat().size.addingReportingOverflow(off)
            if o { throw .EOVERFLOW }
            new = r
        case LinuxFS.SEEK_DATA where node.type != .directory, LinuxFS.SEEK_HOLE where node.type != .directory:
            new = try node.seekData(from: off, hole: whence == LinuxFS.SEEK_HOLE)
        default: throw .EINVAL
        }
        if new < 0 { throw .EINVAL }
        if node.type == .directory && new == 0 { hostHandle = nil }   // rewinddir(3) re-lists a host directory
        offset = new
        return new
    }

    // MARK: directories

    /// The entries of a directory from the current position, including `.` (cookie 1) and `..`
    /// (cookie 2); `limit` entries at most. Does not move the position (see getdents64).
    public func directoryEntries(limit: Int = Int.max) throws(Errno) -> [DirectoryEntry] {
        if isPath { throw .EBADF }
        guard node.type == .directory else { throw .ENOTDIR }
        var out: [DirectoryEntry] = []
        if offset < 1 {
            out.append(DirectoryEntry(name: [0x2E], ino: try node.stat().ino, type: .directory, cookie: 1))
        }
        if offset < 2 && out.count < limit {
            let up = vfs.parentForDotDot(node)
            out.append(DirectoryEntry(name: [0x2E, 0x2E], ino: try up.stat().ino, type: .directory, cookie: 2))
        }
        if out.count < limit {
            for e in try vfs.listing(self) where e.cookie > offset {
                out.append(e)
                if out.count >= limit { break }
            }
        }
        return out
    }

    /// getdents64(2): as many `struct linux_dirent64` records (d_ino u64, d_off s64, d_reclen u16,
    /// d_type u8, NUL-terminated name, padded to 8 bytes) as fit in `bufferSize` bytes; empty at
    /// the end. EINVAL if the buffer cannot hold the next record; ENOTDIR if not a directory;
    /// ENOENT for a directory that was removed.
    public func getdents64(bufferSize: Int) throws(Errno) -> [UInt8] {
        guard node.type == .directory else { throw isPath ? .EBADF : .ENOTDIR }
        var out: [UInt8] = []
        for e in try directoryEntries() {
            let reclen = (19 + e.name.count + 1 + 7) & ~7
            if out.count + reclen > bufferSize {
                if out.isEmpty { throw .EINVAL }
                break
            }
            var rec = [UInt8](repeating: 0, count: reclen)
            rec.put(e.ino, at: 0); rec.put(UInt64(bitPattern: e.cookie), at: 8)
            rec.put(UInt16(reclen), at: 16); rec[18] = e.type.direntType
            for (i, b) in e.name.enumerated() { rec[19 + i] = b }
            out += rec
            offset = e.cookie
        }
        return out
    }

    // MARK: attributes

    /// fstat(2) (works on O_PATH descriptors too).
    public func stat() throws(Errno) -> Stat { try node.stat() }

    /// ftruncate(2): EINVAL unless a regular file open for writing; EBADF for O_PATH.
    public func truncate(to length: Int64) throws(Errno) {
        if isPath { throw .EBADF }
        if length < 0 { throw .EINVAL }
        guard canWrite, node.type == .regular else { throw .EINVAL }
        if node.fs.readOnly { throw .EROFS }
        if length > VFS.maxFileSize { throw .EFBIG }
        try node.truncate(to: length)
    }

    /// fsync(2), fdatasync(2): everything is in memory (or written through to the host), so
    /// this succeeds; EBADF for O_PATH.
    public func fsync() throws(Errno) { if isPath { throw .EBADF } }
}
