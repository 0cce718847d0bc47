// SPDX-License-Identifier: MIT
// strace's xlat tables (strace 6.1 src/xlat/*.in) with their x86-64 values (the kernel's uapi
// headers), in strace's order: the order decides how combined flags print.

enum StraceTables {
    // open_access_modes.in, open_mode_flags.in (asm-generic/fcntl.h; O_LARGEFILE is 0100000,
    // the value strace knows for x86-64).
    static let accessModes = XLat([(0, "O_RDONLY"), (1, "O_WRONLY"), (2, "O_RDWR"), (3, "O_ACCMODE")])
    static let openFlags = XLat([
        (0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"), (0o2000, "O_APPEND"),
        (0o4000, "O_NONBLOCK"), (0o4010000, "O_SYNC"), (0o4000000, "__O_SYNC"), (0o10000, "O_DSYNC"),
        (0o40000, "O_DIRECT"), (0o100000, "O_LARGEFILE"), (0o400000, "O_NOFOLLOW"), (0o1000000, "O_NOATIME"),
        (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH"), (0o20200000, "O_TMPFILE"), (0o20000000, "__O_TMPFILE"),
        (0o200000, "O_DIRECTORY"), (0o20000, "FASYNC"),
    ])
    // mmap_prot.in, mmap_flags.in (asm-generic/mman-common.h, asm/mman.h for x86).
    static let prot = XLat([(0, "PROT_NONE"), (1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC"), (8, "PROT_SEM"),
                            (0x0100_0000, "PROT_GROWSDOWN"), (0x0200_0000, "PROT_GROWSUP")])
    static let mapType = XLat([(1, "MAP_SHARED"), (2, "MAP_PRIVATE"), (3, "MAP_SHARED_VALIDATE")])
    static let mapFlags = XLat([
        (0x10, "MAP_FIXED"), (0x20, "MAP_ANONYMOUS"), (0x40, "MAP_32BIT"), (0x4000, "MAP_NORESERVE"),
        (0x8000, "MAP_POPULATE"), (0x10000, "MAP_NONBLOCK"), (0x100, "MAP_GROWSDOWN"), (0x800, "MAP_DENYWRITE"),
        (0x1000, "MAP_EXECUTABLE"), (0x2000, "MAP_LOCKED"), (0x20000, "MAP_STACK"), (0x40000, "MAP_HUGETLB"),
        (0x80000, "MAP_SYNC"), (0x4000000, "MAP_UNINITIALIZED"), (0x100000, "MAP_FIXED_NOREPLACE"),
    ])
    static let mremapFlags = XLat([(1, "MREMAP_MAYMOVE"), (2, "MREMAP_FIXED"), (4, "MREMAP_DONTUNMAP")])
    static let madvise = XLat([
        (0, "MADV_NORMAL"), (1, "MADV_RANDOM"), (2, "MADV_SEQUENTIAL"), (3, "MADV_WILLNEED"), (4, "MADV_DONTNEED"),
        (8, "MADV_FREE"), (9, "MADV_REMOVE"), (10, "MADV_DONTFORK"), (11, "MADV_DOFORK"), (12, "MADV_MERGEABLE"),
        (13, "MADV_UNMERGEABLE"), (14, "MADV_HUGEPAGE"), (15, "MADV_NOHUGEPAGE"), (16, "MADV_DONTDUMP"),
        (17, "MADV_DODUMP"), (18, "MADV_WIPEONFORK"), (19, "MADV_KEEPONFORK"), (20, "MADV_COLD"), (21, "MADV_PAGEOUT"),
        (22, "MADV_POPULATE_READ"), (23, "MADV_POPULATE_WRITE"), (24, "MADV_DONTNEED_LOCKED"), (25, "MADV_COLLAPSE"),
        (100, "MADV_HWPOISON"), (101, "MADV_SOFT_OFFLINE"),
    ])
    // at_flags.in (AT_FDCWD is printed by print_dirfd).
    static let atFlags = XLat([(0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"), (0x400, "AT_SYMLINK_FOLLOW"),
                               (0x800, "AT_NO_AUTOMOUNT"), (0x1000, "AT_EMPTY_PATH"), (0x8000, "AT_RECURSIVE")])
    static let accessFlags = XLat([(0, "F_OK"), (4, "R_OK"), (2, "W_OK"), (1, "X_OK")])
    static let whence = XLat([(0, "SEEK_SET"), (1, "SEEK_CUR"), (2, "SEEK_END"), (3, "SEEK_DATA"), (4, "SEEK_HOLE")])
    // fcntlcmds.in, fdflags.in.
    static let fcntl = XLat([
        (0, "F_DUPFD"), (1, "F_GETFD"), (2, "F_SETFD"), (3, "F_GETFL"), (4, "F_SETFL"), (5, "F_GETLK"), (6, "F_SETLK"),
        (7, "F_SETLKW"), (8, "F_SETOWN"), (9, "F_GETOWN"), (10, "F_SETSIG"), (11, "F_GETSIG"), (15, "F_SETOWN_EX"),
        (16, "F_GETOWN_EX"), (17, "F_GETOWNER_UIDS"), (36, "F_OFD_GETLK"), (37, "F_OFD_SETLK"), (38, "F_OFD_SETLKW"),
        (1024, "F_SETLEASE"), (1025, "F_GETLEASE"), (1026, "F_NOTIFY"), (1029, "F_CANCELLK"), (1030, "F_DUPFD_CLOEXEC"),
        (1031, "F_SETPIPE_SZ"), (1032, "F_GETPIPE_SZ"), (1033, "F_ADD_SEALS"), (1034, "F_GET_SEALS"),
    ])
    static let fdFlags = XLat([(1, "FD_CLOEXEC")])
    // archvals.in.
    static let arch = XLat([(0x1001, "ARCH_SET_GS"), (0x1002, "ARCH_SET_FS"), (0x1003, "ARCH_GET_FS"), (0x1004, "ARCH_GET_GS"),
                            (0x1011, "ARCH_GET_CPUID"), (0x1012, "ARCH_SET_CPUID"), (0x1021, "ARCH_GET_XCOMP_SUPP"),
                            (0x1022, "ARCH_GET_XCOMP_PERM"), (0x1023, "ARCH_REQ_XCOMP_PERM")])
    // resources.in (x86-64 numbering).
    static let resources = XLat([
        (0, "RLIMIT_CPU"), (1, "RLIMIT_FSIZE"), (2, "RLIMIT_DATA"), (3, "RLIMIT_STACK"), (4, "RLIMIT_CORE"), (5, "RLIMIT_RSS"),
        (6, "RLIMIT_NPROC"), (7, "RLIMIT_NOFILE"), (8, "RLIMIT_MEMLOCK"), (9, "RLIMIT_AS"), (10, "RLIMIT_LOCKS"),
        (11, "RLIMIT_SIGPENDING"), (12, "RLIMIT_MSGQUEUE"), (13, "RLIMIT_NICE"), (14, "RLIMIT_RTPRIO"), (15, "RLIMIT_RTTIME"),
    ])
    // clocknames.in.
    static let clocks = XLat([
        (0, "CLOCK_REALTIME"), (1, "CLOCK_MONOTONIC"), (2, "CLOCK_PROCESS_CPUTIME_ID"), (3, "CLOCK_THREAD_CPUTIME_ID"),
        (4, "CLOCK_MONOTONIC_RAW"), (5, "CLOCK_REALTIME_COARSE"), (6, "CLOCK_MONOTONIC_COARSE"), (7, "CLOCK_BOOTTIME"),
        (8, "CLOCK_REALTIME_ALARM"), (9, "CLOCK_BOOTTIME_ALARM"), (10, "CLOCK_SGI_CYCLE"), (11, "CLOCK_TAI"),
    ])
    static let timerFlags = XLat([(1, "TIMER_ABSTIME")])
    // sigprocmaskcmds.in, sigact_flags.in (asm/signal.h for x86), sigaltstack_flags.in.
    static let sigprocmask = XLat([(0, "SIG_BLOCK"), (1, "SIG_UNBLOCK"), (2, "SIG_SETMASK")])
    static let saFlags = XLat([
        (0x0400_0000, "SA_RESTORER"), (0x0800_0000, "SA_ONSTACK"), (0x1000_0000, "SA_RESTART"), (0x2000_0000, "SA_INTERRUPT"),
        (0x4000_0000, "SA_NODEFER"), (0x8000_0000, "SA_RESETHAND"), (4, "SA_SIGINFO"), (1, "SA_NOCLDSTOP"), (2, "SA_NOCLDWAIT"),
    ])
    static let ssFlags = XLat([(1, "SS_ONSTACK"), (2, "SS_DISABLE"), (0x8000_0000, "SS_AUTODISARM")])
    static let getrandomFlags = XLat([(1, "GRND_NONBLOCK"), (2, "GRND_RANDOM"), (4, "GRND_INSECURE")])
    static let pipeFlags = XLat([(0o2000000, "O_CLOEXEC"), (0o200000, "O_DIRECT"), (0o4000, "O_NONBLOCK"), (0o40000000, "O_NOTIFICATION_PIPE")])
    static let waitOptions = XLat([(1, "WNOHANG"), (2, "WSTOPPED"), (4, "WEXITED"), (8, "WCONTINUED"), (0x0100_0000, "WNOWAIT"),
                                   (0x2000_0000, "__WNOTHREAD"), (0x4000_0000, "__WALL"), (0x8000_0000, "__WCLONE")])
    // prctl_options.in (the ones our programs use; the rest print as PR_???).
    static let prctl = XLat([(1, "PR_SET_PDEATHSIG"), (2, "PR_GET_PDEATHSIG"), (3, "PR_GET_DUMPABLE"), (4, "PR_SET_DUMPABLE"),
                             (15, "PR_SET_NAME"), (16, "PR_GET_NAME"), (38, "PR_SET_NO_NEW_PRIVS"), (39, "PR_GET_NO_NEW_PRIVS")])
    // futexops.in with FUTEX_PRIVATE_FLAG 128 and FUTEX_CLOCK_REALTIME 256.
    static let futexOps = XLat([(0, "FUTEX_WAIT"), (1, "FUTEX_WAKE"), (2, "FUTEX_FD"), (3, "FUTEX_REQUEUE"), (4, "FUTEX_CMP_REQUEUE"),
                                (5, "FUTEX_WAKE_OP"), (6, "FUTEX_LOCK_PI"), (7, "FUTEX_UNLOCK_PI"), (8, "FUTEX_TRYLOCK_PI"),
                                (9, "FUTEX_WAIT_BITSET"), (10, "FUTEX_WAKE_BITSET")])
    static let pollEvents = XLat([(1, "POLLIN"), (2, "POLLPRI"), (4, "POLLOUT"), (8, "POLLERR"), (0x10, "POLLHUP"), (0x20, "POLLNVAL"),
                                  (0x40, "POLLRDNORM"), (0x80, "POLLRDBAND"), (0x100, "POLLWRNORM"), (0x200, "POLLWRBAND"),
                                  (0x400, "POLLMSG"), (0x2000, "POLLRDHUP")])
    // ioctl names of asm-generic/ioctls.h that our programs use (strace's ioctlent).
    static let ioctls = XLat([
        (0x5401, "TCGETS"), (0x5402, "TCSETS"), (0x5403, "TCSETSW"), (0x5404, "TCSETSF"), (0x540B, "TCFLSH"),
        (0x540E, "TIOCSCTTY"), (0x540F, "TIOCGPGRP"), (0x5410, "TIOCSPGRP"), (0x5413, "TIOCGWINSZ"), (0x5414, "TIOCSWINSZ"),
        (0x541B, "FIONREAD"), (0x5421, "FIONBIO"), (0x5450, "FIONCLEX"), (0x5451, "FIOCLEX"), (0x5452, "FIOASYNC"),
        (0x80045430, "TIOCGPTN"), (0x40045431, "TIOCSPTLCK"),
    ])
    // modetypes.in.
    static let fileTypes = XLat([(0o140000, "S_IFSOCK"), (0o120000, "S_IFLNK"), (0o100000, "S_IFREG"), (0o60000, "S_IFBLK"),
                                 (0o40000, "S_IFDIR"), (0o20000, "S_IFCHR"), (0o10000, "S_IFIFO")])
}
