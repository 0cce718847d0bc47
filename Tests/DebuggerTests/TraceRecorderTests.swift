// SPDX-License-Identifier: MIT
// The recorder on real runs: a bare-metal kernel with exceptions and port I/O, and a hosted
// roottask whose foreign syscalls go to a guest-code handler (guests/build, built by
// `make -C guests kernels hedron`; a missing file is a test failure).
import CPUCore
import Foundation
import Testing
@testable import Debugger
import Hypervisor
import Machine

/// The package root, from this file's path (Tests/DebuggerTests/TraceRecorderTests.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func guest(_ path: String) throws -> String {
    let p = packageRoot.appendingPathComponent("guests/build/" + path).path
    try #require(FileManager.default.fileExists(atPath: p), "\(p) is missing: run `make -C guests kernels hedron` first")
    return p
}

func configuration() -> Configuration {
    var c = Configuration()
    c.memory = 256 << 20
    c.serial = .none
    c.serial2 = .none
    c.timeout = 60
    return c
}

/// Runs the bare-metal kernel at `path` with a recorder writing to memory.
func traceKernel(_ path: String, options: TraceOptions = TraceOptions(), append: String = "") throws -> (RunResult, [TraceEntry]) {
    let writer = TraceWriter()
    var recorder: TraceRecorder?
    var c = configuration()
    c.commandLine = append
    let r = KernelBoot.run(path: try guest(path), configuration: c) { machine in
        recorder = TraceRecorder(cpu: machine.cpu, writer: writer, options: options)
        recorder?.attach(hypervisor: nil)
    }
    recorder?.finish(status: r.status)
    return (r, try TraceReader.entries(bytes: writer.contents))
}

/// Runs the hosted roottask at `path` with a recorder writing to memory.
func traceRoottask(_ path: String, options: TraceOptions = TraceOptions()) throws -> (RunResult, [TraceEntry]) {
    let writer = TraceWriter()
    var recorder: TraceRecorder?
    let r = HostedBoot.run(roottask: try guest(path), configuration: configuration(), log: { _ in }, prepare: { hv in
        recorder = TraceRecorder(cpu: hv.cpu, writer: writer, options: options)
        recorder?.attach(hypervisor: hv)
    })
    recorder?.finish(status: r.status)
    return (r, try TraceReader.entries(bytes: writer.contents))
}

func instructions(_ entries: [TraceEntry]) -> [InstructionRecord] {
    entries.compactMap { if case .instruction(let r) = $0 { r } else { nil } }
}

func events(_ entries: [TraceEntry]) -> [EventRecord] {
    entries.compactMap { if case .event(let e) = $0 { e } else { nil } }
}

@Suite struct TraceRecorderTests {
    /// Every retired instruction is recorded once, in order; faults are recorded and do not count.
    @Test func bareMetalExceptionsAndPorts() throws {
        let (r, entries) = try traceKernel("kernels/exceptions_de_ud_bp.elf")
        #expect(r.status == 33)
        let insns = instructions(entries)
        let retired = insns.filter { !$0.faulted }
        #expect(UInt64(retired.count) == r.instructions)
        #expect(retired.map(\.index) == Array(0..<UInt64(retired.count)))
        let raised = events(entries).compactMap { e -> (UInt8, UInt8)? in
            if case .cpuException(let kind, let vector, _, _) = e.payload { (kind, vector) } else { nil }
        }
        // #DE and #UD are faults of a recorded, not-retired instruction; INT3 is a trap.
        #expect(raised.contains { $0 == (RaiseKind.fault.rawValue, 0) })
        #expect(raised.contains { $0 == (RaiseKind.fault.rawValue, 6) })
        #expect(raised.contains { $0 == (RaiseKind.trap.rawValue, 3) })
        #expect(insns.filter(\.faulted).count >= 2)
        // The exit port write (OUT to 0xF4) is part of the instruction that made it.
        #expect(insns.contains { $0.ports.contains { $0.port == 0xF4 && $0.isWrite } })
        // Memory accesses carry values: a push writes the old RSP's neighbourhood.
        #expect(insns.contains { !$0.memory.isEmpty })
    }

    /// The instruction records replay the registers: applying each record's changes to the
    /// state before it gives the state the next record starts from (RIP follows the bytes or a
    /// branch; here only that every change is a real change).
    @Test func changesAreChanges() throws {
        let (_, entries) = try traceKernel("kernels/exceptions_de_ud_bp.elf")
        var state = [UInt64](repeating: 0, count: 19)
        for e in entries {
            switch e {
            case .registers(_, let changes):
                for c in changes { state[Int(c.register)] = c.value }
            case .instruction(let r):
                for c in r.registers {
                    #expect(state[Int(c.register)] != c.value, "instruction \(r.index) reports \(c.name) unchanged")
                    state[Int(c.register)] = c.value
                }
            default: break
            }
        }
    }

    @Test func windowFromTo() throws {
        var o = TraceOptions()
        o.from = 20
        o.to = 30
        let (_, entries) = try traceKernel("kernels/exceptions_de_ud_bp.elf", options: o)
        let insns = instructions(entries).filter { !$0.faulted }
        #expect(insns.map(\.index) == Array(20..<30))
    }

    /// A foreign syscall forwarded to a guest-code handler: every step is an event, in order,
    /// and the handler's own instructions run between the entry and the reply.
    @Test func forwardedSyscallPath() throws {
        let (r, entries) = try traceRoottask("hedron/foreign_forwarding.elf")
        #expect(r.status == 33)
        let doc = TraceDocument(entries: entries)
        // The first syscall that is forwarded (the roottask's own are native hypercalls).
        var n = 1
        var path = try TraceFilter.path(n, in: doc)
        while !path.contains(where: { k in
            if case .event(let e) = doc.entries[k], case .foreignCheck(true, false) = e.payload { true } else { false }
        }) {
            n += 1
            path = try TraceFilter.path(n, in: doc)
        }
        let kinds = path.compactMap { k -> String? in
            switch doc.entries[k] {
            case .instruction: "insn"
            case .event(let e):
                switch e.payload {
                case .entry: "entry"
                case .foreignCheck: "foreign"
                case .portalLookup: "lookup"
                case .utcbLoad: "utcb"
                case .handlerEntry: "handler"
                case .hypercall(let n, _, _) where n == Hypercall.reply.rawValue: "reply-call"
                case .reply: "reply"
                case .resume: "resume"
                default: nil
                }
            default: nil
            }
        }
        // Each step after the one before (the handler's own resume comes between, the caller's after the reply).
        var at = 0
        var found: [String: Int] = [:]
        for step in ["entry", "foreign", "lookup", "utcb", "handler", "reply-call", "reply", "resume"] {
            guard let k = kinds[at...].firstIndex(of: step) else { Issue.record("no \(step) after step \(at): \(kinds)"); return }
            found[step] = k
            at = k + 1
        }
        #expect(kinds.first == "insn" && kinds.last == "insn")
        // The guest-code handler's instructions run inside the path.
        if let h = found["handler"], let rc = found["reply-call"] {
            #expect(kinds[h..<rc].contains("insn"))
        }
    }

    /// Preemption (SC budgets end blocks in the middle) and context switches: still every
    /// retired instruction exactly once, in order.
    @Test(arguments: ["hedron/scheduling.elf", "hedron/foreign_forwarding.elf", "hedron/semaphores.elf"])
    func everyInstructionOnceWhenPreempted(roottask: String) throws {
        let (r, entries) = try traceRoottask(roottask)
        #expect(r.status == 33)
        let retired = instructions(entries).filter { !$0.faulted }
        #expect(UInt64(retired.count) == r.instructions)
        #expect(retired.map(\.index) == Array(0..<UInt64(retired.count)))
    }

    /// `--trace-pd`: instructions of other PDs are not recorded.
    @Test func pdFilter() throws {
        var o = TraceOptions()
        o.pd = "no-such-pd"
        let (_, entries) = try traceRoottask("hedron/foreign_forwarding.elf", options: o)
        #expect(instructions(entries).isEmpty)
    }
}

@Suite struct RegisterShortcutTests {
    /// Comparing only what an instruction can change (its hook's masks and flags,
    /// InstructionObserver.swift) gives the same trace as comparing every register after every
    /// instruction (memops: REP MOVS/STOS runs).
    @Test(arguments: ["kernels/exceptions_de_ud_bp.elf", "bench/crc32.elf", "bench/sort.elf", "bench/sha256.elf", "bench/memops.elf"])
    func sameTraceAsFullCompare(kernel: String) throws {
        var full = TraceOptions()
        full.fullRegisterDiff = true
        let (a, fastRun) = try traceKernel(kernel, options: TraceOptions(), append: "iters=0")
        let (b, slowRun) = try traceKernel(kernel, options: full, append: "iters=0")
        #expect(a.instructions == b.instructions)
        #expect(fastRun.count == slowRun.count)
        // Host time differs from run to run; everything else must not.
        func timeless(_ e: TraceEntry) -> TraceEntry {
            guard case .event(var r) = e else { return e }
            r.hostNanos = 0
            return .event(r)
        }
        let fast = fastRun.map(timeless), slow = slowRun.map(timeless)
        if let k = fast.indices.first(where: { $0 < slow.count && fast[$0] != slow[$0] }) {
            Issue.record("record \(k) differs: \(fast[k]) vs \(slow[k])")
        }
    }
}
