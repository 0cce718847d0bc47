// SPDX-License-Identifier: MIT
// The gdb stub bound to the hosted hypervisor: a Supervisor wrapped around the Hypervisor, so the
// debugger sees every CPU exit before the hypervisor does (a `syscall` before it is forwarded)
// and decides between two `CPU.run` calls whether the machine stops. Stops are served at the
// start of a run (`instructionBudget`), where the current EC's registers are in the CPU; only a
// syscall-entry stop is served inside `handle`, before the hypervisor forwards the call. With no
// gdb connected it forwards everything and only polls for a connection.
import CPUCore
import Hypervisor
import Machine
import MMU

public final class GDBSession: Supervisor {
    let listener: GDBListener
    /// Stop before the first instruction until gdb connects (`--wait-gdb`).
    var waitForGDB: Bool
    var hypervisor: Hypervisor!
    unowned var machine: Machine!
    var stub: GDBStub?
    /// gdb detached: no more stops, no new connection.
    var detached = false
    /// gdb killed the target; the run ends with status 137 (128 + SIGKILL).
    public private(set) var killed = false

    var threads = ThreadTable()
    var watchpoints = Watchpoints()
    var softwareBreakpoints = Set<UInt64>()
    var hardwareBreakpoints = Set<UInt64>()
    var syscallCatch = SyscallCatch.none
    /// Linux's orig_rax per EC: the number of the syscall it is in or just returned from.
    var origRAX: [ObjectIdentifier: UInt64] = [:]
    /// ECs inside a syscall whose return gdb will want to see (caught, or stepped over).
    var awaitingReturn: [ObjectIdentifier: UInt64] = [:]
    /// The EC stopped at a syscall entry: gdb sees RAX = -ENOSYS, as Linux shows it there.
    var entryStop: ExecutionContext?
    /// A stop to report before the next run.
    var pendingStop: StopEvent?
    /// The EC being single-stepped, and whether its step has retired an instruction yet.
    var stepping: ExecutionContext?
    var stepProgress = false
    /// `monitor hv-step`: narrate the hypervisor's events of a stepped syscall; the narration
    /// of the step under way.
    var hvStep = false
    var narration: HVStepNarration?
    /// ^C came while a free run had stopped inside a block with stale flags: the instructions
    /// still to run one by one before the SIGINT stop (CPU.instructionsToFlagsLive).
    var interruptRest = 0
    var interruptRequested = false
    /// A hold (vCont naming one thread) has the EC in the CPU switched away before it runs.
    var yieldHeld = false
    var trace: HypervisorTraceHook!
    /// `monitor trace on|off`; the default sends the hypervisor's trace lines to stderr.
    var traceControl: TraceControl?
    var instretAtRun: UInt64 = 0
    /// Longest run between two looks at the connection (^C, a new gdb) while running free.
    static let pollInterval: UInt64 = 1_000_000

    /// Listens on 127.0.0.1:`port` (0: any free port, see `port`).
    public init(port: UInt16, waitForGDB: Bool, traceControl: TraceControl? = nil) throws(GDBListener.Failure) {
        listener = try GDBListener(port: port)
        self.waitForGDB = waitForGDB
        self.traceControl = traceControl
    }

    /// The port gdb connects to.
    public var port: UInt16 { listener.port }

    /// Puts the session between `machine` and `hypervisor`; call before `machine.run()`.
    public func attach(machine: Machine, hypervisor: Hypervisor) {
        self.machine = machine
        self.hypervisor = hypervisor
        trace = HypervisorTraceHook(hypervisor: hypervisor)
        if traceControl == nil { traceControl = StderrTraceControl(hook: trace) }
        machine.supervisor = self
    }

    var cpu: CPU { machine.cpu }

    // MARK: - Supervisor

    public func instructionBudget(_ proposed: UInt64, machine: Machine) -> UInt64 {
        var budget = hypervisor.instructionBudget(proposed, machine: machine)
        if stub == nil {
            if !detached, let c = listener.accept(wait: waitForGDB) {
                stub = GDBStub(connection: c, target: self)
                // gdb asks `?` first; the target is stopped where it is.
                serve(StopEvent(thread: currentThread), announce: false)
            }
            waitForGDB = false
        } else if let stop = pendingStop {
            pendingStop = nil
            serve(stop, announce: true)
        } else if interruptRequested {
            interruptRequested = false
            serve(StopEvent(signal: StopEvent.sigint, thread: currentThread), announce: true)
        } else if let s = stub, s.connection.hasInput() {
            // While running gdb sends nothing but ^C (all-stop mode, §E.9 "Interrupts").
            var interrupted = false
            while s.connection.hasInput(), case .byte(let b) = s.connection.readByte(timeout: 0) {
                if b == Packet.interrupt { interrupted = true }
            }
            if s.connection.isClosed {
                detach()
            } else if interrupted {
                stepping = nil
                // Stop where every register is architectural: finish the block one instruction
                // at a time if the run stopped inside it after an instruction that skipped its flags.
                interruptRest = cpu.instructionsToFlagsLive
                if interruptRest > 0 {
                    interruptRequested = true
                } else {
                    serve(StopEvent(signal: StopEvent.sigint, thread: currentThread), announce: true)
                }
            }
        }
        if stub != nil {
            let oneByOne = (stepping != nil && stepping === hypervisor.current) || !watchpoints.isEmpty || interruptRest > 0
            if cpu.singleStep != oneByOne { cpu.singleStep = oneByOne }
            // The rest of an interrupted block runs past the time slice: a few instructions.
            budget = interruptRest > 0 ? min(proposed, UInt64(interruptRest)) : oneByOne ? 1 : min(budget, GDBSession.pollInterval)
            interruptRest = 0
            // A held EC in the CPU runs nothing: it is switched away (`handle(.stopRequested)`).
            if let alone = hypervisor.debugHeldRunner, let c = hypervisor.current, c !== alone, !c.isHost {
                yieldHeld = true
                cpu.stopRequested = true
            }
        }
        instretAtRun = cpu.instret
        return budget
    }

    public func handle(_ exit: CPUExit, machine: Machine) -> SupervisorDecision {
        guard stub != nil else { return hypervisor.handle(exit, machine: machine) }
        let before = hypervisor.current
        let ripBefore = cpu.rip
        var syscall: UInt64?
        // orig_rax is the syscall number only at a stop in or right after a syscall; an EC that
        // ran user instructions since shows -1, as Linux's pt_regs of an exception entry do.
        if let ec = before, exit != .syscall, cpu.instret > instretAtRun { origRAX[ObjectIdentifier(ec)] = nil }
        switch exit {
        case .stopRequested where yieldHeld:
            // As if its time slice ended, with a reschedule due: the scheduler sets it aside.
            yieldHeld = false
            hypervisor.debugHold(allBut: hypervisor.debugHeldRunner)
            return hypervisor.handle(.budgetExhausted, machine: machine)
        case .exception(let e):
            if let ec = before, let linux = hypervisor.debugSignal(of: ec, for: e) {
                // The roottask will turn it into a signal: stop first, as a ptraced thread stops
                // before a signal is delivered (ptrace(2) "Signal-delivery-stop"); gdb decides.
                let signal = GDBSignal.fromLinux(linux)
                if stepping === ec { stepping = nil }
                let passed = serve(StopEvent(signal: signal, thread: threadID(ec)), announce: true)
                if killed { return killedDecision }
                // Not passed (`signal 0`, `handle nopass`): the faulting instruction runs again,
                // after a trap (int3) the next one. Another signal in its place is not supported.
                if passed != signal {
                    if passed != 0 {
                        FileOutput.standardError("emu: gdb: signal \(passed) in place of signal \(signal) is not supported; the fault is discarded\n")
                    }
                    return .resume
                }
            }
        case .breakpoint:
            if let ec = before {
                let kind: StopEvent.Reason = softwareBreakpoints.contains(cpu.rip) ? .softwareBreakpoint : .hardwareBreakpoint
                pendingStop = StopEvent(thread: threadID(ec), reason: kind)
                if stepping === ec { stepping = nil }
            }
            return hypervisor.handle(exit, machine: machine)
        case .syscall:
            if let ec = before, ec.pd.isForeign, !ec.utcb.nsct {
                let nr = cpu.regs[Reg.rax]
                syscall = nr
                origRAX[ObjectIdentifier(ec)] = nr
                if stepping === ec { stepProgress = true }
                if syscallCatch.contains(nr) {
                    entryStop = ec
                    serve(StopEvent(thread: threadID(ec), reason: .syscallEntry(nr)), announce: true)
                    entryStop = nil
                    if killed { return killedDecision }
                    if stepping === ec { stepProgress = true }
                }
                if hvStep, stepping === ec, narration == nil {
                    narration = HVStepNarration(hypervisor: hypervisor, cpu: cpu)
                }
            }
        default:
            break
        }
        let decision = hypervisor.handle(exit, machine: machine)
        guard case .resume = decision, stub != nil else { return decision }
        afterExit(exit, before: before, ripBefore: ripBefore, syscall: syscall)
        return decision
    }

    /// Works out, after the hypervisor handled an exit, whether the machine must stop before the
    /// next run: a watchpoint hit by the instruction just run, a caught syscall's return, the end
    /// of a step.
    func afterExit(_ exit: CPUExit, before: ExecutionContext?, ripBefore: UInt64, syscall: UInt64?) {
        if !watchpoints.isEmpty {
            let accesses = machine.mmu.observedAccesses
            machine.mmu.observed.removeAll()
            if let b = before, pendingStop == nil, let reason = watchpoints.hit(accesses, in: b.pd) {
                pendingStop = StopEvent(thread: threadID(b), reason: reason)
                stepping = nil
            }
        }
        if let nr = syscall, let b = before, syscallCatch.contains(nr) || stepping === b {
            awaitingReturn[ObjectIdentifier(b)] = nr
        }
        guard let current = hypervisor.current else { return }
        // Back in user mode after a syscall: Linux's syscall-exit stop, with the result in RAX.
        if let nr = awaitingReturn.removeValue(forKey: ObjectIdentifier(current)), syscallCatch.contains(nr),
           pendingStop == nil {
            pendingStop = StopEvent(thread: threadID(current), reason: .syscallReturn(nr))
            stepping = nil
        }
        guard let s = stepping else { return }
        if before === s {
            switch exit {
            case .budgetExhausted: if cpu.instret > instretAtRun { stepProgress = true }
            // A fault the roottask resolved restarts the instruction; one that sent the EC
            // elsewhere (a signal handler) ends the step there.
            case .exception: if current === s && cpu.rip != ripBefore { stepProgress = true }
            default: break
            }
        }
        if s.isDead {
            stepping = nil
            pendingStop = pendingStop ?? StopEvent(thread: threadID(current))
        } else if stepProgress && current === s {
            stepping = nil
            pendingStop = pendingStop ?? StopEvent(thread: threadID(s))
        }
    }

    var killedDecision: SupervisorDecision { .stop(status: 128 + 9, report: "emu: killed by gdb") }

    /// The thread ID of `ec`; numbers every EC created so far first, so IDs follow creation order.
    func threadID(_ ec: ExecutionContext) -> Int {
        if !threads.knows(ec) { _ = threads.live(in: hypervisor) }
        return threads.id(of: ec)
    }

    /// The thread in the CPU (the first thread if none is).
    var currentThread: Int {
        if let ec = hypervisor.current { return threadID(ec) }
        return threads.live(in: hypervisor).first?.id ?? 1
    }

    // MARK: - Stopping and resuming

    /// Serves gdb at `stop`, then applies what it asked for. Returns the signal gdb passes to
    /// the stopped thread (gdb's numbering; 0 none): a detach passes the stop's own.
    @discardableResult
    func serve(_ stop: StopEvent, announce: Bool) -> UInt8 {
        guard let s = stub else { return stop.signal }
        if let n = narration {
            // hv-step: the stepped syscall's path, before the stop it ends with.
            narration = nil
            for line in n.finish() { s.console(line + "\n") }
        }
        switch s.serve(stop: stop, announce: announce) {
        case .continue(let signal, let only):
            stepping = nil
            hold(only.flatMap { threads.ec($0) })
            return signal
        case .step(let thread, let signal, let othersRun):
            stepping = threads.ec(thread) ?? hypervisor.current
            stepProgress = false
            hold(othersRun ? nil : stepping)
            return signal
        case .detach:
            detach()
            return stop.signal
        case .kill:
            killed = true
            stepping = nil
            hold(nil)
            machine.requestStop(status: 128 + 9)
            return 0
        }
    }

    /// Lets only `ec` run (all-stop mode: the threads no vCont action names stay stopped), or all.
    func hold(_ ec: ExecutionContext?) {
        if ec != nil || hypervisor.debugHeldRunner != nil { hypervisor.debugHold(allBut: ec) }
    }

    /// Forgets gdb: breakpoints, watchpoints and catchpoints go; the run goes on.
    func detach() {
        stub?.connection.close()
        stub = nil
        detached = true
        stepping = nil
        pendingStop = nil
        softwareBreakpoints = []
        hardwareBreakpoints = []
        cpu.breakpoints = []
        watchpoints = Watchpoints()
        machine.mmu.observing = false
        syscallCatch = .none
        cpu.singleStep = false
        _ = narration?.finish()
        narration = nil
        hold(nil)
    }

    /// The run ended with `result`: tells gdb if it is waiting for the target (`W`), and lets it
    /// go. Call after `machine.run()` returns.
    public func finish(_ result: RunResult) {
        guard let s = stub, !killed else { return }
        if let n = narration {
            narration = nil
            for line in n.finish() { s.console(line + "\n") }
        }
        // Killed by a signal: `X` (gdb prints "Program terminated with signal …"), else `W`.
        let signal = hypervisor.debug.endSignal.flatMap { result.status == 128 + $0 ? GDBSignal.fromLinux($0) : nil }
        s.sendExit(status: result.status, signal: signal)
        stub = nil
    }
}
