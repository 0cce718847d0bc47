// SPDX-License-Identifier: MIT
// Every way emu's decoder and capstone 4 are allowed to disagree, each with the byte pattern,
// the SDM rule that decides it, and what the native CPU (Tests/Native, an AMD EPYC) did. The
// fuzz tests fail on any disagreement not explained here; each entry's `example` is checked
// on its own, so an entry that stops being true is noticed.

struct KnownDisagreement: CustomStringConvertible, Sendable {
    /// Short name, used in reports.
    let name: String
    /// The disagreement kinds the entry explains.
    let kinds: Set<DecoderComparison.Kind>
    /// The byte pattern, as the SDM writes encodings.
    let pattern: String
    /// Who is right and why: SDM reference and native evidence.
    let resolution: String
    /// An input the entry must explain.
    let example: [UInt8]
    /// How the example may behave while x87/SSE are being added.
    var exampleState: ExampleState = .disagrees
    let matches: @Sendable (DecoderComparison) -> Bool

    var description: String { name }

    enum ExampleState: Sendable {
        /// The example always shows this disagreement.
        case disagrees
        /// An unmodelled family: once emu decodes the example, it must agree with capstone.
        case agreesOnceModelled
        /// A capstone quirk in a family emu does not model yet: until it does, both reject.
        case disagreesOnceModelled
    }
}

extension DecoderComparison {
    func has(_ p: UInt8) -> Bool { shape.has(p) }
    var oneByte: Bool { shape.map == 0 }
    var twoByte: Bool { shape.map == 0x0F }
    var op: UInt8 { shape.opcode }
    var memoryForm: Bool { (modrm?.mod ?? 3) != 3 }
    /// capstone's length minus emu's (nil unless both decoded).
    var lengthDelta: Int? { capstone.flatMap { c in emuLength.map { c.length - $0 } } }

    /// The input with its SSE mandatory prefix (the last F2/F3, else 66) moved right before the
    /// REX/opcode and any other F2/F3 dropped; `removed` counts the dropped bytes. Nil when there
    /// is no such prefix or it already sits there.
    var mandatoryPrefixNextToOpcode: (bytes: [UInt8], removed: Int)? {
        let p = shape.prefixes
        guard let mandatory = p.last(where: { $0 == 0xF2 || $0 == 0xF3 }) ?? (p.contains(0x66) ? 0x66 : nil) else { return nil }
        var others = p.filter { $0 != 0xF2 && $0 != 0xF3 }
        if mandatory == 0x66 { others.removeAll { $0 == 0x66 } } else if p.contains(0x66) { others = others.filter { $0 != 0x66 } + [0x66] }
        let rex: [UInt8] = shape.rex != 0 ? [shape.rex] : []
        let opcodeStart = shape.opcodeIndex - 1                      // the 0F byte
        let rebuilt = others + [mandatory] + rex + bytes[opcodeStart...]
        guard rebuilt != bytes else { return nil }
        let removed = bytes.count - rebuilt.count
        return (rebuilt + [UInt8](repeating: 0x90, count: removed), removed)
    }
}

/// The SDM's LOCK list (Vol. 2A "LOCK—Assert LOCK# Signal Prefix"): ADD ADC AND BTC BTR BTS
/// CMPXCHG CMPXCHG8B/16B DEC INC NEG NOT OR SBB SUB XOR XADD XCHG, with a memory destination.
/// Written from the SDM, independently of the decoder's own table.
func sdmLockable(_ c: DecoderComparison) -> Bool {
    guard let m = c.modrm, m.mod != 3 else { return false }
    if c.oneByte {
        switch c.op {
        case 0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30, 0x31: return true
        case 0x80, 0x81, 0x83: return m.reg != 7
        case 0x86, 0x87: return true
        case 0xF6, 0xF7: return m.reg == 2 || m.reg == 3
        case 0xFE, 0xFF: return m.reg <= 1
        default: return false
        }
    }
    if c.twoByte {
        switch c.op {
        case 0xAB, 0xB3, 0xBB, 0xB0, 0xB1, 0xC0, 0xC1: return true
        case 0xBA: return m.reg >= 5
        case 0xC7: return m.reg == 1
        default: return false
        }
    }
    return false
}

enum KnownDisagreements {
    // MARK: - capstone 4 mis-sizes or rejects valid encodings

    static let all: [KnownDisagreement] = capstoneQuirks + notModelled

    static let capstoneQuirks: [KnownDisagreement] = [
        KnownDisagreement(
            name: "near branch with 66 (f64)",
            kinds: [.length, .capstoneOnly],
            pattern: "66 [prefixes] E8 cd | E9 cd | 0F 80+cc cd",
            resolution: """
                SDM Vol. 2D Table A-1 marks CALL rel, JMP rel and Jcc rel 'f64': the operand size \
                is forced to 64 bits and 66 is ignored, so the displacement stays 32 bits (the rel16 \
                forms are N.S. in 64-bit mode, Vol. 2A CALL/JMP/Jcc). capstone 4 follows AMD (APM \
                Vol. 3: 66 selects rel16), as does this AMD host ('66 0F 84 00 00' ran as 5 bytes). \
                emu models Intel: capstone is 2 bytes shorter, or emu exceeds 15 bytes where capstone does not.
                """,
            example: [0x66, 0xE9, 0x10, 0x20, 0x30, 0x40, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in
                let branch = (c.oneByte && (c.op == 0xE8 || c.op == 0xE9)) || (c.twoByte && c.op & 0xF0 == 0x80)
                guard branch, c.has(0x66) else { return false }
                if let d = c.lengthDelta { return d == -2 }
                return c.emuError == .tooLong && c.capstone!.length + 2 > 15
            }),
        KnownDisagreement(
            name: "UD1/UD0 take a ModRM",
            kinds: [.length, .emuOnly, .capstoneOnly],
            pattern: "0F B9 /r (UD1), 0F FF /r (UD0)",
            resolution: """
                SDM Vol. 2B 'UD—Undefined Instruction': UD1 is 0F B9 /r and UD0 is 0F FF /r, both \
                with a ModRM (and SIB/displacement). capstone 4 decodes them without a ModRM ('ud2b', \
                'ud0') and rejects UD0 after any prefix. Both always raise #UD (native too), so the \
                length is never observable; emu follows the SDM.
                """,
            example: [0x0F, 0xB9, 0x80, 1, 2, 3, 4, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in
                guard c.twoByte, c.op == 0xB9 || c.op == 0xFF else { return false }
                if case .success(let d) = c.emu, d.op != .ud { return false }
                if let cs = c.capstone { return cs.length == c.shape.opcodeIndex + 1 }
                return c.op == 0xFF
            }),
        KnownDisagreement(
            name: "PUSH imm16 with 66 before F2/F3",
            kinds: [.length, .emuOnly],
            pattern: "66 … F2|F3 … 68 iw",
            resolution: """
                Legacy prefixes may come in any order (SDM Vol. 2A §2.1.1), so 66 makes PUSH Iz \
                'PUSH imm16' (Vol. 2B PUSH: 68 iw) wherever F2/F3 sit. capstone 4 drops the 66 when \
                an F2/F3 follows it and reads an imm32. Native: '66 F3 68 34 12' is 5 bytes and \
                pushes 2 bytes.
                """,
            example: [0x66, 0xF3, 0x68, 0x34, 0x12, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in
                guard c.oneByte, c.op == 0x68, c.emuOsz == 2,
                      let last66 = c.shape.prefixes.lastIndex(of: 0x66),
                      c.shape.prefixes[last66...].contains(where: { $0 == 0xF2 || $0 == 0xF3 }) else { return false }
                if let d = c.lengthDelta { return d == 2 }
                return c.capstone == nil && c.emuLength! + 2 > 15
            }),
        KnownDisagreement(
            name: "RET imm16 with REX.W and 66/67",
            kinds: [.length, .emuOnly],
            pattern: "66|67 … REX.W C2 iw",
            resolution: """
                RET's immediate is always 16 bits (SDM Vol. 2B RET: C2 iw). capstone 4 reads two \
                more bytes when REX.W comes with 66 or 67, or rejects the form. Native: \
                '67 4B C2 08 00 01 00' released 8 bytes (RSP + 16), so the immediate was 0x0008.
                """,
            example: [0x67, 0x4B, 0xC2, 0x08, 0x00, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in
                guard c.oneByte, c.op == 0xC2, c.shape.rexW, c.has(0x66) || c.has(0x67) else { return false }
                if let d = c.lengthDelta { return d == 2 }
                return c.capstone == nil
            }),
        KnownDisagreement(
            name: "CALL rel32 with 67 and REX.W",
            kinds: [.length],
            pattern: "67 … REX.W E8 cd",
            resolution: """
                67 changes only the address size, and CALL rel is 'f64' (SDM Vol. 2D Table A-1), so \
                the displacement is 32 bits. capstone 4 reads a rel16 when 67 and REX.W are both \
                present. Native: '67 48 E8 00 00 00 00' is 7 bytes and pushes 8 bytes.
                """,
            example: [0x67, 0x48, 0xE8, 0, 0, 0, 0, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in c.oneByte && c.op == 0xE8 && c.has(0x67) && c.shape.rexW && c.lengthDelta == -2 }),
        KnownDisagreement(
            name: "hint-NOP register forms",
            kinds: [.emuOnly],
            pattern: "0F 18–0F 1F with ModRM.mod = 11",
            resolution: """
                0F 18 (prefetch group) and 0F 19–0F 1F are the NOP-hint space (SDM Vol. 2B NOP \
                '0F 1F /0 NOP r/m'; Vol. 2D Table A-3 rows 0F 18–1F): register forms execute as NOPs. \
                capstone 4 rejects some of them (0F 18 C0, 0F 1F C0). Native: 0F 18 C0, 0F 19–1E C0 \
                and 0F 1F F8 run as 3-byte NOPs.
                """,
            example: [0x0F, 0x1F, 0xC0, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in
                c.twoByte && (0x18...0x1F).contains(c.op) && c.modrm?.mod == 3 && c.emuLength != nil
            }),
        KnownDisagreement(
            name: "0F 0D prefetch group, all ModRM.reg",
            kinds: [.emuOnly],
            pattern: "0F 0D /0–/7 with a memory operand",
            resolution: """
                0F 0D with a memory operand is the prefetch hint group (SDM Vol. 2D Table A-3 'NOP Ev', \
                PREFETCHW = /1; AMD APM Vol. 3 PREFETCH/PREFETCHW: the other /r are aliases). capstone 4 \
                accepts only /1. Native: /0–/7 run as 3-byte NOPs; the register form (0F 0D C0) is #UD, \
                as in emu.
                """,
            example: [0x0F, 0x0D, 0x00, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in c.twoByte && c.op == 0x0D && c.memoryForm && c.emuLength != nil }),
        KnownDisagreement(
            name: "fences ignore ModRM.rm",
            kinds: [.emuOnly],
            pattern: "0F AE /5 /6 /7 with ModRM.mod = 11, any rm",
            resolution: """
                SDM Vol. 2D Table A-6, group 15 with mod = 11B: /5 LFENCE, /6 MFENCE, /7 SFENCE; rm is \
                not part of the opcode. capstone 4 accepts only rm = 0 (E8, F0, F8). Native: 0F AE E9, \
                EF, F1 and FF all run as 3-byte fences.
                """,
            example: [0x0F, 0xAE, 0xE9, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in
                guard c.twoByte, c.op == 0xAE, let m = c.modrm, m.mod == 3, m.reg >= 5 else { return false }
                return c.emuLength != nil
            }),
        KnownDisagreement(
            name: "MOV Sreg ignores REX.R",
            kinds: [.emuOnly],
            pattern: "REX.R 8C /r, REX.R 8E /r",
            resolution: """
                The segment register is ModRM.reg alone (SDM Vol. 2B MOV: 'MOV r/m16, Sreg', \
                'MOV Sreg, r/m16'; REX.R does not extend it). capstone 4 rejects REX.R here. Native: \
                '44 8C D8' runs as the 3-byte 'mov eax, ds'.
                """,
            example: [0x44, 0x8C, 0xD8, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            matches: { c in c.oneByte && (c.op == 0x8C || c.op == 0x8E) && c.shape.rex & 4 != 0 && c.emuLength != nil }),
        KnownDisagreement(
            name: "MOV moffs with 66 and F2/F3",
            kinds: [.emuOnly],
            pattern: "66 + F2|F3 … A0–A3 moffs64",
            resolution: """
                F2/F3 have no meaning on MOV moffs (SDM Vol. 2A §2.1.1) and the CPU ignores them; \
                66 selects AX. capstone 4 rejects 66 together with F2/F3 here. Native: \
                '66 F2 A0 <8-byte moffs>' runs as 11 bytes.
                """,
            example: [0x66, 0xF2, 0xA1, 0, 0, 0, 0x10, 0, 0, 0, 0, 0x90, 0x90, 0x90, 0x90],
            matches: { c in
                c.oneByte && (0xA0...0xA3).contains(c.op) && c.has(0x66) && (c.has(0xF2) || c.has(0xF3))
                    && c.emuLength != nil
            }),
        KnownDisagreement(
            name: "SSE mandatory prefix not next to 0F",
            kinds: [.emuOnly, .length],
            pattern: "66|F2|F3 [26 2E 36 3E 64 65 67 F2 F3 …] [REX] 0F xx, e.g. 66 26 0F E6 /r",
            resolution: """
                Legacy prefixes may come in any order (SDM Vol. 2A §2.1.1); the mandatory prefix of an \
                SSE instruction is the 66/F2/F3 present, F2/F3 winning over 66 and the last of F2/F3 \
                winning (Vol. 2A §2.1.2, Table A-3 notes). capstone 4 only sees a mandatory prefix \
                right before 0F (or REX), and rejects forms with no prefix-less variant (0F 6C, 6D, \
                D6, E6…) otherwise. The matcher moves the mandatory prefix next to the opcode, drops \
                the other F2/F3, and asks capstone again: it must then agree with emu's length. \
                Native: '66 26 0F E6 00', 'F3 26 0F E6 00', '66 67 0F 6D 04 3E' and \
                '26 26 F2 F3 2E 2E 36 36 0F D6 FC' run as 5, 5, 6 and 11 bytes.
                """,
            example: [0x66, 0x26, 0x0F, 0xE6, 0x00, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90],
            exampleState: .disagreesOnceModelled,
            matches: { c in
                guard c.twoByte, let len = c.emuLength, let moved = c.mandatoryPrefixNextToOpcode else { return false }
                return Capstone().decode(moved.bytes, at: DecoderComparison.rip)?.length == len - moved.removed
            }),
    ]

    // MARK: - capstone decodes what emu raises #UD for

    /// Encodings emu rejects with #UD on purpose: outside the modelled Ivy Bridge baseline (the
    /// CPUID model does not advertise them, DESIGN.md §8), or #UD by the SDM itself.
    static let notModelled: [KnownDisagreement] = [
        rejected("LOCK on a form the SDM does not allow", "F0 + anything but a memory-destination form of the LOCK list",
                 """
                     SDM Vol. 2A LOCK: #UD unless the destination is memory and the instruction is one of ADD ADC AND \
                     BTC BTR BTS CMPXCHG CMPXCHG8B/16B DEC INC NEG NOT OR SBB SUB XOR XADD XCHG (checked by sdmLockable). \
                     capstone 4 accepts LOCK anywhere.
                     """,
                 [0xF0, 0x03, 0x00]) { c in c.has(0xF0) && !sdmLockable(c) },
        rejected("FISTTP (SSE3, outside the model)", "DB /1, DD /1, DF /1 with a memory operand",
                 "FISTTP is SSE3 (SDM Vol. 2A); CPUID.1:ECX.SSE3 = 0 in the model, so it is #UD (Decoder.x87HasFISTTP).",
                 [0xDB, 0x08]) { c in
            c.oneByte && (c.op == 0xDB || c.op == 0xDD || c.op == 0xDF) && c.memoryForm && c.modrm?.reg == 1
        },
        rejected("3DNow! (AMD only)", "0F 0E (FEMMS), 0F 0F (3DNow! escape)",
                 "AMD 3DNow!; Intel CPUs never had it (SDM Vol. 2D Table A-3 leaves 0F 0E and 0F 0F empty).",
                 [0x0F, 0x0E]) { c in c.twoByte && (c.op == 0x0E || c.op == 0x0F) },
        rejected("SSE3 (outside the model)", "F3 0F 12/16 (MOVSLDUP, MOVSHDUP), F2 0F 12 (MOVDDUP), 66|F2 0F 7C/7D (HADD, HSUB), 66|F2 0F D0 (ADDSUB), F2 0F F0 (LDDQU)",
                 "SSE3 (SDM Vol. 2D Table A-3); CPUID.1:ECX.SSE3 = 0 in the model, so these are #UD.",
                 [0x66, 0x0F, 0x7C, 0xC1]) { c in
            guard c.twoByte else { return false }
            switch (simdPrefix(c), c.op) {
            case (0xF3, 0x12), (0xF3, 0x16), (0xF2, 0x12), (0x66, 0x7C), (0xF2, 0x7C), (0x66, 0x7D), (0xF2, 0x7D),
                 (0x66, 0xD0), (0xF2, 0xD0), (0xF2, 0xF0): return true
            default: return false
            }
        },
        rejected("XSAVE family (outside the model)", "0F AE /4 /5 /6 with a memory operand (XSAVE, XRSTOR, XSAVEOPT)",
                 "XSAVE is not modelled (CPUID.1:ECX.XSAVE = 0), so these are #UD (SDM Vol. 2D Table A-6, group 15).",
                 [0x0F, 0xAE, 0x20]) { c in
            c.twoByte && c.op == 0xAE && c.memoryForm && (4...6).contains(c.modrm!.reg) && simdPrefix(c) == 0
        },
        rejected("group 15 with a 66/F2/F3 prefix", "66|F2|F3 0F AE (but /7 memory, covered above)",
                 """
                     Group 15 defines FXSAVE FXRSTOR LDMXCSR STMXCSR XSAVE* and the fences without a mandatory \
                     prefix; with 66/F2/F3 the cells are CLWB/CLFLUSHOPT, RDFSBASE/WRFSBASE… (not in the CPUID \
                     model) or undefined: #UD (SDM Vol. 2D Table A-6; 66/F2/F3 0F AE /0–/3 checked natively).
                     """,
                 [0xF3, 0x0F, 0xAE, 0x45, 0x5E]) { c in
            c.twoByte && c.op == 0xAE && simdPrefix(c) != 0 && !(c.memoryForm && c.modrm!.reg == 7)
        },
        rejected("SIMD cell the SDM leaves undefined", "0F 10–7F, C2–C7, D0–FF with a mandatory prefix (or operand kind) Table A-3 does not define",
                 """
                     The SIMD rows of SDM Vol. 2D Table A-3 define each opcode only for some of none/66/F3/F2 (the \
                     last F2/F3 wins, else 66) and some only for memory or register operands; the other cells raise \
                     #UD (checked natively for the cells seen here with Tests/Native). capstone 4 ignores the \
                     prefix and decodes the unprefixed instruction.
                     """,
                 [0xF3, 0x0F, 0x28, 0xC1]) { c in
            guard c.twoByte, let defined = simdCellDefined(c) else { return false }
            return !defined
        },
        rejected("VEX, XOP and EVEX (not modelled)", "C4, C5 (VEX in 64-bit mode), 8F /1–/7 (AMD XOP), 62 (EVEX)",
                 """
                     AVX is outside the baseline; in 64-bit mode C4/C5 always start a VEX prefix (SDM Vol. 2A §2.3.5). \
                     XOP is AMD-only (on Intel 8F /1–/7 is #UD); 62 is #UD in 64-bit mode without AVX-512.
                     """,
                 [0xC5, 0xF8, 0x77]) { c in
            guard c.oneByte else { return false }
            return c.op == 0xC4 || c.op == 0xC5 || c.op == 0x62 || (c.op == 0x8F && (c.modrm?.reg ?? 0) != 0)
        },
        rejected("0F 38 / 0F 3A maps (not modelled)", "0F 38 xx, 0F 3A xx",
                 "SSSE3, SSE4, AES, SHA, MOVBE, CRC32… (SDM Vol. 2D Tables A-4, A-5); beyond the modelled baseline.",
                 [0x0F, 0x38, 0x00, 0xC1]) { c in c.shape.map == 0x0F38 || c.shape.map == 0x0F3A },
        rejected("system and extension opcodes outside the CPUID model",
                 "0F 01 C0–F7/FA–FF, 0F 34, 0F 35, 0F 37, 0F 78, 0F 79, 0F A6, 0F A7, 0F AA, F3 0F B8, 0F C7 (but /1 m64), C6 F8, C7 F8",
                 """
                     VMX, MONITOR/MWAIT, XGETBV/XSETBV, SMAP (CLAC/STAC), TSX (XTEST, XBEGIN, XABORT), SYSENTER/SYSEXIT \
                     (CPUID.01H:EDX.SEP = 0 in the model), GETSEC, POPCNT (CPUID.01H:ECX.POPCNT = 0), RDRAND/RDSEED and \
                     VMPTRLD/VMXON (0F C7 /6 /7), VIA PadLock (0F A6/A7), RSM (#UD outside SMM). The CPUID model does not \
                     advertise any of them (DESIGN.md §8).
                     """,
                 [0x0F, 0x01, 0xD0]) { c in
            if c.oneByte { return (c.op == 0xC6 || c.op == 0xC7) && c.modrm.map { $0.mod == 3 && $0.reg == 7 } == true }
            guard c.twoByte else { return false }
            switch c.op {
            case 0x01: return c.modrm.map { $0.mod == 3 || $0.reg == 5 } == true
            case 0x34, 0x35, 0x37, 0x78, 0x79, 0xA6, 0xA7, 0xAA, 0xB8: return true
            case 0xC7: return c.modrm.map { !($0.mod != 3 && $0.reg == 1) } == true
            default: return false
            }
        },
        rejected("CLFLUSHOPT, and CLFLUSH with F2/F3", "66 0F AE /7 m8; F2|F3 0F AE /7 m8",
                 """
                     66 0F AE /7 is CLFLUSHOPT (SDM Vol. 2A), not in the model (CPUID.(EAX=7,ECX=0):EBX[23] = 0). \
                     With F2/F3 the encoding is not CLFLUSH: native F3 0F AE 38 and F2 0F AE 38 raise #UD, while \
                     capstone 4 decodes them as CLFLUSH.
                     """,
                 [0xF3, 0x0F, 0xAE, 0x38]) { c in
            c.twoByte && c.op == 0xAE && c.memoryForm && c.modrm?.reg == 7 && (c.has(0x66) || c.has(0xF2) || c.has(0xF3))
        },
        rejected("MOV CS", "8E /1", "SDM Vol. 2B MOV: #UD if an attempt is made to load the CS register. capstone 4 decodes it.",
                 [0x8E, 0xC8]) { c in c.oneByte && c.op == 0x8E && c.modrm?.reg == 1 },
    ]

    /// An entry for an encoding emu rejects with #UD while capstone decodes it.
    static func rejected(_ name: String, _ pattern: String, _ resolution: String, _ example: [UInt8],
                         _ state: KnownDisagreement.ExampleState = .disagrees,
                         matches: @escaping @Sendable (DecoderComparison) -> Bool) -> KnownDisagreement {
        KnownDisagreement(name: name, kinds: [.capstoneOnly], pattern: pattern, resolution: resolution,
                          example: example + [UInt8](repeating: 0x90, count: 15 - example.count),
                          exampleState: state, matches: { c in c.emuError == .undefined && matches(c) })
    }
}

/// The effective mandatory prefix of a SIMD instruction: the last F2/F3, else 66, else 0.
func simdPrefix(_ c: DecoderComparison) -> UInt8 {
    let p = c.shape.prefixes
    return p.last(where: { $0 == 0xF2 || $0 == 0xF3 }) ?? (p.contains(0x66) ? 0x66 : 0)
}

/// Whether SDM Vol. 2D Table A-3 (SSE, SSE2, SSE3, MMX rows) defines this cell; nil outside those rows.
/// Written from the table, independently of emu's decoder.
func simdCellDefined(_ c: DecoderComparison) -> Bool? {
    let op = c.op, prefix = simdPrefix(c), mem = c.memoryForm
    let simdRows: Bool
    switch op {
    case 0x10...0x17, 0x28...0x2F, 0x50...0x7F, 0xC2...0xC6, 0xD0...0xFE: simdRows = true
    default: simdRows = false
    }
    guard simdRows, op != 0x78, op != 0x79 else { return nil }   // 0F 78/79: VMREAD/VMWRITE, system rows
    // Operand-kind restrictions that hold for every prefix that defines the cell.
    switch op {
    case 0x13, 0x17, 0x2B, 0xE7, 0xC3: if !mem { return false }      // MOVLP*/MOVHP* stores, MOVNT*, MOVNTI
    case 0x50, 0xC5, 0xD7, 0xF7, 0x71, 0x72, 0x73: if mem { return false }  // MOVMSK, PEXTRW, PMOVMSKB, MASKMOV, shift groups
    case 0xD6 where prefix != 0x66: if mem { return false }          // MOVQ2DQ / MOVDQ2Q
    default: break
    }
    // Shift-by-immediate groups (Table A-6, groups 12–14): /2 /4 /6 for words and dwords, /2 /6 for
    // quadwords, and /3 /7 (PSRLDQ, PSLLDQ) with 66 only.
    if let reg = c.modrm?.reg {
        switch op {
        case 0x71, 0x72: if ![2, 4, 6].contains(reg) { return false }
        case 0x73: if !([2, 6].contains(reg) || (prefix == 0x66 && [3, 7].contains(reg))) { return false }
        default: break
        }
    }
    switch prefix {
    case 0:
        switch op {
        case 0x6C, 0x6D, 0x7C, 0x7D, 0xD0, 0xD6, 0xE6, 0xF0: return false
        default: return true
        }
    case 0x66:
        switch op {
        case 0x12, 0x16: return mem                                   // MOVLPD/MOVHPD take memory only
        case 0x52, 0x53, 0x77, 0xC3: return false
        default: return true
        }
    case 0xF3:
        return [0x10, 0x11, 0x12, 0x16, 0x2A, 0x2C, 0x2D, 0x51, 0x52, 0x53, 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F,
                0x6F, 0x70, 0x7E, 0x7F, 0xC2, 0xD6, 0xE6].contains(op)
    default: // F2
        return [0x10, 0x11, 0x12, 0x2A, 0x2C, 0x2D, 0x51, 0x58, 0x59, 0x5A, 0x5C, 0x5D, 0x5E, 0x5F, 0x70, 0x7C, 0x7D,
                0xC2, 0xD0, 0xD6, 0xE6, 0xF0].contains(op)
    }
}
