// SPDX-License-Identifier: MIT
// Why the CPU stopped running guest code and handed control to its supervisor (DESIGN.md §2):
// a plain value, returned from `CPU.run`, never a callback.

public enum CPUExit: Equatable, Sendable {
    /// SYSCALL executed at CPL 3 while `hostedKernel` is set; RCX and R11 are already written.
    case syscall
    /// An exception the supervisor must handle (hosted mode: any exception from guest code).
    case exception(CPUException)
    /// HLT executed (bare metal: at CPL 0).
    case halt
    /// The instruction budget given to `run` is used up.
    case budgetExhausted
    /// Bare metal: an exception while delivering a double fault.
    case tripleFault(CPUException)
    /// A device or debugger asked the CPU to stop (e.g. the exit port was written).
    case stopRequested
    /// An instruction breakpoint address was reached (before executing it).
    case breakpoint
}

/// Port I/O, as CPUCore sees it: CPUCore knows no devices by name (DESIGN.md §3).
public protocol PortIO: AnyObject {
    func portRead(_ port: UInt16, size: Int) -> UInt32
    func portWrite(_ port: UInt16, size: Int, value: UInt32)
}
