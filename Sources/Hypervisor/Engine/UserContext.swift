// SPDX-License-Identifier: MIT
// Moving an EC's user state into and out of the CPU: the register part of Hedron's entry and exit
// paths (src/entry.S `entry_sysenter`, `SAVE_GPR`; src/ec.cpp `ret_user_sysexit`,
// `ret_user_iret`), the address-space switch (`Pd::make_current`: CR3 and the TSS with the I/O
// bitmap) and lazy FPU switching (`Fpu`, `Ec::transfer_fpu`).
import CPUCore

extension Hypervisor {
    /// Copies the CPU's user registers into `ec.state` (`SAVE_GPR` plus the iret frame).
    func saveUserState(_ ec: ExecutionContext) {
        saveUserState(ec, rflags: cpu.rflags)
    }

    /// The same with RFLAGS given (after SYSCALL the CPU has already put them in R11).
    func saveUserState(_ ec: ExecutionContext, rflags: UInt64) {
        let r = cpu.regs
        ec.state.rax = r[0]; ec.state.rcx = r[1]; ec.state.rdx = r[2]; ec.state.rbx = r[3]
        ec.state.rsp = r[4]; ec.state.rbp = r[5]; ec.state.rsi = r[6]; ec.state.rdi = r[7]
        ec.state.r8 = r[8]; ec.state.r9 = r[9]; ec.state.r10 = r[10]; ec.state.r11 = r[11]
        ec.state.r12 = r[12]; ec.state.r13 = r[13]; ec.state.r14 = r[14]; ec.state.r15 = r[15]
        ec.state.rip = cpu.rip
        ec.state.rflags = rflags
        ec.state.fsBase = cpu.segs[Segment.fs.rawValue].base
        ec.state.gsBase = cpu.segs[Segment.gs.rawValue].base
    }

    /// Loads `ec.state` into the CPU the way its continuation returns to user mode:
    /// sysret-style (`rip := rcx`, `rsp := r11`, `r11 := 0x200`, RFLAGS 0x202) or iret-style
    /// (RIP, RSP and RFLAGS from the saved frame).
    func loadUserState(_ ec: ExecutionContext) {
        switchAddressSpace(to: ec.pd)
        switchFPU(to: ec)
        let r = cpu.regs
        // Field by field from `ec.state` (copying the struct would retain its FPU image).
        r[0] = ec.state.rax; r[1] = ec.state.rcx; r[2] = ec.state.rdx; r[3] = ec.state.rbx
        r[5] = ec.state.rbp; r[6] = ec.state.rsi; r[7] = ec.state.rdi
        r[8] = ec.state.r8; r[9] = ec.state.r9; r[10] = ec.state.r10
        r[12] = ec.state.r12; r[13] = ec.state.r13; r[14] = ec.state.r14; r[15] = ec.state.r15
        if ec.continuation == .iret {
            r[4] = ec.state.rsp; r[11] = ec.state.r11
            cpu.rip = ec.state.rip
            cpu.rflags = ec.state.rflags
        } else {
            // `ret_user_sysexit`: `mov %r11, %rsp; mov $0x200, %r11; sysretq` (RFLAGS := R11 | 2).
            r[4] = ec.state.r11; r[11] = 0x200
            cpu.rip = ec.state.rcx
            cpu.rflags = 0x202
        }
        if cpu.segs[Segment.fs.rawValue].base != ec.state.fsBase { cpu.setSegmentBase(.fs, ec.state.fsBase) }
        if cpu.segs[Segment.gs.rawValue].base != ec.state.gsBase { cpu.setSegmentBase(.gs, ec.state.gsBase) }
        if current !== ec {
            statistics.contextSwitches += 1
            emit(.contextSwitch(from: current, to: ec))
        }
        current = ec
        emit(.resume(ec: ec, continuation: ec.continuation, rip: cpu.rip))
    }

    /// Makes `pd`'s page tables and I/O bitmap the CPU's (`Pd::make_current`); the TLB is
    /// flushed by the CR3 write.
    func switchAddressSpace(to pd: ProtectionDomain) {
        guard activePD !== pd, let memory = pd.memory else { return }
        activePD = pd
        cpu.setControlRegister(3, memory.pml4)
        if let ports = pd.ports { cpu.tr = ports.taskRegister }
    }

    /// Makes `ec`'s x87/SSE state the CPU's, saving the previous owner's (eager on switch, but
    /// only between different guest ECs: host ECs never touch it).
    func switchFPU(to ec: ExecutionContext) {
        guard fpuOwner !== ec else { return }
        if let owner = fpuOwner {
            owner.state.fpu.bytes.withUnsafeMutableBytes { cpu.saveFPUImage(into: $0.baseAddress!) }
        }
        ec.state.fpu.bytes.withUnsafeBytes { _ = cpu.restoreFPUImage(from: $0.baseAddress!) }
        fpuOwner = ec
    }

    /// Brings `ec`'s FPU state out of the CPU into `ec.state.fpu` if the CPU holds it.
    func spillFPU(_ ec: ExecutionContext) {
        guard fpuOwner === ec else { return }
        ec.state.fpu.bytes.withUnsafeMutableBytes { cpu.saveFPUImage(into: $0.baseAddress!) }
        fpuOwner = nil
    }

    /// `Ec::transfer_fpu`: MTD FPU lends the sender's x87/SSE state to the handler (call) and
    /// back (reply) by exchanging the two states.
    func transferFPU(_ a: ExecutionContext, _ b: ExecutionContext) {
        spillFPU(a)
        spillFPU(b)
        swap(&a.state.fpu, &b.state.fpu)
    }
}
