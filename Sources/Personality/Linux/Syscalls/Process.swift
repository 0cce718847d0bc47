// SPDX-License-Identifier: MIT
// Process and system calls: exit(2), exit_group(2), the id calls, arch_prctl(2),
// set_tid_address(2), set_robust_list(2), rseq(2), getrlimit(2)/prlimit64, uname(2), sysinfo(2),
// getrandom(2), prctl(2), sched_yield(2), sched_getaffinity(2), wait4(2)/waitid(2).

enum ProcessSyscalls {
    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[60] = { c in c.personality.exit(c.process, status: c.int32(0)); return .noReturn }        // exit
        t[231] = { c in c.personality.exit(c.process, status: c.int32(0)); return .noReturn }       // exit_group
        t[39] = { c in .int(Int(c.process.pid)) }                                                   // getpid
        t[186] = { c in .int(Int(c.process.pid)) }                                                  // gettid
        t[110] = { c in .int(Int(c.process.parent)) }                                               // getppid
        for n: UInt64 in [102, 107, 104, 108] { t[n] = { _ in .zero } }                            // get[e]uid, get[e]gid
        t[115] = { _ in .zero }                                                                     // getgroups: none
        t[158] = archPrctl
        t[218] = { c in c.process.clearChildTID = c.arg(0); return .int(Int(c.process.pid)) }       // set_tid_address
        t[273] = { c in                                                                             // set_robust_list
            guard c.arg(1) == 24 else { return .error(.EINVAL) }    // sizeof(struct robust_list_head)
            c.process.robustList = c.arg(0)
            return .zero
        }
        t[334] = { _ in .error(.ENOSYS) }                           // rseq: as a kernel built without it
        t[97] = { c in getrlimit(c, resource: c.arg(0), into: c.arg(1)) }
        t[160] = { c in c.personality.setRLimit(c) }                // setrlimit
        t[302] = prlimit64
        t[63] = uname
        t[99] = sysinfo
        t[318] = getrandom
        t[157] = prctl
        t[24] = { _ in .zero }                                      // sched_yield
        // wait4(2), waitid(2): no process here has children (there is no fork), so ECHILD.
        t[61] = { _ in .error(.ECHILD) }
        t[247] = { _ in .error(.ECHILD) }
        t[204] = { c in                                             // sched_getaffinity: CPU 0
            let size = c.arg(1)
            guard size >= 8, size % 8 == 0 else { return .error(.EINVAL) }
            var mask = [UInt8](repeating: 0, count: 8)
            mask[0] = 1
            return c.memory.write(c.arg(2), mask) ? .value(8) : .error(.EFAULT)
        }
    }

    /// arch_prctl(2): ARCH_SET_GS 0x1001, ARCH_SET_FS 0x1002, ARCH_GET_FS 0x1003,
    /// ARCH_GET_GS 0x1004. The bases travel in the UTCB (MTD FS_GS) back to the thread.
    static func archPrctl(_ c: SyscallContext) -> SyscallResult {
        let canonical = { (a: UInt64) in a < 0x0000_8000_0000_0000 }
        switch c.arg(0) {
        case 0x1001:
            guard canonical(c.arg(1)) else { return .error(.EPERM) }
            c.utcb.gsBase = c.arg(1); return .zero
        case 0x1002:
            guard canonical(c.arg(1)) else { return .error(.EPERM) }
            c.utcb.fsBase = c.arg(1); return .zero
        case 0x1003: return c.memory.store64(c.arg(1), c.utcb.fsBase) ? .zero : .error(.EFAULT)
        case 0x1004: return c.memory.store64(c.arg(1), c.utcb.gsBase) ? .zero : .error(.EFAULT)
        default: return .error(.EINVAL)
        }
    }

    /// The limits getrlimit(2) reports: RLIMIT_STACK 8 MiB soft / unlimited hard, RLIMIT_NOFILE
    /// 1024 / 4096 (Linux defaults); everything else unlimited.
    static func limit(_ resource: UInt64, _ p: LinuxProcess, _ l: LinuxPersonality) -> (UInt64, UInt64)? {
        guard resource < 16 else { return nil }
        return l.rlimits[p.pid]?[resource] ?? defaultLimit(resource)
    }

    static func defaultLimit(_ resource: UInt64) -> (UInt64, UInt64) {
        switch resource {
        case 3: return (8 << 20, .max)         // RLIMIT_STACK
        case 7: return (1024, 4096)            // RLIMIT_NOFILE
        case 4: return (0, .max)               // RLIMIT_CORE
        default: return (.max, .max)
        }
    }

    static func getrlimit(_ c: SyscallContext, resource: UInt64, into address: UInt64) -> SyscallResult {
        guard let (soft, hard) = limit(resource, c.process, c.personality) else { return .error(.EINVAL) }
        return c.memory.store64(address, soft) && c.memory.store64(address + 8, hard) ? .zero : .error(.EFAULT)
    }

    /// prlimit64(2) on the caller (pid 0 or its own pid).
    static func prlimit64(_ c: SyscallContext) -> SyscallResult {
        guard c.arg(0) == 0 || c.arg(0) == UInt64(c.process.pid) else { return .error(.ESRCH) }
        guard let old = limit(c.arg(1), c.process, c.personality) else { return .error(.EINVAL) }
        if c.arg(2) != 0 {
            guard let soft = c.memory.load64(c.arg(2)), let hard = c.memory.load64(c.arg(2) + 8) else { return .error(.EFAULT) }
            guard soft <= hard else { return .error(.EINVAL) }
            guard hard <= old.1 else { return .error(.EPERM) }
            c.personality.rlimits[c.process.pid, default: [:]][c.arg(1)] = (soft, hard)
        }
        if c.arg(3) != 0 {
            guard c.memory.store64(c.arg(3), old.0), c.memory.store64(c.arg(3) + 8, old.1) else { return .error(.EFAULT) }
        }
        return .zero
    }

    /// uname(2): struct utsname, six fields of 65 bytes.
    static func uname(_ c: SyscallContext) -> SyscallResult {
        var buf = [UInt8](repeating: 0, count: 65 * 6)
        for (i, s) in ["Linux", "emu", "6.1.0-emu", "#1 SMP emu", "x86_64", "(none)"].enumerated() {
            for (j, b) in s.utf8.enumerated() { buf[65 * i + j] = b }
        }
        return c.memory.write(c.arg(0), buf) ? .zero : .error(.EFAULT)
    }

    /// sysinfo(2): uptime from the virtual clock, RAM from the frame allocator.
    static func sysinfo(_ c: SyscallContext) -> SyscallResult {
        var b = [UInt8](repeating: 0, count: 112)
        func put64(_ off: Int, _ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { for (i, x) in $0.enumerated() { b[off + i] = x } } }
        func put16(_ off: Int, _ v: UInt16) { b[off] = UInt8(v & 0xFF); b[off + 1] = UInt8(v >> 8) }
        let frames = c.personality.frames
        put64(0, c.personality.clock.monotonicNanoseconds / 1_000_000_000)   // uptime
        put64(32, UInt64(frames.total) * 4096)                                 // totalram
        put64(40, UInt64(frames.available) * 4096)                             // freeram
        put16(80, UInt16(truncatingIfNeeded: c.personality.processCount))     // procs
        put64(104 - 0, 0)
        b[104] = 1                                                             // mem_unit = 1
        return c.memory.write(c.arg(0), b) ? .zero : .error(.EFAULT)
    }

    /// getrandom(2): bytes from the personality's generator (seeded: runs are reproducible).
    static func getrandom(_ c: SyscallContext) -> SyscallResult {
        let flags = c.arg(2)
        guard flags & ~UInt64(0x7) == 0 else { return .error(.EINVAL) }   // GRND_NONBLOCK|RANDOM|INSECURE
        let n = Int(min(c.arg(1), 33_554_431))
        let bytes = c.personality.randomBytes(n)
        return c.memory.write(c.arg(0), bytes) ? .int(n) : .error(.EFAULT)
    }

    /// prctl(2): PR_SET_NAME 15, PR_GET_NAME 16; others EINVAL.
    static func prctl(_ c: SyscallContext) -> SyscallResult {
        switch c.arg(0) {
        case 15:
            guard let s = c.memory.readString(c.arg(1), limit: 16) else { return .error(.EFAULT) }
            c.process.name = Array(s.prefix(15)); return .zero
        case 16:
            var out = c.process.name; out += [UInt8](repeating: 0, count: 16 - out.count)
            return c.memory.write(c.arg(1), out) ? .zero : .error(.EFAULT)
        default: return .error(.EINVAL)
        }
    }
}
