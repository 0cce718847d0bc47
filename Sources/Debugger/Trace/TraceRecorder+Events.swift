// SPDX-License-Identifier: MIT
// The event half of the recorder: hypervisor steps (Hypervisor/Trace/HypervisorEvent.swift) become
// event records with trace object IDs and host time; `--trace-pd` and `--trace-syscall` decide
// here which stretches reach the file.
import Hypervisor

extension TraceRecorder {
    public func hypervisorEvent(_ event: HypervisorEvent) {
        fast = false
        // The CPU left user mode: the instruction announced last is complete (or, a REP stopped
        // mid-way, counts as not retired and is announced again when it resumes).
        if hasPending { finishPending(retired: !yielded) }
        yielded = false
        if !options.instructions { count = cpu.instret }
        if !active && !closed { updateActive() }
        let wasActive = active
        switch event {
        case .resume(let ec, _, _), .contextSwitch(_, let ec):
            currentEC = id(ec)
            if let name = options.pd { pdMatch = ec.pd.debugName == name }
            if !closed { updateActive() }
            if active { writeContext() }
        default: break
        }
        switch event {
        case .entry: inKernel = true
        case .resume(let ec, _, _): actingEC = id(ec); inKernel = false
        case .handlerEntry(let handler, _, _): actingEC = id(handler)
        case .reply(_, let caller, _, _): actingEC = id(caller)
        default: break
        }
        let (ec, payload) = translate(event)
        if !closed { writeEvent(ec: ec, payload, force: wasActive) }
        switch event {
        case .host(_, .dispatch(let name, _, _, _, _)) where name == options.syscall && active:
            matched()
        case .resume:
            // The CPU now holds the resumed EC's registers: what the kernel changed is recorded
            // before its next instruction.
            if active && options.instructions { refreshSnapshot() }
            if matchResumePending { matchResumePending = false; if afterMatch == 0 { endMatch() } }
        default: break
        }
    }

    /// Writes an event record if recording is on (or `force`).
    func writeEvent(ec: UInt32, _ payload: EventPayload, force: Bool = false) {
        guard active || force else { return }
        out.write(.event(EventRecord(index: count, hostNanos: hostNanos, ec: ec, payload: payload)))
    }

    /// The record of a hypervisor event: the EC it concerns and the payload.
    func translate(_ event: HypervisorEvent) -> (UInt32, EventPayload) {
        switch event {
        case .entry(let ec, let cause, let rip):
            switch cause {
            case .syscall: return (id(ec), .entry(cause: 0, vector: 0, rip: rip))
            case .exception(let e): return (id(ec), .entry(cause: 1, vector: e.vector, rip: rip))
            case .timer: return (id(ec), .entry(cause: 2, vector: 0, rip: rip))
            }
        case .foreignCheck(let ec, let foreign, let nsct):
            return (id(ec), .foreignCheck(foreign: foreign, nsct: nsct))
        case .portalLookup(let ec, let selector, let portal):
            return (id(ec), .portalLookup(selector: selector, portal: id(portal), portalID: portal?.id ?? 0,
                                          handler: id(portal?.ec), mtd: portal?.mtd.rawValue ?? 0))
        case .hypercall(let ec, let call, let r):
            return (id(ec), .hypercall(number: UInt8(truncatingIfNeeded: r.rdi), registers: [r.rdi, r.rsi, r.rdx, r.rax, r.r8],
                                       decoded: HypercallText.describe(call, r)))
        case .status(let ec, let s):
            return (id(ec), .status(code: s.rawValue, name: s.name))
        case .exception(let ec, let e, let selector):
            return (id(ec), .exception(vector: e.vector, errorCode: e.errorCode, address: e.address, selector: selector))
        case .utcbLoad(let handler, let mtd, let words):
            return (id(handler), .utcbLoad(handler: id(handler), mtd: mtd.rawValue, words: words.map(value)))
        case .handlerEntry(let handler, let caller, let portal):
            return (id(handler), .handlerEntry(handler: id(handler), caller: id(caller), portalID: portal.id))
        // A host EC's report comes through its PD's RootAPI, whose EC may be the root EC: the
        // EC whose handler is running is the one doing the work.
        case .host(let ec, .dispatch(let name, let number, let arguments, let result, let text)):
            return (inKernel && actingEC != 0 ? actingEC : id(ec),
                    .dispatch(name: name, number: number, arguments: arguments, result: result, text: text ?? ""))
        case .host(let ec, .note(let text)):
            return (inKernel && actingEC != 0 ? actingEC : id(ec), .note(text))
        case .reply(let handler, let caller, let mtd, let words):
            return (id(handler), .reply(handler: id(handler), caller: id(caller), mtd: mtd.rawValue, words: words.map(value)))
        case .resume(let ec, let continuation, let rip):
            return (id(ec), .resume(continuation: TraceRecorder.code(continuation), rip: rip))
        case .contextSwitch(let from, let to):
            return (id(to), .contextSwitch(from: id(from), to: id(to)))
        case .kill(let ec, let reason):
            return (id(ec), .kill(reason: reason))
        }
    }

    func value(_ w: UTCBWord) -> UTCBWordValue { UTCBWordValue(offset: w.offset, value: w.value) }

    /// Continuations as stored: 0 sysret, 1 iret, 2 restart call, 3 resend, 4 startup, 5 dead.
    static func code(_ c: ExecutionContext.Continuation) -> UInt8 {
        switch c {
        case .sysret: 0
        case .iret: 1
        case .restartCall: 2
        case .resend: 3
        case .startup: 4
        case .dead: 5
        }
    }

    // MARK: - --trace-syscall

    /// A dispatch matched: the held records (the last `context` instructions and the path so far)
    /// go to the file, and recording continues there until `context` instructions after the resume.
    func matched() {
        if let h = held {
            let bytes = h.contents
            let from = marks.first
            if let m = from {
                file.write(.sync(index: m.index, rip: m.rip))
                file.write(.context(ec: m.ec))
                file.bytes(Array(bytes[m.offset...]))
            } else {
                file.write(.sync(index: count, rip: h.nextRIP == .max ? 0 : h.nextRIP))
                file.bytes(bytes)
            }
            file.nextRIP = h.nextRIP
            held = nil
            marks.removeAll()
        }
        writtenContext = currentEC
        // The held records carried their bytes: the reader's table changed under the tags.
        newCodeEpoch()
        afterMatch = options.context
        matchResumePending = true
    }

    /// The stretch after a match is recorded: records are held again.
    func endMatch() {
        afterMatch = nil
        held = TraceWriter(header: false)
        writtenContext = .max
        out.write(.sync(index: count, rip: cpu.rip))
    }

    /// Keeps at most the last `context` instructions (and what follows them) held.
    func trimHeld() {
        guard let h = held, marks.count >= 2 * max(options.context, 1) else { return }
        let keep = marks.count - max(options.context, 1)
        let cut = marks[keep].offset
        let bytes = h.contents
        let next = h.nextRIP
        h.reset()
        h.bytes(Array(bytes[cut...]))
        h.nextRIP = next
        marks.removeFirst(keep)
        for k in marks.indices { marks[k].offset -= cut }
    }
}
