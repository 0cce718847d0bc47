// SPDX-License-Identifier: MIT
// --strace decoders of process, time and system calls (strace 6.1 src/exit.c, process.c,
// arch_prctl.c, resource.c, uname.c, getrandom.c, prctl.c, wait.c, time.c, futex.c, rseq.c).

enum StraceProcessCalls {
    static func register(_ t: inout [UInt64: StraceDecoder]) {
        t[60] = { c in c.int(0); c.style = .none }                                        // exit
        t[231] = { c in c.int(0); c.style = .none }                                       // exit_group
        for n: UInt64 in [39, 186, 110, 102, 107, 104, 108] { t[n] = { _ in } }           // getpid … getegid
        t[158] = { c in                                                                   // arch_prctl
            c.xval(0, StraceTables.arch, "ARCH_???")
            switch c.args[0] & 0xFFFF_FFFF {
            case 0x1003, 0x1004: c.later { c in c.add(c.structure(c.args[1], size: 8) { "[" + StraceFormat.hex(StraceBytes.u64($0, 0)) + "]" }) }
            default: c.hex(1)
            }
        }
        t[218] = { c in c.pointer(0) }                                                     // set_tid_address
        t[273] = { c in c.pointer(0); c.unsigned(1) }                                      // set_robust_list
        t[334] = { c in c.pointer(0); c.hex(1); c.hex(2); c.hex(3) }                       // rseq
        t[97] = { c in c.xval(0, StraceTables.resources, "RLIMIT_???"); c.later { c in rlimit(c, 1) } } // getrlimit
        t[160] = { c in c.xval(0, StraceTables.resources, "RLIMIT_???"); c.add(c.structure(c.args[1], size: 16, exiting: false) { StraceStructs.rlimit($0) }) }
        t[302] = { c in                                                                   // prlimit64
            c.int(0); c.xval(1, StraceTables.resources, "RLIMIT_???")
            c.add(c.structure(c.args[2], size: 16, exiting: false) { StraceStructs.rlimit($0) })
            c.later { c in rlimit(c, 3) }
        }
        t[63] = { c in c.later { c in c.add(c.structure(c.args[0], size: 390) { StraceStructs.utsname($0) }) } } // uname
        t[318] = { c in                                                                   // getrandom
            c.later { c in
                c.add(c.isError ? StraceFormat.address(c.args[0]) : StraceQuote.buffer(c.memory, c.args[0], c.result, hex: true))
                c.unsigned(1); c.flags(2, StraceTables.getrandomFlags, "GRND_???", width32: true)
            }
        }
        t[157] = prctl
        t[61] = { c in                                                                    // wait4
            c.int(0)
            c.later { c in c.pointer(1); c.flags(2, StraceTables.waitOptions, "W???", width32: true); c.pointer(3) }
        }
        t[228] = { c in c.xval(0, StraceTables.clocks, "CLOCK_???"); c.later { c in timespec(c, 1) } } // clock_gettime
        t[229] = t[228]                                                                   // clock_getres
        t[35] = { c in                                                                    // nanosleep
            c.add(c.structure(c.args[0], size: 16, exiting: false) { StraceStructs.timespec($0) })
            c.later { c in remaining(c, 1) }
        }
        t[230] = { c in                                                                   // clock_nanosleep
            c.xval(0, StraceTables.clocks, "CLOCK_???"); c.flags(1, StraceTables.timerFlags, "TIMER_???", width32: true)
            c.add(c.structure(c.args[2], size: 16, exiting: false) { StraceStructs.timespec($0) })
            c.later { c in remaining(c, 3) }
        }
        t[96] = { c in                                                                    // gettimeofday
            c.later { c in c.add(c.structure(c.args[0], size: 16) { StraceStructs.timespec($0, usec: true) }); c.pointer(1) }
        }
        t[201] = { c in c.later { c in                                                    // time
            c.add(c.args[0] == 0 ? "NULL" : c.structure(c.args[0], size: 8) { "[\(Int64(bitPattern: StraceBytes.u64($0, 0)))]" })
        } }
        t[202] = futex
    }

    static func rlimit(_ c: StraceCall, _ i: Int) {
        c.add(c.structure(c.args[i], size: 16) { StraceStructs.rlimit($0) })
    }

    static func timespec(_ c: StraceCall, _ i: Int) {
        c.add(c.structure(c.args[i], size: 16) { StraceStructs.timespec($0) })
    }

    /// nanosleep's rem: printed only when the sleep was interrupted (time.c), else its address.
    static func remaining(_ c: StraceCall, _ i: Int) {
        if c.args[i] != 0 && c.isError && c.errno == 4 {
            c.add(c.memory.read(c.args[i], count: 16).map { StraceStructs.timespec($0) } ?? StraceFormat.address(c.args[i]))
        } else { c.pointer(i) }
    }

    /// prctl: PR_SET_NAME's string on entry, PR_GET_NAME's on exit; other options in hex.
    static func prctl(_ c: StraceCall) {
        c.xval(0, StraceTables.prctl, "PR_???")
        switch c.args[0] & 0xFFFF_FFFF {
        case 15: c.add(StraceQuote.buffer16(c.memory, c.args[1]))
        case 16: c.later { c in c.add(c.isError ? StraceFormat.address(c.args[1]) : StraceQuote.buffer16(c.memory, c.args[1])) }
        default: for i in 1 ..< 5 { c.hex(i) }
        }
    }

    /// futex: the address, the operation with _PRIVATE and |FUTEX_CLOCK_REALTIME, the value, and
    /// the timeout (WAIT) or the rest in hex.
    static func futex(_ c: StraceCall) {
        c.pointer(0)
        let op = c.args[1] & 0xFFFF_FFFF
        var name = StraceFormat.xval(op & 127, StraceTables.futexOps, "FUTEX_???")
        if op & 128 != 0 { name += "_PRIVATE" }
        if op & 256 != 0 { name += "|FUTEX_CLOCK_REALTIME" }
        if op & ~UInt64(0x17F) != 0 { name += "|" + StraceFormat.hex(op & ~UInt64(0x17F)) }
        c.add(name)
        c.unsigned(2)
        switch op & 127 {
        case 0: c.add(c.structure(c.args[3], size: 16, exiting: false) { StraceStructs.timespec($0) })   // FUTEX_WAIT
        case 1, 7, 8: break                                                                              // WAKE, UNLOCK_PI, TRYLOCK_PI
        default: for i in 3 ..< 6 { c.hex(i) }
        }
    }
}

extension StraceQuote {
    /// prctl's PR_[GS]ET_NAME: printstr_ex of the 16-byte comm buffer, NUL-terminated.
    static func buffer16(_ m: StraceMemory, _ address: UInt64) -> String {
        if address == 0 { return "NULL" }
        guard let (bytes, terminated) = readString(m, address, limit: 16) else { return StraceFormat.address(address) }
        return quote(bytes.prefix(15)) + (terminated && bytes.count <= 15 ? "" : "...")
    }
}
