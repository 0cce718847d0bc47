// SPDX-License-Identifier: MIT
// Names and the working directory: mkdir(2)/mkdirat(2), rmdir(2), unlink(2)/unlinkat(2),
// rename(2)/renameat(2)/renameat2(2), link(2)/linkat(2), symlink(2)/symlinkat(2), chdir(2),
// fchdir(2), getcwd(2).

enum FileNamespaceSyscalls {
    static let cwd = LinuxFS.AT_FDCWD

    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[83] = { c in mkdir(c, dirfd: cwd, path: 0, mode: c.arg(1)) }
        t[258] = { c in mkdir(c, dirfd: c.int32(0), path: 1, mode: c.arg(2)) }
        t[84] = { c in unlink(c, dirfd: cwd, path: 0, flags: LinuxFS.AT_REMOVEDIR) }                 // rmdir
        t[87] = { c in unlink(c, dirfd: cwd, path: 0, flags: 0) }
        t[263] = { c in unlink(c, dirfd: c.int32(0), path: 1, flags: c.int32(2)) }
        t[82] = { c in rename(c, cwd, 0, cwd, 1, flags: 0) }
        t[264] = { c in rename(c, c.int32(0), 1, c.int32(2), 3, flags: 0) }
        t[316] = { c in rename(c, c.int32(0), 1, c.int32(2), 3, flags: UInt32(truncatingIfNeeded: c.arg(4))) }
        t[86] = { c in link(c, cwd, 0, cwd, 1, flags: 0) }
        t[265] = { c in link(c, c.int32(0), 1, c.int32(2), 3, flags: c.int32(4)) }
        t[88] = { c in symlink(c, target: 0, dirfd: cwd, path: 1) }
        t[266] = { c in symlink(c, target: 0, dirfd: c.int32(1), path: 2) }
        t[80] = { c in                                                                              // chdir
            run { () throws(Errno) in
                let path = try c.path(0)
                c.process.cwd = try c.vfs.lookupDirectory(path, at: c.process.cwd, as: c.caller)
                return .zero
            }
        }
        t[81] = { c in                                                                              // fchdir
            run { () throws(Errno) in
                c.process.cwd = try c.vfs.changeDirectory(to: try c.openFile(c.int32(0), other: .ENOTDIR), as: c.caller)
                return .zero
            }
        }
        t[79] = getcwd
    }

    /// mkdir(2): the mode's permission and sticky bits, less the umask.
    static func mkdir(_ c: SyscallContext, dirfd: Int32, path i: Int, mode: UInt64) -> SyscallResult {
        run { () throws(Errno) in
            let path = try c.path(i)
            let m = UInt32(truncatingIfNeeded: mode) & 0o1777 & ~c.process.umask
            try c.vfs.mkdir(path, at: try c.base(dirfd, path), mode: m, as: c.caller)
            return .zero
        }
    }

    /// unlink(2), rmdir(2) (AT_REMOVEDIR), unlinkat(2): flags other than AT_REMOVEDIR are EINVAL
    /// before the path is read.
    static func unlink(_ c: SyscallContext, dirfd: Int32, path i: Int, flags: Int32) -> SyscallResult {
        run { () throws(Errno) in
            if flags & ~LinuxFS.AT_REMOVEDIR != 0 { throw .EINVAL }
            let path = try c.path(i)
            try c.vfs.unlink(path, at: try c.base(dirfd, path), flags: flags, as: c.caller)
            return .zero
        }
    }

    static func rename(_ c: SyscallContext, _ oldfd: Int32, _ oldPath: Int, _ newfd: Int32, _ newPath: Int,
                       flags: UInt32) -> SyscallResult {
        run { () throws(Errno) in
            let o = try c.path(oldPath), n = try c.path(newPath)
            try c.vfs.rename(o, at: try c.base(oldfd, o), to: n, at: try c.base(newfd, n), flags: flags, as: c.caller)
            return .zero
        }
    }

    /// link(2)/linkat(2): flags AT_SYMLINK_FOLLOW and AT_EMPTY_PATH (EINVAL otherwise).
    static func link(_ c: SyscallContext, _ oldfd: Int32, _ oldPath: Int, _ newfd: Int32, _ newPath: Int,
                     flags: Int32) -> SyscallResult {
        run { () throws(Errno) in
            if flags & ~(LinuxFS.AT_SYMLINK_FOLLOW | LinuxFS.AT_EMPTY_PATH) != 0 { throw .EINVAL }
            let o = try c.path(oldPath), n = try c.path(newPath)
            try c.vfs.link(o, at: try c.base(oldfd, o), to: n, at: try c.base(newfd, n), flags: flags, as: c.caller)
            return .zero
        }
    }

    static func symlink(_ c: SyscallContext, target: Int, dirfd: Int32, path i: Int) -> SyscallResult {
        run { () throws(Errno) in
            let t = try c.path(target), path = try c.path(i)
            try c.vfs.symlink(target: t, at: path, base: try c.base(dirfd, path), as: c.caller)
            return .zero
        }
    }

    /// getcwd(2): the length including the NUL; ERANGE if `size` is smaller, ENOENT once the
    /// working directory has been removed.
    static func getcwd(_ c: SyscallContext) -> SyscallResult {
        run { () throws(Errno) in
            let path = try c.vfs.absolutePath(of: c.process.cwd) + [0]
            if UInt64(path.count) > c.arg(1) { throw .ERANGE }
            guard c.memory.write(c.arg(0), path) else { throw .EFAULT }
            return .int(path.count)
        }
    }
}
