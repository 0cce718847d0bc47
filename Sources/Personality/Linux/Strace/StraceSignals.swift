// SPDX-License-Identifier: MIT
// Signals as strace(1) prints them (strace 6.1 src/signal.c signame, sprintsigmask_n;
// src/printsiginfo.c): names SIGHUP…SIGSYS, SIGRTMIN, SIGRT_n above it; masks as `[USR1 RT_4]`,
// or `~[…]` when two thirds or more of the bits are set; siginfo as `{si_signo=…, si_code=…, …}`.

enum StraceSignals {
    /// linux/signalent.h for x86-64: 1…31, then 32 is SIGRTMIN.
    static let names = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
                        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
                        "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
                        "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS", "SIGRTMIN"]

    /// signame: nil outside 1…64.
    static func name(_ sig: Int64) -> String? {
        if sig >= 1 && sig <= 32 { return names[Int(sig) - 1] }
        if sig > 32 && sig <= 64 { return "SIGRT_\(sig - 32)" }
        return nil
    }

    /// printsignal: the name or the number.
    static func signal(_ v: UInt64) -> String {
        let sig = Int64(Int32(truncatingIfNeeded: v))
        return name(sig) ?? String(sig)
    }

    /// sprintsigmask_n for a 64-bit kernel sigset.
    static func mask(_ m: UInt64) -> String {
        var bits = m
        var s = ""
        if m.nonzeroBitCount >= 64 * 2 / 3 { bits = ~m; s = "~" }
        var items: [String] = []
        for i in 0 ..< 64 where bits & (1 << UInt64(i)) != 0 {
            items.append(String(name(Int64(i + 1))!.dropFirst(3)))
        }
        return s + "[" + items.joined(separator: " ") + "]"
    }

    /// print_sigset_addr_len: NULL, the address (a size other than 8, unreadable, or an out
    /// argument of a failed call), or the mask.
    static func maskAt(_ m: StraceMemory, _ address: UInt64, size: UInt64 = 8) -> String {
        if address == 0 { return "NULL" }
        guard size == 8, let b = m.read(address, count: 8) else { return StraceFormat.address(address) }
        return mask(StraceBytes.u64(b, 0))
    }

    // siginfo_codes.in and the per-signal code tables (asm-generic/siginfo.h).
    static let commonCodes: [Int32: String] = [0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ",
                                               -4: "SI_ASYNCIO", -5: "SI_SIGIO", -6: "SI_TKILL", -7: "SI_DETHREAD", -60: "SI_ASYNCNL"]
    static let signalCodes: [Int32: [Int32: String]] = [
        4: [1: "ILL_ILLOPC", 2: "ILL_ILLOPN", 3: "ILL_ILLADR", 4: "ILL_ILLTRP", 5: "ILL_PRVOPC", 6: "ILL_PRVREG", 7: "ILL_COPROC",
            8: "ILL_BADSTK", 9: "ILL_BADIADDR"],
        5: [1: "TRAP_BRKPT", 2: "TRAP_TRACE", 3: "TRAP_BRANCH", 4: "TRAP_HWBKPT", 5: "TRAP_UNK", 6: "TRAP_PERF"],
        7: [1: "BUS_ADRALN", 2: "BUS_ADRERR", 3: "BUS_OBJERR", 4: "BUS_MCEERR_AR", 5: "BUS_MCEERR_AO"],
        8: [1: "FPE_INTDIV", 2: "FPE_INTOVF", 3: "FPE_FLTDIV", 4: "FPE_FLTOVF", 5: "FPE_FLTUND", 6: "FPE_FLTRES", 7: "FPE_FLTINV",
            8: "FPE_FLTSUB", 14: "FPE_FLTUNK", 15: "FPE_CONDTRAP"],
        11: [1: "SEGV_MAPERR", 2: "SEGV_ACCERR", 3: "SEGV_BNDERR", 4: "SEGV_PKUERR", 5: "SEGV_ACCADI", 6: "SEGV_ADIDERR",
             7: "SEGV_ADIPERR", 8: "SEGV_MTEAERR", 9: "SEGV_MTESERR"],
        17: [1: "CLD_EXITED", 2: "CLD_KILLED", 3: "CLD_DUMPED", 4: "CLD_TRAPPED", 5: "CLD_STOPPED", 6: "CLD_CONTINUED"],
    ]

    /// printsiginfo of a kernel siginfo_t (128 bytes): si_signo @0, si_errno @4, si_code @8, the
    /// union from @16 (si_pid, si_uid, si_value; or si_addr).
    static func siginfo(_ b: [UInt8]) -> String {
        guard b.count >= 32 else { return "{}" }
        let signo = Int32(truncatingIfNeeded: StraceBytes.u32(b, 0))
        let errno = Int32(truncatingIfNeeded: StraceBytes.u32(b, 4))
        let code = Int32(truncatingIfNeeded: StraceBytes.u32(b, 8))
        var f = ["si_signo=" + (name(Int64(signo)) ?? String(signo))]
        let codeName = commonCodes[code] ?? signalCodes[signo]?[code]
        f.append("si_code=" + (codeName ?? String(code)))
        if errno != 0 { f.append("si_errno=" + (StraceErrnos.table[errno]?.name ?? String(errno))) }
        let source = ["si_pid=\(StraceBytes.u32(b, 16))", "si_uid=\(StraceBytes.u32(b, 20))"]
        if code <= 0 {
            // SI_FROMUSER: the sender; SI_QUEUE and the rest also the value when si_ptr is set.
            f += source
            let ptr = StraceBytes.u64(b, 24)
            if code != 0 && code != -6 && ptr != 0 {
                f.append("si_int=\(Int32(truncatingIfNeeded: ptr))")
                f.append("si_ptr=" + StraceFormat.hex(ptr))
            }
        } else {
            switch signo {
            case 4, 5, 7, 8, 11: f.append("si_addr=" + StraceFormat.address(StraceBytes.u64(b, 16)))
            case 17:
                f += source
                f.append("si_status=\(Int32(truncatingIfNeeded: StraceBytes.u32(b, 24)))")
                f.append("si_utime=\(StraceBytes.u64(b, 32))")
                f.append("si_stime=\(StraceBytes.u64(b, 40))")
            default: f += source
            }
        }
        return "{" + f.joined(separator: ", ") + "}"
    }
}

/// Little-endian fields of guest structures.
enum StraceBytes {
    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 {
        (0 ..< 8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) }
    }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        (0 ..< 4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) }
    }
    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
}
