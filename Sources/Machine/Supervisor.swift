// SPDX-License-Identifier: MIT
// The Supervisor protocol (DESIGN.md §2): whoever plays ring 0 receives the CPU's exits and
// decides what happens next. Bare metal is one supervisor; the hosted hypervisor is another.
import CPUCore

/// What the run loop does after a supervisor handled an exit.
public enum SupervisorDecision: Equatable, Sendable {
    case resume
    /// End the run with this process exit status and an optional one-line report.
    case stop(status: Int32, report: String?)
}

public protocol Supervisor: AnyObject {
    func handle(_ exit: CPUExit, machine: Machine) -> SupervisorDecision
    /// How many instructions the CPU may run before control must come back (a time slice or a
    /// timeout ends then); at most `proposed`, the run loop's own slice.
    func instructionBudget(_ proposed: UInt64, machine: Machine) -> UInt64
}

extension Supervisor {
    public func instructionBudget(_ proposed: UInt64, machine: Machine) -> UInt64 { proposed }
}

/// Bare metal: exceptions are delivered architecturally inside the CPU, so the supervisor sees
/// only HLT and triple faults.
public final class BareMetalSupervisor: Supervisor {
    public init() {}

    public func handle(_ exit: CPUExit, machine: Machine) -> SupervisorDecision {
        switch exit {
        case .halt:
            // Nothing in the modelled machine raises interrupts yet, so a halted CPU never wakes.
            return .stop(status: ExitStatus.halted,
                         report: "emu: CPU halted at RIP 0x\(String(machine.cpu.rip, radix: 16)) with nothing left to wake it")
        case .tripleFault(let e):
            return .stop(status: ExitStatus.tripleFault,
                         report: "emu: triple fault (\(e)) at RIP 0x\(String(machine.cpu.rip, radix: 16))")
        case .exception(let e):
            return .stop(status: ExitStatus.tripleFault, report: "emu: unhandled exception \(e)")
        case .syscall:
            return .stop(status: ExitStatus.internalError, report: "emu: SYSCALL exit without a hosted kernel")
        case .budgetExhausted, .stopRequested, .breakpoint:
            return .resume
        }
    }
}
