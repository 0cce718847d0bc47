// SPDX-License-Identifier: MIT
// Compares the native and emu end states of one case (exception, RIP, GPRs, defined flags, data
// page, x87/SSE state: Comparison+FPU.swift) and renders the first mismatch of a form readably:
// bytes, disassembly, input, both results.
import Foundation

enum Comparison {
    static let regNames = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                           "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]

    /// Human-readable differences; empty when the states agree on everything compared.
    static func differences(native n: SnippetState, emu e: SnippetState, case b: CaseBuilder) -> [String] {
        var d: [String] = []
        if n.exception != e.exception {
            d.append("exception: native \(exceptionName(n.exception)), emu \(exceptionName(e.exception))")
        }
        if n.rip != e.rip { d.append("rip: native +0x\(hex(n.rip)), emu +0x\(hex(e.rip))") }
        for r in 0..<16 where (n.gpr[r] ^ e.gpr[r]) & ~b.regIgnore[r] != 0 {
            d.append("\(regNames[r]): native 0x\(hex(n.gpr[r], 16)), emu 0x\(hex(e.gpr[r], 16))")
        }
        let fd = (n.rflags ^ e.rflags) & b.flagMask
        if fd != 0 {
            d.append("rflags (\(flagNames(fd)) differ): native 0x\(hex(n.rflags)) [\(flagNames(n.rflags & b.flagMask))], "
                     + "emu 0x\(hex(e.rflags)) [\(flagNames(e.rflags & b.flagMask))]")
        }
        var memDiffs: [Int] = []
        for i in 0..<SnippetState.pageSize where n.mem[i] != e.mem[i] && !b.memIgnore.contains(where: { $0.contains(i) }) {
            memDiffs.append(i)
        }
        if !memDiffs.isEmpty {
            let shown = memDiffs.prefix(12).map { "+0x\(hex(UInt64($0))): in \(hex(UInt64(b.state.mem[$0]), 2)) native \(hex(UInt64(n.mem[$0]), 2)) emu \(hex(UInt64(e.mem[$0]), 2))" }
            d.append("data page: \(memDiffs.count) bytes differ: " + shown.joined(separator: "; "))
        }
        return d + fpuDifferences(native: n, emu: e, case: b)
    }

    static func report(form: String, index: Int, seed: UInt64, builder b: CaseBuilder,
                       native: SnippetState, emu: SnippetState, diffs: [String]) -> String {
        let s = b.state
        var out = "── first mismatch of \(form): case \(index) (seed 0x\(hex(seed, 16)))\n"
        out += "   code: " + s.code.map { hex(UInt64($0), 2) }.joined(separator: " ") + "\n"
        for line in disassemble(s.code) { out += "     \(line)\n" }
        out += "   input:\n"
        for row in 0..<4 {
            out += "     " + (0..<4).map { c -> String in
                let r = row * 4 + c
                return "\(regNames[r].padding(toLength: 3, withPad: " ", startingAt: 0))=\(hex(s.gpr[r], 16))"
            }.joined(separator: " ") + "\n"
        }
        out += "     rflags=0x\(hex(s.rflags)) [\(flagNames(s.rflags & 0xCD5))]\n"
        for line in fpuInput(s) { out += "     \(line)\n" }
        for note in b.notes { out += "     \(note)\n" }
        out += "   compared flags: [\(flagNames(b.flagMask & 0xCD5))]"
        if b.regIgnore.contains(where: { $0 != 0 }) {
            out += "; ignored: " + (0..<16).filter { b.regIgnore[$0] != 0 }.map { "\(regNames[$0])&0x\(hex(b.regIgnore[$0]))" }.joined(separator: " ")
        }
        let fswIgnored = ~(UInt16(b.fxMask[2]) | UInt16(b.fxMask[3]) << 8)
        if fswIgnored != 0 { out += "; fsw bits not compared: 0x\(hex(UInt64(fswIgnored), 4))" }
        out += "\n   native: exception \(exceptionName(native.exception)), rip +0x\(hex(native.rip))\n"
        out += "   emu:    exception \(exceptionName(emu.exception)), rip +0x\(hex(emu.rip))\n"
        for line in diffs { out += "   ≠ \(line)\n" }
        return out
    }

    static func hex(_ v: UInt64, _ width: Int = 0) -> String {
        let s = String(v, radix: 16)
        return s.count < width ? String(repeating: "0", count: width - s.count) + s : s
    }

    static func exceptionName(_ e: UInt32) -> String {
        switch e {
        case SnippetState.ranToEnd: return "none"
        case SnippetState.timeout: return "timeout"
        case SnippetState.badRequest: return "bad request"
        case SnippetState.unexpectedExit: return "unexpected exit"
        default:
            let names: [UInt32: String] = [0: "#DE", 1: "#DB", 3: "#BP", 6: "#UD", 12: "#SS", 13: "#GP", 14: "#PF",
                                           16: "#MF", 17: "#AC", 19: "#XM"]
            return names[e] ?? "vector \(e)"
        }
    }

    static func flagNames(_ f: UInt64) -> String {
        let names: [(UInt64, String)] = [(0x1, "CF"), (0x4, "PF"), (0x10, "AF"), (0x40, "ZF"), (0x80, "SF"), (0x100, "TF"),
                                         (0x200, "IF"), (0x400, "DF"), (0x800, "OF"), (0x4000, "NT"), (0x4_0000, "AC"),
                                         (0x20_0000, "ID")]
        return names.filter { f & $0.0 != 0 }.map(\.1).joined(separator: " ")
    }

    /// objdump's disassembly of the snippet at its real address (best effort: empty if missing).
    static func disassemble(_ code: [UInt8]) -> [String] {
        let path = NSTemporaryDirectory() + "emu-diff-\(getpid())-snippet.bin"
        guard FileManager.default.createFile(atPath: path, contents: Data(code)) else { return [] }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel",
                       "--adjust-vma=0x\(hex(SnippetState.codeAddress))", path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        guard (try? p.run()) != nil else { return [] }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("2000") }
            .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\t", with: "  ") }
    }
}
