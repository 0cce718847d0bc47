// SPDX-License-Identifier: MIT
// File system calls on open files, on top of the VFS (docs/vfs.md): open(2)/openat(2)/creat(2),
// lseek(2), pread64(2)/pwrite64(2), preadv(2)/pwritev(2), getdents64(2)/getdents(2),
// truncate(2)/ftruncate(2), fsync(2)/fdatasync(2), umask(2), sendfile(2). The path calls are in
// FilesNamespace.swift and FilesAttributes.swift; read/write/close/dup/fcntl/ioctl in
// Descriptors.swift.

enum FileSyscalls {
    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[2] = { c in run { () throws(Errno) in try open(c, dirfd: LinuxFS.AT_FDCWD, path: 0, flags: c.int32(1), mode: c.arg(2)) } }
        t[257] = { c in run { () throws(Errno) in try open(c, dirfd: c.int32(0), path: 1, flags: c.int32(2), mode: c.arg(3)) } }
        t[85] = { c in                                              // creat: O_CREAT|O_WRONLY|O_TRUNC
            run { () throws(Errno) in try open(c, dirfd: LinuxFS.AT_FDCWD, path: 0, flags: 0o1101, mode: c.arg(1)) }
        }
        t[8] = lseek
        t[17] = { c in pread(c, offset: c.int(3)) }
        t[18] = { c in pwrite(c, offset: c.int(3)) }
        t[295] = { c in preadv(c, offset: c.int(3)) }
        t[296] = { c in pwritev(c, offset: c.int(3)) }
        t[217] = { c in getdents(c, legacy: false) }
        t[78] = { c in getdents(c, legacy: true) }
        t[76] = { c in                                              // truncate
            run { () throws(Errno) in
                let path = try c.path(0)
                try c.vfs.truncate(path, at: c.process.cwd, length: c.int(1), as: c.caller)
                return .zero
            }
        }
        t[77] = { c in run { () throws(Errno) in try c.openFile(c.int32(0), other: .EINVAL).truncate(to: c.int(1)); return .zero } }
        // fsync(2)/fdatasync(2): EINVAL for a pipe or terminal ("does not support synchronization").
        t[74] = { c in run { () throws(Errno) in try c.openFile(c.int32(0), other: .EINVAL).fsync(); return .zero } }
        t[75] = t[74]
        t[95] = { c in                                              // umask: returns the old mask
            let old = c.process.umask
            c.process.umask = UInt32(truncatingIfNeeded: c.arg(0)) & 0o777
            return .int(Int(old))
        }
        t[40] = sendfile
    }

    /// open(2): the lowest free descriptor; the creation mode loses the umask. Linux ignores
    /// unknown flag bits here (only openat2(2) rejects them); EMFILE at RLIMIT_NOFILE.
    static func open(_ c: SyscallContext, dirfd: Int32, path i: Int, flags: Int32, mode: UInt64) throws(Errno) -> SyscallResult {
        let path = try c.path(i)
        let fd = c.process.lowestFreeDescriptor()
        guard UInt64(fd) < ProcessSyscalls.limit(7, c.process, c.personality)!.0 else { throw .EMFILE }
        let base = try c.base(dirfd, path)
        let m = UInt32(truncatingIfNeeded: mode) & 0o7777 & ~c.process.umask
        let file = try c.vfs.open(path, at: base, flags: flags, mode: m, as: c.caller)
        c.process.install(FileDescriptor(file, closeOnExec: flags & LinuxFS.O_CLOEXEC != 0), at: fd)
        return .int(Int(fd))
    }

    /// lseek(2): ESPIPE on pipes and the console streams.
    static func lseek(_ c: SyscallContext) -> SyscallResult {
        run { () throws(Errno) in
            let f = try c.openFile(c.int32(0), other: .ESPIPE)
            return .int(Int(try f.seek(c.int(1), whence: Int32(truncatingIfNeeded: c.arg(2)))))
        }
    }

    /// pread64(2): EINVAL for a negative offset (before the descriptor, as ksys_pread64),
    /// ESPIPE on what cannot seek, EFAULT for the buffer.
    static func pread(_ c: SyscallContext, offset: Int64) -> SyscallResult {
        run { () throws(Errno) in
            if offset < 0 { throw .EINVAL }
            let f = try c.openFile(c.int32(0), other: .ESPIPE)
            let bytes = try f.pread(count: Int(min(c.arg(2), UInt64(ConsoleSyscalls.maxTransfer))), at: offset)
            guard c.memory.write(c.arg(1), bytes) else { throw .EFAULT }
            return .int(bytes.count)
        }
    }

    static func pwrite(_ c: SyscallContext, offset: Int64) -> SyscallResult {
        run { () throws(Errno) in
            if offset < 0 { throw .EINVAL }
            let f = try c.openFile(c.int32(0), other: .ESPIPE)
            let count = Int(min(c.arg(2), UInt64(ConsoleSyscalls.maxTransfer)))
            guard let bytes = c.memory.read(c.arg(1), count: count) else { throw .EFAULT }
            return .int(try f.pwrite(bytes, at: offset))
        }
    }

    /// preadv(2)/pwritev(2): on x86-64 the offset is the fourth argument whole (pos_h is unused).
    static func preadv(_ c: SyscallContext, offset: Int64) -> SyscallResult {
        run { () throws(Errno) in
            if offset < 0 { throw .EINVAL }
            let f = try c.openFile(c.int32(0), other: .ESPIPE)
            let vecs = try ConsoleSyscalls.iovecs(c).get()
            var done = 0
            for (base, len) in vecs where len > 0 {
                let bytes: [UInt8]
                do throws(Errno) { bytes = try f.pread(count: len, at: offset + Int64(done)) } catch { if done > 0 { break }; throw error }
                guard c.memory.write(base, bytes) else { if done > 0 { break }; throw .EFAULT }
                done += bytes.count
                if bytes.count < len { break }
            }
            return .int(done)
        }
    }

    static func pwritev(_ c: SyscallContext, offset: Int64) -> SyscallResult {
        run { () throws(Errno) in
            if offset < 0 { throw .EINVAL }
            let f = try c.openFile(c.int32(0), other: .ESPIPE)
            var bytes: [UInt8] = []
            for (base, len) in try ConsoleSyscalls.iovecs(c).get() where len > 0 {
                guard let b = c.memory.read(base, count: len) else { if bytes.isEmpty { throw .EFAULT }; break }
                bytes += b
            }
            return .int(try f.pwrite(bytes, at: offset))
        }
    }

    /// getdents64(2) (struct linux_dirent64, from the VFS) and getdents(2) (struct linux_dirent:
    /// d_ino, d_off, d_reclen, d_name, NUL, d_type in the record's last byte). ENOTDIR for
    /// anything but a directory, EINVAL if the next record does not fit, EFAULT for the buffer.
    static func getdents(_ c: SyscallContext, legacy: Bool) -> SyscallResult {
        run { () throws(Errno) in
            let f = try c.openFile(c.int32(0), other: .ENOTDIR)
            let size = Int(min(c.arg(2), UInt64(Int32.max)))
            let start = f.offset
            let out: [UInt8]
            if legacy {
                var b: [UInt8] = []
                for e in try f.directoryEntries() {
                    let rec = legacyDirent(e)
                    if b.count + rec.count > size { if b.isEmpty { throw .EINVAL }; break }
                    b += rec
                    f.offset = e.cookie
                }
                out = b
            } else {
                out = try f.getdents64(bufferSize: size)
            }
            guard c.memory.write(c.arg(1), out) else { f.offset = start; throw .EFAULT }
            return .int(out.count)
        }
    }

    /// One `struct linux_dirent` of getdents(2): d_ino, d_off (the entry's cookie), d_reclen,
    /// the NUL-terminated name, then d_type in the record's last byte; 8-byte aligned.
    static func legacyDirent(_ e: DirectoryEntry) -> [UInt8] {
        let reclen = (18 + e.name.count + 2 + 7) & ~7
        var rec = [UInt8](repeating: 0, count: reclen)
        rec.put(e.ino, at: 0); rec.put(UInt64(bitPattern: e.cookie), at: 8); rec.put(UInt16(reclen), at: 16)
        for (k, ch) in e.name.enumerated() { rec[18 + k] = ch }
        rec[reclen - 1] = e.type.direntType
        return rec
    }

    /// sendfile(2): from `in_fd` (a file; at *offset when given, which is then updated and the
    /// file offset left alone) to `out_fd`, up to `count` bytes, stopping at end of file or a
    /// short write. EBADF for the wrong access modes, EINVAL if in_fd is not a file, ESPIPE for
    /// an offset on what cannot seek.
    static func sendfile(_ c: SyscallContext) -> SyscallResult {
        run { () throws(Errno) in
            guard let out = c.process.fds[c.int32(0)] else { throw .EBADF }
            let input = try c.openFile(c.int32(1), other: .EINVAL)
            guard input.canRead else { throw .EBADF }
            if let o = out.object as? OpenFile, !o.canWrite { throw .EBADF }
            if let o = out.object as? OpenFile, o.flags & LinuxFS.O_APPEND != 0 { throw .EINVAL }
            var position: Int64? = nil
            if c.arg(2) != 0 {
                guard let p = c.memory.load64(c.arg(2)) else { throw .EFAULT }
                position = Int64(bitPattern: p)
                if position! < 0 { throw .EINVAL }
            }
            var left = Int(min(c.arg(3), UInt64(ConsoleSyscalls.maxTransfer)))
            var done = 0
            while left > 0 {
                let chunk: [UInt8]
                do throws(Errno) {
                    if let p = position { chunk = try input.pread(count: min(left, 1 << 16), at: p + Int64(done)) }
                    else { chunk = try input.read(count: min(left, 1 << 16)) }
                } catch { if done > 0 { break }; throw error }
                if chunk.isEmpty { break }
                let written = out.object.writeBytes(chunk)
                let n = (try? written.get()) ?? 0
                // What was read and not written goes back (the file offset counts what was sent).
                if position == nil && n < chunk.count { input.offset -= Int64(chunk.count - n) }
                if case .failure(let e) = written, done == 0 { throw e }
                done += n
                left -= n
                if n < chunk.count { break }
            }
            if let p = position, !c.memory.store64(c.arg(2), UInt64(bitPattern: p + Int64(done))) { throw .EFAULT }
            return .int(done)
        }
    }
}

/// Runs a handler body whose failures are thrown errnos.
@inline(__always)
func run(_ body: () throws(Errno) -> SyscallResult) -> SyscallResult {
    do { return try body() } catch { return .error(error) }
}

extension SyscallContext {
    var vfs: VFS { personality.vfs }
    /// The process's credentials: root (uid and gid 0).
    var caller: Caller { Caller(pid: process.pid) }

    /// A path argument (path_resolution(7)): EFAULT for a bad pointer, ENAMETOOLONG when there
    /// is no NUL within PATH_MAX bytes (getname()). Empty paths are the VFS's (ENOENT).
    func path(_ i: Int) throws(Errno) -> [UInt8] {
        guard let s = memory.readString(arg(i), limit: LinuxFS.PATH_MAX) else { throw .EFAULT }
        if s.count >= LinuxFS.PATH_MAX { throw .ENAMETOOLONG }
        return s
    }

    /// The open file behind `fd`: EBADF if the descriptor is not open, `other` if it refers to
    /// something that is not a VFS file (a pipe, the console streams).
    func openFile(_ fd: Int32, other: Errno) throws(Errno) -> OpenFile {
        guard let d = process.fds[fd] else { throw .EBADF }
        guard let f = d.object as? OpenFile else { throw other }
        return f
    }

    /// Where a relative path starts (openat(2) "dirfd"): the cwd for AT_FDCWD, else the
    /// directory open at `dirfd` (EBADF if none). An absolute path ignores dirfd; a relative one
    /// with a non-directory dirfd is ENOTDIR (the VFS says so for a file; here for a pipe).
    func base(_ dirfd: Int32, _ path: [UInt8]) throws(Errno) -> Node {
        if path.first == 0x2F || dirfd == LinuxFS.AT_FDCWD { return process.cwd }
        guard let d = process.fds[dirfd] else { throw .EBADF }
        guard let f = d.object as? OpenFile else { throw path.isEmpty ? .ENOENT : .ENOTDIR }
        return f.node
    }
}
