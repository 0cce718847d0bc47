// SPDX-License-Identifier: MIT
// open(2), openat(2) and creat(2); chdir(2)'s lookup; the checks in the order fs/namei.c makes
// them (open_last_lookups, lookup_open, do_open, may_open).

extension VFS {
    /// open(2)/openat(2). `mode` is the creation mode with the umask already applied.
    /// O_CLOEXEC is accepted and kept in `flags` for the fd table; O_PATH opens the location
    /// only (no permission check on the file; with O_NOFOLLOW it may name a symlink).
    /// Errors: ENOENT (missing, no O_CREAT), EEXIST (O_CREAT|O_EXCL and it exists, even as a
    /// dangling symlink), EISDIR (a directory for writing or O_CREAT, or O_CREAT with a trailing
    /// slash), ENOTDIR (O_DIRECTORY or a trailing slash on a non-directory), ELOOP (O_NOFOLLOW on
    /// a symlink), EACCES, EROFS, EINVAL (O_CREAT|O_DIRECTORY, as Linux 6.4 and later),
    /// EOPNOTSUPP (O_TMPFILE), and the path-resolution errors.
    public func open(_ path: [UInt8], at base: Node, flags: Int32, mode: UInt32 = 0,
                     as caller: Caller) throws(Errno) -> OpenFile {
        if flags & LinuxFS.O_TMPFILE == LinuxFS.O_TMPFILE { throw .EOPNOTSUPP }
        let isPath = flags & LinuxFS.O_PATH != 0
        let create = flags & LinuxFS.O_CREAT != 0 && !isPath
        let exclusive = create && flags & LinuxFS.O_EXCL != 0
        if create && flags & LinuxFS.O_DIRECTORY != 0 { throw .EINVAL }
        let accMode = flags & LinuxFS.O_ACCMODE
        let wantsWrite = !isPath && (accMode == LinuxFS.O_WRONLY || accMode == LinuxFS.O_RDWR
                                      || flags & LinuxFS.O_TRUNC != 0)
        let wantsRead = !isPath && (accMode == LinuxFS.O_RDONLY || accMode == LinuxFS.O_RDWR)
        let follow: FollowLast = (exclusive || flags & LinuxFS.O_NOFOLLOW != 0) ? .noFollow : .follow

        let r = try resolve(path, at: base, follow, caller, emptyPath: false)
        guard let node = r.node else {
            guard create else { throw .ENOENT }
            if r.trailingSlash { throw .EISDIR }
            if r.parent.fs.readOnly { throw .EROFS }
            try checkAccess(r.parent, [.write, .execute], caller)
            let n = try r.parent.create(r.name, type: .regular, mode: mode & 0o7777, uid: caller.uid,
                                        gid: newGroup(in: r.parent, caller), symlinkTarget: [])
            let file = OpenFile(node: n, path: absolutePath(parent: r.parent, name: r.name), flags: flags, vfs: self)
            try n.opened(file)
            return file
        }
        if exclusive { throw .EEXIST }
        let directoryWanted = flags & LinuxFS.O_DIRECTORY != 0 || r.trailingSlash
        if node.type == .symlink {
            // Reached only without following: O_NOFOLLOW or O_EXCL (handled above).
            if !isPath { throw .ELOOP }
            if directoryWanted { throw .ENOTDIR }
        }
        if node.type == .directory && create { throw .EISDIR }
        if directoryWanted && node.type != .directory { throw .ENOTDIR }
        let file = OpenFile(node: node, path: openPath(r), flags: flags, vfs: self)
        if isPath { return file }
        // may_open(): directories cannot be opened for writing; then the permission check.
        if node.type == .directory && wantsWrite { throw .EISDIR }
        var want: Access = []
        if wantsRead { want.insert(.read) }
        if wantsWrite { want.insert(.write) }
        try checkAccess(node, want, caller)
        if flags & LinuxFS.O_TRUNC != 0 && node.type == .regular { try node.truncate(to: 0) }
        try node.opened(file)
        return file
    }

    /// The absolute path an open file is known by.
    func openPath(_ r: Resolution) -> [UInt8] {
        if let n = r.node, n.type == .directory, let p = try? absolutePath(of: n) { return p }
        return absolutePath(parent: r.parent, name: r.name)
    }

    /// The group of a new node: the directory's with set-group-ID (inode(7)), else the caller's.
    func newGroup(in dir: Node, _ caller: Caller) -> UInt32 {
        if let st = try? dir.stat(), st.mode & LinuxFS.S_ISGID != 0 { return st.gid }
        return caller.gid
    }

    /// chdir(2)/the roottask's cwd: a directory the caller may search. ENOTDIR, EACCES, ENOENT.
    public func lookupDirectory(_ path: [UInt8], at base: Node, as caller: Caller) throws(Errno) -> Node {
        let r = try resolve(path, at: base, .follow, caller)
        guard let n = r.node else { throw .ENOENT }
        guard n.type == .directory else { throw .ENOTDIR }
        try checkAccess(n, .execute, caller)
        return n
    }

    /// fchdir(2): the open file's node, if a directory the caller may search.
    public func changeDirectory(to file: OpenFile, as caller: Caller) throws(Errno) -> Node {
        guard file.node.type == .directory else { throw .ENOTDIR }
        try checkAccess(file.node, .execute, caller)
        return file.node
    }
}
