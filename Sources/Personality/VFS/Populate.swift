// SPDX-License-Identifier: MIT
// Filling the root file system from the boot image (docs/boot-image.md): each member under
// `root/` becomes a node with its mode, owner and mtime. The files stay writable in memory.

/// One file of the initial root file system, independent of the image format.
public struct VFSEntry: Sendable {
    public enum Kind: Sendable, Equatable { case file, directory, symlink }
    /// Absolute or relative to `/`; `.` and `..` components are not allowed.
    public var path: String
    public var kind: Kind
    /// Permission bits (07777).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Seconds since the epoch; atime, mtime and ctime all start here.
    public var mtime: Int64
    /// File contents, or a symlink's target.
    public var bytes: [UInt8]

    public init(path: String, kind: Kind, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0,
                mtime: Int64 = 0, bytes: [UInt8] = []) {
        self.path = path; self.kind = kind; self.mode = mode; self.uid = uid; self.gid = gid
        self.mtime = mtime; self.bytes = bytes
    }
}

extension VFS {
    /// Adds the entries to the root file system, in order. Missing parent directories are made
    /// (0755, root); a directory entry for an existing directory updates its attributes; a file
    /// or symlink replaces what was there. EINVAL for a path with `.`/`..` or an empty name,
    /// ENOTDIR when a parent is not a directory, EBUSY for a mount point.
    public func populate(_ entries: [VFSEntry]) throws(Errno) {
        for e in entries { try add(e) }
        // Adding children moved their directories' mtime; give the image's back.
        for e in entries where e.kind == .directory { try add(e) }
    }

    private func add(_ e: VFSEntry) throws(Errno) {
        let comps = e.path.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
        if comps.contains([0x2E]) || comps.contains([0x2E, 0x2E]) { throw .EINVAL }
        guard let name = comps.last else {
            if e.kind == .directory, let r = root as? MemoryDirectory { apply(e, to: r); return }
            throw .EINVAL
        }
        var dir = root as! MemoryDirectory
        for c in comps.dropLast() {
            if let next = try dir.lookup(c) {
                guard let d = next as? MemoryDirectory else { throw next.type == .directory ? .EBUSY : .ENOTDIR }
                if d.mounted != nil { throw .EBUSY }
                dir = d
            } else {
                dir = try dir.create(c, type: .directory, mode: 0o755, uid: 0, gid: 0, symlinkTarget: []) as! MemoryDirectory
            }
        }
        if let existing = try dir.lookup(name) {
            if existing.mounted != nil { throw .EBUSY }
            if e.kind == .directory, let d = existing as? MemoryDirectory { apply(e, to: d); return }
            if existing.type == .directory, try !existing.isEmptyDirectory() { throw .ENOTEMPTY }
            try dir.remove(name)
        }
        let node: Node
        switch e.kind {
        case .directory: node = try dir.create(name, type: .directory, mode: e.mode, uid: e.uid, gid: e.gid, symlinkTarget: [])
        case .symlink:
            if e.bytes.isEmpty { throw .ENOENT }
            node = try dir.create(name, type: .symlink, mode: 0o777, uid: e.uid, gid: e.gid, symlinkTarget: e.bytes)
        case .file:
            let f = try dir.create(name, type: .regular, mode: e.mode, uid: e.uid, gid: e.gid, symlinkTarget: []) as! MemoryFile
            f.data = SparseBytes(e.bytes)
            node = f
        }
        if let m = node as? MemoryNode { apply(e, to: m) }
    }

    private func apply(_ e: VFSEntry, to node: MemoryNode) {
        if node.type != .symlink { node.mode = e.mode & 0o7777 }
        node.uid = e.uid; node.gid = e.gid
        let t = Timespec(sec: e.mtime)
        node.atime = t; node.mtime = t; node.ctime = t
    }
}
