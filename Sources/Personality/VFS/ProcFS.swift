// SPDX-License-Identifier: MIT
// /proc (proc(5)) as a synthetic read-only file system. The roottask registers what it holds as
// closures; a file's bytes are generated when it is opened and stay fixed for that open file
// description (as seq_file files read consistently from one open). Layout:
//   /proc/NAME              files registered with addFile (meminfo, cpuinfo, ...)
//   /proc/self              symlink to the caller's PID (proc(5) "/proc/self")
//   /proc/PID/NAME          per-process files (maps, ...) and symlinks (exe, cwd, ...)
//   /proc/PID/DIR/ENTRY     per-process directories of symlinks (fd/0 -> /dev/tty, ...)

/// What the roottask registers for /proc.
public final class ProcFS {
    var files: [[UInt8]: () -> [UInt8]] = [:]
    var processFiles: [[UInt8]: (Int32) -> [UInt8]?] = [:]
    var processSymlinks: [[UInt8]: (Int32) -> [UInt8]?] = [:]
    var processDirectories: [[UInt8]: (Int32) -> [(name: [UInt8], target: [UInt8])]?] = [:]
    /// The IDs of the processes that exist (the numbered directories); defaults to none, in
    /// which case /proc/self still works for the caller.
    public var processIDs: () -> [Int32] = { [] }

    public init() {}

    /// /proc/NAME, a read-only file generated on open (e.g. "meminfo", "cpuinfo").
    public func addFile(_ name: String, content: @escaping () -> [UInt8]) { files[Array(name.utf8)] = content }
    /// /proc/PID/NAME, a read-only file (e.g. "maps"); nil from the closure is ENOENT.
    public func addProcessFile(_ name: String, content: @escaping (Int32) -> [UInt8]?) {
        processFiles[Array(name.utf8)] = content
    }
    /// /proc/PID/NAME, a symlink whose target the closure gives (e.g. "exe"); nil is ENOENT.
    public func addProcessSymlink(_ name: String, target: @escaping (Int32) -> [UInt8]?) {
        processSymlinks[Array(name.utf8)] = target
    }
    /// /proc/PID/NAME, a directory of symlinks (e.g. "fd": "0" -> "/dev/tty"); nil is ENOENT.
    public func addProcessDirectory(_ name: String, entries: @escaping (Int32) -> [(name: [UInt8], target: [UInt8])]?) {
        processDirectories[Array(name.utf8)] = entries
    }
}

/// The attributes every /proc node reports: owned by root, times fixed at mount.
class ProcNode: Node {
    let proc: ProcFS
    let ino: UInt64
    let mode: UInt32
    init(fs: FileSystem, proc: ProcFS, type: FileType, ino: UInt64, mode: UInt32) {
        self.proc = proc; self.ino = ino; self.mode = mode
        super.init(fs: fs, type: type)
    }
    override var inoValue: UInt64 { ino }
    var procSize: Int64 { 0 }
    override func stat() throws(Errno) -> Stat {
        var s = Stat()
        s.dev = fs.dev; s.ino = ino; s.mode = type.rawValue | mode
        s.nlink = type == .directory ? 2 : 1; s.size = procSize; s.blksize = 1024
        let t = fs.now
        s.atime = t; s.mtime = t; s.ctime = t
        return s
    }
    // As on Linux, root's chmod(2) and utimensat(2) on /proc succeed; nothing is kept here.
    override func setMode(_ mode: UInt32) throws(Errno) {}
    override func setTimes(atime: Timespec?, mtime: Timespec?) throws(Errno) {}
    // proc's lookup answers ENOENT for a missing name, so creating anything is ENOENT; it has
    // no unlink/rmdir/rename operations (vfs_unlink: EPERM).
    override func create(_ name: [UInt8], type: FileType, mode: UInt32, uid: UInt32, gid: UInt32,
                         symlinkTarget: [UInt8]) throws(Errno) -> Node { throw .ENOENT }
    override func link(_ name: [UInt8], to node: Node) throws(Errno) { throw .ENOENT }
    override func remove(_ name: [UInt8]) throws(Errno) { throw .EPERM }
    override func rename(_ name: [UInt8], to dir: Node, as newName: [UInt8], exchange: Bool) throws(Errno) {
        throw (try? dir.lookup(newName)) == nil ? .ENOENT : .EPERM
    }
    override var namespaceFixed: Bool { true }

    /// A stable inode number for a path under /proc (FNV-1a), so repeated stats agree.
    static func ino(_ parts: [[UInt8]]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for p in parts { for b in p + [0x2F] { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 } }
        return h >> 8 | 0x1000
    }
}

/// /proc itself.
final class ProcRoot: ProcNode {
    init(fs: FileSystem, proc: ProcFS) {
        super.init(fs: fs, proc: proc, type: .directory, ino: 1, mode: 0o555)
    }
    override func lookup(_ name: [UInt8]) throws(Errno) -> Node? {
        if name == Array("self".utf8) {
            return ProcSymlink(fs: fs, proc: proc, ino: ProcNode.ino([name])) { caller in Array(String(caller.pid).utf8) }
        }
        if let content = proc.files[name] {
            return ProcFile(fs: fs, proc: proc, ino: ProcNode.ino([name])) { content() }
        }
        if let pid = Int32(String(decoding: name, as: UTF8.self)), pid > 0, String(pid).utf8.elementsEqual(name) {
            return ProcProcessDirectory(fs: fs, proc: proc, pid: pid, parent: self)
        }
        return nil
    }
    override func entries() throws(Errno) -> [DirectoryEntry] {
        var out: [DirectoryEntry] = []
        var cookie: Int64 = 3
        for pid in proc.processIDs().sorted() {
            let n = Array(String(pid).utf8)
            out.append(DirectoryEntry(name: n, ino: ProcNode.ino([n]), type: .directory, cookie: cookie)); cookie += 1
        }
        for name in proc.files.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            out.append(DirectoryEntry(name: name, ino: ProcNode.ino([name]), type: .regular, cookie: cookie)); cookie += 1
        }
        let s = Array("self".utf8)
        out.append(DirectoryEntry(name: s, ino: ProcNode.ino([s]), type: .symlink, cookie: cookie))
        return out
    }
}

/// /proc/PID.
final class ProcProcessDirectory: ProcNode {
    let pid: Int32
    init(fs: FileSystem, proc: ProcFS, pid: Int32, parent: Node) {
        self.pid = pid
        super.init(fs: fs, proc: proc, type: .directory, ino: ProcNode.ino([Array(String(pid).utf8)]), mode: 0o555)
        self.parent = parent
        self.nameInParent = Array(String(pid).utf8)
    }
    private var prefix: [UInt8] { Array(String(pid).utf8) }
    override func lookup(_ name: [UInt8]) throws(Errno) -> Node? {
        let pid = pid, ino = ProcNode.ino([prefix, name])
        if let f = proc.processFiles[name], f(pid) != nil {
            return ProcFile(fs: fs, proc: proc, ino: ino) { f(pid) ?? [] }
        }
        if let t = proc.processSymlinks[name], t(pid) != nil {
            return ProcSymlink(fs: fs, proc: proc, ino: ino) { _ in t(pid) }
        }
        if let d = proc.processDirectories[name], d(pid) != nil {
            return ProcLinkDirectory(fs: fs, proc: proc, ino: ino, name: name, parent: self) { d(pid) ?? [] }
        }
        return nil
    }
    override func entries() throws(Errno) -> [DirectoryEntry] {
        var all: [([UInt8], FileType)] = []
        for (n, f) in proc.processFiles where f(pid) != nil { all.append((n, .regular)) }
        for (n, t) in proc.processSymlinks where t(pid) != nil { all.append((n, .symlink)) }
        for (n, d) in proc.processDirectories where d(pid) != nil { all.append((n, .directory)) }
        all.sort { $0.0.lexicographicallyPrecedes($1.0) }
        return all.enumerated().map { i, e in
            DirectoryEntry(name: e.0, ino: ProcNode.ino([prefix, e.0]), type: e.1, cookie: Int64(i) + 3)
        }
    }
}

/// A directory of symlinks such as /proc/PID/fd.
final class ProcLinkDirectory: ProcNode {
    let links: () -> [(name: [UInt8], target: [UInt8])]
    init(fs: FileSystem, proc: ProcFS, ino: UInt64, name: [UInt8], parent: Node,
         links: @escaping () -> [(name: [UInt8], target: [UInt8])]) {
        self.links = links
        super.init(fs: fs, proc: proc, type: .directory, ino: ino, mode: 0o500)
        self.parent = parent
        self.nameInParent = name
    }
    override func lookup(_ name: [UInt8]) throws(Errno) -> Node? {
        guard let l = links().first(where: { $0.name == name }) else { return nil }
        let target = l.target
        return ProcSymlink(fs: fs, proc: proc, ino: ProcNode.ino([Array(String(ino).utf8), name])) { _ in target }
    }
    override func entries() throws(Errno) -> [DirectoryEntry] {
        links().enumerated().map { i, l in
            DirectoryEntry(name: l.name, ino: ProcNode.ino([Array(String(ino).utf8), l.name]), type: .symlink, cookie: Int64(i) + 3)
        }
    }
}

/// A generated read-only file: its bytes are made at open and kept by the open file description.
final class ProcFile: ProcNode {
    let generate: () -> [UInt8]
    init(fs: FileSystem, proc: ProcFS, ino: UInt64, generate: @escaping () -> [UInt8]) {
        self.generate = generate
        super.init(fs: fs, proc: proc, type: .regular, ino: ino, mode: 0o444)
    }
    override func opened(_ file: OpenFile) throws(Errno) { file.snapshot = generate() }
    override func read(_ file: OpenFile, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        let bytes = file.snapshot ?? []
        guard offset < Int64(bytes.count) else { return [] }
        let end = min(bytes.count, Int(offset) + count)
        return Array(bytes[Int(offset)..<end])
    }
    // Root may open these for writing (mode 0444 does not stop it); the write is EIO, a
    // truncate does nothing, as on Linux.
    override func write(_ file: OpenFile, at offset: Int64, _ bytes: [UInt8]) throws(Errno) -> Int { throw .EIO }
    override func truncate(to size: Int64) throws(Errno) {}
    // seq_file's lseek takes SEEK_SET and SEEK_CUR only.
    override var seekRelativeToEnd: Bool { false }
}

/// A symlink whose target a closure gives for the caller.
final class ProcSymlink: ProcNode {
    let target: (Caller) -> [UInt8]?
    init(fs: FileSystem, proc: ProcFS, ino: UInt64, target: @escaping (Caller) -> [UInt8]?) {
        self.target = target
        super.init(fs: fs, proc: proc, type: .symlink, ino: ino, mode: 0o777)
    }
    override func readlink(_ caller: Caller) throws(Errno) -> [UInt8] {
        guard let t = target(caller) else { throw .ENOENT }
        return t
    }
}
