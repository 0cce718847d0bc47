// SPDX-License-Identifier: MIT
// Syscalls that change names: mkdir(2), rmdir(2), unlink(2)/unlinkat(2), rename(2)/renameat2(2),
// link(2)/linkat(2), symlink(2)/symlinkat(2). The errno order follows fs/namei.c
// (filename_create, may_create, may_delete, do_rmdir, do_unlinkat, do_renameat2, do_linkat).

extension VFS {
    /// filename_create(): the parent of a name to be made. EEXIST if the last component is `.`,
    /// `..` or `/`, or exists (even as a dangling symlink); ENOENT for a trailing slash on a
    /// non-directory; then EROFS; then may_create (ENOENT in a removed directory, EACCES).
    private func createTarget(_ path: [UInt8], at base: Node, directory: Bool,
                              _ caller: Caller) throws(Errno) -> Resolution {
        let r = try resolve(path, at: base, .parentOnly, caller)
        if r.last != .normal || r.node != nil { throw .EEXIST }
        if r.trailingSlash && !directory { throw .ENOENT }
        if r.parent.fs.readOnly { throw .EROFS }
        if (r.parent as? MemoryDirectory)?.removed == true { throw .ENOENT }
        try checkAccess(r.parent, [.write, .execute], caller)
        return r
    }

    /// mkdir(2)/mkdirat(2); `mode` with the umask applied.
    public func mkdir(_ path: [UInt8], at base: Node, mode: UInt32, as caller: Caller) throws(Errno) {
        let r = try createTarget(path, at: base, directory: true, caller)
        var m = mode & 0o1777
        if let st = try? r.parent.stat(), st.mode & LinuxFS.S_ISGID != 0 { m |= LinuxFS.S_ISGID }
        _ = try r.parent.create(r.name, type: .directory, mode: m, uid: caller.uid,
                                gid: newGroup(in: r.parent, caller), symlinkTarget: [])
    }

    /// symlink(2)/symlinkat(2): a symlink at `path` holding `target` (not checked). ENOENT for
    /// an empty target.
    public func symlink(target: [UInt8], at path: [UInt8], base: Node, as caller: Caller) throws(Errno) {
        if target.isEmpty { throw .ENOENT }
        if target.count >= LinuxFS.PATH_MAX { throw .ENAMETOOLONG }
        let r = try createTarget(path, at: base, directory: false, caller)
        _ = try r.parent.create(r.name, type: .symlink, mode: 0o777, uid: caller.uid,
                                gid: newGroup(in: r.parent, caller), symlinkTarget: target)
    }

    /// may_delete(): write and search on the directory (EROFS, EACCES), the sticky bit (EPERM),
    /// the type (ENOTDIR / EISDIR), the root (EBUSY).
    private func mayDelete(_ dir: Node, _ victim: Node, isDirectory: Bool, _ caller: Caller) throws(Errno) {
        try checkAccess(dir, [.write, .execute], caller)
        let d = try dir.stat()
        if d.mode & LinuxFS.S_ISVTX != 0 && !caller.isRoot && d.uid != caller.uid {
            if try victim.stat().uid != caller.uid { throw .EPERM }
        }
        if isDirectory {
            if victim.type != .directory { throw .ENOTDIR }
            if victim === root { throw .EBUSY }
        } else if victim.type == .directory {
            throw .EISDIR
        }
    }

    /// rmdir(2): ENOTEMPTY for `..` or a non-empty directory, EINVAL for `.`, EBUSY for `/` and
    /// mount points, ENOTDIR, ENOENT, EROFS, EACCES, EPERM (sticky).
    public func rmdir(_ path: [UInt8], at base: Node, as caller: Caller) throws(Errno) {
        let r = try resolve(path, at: base, .parentOnly, caller)
        switch r.last {
        case .dotDot: throw .ENOTEMPTY
        case .dot: throw .EINVAL
        case .root: throw .EBUSY
        case .normal: break
        }
        if r.parent.fs.readOnly { throw .EROFS }
        guard let victim = try r.parent.lookup(r.name) else { throw .ENOENT }
        try mayDelete(r.parent, victim, isDirectory: true, caller)
        if r.parent.namespaceFixed { throw .EPERM }
        if isMountBoundary(victim) { throw .EBUSY }
        if try !victim.isEmptyDirectory() { throw .ENOTEMPTY }
        try r.parent.remove(r.name)
    }

    /// unlink(2), and unlinkat(2) (AT_REMOVEDIR makes it rmdir; other flags are EINVAL).
    /// EISDIR for a directory (Linux; POSIX says EPERM), ENOTDIR for a trailing slash on a
    /// non-directory, EBUSY for a mount point.
    public func unlink(_ path: [UInt8], at base: Node, flags: Int32 = 0, as caller: Caller) throws(Errno) {
        if flags & ~LinuxFS.AT_REMOVEDIR != 0 { throw .EINVAL }
        if flags & LinuxFS.AT_REMOVEDIR != 0 { return try rmdir(path, at: base, as: caller) }
        let r = try resolve(path, at: base, .parentOnly, caller)
        if r.last != .normal { throw .EISDIR }
        if r.parent.fs.readOnly { throw .EROFS }
        let victim = try r.parent.lookup(r.name)
        if r.trailingSlash {
            guard let victim else { throw .ENOENT }
            throw victim.type == .directory ? .EISDIR : .ENOTDIR
        }
        guard let victim else { throw .ENOENT }
        try mayDelete(r.parent, victim, isDirectory: false, caller)
        if r.parent.namespaceFixed { throw .EPERM }
        if isMountBoundary(victim) { throw .EBUSY }
        try r.parent.remove(r.name)
    }

    /// link(2)/linkat(2): flags AT_SYMLINK_FOLLOW and AT_EMPTY_PATH (others EINVAL). EPERM for a
    /// directory, EXDEV across file systems, EEXIST, and protected_hardlinks (proc(5)
    /// /proc/sys/fs/protected_hardlinks = 1): a non-owner needs a regular, non-set-ID file it
    /// may read and write, else EPERM.
    public func link(_ oldPath: [UInt8], at oldBase: Node, to newPath: [UInt8], at newBase: Node,
                     flags: Int32 = 0, as caller: Caller) throws(Errno) {
        if flags & ~(LinuxFS.AT_SYMLINK_FOLLOW | LinuxFS.AT_EMPTY_PATH) != 0 { throw .EINVAL }
        let follow: FollowLast = flags & LinuxFS.AT_SYMLINK_FOLLOW != 0 ? .follow : .noFollow
        let o = try resolve(oldPath, at: oldBase, follow, caller, emptyPath: flags & LinuxFS.AT_EMPTY_PATH != 0)
        guard let node = o.node else { throw .ENOENT }
        if o.trailingSlash && node.type != .directory { throw .ENOTDIR }
        let n = try createTarget(newPath, at: newBase, directory: false, caller)
        if n.parent.fs !== node.fs { throw .EXDEV }
        if node.type == .directory { throw .EPERM }
        let st = try node.stat()
        if !caller.ownsOrRoot(st) {
            let setID = st.mode & LinuxFS.S_ISUID != 0 || st.mode & (LinuxFS.S_ISGID | 0o010) == (LinuxFS.S_ISGID | 0o010)
            if node.type != .regular || setID || !caller.permits(st, [.read, .write]) { throw .EPERM }
        }
        if (node as? MemoryNode)?.nlink == 0 { throw .ENOENT }
        try n.parent.link(n.name, to: node)
    }

    /// rename(2)/renameat(2)/renameat2(2) with RENAME_NOREPLACE and RENAME_EXCHANGE.
    /// EINVAL: unknown flags, both flags, or moving a directory into its own subtree; ENOTEMPTY:
    /// the target is a non-empty directory (or an ancestor of the source); EISDIR / ENOTDIR:
    /// directory onto non-directory and back; EEXIST (NOREPLACE); ENOENT (missing source, or
    /// missing target with EXCHANGE); EBUSY: `.`/`..`/`/` or a mount point; EXDEV across file
    /// systems; EROFS; EACCES; EPERM (sticky). Renaming a file onto a hard link of itself does
    /// nothing and succeeds.
    public func rename(_ oldPath: [UInt8], at oldBase: Node, to newPath: [UInt8], at newBase: Node,
                       flags: UInt32 = 0, as caller: Caller) throws(Errno) {
        let noReplace = flags & LinuxFS.RENAME_NOREPLACE != 0
        let exchange = flags & LinuxFS.RENAME_EXCHANGE != 0
        if flags & ~(LinuxFS.RENAME_NOREPLACE | LinuxFS.RENAME_EXCHANGE | LinuxFS.RENAME_WHITEOUT) != 0 { throw .EINVAL }
        if noReplace && exchange { throw .EINVAL }
        if flags & LinuxFS.RENAME_WHITEOUT != 0 { throw exchange ? .EINVAL : .EOPNOTSUPP }

        let o = try resolve(oldPath, at: oldBase, .parentOnly, caller)
        let n = try resolve(newPath, at: newBase, .parentOnly, caller)
        if o.parent.fs !== n.parent.fs { throw .EXDEV }
        if o.last != .normal { throw .EBUSY }
        if n.last != .normal { throw noReplace ? .EEXIST : .EBUSY }
        if o.parent.fs.readOnly { throw .EROFS }
        guard let source = try o.parent.lookup(o.name) else { throw .ENOENT }
        let target = try n.parent.lookup(n.name)
        if noReplace && target != nil { throw .EEXIST }
        if exchange && target == nil { throw .ENOENT }
        if !exchange && source.type != .directory && (o.trailingSlash || n.trailingSlash) { throw .ENOTDIR }
        if exchange && ((o.trailingSlash && source.type != .directory)
                        || (n.trailingSlash && target?.type != .directory)) { throw .ENOTDIR }
        // lock_rename(): the source may not be an ancestor of the target's directory (EINVAL);
        // the target may not be an ancestor of the source's directory (ENOTEMPTY, or EINVAL
        // for an exchange).
        if source.type == .directory && isAncestor(source, of: n.parent) { throw .EINVAL }
        if let target, target.type == .directory, isAncestor(target, of: o.parent) {
            throw exchange ? .EINVAL : .ENOTEMPTY
        }
        // vfs_rename().
        if let target, target.key == source.key { return }
        let sourceIsDir = source.type == .directory
        try mayDelete(o.parent, source, isDirectory: sourceIsDir, caller)
        if let target {
            try mayDelete(n.parent, target, isDirectory: exchange ? target.type == .directory : sourceIsDir, caller)
        } else {
            if (n.parent as? MemoryDirectory)?.removed == true { throw .ENOENT }
            try checkAccess(n.parent, [.write, .execute], caller)
        }
        // Moving a directory to another parent rewrites its `..`: write permission on it.
        if o.parent.key != n.parent.key {
            if sourceIsDir { try checkAccess(source, .write, caller) }
            if exchange, let target, target.type == .directory { try checkAccess(target, .write, caller) }
        }
        if isMountBoundary(source) || (target.map(isMountBoundary) ?? false) { throw .EBUSY }
        if !exchange, let target, target.type == .directory, try !target.isEmptyDirectory() { throw .ENOTEMPTY }
        try o.parent.rename(o.name, to: n.parent, as: n.name, exchange: exchange)
    }

    /// Whether `a` is `b` or one of its ancestors (by `..`, within the namespace).
    func isAncestor(_ a: Node, of b: Node) -> Bool {
        var n = b
        for _ in 0..<4096 {
            if n.key == a.key && n.fs === a.fs { return true }
            let up = parentForDotDot(n)
            if up === n { return false }
            n = up
        }
        return false
    }
}
