// SPDX-License-Identifier: MIT
// The x86-64 signal frame, byte for byte as Linux builds it (arch/x86/include/asm/sigframe.h
// `struct rt_sigframe`, arch/x86/kernel/signal_64.c `x64_setup_rt_frame`, `restore_sigcontext`,
// arch/x86/kernel/signal.c `get_sigframe`, arch/x86/kernel/fpu/signal.c):
//
//   rt_sigframe   0  pretcode (sa_restorer: the handler's `ret` goes there)
//                 8  struct ucontext: uc_flags, uc_link, uc_stack (stack_t, 24 bytes),
//                    uc_mcontext (struct sigcontext, 256 bytes), uc_sigmask (8 bytes)
//               312  struct siginfo (128 bytes)
//   sizeof = 440; the FXSAVE image (512 bytes, 64-byte aligned) lies above it.

/// The registers a frame saves and rt_sigreturn restores: the 16 GPRs by encoding number
/// (rax 0 … r15 15), RIP and RFLAGS.
struct SignalRegisters: Equatable {
    var gpr = [UInt64](repeating: 0, count: 16)
    var rip: UInt64 = 0
    var rflags: UInt64 = 0

    var rsp: UInt64 { get { gpr[4] } set { gpr[4] = newValue } }
}

/// What a fault adds to the sigcontext (`thread.trap_nr`, `error_code`, `cr2`).
struct TrapState: Equatable {
    var trapno: UInt64 = 0
    var error: UInt64 = 0
    var cr2: UInt64 = 0
}

enum SignalFrame {
    static let size = 440
    static let ucontext = 8
    static let ucFlags = 8, ucLink = 16, ucStack = 24, mcontext = 48, ucSigmask = 304
    static let info = 312
    /// struct sigcontext (arch/x86/include/uapi/asm/sigcontext.h), from uc_mcontext.
    enum Context {
        static let r8 = 0, rdi = 64, rsi = 72, rbp = 80, rbx = 88, rdx = 96, rax = 104, rcx = 112
        static let rsp = 120, rip = 128, eflags = 136, cs = 144, gs = 146, fs = 148, ss = 150
        static let err = 152, trapno = 160, oldmask = 168, cr2 = 176, fpstate = 184, reserved = 192
        static let size = 256
        /// sigcontext's word order r8 … r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp as GPR numbers.
        static let order = [8, 9, 10, 11, 12, 13, 14, 15, 7, 6, 5, 3, 2, 0, 1, 4]
    }
    /// UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS: `frame_uc_flags` for 64-bit code on a CPU
    /// without XSAVE (no UC_FP_XSTATE).
    static let ucFlagsValue: UInt64 = 0x2 | 0x4
    /// __USER_CS and __USER_DS (arch/x86/include/asm/segment.h).
    static let userCS: UInt16 = 0x33, userSS: UInt16 = 0x2B
    /// The System V red zone below RSP that a frame skips (`get_sigframe`: sp −= 128).
    static let redZone: UInt64 = 128
    /// The FP area: fxregs_state (arch/x86/kernel/fpu/signal.c `fpu__alloc_mathframe`;
    /// `xstate_sigframe_size` is the bare 512 bytes without XSAVE).
    static let fpSize: UInt64 = 512
    /// RFLAGS bits rt_sigreturn takes from the frame (signal_64.c FIX_EFLAGS: AC OF DF TF SF
    /// ZF AF PF CF RF).
    static let fixEflags: UInt64 = 1 << 18 | 1 << 11 | 1 << 10 | 1 << 8 | 1 << 7 | 1 << 6 | 1 << 4 | 1 << 2 | 1 << 0 | 1 << 16
    /// Cleared in RFLAGS on handler entry (signal.c `handle_signal`: DF, RF, TF).
    static let handlerClearsEflags: UInt64 = 1 << 10 | 1 << 16 | 1 << 8

    /// Where the frame and its FP area go (`get_sigframe`), or nil when the alternate stack
    /// would overflow ("return an always-bogus address": the process gets SIGSEGV).
    static func place(rsp: UInt64, onStack: Bool, altStack: AlternateStack) -> (frame: UInt64, fpstate: UInt64)? {
        let nested = altStack.inUse(rsp)
        var sp = rsp &- redZone
        var entering = false
        if onStack && altStack.state(sp) == 0 {
            sp = altStack.sp &+ altStack.size
            entering = true
        }
        let fp = (sp &- fpSize) & ~63
        // align_sigframe (x86-64): round down to 16, minus 8 — RSP ≡ 8 (mod 16) at the handler's
        // first instruction, as after a call.
        let frame = ((fp &- UInt64(size)) & ~15) &- 8
        if (nested || entering) && !altStack.contains(frame) { return nil }
        return (frame, fp)
    }

    /// The frame's bytes (`x64_setup_rt_frame`): ucontext from `regs`, the mask to restore, the
    /// siginfo (written for SA_SIGINFO handlers only, as Linux does).
    static func build(regs: SignalRegisters, trap: TrapState, restorer: UInt64, stack: [UInt8], mask: UInt64,
                      info: [UInt8]?, fpstate: UInt64) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: size)
        b.storeLE(restorer, at: 0)
        b.storeLE(ucFlagsValue, at: ucFlags)
        b.replaceSubrange(ucStack ..< ucStack + 24, with: stack)
        let m = mcontext
        for (i, n) in Context.order.enumerated() { b.storeLE(regs.gpr[n], at: m + Context.r8 + 8 * i) }
        b.storeLE(regs.rip, at: m + Context.rip)
        b.storeLE(regs.rflags, at: m + Context.eflags)
        b.storeLE(userCS, at: m + Context.cs)
        b.storeLE(userSS, at: m + Context.ss)
        b.storeLE(trap.error, at: m + Context.err)
        b.storeLE(trap.trapno, at: m + Context.trapno)
        b.storeLE(mask, at: m + Context.oldmask)
        b.storeLE(trap.cr2, at: m + Context.cr2)
        b.storeLE(fpstate, at: m + Context.fpstate)
        b.storeLE(mask, at: ucSigmask)
        if let info { b.replaceSubrange(SignalFrame.info ..< SignalFrame.info + SignalInfo.size, with: info) }
        return b
    }

    /// What rt_sigreturn takes back from a frame (`restore_sigcontext`): the registers (RFLAGS
    /// merged with `current` through FIX_EFLAGS), the signal mask and the uc_stack.
    static func restore(_ b: [UInt8], currentFlags: UInt64) -> (regs: SignalRegisters, mask: UInt64, stack: AlternateStack) {
        var r = SignalRegisters()
        let m = mcontext
        for (i, n) in Context.order.enumerated() { r.gpr[n] = b.loadLE(m + Context.r8 + 8 * i) }
        r.rip = b.loadLE(m + Context.rip)
        let saved: UInt64 = b.loadLE(m + Context.eflags)
        r.rflags = currentFlags & ~fixEflags | saved & fixEflags
        return (r, b.loadLE(ucSigmask), AlternateStack(bytes: Array(b[ucStack ..< ucStack + 24])))
    }

    /// The FP area of a frame (`copy_fpstate_to_sigframe` without XSAVE): the FXSAVE image of
    /// the interrupted x87/SSE state (SDM Vol. 1 §10.5.1, Table 10-2) — `image`, or the init
    /// state when there is none — with the software bytes Linux puts in the reserved tail at 464
    /// (`save_xstate_epilog` → `save_sw_bytes`: FP_XSTATE_MAGIC1, extended_size = 512 + 4,
    /// xfeatures 0 without XSAVE, xstate_size 512).
    static func fpState(_ image: [UInt8]?) -> [UInt8] {
        var b = image ?? initFPState
        b.storeLE(UInt32(0x4650_5853), at: 464)
        b.storeLE(UInt32(fpSize + 4), at: 468)
        b.storeLE(UInt64(0), at: 472)
        b.storeLE(UInt32(fpSize), at: 480)
        for k in 484 ..< Int(fpSize) { b[k] = 0 }
        return b
    }

    /// The x87/SSE init state as an FXSAVE image (`init_fpstate`: FCW 0x37F, MXCSR 0x1F80,
    /// MXCSR_MASK 0xFFFF as emu's CPU reports, every register zero and empty): what a handler
    /// starts with (`fpu__clear_user_states`) and what rt_sigreturn loads for a NULL fpstate.
    static let initFPState: [UInt8] = {
        var b = [UInt8](repeating: 0, count: Int(fpSize))
        b.storeLE(UInt16(0x37F), at: 0)
        b.storeLE(UInt32(0x1F80), at: 24)
        b.storeLE(UInt32(0xFFFF), at: 28)
        return b
    }()

    /// The fpstate pointer of a frame's sigcontext.
    static func fpStatePointer(_ frame: [UInt8]) -> UInt64 { frame.loadLE(mcontext + Context.fpstate) }
}
