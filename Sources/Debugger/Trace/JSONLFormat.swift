// SPDX-License-Identifier: MIT
// `emu trace show --format jsonl`: one JSON object per record (JSON Lines), for scripts. Numbers
// that are addresses or register values are hex strings; counts are JSON numbers.

public struct JSONLFormat {
    let doc: TraceDocument
    let disassembler: Disassembler

    public init(document: TraceDocument, disassembler: Disassembler) {
        doc = document
        self.disassembler = disassembler
    }

    /// The line for entry `k` (nil for records that print nothing).
    public func line(_ k: Int) -> String? {
        let owner = doc.owners[k]
        switch doc.entries[k] {
        case .instruction(let r):
            var f = ["\"type\":\"instruction\"", "\"index\":\(r.index)", "\"rip\":\(JSON.hex(r.rip))", "\"cpl\":\(r.cpl)"]
            f += who(owner)
            f.append("\"bytes\":\"\(r.bytes.map(hex2).joined())\"")
            f.append("\"asm\":\"\(JSON.escape(disassembler.text(r.bytes, at: r.rip)))\"")
            f.append("\"regs\":" + registers(r.registers))
            if !r.xmm.isEmpty {
                f.append("\"xmm\":{" + r.xmm.map { "\"xmm\($0.register)\":\"0x\(hex16($0.high))\(hex16($0.low))\"" }.joined(separator: ",") + "}")
            }
            if !r.memory.isEmpty {
                f.append("\"mem\":[" + r.memory.map {
                    "{\"op\":\"\($0.isWrite ? "w" : "r")\",\"addr\":\(JSON.hex($0.address)),\"size\":\($0.size),\"value\":\(JSON.hex($0.value))}"
                }.joined(separator: ",") + "]")
            }
            if !r.ports.isEmpty { f.append("\"ports\":[" + r.ports.map(port).joined(separator: ",") + "]") }
            if r.faulted { f.append("\"faulted\":true") }
            return "{" + f.joined(separator: ",") + "}"
        case .registers(let index, let changes):
            return "{\"type\":\"registers\",\"index\":\(index)," + who(owner).joined(separator: ",") + ",\"regs\":" + registers(changes) + "}"
        case .event(let e):
            var f = ["\"type\":\"event\"", "\"index\":\(e.index)", "\"host_ns\":\(e.hostNanos)"] + who(e.ec)
            f += fields(e.payload)
            return "{" + f.joined(separator: ",") + "}"
        default:
            return nil
        }
    }

    func who(_ ec: UInt32) -> [String] {
        let (pd, name) = doc.names(ec)
        return ["\"pd\":\"\(JSON.escape(pd))\"", "\"ec\":\"\(JSON.escape(name))\""]
    }

    func registers(_ changes: [RegisterChange]) -> String {
        "{" + changes.map { "\"\($0.name)\":\(JSON.hex($0.value))" }.joined(separator: ",") + "}"
    }

    func port(_ p: PortAccess) -> String {
        "{\"op\":\"\(p.isWrite ? "out" : "in")\",\"port\":\(JSON.hex(UInt64(p.port))),\"size\":\(p.size),\"value\":\(JSON.hex(UInt64(p.value)))}"
    }

    func words(_ w: [UTCBWordValue]) -> String {
        "[" + w.map { "{\"offset\":\(JSON.hex(UInt64($0.offset))),\"value\":\(JSON.hex($0.value))}" }.joined(separator: ",") + "]"
    }

    func name(_ id: UInt32) -> String { "\"\(JSON.escape(doc.label(id)))\"" }

    /// The event's name and fields.
    func fields(_ p: EventPayload) -> [String] {
        switch p {
        case .entry(let cause, let vector, let rip):
            return ["\"event\":\"entry\"", "\"cause\":\"\(["syscall", "exception", "timer"][Int(min(cause, 2))])\"",
                    "\"vector\":\(vector)", "\"rip\":\(JSON.hex(rip))"]
        case .foreignCheck(let foreign, let nsct):
            return ["\"event\":\"foreign_check\"", "\"foreign\":\(foreign)", "\"nsct\":\(nsct)", "\"forward\":\(foreign && !nsct)"]
        case .portalLookup(let selector, let portal, let portalID, let handler, let mtd):
            return ["\"event\":\"portal_lookup\"", "\"selector\":\(JSON.hex(selector))", "\"found\":\(portal != 0)",
                    "\"portal_id\":\(JSON.hex(portalID))", "\"handler\":\(name(handler))", "\"mtd\":\(JSON.hex(mtd))"]
        case .hypercall(let number, let registers, let decoded):
            return ["\"event\":\"hypercall\"", "\"number\":\(number)", "\"args\":[" + registers.map(JSON.hex).joined(separator: ",") + "]",
                    "\"decoded\":\"\(JSON.escape(decoded))\""]
        case .status(let code, let n):
            return ["\"event\":\"status\"", "\"code\":\(code)", "\"name\":\"\(n)\""]
        case .exception(let vector, let code, let address, let selector):
            return ["\"event\":\"exception\"", "\"vector\":\(vector)", "\"error\":\(code.map { String($0) } ?? "null")",
                    "\"address\":\(JSON.hex(address))", "\"selector\":\(JSON.hex(selector))"]
        case .utcbLoad(let handler, let mtd, let w):
            return ["\"event\":\"utcb_load\"", "\"handler\":\(name(handler))", "\"mtd\":\(JSON.hex(mtd))", "\"words\":" + words(w)]
        case .handlerEntry(let handler, let caller, let portalID):
            return ["\"event\":\"handler_entry\"", "\"handler\":\(name(handler))", "\"caller\":\(name(caller))", "\"portal_id\":\(JSON.hex(portalID))"]
        case .dispatch(let n, let number, let arguments, let result, let text):
            return ["\"event\":\"dispatch\"", "\"name\":\"\(JSON.escape(n))\"", "\"number\":\(number)",
                    "\"args\":[" + arguments.map(JSON.hex).joined(separator: ",") + "]",
                    "\"result\":\(result.map(JSON.hex) ?? "null")", "\"text\":\"\(JSON.escape(text))\""]
        case .note(let text):
            return ["\"event\":\"note\"", "\"text\":\"\(JSON.escape(text))\""]
        case .reply(let handler, let caller, let mtd, let w):
            return ["\"event\":\"reply\"", "\"handler\":\(name(handler))", "\"caller\":\(name(caller))", "\"mtd\":\(JSON.hex(mtd))", "\"words\":" + words(w)]
        case .resume(let continuation, let rip):
            return ["\"event\":\"resume\"", "\"continuation\":\"\(TextFormat.continuation(continuation))\"", "\"rip\":\(JSON.hex(rip))"]
        case .contextSwitch(let from, let to):
            return ["\"event\":\"context_switch\"", "\"from\":\(name(from))", "\"to\":\(name(to))"]
        case .kill(let reason):
            return ["\"event\":\"kill\"", "\"reason\":\"\(JSON.escape(reason))\""]
        case .port(let a):
            return ["\"event\":\"port\"", "\"access\":" + port(a)]
        case .cpuException(let kind, let vector, let code, let address):
            return ["\"event\":\"cpu_exception\"", "\"kind\":\"\(["fault", "trap", "fetch", "interrupt"][Int(min(kind, 3))])\"",
                    "\"vector\":\(vector)", "\"error\":\(code.map { String($0) } ?? "null")", "\"address\":\(JSON.hex(address))"]
        case .end(let status):
            return ["\"event\":\"end\"", "\"status\":\(status)"]
        }
    }
}
