// SPDX-License-Identifier: MIT
// A process's signal state (signal(7)): the action of each of the 64 signals, the blocked mask,
// pending standard signals (at most one each) and queued real-time signals (every instance, in
// order), and the alternate signal stack (sigaltstack(2)). Linux keeps the same in
// include/linux/sched/signal.h (`sighand_struct`, `sigpending`) and kernel/signal.c.

/// Signal numbers and sets as the x86-64 ABI has them (arch/x86/include/uapi/asm/signal.h).
enum Signal {
    static let SIGHUP: Int32 = 1, SIGINT: Int32 = 2, SIGQUIT: Int32 = 3, SIGILL: Int32 = 4, SIGTRAP: Int32 = 5
    static let SIGABRT: Int32 = 6, SIGBUS: Int32 = 7, SIGFPE: Int32 = 8, SIGKILL: Int32 = 9, SIGUSR1: Int32 = 10
    static let SIGSEGV: Int32 = 11, SIGUSR2: Int32 = 12, SIGPIPE: Int32 = 13, SIGALRM: Int32 = 14, SIGTERM: Int32 = 15
    static let SIGCHLD: Int32 = 17, SIGCONT: Int32 = 18, SIGSTOP: Int32 = 19, SIGTSTP: Int32 = 20
    static let SIGTTIN: Int32 = 21, SIGTTOU: Int32 = 22, SIGURG: Int32 = 23, SIGWINCH: Int32 = 28
    /// The first real-time signal (the kernel's SIGRTMIN; libcs reserve a few above it).
    static let SIGRTMIN: Int32 = 32
    /// _NSIG: signals are 1…64.
    static let count: Int32 = 64

    static func isValid(_ sig: Int32) -> Bool { sig >= 1 && sig <= count }
    /// The bit of `sig` in a sigset_t (`sigmask(sig)` = 1 << (sig − 1)).
    static func bit(_ sig: Int32) -> UInt64 { 1 << UInt64(sig - 1) }
    /// SIGKILL and SIGSTOP can be neither caught, blocked nor ignored (`sig_kernel_only`).
    static let unblockable = bit(SIGKILL) | bit(SIGSTOP)

    /// The default action (signal(7), "Standard signals"; kernel/signal.c `sig_kernel_ignore`,
    /// `sig_kernel_stop`). Core dumps are not written: core is terminate. Stop signals are ignored
    /// (there is no job control yet).
    enum DefaultAction { case terminate, ignore }
    static func defaultAction(_ sig: Int32) -> DefaultAction {
        switch sig {
        case SIGCHLD, SIGURG, SIGWINCH, SIGCONT: .ignore
        case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: .ignore
        default: .terminate
        }
    }
}

/// `struct sigaction` as the kernel takes it (x86-64 `struct kernel_sigaction`, 32 bytes:
/// sa_handler, sa_flags, sa_restorer, sa_mask).
struct SignalAction: Equatable {
    var handler: UInt64 = SignalAction.SIG_DFL
    var flags: UInt64 = 0
    var restorer: UInt64 = 0
    var mask: UInt64 = 0

    static let SIG_DFL: UInt64 = 0, SIG_IGN: UInt64 = 1
    /// The flags the kernel keeps (UAPI_SA_FLAGS: SA_NOCLDSTOP, SA_NOCLDWAIT, SA_SIGINFO,
    /// SA_EXPOSE_TAGBITS, SA_RESTORER, SA_ONSTACK, SA_RESTART, SA_NODEFER, SA_RESETHAND).
    static let uapiFlags: UInt64 = 0x1 | 0x2 | 0x4 | 0x800 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x4000_0000 | 0x8000_0000
    /// sa_flags (include/uapi/asm-generic/signal-defs.h, arch/x86/include/uapi/asm/signal.h).
    static let SA_SIGINFO: UInt64 = 0x4, SA_ONSTACK: UInt64 = 0x0800_0000, SA_RESTART: UInt64 = 0x1000_0000
    static let SA_NODEFER: UInt64 = 0x4000_0000, SA_RESETHAND: UInt64 = 0x8000_0000, SA_RESTORER: UInt64 = 0x0400_0000

    static let size = 32

    init() {}
    init(bytes b: [UInt8]) {
        handler = b.loadLE(0); flags = b.loadLE(8); restorer = b.loadLE(16); mask = b.loadLE(24)
    }
    var bytes: [UInt8] { [UInt8](le: handler) + [UInt8](le: flags) + [UInt8](le: restorer) + [UInt8](le: mask) }
}

/// stack_t (sigaltstack(2)): ss_sp, int ss_flags (padded to 8), ss_size — 24 bytes.
struct AlternateStack: Equatable {
    var sp: UInt64 = 0
    var size: UInt64 = 0
    /// The flags as last set (SS_AUTODISARM is kept here).
    var flags: UInt32 = 0

    static let SS_ONSTACK: UInt32 = 1, SS_DISABLE: UInt32 = 2, SS_AUTODISARM: UInt32 = 1 << 31
    /// MINSIGSTKSZ (arch/x86/include/uapi/asm/signal.h): what sigaltstack(2) checks
    /// (kernel/signal.c do_sigaltstack is called with MINSIGSTKSZ).
    static let minimumSize: UInt64 = 2048

    /// `__on_sig_stack`: `sp` lies in the stack (which grows down: sp == top counts, sp == base not).
    func contains(_ rsp: UInt64) -> Bool { rsp > sp && rsp &- sp <= size }
    /// `on_sig_stack`: with SS_AUTODISARM the stack never counts as in use.
    func inUse(_ rsp: UInt64) -> Bool { flags & AlternateStack.SS_AUTODISARM == 0 && contains(rsp) }
    /// `sas_ss_flags`: SS_DISABLE without a stack, SS_ONSTACK while on it, else 0.
    func state(_ rsp: UInt64) -> UInt32 { size == 0 ? AlternateStack.SS_DISABLE : inUse(rsp) ? AlternateStack.SS_ONSTACK : 0 }

    init() {}
    init(bytes b: [UInt8]) { sp = b.loadLE(0); flags = b.loadLE(8); size = b.loadLE(16) }
    /// The stack_t a query or a frame's uc_stack holds for a thread at `rsp`.
    func bytes(at rsp: UInt64) -> [UInt8] {
        let f = state(rsp) | flags & AlternateStack.SS_AUTODISARM
        return [UInt8](le: sp) + [UInt8](le: UInt64(f)) + [UInt8](le: size)
    }
    /// The stack_t a signal frame's uc_stack holds: the flags as set (`unsafe_save_altstack`).
    var frameBytes: [UInt8] { [UInt8](le: sp) + [UInt8](le: UInt64(flags)) + [UInt8](le: size) }
    /// After SS_AUTODISARM (`sas_ss_reset`).
    static let disabled: AlternateStack = { var a = AlternateStack(); a.flags = SS_DISABLE; return a }()
}

/// A signal waiting for delivery with its siginfo (128 bytes).
struct PendingSignal {
    let signal: Int32
    let info: [UInt8]
}

final class SignalState {
    /// Actions of signals 1…64 (index sig − 1).
    var actions = [SignalAction](repeating: SignalAction(), count: Int(Signal.count))
    var blocked: UInt64 = 0
    /// Bit per pending signal, standard and real-time.
    private(set) var pending: UInt64 = 0
    /// The siginfo of each pending standard signal.
    private var standard: [Int32: [UInt8]] = [:]
    /// Queued real-time signals in arrival order (kernel/signal.c `__send_signal` queues every
    /// instance of a signal ≥ SIGRTMIN).
    private var queued: [PendingSignal] = []
    var altStack = AlternateStack()
    /// With --strace: the ignored signals dropped at generation, which a tracer still sees
    /// delivered (`sig_ignored` is false for a ptraced task); nil when not tracing.
    var droppedWhileTraced: [PendingSignal]?
    /// rt_sigsuspend(2)'s mask to restore once a handler has run (`TIF_RESTORE_SIGMASK`).
    var savedMask: UInt64?

    func action(_ sig: Int32) -> SignalAction { actions[Int(sig - 1)] }

    /// Is `sig` discarded on arrival or at delivery (`sig_handler_ignored`)?
    func isIgnored(_ sig: Int32) -> Bool {
        let h = action(sig).handler
        return h == SignalAction.SIG_IGN || (h == SignalAction.SIG_DFL && Signal.defaultAction(sig) == .ignore)
    }

    /// A pending signal that is not blocked exists: the check on every return to the process.
    var hasDeliverable: Bool { pending & ~blocked != 0 }

    /// The signal delivered next has a handler installed with SA_RESTART: an interrupted call
    /// that may be restarted runs again after it (`arch_do_signal_or_restart`, -ERESTARTSYS).
    var nextHandlerRestarts: Bool {
        let candidates = pending & ~blocked
        guard candidates != 0 else { return false }
        let a = action(Int32(candidates.trailingZeroBitCount + 1))
        return a.handler != SignalAction.SIG_DFL && a.handler != SignalAction.SIG_IGN && a.flags & SignalAction.SA_RESTART != 0
    }

    /// Generation (`__send_signal`): an ignored, unblocked signal is dropped ("Blocked signals are
    /// never ignored": `sig_ignored`); a standard signal already pending is not queued twice.
    func generate(_ sig: Int32, info: [UInt8]) {
        if blocked & Signal.bit(sig) == 0 && isIgnored(sig) && sig != Signal.SIGKILL {
            droppedWhileTraced?.append(PendingSignal(signal: sig, info: info))
            return
        }
        if sig < Signal.SIGRTMIN {
            guard pending & Signal.bit(sig) == 0 else { return }
            standard[sig] = info
        } else {
            queued.append(PendingSignal(signal: sig, info: info))
        }
        pending |= Signal.bit(sig)
    }

    /// Takes the lowest-numbered pending signal of `mask`, synchronous (fault) signals first
    /// (kernel/signal.c `next_signal`, SYNCHRONOUS_MASK).
    func dequeue(from mask: UInt64) -> PendingSignal? {
        let candidates = pending & mask
        guard candidates != 0 else { return nil }
        let synchronous = [Signal.SIGSEGV, Signal.SIGBUS, Signal.SIGILL, Signal.SIGTRAP, Signal.SIGFPE, 31]
            .reduce(UInt64(0)) { $0 | Signal.bit($1) }
        let pick = candidates & synchronous != 0 ? candidates & synchronous : candidates
        let sig = Int32(pick.trailingZeroBitCount + 1)
        if sig < Signal.SIGRTMIN {
            pending &= ~Signal.bit(sig)
            return PendingSignal(signal: sig, info: standard.removeValue(forKey: sig) ?? [])
        }
        let i = queued.firstIndex { $0.signal == sig }!
        let s = queued.remove(at: i)
        if !queued.contains(where: { $0.signal == sig }) { pending &= ~Signal.bit(sig) }
        return s
    }

    /// Drops every pending instance of `sig` (sigaction(2) setting an ignoring action:
    /// kernel/signal.c `do_sigaction` → `flush_sigqueue_mask`).
    func discard(_ sig: Int32) {
        pending &= ~Signal.bit(sig)
        standard[sig] = nil
        queued.removeAll { $0.signal == sig }
    }
}

/// siginfo_t (128 bytes; include/uapi/asm-generic/siginfo.h): si_signo, si_errno, si_code, then
/// the union at offset 16 (si_pid, si_uid, si_value for kill and sigqueue; si_addr for faults).
enum SignalInfo {
    static let size = 128
    /// si_code values.
    static let SI_USER: Int32 = 0, SI_KERNEL: Int32 = 0x80, SI_QUEUE: Int32 = -1, SI_TKILL: Int32 = -6
    static let SEGV_MAPERR: Int32 = 1, SEGV_ACCERR: Int32 = 2, BUS_ADRALN: Int32 = 1, BUS_ADRERR: Int32 = 2
    static let FPE_INTDIV: Int32 = 1, FPE_FLTINV: Int32 = 7, ILL_ILLOPN: Int32 = 2, TRAP_BRKPT: Int32 = 1
    static let TRAP_TRACE: Int32 = 2

    static func make(_ sig: Int32, code: Int32) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: size)
        b.storeLE(UInt32(bitPattern: sig), at: 0)
        b.storeLE(UInt32(bitPattern: code), at: 8)
        return b
    }

    /// kill(2), tkill(2): the sender's pid and uid (`_kill`).
    static func sender(_ sig: Int32, code: Int32, pid: Int32, uid: UInt32 = 0) -> [UInt8] {
        var b = make(sig, code: code)
        b.storeLE(UInt32(bitPattern: pid), at: 16)
        b.storeLE(uid, at: 20)
        return b
    }

    /// A fault (`_sigfault`): si_addr.
    static func fault(_ sig: Int32, code: Int32, address: UInt64) -> [UInt8] {
        var b = make(sig, code: code)
        b.storeLE(address, at: 16)
        return b
    }
}

// MARK: - Little-endian byte helpers

extension Array where Element == UInt8 {
    init<T: FixedWidthInteger>(le value: T) { self = Swift.withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    func loadLE<T: FixedWidthInteger>(_ offset: Int, as: T.Type = T.self) -> T {
        var v: T = 0
        for i in 0 ..< MemoryLayout<T>.size { v |= T(truncatingIfNeeded: self[offset + i]) << (8 * i) }
        return v
    }

    mutating func storeLE<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        for i in 0 ..< MemoryLayout<T>.size { self[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}
