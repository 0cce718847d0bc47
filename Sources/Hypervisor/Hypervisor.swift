// SPDX-License-Identifier: MIT
// The hosted microhypervisor: ring 0 of the machine (DESIGN.md §2–§5, docs/hypervisor.md). The
// CPU runs ECs' guest code at CPL 3 with `hostedKernel` set; every `syscall`, exception and end of
// a time slice comes back here as a `CPUExit`, and `handle` does what Hedron's entry paths do
// (phip1611/hedron@7f934bf src/ec.cpp, src/syscall.cpp, src/sc.cpp). Policy-free: nothing here
// knows what a foreign PD's syscalls mean; they are forwarded to a portal.
import CPUCore
import Machine
import MMU

public final class Hypervisor: Supervisor {
    public let cpu: CPU
    public let ram: PhysicalMemory
    /// The hypervisor region: page tables, UTCBs, TSSs, the HIP.
    public let kernelMemory: KernelMemory
    /// The kernel PD (`Pd::kern`): the root of every memory and port delegation.
    public let kernelPD = ProtectionDomain.kernel()
    /// Delegation trees for recursive revocation (memory, ports, objects).
    public let mappings = MappingDatabase()
    /// Ready queues and timeouts.
    let scheduler = Scheduler()

    /// The EC whose registers are in the CPU (`Ec::current` while in user mode); nil while idle
    /// or while a host EC runs.
    public internal(set) var current: ExecutionContext? {
        didSet { currentRef = current.map { Unmanaged.passUnretained($0) } }
    }
    /// `current` without reference counting, for the forwarded-syscall fast path (`current`
    /// keeps the EC alive).
    var currentRef: Unmanaged<ExecutionContext>?
    /// The EC whose x87/SSE state is in the CPU (lazy FPU switching, Hedron's `Fpu` owner).
    var fpuOwner: ExecutionContext?
    /// The PD whose page tables and I/O bitmap the CPU uses.
    var activePD: ProtectionDomain?
    /// The TSC at the last exit: time since then is charged to the current SC.
    var lastTSC: UInt64 = 0
    /// Page tables changed: flush the TLB before returning to user mode.
    var tlbDirty = false
    /// The HIP's frame in kernel memory.
    var hipPage: UInt64 = 0
    /// The pages holding the modules' command lines (a reserved HIP descriptor).
    var commandLineRegion: Range<UInt64>?
    /// Bodies of global host ECs not yet run.
    var hostPrograms: [ObjectIdentifier: (RootAPI) -> Void] = [:]

    /// The root PD, EC and SC (selectors 32, 33, 34) once `boot` has run.
    public internal(set) var rootPD: ProtectionDomain?
    public internal(set) var rootEC: ExecutionContext?
    public internal(set) var rootSC: SchedulingContext?

    /// Where kills, deadlocks and other reports go (default: standard error via the caller).
    public var log: (String) -> Void = { _ in }
    /// Every step of a hypercall or IPC as one line (issue 5 turns this into trace events).
    public var trace: ((String) -> Void)? { didSet { tracing = trace != nil || observer != nil } }
    /// Receives every step as a structured event (Trace/HypervisorEvent.swift): instruction
    /// traces, the gdb stub. While set, forwarded syscalls take the general path.
    public var observer: HypervisorObserver? { didSet { tracing = trace != nil || observer != nil } }
    /// `trace` or `observer` is set (one Bool load on the hot path instead of an optional closure).
    @usableFromInline var tracing = false
    /// What debuggers use and nothing in the kernel reads (Debug/).
    public let debug = HypervisorDebug()
    /// Counts of what happened, for `--stats` and tests.
    public internal(set) var statistics = Statistics()

    public struct Statistics: Equatable, Sendable {
        public var hypercalls: UInt64 = 0
        public var foreignSyscalls: UInt64 = 0
        public var exceptions: UInt64 = 0
        public var contextSwitches: UInt64 = 0
        public var kills: UInt64 = 0
    }

    /// A hypervisor over `machine`'s CPU and RAM; the top `hypervisorRegion` bytes of RAM become
    /// kernel memory. Call `boot` (Boot/Bootstrap.swift) next.
    public init(machine: Machine, hypervisorRegion: UInt64 = KernelMemory.defaultSize) throws(Status) {
        cpu = machine.cpu
        ram = machine.ram
        guard let km = KernelMemory(ram: machine.ram, reservingTop: hypervisorRegion) else { throw .badParameter }
        kernelMemory = km
        cpu.hostedKernel = true
    }

    // MARK: - Supervisor

    public func handle(_ exit: CPUExit, machine: Machine) -> SupervisorDecision {
        accountTime()
        switch exit {
        case .syscall:
            guard let ref = currentRef else { return internalError("syscall exit with no current EC") }
            switch ref._withUnsafeGuaranteedRef({ fastForeignSyscall($0) }) {
            case .finished: return .resume
            case .resumeNeeded: break
            case .notTaken: syscallEntry(ref.takeUnretainedValue())
            }
        case .exception(let e):
            guard let ec = current else { return internalError("exception exit with no current EC") }
            exceptionEntry(ec, e)
        case .halt:
            // HLT at CPL 3 is #GP in hosted mode; a halt exit means the CPU ran at CPL 0.
            return internalError("CPU halted in hosted mode")
        case .tripleFault(let e):
            return internalError("triple fault (\(e)) in hosted mode")
        case .budgetExhausted:
            timerEntry()
        case .stopRequested, .breakpoint:
            return .resume
        }
        let decision = resumeUser()
        // A host EC may have ended the run through the exit port while handling this exit.
        if case .stop = decision, let status = machine.stopStatus {
            return .stop(status: status, report: nil)
        }
        return decision
    }

    public func instructionBudget(_ proposed: UInt64, machine: Machine) -> UInt64 {
        var budget = proposed
        if let sc = scheduler.current { budget = min(budget, max(sc.left, 1)) }
        if let d = scheduler.nextDeadline {
            let now = cpu.tsc
            budget = min(budget, d > now ? d - now : 1)
        }
        return budget
    }

    /// Charges the time since the last exit to the running SC.
    func accountTime() {
        let now = cpu.tsc
        if let sc = scheduler.current { sc.charge(now &- lastTSC) }
        lastTSC = now
    }

    func internalError(_ what: String) -> SupervisorDecision {
        .stop(status: ExitStatus.internalError, report: "emu: hypervisor: \(what)")
    }

    @inline(__always)
    func note(_ line: @autoclosure () -> String) {
        if tracing, let trace { trace(line()) }
    }
}
