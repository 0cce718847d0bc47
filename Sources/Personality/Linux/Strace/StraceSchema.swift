// SPDX-License-Identifier: MIT
// The per-syscall argument schema of --strace: number → decoder, one decoder per strace 6.1
// SYS_FUNC (src/*.c) for the calls our programs make. A decoder runs on entry, prints what strace
// prints on entry and leaves the rest to `later`. Anything else prints like strace's printargs:
// every argument in hex.

typealias StraceDecoder = @Sendable (StraceCall) -> Void

enum StraceSchema {
    static let decoders: [UInt64: StraceDecoder] = {
        var t: [UInt64: StraceDecoder] = [:]
        StraceFileCalls.register(&t)
        StraceDescriptorCalls.register(&t)
        StraceMemoryCalls.register(&t)
        StraceProcessCalls.register(&t)
        StraceSignalCalls.register(&t)
        return t
    }()

    /// Decodes the entry of `c`: its schema's decoder, or printargs.
    static func enter(_ c: StraceCall) {
        if let d = decoders[c.number] { d(c) } else { for i in 0 ..< arity(c.number) { c.hex(i) } }
    }

    /// printargs prints as many arguments as the syscall table gives; unknown numbers get six.
    static func arity(_ n: UInt64) -> Int { arities[n] ?? 6 }

    /// Argument counts (kernel syscall prototypes) of calls printed with printargs.
    static let arities: [UInt64: Int] = [
        24: 0, 34: 0, 57: 0, 58: 0, 112: 0, 111: 0, 153: 0, 162: 0,        // sched_yield, pause, fork, vfork, setsid, getpgrp, vhangup, sync
        99: 1, 100: 1, 121: 1, 124: 1, 201: 1, 37: 1, 105: 1, 106: 1,    // sysinfo, times, getpgid, getsid, time, alarm, setuid, setgid
        109: 2, 36: 2, 96: 2, 98: 2, 138: 2, 137: 2, 204: 3, 203: 3,      // setpgid, getitimer, gettimeofday, getrusage, fstatfs, statfs, sched_[gs]etaffinity
        40: 4, 332: 5, 280: 4, 247: 5, 23: 5, 270: 6, 271: 5, 7: 3,       // sendfile, statx, utimensat, waitid, select, pselect6, ppoll, poll
        38: 3, 140: 2, 141: 3, 91: 2, 93: 3, 92: 3, 94: 3, 260: 5,        // setitimer, get/setpriority, fchmod, fchown, chown, lchown, fchownat
        90: 2, 268: 3, 161: 1, 74: 1, 75: 1, 76: 2, 77: 2, 85: 2,         // chmod, fchmodat, chroot, fsync, fdatasync, truncate, ftruncate, creat
        295: 4, 296: 4, 327: 5, 328: 5, 316: 5, 221: 4, 285: 4, 306: 1,   // preadv, pwritev, preadv2, pwritev2, renameat2, fadvise64, fallocate, syncfs
        319: 2, 326: 6, 435: 2, 436: 3, 437: 4, 439: 4, 334: 4, 202: 6,   // memfd_create, copy_file_range, clone3, close_range, openat2, faccessat2, rseq, futex
    ]
}
