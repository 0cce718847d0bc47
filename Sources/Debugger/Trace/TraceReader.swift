// SPDX-License-Identifier: MIT
// Decodes a trace file (docs/trace-format.md) into TraceEntry values, in file order. Malformed
// input is a TraceError naming the offset, never a trap.
import Foundation

public struct TraceReader {
    let data: [UInt8]
    var offset = 0
    /// Instructions retired so far (the index of the next instruction record).
    public private(set) var index: UInt64 = 0
    var nextRIP: UInt64?
    /// The bytes of the instruction at each RIP of each PD, from the last record that carried
    /// them; the PD is the current context EC's.
    var code: [CodeKey: [UInt8]] = [:]
    var pdOfEC: [UInt32: UInt32] = [:]
    var currentPD: UInt32 = 0

    /// A reader over the bytes of a trace file (header included).
    public init(bytes: [UInt8]) throws(TraceError) {
        data = bytes
        guard bytes.count >= 16, Array(bytes[0..<8]) == TraceFormat.magic else {
            throw TraceError("not an emu trace (no EMUTRACE header)")
        }
        let version = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        guard version == TraceFormat.version else { throw TraceError("trace format version \(version), expected \(TraceFormat.version)") }
        offset = 16
    }

    public init(path: String) throws(TraceError) {
        guard let d = FileManager.default.contents(atPath: path) else { throw TraceError("cannot read \(path)") }
        try self.init(bytes: [UInt8](d))
    }

    /// Every record of the file.
    public static func entries(path: String) throws(TraceError) -> [TraceEntry] {
        var r = try TraceReader(path: path)
        var all: [TraceEntry] = []
        while let e = try r.next() { all.append(e) }
        return all
    }

    public static func entries(bytes: [UInt8]) throws(TraceError) -> [TraceEntry] {
        var r = try TraceReader(bytes: bytes)
        var all: [TraceEntry] = []
        while let e = try r.next() { all.append(e) }
        return all
    }

    /// The next record, nil at the end of the file.
    public mutating func next() throws(TraceError) -> TraceEntry? {
        guard offset < data.count else { return nil }
        let start = offset
        let k = try u8()
        guard let kind = TraceFormat.Kind(rawValue: k) else { throw TraceError("unknown record kind 0x\(String(k, radix: 16)) at offset \(start)") }
        switch kind {
        case .instruction: return .instruction(try instruction())
        case .sync:
            index = try u64()
            let rip = try u64()
            nextRIP = rip
            return .sync(index: index, rip: rip)
        case .context:
            let ec = try u32()
            currentPD = pdOfEC[ec] ?? 0
            return .context(ec: ec)
        case .object:
            let id = try u32()
            let kindByte = try u8()
            guard let kind = TraceObject.Kind(rawValue: kindByte) else { throw TraceError("bad object kind \(kindByte) at offset \(start)") }
            let pd = try u32()
            if kind == .ec { pdOfEC[id] = pd }
            return .object(TraceObject(id: id, kind: kind, pd: pd, name: try string()))
        case .registers: return .registers(index: index, try registerChanges())
        case .event: return .event(try event())
        }
    }

    mutating func instruction() throws(TraceError) -> InstructionRecord {
        let flags = try u8()
        let rip: UInt64
        if flags & TraceFormat.InstructionFlag.explicitRIP != 0 {
            rip = try u64()
        } else {
            guard let n = nextRIP else { throw TraceError("instruction without a RIP at offset \(offset)") }
            rip = n
        }
        let bytes: [UInt8]
        if flags & TraceFormat.InstructionFlag.code != 0 {
            let len = Int(try u8())
            guard len <= 15 else { throw TraceError("instruction of \(len) bytes at offset \(offset)") }
            bytes = try take(len)
            code[CodeKey(pd: currentPD, rip: rip)] = bytes
        } else {
            guard let known = code[CodeKey(pd: currentPD, rip: rip)] else { throw TraceError("no instruction bytes known for RIP 0x\(String(rip, radix: 16)) at offset \(offset)") }
            bytes = known
        }
        var r = InstructionRecord(index: index, rip: rip, cpl: (flags >> TraceFormat.InstructionFlag.cplShift) & 3, bytes: bytes,
                                  faulted: flags & TraceFormat.InstructionFlag.faulted != 0)
        r.registers = try registerChanges()
        if flags & TraceFormat.InstructionFlag.xmm != 0 {
            let mask = try u16()
            for k in 0..<16 where mask & (1 << k) != 0 {
                r.xmm.append(XMMChange(register: UInt8(k), low: try u64(), high: try u64()))
            }
        }
        if flags & TraceFormat.InstructionFlag.memory != 0 {
            let n = try varint()
            guard n <= UInt64(data.count - offset) else { throw TraceError("bad access count at offset \(offset)") }
            for _ in 0..<n { r.memory.append(try access()) }
        }
        if flags & TraceFormat.InstructionFlag.ports != 0 {
            let n = try varint()
            guard n <= UInt64(data.count - offset) else { throw TraceError("bad port count at offset \(offset)") }
            for _ in 0..<n {
                let port = try u16(), sz = try u8()
                r.ports.append(PortAccess(port: port, size: sz & 0x7F, isWrite: sz & 0x80 != 0, value: try u32()))
            }
        }
        nextRIP = rip &+ UInt64(bytes.count)
        if !r.faulted { index &+= 1 }
        return r
    }

    /// One memory access: header byte, address bytes, then the value or a run's count and bytes.
    mutating func access() throws(TraceError) -> MemoryAccess {
        let h = try u8()
        let addressBytes = Int(h & 0x0F)
        guard addressBytes <= 8 else { throw TraceError("bad access header 0x\(String(h, radix: 16)) at offset \(offset)") }
        let size = 1 << Int((h >> TraceFormat.AccessFlag.sizeShift) & 3)
        let address = try fixed(addressBytes)
        let isWrite = h & TraceFormat.AccessFlag.write != 0
        if h & TraceFormat.AccessFlag.run != 0 {
            let n = try varint()
            guard n <= UInt64(data.count - offset) / UInt64(size) else { throw TraceError("bad run length at offset \(offset)") }
            return MemoryAccess(address: address, size: UInt8(size), isWrite: isWrite, value: 0, run: try take(Int(n) * size))
        }
        return MemoryAccess(address: address, size: UInt8(size), isWrite: isWrite, value: try fixed(size))
    }

    mutating func registerChanges() throws(TraceError) -> [RegisterChange] {
        let n = Int(try u8())
        guard n <= TraceFormat.registerNames.count else { throw TraceError("\(n) register changes at offset \(offset)") }
        var out: [RegisterChange] = []
        for _ in 0..<n {
            let h = try u8()
            let register = h & 0x1F
            guard Int(register) < TraceFormat.registerNames.count else { throw TraceError("unknown register \(register) at offset \(offset)") }
            let value = try fixed(TraceWriter.valueBytes(code: h >> TraceFormat.valueLengthShift))
            out.append(RegisterChange(register: register, value: value))
        }
        return out
    }

    mutating func event() throws(TraceError) -> EventRecord {
        let typeByte = try u8()
        let length = Int(try varint())
        guard length <= data.count - offset, length >= 20 else { throw TraceError("bad event length \(length) at offset \(offset)") }
        let end = offset + length
        defer { offset = end }
        let index = try u64(), nanos = try u64(), ec = try u32()
        guard let type = EventType(rawValue: typeByte) else {
            return EventRecord(index: index, hostNanos: nanos, ec: ec, payload: .note("unknown event type \(typeByte)"))
        }
        let payload: EventPayload
        switch type {
        case .entry: payload = .entry(cause: try u8(), vector: try u8(), rip: try u64())
        case .foreignCheck: payload = .foreignCheck(foreign: try u8() != 0, nsct: try u8() != 0)
        case .portalLookup:
            payload = .portalLookup(selector: try u64(), portal: try u32(), portalID: try u64(), handler: try u32(), mtd: try u64())
        case .hypercall:
            let number = try u8()
            let n = try varint()
            guard n <= 8 else { throw TraceError("bad hypercall register count at offset \(offset)") }
            var regs: [UInt64] = []
            for _ in 0..<n { regs.append(try u64()) }
            payload = .hypercall(number: number, registers: regs, decoded: try string())
        case .status: payload = .status(code: try u8(), name: try string())
        case .exception:
            let vector = try u8(), has = try u8(), code = try u32()
            payload = .exception(vector: vector, errorCode: has != 0 ? code : nil, address: try u64(), selector: try u64())
        case .utcbLoad: payload = .utcbLoad(handler: try u32(), mtd: try u64(), words: try words())
        case .handlerEntry: payload = .handlerEntry(handler: try u32(), caller: try u32(), portalID: try u64())
        case .dispatch:
            let name = try string(), number = try u64()
            let n = try varint()
            guard n <= 16 else { throw TraceError("bad argument count at offset \(offset)") }
            var args: [UInt64] = []
            for _ in 0..<n { args.append(try u64()) }
            let has = try u8(), result = try u64()
            payload = .dispatch(name: name, number: number, arguments: args, result: has != 0 ? result : nil, text: try string())
        case .note: payload = .note(try string())
        case .reply: payload = .reply(handler: try u32(), caller: try u32(), mtd: try u64(), words: try words())
        case .resume: payload = .resume(continuation: try u8(), rip: try u64())
        case .contextSwitch: payload = .contextSwitch(from: try u32(), to: try u32())
        case .kill: payload = .kill(reason: try string())
        case .port:
            let port = try u16(), sz = try u8()
            payload = .port(PortAccess(port: port, size: sz & 0x7F, isWrite: sz & 0x80 != 0, value: try u32()))
        case .cpuException:
            let kind = try u8(), vector = try u8(), has = try u8(), code = try u32()
            payload = .cpuException(kind: kind, vector: vector, errorCode: has != 0 ? code : nil, address: try u64())
        case .end: payload = .end(status: Int32(bitPattern: try u32()))
        }
        guard offset <= end else { throw TraceError("event overruns its length at offset \(offset)") }
        return EventRecord(index: index, hostNanos: nanos, ec: ec, payload: payload)
    }

    mutating func words() throws(TraceError) -> [UTCBWordValue] {
        let n = try varint()
        guard n <= 512 else { throw TraceError("bad UTCB word count at offset \(offset)") }
        var out: [UTCBWordValue] = []
        for _ in 0..<n { out.append(UTCBWordValue(offset: try u16(), value: try u64())) }
        return out
    }

    // MARK: - Fields

    mutating func take(_ n: Int) throws(TraceError) -> [UInt8] {
        guard n >= 0, n <= data.count - offset else { throw TraceError("truncated trace at offset \(offset)") }
        defer { offset += n }
        return Array(data[offset..<offset + n])
    }

    mutating func u8() throws(TraceError) -> UInt8 {
        guard offset < data.count else { throw TraceError("truncated trace at offset \(offset)") }
        defer { offset += 1 }
        return data[offset]
    }

    mutating func fixed(_ n: Int) throws(TraceError) -> UInt64 {
        guard n <= data.count - offset else { throw TraceError("truncated trace at offset \(offset)") }
        var v: UInt64 = 0
        for k in 0..<n { v |= UInt64(data[offset + k]) << (8 * UInt64(k)) }
        offset += n
        return v
    }

    mutating func u16() throws(TraceError) -> UInt16 { UInt16(try fixed(2)) }
    mutating func u32() throws(TraceError) -> UInt32 { UInt32(try fixed(4)) }
    mutating func u64() throws(TraceError) -> UInt64 { try fixed(8) }

    mutating func varint() throws(TraceError) -> UInt64 {
        var v: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try u8()
            guard shift < 64 else { throw TraceError("overlong number at offset \(offset)") }
            v |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
    }

    mutating func string() throws(TraceError) -> String {
        let n = try varint()
        guard n <= UInt64(data.count - offset) else { throw TraceError("truncated string at offset \(offset)") }
        return String(decoding: try take(Int(n)), as: UTF8.self)
    }
}
