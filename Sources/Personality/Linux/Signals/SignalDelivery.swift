// SPDX-License-Identifier: MIT
// Delivering signals to a process (kernel/signal.c `get_signal`, arch/x86/kernel/signal.c
// `handle_signal`, `arch_do_signal_or_restart`). A signal is delivered when the process next
// returns from the roottask: at the reply to a forwarded syscall (so raise() → tkill is handled
// on the way back from the very call) or to an exception (a fault delivered to its handler). The
// handler starts because the reply carries a new register set: the portal MTD gave the roottask
// the caller's whole state, and the reply MTD writes every GPR, RIP, RSP and RFLAGS back.
import Hypervisor

extension LinuxPersonality {
    /// The reply groups for a register set the roottask rewrote completely.
    static let fullReply: MTD = [.gprACDB, .gprBSD, .gprR8R15, .rsp, .ripLength, .rflags, .fsGS]

    /// Delivers every pending, unblocked signal before the reply in `u` (Linux loops in
    /// `exit_to_user_mode_loop` the same way: each handler's frame is pushed on top of the last,
    /// so the last one set up runs first). Returns `.noReply` if a signal ended the process.
    func deliverPendingSignals(_ process: LinuxProcess, _ u: UTCB) -> HostReply {
        let s = process.signals
        while s.hasDeliverable {
            guard let p = s.dequeue(from: ~s.blocked) else { break }
            tracer?.signal(pid: process.pid, p.signal, info: p.info)
            let action = s.action(p.signal)
            if action.handler == SignalAction.SIG_IGN { continue }
            if action.handler == SignalAction.SIG_DFL {
                if Signal.defaultAction(p.signal) == .ignore { continue }
                fatalSignal(process, signal: p.signal, rip: u.rip, address: 0)
                return .noReply
            }
            guard setUpHandler(process, u, signal: p.signal, info: p.info, trap: TrapState()) else {
                forcedSegv(process)
                fatalSignal(process, signal: Signal.SIGSEGV, rip: u.rip, address: 0)
                return .noReply
            }
        }
        // rt_sigsuspend's mask comes back if no handler took it into its frame.
        if let m = s.savedMask { s.blocked = m; s.savedMask = nil }
        return .reply
    }

    /// A synchronous signal from a fault (`force_sig_fault`): delivered to its handler at once;
    /// if it is blocked, ignored or has the default action, the process dies of it (Linux unblocks
    /// it and resets the action to SIG_DFL, whose action for every fault signal is to dump core).
    func forceFaultSignal(_ process: LinuxProcess, _ u: UTCB, signal: Int32, info: [UInt8], trap: TrapState,
                          address: UInt64) -> HostReply {
        tracer?.signal(pid: process.pid, signal, info: info)
        let s = process.signals
        let handler = s.action(signal).handler
        if s.blocked & Signal.bit(signal) != 0 || handler == SignalAction.SIG_DFL || handler == SignalAction.SIG_IGN {
            fatalSignal(process, signal: signal, rip: u.rip, address: address)
            return .noReply
        }
        guard setUpHandler(process, u, signal: signal, info: info, trap: trap) else {
            forcedSegv(process)
            fatalSignal(process, signal: Signal.SIGSEGV, rip: u.rip, address: address)
            return .noReply
        }
        return deliverPendingSignals(process, u)
    }

    /// A frame that cannot be written: Linux forces SIGSEGV (`force_sigsegv`), which a tracer
    /// sees delivered before the process dies of it.
    func forcedSegv(_ process: LinuxProcess) {
        tracer?.signal(pid: process.pid, Signal.SIGSEGV, info: SignalInfo.make(Signal.SIGSEGV, code: SignalInfo.SI_KERNEL))
    }

    /// `handle_signal`: writes the frame for `signal` below the interrupted state in `u` and
    /// points `u` at the handler. False if the frame cannot be written (Linux then forces
    /// SIGSEGV, `signal_setup_done` with failed = true).
    func setUpHandler(_ process: LinuxProcess, _ u: UTCB, signal: Int32, info: [UInt8], trap: TrapState) -> Bool {
        let s = process.signals
        let action = s.action(signal)
        var regs = SignalRegisters()
        for n in 0 ..< 16 { regs.gpr[n] = u[gpr: n] }
        regs.rip = u.rip
        regs.rflags = u.rflags
        // x86-64 always uses SA_RESTORER (`x64_setup_rt_frame` fails without it).
        guard action.flags & SignalAction.SA_RESTORER != 0,
              let (frame, fp) = SignalFrame.place(rsp: regs.rsp, onStack: action.flags & SignalAction.SA_ONSTACK != 0,
                                                  altStack: s.altStack) else { return false }
        let mask = s.savedMask ?? s.blocked
        let bytes = SignalFrame.build(regs: regs, trap: trap, restorer: action.restorer,
                                      stack: s.altStack.frameBytes, mask: mask,
                                      info: action.flags & SignalAction.SA_SIGINFO != 0 ? info : nil, fpstate: fp)
        // The interrupted x87/SSE state goes into the frame; the handler starts from the init
        // state (arch/x86/kernel/fpu/signal.c `copy_fpstate_to_sigframe`, `fpu__clear_user_states`).
        let fpu = lentFPU
        guard process.memory.write(fp, SignalFrame.fpState(fpu?.fxsave())), process.memory.write(frame, bytes) else { return false }
        fpu?.fxrstor(SignalFrame.initFPState)
        s.savedMask = nil
        // SS_AUTODISARM: the alternate stack is disabled while the handler runs (`save_altstack`).
        if s.altStack.flags & AlternateStack.SS_AUTODISARM != 0 { s.altStack = .disabled }
        // get_signal: SA_RESETHAND (SA_ONESHOT) resets the handler (only: `ka->sa.sa_handler =
        // SIG_DFL`, the flags, mask and restorer stay, as sigaction(2) then reports them).
        if action.flags & SignalAction.SA_RESETHAND != 0 { s.actions[Int(signal - 1)].handler = SignalAction.SIG_DFL }
        // signal_delivered: block sa_mask and, without SA_NODEFER, the signal itself.
        var blocked = s.blocked | action.mask
        if action.flags & SignalAction.SA_NODEFER == 0 { blocked |= Signal.bit(signal) }
        s.blocked = blocked & ~Signal.unblockable
        // The handler's registers: rdi = signal, rsi = &info, rdx = &uc, rax = 0.
        u[gpr: UTCB.GPR.rdi] = UInt64(signal)
        u[gpr: UTCB.GPR.rsi] = frame + UInt64(SignalFrame.info)
        u[gpr: UTCB.GPR.rdx] = frame + UInt64(SignalFrame.ucontext)
        u[gpr: UTCB.GPR.rax] = 0
        u[gpr: UTCB.GPR.rsp] = frame
        u.rip = action.handler
        u.rflags = regs.rflags & ~SignalFrame.handlerClearsEflags
        u.mtd = LinuxPersonality.fullReply
        return true
    }

    /// rt_sigreturn(2): the frame the handler returned from is at RSP − 8 (its `ret` popped
    /// pretcode). Restores every register, the mask and the alternate stack; a frame that
    /// cannot be read kills the process with SIGSEGV (`signal_fault` → `force_sig`).
    func signalReturn(_ c: SyscallContext) -> SyscallResult {
        let u = c.utcb
        let s = c.process.signals
        let rsp = u[gpr: UTCB.GPR.r11]     // the user RSP (Hedron's syscall entry)
        guard let bytes = c.memory.read(rsp &- 8, count: SignalFrame.size) else {
            fatalSignal(c.process, signal: Signal.SIGSEGV, rip: u[gpr: UTCB.GPR.rcx], address: rsp &- 8)
            return .noReturn
        }
        let (regs, mask, stack) = SignalFrame.restore(bytes, currentFlags: u.rflags)
        // fpu__restore_sig: a NULL fpstate means the init state; otherwise FXRSTOR from the
        // frame, whose #GP (a misaligned image, reserved MXCSR bits) is a bad frame: SIGSEGV.
        let fpPointer = SignalFrame.fpStatePointer(bytes)
        if fpPointer == 0 {
            lentFPU?.fxrstor(SignalFrame.initFPState)
        } else {
            guard fpPointer & 15 == 0, let image = c.memory.read(fpPointer, count: Int(SignalFrame.fpSize)),
                  lentFPU?.fxrstor(image) ?? true else {
                fatalSignal(c.process, signal: Signal.SIGSEGV, rip: u[gpr: UTCB.GPR.rcx], address: fpPointer)
                return .noReturn
            }
        }
        s.blocked = mask & ~Signal.unblockable
        for n in 0 ..< 16 { u[gpr: n] = regs.gpr[n] }
        u.rip = regs.rip
        u.rflags = regs.rflags
        // restore_altstack: do_sigaltstack with the restored RSP; its errors are ignored.
        _ = setAlternateStack(s, stack, rsp: regs.rsp)
        return .registersSet
    }

    /// do_sigaltstack's change part (kernel/signal.c).
    func setAlternateStack(_ s: SignalState, _ new: AlternateStack, rsp: UInt64) -> Errno? {
        if s.altStack.inUse(rsp) { return .EPERM }
        let mode = new.flags & ~AlternateStack.SS_AUTODISARM
        guard mode == 0 || mode == AlternateStack.SS_ONSTACK || mode == AlternateStack.SS_DISABLE else { return .EINVAL }
        if new == s.altStack { return nil }
        if mode == AlternateStack.SS_DISABLE {
            var off = AlternateStack()
            off.flags = new.flags
            s.altStack = off
            return nil
        }
        guard new.size >= AlternateStack.minimumSize else { return .ENOMEM }
        s.altStack = new
        return nil
    }
}
