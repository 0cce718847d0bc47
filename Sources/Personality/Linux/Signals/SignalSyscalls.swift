// SPDX-License-Identifier: MIT
// Signal calls: rt_sigaction(2), rt_sigprocmask(2), rt_sigpending(2), sigaltstack(2),
// rt_sigreturn(2), kill(2), tkill(2), tgkill(2), rt_sigqueueinfo(2), rt_sigtimedwait(2),
// rt_sigsuspend(2), pause(2). Argument checks in the order of kernel/signal.c.

enum SignalSyscalls {
    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[13] = sigaction
        t[14] = sigprocmask
        t[127] = sigpending
        t[131] = sigaltstack
        t[15] = { c in c.personality.signalReturn(c) }
        t[62] = kill
        t[200] = { c in                                                  // tkill
            guard c.int32(0) > 0 else { return .error(.EINVAL) }
            return send(c, to: c.int32(0), c.int32(1), code: SignalInfo.SI_TKILL)
        }
        t[234] = { c in                                                  // tgkill
            guard c.int32(0) > 0, c.int32(1) > 0 else { return .error(.EINVAL) }
            guard c.int32(0) == c.int32(1) else { return .error(.ESRCH) }    // single-threaded: tid = tgid
            return send(c, to: c.int32(1), c.int32(2), code: SignalInfo.SI_TKILL)
        }
        t[129] = sigqueueinfo
        t[128] = sigtimedwait
        t[130] = sigsuspend
        t[34] = { c in wait(c, mask: c.process.signals.blocked) }       // pause
    }

    static let sigsetSize: UInt64 = 8

    /// rt_sigaction(sig, act, oact, sigsetsize).
    static func sigaction(_ c: SyscallContext) -> SyscallResult {
        let sig = c.int32(0), s = c.process.signals
        guard c.arg(3) == sigsetSize else { return .error(.EINVAL) }
        var new: SignalAction?
        if c.arg(1) != 0 {
            guard let b = c.memory.read(c.arg(1), count: SignalAction.size) else { return .error(.EFAULT) }
            new = SignalAction(bytes: b)
        }
        guard Signal.isValid(sig), new == nil || Signal.unblockable & Signal.bit(sig) == 0 else { return .error(.EINVAL) }
        let old = s.action(sig)
        if var new {
            new.mask &= ~Signal.unblockable
            // do_sigaction: "Clear unknown flag bits" (UAPI_SA_FLAGS, include/linux/signal_types.h).
            new.flags &= SignalAction.uapiFlags
            s.actions[Int(sig - 1)] = new
            // POSIX: setting an action that ignores discards what is pending (`do_sigaction`).
            if s.isIgnored(sig) { s.discard(sig) }
        }
        if c.arg(2) != 0, !c.memory.write(c.arg(2), old.bytes) { return .error(.EFAULT) }
        return .zero
    }

    /// rt_sigprocmask(how, set, oldset, sigsetsize): SIG_BLOCK 0, SIG_UNBLOCK 1, SIG_SETMASK 2.
    static func sigprocmask(_ c: SyscallContext) -> SyscallResult {
        let s = c.process.signals
        guard c.arg(3) == sigsetSize else { return .error(.EINVAL) }
        let old = s.blocked
        if c.arg(1) != 0 {
            guard let set = c.memory.load64(c.arg(1)).map({ $0 & ~Signal.unblockable }) else { return .error(.EFAULT) }
            switch c.arg(0) {
            case 0: s.blocked |= set
            case 1: s.blocked &= ~set
            case 2: s.blocked = set
            default: return .error(.EINVAL)
            }
        }
        if c.arg(2) != 0, !c.memory.store64(c.arg(2), old) { return .error(.EFAULT) }
        return .zero
    }

    /// rt_sigpending(set, sigsetsize): the pending signals that are blocked.
    static func sigpending(_ c: SyscallContext) -> SyscallResult {
        guard c.arg(1) <= sigsetSize else { return .error(.EINVAL) }
        let s = c.process.signals
        let bytes = [UInt8](le: s.pending & s.blocked).prefix(Int(c.arg(1)))
        return c.memory.write(c.arg(0), Array(bytes)) ? .zero : .error(.EFAULT)
    }

    /// sigaltstack(ss, old_ss).
    static func sigaltstack(_ c: SyscallContext) -> SyscallResult {
        let s = c.process.signals
        let rsp = c.utcb[gpr: 11]                    // the user RSP (Hedron's syscall entry)
        var new: AlternateStack?
        if c.arg(0) != 0 {
            guard let b = c.memory.read(c.arg(0), count: 24) else { return .error(.EFAULT) }
            new = AlternateStack(bytes: b)
        }
        let old = s.altStack.bytes(at: rsp)
        if let new, let e = c.personality.setAlternateStack(s, new, rsp: rsp) { return .error(e) }
        if c.arg(1) != 0, !c.memory.write(c.arg(1), old) { return .error(.EFAULT) }
        return .zero
    }

    /// kill(pid, sig): pid > 0 one process; 0 the caller's process group (every process is in
    /// one group here: the caller); −1 every process but init and the caller
    /// (`kill_something_info`); < −1 the group −pid. Signal 0 only checks that the target exists.
    static func kill(_ c: SyscallContext) -> SyscallResult {
        let pid = c.int32(0), sig = c.int32(1)
        guard pid == -1 else { return send(c, to: pid == 0 ? c.process.pid : pid < 0 ? -pid : pid, sig, code: SignalInfo.SI_USER) }
        guard sig == 0 || Signal.isValid(sig) else { return .error(.EINVAL) }
        let targets = c.personality.processes.values.filter { $0.pid > 1 && $0.pid != c.process.pid && $0.state == .running }
        guard !targets.isEmpty else { return .error(.ESRCH) }
        for p in targets where sig != 0 { p.signals.generate(sig, info: SignalInfo.sender(sig, code: SignalInfo.SI_USER, pid: c.process.pid)) }
        return .zero
    }

    /// Sends `sig` from the caller to process `pid` with si_code `code`.
    static func send(_ c: SyscallContext, to pid: Int32, _ sig: Int32, code: Int32) -> SyscallResult {
        guard sig == 0 || Signal.isValid(sig) else { return .error(.EINVAL) }
        guard let p = c.personality.processes[pid], p.state == .running else { return .error(.ESRCH) }
        if sig != 0 {
            p.signals.generate(sig, info: SignalInfo.sender(sig, code: code, pid: c.process.pid))
            c.personality.wake(p)
        }
        return .zero
    }

    /// rt_sigqueueinfo(tgid, sig, info): a siginfo from the caller; only to itself may it claim
    /// a kernel or kill origin (si_code ≥ 0 or SI_TKILL: EPERM).
    static func sigqueueinfo(_ c: SyscallContext) -> SyscallResult {
        let pid = c.int32(0), sig = c.int32(1)
        guard let info = c.memory.read(c.arg(2), count: SignalInfo.size) else { return .error(.EFAULT) }
        let code = Int32(bitPattern: info.loadLE(8))
        if (code >= 0 || code == SignalInfo.SI_TKILL) && pid != c.process.pid { return .error(.EPERM) }
        guard sig == 0 || Signal.isValid(sig) else { return .error(.EINVAL) }
        guard let p = c.personality.processes[pid], p.state == .running else { return .error(.ESRCH) }
        if sig != 0 {
            p.signals.generate(sig, info: info)
            c.personality.wake(p)
        }
        return .zero
    }

    /// rt_sigtimedwait(set, info, timeout, sigsetsize): takes a pending signal of `set`. With a
    /// timeout and none pending the wait ends in EAGAIN at once (virtual time); without one the
    /// process waits until a signal is sent to it.
    static func sigtimedwait(_ c: SyscallContext) -> SyscallResult {
        guard c.arg(3) == sigsetSize else { return .error(.EINVAL) }
        guard let set = c.memory.load64(c.arg(0)).map({ $0 & ~Signal.unblockable }) else { return .error(.EFAULT) }
        if let p = c.process.signals.dequeue(from: set) {
            if c.arg(1) != 0, !c.memory.write(c.arg(1), p.info) { return .error(.EFAULT) }
            return .int(Int(p.signal))
        }
        if c.arg(2) != 0 {
            guard let ns = c.memory.load64(c.arg(2) + 8) else { return .error(.EFAULT) }
            guard ns < 1_000_000_000 else { return .error(.EINVAL) }
            return .error(.EAGAIN)
        }
        // Waits until a signal is sent to the process; the call then runs again.
        return .block(restartable: false)
    }

    /// rt_sigsuspend(mask, sigsetsize): waits with `mask` until a handler has run; the old mask
    /// is restored on the way out (`sigsuspend` → TIF_RESTORE_SIGMASK).
    static func sigsuspend(_ c: SyscallContext) -> SyscallResult {
        guard c.arg(1) == sigsetSize else { return .error(.EINVAL) }
        guard let mask = c.memory.load64(c.arg(0)) else { return .error(.EFAULT) }
        return wait(c, mask: mask & ~Signal.unblockable)
    }

    static func wait(_ c: SyscallContext, mask: UInt64) -> SyscallResult {
        let s = c.process.signals
        let old = s.blocked
        s.blocked = mask
        // Nothing to deliver under `mask`: wait; the call runs again (with `mask` again) when a
        // signal arrives. pause and rt_sigsuspend end in EINTR (-ERESTARTNOHAND), never restart.
        guard s.hasDeliverable else { s.blocked = old; return .block(restartable: false) }
        s.savedMask = old
        return .error(.EINTR)
    }
}
