// SPDX-License-Identifier: MIT
// A node of the file-system tree (an inode with, for directories, its place in the tree) and the
// file system it belongs to. Each kind of file system (memory, devices, /proc, host mounts)
// subclasses Node and overrides what it supports; the defaults give the errno Linux gives for an
// operation the node's type does not have. Generic rules (path resolution, permissions, the
// errno order of each syscall) live in the VFS, not here.

/// One mounted file system: its device number, whether it is read-only, where its inode numbers
/// come from and the clock for its timestamps.
public final class FileSystem {
    public let dev: UInt64
    public let readOnly: Bool
    public let name: String
    let clock: () -> Timespec
    private var nextIno: UInt64 = 1

    init(name: String, dev: UInt64, readOnly: Bool, clock: @escaping () -> Timespec) {
        self.name = name; self.dev = dev; self.readOnly = readOnly; self.clock = clock
    }
    func allocateIno() -> UInt64 { nextIno += 1; return nextIno }
    var now: Timespec { clock() }
}

/// A directory entry as a directory lists it (getdents64(2)): the cookie is d_off, the position
/// after this entry; cookies only grow, so a listing stays stable while the directory changes.
public struct DirectoryEntry: Equatable, Sendable {
    public var name: [UInt8]
    public var ino: UInt64
    public var type: FileType
    public var cookie: Int64
}

/// A node. Directories know their parent (for `..`), the file system mounted on them, and, at a
/// file system's root, the directory they cover.
public class Node {
    public let fs: FileSystem
    public let type: FileType
    /// Directories: the directory holding this one; nil at a file system's root.
    var parent: Node?
    /// The root of a file system mounted on this directory.
    var mounted: Node?
    /// At a mounted file system's root: the directory it is mounted on (`..` leaves through it).
    weak var covered: Node?
    /// Directories: the name `parent` holds this one under (getcwd(2), /proc/self/fd paths).
    var nameInParent: [UInt8]?

    init(fs: FileSystem, type: FileType) { self.fs = fs; self.type = type }

    /// Identity across Node objects: host mounts make a new object per lookup.
    var key: NodeKey { NodeKey(dev: fs.dev, ino: inoValue) }
    var inoValue: UInt64 { (try? stat().ino) ?? 0 }
    public var isDirectory: Bool { type == .directory }

    // MARK: attributes
    public func stat() throws(Errno) -> Stat { throw .EIO }
    func setMode(_ mode: UInt32) throws(Errno) { throw .EPERM }
    func setTimes(atime: Timespec?, mtime: Timespec?) throws(Errno) { throw .EPERM }
    func setOwner(uid: UInt32?, gid: UInt32?) throws(Errno) { throw .EPERM }

    // MARK: directories
    /// The entry `name` (never `.` or `..`), or nil.
    func lookup(_ name: [UInt8]) throws(Errno) -> Node? { throw .ENOTDIR }
    /// The entries other than `.` and `..`, cookies 3 and up, in cookie order.
    func entries() throws(Errno) -> [DirectoryEntry] { throw .ENOTDIR }
    func isEmptyDirectory() throws(Errno) -> Bool { try entries().isEmpty }
    /// Makes a new node `name`, which does not exist yet. `mode` holds the permission bits only.
    func create(_ name: [UInt8], type: FileType, mode: UInt32, uid: UInt32, gid: UInt32,
                symlinkTarget: [UInt8]) throws(Errno) -> Node { throw .ENOTDIR }
    /// A new hard link `name` to `node` (same file system, not a directory).
    func link(_ name: [UInt8], to node: Node) throws(Errno) { throw .ENOTDIR }
    /// Removes the entry `name` (the VFS has done every check).
    func remove(_ name: [UInt8]) throws(Errno) { throw .ENOTDIR }
    /// Moves entry `name` to `newName` in `dir` (same file system), replacing what is there, or
    /// swaps the two entries when `exchange` (the VFS has done every check).
    func rename(_ name: [UInt8], to dir: Node, as newName: [UInt8], exchange: Bool) throws(Errno) { throw .ENOTDIR }

    // MARK: contents
    /// Called when an open file description is made for this node (not for O_PATH).
    func opened(_ file: OpenFile) throws(Errno) {}
    func read(_ file: OpenFile, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        throw type == .directory ? .EISDIR : .EINVAL
    }
    func write(_ file: OpenFile, at offset: Int64, _ bytes: [UInt8]) throws(Errno) -> Int {
        throw type == .directory ? .EISDIR : .EINVAL
    }
    func truncate(to size: Int64) throws(Errno) { throw type == .directory ? .EISDIR : .EINVAL }
    /// lseek(2) SEEK_DATA / SEEK_HOLE on a file of this size; the default treats it as all data.
    func seekData(from offset: Int64, hole: Bool) throws(Errno) -> Int64 {
        let size = try stat().size
        if offset < 0 || offset >= size { throw .ENXIO }
        return hole ? size : offset
    }
    /// Whether lseek(2) works (ESPIPE for terminals and pipes).
    var seekable: Bool { true }
    /// Whether lseek(2) takes SEEK_END, SEEK_DATA and SEEK_HOLE (EINVAL otherwise).
    var seekRelativeToEnd: Bool { true }
    /// A directory whose entries cannot be removed (no unlink/rmdir operation: EPERM).
    var namespaceFixed: Bool { false }

    // MARK: symlinks
    /// Whether a symlink target read in this directory would leave its file system (host mounts
    /// refuse those; everything else resolves them in the guest namespace).
    func symlinkLeavesMount(_ target: [UInt8]) -> Bool { false }
    func readlink(_ caller: Caller) throws(Errno) -> [UInt8] { throw .EINVAL }
}

struct NodeKey: Hashable { let dev: UInt64; let ino: UInt64 }
