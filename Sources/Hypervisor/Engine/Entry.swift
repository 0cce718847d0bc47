// SPDX-License-Identifier: MIT
// Entries into the hypervisor from user mode: `syscall` (src/entry.S `entry_sysenter`,
// src/syscall.cpp `Ec::syscall_handler`), exceptions (src/ec_exc.cpp `Ec::handle_exc`) and the
// timer (the end of an SC's budget or a semaphore deadline; src/sc.cpp, include/timeout*.hpp).
import CPUCore

extension Hypervisor {
    /// `entry_sysenter` + `syscall_handler`. The CPU has written rcx = return RIP and
    /// r11 = RFLAGS; Hedron keeps the user RSP in r11 instead (`mov %rsp, %r11`) because the
    /// native return forces RFLAGS. The iret frame is pointed at the return (as
    /// `redirect_to_iret` does), so a foreign syscall resumes after the `syscall`.
    func syscallEntry(_ ec: ExecutionContext) {
        emit(.entry(ec: ec, cause: .syscall, rip: cpu.rip))
        saveUserState(ec, rflags: cpu.regs[Reg.r11])
        ec.state.r11 = ec.state.rsp
        ec.state.rip = ec.state.rcx
        ec.continuation = .sysret
        // Decided before the hypercall number: a foreign PD's syscall is forwarded unless the
        // EC set NSCT in its UTCB (`syscall_handler`, README fact 16).
        emit(.foreignCheck(ec: ec, foreign: ec.pd.isForeign, nsct: ec.utcb.nsct))
        if ec.pd.isForeign && !ec.utcb.nsct {
            statistics.foreignSyscalls += 1
            foreignSyscall(ec)
            return
        }
        statistics.hypercalls += 1
        hypercall(ec)
    }

    /// `Ec::handle_exc` for an exception in user mode: the state goes to the portal at event
    /// base + vector (`send_msg<ret_user_iret>`), #PF with the error code and CR2 in QUAL.
    func exceptionEntry(_ ec: ExecutionContext, _ e: CPUException) {
        emit(.entry(ec: ec, cause: .exception(e), rip: cpu.rip))
        saveUserState(ec)
        ec.state.errorCode = UInt64(e.errorCode ?? 0)
        if e.vector == CPUException.PF { ec.state.cr2 = e.address }
        ec.continuation = .iret
        statistics.exceptions += 1
        emit(.exception(ec: ec, e, selector: ec.eventSelector(UInt64(e.vector))))
        note("exception \(CPUException.name(e.vector)) rip=0x\(String(ec.state.rip, radix: 16)) err=0x\(String(ec.state.errorCode, radix: 16)) -> portal 0x\(String(ec.eventSelector(UInt64(e.vector)), radix: 16))")
        sendMessage(ec, portal: ec.eventSelector(UInt64(e.vector)))
    }

    /// The budget or a deadline ran out: the interrupted EC resumes iret-style (its whole state
    /// was live), an SC without budget left goes to the tail of its priority.
    func timerEntry() {
        if let ec = current {
            emit(.entry(ec: ec, cause: .timer, rip: cpu.rip))
            saveUserState(ec)
            ec.continuation = .iret
        }
        if let sc = scheduler.current, sc.left == 0 { scheduler.hazard = true }
    }

    /// The status of a hypercall into OUT1: the whole rdi (`Sys_regs::set_status`, README fact 1).
    func finish(_ ec: ExecutionContext, _ status: Status) {
        ec.state.rdi = UInt64(status.rawValue)
        ec.continuation = .sysret
        emit(.status(ec: ec, status))
        if status != .success { note("  -> \(status.name)") }
    }

    /// The hypercall registers of `ec` as the argument views read them.
    func registers(_ ec: ExecutionContext) -> HypercallRegisters {
        HypercallRegisters(rdi: ec.state.rdi, rsi: ec.state.rsi, rdx: ec.state.rdx, rax: ec.state.rax, r8: ec.state.r8)
    }

    /// Writes back what a hypercall returns besides the status (OUT2, OUT3, write-backs).
    func setRegisters(_ ec: ExecutionContext, _ r: HypercallRegisters) {
        ec.state.rsi = r.rsi; ec.state.rdx = r.rdx; ec.state.rax = r.rax; ec.state.r8 = r.r8
    }
}
