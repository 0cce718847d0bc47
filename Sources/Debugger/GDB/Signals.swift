// SPDX-License-Identifier: MIT
// Signal numbers on the wire: the gdb remote protocol numbers signals its own way (binutils-gdb
// include/gdb/signals.def, `GDB_SIGNAL_*`), which matches Linux's (x86-64 asm/signal.h) only up to
// SIGKILL and for SIGSEGV, SIGPIPE, SIGALRM, SIGTERM; gdbserver translates both ways
// (gdbsupport/signals.cc gdb_signal_from_host), and so does the stub for what it reports.

enum GDBSignal {
    /// gdb's number for each Linux signal 1…31 (index = Linux number; 0 stays 0).
    static let fromLinuxTable: [UInt8] = [
        0,
        1, 2, 3, 4, 5, 6,   // HUP INT QUIT ILL TRAP ABRT
        10,                 // 7 SIGBUS
        8, 9,               // FPE KILL
        30,                 // 10 SIGUSR1
        11,                 // SEGV
        31,                 // 12 SIGUSR2
        13, 14, 15,         // PIPE ALRM TERM
        143,                // 16 SIGSTKFLT: GDB_SIGNAL_UNKNOWN
        20, 19, 17, 18,     // 17 CHLD, 18 CONT, 19 STOP, 20 TSTP
        21, 22,             // TTIN TTOU
        16,                 // 23 SIGURG
        24, 25, 26, 27, 28, // XCPU XFSZ VTALRM PROF WINCH
        23,                 // 29 SIGIO
        32,                 // 30 SIGPWR
        12,                 // 31 SIGSYS
    ]

    /// gdb's number for Linux signal `n` (real-time signals: SIG32 is 77, SIG33…SIG63 are 45…75,
    /// SIG64 is 78); 143 (GDB_SIGNAL_UNKNOWN) for anything else.
    static func fromLinux(_ n: Int32) -> UInt8 {
        switch n {
        case 0..<32: fromLinuxTable[Int(n)]
        case 32: 77
        case 33...63: UInt8(45 + n - 33)
        case 64: 78
        default: 143
        }
    }
}
