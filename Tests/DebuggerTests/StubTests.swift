// SPDX-License-Identifier: MIT
// The stub's command loop over a socketpair, driven by a scripted client as gdb would drive it
// (gdb manual §E.2, §E.4, §E.11), against a small in-memory target.
import Glibc
import Hypervisor
import Testing
@testable import Debugger

final class FakeTarget: GDBTarget {
    var memory: [UInt64: UInt8] = [:]
    var regs = GDBRegisterValues(machine: DebugRegisters(), origRAX: UInt64.max)
    var breakpoints: [(BreakpointKind, UInt64)] = []
    var syscalls = SyscallCatch.none

    func threadIDs() -> [Int] { [1, 2] }
    func threadExtraInfo(_ thread: Int) -> String? { thread <= 2 ? "pd hello / ec main\(thread)" : nil }
    func registers(of thread: Int) -> GDBRegisterValues? { regs }
    func setRegisters(_ values: GDBRegisterValues, of thread: Int) -> Bool { regs = values; return true }
    func readMemory(thread: Int, address: UInt64, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        for k in 0..<UInt64(count) { guard let b = memory[address + k] else { break }; out.append(b) }
        return out
    }
    func writeMemory(thread: Int, address: UInt64, bytes: [UInt8]) -> Bool {
        for (k, b) in bytes.enumerated() { memory[address + UInt64(k)] = b }
        return true
    }
    func insertBreakpoint(_ kind: BreakpointKind, address: UInt64, length: UInt64, thread: Int) -> Bool {
        breakpoints.append((kind, address)); return true
    }
    func removeBreakpoint(_ kind: BreakpointKind, address: UInt64, length: UInt64, thread: Int) -> Bool {
        breakpoints.removeAll { $0.0 == kind && $0.1 == address }; return true
    }
    func setSyscallCatch(_ syscalls: SyscallCatch) { self.syscalls = syscalls }
    func monitor(_ command: String, output: (String) -> Void) { output("you said \(command)") }
}

/// A stub on one end of a socketpair, the scripted client on the other.
final class Wire {
    let stub: GDBStub
    let client: Int32
    let target = FakeTarget()

    init() {
        var fds: [Int32] = [0, 0]
        _ = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds)
        client = fds[1]
        stub = GDBStub(connection: GDBConnection(readFD: fds[0], writeFD: fds[0]), target: target)
    }

    deinit { close(client) }

    /// Queues what the client sends (packets framed, `+` acks as given).
    func send(_ items: [String]) {
        var bytes: [UInt8] = []
        for i in items { bytes += i == "+" || i == "\u{03}" ? Array(i.utf8) : Packet.frame(Array(i.utf8)) }
        _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
    }

    /// Everything the stub sent so far, as packet payloads (acks dropped).
    func replies() -> [String] {
        var reader = PacketReader()
        var out: [String] = []
        var p = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
        var buf = [UInt8](repeating: 0, count: 65536)
        while poll(&p, 1, 100) > 0 {
            let n = buf.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            guard n > 0 else { break }
            for b in buf[..<n] { if case .packet(let payload)? = reader.feed(b) { out.append(String(decoding: payload, as: UTF8.self)) } }
        }
        return out
    }
}

@Suite struct StubTests {
    @Test func handshakeQueriesAndResume() {
        let w = Wire()
        w.target.regs.machine.rip = 0x401030
        w.target.memory[0x1000] = 0x48; w.target.memory[0x1001] = 0x83
        w.send(["qSupported:multiprocess+;swbreak+;hwbreak+", "+", "QStartNoAckMode", "+",
                "?", "qfThreadInfo", "qsThreadInfo", "qThreadExtraInfo,2", "Hg2", "p10", "m1000,4", "m2000,1",
                "Z0,401030,1", "QCatchSyscalls:1;14;e7", "qRcmd," + Packet.hex(Array("pds".utf8)), "vCont?",
                "vCont;s:2;c"])
        let action = w.stub.serve(stop: StopEvent(thread: 1, reason: .softwareBreakpoint), announce: false)
        #expect(action == .step(thread: 2))
        let r = w.replies()
        #expect(r.first?.hasPrefix("PacketSize=") == true)
        #expect(r.first?.contains("qXfer:features:read+") == true && r.first?.contains("QCatchSyscalls+") == true)
        #expect(Array(r.dropFirst()) == [
            "OK", "T05swbreak:;thread:1;", "m1,2", "l", Packet.hex(Array("pd hello / ec main2".utf8)), "OK",
            "3010400000000000", "4883", "E14", "OK", "OK",
            "O" + Packet.hex(Array("you said pds\n".utf8)), "OK", "vCont;c;C;s;S",
        ])
        #expect(w.target.breakpoints.count == 1 && w.target.breakpoints[0].1 == 0x401030)
        #expect(w.target.syscalls == .only([0x14, 0xE7]))
    }

    @Test func targetDescriptionInChunks() {
        let w = Wire()
        w.send(["QStartNoAckMode", "+", "qXfer:features:read:target.xml:0,100", "qXfer:features:read:target.xml:64,4000",
                "qXfer:features:read:other.xml:0,10", "c"])
        #expect(w.stub.serve(stop: StopEvent(thread: 1), announce: false) == .continue())
        let r = w.replies()
        #expect(r.count == 4)
        let doc = Array(TargetDescription.xml.utf8)
        // Offsets and lengths are hex: 0x100 bytes, then from 0x64 to the end.
        #expect(r[1] == "m" + String(decoding: doc[0..<0x100], as: UTF8.self))
        #expect(r[2] == "l" + String(decoding: doc[0x64...], as: UTF8.self))
        #expect(r[3] == "E00")
    }

    @Test func writesMemoryAndRegisters() {
        let w = Wire()
        let binary = Packet.escapeBinary([0x23, 0x7D, 0x00])
        var x = Array("X3000,3:".utf8) + binary
        x = Packet.frame(x)
        w.send(["QStartNoAckMode", "+", "M2000,2:cc90"])
        _ = x.withUnsafeBytes { write(w.client, $0.baseAddress, $0.count) }
        w.send(["P10=0020400000000000", "P39=1400000000000000", "g", "D"])
        #expect(w.stub.serve(stop: StopEvent(thread: 1), announce: true) == .detach)
        let r = w.replies()
        // The stop reply first; its acknowledgment is missing, so the stub goes on with the
        // packet that came instead.
        #expect(r[0] == "T05thread:1;" && r[1] == "OK" && r[2] == "OK" && r[3] == "OK" && r[4] == "OK" && r[5] == "OK")
        #expect(w.target.memory[0x2000] == 0xCC && w.target.memory[0x2001] == 0x90)
        #expect(w.target.memory[0x3000] == 0x23 && w.target.memory[0x3001] == 0x7D && w.target.memory[0x3002] == 0)
        #expect(w.target.regs.machine.rip == 0x402000)
        #expect(r[6].count == 2 * RegisterLayout.totalSize)
        #expect(r.last == "OK")
    }

    @Test func stopRepliesNameTheirReason() {
        let w = Wire()
        w.send(["qSupported:swbreak+", "+"])
        w.send(["QStartNoAckMode", "+", "k"])
        _ = w.stub.serve(stop: StopEvent(thread: 1), announce: false)
        #expect(w.stub.stopReply(StopEvent(thread: 3, reason: .syscallEntry(20))) == "T05syscall_entry:14;thread:3;")
        #expect(w.stub.stopReply(StopEvent(thread: 1, reason: .syscallReturn(231))) == "T05syscall_return:e7;thread:1;")
        #expect(w.stub.stopReply(StopEvent(thread: 1, reason: .watch(0x407130))) == "T05watch:407130;thread:1;")
        #expect(w.stub.stopReply(StopEvent(thread: 1, reason: .readWatch(0x10))) == "T05rwatch:10;thread:1;")
        #expect(w.stub.stopReply(StopEvent(thread: 1, reason: .accessWatch(0x10))) == "T05awatch:10;thread:1;")
        #expect(w.stub.stopReply(StopEvent(signal: StopEvent.sigint, thread: 2)) == "T02thread:2;")
        // gdb did not announce hwbreak+: the reason is left out.
        #expect(w.stub.stopReply(StopEvent(thread: 1, reason: .hardwareBreakpoint)) == "T05thread:1;")
    }

    /// gdb manual §E.2 "vCont": the leftmost action naming a thread applies to it, else the
    /// default; a thread no action names stays stopped (all-stop). `C`/`S` carry gdb's signal.
    @Test(arguments: [
        ("vCont;s:2", ResumeAction.step(thread: 2, signal: 0, othersRun: false)),
        ("vCont;s:p1.2;c:p1.-1", .step(thread: 2, signal: 0, othersRun: true)),
        ("vCont;s:2;c", .step(thread: 2, signal: 0, othersRun: true)),
        ("vCont;S0b:1", .step(thread: 1, signal: 11, othersRun: false)),
        ("vCont;C0b:1;c", .continue(signal: 11, only: nil)),
        ("vCont;c:2;C0b", .continue(signal: 11, only: nil)),
        ("vCont;C0b:1", .continue(signal: 11, only: 1)),
        ("vCont;c", .continue(signal: 0, only: nil)),
        ("C0b", .continue(signal: 11)),
        ("C05;401000", .continue(signal: 5)),
        ("S04", .step(thread: 1, signal: 4)),
    ])
    func resumeActions(packet: String, action: ResumeAction) {
        let w = Wire()
        w.send(["QStartNoAckMode", "+", packet])
        #expect(w.stub.serve(stop: StopEvent(signal: 11, thread: 1), announce: false) == action)
    }

    @Test func malformedResumesAreRefused() {
        let w = Wire()
        w.send(["QStartNoAckMode", "+", "vCont;x", "vCont;Cz:1", "C", "k"])
        #expect(w.stub.serve(stop: StopEvent(thread: 1), announce: false) == .kill)
        #expect(w.replies() == ["OK", "E01", "E01", "E01"])
    }

    @Test func exitPacketsAndSignalNumbers() {
        // include/gdb/signals.def against Linux's asm/signal.h.
        #expect(GDBSignal.fromLinux(11) == 11 && GDBSignal.fromLinux(7) == 10 && GDBSignal.fromLinux(10) == 30)
        #expect(GDBSignal.fromLinux(12) == 31 && GDBSignal.fromLinux(17) == 20 && GDBSignal.fromLinux(31) == 12)
        #expect(GDBSignal.fromLinux(32) == 77 && GDBSignal.fromLinux(34) == 46 && GDBSignal.fromLinux(64) == 78)
        let w = Wire()
        w.stub.noAck = true
        w.stub.sendExit(status: 139, signal: GDBSignal.fromLinux(11), linger: 0)
        let x = w.replies()
        let v = Wire()
        v.stub.noAck = true
        v.stub.sendExit(status: 3, signal: nil, linger: 0)
        #expect(x == ["X0b"] && v.replies() == ["W03"])
    }

    @Test func aClosedConnectionDetaches() {
        let w = Wire()
        w.send(["+", "?"])
        close(w.client)
        #expect(w.stub.serve(stop: StopEvent(thread: 1), announce: false) == .detach)
    }
}
