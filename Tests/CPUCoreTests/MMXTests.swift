// SPDX-License-Identifier: MIT
// MMX and packed-integer tests (SDM Vol. 1 Chapter 9, Vol. 2 PADDB … PXOR): every integer op on
// MMX and XMM registers against a scalar reference model written lane by lane, plus the x87
// aliasing rules (§9.5) and the MMX-only instructions.
import Testing
@testable import CPUCore
import MMU

/// A scalar model of the packed-integer ops on one 64-bit chunk, independent of SSEInteger.swift.
enum Reference {
    static func lanes(_ x: UInt64, _ bits: Int) -> [Int64] {
        (0..<(64 / bits)).map { Int64(bitPattern: (x >> UInt64($0 * bits)) & (bits == 64 ? ~0 : (1 << UInt64(bits)) - 1)) }
    }
    static func signed(_ v: Int64, _ bits: Int) -> Int64 { bits == 64 ? v : (v << (64 - bits)) >> (64 - bits) }
    static func join(_ l: [Int64], _ bits: Int) -> UInt64 {
        var r: UInt64 = 0
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        for (k, v) in l.enumerated() { r |= (UInt64(bitPattern: v) & mask) << UInt64(k * bits) }
        return r
    }
    static func zipLanes(_ a: UInt64, _ b: UInt64, _ bits: Int, _ f: (Int64, Int64) -> Int64) -> UInt64 {
        join(zip(lanes(a, bits), lanes(b, bits)).map(f), bits)
    }
    static func clamp(_ v: Int64, _ lo: Int64, _ hi: Int64) -> Int64 { min(max(v, lo), hi) }

    /// Lane-wise ops: (name, opcode byte after 0F, function on one chunk).
    static let lanewise: [(String, UInt8, @Sendable (UInt64, UInt64) -> UInt64)] = [
        ("paddb", 0xFC, { zipLanes($0, $1, 8) { $0 + $1 } }),
        ("paddw", 0xFD, { zipLanes($0, $1, 16) { $0 + $1 } }),
        ("paddd", 0xFE, { zipLanes($0, $1, 32) { $0 + $1 } }),
        ("paddq", 0xD4, { $0 &+ $1 }),
        ("psubb", 0xF8, { zipLanes($0, $1, 8) { $0 - $1 } }),
        ("psubw", 0xF9, { zipLanes($0, $1, 16) { $0 - $1 } }),
        ("psubd", 0xFA, { zipLanes($0, $1, 32) { $0 - $1 } }),
        ("psubq", 0xFB, { $0 &- $1 }),
        ("paddsb", 0xEC, { zipLanes($0, $1, 8) { clamp(signed($0, 8) + signed($1, 8), -128, 127) } }),
        ("paddsw", 0xED, { zipLanes($0, $1, 16) { clamp(signed($0, 16) + signed($1, 16), -32768, 32767) } }),
        ("paddusb", 0xDC, { zipLanes($0, $1, 8) { clamp($0 + $1, 0, 255) } }),
        ("paddusw", 0xDD, { zipLanes($0, $1, 16) { clamp($0 + $1, 0, 65535) } }),
        ("psubsb", 0xE8, { zipLanes($0, $1, 8) { clamp(signed($0, 8) - signed($1, 8), -128, 127) } }),
        ("psubsw", 0xE9, { zipLanes($0, $1, 16) { clamp(signed($0, 16) - signed($1, 16), -32768, 32767) } }),
        ("psubusb", 0xD8, { zipLanes($0, $1, 8) { clamp($0 - $1, 0, 255) } }),
        ("psubusw", 0xD9, { zipLanes($0, $1, 16) { clamp($0 - $1, 0, 65535) } }),
        ("pmullw", 0xD5, { zipLanes($0, $1, 16) { $0 * $1 } }),
        ("pmulhw", 0xE5, { zipLanes($0, $1, 16) { (signed($0, 16) * signed($1, 16)) >> 16 } }),
        ("pmulhuw", 0xE4, { zipLanes($0, $1, 16) { ($0 * $1) >> 16 } }),
        ("pmuludq", 0xF4, { ($0 & 0xFFFF_FFFF) &* ($1 & 0xFFFF_FFFF) }),
        ("pmaddwd", 0xF5, { a, b in
            let x = lanes(a, 16).map { signed($0, 16) }, y = lanes(b, 16).map { signed($0, 16) }
            return join([x[0] * y[0] + x[1] * y[1], x[2] * y[2] + x[3] * y[3]], 32)
        }),
        ("pcmpeqb", 0x74, { zipLanes($0, $1, 8) { $0 == $1 ? -1 : 0 } }),
        ("pcmpeqw", 0x75, { zipLanes($0, $1, 16) { $0 == $1 ? -1 : 0 } }),
        ("pcmpeqd", 0x76, { zipLanes($0, $1, 32) { $0 == $1 ? -1 : 0 } }),
        ("pcmpgtb", 0x64, { zipLanes($0, $1, 8) { signed($0, 8) > signed($1, 8) ? -1 : 0 } }),
        ("pcmpgtw", 0x65, { zipLanes($0, $1, 16) { signed($0, 16) > signed($1, 16) ? -1 : 0 } }),
        ("pcmpgtd", 0x66, { zipLanes($0, $1, 32) { signed($0, 32) > signed($1, 32) ? -1 : 0 } }),
        ("pand", 0xDB, { $0 & $1 }), ("pandn", 0xDF, { ~$0 & $1 }), ("por", 0xEB, { $0 | $1 }), ("pxor", 0xEF, { $0 ^ $1 }),
        ("pavgb", 0xE0, { zipLanes($0, $1, 8) { ($0 + $1 + 1) >> 1 } }),
        ("pavgw", 0xE3, { zipLanes($0, $1, 16) { ($0 + $1 + 1) >> 1 } }),
        ("pmaxsw", 0xEE, { zipLanes($0, $1, 16) { max(signed($0, 16), signed($1, 16)) } }),
        ("pmaxub", 0xDE, { zipLanes($0, $1, 8) { max($0, $1) } }),
        ("pminsw", 0xEA, { zipLanes($0, $1, 16) { min(signed($0, 16), signed($1, 16)) } }),
        ("pminub", 0xDA, { zipLanes($0, $1, 8) { min($0, $1) } }),
        ("psadbw", 0xF6, { a, b in UInt64(zip(lanes(a, 8), lanes(b, 8)).map { abs($0 - $1) }.reduce(0, +)) }),
    ]

    static let samples: [(UInt64, UInt64)] = [
        (0x7F80_FF00_0180_7FFF, 0x0180_01FF_FF7F_8001),
        (0x8000_7FFF_FFFF_0001, 0x8000_0001_FFFF_7FFF),
        (0x1234_5678_9ABC_DEF0, 0x0FED_CBA9_8765_4321),
        (0xFFFF_FFFF_FFFF_FFFF, 0x0000_0000_0000_0000),
        (0x8000_0000_7FFF_FFFF, 0x8000_0000_8000_0000),
    ]
}

@Suite struct PackedIntegerTests {
    @Test(arguments: Reference.lanewise.map { ($0.0, $0.1) })
    func lanewiseOnMMXAndXMM(_ op: (String, UInt8)) {
        let f = Reference.lanewise.first { $0.0 == op.0 }!.2
        let m = TestMachine()
        for (a, b) in Reference.samples {
            m.cpu.setMM(1, a); m.cpu.setMM(2, b)
            #expect(m.exec([0x0F, op.1, 0xCA]) == .halt)                       // op mm1, mm2
            #expect(m.cpu.mm(1) == f(a, b), "\(op.0) mm")
            m.setXMM(1, V128(lo: a, hi: b)); m.setXMM(2, V128(lo: b, hi: a))
            #expect(m.exec([0x66, 0x0F, op.1, 0xCA]) == .halt)                 // op xmm1, xmm2
            #expect(m.xmm(1) == V128(lo: f(a, b), hi: f(b, a)), "\(op.0) xmm")
        }
    }

    @Test func memoryOperandAlignment() {
        let m = TestMachine()
        let d = TestMachine.data
        m.ram.write(d + 8, UInt64(0x0101_0101_0101_0101))
        m.cpu.setMM(1, 0x0102_0304_0506_0708)
        m[Reg.rax] = d + 8
        #expect(m.exec([0x0F, 0xFC, 0x08]) == .halt)                          // paddb mm1, [rax]: m64, any alignment
        #expect(m.cpu.mm(1) == 0x0203_0405_0607_0809)
        #expect(m.exec([0x66, 0x0F, 0xFC, 0x08]) == exceptionGP)               // paddb xmm1, [rax+8]: #GP
        // PUNPCKLBW/WD/DQ mm, m32 read 4 bytes: the last 4 bytes before an unmapped page do not fault.
        m.ram.write(0x3000 + 2 * 8, UInt64(0))                                  // unmap 0x400000…0x5FFFFF
        m.mmu.flushTLB()
        m[Reg.rax] = 0x40_0000 - 4
        m.ram.write(0x40_0000 - 4, UInt32(0x1312_1110))
        m.cpu.setMM(1, 0x0706_0504_0302_0100)
        #expect(m.exec([0x0F, 0x60, 0x08]) == .halt)                          // punpcklbw mm1, [rax]
        #expect(m.cpu.mm(1) == 0x1303_1202_1101_1000)
    }

    @Test func shifts() {
        let m = TestMachine()
        let v: UInt64 = 0x8000_7FFF_F0F0_0001
        // (name, group opcode, ModRM.reg, register-count opcode, reference)
        let ops: [(String, UInt8, UInt8, UInt8, (UInt64, UInt64) -> UInt64)] = [
            ("psrlw", 0x71, 2, 0xD1, { x, c in c > 15 ? 0 : Reference.join(Reference.lanes(x, 16).map { $0 >> Int64(c) }, 16) }),
            ("psraw", 0x71, 4, 0xE1, { x, c in Reference.join(Reference.lanes(x, 16).map { Reference.signed($0, 16) >> Int64(min(c, 15)) }, 16) }),
            ("psllw", 0x71, 6, 0xF1, { x, c in c > 15 ? 0 : Reference.join(Reference.lanes(x, 16).map { $0 << Int64(c) }, 16) }),
            ("psrld", 0x72, 2, 0xD2, { x, c in c > 31 ? 0 : Reference.join(Reference.lanes(x, 32).map { $0 >> Int64(c) }, 32) }),
            ("psrad", 0x72, 4, 0xE2, { x, c in Reference.join(Reference.lanes(x, 32).map { Reference.signed($0, 32) >> Int64(min(c, 31)) }, 32) }),
            ("pslld", 0x72, 6, 0xF2, { x, c in c > 31 ? 0 : Reference.join(Reference.lanes(x, 32).map { $0 << Int64(c) }, 32) }),
            ("psrlq", 0x73, 2, 0xD3, { x, c in c > 63 ? 0 : x >> c }),
            ("psllq", 0x73, 6, 0xF3, { x, c in c > 63 ? 0 : x << c }),
        ]
        for (name, group, reg, rop, f) in ops {
            for c in [UInt64(0), 1, 4, 15, 16, 31, 32, 63, 64, 255] {
                m.cpu.setMM(1, v)
                m.exec([0x0F, group, 0xC0 | reg << 3 | 1, UInt8(c)])             // op mm1, imm8
                #expect(m.cpu.mm(1) == f(v, c), "\(name) mm, \(c)")
                m.setXMM(1, V128(lo: v, hi: ~v))
                m.exec([0x66, 0x0F, group, 0xC0 | reg << 3 | 1, UInt8(c)])       // op xmm1, imm8
                #expect(m.xmm(1) == V128(lo: f(v, c), hi: f(~v, c)), "\(name) xmm, \(c)")
            }
            for c: UInt64 in [3, 17, 0x1_0000_0001] {                            // the full 64-bit count counts
                m.setXMM(1, V128(lo: v, hi: ~v)); m.setXMM(2, V128(lo: c, hi: 0))
                m.exec([0x66, 0x0F, rop, 0xCA])                                  // op xmm1, xmm2
                #expect(m.xmm(1) == V128(lo: f(v, c), hi: f(~v, c)), "\(name) xmm, xmm \(c)")
                m.cpu.setMM(1, v); m.cpu.setMM(2, c)
                m.exec([0x0F, rop, 0xCA])                                        // op mm1, mm2
                #expect(m.cpu.mm(1) == f(v, c), "\(name) mm, mm \(c)")
            }
        }
    }

    @Test func packsAndUnpacks() {
        let m = TestMachine()
        let a: UInt64 = 0x8000_7FFF_0080_FF7F, b: UInt64 = 0x0001_FFFF_0100_FF80
        m.cpu.setMM(1, a); m.cpu.setMM(2, b)
        m.exec([0x0F, 0x63, 0xCA])                                                // packsswb mm1, mm2
        #expect(m.cpu.mm(1) == 0x01FF_7F80_807F_7F80)
        m.cpu.setMM(1, a)
        m.exec([0x0F, 0x67, 0xCA])                                                // packuswb
        #expect(m.cpu.mm(1) == 0x0100_FF00_00FF_8000)
        m.cpu.setMM(1, a)
        m.exec([0x0F, 0x6B, 0xCA])                                                // packssdw
        #expect(m.cpu.mm(1) == 0x7FFF_7FFF_8000_7FFF)
        m.cpu.setMM(1, 0x0706_0504_0302_0100); m.cpu.setMM(2, 0x1716_1514_1312_1110)
        m.exec([0x0F, 0x60, 0xCA])                                                // punpcklbw
        #expect(m.cpu.mm(1) == 0x1303_1202_1101_1000)
        m.cpu.setMM(1, 0x0706_0504_0302_0100)
        m.exec([0x0F, 0x6A, 0xCA])                                                // punpckhdq
        #expect(m.cpu.mm(1) == 0x1716_1514_0706_0504)
        let x = V128(lo: 0x0706_0504_0302_0100, hi: 0x0F0E_0D0C_0B0A_0908)
        let y = V128(lo: 0x1716_1514_1312_1110, hi: 0x1F1E_1D1C_1B1A_1918)
        func run(_ op: UInt8) -> V128 { m.setXMM(1, x); m.setXMM(2, y); m.exec([0x66, 0x0F, op, 0xCA]); return m.xmm(1) }
        #expect(run(0x60) == V128(lo: 0x1303_1202_1101_1000, hi: 0x1707_1606_1505_1404))   // punpcklbw
        #expect(run(0x69) == V128(lo: 0x1B1A_0B0A_1918_0908, hi: 0x1F1E_0F0E_1D1C_0D0C))   // punpckhwd
        #expect(run(0x62) == V128(lo: 0x1312_1110_0302_0100, hi: 0x1716_1514_0706_0504))   // punpckldq
        #expect(run(0x6C) == V128(lo: x.lo, hi: y.lo))                                     // punpcklqdq
        #expect(run(0x6D) == V128(lo: x.hi, hi: y.hi))                                     // punpckhqdq
        m.setXMM(1, V128(lo: a, hi: b)); m.setXMM(2, V128(lo: b, hi: a))
        m.exec([0x66, 0x0F, 0x63, 0xCA])                                          // packsswb xmm1, xmm2
        #expect(m.xmm(1) == V128(lo: 0x01FF_7F80_807F_7F80, hi: 0x807F_7F80_01FF_7F80))
    }
}

@Suite struct MMXTests {
    /// MMi is the significand of physical register Ri, whatever TOP is (SDM Vol. 1 §9.5).
    @Test func aliasingAndTransition() {
        let m = TestMachine()
        m.cpu.x87.statusWord = 3 << 11                                            // TOP = 3
        m.cpu.x87.ftw = 0xFFFF
        m[Reg.rax] = 0x1122_3344_5566_7788
        #expect(m.exec([0x48, 0x0F, 0x6E, 0xC0]) == .halt)                       // movq mm0, rax
        #expect(m.cpu.x87.load(physical: 0) == Ext80(sig: 0x1122_3344_5566_7788, se: 0xFFFF))
        #expect(m.cpu.x87.top == 0 && m.cpu.x87.ftw == 0)
        m.exec([0x0F, 0x77])                                                      // emms
        #expect(m.cpu.x87.ftw == 0xFFFF && m.cpu.x87.top == 0)
        // A read-only MMX instruction still sets TOP = 0 and all tags valid.
        m.cpu.x87.statusWord = 5 << 11
        m.exec([0x0F, 0x7E, 0xC1])                                                // movd ecx, mm0
        #expect(m[Reg.rcx] == 0x5566_7788 && m.cpu.x87.top == 0 && m.cpu.x87.ftw == 0)
    }

    @Test func pendingX87ExceptionIsMF() {
        let m = TestMachine()
        m.cpu.x87.fsw = 0x81                                                      // ES + IE
        #expect(m.exec([0x0F, 0xEF, 0xC0]) == .exception(CPUException(CPUException.MF)))   // pxor mm0, mm0
        #expect(m.exec([0x0F, 0x77]) == .exception(CPUException(CPUException.MF)))         // emms
        #expect(m.exec([0x66, 0x0F, 0xEF, 0xC0]) == .halt)                                  // pxor xmm0, xmm0
    }

    @Test func movesAndMemory() {
        let m = TestMachine()
        let d = TestMachine.data
        m[Reg.rax] = d
        m.ram.write(d, UInt64(0xCAFE_BABE_DEAD_BEEF))
        m.exec([0x0F, 0x6F, 0x18])                                                // movq mm3, [rax]
        #expect(m.cpu.mm(3) == 0xCAFE_BABE_DEAD_BEEF)
        m.exec([0x0F, 0x6F, 0xE3])                                                // movq mm4, mm3
        m.exec([0x0F, 0x7F, 0x60, 0x08])                                          // movq [rax+8], mm4
        #expect(m.ram.read(d + 8, as: UInt64.self) == 0xCAFE_BABE_DEAD_BEEF)
        m.exec([0x0F, 0xE7, 0x60, 0x10])                                          // movntq [rax+16], mm4
        #expect(m.ram.read(d + 16, as: UInt64.self) == 0xCAFE_BABE_DEAD_BEEF)
        m.exec([0x0F, 0x6E, 0x28])                                                // movd mm5, [rax]
        #expect(m.cpu.mm(5) == 0xDEAD_BEEF)
        m.exec([0x0F, 0x7E, 0x58, 0x18])                                          // movd [rax+24], mm3
        #expect(m.ram.read(d + 24, as: UInt64.self) == 0xDEAD_BEEF)
        m.setXMM(2, V128(lo: 0x1111, hi: 0x2222))
        m.exec([0xF2, 0x0F, 0xD6, 0xCA])                                          // movdq2q mm1, xmm2
        #expect(m.cpu.mm(1) == 0x1111)
        m.exec([0xF3, 0x0F, 0xD6, 0xDB])                                          // movq2dq xmm3, mm3
        #expect(m.xmm(3) == V128(lo: 0xCAFE_BABE_DEAD_BEEF, hi: 0))
    }

    @Test func sseExtensionsOnMMX() {
        let m = TestMachine()
        m.cpu.setMM(2, 0x0004_0003_0002_0001)
        m.exec([0x0F, 0x70, 0xCA, 0x1B])                                          // pshufw mm1, mm2, 0x1B
        #expect(m.cpu.mm(1) == 0x0001_0002_0003_0004)
        m.exec([0x0F, 0xC5, 0xC2, 0x02])                                          // pextrw eax, mm2, 2
        #expect(m[Reg.rax] == 3)
        m[Reg.rcx] = 0xBEEF
        m.exec([0x0F, 0xC4, 0xD1, 0x03])                                          // pinsrw mm2, ecx, 3
        #expect(m.cpu.mm(2) == 0xBEEF_0003_0002_0001)
        m.exec([0x0F, 0xD7, 0xC2])                                                // pmovmskb eax, mm2
        #expect(m[Reg.rax] == 0b1100_0000)
        let d = TestMachine.data
        m.ram.write(d, UInt64(0))
        m[Reg.rdi] = d
        m.cpu.setMM(1, 0x8877_6655_4433_2211); m.cpu.setMM(2, 0x8000_0000_0000_0080)
        m.exec([0x0F, 0xF7, 0xCA])                                                // maskmovq mm1, mm2
        #expect(m.ram.read(d, as: UInt64.self) == 0x8800_0000_0000_0011)
    }
}
