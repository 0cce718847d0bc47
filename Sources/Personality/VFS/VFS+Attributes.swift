// SPDX-License-Identifier: MIT
// Syscalls that read or change attributes by path: stat(2)/lstat(2)/newfstatat(2)/statx(2),
// access(2)/faccessat(2)/faccessat2(2), readlink(2)/readlinkat(2), truncate(2), chmod(2)/
// fchmodat(2)/fchmod(2), chown(2) (for the roottask), utimensat(2).

extension VFS {
    /// stat(2), lstat(2) (AT_SYMLINK_NOFOLLOW), newfstatat(2) and statx(2) (AT_EMPTY_PATH: the
    /// `at` node itself). Flags other than AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, AT_NO_AUTOMOUNT
    /// and the statx sync bits are EINVAL.
    public func stat(_ path: [UInt8], at base: Node, flags: Int32 = 0, as caller: Caller) throws(Errno) -> Stat {
        let allowed = LinuxFS.AT_SYMLINK_NOFOLLOW | LinuxFS.AT_EMPTY_PATH | LinuxFS.AT_NO_AUTOMOUNT | LinuxFS.AT_STATX_SYNC_TYPE
        if flags & ~allowed != 0 { throw .EINVAL }
        return try lookupNode(path, at: base, flags: flags, caller).stat()
    }

    /// The node a path names, for the *at(2) flags AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH.
    func lookupNode(_ path: [UInt8], at base: Node, flags: Int32, _ caller: Caller) throws(Errno) -> Node {
        let follow: FollowLast = flags & LinuxFS.AT_SYMLINK_NOFOLLOW != 0 ? .noFollow : .follow
        let r = try resolve(path, at: base, follow, caller, emptyPath: flags & LinuxFS.AT_EMPTY_PATH != 0)
        guard let node = r.node else { throw .ENOENT }
        if r.trailingSlash && node.type != .directory { throw .ENOTDIR }
        return node
    }

    /// access(2)/faccessat(2)/faccessat2(2): `mode` is F_OK or R_OK|W_OK|X_OK (else EINVAL);
    /// flags AT_EACCESS (the caller decides which IDs it passes), AT_SYMLINK_NOFOLLOW,
    /// AT_EMPTY_PATH. EROFS for W_OK on a read-only file system, EACCES. Root may read and write
    /// anything and execute a file with any execute bit (access(2) NOTES).
    public func access(_ path: [UInt8], at base: Node, mode: Int32, flags: Int32 = 0, as caller: Caller) throws(Errno) {
        if mode & ~7 != 0 { throw .EINVAL }
        if flags & ~(LinuxFS.AT_EACCESS | LinuxFS.AT_SYMLINK_NOFOLLOW | LinuxFS.AT_EMPTY_PATH) != 0 { throw .EINVAL }
        let node = try lookupNode(path, at: base, flags: flags, caller)
        try checkAccess(node, Access(rawValue: mode), caller)
    }

    /// readlink(2)/readlinkat(2): the target bytes (the caller truncates to its buffer and
    /// rejects bufsiz <= 0 with EINVAL). EINVAL if not a symlink. With an empty path and
    /// AT_EMPTY_PATH semantics (readlinkat(2) on an O_PATH|O_NOFOLLOW fd) pass `emptyPath`.
    public func readlink(_ path: [UInt8], at base: Node, emptyPath: Bool = false, as caller: Caller) throws(Errno) -> [UInt8] {
        let r = try resolve(path, at: base, .noFollow, caller, emptyPath: emptyPath)
        guard let node = r.node else { throw .ENOENT }
        guard node.type == .symlink else { throw .EINVAL }
        return try node.readlink(caller)
    }

    /// truncate(2): EINVAL for a negative length or a non-regular file, EISDIR, EROFS, EACCES,
    /// EFBIG. Growing leaves a hole that reads as zeros.
    public func truncate(_ path: [UInt8], at base: Node, length: Int64, as caller: Caller) throws(Errno) {
        if length < 0 { throw .EINVAL }
        let node = try lookupNode(path, at: base, flags: 0, caller)
        if node.type == .directory { throw .EISDIR }
        if node.type != .regular { throw .EINVAL }
        try checkAccess(node, .write, caller)
        if length > VFS.maxFileSize { throw .EFBIG }
        try node.truncate(to: length)
    }

    /// chmod(2)/fchmodat(2) (flags AT_SYMLINK_NOFOLLOW: EOPNOTSUPP on a symlink, as fchmodat2(2);
    /// AT_EMPTY_PATH). Only the owner or root (EPERM); EROFS. A non-root caller outside the
    /// file's group loses S_ISGID (chmod(2)).
    public func chmod(_ path: [UInt8], at base: Node, mode: UInt32, flags: Int32 = 0, as caller: Caller) throws(Errno) {
        if flags & ~(LinuxFS.AT_SYMLINK_NOFOLLOW | LinuxFS.AT_EMPTY_PATH) != 0 { throw .EINVAL }
        let node = try lookupNode(path, at: base, flags: flags, caller)
        if node.type == .symlink { throw .EOPNOTSUPP }
        try setMode(node, mode, caller)
    }

    /// fchmod(2) on an open file (EBADF for O_PATH).
    public func chmod(_ file: OpenFile, mode: UInt32, as caller: Caller) throws(Errno) {
        if file.isPath { throw .EBADF }
        try setMode(file.node, mode, caller)
    }

    private func setMode(_ node: Node, _ mode: UInt32, _ caller: Caller) throws(Errno) {
        if node.fs.readOnly { throw .EROFS }
        let st = try node.stat()
        if !caller.ownsOrRoot(st) { throw .EPERM }
        var m = mode & 0o7777
        if !caller.isRoot && !caller.inGroup(st.gid) { m &= ~LinuxFS.S_ISGID }
        try node.setMode(m)
    }

    /// chown(2)/lchown(2)/fchownat(2), nil leaving an ID unchanged: root may give any owner; the
    /// owner may only change the group to one of its own groups (EPERM otherwise). Clears
    /// S_ISUID and S_ISGID on a non-directory when a non-root caller changes it (chown(2)).
    public func chown(_ path: [UInt8], at base: Node, uid: UInt32?, gid: UInt32?, flags: Int32 = 0,
                      as caller: Caller) throws(Errno) {
        if flags & ~(LinuxFS.AT_SYMLINK_NOFOLLOW | LinuxFS.AT_EMPTY_PATH) != 0 { throw .EINVAL }
        let node = try lookupNode(path, at: base, flags: flags, caller)
        if node.fs.readOnly { throw .EROFS }
        let st = try node.stat()
        if !caller.isRoot {
            if let uid, uid != st.uid { throw .EPERM }
            if st.uid != caller.uid { throw .EPERM }
            if let gid, gid != st.gid, !caller.inGroup(gid) { throw .EPERM }
        }
        try node.setOwner(uid: uid, gid: gid)
        if node.type != .directory && (uid != nil || gid != nil) && !caller.isRoot {
            try node.setMode(st.mode & 0o7777 & ~(LinuxFS.S_ISUID | LinuxFS.S_ISGID))
        }
    }

    /// utimensat(2): `times` nil means both now; otherwise (atime, mtime) where a nanosecond
    /// field may be UTIME_NOW or UTIME_OMIT (nanoseconds outside 0...999999999 otherwise are
    /// EINVAL). Setting both to now needs ownership or write permission (EACCES); explicit times
    /// need ownership (EPERM); root may do both. Both UTIME_OMIT succeeds without a lookup
    /// check of permissions. Flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH (for futimens(3) pass the
    /// fd's node with an empty path).
    public func utimens(_ path: [UInt8], at base: Node, times: (Timespec, Timespec)?, flags: Int32 = 0,
                        as caller: Caller) throws(Errno) {
        if flags & ~(LinuxFS.AT_SYMLINK_NOFOLLOW | LinuxFS.AT_EMPTY_PATH) != 0 { throw .EINVAL }
        if let (a, m) = times {
            for t in [a, m] where t.nsec != LinuxFS.UTIME_NOW && t.nsec != LinuxFS.UTIME_OMIT
                && !(0...999_999_999).contains(t.nsec) { throw .EINVAL }
        }
        let node = try lookupNode(path, at: base, flags: flags, caller)
        if let (a, m) = times, a.nsec == LinuxFS.UTIME_OMIT, m.nsec == LinuxFS.UTIME_OMIT { return }
        if node.fs.readOnly { throw .EROFS }
        let st = try node.stat()
        let now = clock()
        let bothNow = times.map { $0.0.nsec == LinuxFS.UTIME_NOW && $0.1.nsec == LinuxFS.UTIME_NOW } ?? true
        if !caller.ownsOrRoot(st) {
            if !bothNow { throw .EPERM }
            if !caller.permits(st, .write) { throw .EACCES }
        }
        func pick(_ t: Timespec) -> Timespec? {
            t.nsec == LinuxFS.UTIME_OMIT ? nil : (t.nsec == LinuxFS.UTIME_NOW ? now : t)
        }
        let (a, m) = times ?? (Timespec(sec: 0, nsec: LinuxFS.UTIME_NOW), Timespec(sec: 0, nsec: LinuxFS.UTIME_NOW))
        try node.setTimes(atime: pick(a), mtime: pick(m))
    }
}
