// SPDX-License-Identifier: MIT
// Trace records (docs/trace-format.md) survive encoding and decoding unchanged, and malformed
// files are errors, never traps.
import Testing
@testable import Debugger

@Suite struct TraceRecordTests {
    static let objects: [TraceEntry] = [
        .object(TraceObject(id: 1, kind: .pd, pd: 0, name: "hello")),
        .object(TraceObject(id: 2, kind: .ec, pd: 1, name: "main")),
        .object(TraceObject(id: 3, kind: .pt, pd: 1, name: "")),
    ]

    static let instructions: [TraceEntry] = [
        .sync(index: 41, rip: 0x401000),
        .context(ec: 2),
        // Sequential RIP (left out on disk), one register.
        .instruction(InstructionRecord(index: 41, rip: 0x401000, cpl: 3, bytes: [0x48, 0x89, 0xC7],
                                       registers: [RegisterChange(register: 7, value: 0x23)])),
        // Sequential again, with memory, RFLAGS and FS base.
        .instruction(InstructionRecord(index: 42, rip: 0x401003, cpl: 3, bytes: [0x50],
                                       registers: [RegisterChange(register: 4, value: 0x7FFF_FFFF_BD30),
                                                   RegisterChange(register: 16, value: 0x246),
                                                   RegisterChange(register: 17, value: 0x405658)],
                                       memory: [MemoryAccess(address: 0x7FFF_FFFF_BD30, size: 8, isWrite: true, value: 0x1234)])),
        // A jump target (explicit RIP), XMM and port accesses, faulted: does not count.
        .instruction(InstructionRecord(index: 43, rip: 0x402000, cpl: 0, bytes: [0x66, 0x0F, 0xEF, 0xC0], faulted: true,
                                       xmm: [XMMChange(register: 0, low: 1, high: 2), XMMChange(register: 15, low: ~0, high: 0)],
                                       memory: [MemoryAccess(address: 0x10, size: 1, isWrite: false, value: 0xFF)],
                                       ports: [PortAccess(port: 0xE9, size: 1, isWrite: true, value: 0x41)])),
        .instruction(InstructionRecord(index: 43, rip: 0x402004, cpl: 0, bytes: Array(repeating: 0x90, count: 15))),
        // A REP MOVSD done in bulk: a read run and a write run; a zero register (no value bytes).
        .instruction(InstructionRecord(index: 44, rip: 0x402013, cpl: 3, bytes: [0xF3, 0xA5],
                                       registers: [RegisterChange(register: 1, value: 0)],
                                       memory: [MemoryAccess(address: 0x1000, size: 4, isWrite: false, value: 0, run: Array(0..<12)),
                                                MemoryAccess(address: 0xFFFF_8000_0000_2000, size: 4, isWrite: true, value: 0, run: Array(0..<12))])),
        .registers(index: 45, [RegisterChange(register: 0, value: 35), RegisterChange(register: 18, value: 7)]),
    ]

    static let events: [EventPayload] = [
        .entry(cause: 0, vector: 0, rip: 0x402070),
        .entry(cause: 1, vector: 14, rip: 0x401047),
        .foreignCheck(foreign: true, nsct: false),
        .portalLookup(selector: 0x32, portal: 3, portalID: 1, handler: 2, mtd: 0xFF_FFFF),
        .portalLookup(selector: 0x99, portal: 0, portalID: 0, handler: 0, mtd: 0),
        .hypercall(number: 5, registers: [5, 2, 3, 4, 5], decoded: "create_pt sel=0x0"),
        .status(code: 4, name: "BAD_CAP"),
        .exception(vector: 14, errorCode: 0x14, address: 0x401047, selector: 0xE),
        .exception(vector: 6, errorCode: nil, address: 0, selector: 6),
        .utcbLoad(handler: 2, mtd: 0x4D, words: [UTCBWordValue(offset: 0x58, value: 20), UTCBWordValue(offset: 0x20, value: 0x4D)]),
        .handlerEntry(handler: 2, caller: 1, portalID: 1),
        .dispatch(name: "writev", number: 20, arguments: [1, 2, 3, 4, 5, 6], result: 35, text: ""),
        .dispatch(name: "exit_group", number: 231, arguments: [0], result: nil, text: "exit_group(0) = ?"),
        .note("naïve ✓ text"),
        .reply(handler: 2, caller: 0, mtd: 0, words: []),
        .resume(continuation: 1, rip: 0x402070),
        .contextSwitch(from: 0, to: 2),
        .kill(reason: "PT not found"),
        .port(PortAccess(port: 0x3F8, size: 1, isWrite: true, value: 0x48)),
        .cpuException(kind: 1, vector: 3, errorCode: nil, address: 0),
        .end(status: -1),
    ]

    static var all: [TraceEntry] {
        objects + instructions + events.enumerated().map {
            .event(EventRecord(index: UInt64(44 + $0.offset), hostNanos: UInt64($0.offset) * 1000, ec: 2, payload: $0.element))
        }
    }

    @Test func everyRecordRoundTrips() throws {
        let w = TraceWriter()
        for e in Self.all { w.write(e) }
        let back = try TraceReader.entries(bytes: w.contents)
        #expect(back.count == Self.all.count)
        for (a, b) in zip(Self.all, back) { #expect(a == b) }
    }

    @Test func sequentialRIPsAreLeftOut() {
        let w = TraceWriter(header: false)
        w.write(Self.instructions[0])
        w.write(Self.instructions[2])
        let first = w.position
        w.write(Self.instructions[3])
        // Kind, flags, length, 1 byte, register count, three registers as number and significant
        // bytes (RSP 6, RFLAGS 2, FS base 3), access count, one access (header, 6 address
        // bytes, 8 value bytes); no RIP.
        #expect(w.position - first == 1 + 1 + 1 + 1 + 1 + (1 + 6) + (1 + 2) + (1 + 3) + 1 + (1 + 6 + 8))
    }

    @Test func truncatedFilesAreErrors() throws {
        let w = TraceWriter()
        for e in Self.all { w.write(e) }
        let bytes = w.contents
        var failures = 0
        for cut in stride(from: 16, to: bytes.count, by: 3) {
            do { _ = try TraceReader.entries(bytes: Array(bytes[..<cut])) } catch { failures += 1 }
        }
        #expect(failures > 0)
        #expect(throws: TraceError.self) { _ = try TraceReader.entries(bytes: Array("NOTATRACE_______".utf8)) }
    }

    /// Random bytes after a valid header: an error or some records, never a crash or a hang.
    @Test func randomBytesNeverTrap() {
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let header = TraceWriter().contents
        for _ in 0..<2000 {
            let body = (0..<Int(next() % 200)).map { _ in UInt8(truncatingIfNeeded: next()) }
            _ = try? TraceReader.entries(bytes: header + body)
        }
    }
}
