// SPDX-License-Identifier: MIT
// Time: clock_gettime(2), clock_getres(2), gettimeofday(2), time(2), nanosleep(2),
// clock_nanosleep(2). Clocks are virtual by default (the TSC counts retired instructions at a
// nominal 1 GHz, so a run is reproducible); `--realtime` uses the host's clock instead.

enum TimeSyscalls {
    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[228] = { c in                                             // clock_gettime
            guard let ns = c.personality.clock.read(clockID: c.int32(0)) else { return .error(.EINVAL) }
            return store(c, timespec: ns, at: c.arg(1))
        }
        t[229] = { c in                                             // clock_getres: 1 ns
            guard c.personality.clock.read(clockID: c.int32(0)) != nil else { return .error(.EINVAL) }
            return c.arg(1) == 0 ? .zero : store(c, timespec: 1, at: c.arg(1))
        }
        t[96] = { c in                                              // gettimeofday
            let ns = c.personality.clock.realtimeNanoseconds
            if c.arg(0) != 0 {
                guard c.memory.store64(c.arg(0), ns / 1_000_000_000), c.memory.store64(c.arg(0) + 8, ns % 1_000_000_000 / 1000) else {
                    return .error(.EFAULT)
                }
            }
            if c.arg(1) != 0 { guard c.memory.write(c.arg(1), [UInt8](repeating: 0, count: 8)) else { return .error(.EFAULT) } }
            return .zero
        }
        t[201] = { c in                                             // time
            let s = c.personality.clock.realtimeNanoseconds / 1_000_000_000
            if c.arg(0) != 0 { guard c.memory.store64(c.arg(0), s) else { return .error(.EFAULT) } }
            return .value(s)
        }
        t[35] = { c in sleep(c, request: c.arg(0), remaining: c.arg(1), absolute: false, clockID: 1) }            // nanosleep
        t[230] = { c in                                             // clock_nanosleep
            guard c.personality.clock.read(clockID: c.int32(0)) != nil else { return .error(.EINVAL) }
            return sleep(c, request: c.arg(2), remaining: c.arg(3), absolute: c.arg(1) & 1 != 0, clockID: c.int32(0))
        }
    }

    static func store(_ c: SyscallContext, timespec ns: UInt64, at address: UInt64) -> SyscallResult {
        c.memory.store64(address, ns / 1_000_000_000) && c.memory.store64(address + 8, ns % 1_000_000_000) ? .zero : .error(.EFAULT)
    }

    /// Sleeping advances the clock by the requested time (the virtual clock jumps; the process
    /// is the only one that could run on its SC meanwhile). Invalid tv_nsec is EINVAL.
    static func sleep(_ c: SyscallContext, request: UInt64, remaining: UInt64, absolute: Bool, clockID: Int32) -> SyscallResult {
        guard let s = c.memory.load64(request), let ns = c.memory.load64(request + 8) else { return .error(.EFAULT) }
        guard Int64(bitPattern: s) >= 0, ns < 1_000_000_000 else { return .error(.EINVAL) }
        let total = s &* 1_000_000_000 &+ ns
        let now = c.personality.clock.read(clockID: clockID) ?? 0
        let duration = absolute ? (total > now ? total - now : 0) : total
        c.personality.clock.sleep(nanoseconds: duration)
        return .zero
    }
}
