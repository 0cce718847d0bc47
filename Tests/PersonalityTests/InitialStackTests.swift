// SPDX-License-Identifier: MIT
// The initial stack: decoded back and checked against the psABI rules, and compared byte for
// byte with the stack the host kernel builds for a static program with the same argv, envp and
// auxv values (address randomisation off).
import Testing
import CPUCore
@testable import Personality

@Suite struct InitialStackTests {
    /// A decoded initial stack.
    struct Decoded {
        var argc: UInt64
        var argv: [String]
        var envp: [String]
        var auxv: [(key: UInt64, value: UInt64)]
    }

    static func word(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * UInt64($1)) }
    }

    /// The NUL-terminated string at `address`, which must lie in [rsp, rsp + bytes.count).
    static func string(_ bytes: [UInt8], rsp: UInt64, at address: UInt64) -> String? {
        guard address >= rsp, address < rsp + UInt64(bytes.count) else { return nil }
        let start = Int(address - rsp)
        guard let end = bytes[start...].firstIndex(of: 0) else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func decode(_ bytes: [UInt8], rsp: UInt64) -> Decoded? {
        var o = 0
        func next() -> UInt64? { guard o + 8 <= bytes.count else { return nil }; defer { o += 8 }; return word(bytes, o) }
        guard let argc = next() else { return nil }
        var argv: [String] = [], envp: [String] = []
        for _ in 0..<argc { guard let p = next(), let s = string(bytes, rsp: rsp, at: p) else { return nil }; argv.append(s) }
        guard next() == 0 else { return nil }
        while let p = next(), p != 0 { guard let s = string(bytes, rsp: rsp, at: p) else { return nil }; envp.append(s) }
        var auxv: [(UInt64, UInt64)] = []
        while let k = next(), let v = next() { if k == 0 { return Decoded(argc: argc, argv: argv, envp: envp, auxv: auxv) }; auxv.append((k, v)) }
        return nil
    }

    private let random: [UInt8] = Array(0xA0..<0xB0)

    @Test(arguments: [0, 1, 2, 3, 4, 7], [0, 1, 2, 5])
    func decodesBackWithTheABIAlignment(argCount: Int, envCount: Int) throws {
        let argv = (0..<argCount).map { "arg\($0)" + String(repeating: "x", count: $0 * 3) }
        let envp = (0..<envCount).map { "VAR\($0)=" + String(repeating: "v", count: $0) }
        var auxv = AuxiliaryVector(phdr: 0x40_0040, phent: 56, phnum: 6, entry: 0x40_102B)
        auxv.uid = 1000; auxv.gid = 100
        for top: UInt64 in [0x7FFF_FFFF_F000, 0x7FFF_FFFF_EFF3, 0x1_0000_0008] {
            let (bytes, rsp) = InitialStack.build(stackTop: top, argv: argv, envp: envp, execfn: "/bin/prog",
                                                  auxv: auxv, random: random)
            #expect(rsp % 16 == 0, "psABI §3.4.1: RSP is 16-byte aligned at process entry")
            #expect(UInt64(bytes.count) == top - rsp)
            #expect(bytes.suffix(8) == [0, 0, 0, 0, 0, 0, 0, 0])
            let d = try #require(Self.decode(bytes, rsp: rsp))
            #expect(d.argc == UInt64(argCount) && d.argv == argv && d.envp == envp)
            let keys = d.auxv.map(\.key)
            #expect(keys == [51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15])
            let values = Dictionary(d.auxv.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
            #expect(values[3] == 0x40_0040 && values[4] == 56 && values[5] == 6 && values[9] == 0x40_102B)
            #expect(values[6] == 4096 && values[7] == 0 && values[8] == 0 && values[17] == 100 && values[23] == 0)
            #expect(values[11] == 1000 && values[12] == 0 && values[13] == 100 && values[14] == 0)
            #expect(values[16] == AuxiliaryVector.emuHWCAP && values[26] == 0 && values[51] == 1440)
            let r = Int(values[25]! - rsp)
            #expect(Array(bytes[r..<r + 16]) == random)
            #expect(Self.string(bytes, rsp: rsp, at: values[31]!) == "/bin/prog")
            #expect(Self.string(bytes, rsp: rsp, at: values[15]!) == "x86_64")
            // Strings sit above the random bytes, which sit above the tables.
            let tableEnd = rsp + UInt64(8 * (1 + argCount + 1 + envCount + 1 + 2 * (keys.count + 1)))
            #expect(tableEnd <= values[25]! && values[25]! + 16 <= values[15]!)
            #expect(values[15]! + 7 <= top - 8)
        }
    }

    @Test func hwcapIsTheCPUModelsLeaf1EDX() {
        #expect(AuxiliaryVector.emuHWCAP == UInt64(CPUIDModel.leaf1EDX))
        #expect(UInt64(CPUIDModel.query(leaf: 1, subleaf: 0).edx) == AuxiliaryVector.emuHWCAP)
    }

    /// The host kernel's stack for the same program, argv and envp: our bytes must equal it
    /// once the auxv entries emu does not give are removed — AT_SYSINFO_EHDR (33, the vDSO),
    /// AT_RSEQ_FEATURE_SIZE (27), AT_RSEQ_ALIGN (28) — with every value (AT_HWCAP,
    /// AT_MINSIGSTKSZ, the ids, AT_RANDOM's bytes) taken from the host's.
    @Test func matchesTheHostKernelByteForByte() throws {
        let path = try NativePrograms.staticDump.get()
        for (argv, envp) in [([path], []), ([path, "x", "yz", ""], ["A=1", "BB=22"]),
                             ([path, String(repeating: "long", count: 50)], ["ODD=1234567"])] {
            let native = try NativePrograms.run(path, argv: argv, envp: envp)
            let ours = Set(AuxiliaryVector.Key.allCases.map(\.rawValue))
            let extra = native.auxv.filter { !ours.contains($0.key) }.map(\.key)
            #expect(Set(extra).isSubset(of: [33, 27, 28]), "host auxv keys emu does not know: \(extra)")
            // Linux's order, restricted to the keys emu gives, is emu's order.
            let ourOrder: [UInt64] = [51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15]
            #expect(native.auxv.map(\.key).filter { ours.contains($0) } == ourOrder)

            func v(_ k: UInt64) throws -> UInt64 { try #require(native.aux(k), "host auxv lacks \(k)") }
            var auxv = AuxiliaryVector(phdr: try v(3), phent: try v(4), phnum: try v(5), entry: try v(9))
            auxv.pageSize = try v(6); auxv.base = try v(7); auxv.flags = try v(8)
            auxv.uid = try v(11); auxv.euid = try v(12); auxv.gid = try v(13); auxv.egid = try v(14)
            auxv.secure = try v(23); auxv.hwcap = try v(16); auxv.hwcap2 = try v(26)
            auxv.clockTicks = try v(17); auxv.minSignalStackSize = try v(51)
            let r = Int(try v(25) - native.rsp)
            let random = Array(native.stack[r..<r + 16])
            #expect(native.top % 4096 == 0, "the host stack top is page-aligned")
            let built = InitialStack.build(stackTop: native.top, argv: argv, envp: envp, execfn: path,
                                           auxv: auxv, random: random)

            // The host's bytes without the extra pairs; each pair is 16 bytes, so the tables
            // just move up and the padding below the random bytes keeps its size.
            let auxStart = 8 * (1 + argv.count + 1 + envp.count + 1)
            var expected = Array(native.stack[..<auxStart])
            var o = auxStart
            while true {
                let k = Self.word(native.stack, o)
                if !extra.contains(k) || k == 0 { expected += native.stack[o..<o + 16] }
                o += 16
                if k == 0 { break }
            }
            expected += native.stack[o...]
            // The table pointers are absolute: only the removed pairs' count moves RSP.
            #expect(built.rsp == native.rsp + UInt64(16 * extra.count))
            #expect(built.bytes.count == expected.count)
            if built.bytes != expected {
                let first = (0..<min(built.bytes.count, expected.count)).first { built.bytes[$0] != expected[$0] } ?? min(built.bytes.count, expected.count)
                Issue.record("argv \(argv.count), envp \(envp.count): first difference at rsp+\(first)")
            }
        }
    }
}
