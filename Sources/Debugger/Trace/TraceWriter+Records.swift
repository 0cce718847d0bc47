// SPDX-License-Identifier: MIT
// Encoders for every record kind of docs/trace-format.md, from the values of TraceRecord.swift.
// The recorder encodes instruction records inline (TraceRecorder+Instructions.swift) in the same
// layout; `write(_:)` is the reference the reader's round-trip tests check.

extension TraceWriter {
    /// Encodes one record. Instruction records use `nextRIP` (the RIP after the previous
    /// instruction record) to leave out a sequential RIP, and update it.
    public func write(_ entry: TraceEntry) {
        switch entry {
        case .instruction(let r): instruction(r)
        case .sync(let index, let rip):
            u8(TraceFormat.Kind.sync.rawValue); u64(index); u64(rip)
            nextRIP = rip
        case .context(let ec):
            u8(TraceFormat.Kind.context.rawValue); u32(ec)
        case .object(let o):
            u8(TraceFormat.Kind.object.rawValue); u32(o.id); u8(o.kind.rawValue); u32(o.pd); string(o.name)
        case .registers(_, let changes):
            u8(TraceFormat.Kind.registers.rawValue)
            registerChanges(changes)
        case .event(let e):
            event(e)
        }
    }

    func instruction(_ r: InstructionRecord) {
        u8(TraceFormat.Kind.instruction.rawValue)
        var flags = (r.cpl & 3) << TraceFormat.InstructionFlag.cplShift | TraceFormat.InstructionFlag.code
        if r.rip != nextRIP { flags |= TraceFormat.InstructionFlag.explicitRIP }
        if !r.memory.isEmpty { flags |= TraceFormat.InstructionFlag.memory }
        if !r.xmm.isEmpty { flags |= TraceFormat.InstructionFlag.xmm }
        if r.faulted { flags |= TraceFormat.InstructionFlag.faulted }
        if !r.ports.isEmpty { flags |= TraceFormat.InstructionFlag.ports }
        u8(flags)
        if r.rip != nextRIP { u64(r.rip) }
        u8(UInt8(r.bytes.count))
        bytes(r.bytes)
        registerChanges(r.registers)
        if !r.xmm.isEmpty {
            var mask: UInt16 = 0
            for x in r.xmm { mask |= 1 << x.register }
            u16(mask)
            for x in r.xmm.sorted(by: { $0.register < $1.register }) { u64(x.low); u64(x.high) }
        }
        if !r.memory.isEmpty {
            varint(UInt64(r.memory.count))
            for m in r.memory {
                if let run = m.run {
                    access(address: m.address, size: Int(m.size), isWrite: m.isWrite, run: true)
                    varint(UInt64(m.count))
                    bytes(run)
                } else {
                    access(address: m.address, size: Int(m.size), isWrite: m.isWrite, run: false)
                    for k in 0..<Int(m.size) { u8(UInt8(truncatingIfNeeded: m.value >> (8 * UInt64(k)))) }
                }
            }
        }
        if !r.ports.isEmpty {
            varint(UInt64(r.ports.count))
            for p in r.ports { u16(p.port); u8(p.size | (p.isWrite ? 0x80 : 0)); u32(p.value) }
        }
        nextRIP = r.rip &+ UInt64(r.bytes.count)
    }

    /// A memory access's header byte and address (docs/trace-format.md); its value or run follows.
    func access(address: UInt64, size: Int, isWrite: Bool, run: Bool) {
        let q = reserve(9)
        commit(TraceWriter.storeAccessHead(at: q, address: address, size: size, isWrite: isWrite, run: run))
    }

    /// A count and the changed registers, each as number and value (docs/trace-format.md).
    func registerChanges(_ changes: [RegisterChange]) {
        u8(UInt8(changes.count))
        for c in changes.sorted(by: { $0.register < $1.register }) {
            let p = reserve(9)
            commit(TraceWriter.storeValue(c.value, header: c.register, at: p))
        }
    }

    func event(_ e: EventRecord) {
        let payload = TraceWriter(header: false)
        payload.u64(e.index); payload.u64(e.hostNanos); payload.u32(e.ec)
        let type: EventType
        switch e.payload {
        case .entry(let cause, let vector, let rip):
            type = .entry; payload.u8(cause); payload.u8(vector); payload.u64(rip)
        case .foreignCheck(let foreign, let nsct):
            type = .foreignCheck; payload.u8(foreign ? 1 : 0); payload.u8(nsct ? 1 : 0)
        case .portalLookup(let selector, let portal, let portalID, let handler, let mtd):
            type = .portalLookup; payload.u64(selector); payload.u32(portal); payload.u64(portalID)
            payload.u32(handler); payload.u64(mtd)
        case .hypercall(let number, let registers, let decoded):
            type = .hypercall; payload.u8(number)
            payload.varint(UInt64(registers.count)); for r in registers { payload.u64(r) }
            payload.string(decoded)
        case .status(let code, let name):
            type = .status; payload.u8(code); payload.string(name)
        case .exception(let vector, let errorCode, let address, let selector):
            type = .exception; payload.u8(vector); payload.u8(errorCode == nil ? 0 : 1)
            payload.u32(errorCode ?? 0); payload.u64(address); payload.u64(selector)
        case .utcbLoad(let handler, let mtd, let words):
            type = .utcbLoad; payload.u32(handler); payload.u64(mtd); payload.words(words)
        case .handlerEntry(let handler, let caller, let portalID):
            type = .handlerEntry; payload.u32(handler); payload.u32(caller); payload.u64(portalID)
        case .dispatch(let name, let number, let arguments, let result, let text):
            type = .dispatch; payload.string(name); payload.u64(number)
            payload.varint(UInt64(arguments.count)); for a in arguments { payload.u64(a) }
            payload.u8(result == nil ? 0 : 1); payload.u64(result ?? 0); payload.string(text)
        case .note(let text):
            type = .note; payload.string(text)
        case .reply(let handler, let caller, let mtd, let words):
            type = .reply; payload.u32(handler); payload.u32(caller); payload.u64(mtd); payload.words(words)
        case .resume(let continuation, let rip):
            type = .resume; payload.u8(continuation); payload.u64(rip)
        case .contextSwitch(let from, let to):
            type = .contextSwitch; payload.u32(from); payload.u32(to)
        case .kill(let reason):
            type = .kill; payload.string(reason)
        case .port(let p):
            type = .port; payload.u16(p.port); payload.u8(p.size | (p.isWrite ? 0x80 : 0)); payload.u32(p.value)
        case .cpuException(let kind, let vector, let errorCode, let address):
            type = .cpuException; payload.u8(kind); payload.u8(vector); payload.u8(errorCode == nil ? 0 : 1)
            payload.u32(errorCode ?? 0); payload.u64(address)
        case .end(let status):
            type = .end; payload.u32(UInt32(bitPattern: status))
        }
        let body = payload.contents
        u8(TraceFormat.Kind.event.rawValue)
        u8(type.rawValue)
        varint(UInt64(body.count))
        bytes(body)
    }

    private func words(_ words: [UTCBWordValue]) {
        varint(UInt64(words.count))
        for w in words { u16(w.offset); u64(w.value) }
    }
}
