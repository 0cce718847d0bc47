// SPDX-License-Identifier: MIT
// IPC: `call`, `reply`, kernel-initiated exception-style messages and `Ec::die`.
// Hedron: src/syscall.cpp (`Ec::send_msg`, `Ec::sys_call`, `Ec::recv_kern`, `Ec::recv_user`,
// `Ec::reply`, `Ec::sys_reply`), src/ec.cpp (`Ec::die`); digest §1.4, §2.5–§2.8.
//
// A call donates the caller's SC: the callee becomes the end of the SC's partner chain and runs
// on it until it replies. A host EC's handler runs synchronously inside the call.

extension Hypervisor {
    // MARK: - Kernel-initiated messages (`send_msg<ret_user_iret>`)

    /// Sends `ec`'s state as an exception-style message to the portal at `selector` in its PD
    /// (exceptions, startup, recall, foreign syscalls). No portal: the EC dies ("PT not found").
    func sendMessage(_ ec: ExecutionContext, portal selector: UInt64) {
        let found = ec.pd.objects[selector].validate(Portal.self)
        emit(.portalLookup(ec: ec, selector: selector, portal: found))
        guard let pt = found else {
            kill(ec, reason: "PT not found (selector 0x\(String(selector, radix: 16)))")
            return
        }
        let handler = pt.ec
        guard handler.cpu == ec.cpu else { kill(ec, reason: "PT wrong CPU"); return }
        ec.continuation = .iret
        guard handler.isWaitingForCall else {
            ec.messagePortal = selector
            waitForHandler(ec, handler, restart: .resend)
            return
        }
        ec.partner = handler
        handler.caller = ec
        ec.runState = .waitingForReply
        // `recv_kern`: the MTD-selected registers into the handler's UTCB.
        // MTD FPU lends the caller's x87/SSE state to the handler; a host EC reaches it in
        // place (RootAPI+FPU.swift), so nothing moves.
        let lendsFPU = handler.utcb.loadExc(from: ec.state, mtd: pt.mtd)
        if handler.isHost {
            handler.fpuLender = lendsFPU ? Unmanaged.passUnretained(ec) : nil
        } else if lendsFPU {
            transferFPU(ec, handler)
        }
        emit(.utcbLoad(handler: handler, mtd: pt.mtd, words: utcbWords(handler.utcb, mtd: pt.mtd)))
        note("ipc: message to portal 0x\(String(selector, radix: 16)) id=0x\(String(pt.id, radix: 16)) mtd=0x\(String(pt.mtd.rawValue, radix: 16))")
        enter(handler, through: pt, caller: ec)
    }

    // MARK: - call

    /// `sys_call`: the caller's untyped words and typed items go to the handler of the portal
    /// ARG1`[63:12]`; BAD_CAP if that is not a portal (its `call` permission is not checked,
    /// README fact 7), BAD_CPU for another CPU's, COM_TIM for a busy handler with
    /// `DISABLE_BLOCKING`.
    func sysCall(_ ec: ExecutionContext) {
        let a = CallArguments(registers(ec))
        let found = ec.pd.objects[a.portal].validate(Portal.self)
        emit(.portalLookup(ec: ec, selector: a.portal, portal: found))
        guard let pt = found else { finish(ec, .badCapability); return }
        let handler = pt.ec
        guard handler.cpu == ec.cpu else { finish(ec, .badCPU); return }
        guard handler.isWaitingForCall else {
            if a.nonBlocking { finish(ec, .timeout); return }
            waitForHandler(ec, handler, restart: .restartCall)
            return
        }
        ec.continuation = .sysret
        ec.partner = handler
        handler.caller = ec
        ec.runState = .waitingForReply
        // `recv_user`: `Utcb::save`, then the typed items (`delegate<true>`).
        ec.utcb.copyUntyped(to: handler.utcb)
        if ec.utcb.typedCount != 0 { transferItems(from: ec, to: handler, intoCallee: true) }
        emit(.utcbLoad(handler: handler, mtd: [], words: untypedWords(handler.utcb, count: handler.utcb.transferredUntyped)))
        note("ipc: call portal 0x\(String(a.portal, radix: 16)) id=0x\(String(pt.id, radix: 16))")
        enter(handler, through: pt, caller: ec)
    }

    /// Starts `handler` at the portal's entry: rdi = portal ID, RIP = the portal's IP, RSP = the
    /// handler's RSP when it last replied (sysret-style, `ret_user_sysexit`). A host EC's
    /// handler runs now.
    func enter(_ handler: ExecutionContext, through pt: Portal, caller: ExecutionContext) {
        emit(.handlerEntry(handler: handler, caller: caller, portal: pt))
        handler.state.rdi = pt.id
        handler.state.rcx = pt.ip
        handler.continuation = .sysret
        handler.runState = .running
        if let body = handler.hostHandler {
            let outcome = body(handler, pt.id)
            handler.fpuLender = nil
            finishHostHandler(handler, outcome)
        }
    }

    /// A busy handler: `ec` waits (Hedron helps the handler; emu queues the sender) and its IPC
    /// restarts when the handler replies.
    func waitForHandler(_ ec: ExecutionContext, _ handler: ExecutionContext, restart: ExecutionContext.Continuation) {
        ec.continuation = restart
        handler.waitingSenders.append(ec)
        block(ec, .waitingForReply)
    }

    // MARK: - reply

    /// `sys_reply`: the reply goes back to the caller, by `Utcb::save` to a caller in `call`
    /// or by `save_exc` to one that sent an exception-style message. With an SM (ARG1`[63:12]`)
    /// a caller in `call` blocks on it and restarts its call when it is upped (README fact 10).
    func sysReply(_ handler: ExecutionContext) {
        var sm: Semaphore?
        if let caller = handler.caller {
            let sel = ReplyArguments(registers(handler)).semaphore
            if sel != 0 {
                sm = handler.pd.objects[sel].validate(Semaphore.self)
                if sm != nil && caller.continuation == .sysret { caller.continuation = .restartCall }
            }
            if handler.utcb.typedCount != 0 { transferItems(from: handler, to: caller, intoCallee: false) }
            var fpu = false
            emit(.reply(handler: handler, caller: caller, mtd: caller.continuation == .iret ? handler.utcb.mtd : [],
                        words: caller.continuation == .iret ? utcbWords(handler.utcb, mtd: handler.utcb.mtd)
                            : untypedWords(handler.utcb, count: handler.utcb.transferredUntyped)))
            if caller.continuation == .sysret {
                handler.utcb.copyUntyped(to: caller.utcb)
            } else if caller.continuation == .iret {
                fpu = handler.utcb.saveExc(into: &caller.state)
            }
            if fpu && !handler.isHost { transferFPU(handler, caller) }
        }
        reply(handler, semaphore: sm)
    }

    /// `Ec::reply`: the handler waits for its next call (a global EC's SC stops for good,
    /// README fact 20) and its caller resumes, or blocks on `semaphore`.
    func reply(_ handler: ExecutionContext, semaphore: Semaphore?) {
        handler.continuation = .sysret
        if handler.isGlobal {
            if let sc = handler.sc { descheduleForGood(sc) }
            return
        }
        handler.runState = .waitingForCall
        if !handler.waitingSenders.isEmpty {
            let waiting = handler.waitingSenders
            handler.waitingSenders = []
            for w in waiting { release(w) }
        }
        guard let caller = handler.caller else { return }
        handler.caller = nil
        caller.partner = nil
        caller.runState = .running
        note("ipc: reply to \(caller.continuation == .iret ? "exception" : "call")")
        if let sm = semaphore {
            caller.deadline = 0
            if !sm.tryDown() {
                sm.enqueue(caller)
                block(caller, .blockedOnSemaphore(sm, deadline: 0))
            }
        }
    }

    // MARK: - Blocking and waking

    /// `ec` (the end of the running SC's chain) blocks: the SC leaves the CPU and comes back
    /// when `ec` is released.
    func block(_ ec: ExecutionContext, _ state: ExecutionContext.RunState) {
        ec.runState = state
        if let sc = scheduler.current {
            ec.blockedSC = sc
            scheduler.current = nil
        }
    }

    /// `Ec::release`: `ec` can run again; the SC it blocked on is enqueued (and may preempt).
    func release(_ ec: ExecutionContext) {
        guard !ec.isDead else { return }
        ec.runState = .ready
        scheduler.removeTimeout(ec)
        if let sc = ec.blockedSC {
            ec.blockedSC = nil
            scheduler.enqueue(sc)
        }
    }

    /// Removes `sc` from scheduling for good.
    func descheduleForGood(_ sc: SchedulingContext) {
        if scheduler.current === sc { scheduler.current = nil } else { scheduler.dequeue(sc) }
    }

    // MARK: - Ec::die

    /// `Ec::die`: `ec` never runs again and the kill is reported. A caller waiting in `call` gets
    /// COM_ABT; one that sent an exception-style message dies too ("IPC Abort"). A global EC's
    /// SC stops.
    func kill(_ ec: ExecutionContext, reason: String) {
        guard !ec.isDead else { return }
        statistics.kills += 1
        emit(.kill(ec: ec, reason: reason))
        log("emu: hypervisor: killed EC (\(ec.isGlobal ? "global" : "local"), event base 0x\(String(ec.eventBase, radix: 16))) at RIP 0x\(String(ec.state.rip, radix: 16)): \(reason)")
        note("kill: \(reason)")
        if case .blockedOnSemaphore(let sm, _) = ec.runState { sm.remove(ec) }
        ec.kill(reason: reason)
        scheduler.removeTimeout(ec)
        if let sc = ec.sc { descheduleForGood(sc) }
        if let partner = ec.partner {
            partner.caller = nil
            ec.partner = nil
        }
        if let caller = ec.caller {
            ec.caller = nil
            caller.partner = nil
            if caller.continuation == .sysret || caller.continuation == .restartCall {
                caller.state.rdi = UInt64(Status.abort.rawValue)
                caller.continuation = .sysret
                caller.runState = .running
            } else {
                kill(caller, reason: "IPC Abort")
            }
        }
    }
}
