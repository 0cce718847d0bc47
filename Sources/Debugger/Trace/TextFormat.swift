// SPDX-License-Identifier: MIT
// The text a person reads (`emu trace show`): one line per instruction — count, EC, CPL, RIP,
// bytes, capstone's disassembly, the registers it changed and its memory accesses — and the
// hypervisor's and the personality's steps as indented lines between them.
import Hypervisor

public struct TextFormat {
    let doc: TraceDocument
    let disassembler: Disassembler

    public init(document: TraceDocument, disassembler: Disassembler) {
        doc = document
        self.disassembler = disassembler
    }

    /// The lines for the entries at `indices`: one per record, except that a hypercall and its
    /// status share a line, and a run of port accesses by one EC becomes one summary line.
    public func lines(_ indices: [Int]) -> [String] {
        var out: [String] = []
        var k = 0
        while k < indices.count {
            let e = doc.entries[indices[k]]
            if case .event(let h) = e, case .hypercall = h.payload, k + 1 < indices.count,
               case .event(let s) = doc.entries[indices[k + 1]], case .status(_, let name) = s.payload, s.ec == h.ec,
               let first = line(indices[k]) {
                out.append(first + " -> " + name)
                k += 2
                continue
            }
            if case .event(let p) = e, case .port = p.payload {
                var run: [PortAccess] = []
                while k < indices.count, case .event(let q) = doc.entries[indices[k]], case .port(let a) = q.payload, q.ec == p.ec {
                    run.append(a)
                    k += 1
                }
                out.append("        hv  port I/O by \(doc.label(p.ec)): " + TextFormat.summary(run))
                continue
            }
            if let l = line(indices[k]) { out.append(l) }
            k += 1
        }
        return out
    }

    /// Port accesses grouped by port and direction, in first-seen order, with the bytes written
    /// to a port shown as text when printable ("out 0x3f8 ×35 \"Hello…\\n\"").
    static func summary(_ run: [PortAccess]) -> String {
        var order: [String] = []
        var groups: [String: [PortAccess]] = [:]
        for a in run {
            let key = "\(a.isWrite ? "out" : "in") 0x\(String(a.port, radix: 16))"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(a)
        }
        return order.map { key in
            let g = groups[key]!
            var s = key + (g.count > 1 ? " ×\(g.count)" : "")
            if g[0].isWrite, g.allSatisfy({ $0.size == 1 }) {
                let text = g.map { UInt8(truncatingIfNeeded: $0.value) }
                if text.allSatisfy({ (0x20..<0x7F).contains($0) || $0 == 0x0A }) {
                    s += " \"" + String(decoding: text, as: UTF8.self).replacingOccurrences(of: "\n", with: "\\n") + "\""
                    return s
                }
            }
            let values = g.prefix(8).map { "0x" + String($0.value, radix: 16) }.joined(separator: " ")
            return s + " " + values + (g.count > 8 ? " …" : "")
        }.joined(separator: ", ")
    }

    /// The line for entry `k` of the document (nil for records that print nothing).
    public func line(_ k: Int) -> String? {
        switch doc.entries[k] {
        case .instruction(let r): return instruction(r, owner: doc.owners[k])
        case .registers(_, let changes):
            return changes.isEmpty ? nil : "        regs  " + TextFormat.registers(changes)
        case .event(let e): return event(e)
        default: return nil
        }
    }

    func instruction(_ r: InstructionRecord, owner: UInt32) -> String {
        let bytes = r.bytes.map { hex2($0) }.joined(separator: " ")
        var s = pad(String(r.index), 9, left: true) + "  " + pad(doc.label(owner), 22) + " c\(r.cpl) "
        s += hex16(r.rip) + "  " + pad(bytes, 30) + " " + pad(disassembler.text(r.bytes, at: r.rip), 40)
        var extra: [String] = []
        if !r.registers.isEmpty { extra.append(TextFormat.registers(r.registers)) }
        for x in r.xmm { extra.append("xmm\(x.register)=0x\(hex16(x.high))\(hex16(x.low))") }
        for m in r.memory { extra.append("[\(m.isWrite ? "w" : "r") 0x\(String(m.address, radix: 16)):\(m.size) 0x\(String(m.value, radix: 16))]") }
        for p in r.ports { extra.append(TextFormat.port(p)) }
        if r.faulted { extra.append("(faulted: not retired)") }
        s += " " + extra.joined(separator: " ")
        while s.last == " " { s.removeLast() }
        return s
    }

    static func registers(_ changes: [RegisterChange]) -> String {
        changes.map { "\($0.name)=0x\(String($0.value, radix: 16))" }.joined(separator: " ")
    }

    static func port(_ p: PortAccess) -> String {
        "[\(p.isWrite ? "out" : "in") port 0x\(String(p.port, radix: 16)):\(p.size) 0x\(String(p.value, radix: 16))]"
    }

    /// An event: hypervisor steps indented by 8, the personality's by 12.
    func event(_ e: EventRecord) -> String {
        let who = doc.label(e.ec)
        let hv = "        hv  "
        switch e.payload {
        case .entry(let cause, let vector, let rip):
            let what = cause == 0 ? "syscall" : cause == 1 ? "exception \(cpuExceptionName(vector))" : "timer"
            return hv + "trap: \(what) from \(who), rip=0x\(hexs(rip))"
        case .foreignCheck(let foreign, let nsct):
            let decision = foreign && !nsct ? "forward to the foreign-syscall portal" : "native hypercall"
            return hv + "foreign check: PD \(doc.label(doc.objects[e.ec]?.pd ?? 0)) \(foreign ? "is foreign" : "is not foreign"), NSCT \(nsct ? "set" : "clear") -> \(decision)"
        case .portalLookup(let selector, let portal, let portalID, let handler, let mtd):
            if portal == 0 { return hv + "portal lookup: selector 0x\(hexs(selector)) in \(who): no portal" }
            return hv + "portal lookup: selector 0x\(hexs(selector)) -> PT id=0x\(hexs(portalID)) handler \(doc.label(handler)) MTD 0x\(hexs(mtd))"
        case .hypercall(_, _, let decoded):
            return hv + "hypercall from \(who): \(decoded)"
        case .status(_, let name):
            return hv + "status \(name)"
        case .exception(let vector, let code, let address, let selector):
            var s = hv + "exception \(cpuExceptionName(vector)) of \(who)"
            if let code { s += " error=0x\(String(code, radix: 16))" }
            if vector == 14 { s += " cr2=0x\(hexs(address))" }
            return s + " -> portal 0x\(hexs(selector))"
        case .utcbLoad(let handler, let mtd, let words):
            return hv + "UTCB load into \(doc.label(handler)) (MTD 0x\(hexs(mtd))): " + TextFormat.words(words)
        case .handlerEntry(let handler, let caller, let portalID):
            return hv + "handler entry: \(doc.label(handler)) runs for \(doc.label(caller)), rdi=portal id 0x\(hexs(portalID))"
        case .dispatch(let name, _, let arguments, let result, let text):
            if !text.isEmpty { return "            personality  " + text }
            let args = arguments.map(TextFormat.small).joined(separator: ", ")
            return "            personality  \(name)(\(args)) = \(result.map(TextFormat.result) ?? "?")"
        case .note(let text):
            return hv + text
        case .reply(let handler, let caller, let mtd, let words):
            if caller == 0 { return hv + "reply from \(doc.label(handler)): nobody waits" }
            return hv + "reply from \(doc.label(handler)) to \(doc.label(caller)) (MTD 0x\(hexs(mtd))): " + TextFormat.words(words)
        case .resume(let continuation, let rip):
            return hv + "resume \(who) (\(TextFormat.continuation(continuation))) at rip=0x\(hexs(rip))"
        case .contextSwitch(let from, let to):
            return hv + "context switch \(doc.label(from)) -> \(doc.label(to))"
        case .kill(let reason):
            return hv + "kill \(who): \(reason)"
        case .port(let p):
            return hv + "port I/O by \(who): " + TextFormat.port(p)
        case .cpuException(let kind, let vector, let code, let address):
            let k = ["fault", "trap", "fetch fault", "interrupt"][Int(min(kind, 3))]
            var s = "        cpu \(k) \(cpuExceptionName(vector))"
            if let code { s += " error=0x\(String(code, radix: 16))" }
            if vector == 14 { s += " cr2=0x\(hexs(address))" }
            return s
        case .end(let status):
            return "        end of run, status \(status)"
        }
    }

    static func words(_ words: [UTCBWordValue]) -> String {
        words.map { "\(UTCBWord(offset: $0.offset, value: $0.value).name)=0x\(String($0.value, radix: 16))" }.joined(separator: " ")
    }

    /// A result word as strace prints a Linux return: negative errno values in decimal.
    static func result(_ v: UInt64) -> String {
        let s = Int64(bitPattern: v)
        return s < 0 && s > -4096 ? String(s) : small(v)
    }

    /// Small values (counts, descriptors, flags) in decimal, addresses in hex.
    static func small(_ v: UInt64) -> String { v < 0x10000 ? String(v) : "0x" + String(v, radix: 16) }

    static func continuation(_ c: UInt8) -> String {
        ["sysret", "iret", "restart call", "resend", "startup", "dead"][Int(min(c, 5))]
    }
}

func cpuExceptionName(_ v: UInt8) -> String {
    let names = ["#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#09", "#TS", "#NP",
                 "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE"]
    return Int(v) < names.count ? names[Int(v)] : "vector \(v)"
}

func hexs(_ v: UInt64) -> String { String(v, radix: 16) }

func hex16(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}

func hex2(_ b: UInt8) -> String { b < 16 ? "0" + String(b, radix: 16) : String(b, radix: 16) }

func pad(_ s: String, _ n: Int, left: Bool = false) -> String {
    guard s.count < n else { return s }
    let fill = String(repeating: " ", count: n - s.count)
    return left ? fill + s : s + fill
}
