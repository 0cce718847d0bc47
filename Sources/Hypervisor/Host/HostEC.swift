// SPDX-License-Identifier: MIT
// Host ECs: execution contexts whose code is Swift instead of guest instructions (docs/hypervisor.md
// "Host ECs"). A local host EC behind a portal gets its message in its UTCB exactly as a guest
// handler would and answers through the same reply path; a global host EC (a roottask written in
// Swift) runs its body when its SC is first scheduled and makes hypercalls through `RootAPI`.

/// How a host EC's handler ends, as a guest handler ends with `reply`.
public enum HostReply: Equatable, Sendable {
    /// `reply`: the answer in the UTCB goes back to the caller.
    case reply
    /// `reply` with an SM selector (in the host EC's PD): the caller blocks on it and its
    /// `call` restarts when the SM is upped.
    case replyBlocking(semaphore: UInt64)
    /// No reply: the caller stays blocked (until it is killed or its PD is torn down); the host
    /// EC is free for the next message.
    case noReply
}

extension Hypervisor {
    /// Ends a host handler's turn the way the `reply` hypercall would.
    func finishHostHandler(_ handler: ExecutionContext, _ outcome: HostReply) {
        switch outcome {
        case .reply:
            handler.state.rdi = 0
            sysReply(handler)
        case .replyBlocking(let sm):
            handler.state.rdi = sm << 12 | UInt64(Hypercall.reply.rawValue)
            sysReply(handler)
        case .noReply:
            if let caller = handler.caller {
                handler.caller = nil
                caller.partner = nil
                // The caller's SC leaves the CPU with it; nothing wakes it but a kill.
                block(caller, .waitingForReply)
            }
            handler.runState = .waitingForCall
            let waiting = handler.waitingSenders
            handler.waitingSenders = []
            for w in waiting { release(w) }
        }
    }

    /// Runs a global host EC's body once, then its SC stops (the body returned: there is
    /// nothing more for it to do).
    func runHostProgram(_ ec: ExecutionContext) {
        if let body = hostPrograms.removeValue(forKey: ObjectIdentifier(ec)) {
            body(RootAPI(hypervisor: self, ec: ec))
        }
        if !ec.isDead, let sc = ec.sc, scheduler.current === sc { descheduleForGood(sc) }
        ec.continuation = .sysret
    }

    /// Makes `ec` a host EC whose messages `handler` answers.
    public func bindHost(_ ec: ExecutionContext, handler: @escaping ExecutionContext.HostHandler) {
        ec.hostHandler = handler
    }
}

/// The hypercalls, for Swift code running as a host EC: each call runs the same handler a
/// guest's `syscall` would, on behalf of that EC, and returns the output registers. Calls that
/// would block (`call`, `reply`, a `sm_ctrl` down without a count) are not available to Swift
/// code, which cannot be suspended: they return COM_ABT, COM_TIM respectively, documented below.
public struct RootAPI {
    public let hypervisor: Hypervisor
    /// The host EC the calls are made for (its PD's object space names the selectors).
    public let ec: ExecutionContext

    /// The API for host EC `ec` (its calls are made as `ec`'s, in `ec`'s PD).
    public init(hypervisor: Hypervisor, ec: ExecutionContext) {
        self.hypervisor = hypervisor
        self.ec = ec
    }

    /// Runs the hypercall in `registers` for the host EC; returns the registers after it
    /// (status in `rdi[7:0]`). `call` and `reply` answer COM_ABT; a down that would block
    /// answers COM_TIM and leaves the SM as it was.
    @discardableResult
    public func hypercall(_ registers: HypercallRegisters) -> HypercallRegisters {
        hypervisor.hostHypercall(ec, registers)
    }

    /// Makes the local EC at `selector` of the host EC's PD a host EC whose messages `handler`
    /// answers (its portals then run Swift code). BAD_CAP if the selector does not name a local
    /// EC of that PD with `pt` permission.
    @discardableResult
    public func bindHost(_ selector: UInt64, handler: @escaping ExecutionContext.HostHandler) -> Status {
        guard let target = ec.pd.objects[selector].validate(ExecutionContext.self, .bindPT), !target.isGlobal,
              target.pd === ec.pd else { return .badCapability }
        hypervisor.bindHost(target, handler: handler)
        return .success
    }

    /// Names the object at `selector` of the host EC's PD for debuggers and traces (gdb's thread
    /// names, `--trace-pd`). An emu extension outside Hedron's ABI, like QEMU's thread names;
    /// guest code cannot reach it. BAD_CAP if the selector is empty.
    @discardableResult
    public func setDebugName(_ selector: UInt64, _ name: String) -> Status {
        guard let object = ec.pd.objects.lookup(selector).object else { return .badCapability }
        object.debugName = name
        return .success
    }

    /// The status of a hypercall's result.
    public static func status(_ r: HypercallRegisters) -> Status { Status(rawValue: r.status) ?? .abort }
}

extension Hypervisor {
    func hostHypercall(_ ec: ExecutionContext, _ r: HypercallRegisters) -> HypercallRegisters {
        let call = Hypercall(rawValue: UInt8(truncatingIfNeeded: r.rdi))
        if call == .call || call == .reply {
            var out = r
            out.rdi = UInt64(Status.abort.rawValue)
            return out
        }
        if call == .smCtrl {
            let a = SMCtrlArguments(r)
            if a.operation == .down, let sm = ec.pd.objects[a.sm].validate(Semaphore.self, .down), !sm.isSignal,
               sm.counter == 0 {
                var out = r
                out.rdi = UInt64(Status.timeout.rawValue)
                return out
            }
        }
        ec.state.rdi = r.rdi; ec.state.rsi = r.rsi; ec.state.rdx = r.rdx; ec.state.rax = r.rax; ec.state.r8 = r.r8
        statistics.hypercalls += 1
        hypercall(ec)
        return registers(ec)
    }
}
