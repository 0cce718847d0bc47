// SPDX-License-Identifier: MIT
// Attributes by path or descriptor: stat(2)/fstat(2)/lstat(2)/newfstatat(2), statx(2),
// access(2)/faccessat(2)/faccessat2(2), readlink(2)/readlinkat(2), chmod(2)/fchmod(2)/
// fchmodat(2), chown(2)/fchown(2)/lchown(2)/fchownat(2), utimensat(2).

enum FileAttributeSyscalls {
    static let nofollow = LinuxFS.AT_SYMLINK_NOFOLLOW, emptyPath = LinuxFS.AT_EMPTY_PATH

    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[4] = { c in stat(c, dirfd: LinuxFS.AT_FDCWD, path: 0, buffer: 1, flags: 0) }              // stat
        t[6] = { c in stat(c, dirfd: LinuxFS.AT_FDCWD, path: 0, buffer: 1, flags: nofollow) }       // lstat
        t[5] = { c in                                                                               // fstat
            run { () throws(Errno) in try copyOut(c, try descriptorStat(c, c.int32(0)).x86_64Bytes, to: c.arg(1)) }
        }
        t[262] = { c in stat(c, dirfd: c.int32(0), path: 1, buffer: 2, flags: c.int32(3)) }         // newfstatat
        t[332] = statx
        t[21] = { c in access(c, dirfd: LinuxFS.AT_FDCWD, path: 0, mode: c.int32(1), flags: 0) }
        t[269] = { c in access(c, dirfd: c.int32(0), path: 1, mode: c.int32(2), flags: 0) }
        t[439] = { c in access(c, dirfd: c.int32(0), path: 1, mode: c.int32(2), flags: c.int32(3)) }
        t[89] = { c in readlink(c, dirfd: LinuxFS.AT_FDCWD, path: 0, buffer: 1, size: c.int32(2)) }
        t[267] = { c in readlink(c, dirfd: c.int32(0), path: 1, buffer: 2, size: c.int32(3)) }
        t[90] = { c in chmod(c, dirfd: LinuxFS.AT_FDCWD, path: 0, mode: c.arg(1), flags: 0) }
        t[268] = { c in chmod(c, dirfd: c.int32(0), path: 1, mode: c.arg(2), flags: 0) }
        t[452] = { c in chmod(c, dirfd: c.int32(0), path: 1, mode: c.arg(2), flags: c.int32(3)) }   // fchmodat2
        t[91] = { c in                                                                              // fchmod
            run { () throws(Errno) in
                guard let d = c.process.fds[c.int32(0)] else { throw .EBADF }
                if let f = d.object as? OpenFile { try c.vfs.chmod(f, mode: UInt32(truncatingIfNeeded: c.arg(1)), as: c.caller) }
                return .zero
            }
        }
        t[92] = { c in chown(c, dirfd: LinuxFS.AT_FDCWD, path: 0, ids: 1, flags: 0) }               // chown
        t[94] = { c in chown(c, dirfd: LinuxFS.AT_FDCWD, path: 0, ids: 1, flags: nofollow) }        // lchown
        t[260] = { c in chown(c, dirfd: c.int32(0), path: 1, ids: 2, flags: c.int32(4)) }           // fchownat
        t[93] = { c in                                                                              // fchown
            run { () throws(Errno) in
                guard let d = c.process.fds[c.int32(0)] else { throw .EBADF }
                guard let f = d.object as? OpenFile else { return .zero }
                if f.isPath { throw .EBADF }
                try c.vfs.chown([], at: f.node, uid: id(c.arg(1)), gid: id(c.arg(2)), flags: emptyPath, as: c.caller)
                return .zero
            }
        }
        t[280] = utimensat
    }

    static func copyOut(_ c: SyscallContext, _ bytes: [UInt8], to address: UInt64) throws(Errno) -> SyscallResult {
        guard c.memory.write(address, bytes) else { throw .EFAULT }
        return .zero
    }

    /// fstat(2) of whatever a descriptor refers to: a VFS file, or a pipe (a FIFO of pipefs) or
    /// a console stream (the /dev/console character device).
    static func descriptorStat(_ c: SyscallContext, _ fd: Int32) throws(Errno) -> Stat {
        guard let d = c.process.fds[fd] else { throw .EBADF }
        if let f = d.object as? OpenFile { return try f.stat() }
        if let p = d.object as? PipeEnd {
            var st = Stat()
            st.mode = LinuxFS.S_IFIFO | 0o600
            st.dev = LinuxFS.makedev(0, 14)
            st.ino = UInt64(UInt(bitPattern: ObjectIdentifier(p.buffer).hashValue) & 0xFFFFFF)
            return st
        }
        return try c.vfs.stat(Array("/dev/console".utf8), at: c.vfs.root, as: .root)
    }

    /// stat(2), lstat(2), newfstatat(2): AT_EMPTY_PATH with an empty path is fstat of dirfd.
    static func stat(_ c: SyscallContext, dirfd: Int32, path i: Int, buffer: Int, flags: Int32) -> SyscallResult {
        run { () throws(Errno) in
            try copyOut(c, try lookupStat(c, dirfd: dirfd, path: i, flags: flags).x86_64Bytes, to: c.arg(buffer))
        }
    }

    static func lookupStat(_ c: SyscallContext, dirfd: Int32, path i: Int, flags: Int32) throws(Errno) -> Stat {
        let allowed = nofollow | emptyPath | LinuxFS.AT_NO_AUTOMOUNT | LinuxFS.AT_STATX_SYNC_TYPE
        if flags & ~allowed != 0 { throw .EINVAL }
        let path = try c.path(i)
        if path.isEmpty && flags & emptyPath != 0 && dirfd != LinuxFS.AT_FDCWD { return try descriptorStat(c, dirfd) }
        return try c.vfs.stat(path, at: try c.base(dirfd, path), flags: flags, as: c.caller)
    }

    /// statx(2): EINVAL for both sync-type bits or the reserved mask bit (STATX__RESERVED);
    /// the basic fields are always returned (stx_mask says which).
    static func statx(_ c: SyscallContext) -> SyscallResult {
        run { () throws(Errno) in
            let flags = c.int32(2)
            if flags & LinuxFS.AT_STATX_SYNC_TYPE == LinuxFS.AT_STATX_SYNC_TYPE { throw .EINVAL }
            if c.arg(3) & 0x8000_0000 != 0 { throw .EINVAL }
            let st = try lookupStat(c, dirfd: c.int32(0), path: 1, flags: flags)
            return try copyOut(c, statxBytes(st), to: c.arg(4))
        }
    }

    /// `struct statx` as Linux 5.8 and later fill it: the basic fields plus STATX_MNT_ID
    /// (0x1000, stx_mnt_id at offset 144), which statx(2) reports whether asked or not. A
    /// mount's ID here is its file system's device minor (unique per mount).
    static func statxBytes(_ st: Stat) -> [UInt8] {
        var b = st.statxBytes
        b.put(Stat.statxBasicStats | 0x1000, at: 0)
        b.put(UInt64(LinuxFS.minor(st.dev)), at: 144)
        return b
    }

    /// access(2)/faccessat(2)/faccessat2(2): the mode and flags are checked before the path
    /// (do_faccessat). The real IDs are the effective ones here (both root).
    static func access(_ c: SyscallContext, dirfd: Int32, path i: Int, mode: Int32, flags: Int32) -> SyscallResult {
        run { () throws(Errno) in
            if mode & ~7 != 0 { throw .EINVAL }
            if flags & ~(LinuxFS.AT_EACCESS | nofollow | emptyPath) != 0 { throw .EINVAL }
            let path = try c.path(i)
            if path.isEmpty && flags & emptyPath != 0 && dirfd != LinuxFS.AT_FDCWD,
               let d = c.process.fds[dirfd], !(d.object is OpenFile) { return .zero }
            try c.vfs.access(path, at: try c.base(dirfd, path), mode: mode, flags: flags, as: c.caller)
            return .zero
        }
    }

    /// readlink(2)/readlinkat(2): EINVAL for bufsiz <= 0 (first); the target truncated to
    /// bufsiz, no NUL added. An empty path names dirfd itself (ENOENT unless it is a symlink).
    static func readlink(_ c: SyscallContext, dirfd: Int32, path i: Int, buffer: Int, size: Int32) -> SyscallResult {
        run { () throws(Errno) in
            if size <= 0 { throw .EINVAL }
            let path = try c.path(i)
            let target: [UInt8]
            do throws(Errno) {
                target = try c.vfs.readlink(path, at: try c.base(dirfd, path), emptyPath: path.isEmpty, as: c.caller)
            } catch {
                throw error == .EINVAL && path.isEmpty ? .ENOENT : error
            }
            let out = Array(target.prefix(Int(size)))
            guard c.memory.write(c.arg(buffer), out) else { throw .EFAULT }
            return .int(out.count)
        }
    }

    static func chmod(_ c: SyscallContext, dirfd: Int32, path i: Int, mode: UInt64, flags: Int32) -> SyscallResult {
        run { () throws(Errno) in
            if flags & ~(nofollow | emptyPath) != 0 { throw .EINVAL }
            let path = try c.path(i)
            try c.vfs.chmod(path, at: try c.base(dirfd, path), mode: UInt32(truncatingIfNeeded: mode), flags: flags, as: c.caller)
            return .zero
        }
    }

    /// An owner or group argument: (uid_t)-1 leaves it unchanged (chown(2)).
    static func id(_ v: UInt64) -> UInt32? {
        let x = UInt32(truncatingIfNeeded: v)
        return x == .max ? nil : x
    }

    static func chown(_ c: SyscallContext, dirfd: Int32, path i: Int, ids: Int, flags: Int32) -> SyscallResult {
        run { () throws(Errno) in
            if flags & ~(nofollow | emptyPath) != 0 { throw .EINVAL }
            let path = try c.path(i)
            try c.vfs.chown(path, at: try c.base(dirfd, path), uid: id(c.arg(ids)), gid: id(c.arg(ids + 1)),
                            flags: flags, as: c.caller)
            return .zero
        }
    }

    /// utimensat(2): times NULL is both now; a NULL path works on dirfd itself (futimens(3)),
    /// EFAULT with AT_FDCWD. Flags other than AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH are EINVAL.
    static func utimensat(_ c: SyscallContext) -> SyscallResult {
        run { () throws(Errno) in
            let dirfd = c.int32(0), flags = c.int32(3)
            if flags & ~(nofollow | emptyPath) != 0 { throw .EINVAL }
            var times: (Timespec, Timespec)? = nil
            if c.arg(2) != 0 {
                guard let b = c.memory.read(c.arg(2), count: 32) else { throw .EFAULT }
                func field(_ o: Int) -> Int64 { b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: Int64.self) } }
                times = (Timespec(sec: field(0), nsec: field(8)), Timespec(sec: field(16), nsec: field(24)))
            }
            if c.arg(1) == 0 {
                if dirfd == LinuxFS.AT_FDCWD { throw .EFAULT }
                guard let d = c.process.fds[dirfd] else { throw .EBADF }
                guard let f = d.object as? OpenFile else { return .zero }
                try c.vfs.utimens([], at: f.node, times: times, flags: flags | emptyPath, as: c.caller)
                return .zero
            }
            let path = try c.path(1)
            try c.vfs.utimens(path, at: try c.base(dirfd, path), times: times, flags: flags, as: c.caller)
            return .zero
        }
    }
}
