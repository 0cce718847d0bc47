// SPDX-License-Identifier: MIT
// Host directories mounted into the guest namespace (`emu run --mount HOST:GUEST[:ro]`).
//
// No escape: the guest reaches only the mounted host tree.
// - Every host access walks from the mount root's descriptor one component at a time with
//   openat(2) O_NOFOLLOW|O_DIRECTORY and acts on the last with *at(2) calls that do not follow
//   symlinks, so the host kernel never follows a host symlink.
// - `..` at the mount root is the guest parent of the mount point (path_resolution(7) for
//   mount points), never the host parent.
// - Host symlinks are resolved by the VFS in the guest namespace, and one whose target is
//   absolute or climbs with `..` above the mount root is refused with EACCES (chosen over
//   ELOOP, which programs read as a symlink loop).
// - Only regular files and directories can be opened; host FIFOs, sockets and device nodes
//   are EACCES (opening a FIFO would block the emulator).
// Ownership: every node is reported as owned by the mount's uid/gid (default root), with the
// host's mode bits; the host's own permission checks apply on top (their EACCES passes through).
// A read-only mount gives EROFS to every change.

#if canImport(Glibc)
import Glibc
#endif

/// An open host descriptor, closed when the last reference goes.
final class HostDescriptor {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// One host mount: the descriptor of its root and its file system identity.
final class HostMount {
    let root: HostDescriptor
    let fs: FileSystem
    let uid: UInt32, gid: UInt32
    init(root: HostDescriptor, fs: FileSystem, uid: UInt32, gid: UInt32) {
        self.root = root; self.fs = fs; self.uid = uid; self.gid = gid
    }
}

/// renameat2(2) with RENAME_EXCHANGE: glibc has it, but Swift's Glibc module does not export
/// the GNU declaration, so it is looked up by name.
private func hostRenameExchange(_ a: Int32, _ an: UnsafePointer<CChar>, _ b: Int32, _ bn: UnsafePointer<CChar>) -> Int32 {
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { errno = ENOSYS; return -1 }
    return unsafeBitCast(sym, to: RenameAt2.self)(a, an, b, bn, LinuxFS.RENAME_EXCHANGE)
}

private var hostErrno: Errno { Errno(rawValue: errno) ?? .EIO }

private func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (bytes + [0]).withUnsafeBufferPointer { p in
        p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { body($0) }
    }
}

final class HostNode: Node {
    let mount: HostMount
    /// The path below the mount root; empty for the root.
    let components: [[UInt8]]

    init(mount: HostMount, components: [[UInt8]], type: FileType, parent: Node?) {
        self.mount = mount; self.components = components
        super.init(fs: mount.fs, type: type)
        self.parent = parent
        if type == .directory { nameInParent = components.last }
    }

    /// A descriptor of the directory at `path` below the root, walked without following symlinks.
    private func directoryFD(_ path: ArraySlice<[UInt8]>) throws(Errno) -> HostDescriptor {
        var cur = HostDescriptor(dup(mount.root.fd))
        if cur.fd < 0 { throw hostErrno }
        for c in path {
            let fd = withCString(c) { openat(cur.fd, $0, LinuxFS.O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            if fd < 0 { throw errno == ELOOP ? .ENOTDIR : hostErrno }
            cur = HostDescriptor(fd)
        }
        return cur
    }

    /// The directory holding this node and the name in it ("." for the root).
    private func location() throws(Errno) -> (HostDescriptor, [UInt8]) {
        guard let name = components.last else { return (try directoryFD([]), [0x2E]) }
        return (try directoryFD(components.dropLast()), name)
    }

    private func hostStat() throws(Errno) -> Glibc.stat {
        let (dir, name) = try location()
        var st = Glibc.stat()
        let rc = withCString(name) { fstatat(dir.fd, $0, &st, AT_SYMLINK_NOFOLLOW) }
        if rc != 0 { throw hostErrno }
        return st
    }

    static func type(of mode: UInt32) -> FileType { FileType(rawValue: mode & LinuxFS.S_IFMT) ?? .regular }

    override var inoValue: UInt64 { (try? hostStat().st_ino).map { UInt64($0) } ?? 0 }

    override func stat() throws(Errno) -> Stat {
        let h = try hostStat()
        var s = Stat()
        s.dev = fs.dev; s.ino = UInt64(h.st_ino); s.mode = UInt32(h.st_mode); s.nlink = UInt64(h.st_nlink)
        s.uid = mount.uid; s.gid = mount.gid; s.rdev = UInt64(h.st_rdev); s.size = Int64(h.st_size)
        s.blksize = Int64(h.st_blksize); s.blocks = Int64(h.st_blocks)
        s.atime = Timespec(sec: Int64(h.st_atim.tv_sec), nsec: Int64(h.st_atim.tv_nsec))
        s.mtime = Timespec(sec: Int64(h.st_mtim.tv_sec), nsec: Int64(h.st_mtim.tv_nsec))
        s.ctime = Timespec(sec: Int64(h.st_ctim.tv_sec), nsec: Int64(h.st_ctim.tv_nsec))
        return s
    }

    override func setMode(_ mode: UInt32) throws(Errno) {
        let (dir, name) = try location()
        if withCString(name, { fchmodat(dir.fd, $0, mode_t(mode), 0) }) != 0 { throw hostErrno }
    }

    override func setTimes(atime: Timespec?, mtime: Timespec?) throws(Errno) {
        let (dir, name) = try location()
        func ts(_ t: Timespec?) -> timespec {
            guard let t else { return timespec(tv_sec: 0, tv_nsec: Int(LinuxFS.UTIME_OMIT)) }
            return timespec(tv_sec: Int(t.sec), tv_nsec: Int(t.nsec))
        }
        let times = [ts(atime), ts(mtime)]
        if withCString(name, { utimensat(dir.fd, $0, times, AT_SYMLINK_NOFOLLOW) }) != 0 { throw hostErrno }
    }

    /// Host ownership is not changed from the guest.
    override func setOwner(uid: UInt32?, gid: UInt32?) throws(Errno) { throw .EPERM }

    // MARK: directories

    private func child(_ name: [UInt8], type: FileType) -> HostNode {
        HostNode(mount: mount, components: components + [name], type: type, parent: self)
    }

    override func lookup(_ name: [UInt8]) throws(Errno) -> Node? {
        guard type == .directory else { throw .ENOTDIR }
        let dir = try directoryFD(components[...])
        var st = Glibc.stat()
        if withCString(name, { fstatat(dir.fd, $0, &st, AT_SYMLINK_NOFOLLOW) }) != 0 {
            if errno == ENOENT { return nil }
            throw hostErrno
        }
        return child(name, type: HostNode.type(of: UInt32(st.st_mode)))
    }

    /// The host directory's entries, sorted by name so listings do not depend on the host.
    override func entries() throws(Errno) -> [DirectoryEntry] {
        guard type == .directory else { throw .ENOTDIR }
        let dir = try directoryFD(components[...])
        let fd = openat(dir.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw hostErrno }
        guard let d = fdopendir(fd) else { close(fd); throw hostErrno }
        defer { closedir(d) }
        var found: [([UInt8], UInt64, UInt8)] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            found.append((name, UInt64(e.pointee.d_ino), e.pointee.d_type))
        }
        found.sort { $0.0.lexicographicallyPrecedes($1.0) }
        return found.enumerated().map { i, f in
            let t: FileType = switch f.2 {
            case LinuxFS.DT_DIR: .directory
            case LinuxFS.DT_LNK: .symlink
            case LinuxFS.DT_FIFO: .fifo
            case LinuxFS.DT_CHR: .characterDevice
            case LinuxFS.DT_BLK: .blockDevice
            case LinuxFS.DT_SOCK: .socket
            default: .regular
            }
            return DirectoryEntry(name: f.0, ino: f.1, type: t, cookie: Int64(i) + 3)
        }
    }

    override func create(_ name: [UInt8], type: FileType, mode: UInt32, uid: UInt32, gid: UInt32,
                         symlinkTarget: [UInt8]) throws(Errno) -> Node {
        let dir = try directoryFD(components[...])
        let rc: Int32 = withCString(name) { n in
            switch type {
            case .directory: return mkdirat(dir.fd, n, mode_t(mode & 0o7777))
            case .symlink: return withCString(symlinkTarget) { symlinkat($0, dir.fd, n) }
            default:
                let fd = openat(dir.fd, n, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode_t(mode & 0o7777))
                if fd >= 0 { close(fd); return 0 }
                return -1
            }
        }
        if rc != 0 { throw hostErrno }
        return child(name, type: type)
    }

    override func link(_ name: [UInt8], to node: Node) throws(Errno) {
        guard let source = node as? HostNode, source.mount === mount else { throw .EXDEV }
        let (sdir, sname) = try source.location()
        let dir = try directoryFD(components[...])
        let rc = withCString(sname) { s in withCString(name) { linkat(sdir.fd, s, dir.fd, $0, 0) } }
        if rc != 0 { throw hostErrno }
    }

    override func remove(_ name: [UInt8]) throws(Errno) {
        guard let victim = try lookup(name) else { throw .ENOENT }
        let dir = try directoryFD(components[...])
        let flags = victim.type == .directory ? AT_REMOVEDIR : 0
        if withCString(name, { unlinkat(dir.fd, $0, flags) }) != 0 { throw hostErrno }
    }

    override func rename(_ name: [UInt8], to dir: Node, as newName: [UInt8], exchange: Bool) throws(Errno) {
        guard let target = dir as? HostNode, target.mount === mount else { throw .EXDEV }
        let from = try directoryFD(components[...])
        let to = try target.directoryFD(target.components[...])
        let rc = withCString(name) { o in
            withCString(newName) { n in
                exchange ? hostRenameExchange(from.fd, o, to.fd, n) : renameat(from.fd, o, to.fd, n)
            }
        }
        if rc != 0 { throw hostErrno }
    }

    // MARK: contents

    /// A descriptor of this regular file, opened without following symlinks.
    private func openHost(_ flags: Int32) throws(Errno) -> HostDescriptor {
        let (dir, name) = try location()
        let fd = withCString(name) { openat(dir.fd, $0, flags | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK) }
        if fd < 0 { throw hostErrno }
        return HostDescriptor(fd)
    }

    override func opened(_ file: OpenFile) throws(Errno) {
        switch type {
        case .directory: return
        case .regular:
            let mode: Int32 = file.canWrite ? (file.canRead ? O_RDWR : O_WRONLY) : O_RDONLY
            file.hostHandle = try openHost(mode)
        default: throw .EACCES
        }
    }

    private func descriptor(_ file: OpenFile) throws(Errno) -> HostDescriptor {
        guard let d = file.hostHandle as? HostDescriptor else { throw .EBADF }
        return d
    }

    override func read(_ file: OpenFile, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        if type == .directory { throw .EISDIR }
        let d = try descriptor(file)
        var buf = [UInt8](repeating: 0, count: count)
        let n = buf.withUnsafeMutableBytes { Glibc.pread(d.fd, $0.baseAddress, count, off_t(offset)) }
        if n < 0 { throw hostErrno }
        return Array(buf.prefix(n))
    }

    override func write(_ file: OpenFile, at offset: Int64, _ bytes: [UInt8]) throws(Errno) -> Int {
        if type == .directory { throw .EISDIR }
        let d = try descriptor(file)
        let n = bytes.withUnsafeBytes { Glibc.pwrite(d.fd, $0.baseAddress, bytes.count, off_t(offset)) }
        if n < 0 { throw hostErrno }
        return n
    }

    override func truncate(to size: Int64) throws(Errno) {
        guard type == .regular else { throw type == .directory ? .EISDIR : .EINVAL }
        let d = try openHost(O_WRONLY)
        if ftruncate(d.fd, off_t(size)) != 0 { throw hostErrno }
    }

    override func seekData(from offset: Int64, hole: Bool) throws(Errno) -> Int64 {
        let d = try openHost(O_RDONLY)
        let r = lseek(d.fd, off_t(offset), hole ? LinuxFS.SEEK_HOLE : LinuxFS.SEEK_DATA)
        if r < 0 { throw hostErrno }
        return Int64(r)
    }

    // MARK: symlinks

    override func readlink(_ caller: Caller) throws(Errno) -> [UInt8] {
        let (dir, name) = try location()
        var buf = [UInt8](repeating: 0, count: LinuxFS.PATH_MAX)
        let n = withCString(name) { n in
            buf.withUnsafeMutableBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { readlinkat(dir.fd, n, $0, b.count) }
            }
        }
        if n < 0 { throw hostErrno }
        return Array(buf.prefix(n))
    }

    /// A target that is absolute, or whose `..` climb above the mount root from this directory.
    override func symlinkLeavesMount(_ target: [UInt8]) -> Bool {
        if target.first == 0x2F { return true }
        var depth = components.count
        for c in target.split(separator: 0x2F, omittingEmptySubsequences: true) {
            if c.elementsEqual([0x2E]) { continue }
            if c.elementsEqual([0x2E, 0x2E]) {
                depth -= 1
                if depth < 0 { return true }
            } else {
                depth += 1
            }
        }
        return false
    }
}

extension VFS {
    /// Mounts the host directory `hostPath` at the guest directory `guestPath` (made, as root,
    /// with its parents if missing). `readOnly` makes every change EROFS; the files appear owned
    /// by `uid`/`gid`. ENOENT/ENOTDIR/EACCES from the host path; EBUSY if something is already
    /// mounted there; ENOTDIR if the guest path is not a directory.
    public func mountHost(_ hostPath: String, at guestPath: [UInt8], readOnly: Bool = false,
                          uid: UInt32 = 0, gid: UInt32 = 0) throws(Errno) {
        let fd = hostPath.withCString { Glibc.open($0, LinuxFS.O_PATH | O_DIRECTORY | O_CLOEXEC) }
        if fd < 0 { throw hostErrno }
        let rootFD = HostDescriptor(fd)
        var dir = root
        for c in guestPath.split(separator: 0x2F, omittingEmptySubsequences: true).map(Array.init) {
            if c == [0x2E] || c == [0x2E, 0x2E] { throw .EINVAL }
            while let m = dir.mounted { dir = m }
            if let next = try dir.lookup(c) {
                dir = next
            } else {
                dir = try dir.create(c, type: .directory, mode: 0o755, uid: 0, gid: 0, symlinkTarget: [])
            }
        }
        guard dir.type == .directory else { throw .ENOTDIR }
        if dir.mounted != nil || dir === root { throw .EBUSY }
        let fs = FileSystem(name: "host:" + hostPath, dev: newDevice(), readOnly: readOnly, clock: clock)
        let mount = HostMount(root: rootFD, fs: fs, uid: uid, gid: gid)
        let mountRoot = HostNode(mount: mount, components: [], type: .directory, parent: nil)
        attach(mountRoot, on: dir, path: String(decoding: guestPath, as: UTF8.self))
    }
}
