// SPDX-License-Identifier: MIT
// The one dispatch switch over the hypercall number (src/syscall.cpp `Ec::syscall_handler`) and
// the foreign-syscall path (`Ec::sys_foreign_syscall`, the fork's addition; digest §1.4).

extension Hypervisor {
    /// Decodes ARG1`[7:0]` and runs the hypercall for `ec`, whose registers are in `ec.state`.
    func hypercall(_ ec: ExecutionContext) {
        let number = UInt8(truncatingIfNeeded: ec.state.rdi)
        emit(.hypercall(ec: ec, call: Hypercall(rawValue: number), registers: registers(ec)))
        guard let call = Hypercall(rawValue: number) else {
            note("hypercall 0x\(String(number, radix: 16)): unknown")
            finish(ec, .badHypercall)
            return
        }
        note("hypercall \(call.name) rdi=0x\(String(ec.state.rdi, radix: 16)) rsi=0x\(String(ec.state.rsi, radix: 16)) rdx=0x\(String(ec.state.rdx, radix: 16)) rax=0x\(String(ec.state.rax, radix: 16)) r8=0x\(String(ec.state.r8, radix: 16))")
        switch call {
        case .call: sysCall(ec)
        case .reply: sysReply(ec)
        case .createPD: sysCreatePD(ec)
        case .createEC: sysCreateEC(ec)
        case .createSC: sysCreateSC(ec)
        case .createPT: sysCreatePT(ec)
        case .createSM: sysCreateSM(ec)
        case .revoke: sysRevoke(ec)
        case .pdCtrl: sysPDCtrl(ec)
        case .ecCtrl: sysECCtrl(ec)
        case .scCtrl: sysSCCtrl(ec)
        case .ptCtrl: sysPTCtrl(ec)
        case .smCtrl: sysSMCtrl(ec)
        case .assignPCI: sysAssignPCI(ec)
        case .assignGSI: sysAssignGSI(ec)
        case .machineCtrl: sysMachineCtrl(ec)
        }
    }

    /// `sys_foreign_syscall`: the caller's state, with r11 = user RSP and rcx = return RIP, goes
    /// as an exception-style message to the portal at event base + foreign base + CPU; the
    /// caller resumes iret-style with what the handler's reply writes back. No portal there:
    /// the EC dies. Hedron first requires a PT at base + CPU *without* the event base (the
    /// selector it looks up before `send_msg` adds `evt`) and dies if there is none; with event
    /// base 0 both lookups are the same.
    func foreignSyscall(_ ec: ExecutionContext) {
        note("foreign syscall nr=\(ec.state.rax) rip=0x\(String(ec.state.rcx &- 2, radix: 16)) -> portal 0x\(String(ec.foreignSyscallSelector, radix: 16))")
        let unshifted = ec.pd.foreignSyscallBase &+ UInt64(ec.cpu)
        guard ec.pd.objects[unshifted].validate(Portal.self) != nil else {
            emit(.portalLookup(ec: ec, selector: unshifted, portal: nil))
            kill(ec, reason: "PT not found (selector 0x\(String(unshifted, radix: 16)))")
            return
        }
        ec.continuation = .iret
        sendMessage(ec, portal: ec.foreignSyscallSelector)
    }
}
