// SPDX-License-Identifier: MIT
// The flag and constant values of the x86-64 Linux file-system ABI, as the syscalls receive them:
// include/uapi/asm-generic/fcntl.h, include/uapi/linux/fcntl.h, include/uapi/linux/stat.h,
// include/uapi/linux/fs.h (SEEK_*), include/uapi/linux/stat.h (S_IF*), dirent.h (DT_*).

/// Linux file-system constants under their C names (open(2), fcntl(2), lseek(2), rename(2),
/// utimensat(2), inode(7), getdents64(2), access(2)).
public enum LinuxFS {
    // open(2) flags (asm-generic/fcntl.h, octal as there).
    public static let O_ACCMODE: Int32 = 0o3
    public static let O_RDONLY: Int32 = 0o0
    public static let O_WRONLY: Int32 = 0o1
    public static let O_RDWR: Int32 = 0o2
    public static let O_CREAT: Int32 = 0o100
    public static let O_EXCL: Int32 = 0o200
    public static let O_NOCTTY: Int32 = 0o400
    public static let O_TRUNC: Int32 = 0o1000
    public static let O_APPEND: Int32 = 0o2000
    public static let O_NONBLOCK: Int32 = 0o4000
    public static let O_DSYNC: Int32 = 0o10000
    public static let O_ASYNC: Int32 = 0o20000
    public static let O_DIRECT: Int32 = 0o40000
    public static let O_LARGEFILE: Int32 = 0o100000
    public static let O_DIRECTORY: Int32 = 0o200000
    public static let O_NOFOLLOW: Int32 = 0o400000
    public static let O_NOATIME: Int32 = 0o1000000
    public static let O_CLOEXEC: Int32 = 0o2000000
    public static let O_SYNC: Int32 = 0o4010000
    public static let O_PATH: Int32 = 0o10000000
    public static let O_TMPFILE: Int32 = 0o20200000
    /// The status flags fcntl(F_SETFL) may change (fcntl(2); fs/fcntl.c SETFL_MASK).
    public static let setFLMask: Int32 = O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME | O_ASYNC
    public static let O_NDELAY: Int32 = O_NONBLOCK

    // *at(2) flags (linux/fcntl.h).
    public static let AT_FDCWD: Int32 = -100
    public static let AT_SYMLINK_NOFOLLOW: Int32 = 0x100
    public static let AT_REMOVEDIR: Int32 = 0x200
    public static let AT_EACCESS: Int32 = 0x200
    public static let AT_SYMLINK_FOLLOW: Int32 = 0x400
    public static let AT_NO_AUTOMOUNT: Int32 = 0x800
    public static let AT_EMPTY_PATH: Int32 = 0x1000
    public static let AT_STATX_SYNC_TYPE: Int32 = 0x6000

    // access(2) modes.
    public static let F_OK: Int32 = 0, X_OK: Int32 = 1, W_OK: Int32 = 2, R_OK: Int32 = 4

    // lseek(2) whence.
    public static let SEEK_SET: Int32 = 0, SEEK_CUR: Int32 = 1, SEEK_END: Int32 = 2
    public static let SEEK_DATA: Int32 = 3, SEEK_HOLE: Int32 = 4

    // renameat2(2) flags.
    public static let RENAME_NOREPLACE: UInt32 = 1, RENAME_EXCHANGE: UInt32 = 2, RENAME_WHITEOUT: UInt32 = 4

    // utimensat(2) special nanosecond values.
    public static let UTIME_NOW: Int64 = (1 << 30) - 1
    public static let UTIME_OMIT: Int64 = (1 << 30) - 2

    // inode(7) mode bits.
    public static let S_IFMT: UInt32 = 0o170000
    public static let S_IFSOCK: UInt32 = 0o140000, S_IFLNK: UInt32 = 0o120000, S_IFREG: UInt32 = 0o100000
    public static let S_IFBLK: UInt32 = 0o060000, S_IFDIR: UInt32 = 0o040000, S_IFCHR: UInt32 = 0o020000
    public static let S_IFIFO: UInt32 = 0o010000
    public static let S_ISUID: UInt32 = 0o4000, S_ISGID: UInt32 = 0o2000, S_ISVTX: UInt32 = 0o1000

    // getdents64(2) d_type values (dirent.h).
    public static let DT_UNKNOWN: UInt8 = 0, DT_FIFO: UInt8 = 1, DT_CHR: UInt8 = 2, DT_DIR: UInt8 = 4
    public static let DT_BLK: UInt8 = 6, DT_REG: UInt8 = 8, DT_LNK: UInt8 = 10, DT_SOCK: UInt8 = 12

    /// PATH_MAX and NAME_MAX (limits.h): a path of PATH_MAX bytes or more (counting the NUL) and a
    /// component longer than NAME_MAX are ENAMETOOLONG (path_resolution(7)).
    public static let PATH_MAX = 4096
    public static let NAME_MAX = 255
    /// The most symbolic links one resolution follows (path_resolution(7): "a maximum of 40").
    public static let MAXSYMLINKS = 40

    /// glibc's makedev(3) encoding of a device number, as st_dev and st_rdev carry it.
    public static func makedev(_ major: UInt32, _ minor: UInt32) -> UInt64 {
        let ma = UInt64(major), mi = UInt64(minor)
        return ((ma & 0xFFF) << 8) | ((ma & ~0xFFF) << 32) | (mi & 0xFF) | ((mi & ~0xFF) << 12)
    }
    public static func major(_ dev: UInt64) -> UInt32 { UInt32(((dev >> 8) & 0xFFF) | ((dev >> 32) & 0xFFFF_F000)) }
    public static func minor(_ dev: UInt64) -> UInt32 { UInt32((dev & 0xFF) | ((dev >> 12) & 0xFFFF_FF00)) }
}
