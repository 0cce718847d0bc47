// SPDX-License-Identifier: MIT
// The forwarded-syscall fast path: a foreign syscall whose portal leads to an idle host EC, with
// a plain reply, goes from the CPU's registers into the handler's UTCB and back without saving
// the EC's state, switching, or passing through the scheduler. Everything it does is what the
// general path (Entry.swift `syscallEntry` → Dispatch.swift `foreignSyscall` → IPC.swift) does
// for that case; any other case — trace on, recall pending, a guest-code handler,
// a handler that does not simply reply, a reschedule — takes the general path. This is the
// "policy-free system-call layer" hot path of thesis §4 that `make bench` measures.
import CPUCore

/// The CPU's registers as `load_exc`/`save_exc` see a foreign EC right after its `syscall`:
/// r11 holds the user RSP (`entry_sysenter`), RIP the return address (rcx).
struct CPUExceptionRegisters: ExceptionRegisters {
    let regs: UnsafeMutablePointer<UInt64>
    unowned(unsafe) let cpu: CPU
    var rflags: UInt64
    let errorCode: UInt64
    let cr2: UInt64

    var rax: UInt64 { get { regs[0] } nonmutating set { regs[0] = newValue } }
    var rcx: UInt64 { get { regs[1] } nonmutating set { regs[1] = newValue } }
    var rdx: UInt64 { get { regs[2] } nonmutating set { regs[2] = newValue } }
    var rbx: UInt64 { get { regs[3] } nonmutating set { regs[3] = newValue } }
    var rsp: UInt64 { get { regs[4] } nonmutating set { regs[4] = newValue } }
    var rbp: UInt64 { get { regs[5] } nonmutating set { regs[5] = newValue } }
    var rsi: UInt64 { get { regs[6] } nonmutating set { regs[6] = newValue } }
    var rdi: UInt64 { get { regs[7] } nonmutating set { regs[7] = newValue } }
    var r8: UInt64 { get { regs[8] } nonmutating set { regs[8] = newValue } }
    var r9: UInt64 { get { regs[9] } nonmutating set { regs[9] = newValue } }
    var r10: UInt64 { get { regs[10] } nonmutating set { regs[10] = newValue } }
    var r11: UInt64 { get { regs[11] } nonmutating set { regs[11] = newValue } }
    var r12: UInt64 { get { regs[12] } nonmutating set { regs[12] = newValue } }
    var r13: UInt64 { get { regs[13] } nonmutating set { regs[13] = newValue } }
    var r14: UInt64 { get { regs[14] } nonmutating set { regs[14] = newValue } }
    var r15: UInt64 { get { regs[15] } nonmutating set { regs[15] = newValue } }
    var rip: UInt64 { get { cpu.rip } nonmutating set { cpu.rip = newValue } }
    var fsBase: UInt64 {
        get { cpu.segs[Segment.fs.rawValue].base }
        nonmutating set { if newValue != fsBase { cpu.setSegmentBase(.fs, newValue) } }
    }
    var gsBase: UInt64 {
        get { cpu.segs[Segment.gs.rawValue].base }
        nonmutating set { if newValue != gsBase { cpu.setSegmentBase(.gs, newValue) } }
    }
}

extension Hypervisor {
    enum FastPath { case notTaken, finished, resumeNeeded }

    /// Handles `ec`'s foreign syscall on the fast path if it qualifies. `.notTaken`: nothing
    /// changed, the general path must run. `.finished`: the CPU holds `ec`'s registers after the
    /// reply and can go on. `.resumeNeeded`: the syscall is handled and `ec`'s state saved, but
    /// the scheduler must pick what runs next.
    @inline(__always)
    func fastForeignSyscall(_ ec: ExecutionContext) -> FastPath {
        guard ec.pd.isForeign, !tracing, !ec.recallPending, !ec.utcb.nsct else { return .notTaken }
        let objects = ec.pd.objects
        if ec.foreignPortalVersion != objects.version {
            // As `foreignSyscall`: Hedron also requires a PT at base + CPU without the event base.
            let unshifted = ec.pd.foreignSyscallBase &+ UInt64(ec.cpu)
            ec.foreignPortal = objects[unshifted].validate(Portal.self) == nil ? nil
                : objects[ec.foreignSyscallSelector].validate(Portal.self).map { Unmanaged.passUnretained($0) }
            ec.foreignPortalVersion = objects.version
        }
        guard let portal = ec.foreignPortal else { return .notTaken }
        return portal._withUnsafeGuaranteedRef { forward(ec, through: $0) }
    }

    @inline(__always)
    func forward(_ ec: ExecutionContext, through pt: Portal) -> FastPath {
        let handler = pt.ec
        guard handler.isWaitingForCall, handler.cpu == ec.cpu, let body = handler.hostHandler else { return .notTaken }
        // `entry_sysenter`: r11 := user RSP; RFLAGS were in r11. RIP is already rcx.
        let regs = cpu.regs
        var view = CPUExceptionRegisters(regs: regs, cpu: cpu, rflags: regs[Reg.r11],
                                         errorCode: ec.state.errorCode, cr2: ec.state.cr2)
        regs[Reg.r11] = regs[Reg.rsp]
        statistics.foreignSyscalls += 1
        // `sys_foreign_syscall` → `send_msg<ret_user_iret>` → `recv_kern`.
        // MTD FPU: the host EC holds `ec`'s x87/SSE state in place while it runs (RootAPI+FPU).
        handler.fpuLender = handler.utcb.loadExc(from: view, mtd: pt.mtd) ? Unmanaged.passUnretained(ec) : nil
        ec.continuation = .iret
        // While the Swift handler runs synchronously nothing can observe the links between
        // caller and handler or their run states, so none is set unless the general path takes
        // over below (it sets all of them).
        let outcome = body(handler, pt.id)
        handler.fpuLender = nil
        guard outcome == .reply, handler.utcb.typedCount == 0 else {
            // The general path finishes what the handler started, from the saved state.
            ec.partner = handler
            ec.runState = .waitingForReply
            handler.caller = ec
            handler.runState = .running
            saveUserState(ec, rflags: view.rflags)
            finishHostHandler(handler, outcome)
            return .resumeNeeded
        }
        // `sys_reply` → `save_exc` into the caller, whose registers are still the CPU's. The
        // x87/SSE state a host EC was lent never left the caller, so nothing goes back.
        let replyMTD = handler.utcb.mtd
        handler.utcb.saveExc(into: &view, mtd: replyMTD)
        if replyMTD.contains(.rflags) { cpu.rflags = view.rflags }
        if scheduler.hazard {
            saveUserState(ec)
            return .resumeNeeded
        }
        return .finished
    }
}
