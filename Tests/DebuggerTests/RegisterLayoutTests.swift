// SPDX-License-Identifier: MIT
// The register numbering and `g` layout against the target description the stub serves, and
// against gdb's own feature files where the host has them (valgrind ships copies of gdb's
// 64bit-core.xml, 64bit-sse.xml and 64bit-linux.xml).
import Foundation
import Hypervisor
import Testing
@testable import Debugger

@Suite struct RegisterLayoutTests {
    /// (name, bitsize) of every `<reg>` in an XML document, in order.
    static func registers(in xml: String) -> [(String, Int)] {
        let pattern = try! NSRegularExpression(pattern: #"<reg name="([^"]+)" bitsize="([0-9]+)""#)
        let ns = xml as NSString
        return pattern.matches(in: xml, range: NSRange(location: 0, length: ns.length)).map {
            (ns.substring(with: $0.range(at: 1)), Int(ns.substring(with: $0.range(at: 2)))!)
        }
    }

    @Test func theDescriptionListsTheLayoutInOrder() {
        let described = RegisterLayoutTests.registers(in: TargetDescription.xml)
        #expect(described.map(\.0) == RegisterLayout.registers.map(\.name))
        #expect(described.map(\.1) == RegisterLayout.registers.map(\.bitSize))
        #expect(TargetDescription.xml.contains("<architecture>i386:x86-64</architecture>"))
        #expect(TargetDescription.xml.contains("<osabi>GNU/Linux</osabi>"))
        #expect(TargetDescription.xml.contains("<feature name=\"org.gnu.gdb.i386.linux\">"))
        // 16 GPRs, RIP (8 each), EFLAGS and 6 selectors (4), st0–7 (10), 8 x87 control (4),
        // xmm0–15 (16), MXCSR (4), orig_rax, fs_base, gs_base (8).
        #expect(RegisterLayout.totalSize == 17 * 8 + 7 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4 + 3 * 8)
    }

    @Test func matchesGDBsOwnFeatureFiles() throws {
        let dir = "/usr/libexec/valgrind/"
        var expected: [(String, Int)] = []
        for f in ["64bit-core.xml", "64bit-sse.xml", "64bit-linux.xml"] {
            guard let text = try? String(contentsOfFile: dir + f, encoding: .utf8) else { return }  // not installed
            expected += RegisterLayoutTests.registers(in: text)
        }
        let ours = RegisterLayout.registers.prefix(expected.count)
        #expect(ours.map(\.name) == expected.map(\.0))
        #expect(ours.map(\.bitSize) == expected.map(\.1))
    }

    @Test func readAndWriteRoundTrip() {
        var m = DebugRegisters()
        for k in 0..<16 { m.gprs[k] = 0x1111_1111_1111_1111 &* UInt64(k + 1) }
        m.rip = 0x401030; m.rflags = 0x246; m.fsBase = 0x405658
        var v = GDBRegisterValues(machine: m, origRAX: 20)
        let g = RegisterLayout.readAll(v)
        #expect(g.count == RegisterLayout.totalSize)
        // gdb's order: rax rbx rcx rdx …; rbx is encoding 3.
        #expect(Array(g[8..<16]) == Packet.littleEndian(m.gprs[3], size: 8))
        #expect(RegisterLayout.read(RegisterLayout.rip, from: v) == Packet.littleEndian(0x401030, size: 8))
        #expect(RegisterLayout.read(RegisterLayout.origRAX, from: v) == Packet.littleEndian(20, size: 8))
        #expect(RegisterLayout.read(RegisterLayout.mxcsr, from: v) == [0x80, 0x1F, 0, 0])
        var w = GDBRegisterValues(machine: DebugRegisters())
        #expect(RegisterLayout.writeAll(g, into: &w))
        #expect(w.machine.gprs == m.gprs && w.machine.rip == m.rip && w.machine.rflags == m.rflags)
        #expect(RegisterLayout.write(RegisterLayout.xmm0 + 1, [UInt8](repeating: 0xAB, count: 16), into: &v))
        #expect(Array(v.machine.fxsave.bytes[176..<192]) == [UInt8](repeating: 0xAB, count: 16))
        #expect(!RegisterLayout.write(RegisterLayout.rip, [1, 2], into: &v))
    }

    @Test func fullTagWordFromTheAbridgedOne() {
        var v = GDBRegisterValues(machine: DebugRegisters())
        // After FNINIT every register is empty: tag word 0xFFFF (SDM Vol. 1 §8.1.7).
        #expect(RegisterLayout.read(RegisterLayout.fctrl + 2, from: v) == [0xFF, 0xFF, 0, 0])
        // One value pushed (TOP = 7, physical R7 = ST0 = 1.0): R7 valid, the rest empty.
        v.machine.fxsave.bytes[3] = 7 << 3                       // FSW.TOP = 7
        v.machine.fxsave.bytes[4] = 0x80                         // abridged: R7 not empty
        v.machine.fxsave.bytes.replaceSubrange(32..<42, with: [0, 0, 0, 0, 0, 0, 0, 0x80, 0xFF, 0x3F])
        #expect(RegisterLayout.read(RegisterLayout.fctrl + 2, from: v) == [0xFF, 0x3F, 0, 0])
        // A zero in ST0 is tagged 1; writing the tag back keeps only "not empty".
        v.machine.fxsave.bytes.replaceSubrange(32..<42, with: [UInt8](repeating: 0, count: 10))
        #expect(RegisterLayout.read(RegisterLayout.fctrl + 2, from: v) == [0xFF, 0x7F, 0, 0])
        #expect(RegisterLayout.write(RegisterLayout.fctrl + 2, [0xFF, 0x0F, 0, 0], into: &v))
        #expect(v.machine.fxsave.bytes[4] == 0xC0)
    }
}
