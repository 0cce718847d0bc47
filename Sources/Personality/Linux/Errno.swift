// SPDX-License-Identifier: MIT
// Linux error numbers (include/uapi/asm-generic/errno-base.h, errno.h; errno(3)). A syscall that
// fails returns -errno in rax; the personality's Swift code throws or returns these.

/// A Linux errno value. The raw value is the positive number; a syscall returns its negation.
public enum Errno: Int32, Error, Sendable, CaseIterable {
    case EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8
    case EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15
    case EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22
    case ENFILE = 23, EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29
    case EROFS = 30, EMLINK = 31, EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35
    case ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40
    case ENOMSG = 42, EOVERFLOW = 75, EILSEQ = 84, ENOTSOCK = 88, EOPNOTSUPP = 95
    case ETIMEDOUT = 110

    /// What a syscall returns for this error: `-errno` as an unsigned register value.
    public var syscallReturn: UInt64 { UInt64(bitPattern: Int64(-Int64(rawValue))) }
}
