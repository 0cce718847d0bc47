// SPDX-License-Identifier: MIT
// The in-memory file system (as tmpfs): the root file system from the boot image, /tmp and /dev
// live here. Every node keeps its own attributes; timestamps follow inode(7) ("The file
// timestamps"): creation sets all three, content changes set mtime and ctime, attribute
// changes set ctime.

/// Attributes every in-memory node keeps.
class MemoryNode: Node {
    var ino: UInt64
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var nlink: UInt64 = 1
    var rdev: UInt64 = 0
    var atime: Timespec, mtime: Timespec, ctime: Timespec

    init(fs: FileSystem, type: FileType, mode: UInt32, uid: UInt32, gid: UInt32) {
        ino = fs.allocateIno()
        self.mode = mode & 0o7777; self.uid = uid; self.gid = gid
        let now = fs.now
        atime = now; mtime = now; ctime = now
        super.init(fs: fs, type: type)
    }

    override var inoValue: UInt64 { ino }
    var contentSize: Int64 { 0 }
    var allocatedBlocks: Int64 { 0 }

    override func stat() throws(Errno) -> Stat {
        var s = Stat()
        s.dev = fs.dev; s.ino = ino; s.mode = type.rawValue | mode; s.nlink = nlink
        s.uid = uid; s.gid = gid; s.rdev = rdev; s.size = contentSize; s.blocks = allocatedBlocks
        s.atime = atime; s.mtime = mtime; s.ctime = ctime
        return s
    }
    override func setMode(_ mode: UInt32) throws(Errno) { self.mode = mode & 0o7777; ctime = fs.now }
    override func setTimes(atime: Timespec?, mtime: Timespec?) throws(Errno) {
        if let atime { self.atime = atime }
        if let mtime { self.mtime = mtime }
        ctime = fs.now
    }
    override func setOwner(uid: UInt32?, gid: UInt32?) throws(Errno) {
        if let uid { self.uid = uid }
        if let gid { self.gid = gid }
        ctime = fs.now
    }
    func touchContent() { let now = fs.now; mtime = now; ctime = now }
    /// relatime (mount(8)): atime moves on a read only if it is not newer than mtime or ctime.
    func touchAccess() { if atime <= mtime || atime <= ctime { atime = fs.now } }
}

final class MemoryDirectory: MemoryNode {
    private var children: [[UInt8]: (node: Node, cookie: Int64)] = [:]
    /// Cookies 1 and 2 are `.` and `..` (getdents64(2) d_off).
    private var nextCookie: Int64 = 3
    /// Set by rmdir: an unlinked directory cannot get new entries and lists nothing.
    var removed = false

    init(fs: FileSystem, mode: UInt32, uid: UInt32, gid: UInt32, parent: Node?) {
        super.init(fs: fs, type: .directory, mode: mode, uid: uid, gid: gid)
        self.parent = parent
        nlink = 2
    }

    override var contentSize: Int64 { 4096 }
    override var allocatedBlocks: Int64 { 8 }

    override func lookup(_ name: [UInt8]) throws(Errno) -> Node? { children[name]?.node }

    override func entries() throws(Errno) -> [DirectoryEntry] {
        if removed { throw .ENOENT }
        return children.map { name, e in
            DirectoryEntry(name: name, ino: e.node.inoValue, type: e.node.type, cookie: e.cookie)
        }.sorted { $0.cookie < $1.cookie }
    }
    override func isEmptyDirectory() throws(Errno) -> Bool { children.isEmpty }

    func insert(_ name: [UInt8], _ node: Node) {
        children[name] = (node, nextCookie)
        nextCookie += 1
        if node.type == .directory { node.parent = self; node.nameInParent = name; nlink += 1 }
        touchContent()
    }

    override func create(_ name: [UInt8], type: FileType, mode: UInt32, uid: UInt32, gid: UInt32,
                         symlinkTarget: [UInt8]) throws(Errno) -> Node {
        if removed { throw .ENOENT }
        let node: Node
        switch type {
        case .directory: node = MemoryDirectory(fs: fs, mode: mode, uid: uid, gid: gid, parent: self)
        case .regular: node = MemoryFile(fs: fs, mode: mode, uid: uid, gid: gid)
        case .symlink: node = MemorySymlink(fs: fs, target: symlinkTarget, uid: uid, gid: gid)
        default: throw .EPERM
        }
        insert(name, node)
        return node
    }

    override func link(_ name: [UInt8], to node: Node) throws(Errno) {
        if removed { throw .ENOENT }
        guard let m = node as? MemoryNode else { throw .EXDEV }
        m.nlink += 1; m.ctime = fs.now
        insert(name, node)
    }

    override func remove(_ name: [UInt8]) throws(Errno) {
        guard let e = children.removeValue(forKey: name) else { throw .ENOENT }
        if let d = e.node as? MemoryDirectory {
            nlink -= 1; d.nlink = 0; d.removed = true
        } else if let m = e.node as? MemoryNode {
            m.nlink -= 1; m.ctime = fs.now
        }
        touchContent()
    }

    override func rename(_ name: [UInt8], to dir: Node, as newName: [UInt8], exchange: Bool) throws(Errno) {
        guard let target = dir as? MemoryDirectory, let e = children[name] else { throw .EXDEV }
        if exchange {
            guard let other = target.children[newName] else { throw .ENOENT }
            if target === self {
                children[name] = (other.node, e.cookie); children[newName] = (e.node, other.cookie)
            } else {
                children[name] = (other.node, nextCookie); nextCookie += 1
                target.children[newName] = (e.node, target.nextCookie); target.nextCookie += 1
                for (n, from, to) in [(e.node, self, target), (other.node, target, self)] where n.type == .directory {
                    n.parent = to; from.nlink -= 1; to.nlink += 1
                }
            }
            if e.node.type == .directory { e.node.nameInParent = newName }
            if other.node.type == .directory { other.node.nameInParent = name }
            for n in [e.node, other.node] { (n as? MemoryNode)?.ctime = fs.now }
            touchContent(); target.touchContent()
            return
        }
        if target.children[newName] != nil { try target.remove(newName) }
        children.removeValue(forKey: name)
        if e.node.type == .directory { nlink -= 1 }
        target.insert(newName, e.node)
        (e.node as? MemoryNode)?.ctime = fs.now
        touchContent()
    }

    /// The name under which `node` is an entry here (for getcwd and /proc/self/fd paths).
    func name(of node: Node) -> [UInt8]? {
        for (name, e) in children where e.node === node { return name }
        return nil
    }
}

final class MemoryFile: MemoryNode {
    var data = SparseBytes()

    init(fs: FileSystem, mode: UInt32, uid: UInt32, gid: UInt32) {
        super.init(fs: fs, type: .regular, mode: mode, uid: uid, gid: gid)
    }
    override var contentSize: Int64 { data.size }
    override var allocatedBlocks: Int64 { data.blocks }

    override func read(_ file: OpenFile, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        touchAccess()
        return data.read(at: offset, count: count)
    }
    override func write(_ file: OpenFile, at offset: Int64, _ bytes: [UInt8]) throws(Errno) -> Int {
        data.write(bytes, at: offset)
        touchContent()
        return bytes.count
    }
    override func truncate(to size: Int64) throws(Errno) { data.truncate(to: size); touchContent() }
    override func seekData(from offset: Int64, hole: Bool) throws(Errno) -> Int64 {
        if offset < 0 || offset >= data.size { throw .ENXIO }
        guard let r = data.seek(from: offset, hole: hole) else { throw .ENXIO }
        return r
    }
}

final class MemorySymlink: MemoryNode {
    let target: [UInt8]
    init(fs: FileSystem, target: [UInt8], uid: UInt32, gid: UInt32) {
        self.target = target
        super.init(fs: fs, type: .symlink, mode: 0o777, uid: uid, gid: gid)
    }
    override var contentSize: Int64 { Int64(target.count) }
    override func readlink(_ caller: Caller) throws(Errno) -> [UInt8] { target }
}
