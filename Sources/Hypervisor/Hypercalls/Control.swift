// SPDX-License-Identifier: MIT
// ec_ctrl, sc_ctrl, pt_ctrl, sm_ctrl, the device calls and machine_ctrl. Hedron: src/syscall.cpp
// (`Ec::sys_*_ctrl`, `sys_assign_pci`, `sys_assign_gsi`, `sys_machine_ctrl*`), include/sm.hpp
// (`Sm::dn`, `Sm::up`, `Sm::timeout`), src/msr.cpp (the MSR deny lists); digest §2.2.
import CPUCore

extension Hypervisor {
    /// `ec_ctrl` recall: the sub-operation first (BAD_PAR), then EC `ctrl` (BAD_CAP). The recall
    /// is delivered when the EC next returns to user mode (README fact 13).
    func sysECCtrl(_ ec: ExecutionContext) {
        let a = ECCtrlArguments(registers(ec))
        guard a.operation == ECCtrlOperation.recall.rawValue else { finish(ec, .badParameter); return }
        guard let target = ec.pd.objects[a.ec].validate(ExecutionContext.self, .control) else {
            finish(ec, .badCapability); return
        }
        target.recallPending = true
        finish(ec, .success)
    }

    /// `sc_ctrl`: the SC's consumed time in µs (`time * 1000 / freq_tsc`), OUT2 high and OUT3 the
    /// whole value.
    func sysSCCtrl(_ ec: ExecutionContext) {
        var a = SCCtrlArguments(registers(ec))
        guard let sc = ec.pd.objects[a.sc].validate(SchedulingContext.self, .control) else {
            finish(ec, .badCapability); return
        }
        a.setTime(sc.consumedMicroseconds())
        setRegisters(ec, a.registers)
        finish(ec, .success)
    }

    /// `pt_ctrl`: sets the portal ID (PT `ctrl`).
    func sysPTCtrl(_ ec: ExecutionContext) {
        let a = PTCtrlArguments(registers(ec))
        guard let pt = ec.pd.objects[a.pt].validate(Portal.self, .control) else { finish(ec, .badCapability); return }
        pt.id = a.id
        finish(ec, .success)
    }

    /// `sm_ctrl`: the capability needs permission bit `1 << op` (README fact 15). Up wakes the
    /// oldest waiter or counts; down takes a count or blocks, until the absolute TSC deadline
    /// ARG2:ARG3 if nonzero (then COM_TIM). Down on a signal SM is BAD_CAP.
    func sysSMCtrl(_ ec: ExecutionContext) {
        let a = SMCtrlArguments(registers(ec))
        let required: SMPermissions = a.operation == .up ? .up : .down
        guard let sm = ec.pd.objects[a.sm].validate(Semaphore.self, required) else { finish(ec, .badCapability); return }
        switch a.operation {
        case .up:
            finish(ec, .success)
            semaphoreUp(sm)
        case .down:
            guard !sm.isSignal else { finish(ec, .badCapability); return }
            finish(ec, .success)
            if sm.tryDown(zeroCounter: a.zeroCounter) { return }
            sm.enqueue(ec)
            ec.deadline = a.deadline
            block(ec, .blockedOnSemaphore(sm, deadline: a.deadline))
            if a.deadline != 0 { scheduler.addTimeout(ec) }
        }
    }

    /// `Sm::up`: wakes the oldest waiter (its down or its restarted call goes on), or counts.
    /// An SM chained as a signal passes the up on to its target.
    func semaphoreUp(_ sm: Semaphore) {
        if let waiter = sm.up() {
            release(waiter)
        } else if let target = sm.signalTarget, let waiter = target.up() {
            release(waiter)
        }
    }

    /// `Sm::timeout`: the deadline passed while `ec` waited: its down returns COM_TIM.
    func semaphoreTimeout(_ ec: ExecutionContext) {
        guard case .blockedOnSemaphore(let sm, _) = ec.runState else { return }
        sm.remove(ec)
        ec.state.rdi = UInt64(Status.timeout.rawValue)
        release(ec)
    }

    /// `assign_pci`: BAD_CAP without a PD capability; otherwise the machine has no PCI device
    /// behind any address (BAD_DEV).
    func sysAssignPCI(_ ec: ExecutionContext) {
        let a = AssignPCIArguments(registers(ec))
        guard ec.pd.objects[a.pd].validate(ProtectionDomain.self) != nil else { finish(ec, .badCapability); return }
        finish(ec, .badDevice)
    }

    /// `assign_gsi`: BAD_CPU for an offline CPU, then BAD_CAP: interrupt SMs live in the kernel
    /// PD's object space, and no capability to one exists on a machine without interrupt
    /// controllers.
    func sysAssignGSI(_ ec: ExecutionContext) {
        let a = AssignGSIArguments(registers(ec))
        guard a.cpu == 0 else { finish(ec, .badCPU); return }
        finish(ec, .badCapability)
    }

    /// `machine_ctrl`: needs a passthrough PD (BAD_CAP). Suspend returns BAD_PAR (no ACPI sleep
    /// states); a microcode update "succeeds" as Hedron's always reaches WRMSR (README fact 19).
    func sysMachineCtrl(_ ec: ExecutionContext) {
        let a = MachineCtrlArguments(registers(ec))
        guard ec.pd.isPassthrough else { finish(ec, .badCapability); return }
        switch a.operation {
        case .updateMicrocode: finish(ec, .success)
        case .suspend, nil: finish(ec, .badParameter)
        }
    }

    // MARK: - MSR access (pd_ctrl sub-op 3)

    /// MSRs no PD may read (`is_allowed_to_read`, src/msr.cpp); writing is also denied for the
    /// MTRRs, PAT and FEATURE_CONTROL.
    static func msrReadAllowed(_ n: UInt32) -> Bool {
        switch n {
        case 0xC001_0117, 0x1B, 0x600, 0xC000_0080, 0xC000_0101, 0xC000_0102, 0x174, 0x175, 0x176,
             0x10, 0x3B, 0xC000_0103, 0x6E0, 0x800...0x8FF, 0x480...0x491: false
        default: true
        }
    }

    static func msrWriteAllowed(_ n: UInt32) -> Bool {
        switch n {
        case 0x3A, 0x200...0x26F, 0x277, 0x2FF: false
        case 0x8C...0x8F: true
        default: msrReadAllowed(n)
        }
    }

    /// `sys_pd_ctrl_msr_access`: passthrough PDs only (BAD_CAP); a denied or nonexistent MSR is
    /// BAD_PAR.
    func sysMSRAccess(_ ec: ExecutionContext) {
        var a = PDCtrlMSRAccessArguments(registers(ec))
        guard ec.pd.isPassthrough else { finish(ec, .badCapability); return }
        if a.isWrite {
            guard Hypervisor.msrWriteAllowed(a.index), cpu.setMSR(a.index, a.value) else { finish(ec, .badParameter); return }
        } else {
            // OUT2 is written even when the read fails: a denied or faulting read yields 0.
            let v = Hypervisor.msrReadAllowed(a.index) ? cpu.msr(a.index) : nil
            a.value = v ?? 0
            setRegisters(ec, a.registers)
            guard v != nil else { finish(ec, .badParameter); return }
        }
        finish(ec, .success)
    }
}
