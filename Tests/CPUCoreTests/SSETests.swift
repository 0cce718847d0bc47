// SPDX-License-Identifier: MIT
// SSE/SSE2 instruction tests: instruction bytes in hex, expected values computed independently
// (host Float/Double arithmetic, hand-computed lanes). SDM Vol. 2 entries of each mnemonic.
import Testing
@testable import CPUCore
import MMU
import Glibc

// MARK: - Helpers

extension TestMachine {
    /// Runs `bytes` in hosted mode, so a fault comes back as `.exception`.
    @discardableResult
    func exec(_ bytes: [UInt8]) -> CPUExit {
        cpu.hostedKernel = true
        return run(bytes)
    }

    func xmm(_ n: Int) -> V128 { V128(lo: cpu.sse.lo(n), hi: cpu.sse.hi(n)) }
    func setXMM(_ n: Int, _ v: V128) { cpu.sse.set(n, lo: v.lo, hi: v.hi) }
    func ps(_ n: Int) -> [Float] { (0..<4).map { Float(bitPattern: xmm(n).single($0)) } }
    func pd(_ n: Int) -> [Double] { [Double(bitPattern: xmm(n).lo), Double(bitPattern: xmm(n).hi)] }
    var mxcsrFlags: UInt32 { cpu.sse.mxcsr & 0x3F }
}

func f32x4(_ a: Float, _ b: Float, _ c: Float, _ d: Float) -> V128 {
    V128(lo: UInt64(a.bitPattern) | UInt64(b.bitPattern) << 32, hi: UInt64(c.bitPattern) | UInt64(d.bitPattern) << 32)
}
func f64x2(_ a: Double, _ b: Double) -> V128 { V128(lo: a.bitPattern, hi: b.bitPattern) }
func bitsF(_ v: UInt32) -> Float { Float(bitPattern: v) }

let exceptionXM = CPUExit.exception(CPUException(CPUException.XM))
let exceptionUD = CPUExit.exception(CPUException(CPUException.UD))
let exceptionGP = CPUExit.exception(CPUException(CPUException.GP, errorCode: 0))
let exceptionNM = CPUExit.exception(CPUException(CPUException.NM))

@Suite struct SSEArithmeticTests {
    /// reg-reg forms of the seven arithmetic families: (bytes, single?, packed?, host operation).
    static let forms: [(String, [UInt8], Bool, Bool)] = [
        ("addps", [0x0F, 0x58, 0xCA], true, true), ("addss", [0xF3, 0x0F, 0x58, 0xCA], true, false),
        ("addpd", [0x66, 0x0F, 0x58, 0xCA], false, true), ("addsd", [0xF2, 0x0F, 0x58, 0xCA], false, false),
        ("subps", [0x0F, 0x5C, 0xCA], true, true), ("subsd", [0xF2, 0x0F, 0x5C, 0xCA], false, false),
        ("mulps", [0x0F, 0x59, 0xCA], true, true), ("mulpd", [0x66, 0x0F, 0x59, 0xCA], false, true),
        ("divss", [0xF3, 0x0F, 0x5E, 0xCA], true, false), ("divpd", [0x66, 0x0F, 0x5E, 0xCA], false, true),
        ("sqrtps", [0x0F, 0x51, 0xCA], true, true), ("sqrtsd", [0xF2, 0x0F, 0x51, 0xCA], false, false),
        ("minps", [0x0F, 0x5D, 0xCA], true, true), ("maxsd", [0xF2, 0x0F, 0x5F, 0xCA], false, false),
    ]

    static func hostF(_ name: String, _ a: Float, _ b: Float) -> Float {
        switch name.prefix(3) {
        case "add": return a + b
        case "sub": return a - b
        case "mul": return a * b
        case "div": return a / b
        case "sqr": return b.squareRoot()
        case "min": return a < b ? a : b
        default: return a > b ? a : b
        }
    }

    static func hostD(_ name: String, _ a: Double, _ b: Double) -> Double {
        switch name.prefix(3) {
        case "add": return a + b
        case "sub": return a - b
        case "mul": return a * b
        case "div": return a / b
        case "sqr": return b.squareRoot()
        case "min": return a < b ? a : b
        default: return a > b ? a : b
        }
    }

    @Test(arguments: forms)
    func matchesHostArithmetic(_ form: (String, [UInt8], Bool, Bool)) {
        let (name, bytes, single, packed) = form
        let m = TestMachine()
        let a: [Float] = [1.5, -3.25, 1e30, 7], b: [Float] = [0.1, 2, 3e10, -0.0]
        let ad: [Double] = [1.0 / 3.0, -2e300], bd: [Double] = [7.25, 3e10]
        m.setXMM(1, single ? f32x4(a[0], a[1], a[2], a[3]) : f64x2(ad[0], ad[1]))
        m.setXMM(2, single ? f32x4(b[0], b[1], b[2], b[3]) : f64x2(bd[0], bd[1]))
        #expect(m.exec(bytes) == .halt)
        if single {
            let r = m.ps(1)
            for k in 0..<4 {
                let want = packed || k == 0 ? Self.hostF(name, a[k], b[k]) : a[k]
                #expect(r[k].bitPattern == want.bitPattern, "\(name) lane \(k)")
            }
        } else {
            let r = m.pd(1)
            for k in 0..<2 {
                let want = packed || k == 0 ? Self.hostD(name, ad[k], bd[k]) : ad[k]
                #expect(r[k].bitPattern == want.bitPattern, "\(name) lane \(k)")
            }
        }
    }

    @Test func memoryOperandsAndAlignment() {
        let m = TestMachine()
        let d = TestMachine.data
        m.ram.write(d, f32x4(1, 2, 3, 4).lo); m.ram.write(d + 8, f32x4(1, 2, 3, 4).hi)
        m.setXMM(1, f32x4(10, 20, 30, 40))
        m[Reg.rax] = d
        #expect(m.exec([0x0F, 0x58, 0x08]) == .halt)                 // addps xmm1, [rax]
        #expect(m.ps(1) == [11, 22, 33, 44])
        m[Reg.rax] = d + 4
        #expect(m.exec([0x0F, 0x58, 0x08]) == exceptionGP)           // misaligned m128: #GP(0)
        #expect(m.ps(1) == [11, 22, 33, 44])
        #expect(m.exec([0xF3, 0x0F, 0x58, 0x08]) == .halt)           // addss xmm1, [rax]: m32, no alignment
        #expect(m.ps(1) == [13, 22, 33, 44])
    }

    /// Rounding control: 1/3 and 1 + 2⁻³⁰ under the four MXCSR.RC modes.
    @Test func roundingModes() {
        let third = Float(1) / 3                                    // round to nearest rounds up here
        let expectations: [(UInt32, Float, Float)] = [
            (0, third, 1), (1, third.nextDown, 1), (2, third, Float(1).nextUp), (3, third.nextDown, 1),
        ]
        for (rc, wantDiv, wantAdd) in expectations {
            let m = TestMachine()
            m.cpu.sse.mxcsr = 0x1F80 | rc << 13
            m.setXMM(1, f32x4(1, 1, 0, 0)); m.setXMM(2, f32x4(3, 0x1p-30, 0, 0))
            m.exec([0xF3, 0x0F, 0x5E, 0xCA])                         // divss xmm1, xmm2
            #expect(m.ps(1)[0] == wantDiv, "RC \(rc)")
            m.setXMM(1, f32x4(1, 0, 0, 0)); m.setXMM(2, f32x4(0x1p-30, 0, 0, 0))
            m.exec([0xF3, 0x0F, 0x58, 0xCA])                         // addss xmm1, xmm2
            #expect(m.ps(1)[0] == wantAdd, "RC \(rc)")
            #expect(m.mxcsrFlags == MXCSR.pe)
        }
        let m = TestMachine()
        m.cpu.sse.mxcsr = 0x1F80 | 1 << 13                           // round down: -1/3 rounds away from zero
        m.setXMM(1, f64x2(-1, 0)); m.setXMM(2, f64x2(3, 0))
        m.exec([0xF2, 0x0F, 0x5E, 0xCA])                             // divsd
        #expect(m.pd(1)[0] == (-1.0 / 3.0).nextDown)
    }

    /// The C shim's STMXCSR/LDMXCSR reach the MXCSR glibc's fenv sees, and an operation in another
    /// rounding mode leaves the host's mode as it was.
    @Test func hostMXCSRMatchesGlibcAndIsRestored() {
        var env = fenv_t()
        fegetenv(&env)
        let host = env.__mxcsr
        #expect(HostMXCSR.get() == host)
        HostMXCSR.set(0x1F80 | 3 << 13)                                          // toward zero
        fegetenv(&env)
        #expect(env.__mxcsr == 0x1F80 | 3 << 13)
        HostMXCSR.set(host)
        let m = TestMachine()
        m.cpu.sse.mxcsr = 0x1F80 | 2 << 13 | MXCSR.daz                         // round up, DAZ
        m.setXMM(1, f32x4(1, bitsF(1), -1, 0)); m.setXMM(2, f32x4(3, 1, 3, 1))
        m.exec([0x0F, 0x5E, 0xCA])                                             // divps
        #expect(m.ps(1)[0] == Float(1) / 3 && m.ps(1)[1] == 0)                 // rounded up; DAZ: 0/1
        #expect(m.ps(1)[2] == -(Float(1) / 3).nextDown)
        #expect(m.mxcsrFlags == MXCSR.pe)
        fegetenv(&env)
        #expect(env.__mxcsr & ~MXCSR.flags == host & ~MXCSR.flags)              // host mode restored
    }

    @Test func nanPropagation() {
        let m = TestMachine()
        let q1: UInt32 = 0x7FC0_0001, q2: UInt32 = 0xFFC0_0002, s1: UInt32 = 0x7F80_0003
        m.setXMM(1, V128(lo: UInt64(q1) | UInt64(s1) << 32, hi: UInt64(0x3F80_0000) | UInt64(q1) << 32))
        m.setXMM(2, V128(lo: UInt64(q2) | UInt64(0x3F80_0000) << 32, hi: UInt64(s1) | UInt64(q2) << 32))
        m.exec([0x0F, 0x58, 0xCA])                                     // addps
        let r = m.xmm(1)
        #expect(r.single(0) == q1)                                     // both NaN: the first operand
        #expect(r.single(1) == s1 | 0x40_0000)                         // SNaN quieted
        #expect(r.single(2) == s1 | 0x40_0000)                         // NaN in the source only
        #expect(r.single(3) == q1)
        #expect(m.mxcsrFlags == MXCSR.ie)
        // Invalid operation: the default NaN.
        m.cpu.sse.mxcsr = 0x1F80
        m.setXMM(1, f32x4(0, .infinity, 0, 0)); m.setXMM(2, f32x4(0, -.infinity, 0, 0))
        m.exec([0x0F, 0x58, 0xCA])
        #expect(m.xmm(1).single(1) == 0xFFC0_0000 && m.mxcsrFlags == MXCSR.ie)
        m.setXMM(1, f64x2(0, 0)); m.setXMM(2, f64x2(0, 1))
        m.exec([0x66, 0x0F, 0x5E, 0xCA])                               // divpd: 0/0, 0/1
        #expect(m.xmm(1).lo == 0xFFF8_0000_0000_0000 && m.pd(1)[1] == 0)
    }

    @Test func exceptionFlags() {
        let m = TestMachine()
        func run(_ bytes: [UInt8], _ a: Float, _ b: Float, mxcsr: UInt32 = 0x1F80) -> (Float, UInt32) {
            m.cpu.sse.mxcsr = mxcsr
            m.setXMM(1, f32x4(a, 0, 0, 0)); m.setXMM(2, f32x4(b, 0, 0, 0))
            m.exec(bytes)
            return (m.ps(1)[0], m.mxcsrFlags)
        }
        let divss: [UInt8] = [0xF3, 0x0F, 0x5E, 0xCA], mulss: [UInt8] = [0xF3, 0x0F, 0x59, 0xCA]
        let addss: [UInt8] = [0xF3, 0x0F, 0x58, 0xCA]
        #expect(run(divss, 1, 0) == (.infinity, MXCSR.ze))
        #expect(run(mulss, .greatestFiniteMagnitude, 2) == (.infinity, MXCSR.oe | MXCSR.pe))
        #expect(run(mulss, 0x1p-100, 0x1p-40) == (0x1p-140, 0))         // exact tiny: no masked #U
        let tiny = run(mulss, 0x1.000002p-100, 0x1.8p-40)
        #expect(tiny.0 == Float(0x1.000002p-100 as Double * 0x1.8p-40) && tiny.1 == MXCSR.ue | MXCSR.pe)
        let den = Float.leastNonzeroMagnitude * 8
        #expect(run(addss, den, 1) == (1, MXCSR.de | MXCSR.pe))
        // DAZ: a denormal input reads as zero and DE is not reported.
        #expect(run(addss, den, 0, mxcsr: 0x1F80 | MXCSR.daz) == (0, 0))
        // FTZ: a tiny result becomes zero with UE and PE.
        #expect(run(mulss, 0x1.000002p-100, 0x1.8p-40, mxcsr: 0x1F80 | MXCSR.ftz) == (0, MXCSR.ue | MXCSR.pe))
        // Flags are sticky.
        m.cpu.sse.mxcsr = 0x1F80 | MXCSR.ze
        m.setXMM(1, f32x4(1, 0, 0, 0)); m.setXMM(2, f32x4(2, 0, 0, 0))
        m.exec(addss)
        #expect(m.mxcsrFlags == MXCSR.ze)
    }

    @Test func unmaskedExceptionsFault() {
        let m = TestMachine()
        m.cpu.sse.mxcsr = 0x1F80 & ~(1 << 9)                           // ZM clear
        m.setXMM(1, f32x4(1, 2, 3, 4)); m.setXMM(2, f32x4(0, 1, 1, 1))
        #expect(m.exec([0x0F, 0x5E, 0xCA]) == exceptionXM)             // divps: 1/0 in lane 0
        #expect(m.ps(1) == [1, 2, 3, 4])                               // destination unchanged
        #expect(m.cpu.sse.mxcsr & 0x3F == MXCSR.ze)
        #expect(m.cpu.rip == TestMachine.code)
        // A masked inexact in another lane: post-computation flags are not set when a
        // pre-computation exception is unmasked.
        m.cpu.sse.mxcsr = 0x1F80 & ~(1 << 9)
        m.setXMM(1, f32x4(1, 1, 3, 4)); m.setXMM(2, f32x4(0, 3, 1, 1))
        #expect(m.exec([0x0F, 0x5E, 0xCA]) == exceptionXM)
        #expect(m.cpu.sse.mxcsr & 0x3F == MXCSR.ze)
        // Unmasked precision (post-computation): all flags set, no result written.
        m.cpu.sse.mxcsr = 0x1F80 & ~(1 << 12)
        m.setXMM(1, f32x4(1, 0, 0, 0)); m.setXMM(2, f32x4(3, 0, 0, 0))
        #expect(m.exec([0xF3, 0x0F, 0x5E, 0xCA]) == exceptionXM)
        #expect(m.ps(1)[0] == 1 && m.mxcsrFlags == MXCSR.pe)
        // Unmasked underflow reports an exact tiny result too.
        m.cpu.sse.mxcsr = 0x1F80 & ~(1 << 11)
        m.setXMM(1, f32x4(0x1p-100, 0, 0, 0)); m.setXMM(2, f32x4(0x1p-40, 0, 0, 0))
        #expect(m.exec([0xF3, 0x0F, 0x59, 0xCA]) == exceptionXM)
        #expect(m.mxcsrFlags == MXCSR.ue)
        // With OM or UM clear, PE means "inexact with an unbounded exponent" (measured on the host).
        func unmasked(_ mask: UInt32, _ a: Double, _ b: Double) -> UInt32 {
            m.cpu.sse.mxcsr = 0x1F80 & ~mask
            m.setXMM(1, f64x2(a, 0)); m.setXMM(2, f64x2(b, 0))
            #expect(m.exec([0xF2, 0x0F, 0x59, 0xCA]) == exceptionXM)           // mulsd
            #expect(m.pd(1)[0] == a)
            return m.mxcsrFlags
        }
        #expect(unmasked(1 << 10, 0x1p1000, 0x1p30) == MXCSR.oe)
        #expect(unmasked(1 << 10, 0x1.0000000000001p1000, 0x1.0000000000001p30) == MXCSR.oe | MXCSR.pe)
        #expect(unmasked(1 << 11, 0x1.0000000000001p-1000, 0x1p-60) == MXCSR.ue)  // inexact only once denormalized
        #expect(unmasked(1 << 11, 0x1.8p-1000, 0x1.0000000000001p-60) == MXCSR.ue | MXCSR.pe)
        // Without CR4.OSXMMEXCPT the fault is #UD.
        m.cpu.setControlRegister(4, m.cpu.cr4 & ~(1 << 10))
        m.cpu.sse.mxcsr = 0x1F80 & ~(1 << 9)
        m.setXMM(1, f32x4(1, 0, 0, 0)); m.setXMM(2, f32x4(0, 0, 0, 0))
        #expect(m.exec([0xF3, 0x0F, 0x5E, 0xCA]) == exceptionUD)
    }

    /// MIN/MAX return the second operand when either is NaN or both are zero (SDM "MINPS").
    @Test func minMaxSecondOperandRule() {
        let m = TestMachine()
        m.setXMM(1, f32x4(0, -0.0, .nan, 1)); m.setXMM(2, f32x4(-0.0, 0, 2, .nan))
        m.exec([0x0F, 0x5D, 0xCA])                                     // minps
        let r = m.xmm(1)
        #expect(r.single(0) == 0x8000_0000 && r.single(1) == 0 && bitsF(r.single(2)) == 2 && bitsF(r.single(3)).isNaN)
        #expect(m.mxcsrFlags == MXCSR.ie)                              // any NaN is invalid for MIN/MAX
        m.cpu.sse.mxcsr = 0x1F80
        m.setXMM(1, f64x2(3, -1)); m.setXMM(2, f64x2(2, -0.5))
        m.exec([0x66, 0x0F, 0x5F, 0xCA])                               // maxpd
        #expect(m.pd(1) == [3, -0.5] && m.mxcsrFlags == 0)
    }

    @Test func reciprocalApproximations() {
        let m = TestMachine()
        let den = bitsF(0x0000_0100)
        m.setXMM(2, f32x4(4, -0.0, den, .infinity))
        m.exec([0x0F, 0x53, 0xCA])                                     // rcpps
        let r = m.xmm(1)
        #expect(bitsF(r.single(0)) == 0.25 && r.single(1) == 0xFF80_0000 && r.single(2) == 0x7F80_0000 && r.single(3) == 0)
        m.setXMM(2, f32x4(0x1p127, 0, 0, 0))
        m.exec([0x0F, 0x53, 0xCA])
        #expect(m.xmm(1).single(0) == 0)                               // tiny results flush to zero
        m.setXMM(2, f32x4(16, -4, 0, .infinity))
        m.exec([0x0F, 0x52, 0xCA])                                     // rsqrtps
        let s = m.xmm(1)
        #expect(bitsF(s.single(0)) == 0.25 && s.single(1) == 0xFFC0_0000 && s.single(2) == 0x7F80_0000 && s.single(3) == 0)
        m.setXMM(1, f32x4(9, 9, 9, 9)); m.setXMM(2, f32x4(0.5, 7, 7, 7))
        m.exec([0xF3, 0x0F, 0x53, 0xCA])                               // rcpss
        #expect(m.ps(1) == [2, 9, 9, 9] && m.mxcsrFlags == 0)
    }

    @Test func logical() {
        let m = TestMachine()
        let a = V128(lo: 0xFF00_FF00_1234_5678, hi: 0xAAAA_5555_0000_FFFF)
        let b = V128(lo: 0x0F0F_0F0F_FFFF_0000, hi: 0x1234_5678_9ABC_DEF0)
        for (bytes, f) in [([UInt8]([0x0F, 0x54, 0xCA]), { (x: UInt64, y: UInt64) in x & y }),
                           ([0x66, 0x0F, 0x55, 0xCA], { ~$0 & $1 }), ([0x0F, 0x56, 0xCA], { $0 | $1 }),
                           ([0x66, 0x0F, 0x57, 0xCA], { $0 ^ $1 })] {
            m.setXMM(1, a); m.setXMM(2, b)
            m.exec(bytes)
            #expect(m.xmm(1) == V128(lo: f(a.lo, b.lo), hi: f(a.hi, b.hi)))
        }
    }
}

@Suite struct SSECompareTests {
    /// CMPPS predicates against (1,2), (2,2), (3,2), (NaN,2): EQ LT LE UNORD NEQ NLT NLE ORD.
    @Test(arguments: 0..<8)
    func cmppsPredicates(_ p: Int) {
        let m = TestMachine()
        m.setXMM(1, f32x4(1, 2, 3, .nan)); m.setXMM(2, f32x4(2, 2, 2, 2))
        m.exec([0x0F, 0xC2, 0xCA, UInt8(p)])
        let truth: [[Bool]] = [
            [false, true, false, false], [true, false, false, false], [true, true, false, false],
            [false, false, false, true], [true, false, true, true], [false, true, true, true],
            [false, false, true, true], [true, true, true, false],
        ]
        for k in 0..<4 { #expect(m.xmm(1).single(k) == (truth[p][k] ? 0xFFFF_FFFF : 0), "predicate \(p) lane \(k)") }
        // LT LE NLT NLE signal invalid on a QNaN; EQ UNORD NEQ ORD do not.
        #expect(m.mxcsrFlags == ([1, 2, 5, 6].contains(p) ? MXCSR.ie : 0))
    }

    @Test func cmpScalarAndDouble() {
        let m = TestMachine()
        m.setXMM(1, f64x2(1, 5)); m.setXMM(2, f64x2(1, 0))
        m.exec([0xF2, 0x0F, 0xC2, 0xCA, 0x00])                           // cmpeqsd
        #expect(m.xmm(1) == V128(lo: ~0, hi: Double(5).bitPattern))
        m.setXMM(1, f32x4(1, 5, 6, 7)); m.setXMM(2, f32x4(2, 0, 0, 0))
        m.exec([0xF3, 0x0F, 0xC2, 0xCA, 0x01])                           // cmpltss
        #expect(m.xmm(1).single(0) == 0xFFFF_FFFF && m.ps(1)[1...] == [5, 6, 7])
        m.setXMM(1, f64x2(1, .nan)); m.setXMM(2, f64x2(1, 1))
        m.exec([0x66, 0x0F, 0xC2, 0xCA, 0x04])                           // cmpneqpd
        #expect(m.xmm(1) == V128(lo: 0, hi: ~0))
    }

    @Test func comisSetsZFPFCF() {
        let m = TestMachine()
        let cases: [(Float, Float, UInt64)] = [
            (1, 2, RFlags.cf), (2, 1, 0), (2, 2, RFlags.zf), (-0.0, 0, RFlags.zf),
            (.nan, 1, RFlags.zf | RFlags.pf | RFlags.cf),
        ]
        for (a, b, want) in cases {
            for bytes in [[UInt8]([0x0F, 0x2F, 0xCA]), [0x0F, 0x2E, 0xCA]] {
                m.cpu.rflags = 0x2 | RFlags.of | RFlags.sf | RFlags.af
                m.setXMM(1, f32x4(a, 0, 0, 0)); m.setXMM(2, f32x4(b, 0, 0, 0))
                m.exec(bytes)
                #expect(m.cpu.rflags & RFlags.status == want, "\(a) vs \(b)")
            }
        }
        // COMISS signals invalid for a QNaN, UCOMISS does not; both do for an SNaN.
        m.cpu.sse.mxcsr = 0x1F80
        m.setXMM(1, f32x4(.nan, 0, 0, 0))
        m.exec([0x0F, 0x2E, 0xCA])
        #expect(m.mxcsrFlags == 0)
        m.exec([0x0F, 0x2F, 0xCA])
        #expect(m.mxcsrFlags == MXCSR.ie)
        m.cpu.sse.mxcsr = 0x1F80
        m.setXMM(1, f64x2(Double(bitPattern: 0x7FF0_0000_0000_0001), 0)); m.setXMM(2, f64x2(1, 0))
        m.exec([0x66, 0x0F, 0x2E, 0xCA])                                 // ucomisd with an SNaN
        #expect(m.mxcsrFlags == MXCSR.ie && m.cpu.rflags & RFlags.status == RFlags.zf | RFlags.pf | RFlags.cf)
        // DAZ: a denormal compares equal to zero.
        m.cpu.sse.mxcsr = 0x1F80 | MXCSR.daz
        m.setXMM(1, f32x4(bitsF(1), 0, 0, 0)); m.setXMM(2, f32x4(0, 0, 0, 0))
        m.exec([0x0F, 0x2F, 0xCA])
        #expect(m.cpu.rflags & RFlags.status == RFlags.zf)
    }
}

@Suite struct SSEConvertTests {
    @Test func floatToIntegerRoundingAndIndefinite() {
        let m = TestMachine()
        // cvtss2si eax, xmm2 / cvttss2si eax, xmm2 / cvtsd2si rax, xmm2 / cvttsd2si rax, xmm2
        let cvtss2si: [UInt8] = [0xF3, 0x0F, 0x2D, 0xC2], cvttss2si: [UInt8] = [0xF3, 0x0F, 0x2C, 0xC2]
        let cvtsd2si64: [UInt8] = [0xF2, 0x48, 0x0F, 0x2D, 0xC2], cvttsd2si64: [UInt8] = [0xF2, 0x48, 0x0F, 0x2C, 0xC2]
        let rounded: [(UInt32, Int64)] = [(0, 2), (1, 2), (2, 3), (3, 2)]           // 2.5 under RC 0…3
        for (rc, want) in rounded {
            m.cpu.sse.mxcsr = 0x1F80 | rc << 13
            m.setXMM(2, f32x4(2.5, 0, 0, 0))
            m[Reg.rax] = ~0
            m.exec(cvtss2si)
            #expect(m[Reg.rax] == UInt64(want), "RC \(rc)")                      // 32-bit result zero-extends
            m.exec(cvttss2si)
            #expect(m[Reg.rax] == 2)
        }
        m.cpu.sse.mxcsr = 0x1F80
        m.setXMM(2, f32x4(-3e9, 0, 0, 0))
        m.exec(cvtss2si)
        #expect(m[Reg.rax] == 0x8000_0000 && m.mxcsrFlags == MXCSR.ie)
        m.cpu.sse.mxcsr = 0x1F80
        m.setXMM(2, f64x2(-3e9, 0))
        m.exec(cvtsd2si64)
        #expect(m[Reg.rax] == UInt64(bitPattern: -3_000_000_000) && m.mxcsrFlags == 0)
        m.setXMM(2, f64x2(.nan, 0))
        m.exec(cvttsd2si64)
        #expect(m[Reg.rax] == 0x8000_0000_0000_0000 && m.mxcsrFlags == MXCSR.ie)
        m.cpu.sse.mxcsr = 0x1F80
        m.setXMM(2, f64x2(-7.9, 0))
        m.exec(cvttsd2si64)
        #expect(m[Reg.rax] == UInt64(bitPattern: -7) && m.mxcsrFlags == MXCSR.pe)
    }

    @Test func integerToFloat() {
        let m = TestMachine()
        m.setXMM(1, f32x4(9, 9, 9, 9))
        m[Reg.rcx] = UInt64(bitPattern: -5)
        m.exec([0xF3, 0x0F, 0x2A, 0xC9])                                        // cvtsi2ss xmm1, ecx
        #expect(m.ps(1) == [-5, 9, 9, 9])
        m[Reg.rcx] = (1 << 60) + 1                                              // not representable
        for (rc, want) in [(UInt32(0), Float(0x1p60)), (2, Float(0x1p60).nextUp)] {
            m.cpu.sse.mxcsr = 0x1F80 | rc << 13
            m.exec([0xF3, 0x48, 0x0F, 0x2A, 0xC9])                              // cvtsi2ss xmm1, rcx
            #expect(m.ps(1)[0] == want && m.mxcsrFlags == MXCSR.pe)
        }
        m.cpu.sse.mxcsr = 0x1F80
        m[Reg.rcx] = 0xFFFF_FFFF_8000_0000
        m.exec([0xF2, 0x0F, 0x2A, 0xC9])                                        // cvtsi2sd xmm1, ecx
        #expect(m.pd(1)[0] == -2_147_483_648)
        m.setXMM(2, V128(lo: 0xFFFF_FFFF_0000_0007, hi: 0x7FFF_FFFF_8000_0000))
        m.exec([0x0F, 0x5B, 0xCA])                                              // cvtdq2ps
        #expect(m.ps(1) == [7, -1, -2_147_483_648, 2_147_483_648] && m.mxcsrFlags == MXCSR.pe)
        m.exec([0xF3, 0x0F, 0xE6, 0xCA])                                        // cvtdq2pd
        #expect(m.pd(1) == [7, -1])
    }

    @Test func packedFloatToInteger() {
        let m = TestMachine()
        m.setXMM(2, f32x4(1.5, -1.5, 3e9, -0.4))
        m.exec([0x66, 0x0F, 0x5B, 0xCA])                                        // cvtps2dq
        #expect(m.xmm(1) == V128(lo: 0xFFFF_FFFE_0000_0002, hi: 0x0000_0000_8000_0000))
        #expect(m.mxcsrFlags == MXCSR.ie | MXCSR.pe)
        m.exec([0xF3, 0x0F, 0x5B, 0xCA])                                        // cvttps2dq
        #expect(m.xmm(1) == V128(lo: 0xFFFF_FFFF_0000_0001, hi: 0x0000_0000_8000_0000))
        m.setXMM(1, V128(lo: ~0, hi: ~0)); m.setXMM(2, f64x2(-2.5, 1e20))
        m.exec([0xF2, 0x0F, 0xE6, 0xCA])                                        // cvtpd2dq: upper half zeroed
        #expect(m.xmm(1) == V128(lo: 0x8000_0000_FFFF_FFFE, hi: 0))
        m.exec([0x66, 0x0F, 0xE6, 0xCA])                                        // cvttpd2dq
        #expect(m.xmm(1) == V128(lo: 0x8000_0000_FFFF_FFFE, hi: 0))
    }

    @Test func precisionConversions() {
        let m = TestMachine()
        m.setXMM(1, V128(lo: ~0, hi: ~0)); m.setXMM(2, f64x2(1.0 / 3.0, -1e300))
        m.exec([0x66, 0x0F, 0x5A, 0xCA])                                        // cvtpd2ps
        #expect(m.xmm(1).hi == 0 && m.ps(1)[0] == Float(1.0 / 3.0) && m.ps(1)[1] == -.infinity)
        #expect(m.mxcsrFlags == MXCSR.oe | MXCSR.pe)
        m.setXMM(2, f32x4(1.25, .infinity, 0, 0))
        m.exec([0x0F, 0x5A, 0xCA])                                              // cvtps2pd
        #expect(m.pd(1) == [1.25, .infinity])
        m.setXMM(1, f64x2(0, 42)); m.setXMM(2, f32x4(-2.5, 0, 0, 0))
        m.exec([0xF3, 0x0F, 0x5A, 0xCA])                                        // cvtss2sd keeps the high lane
        #expect(m.pd(1) == [-2.5, 42])
        m.setXMM(1, f32x4(0, 7, 8, 9)); m.setXMM(2, f64x2(0.1, 0))
        m.exec([0xF2, 0x0F, 0x5A, 0xCA])                                        // cvtsd2ss keeps lanes 1–3
        #expect(m.ps(1) == [Float(0.1), 7, 8, 9])
        m.setXMM(2, f32x4(bitsF(0x7F80_0001), 0, 0, 0))
        m.cpu.sse.mxcsr = 0x1F80
        m.exec([0xF3, 0x0F, 0x5A, 0xCA])                                        // SNaN: quieted, #I
        #expect(m.xmm(1).lo == 0x7FF8_0000_2000_0000 && m.mxcsrFlags == MXCSR.ie)
    }

    @Test func mmxConversions() {
        let m = TestMachine()
        m.setXMM(2, f32x4(1.5, -2.5, 100, 100))
        m.exec([0x0F, 0x2D, 0xCA])                                              // cvtps2pi mm1, xmm2
        #expect(m.cpu.mm(1) == 0xFFFF_FFFE_0000_0002)
        #expect(m.cpu.x87.top == 0 && m.cpu.x87.ftw == 0)
        m.exec([0x0F, 0x2C, 0xCA])                                              // cvttps2pi
        #expect(m.cpu.mm(1) == 0xFFFF_FFFE_0000_0001)
        m.cpu.setMM(2, 0xFFFF_FFFF_0000_0003)
        m.setXMM(1, f32x4(0, 0, 5, 6))
        m.exec([0x0F, 0x2A, 0xCA])                                              // cvtpi2ps xmm1, mm2
        #expect(m.ps(1) == [3, -1, 5, 6])
        m.exec([0x66, 0x0F, 0x2A, 0xCA])                                        // cvtpi2pd xmm1, mm2
        #expect(m.pd(1) == [3, -1])
        m.setXMM(2, f64x2(-1.5, 2.5))
        m.exec([0x66, 0x0F, 0x2D, 0xCA])                                        // cvtpd2pi mm1, xmm2
        #expect(m.cpu.mm(1) == 0x0000_0002_FFFF_FFFE)
        m.exec([0x66, 0x0F, 0x2C, 0xCA])                                        // cvttpd2pi
        #expect(m.cpu.mm(1) == 0x0000_0002_FFFF_FFFF)
    }
}

@Suite struct SSEMoveTests {
    @Test func alignedAndUnalignedMoves() {
        let m = TestMachine()
        let d = TestMachine.data
        let v = V128(lo: 0x0011_2233_4455_6677, hi: 0x8899_AABB_CCDD_EEFF)
        m.setXMM(3, v)
        m[Reg.rax] = d
        #expect(m.exec([0x0F, 0x29, 0x18]) == .halt)                           // movaps [rax], xmm3
        #expect(m.ram.read(d, as: UInt64.self) == v.lo && m.ram.read(d + 8, as: UInt64.self) == v.hi)
        #expect(m.exec([0x66, 0x0F, 0x6F, 0x20]) == .halt)                     // movdqa xmm4, [rax]
        #expect(m.xmm(4) == v)
        m[Reg.rax] = d + 1
        #expect(m.exec([0x0F, 0x28, 0x20]) == exceptionGP)                     // movaps xmm4, [rax+1]
        #expect(m.exec([0x0F, 0x2B, 0x18]) == exceptionGP)                     // movntps [rax+1], xmm3
        #expect(m.exec([0xF3, 0x0F, 0x7F, 0x18]) == .halt)                     // movdqu [rax+1], xmm3
        #expect(m.exec([0x0F, 0x10, 0x28]) == .halt)                           // movups xmm5, [rax+1]
        #expect(m.xmm(5) == v)
        m.exec([0x66, 0x41, 0x0F, 0x28, 0xF3])                                 // movapd xmm6, xmm11
        #expect(m.xmm(6) == m.xmm(11))
    }

    @Test func scalarMovesMergeOrZero() {
        let m = TestMachine()
        let d = TestMachine.data
        m.ram.write(d, UInt64(0x4444_3333_2222_1111))
        m[Reg.rax] = d
        m.setXMM(1, V128(lo: ~0, hi: ~0)); m.setXMM(2, V128(lo: 0x1234_5678_9ABC_DEF0, hi: 5))
        m.exec([0xF3, 0x0F, 0x10, 0xCA])                                       // movss xmm1, xmm2: merge
        #expect(m.xmm(1) == V128(lo: 0xFFFF_FFFF_9ABC_DEF0, hi: ~0))
        m.exec([0xF3, 0x0F, 0x10, 0x08])                                       // movss xmm1, [rax]: zero-extend
        #expect(m.xmm(1) == V128(lo: 0x2222_1111, hi: 0))
        m.setXMM(1, V128(lo: ~0, hi: ~0))
        m.exec([0xF2, 0x0F, 0x10, 0xCA])                                       // movsd xmm1, xmm2
        #expect(m.xmm(1) == V128(lo: 0x1234_5678_9ABC_DEF0, hi: ~0))
        m.exec([0xF2, 0x0F, 0x10, 0x08])                                       // movsd xmm1, [rax]
        #expect(m.xmm(1) == V128(lo: 0x4444_3333_2222_1111, hi: 0))
        m.exec([0xF3, 0x0F, 0x11, 0x10])                                       // movss [rax], xmm2
        #expect(m.ram.read(d, as: UInt64.self) == 0x4444_3333_9ABC_DEF0)
        m.exec([0xF3, 0x0F, 0x7E, 0xCA])                                       // movq xmm1, xmm2
        #expect(m.xmm(1) == V128(lo: 0x1234_5678_9ABC_DEF0, hi: 0))
        m.setXMM(3, V128(lo: ~0, hi: ~0))
        m.exec([0x66, 0x0F, 0xD6, 0xD3])                                       // movq xmm3, xmm2 (66 0F D6)
        #expect(m.xmm(3) == V128(lo: 0x1234_5678_9ABC_DEF0, hi: 0))
        m.exec([0x66, 0x0F, 0xD6, 0x18])                                       // movq [rax], xmm3
        #expect(m.ram.read(d, as: UInt64.self) == 0x1234_5678_9ABC_DEF0)
    }

    @Test func halfMovesAndMasks() {
        let m = TestMachine()
        let d = TestMachine.data
        m.ram.write(d, UInt64(0xAAAA_BBBB_CCCC_DDDD))
        m[Reg.rax] = d
        m.setXMM(1, V128(lo: 1, hi: 2)); m.setXMM(2, V128(lo: 3, hi: 4))
        m.exec([0x0F, 0x16, 0x08])                                             // movhps xmm1, [rax]
        #expect(m.xmm(1) == V128(lo: 1, hi: 0xAAAA_BBBB_CCCC_DDDD))
        m.exec([0x66, 0x0F, 0x12, 0x08])                                       // movlpd xmm1, [rax]
        #expect(m.xmm(1) == V128(lo: 0xAAAA_BBBB_CCCC_DDDD, hi: 0xAAAA_BBBB_CCCC_DDDD))
        m.exec([0x0F, 0x12, 0xCA])                                             // movhlps xmm1, xmm2
        #expect(m.xmm(1).lo == 4)
        m.exec([0x0F, 0x16, 0xCA])                                             // movlhps xmm1, xmm2
        #expect(m.xmm(1).hi == 3)
        m.exec([0x0F, 0x17, 0x10])                                             // movhps [rax], xmm2
        #expect(m.ram.read(d, as: UInt64.self) == 4)
        m.setXMM(2, f32x4(-1, 2, -0.0, -4))
        m.exec([0x0F, 0x50, 0xC2])                                             // movmskps eax, xmm2
        #expect(m[Reg.rax] == 0b1101)
        m.exec([0x66, 0x0F, 0x50, 0xC2])                                       // movmskpd eax, xmm2
        #expect(m[Reg.rax] == 0b10)
        m.setXMM(2, V128(lo: 0x8000_0000_0000_0080, hi: 0xFF00_0000_0000_0000))
        m.exec([0x66, 0x0F, 0xD7, 0xC2])                                       // pmovmskb eax, xmm2
        #expect(m[Reg.rax] == 0x8081)
    }

    @Test func movdMovqWithGPRs() {
        let m = TestMachine()
        m[Reg.rcx] = 0x1122_3344_5566_7788
        m.setXMM(1, V128(lo: ~0, hi: ~0))
        m.exec([0x66, 0x0F, 0x6E, 0xC9])                                       // movd xmm1, ecx
        #expect(m.xmm(1) == V128(lo: 0x5566_7788, hi: 0))
        m.exec([0x66, 0x48, 0x0F, 0x6E, 0xC9])                                 // movq xmm1, rcx
        #expect(m.xmm(1) == V128(lo: 0x1122_3344_5566_7788, hi: 0))
        m.setXMM(9, V128(lo: 0xAABB_CCDD_EEFF_0011, hi: 7))
        m.exec([0x66, 0x44, 0x0F, 0x7E, 0xCA])                                 // movd edx, xmm9
        #expect(m[Reg.rdx] == 0xEEFF_0011)
        m.exec([0x66, 0x4C, 0x0F, 0x7E, 0xCA])                                 // movq rdx, xmm9
        #expect(m[Reg.rdx] == 0xAABB_CCDD_EEFF_0011)
        m[Reg.rax] = TestMachine.data
        m.exec([0x0F, 0xC3, 0x08])                                             // movnti [rax], ecx
        #expect(m.ram.read(TestMachine.data, as: UInt64.self) == 0x5566_7788)
        m.exec([0x48, 0x0F, 0xC3, 0x08])                                       // movnti [rax], rcx
        #expect(m.ram.read(TestMachine.data, as: UInt64.self) == 0x1122_3344_5566_7788)
    }

    @Test func maskmovdqu() {
        let m = TestMachine()
        let d = TestMachine.data
        m.ram.write(d, UInt64(0)); m.ram.write(d + 8, UInt64(0))
        m[Reg.rdi] = d
        m.setXMM(1, V128(lo: 0x0807_0605_0403_0201, hi: 0x100F_0E0D_0C0B_0A09))
        m.setXMM(2, V128(lo: 0x0000_0000_8000_00FF, hi: 0x8000_0000_0000_0000))
        m.exec([0x66, 0x0F, 0xF7, 0xCA])                                       // maskmovdqu xmm1, xmm2
        #expect(m.ram.read(d, as: UInt64.self) == 0x0000_0000_0400_0001)
        #expect(m.ram.read(d + 8, as: UInt64.self) == 0x1000_0000_0000_0000)
    }

    /// A 16-byte store across into an unmapped page faults without writing the first page.
    @Test func pageCrossingStoreIsAtomic() {
        let m = TestMachine()
        // Map 0x400000–0x5FFFFF with 4 KiB pages; 0x401000 not present.
        for k in 0..<UInt64(512) { m.ram.write(0x4000 + 8 * k, (0x40_0000 + k << 12) | (k == 1 ? 0 : 3)) }
        m.ram.write(0x3000 + 2 * 8, UInt64(0x4000 | 3))
        m.cpu.mmu.flushTLB()
        let va: UInt64 = 0x40_0FF8
        m.ram.write(va, UInt64(0x5A5A))
        m.setXMM(1, V128(lo: 1, hi: 2))
        m[Reg.rax] = va
        let exit = m.exec([0xF3, 0x0F, 0x7F, 0x08])                            // movdqu [rax], xmm1
        #expect(exit == .exception(CPUException(CPUException.PF, errorCode: 2, address: 0x40_1000)))
        #expect(m.ram.read(va, as: UInt64.self) == 0x5A5A)
        m.setXMM(2, V128(lo: 0, hi: 0))
        m[Reg.rax] = va
        #expect(m.exec([0x0F, 0x10, 0x10]) == .exception(CPUException(CPUException.PF, errorCode: 0, address: 0x40_1000)))
        #expect(m.xmm(2) == V128(lo: 0, hi: 0))                                // movups load: no partial update
    }
}

@Suite struct SSEShuffleTests {
    @Test func shufflesAndUnpacks() {
        let m = TestMachine()
        let a = f32x4(0, 1, 2, 3), b = f32x4(4, 5, 6, 7)
        func run(_ bytes: [UInt8]) -> [Float] { m.setXMM(1, a); m.setXMM(2, b); m.exec(bytes); return m.ps(1) }
        #expect(run([0x0F, 0xC6, 0xCA, 0x1B]) == [3, 2, 5, 4])                 // shufps 0b00_01_10_11
        #expect(run([0x0F, 0x14, 0xCA]) == [0, 4, 1, 5])                       // unpcklps
        #expect(run([0x0F, 0x15, 0xCA]) == [2, 6, 3, 7])                       // unpckhps
        #expect(run([0x66, 0x0F, 0x14, 0xCA]) == [0, 1, 4, 5])                 // unpcklpd
        #expect(run([0x66, 0x0F, 0x15, 0xCA]) == [2, 3, 6, 7])                 // unpckhpd
        #expect(run([0x66, 0x0F, 0xC6, 0xCA, 0x01]) == [2, 3, 4, 5])           // shufpd 01
        #expect(run([0x66, 0x0F, 0x70, 0xCA, 0x4E]) == [6, 7, 4, 5])           // pshufd 0b01_00_11_10
    }

    @Test func wordShufflesAndByteShifts() {
        let m = TestMachine()
        m.setXMM(2, V128(lo: 0x0003_0002_0001_0000, hi: 0x0007_0006_0005_0004))
        m.exec([0xF3, 0x0F, 0x70, 0xCA, 0x1B])                                 // pshufhw
        #expect(m.xmm(1) == V128(lo: 0x0003_0002_0001_0000, hi: 0x0004_0005_0006_0007))
        m.exec([0xF2, 0x0F, 0x70, 0xCA, 0x00])                                 // pshuflw broadcast word 0
        #expect(m.xmm(1) == V128(lo: 0, hi: 0x0007_0006_0005_0004))
        let v = V128(lo: 0x0706_0504_0302_0100, hi: 0x0F0E_0D0C_0B0A_0908)
        for (count, left, want) in [(3, true, V128(lo: 0x0403_0201_0000_0000, hi: 0x0C0B_0A09_0807_0605)),
                                    (9, true, V128(lo: 0, hi: 0x0605_0403_0201_0000)),
                                    (5, false, V128(lo: 0x0C0B_0A09_0807_0605, hi: 0x0F_0E0D)),
                                    (8, false, V128(lo: 0x0F0E_0D0C_0B0A_0908, hi: 0)),
                                    (16, false, V128(lo: 0, hi: 0))] {
            m.setXMM(1, v)
            m.exec([0x66, 0x0F, 0x73, left ? 0xF9 : 0xD9, UInt8(count)])       // pslldq / psrldq xmm1, n
            #expect(m.xmm(1) == want, "count \(count) left \(left)")
        }
        m.setXMM(2, V128(lo: 0x4444_3333_2222_1111, hi: 0x8888_7777_6666_5555))
        m.exec([0x66, 0x0F, 0xC5, 0xC2, 0x05])                                 // pextrw eax, xmm2, 5
        #expect(m[Reg.rax] == 0x6666)
        m[Reg.rcx] = 0xFFFF_ABCD
        m.exec([0x66, 0x0F, 0xC4, 0xD1, 0x02])                                 // pinsrw xmm2, ecx, 2
        #expect(m.xmm(2) == V128(lo: 0x4444_ABCD_2222_1111, hi: 0x8888_7777_6666_5555))
    }
}

@Suite struct SSEStateTests {
    @Test func ldmxcsrStmxcsr() {
        let m = TestMachine()
        let d = TestMachine.data
        m[Reg.rax] = d
        m.ram.write(d, UInt32(0x7F81))
        #expect(m.exec([0x0F, 0xAE, 0x10]) == .halt)                           // ldmxcsr [rax]
        #expect(m.cpu.sse.mxcsr == 0x7F81)
        m.ram.write(d, UInt32(0x1_1F80))
        #expect(m.exec([0x0F, 0xAE, 0x10]) == exceptionGP)                     // reserved bit 16
        #expect(m.cpu.sse.mxcsr == 0x7F81)
        #expect(m.exec([0x0F, 0xAE, 0x58, 0x08]) == .halt)                     // stmxcsr [rax+8]
        #expect(m.ram.read(d + 8, as: UInt32.self) == 0x7F81)
    }

    @Test func fxsaveFxrstorRoundTrip() {
        let m = TestMachine()
        let d = TestMachine.data
        for k in 0..<16 { m.setXMM(k, V128(lo: UInt64(k) * 0x0101_0101_0101_0101, hi: ~UInt64(k))) }
        m.cpu.sse.mxcsr = 0x3FA5
        m.cpu.x87.fcw = 0x027F
        m.cpu.x87.statusWord = 0x2800 | 0x20                                   // TOP = 5, PE
        m.cpu.x87.store(physical: 5, Ext80(sig: 0x8000_0000_0000_0001, se: 0x3FFF))
        m.cpu.x87.ftw = 0xFFFF & ~(3 << 10)                                    // R5 in use
        m.cpu.x87.fop = 0x1D9
        m.cpu.x87.fip = 0x1234_5678_9ABC; m.cpu.x87.fdp = 0xFEDC_BA98_7654
        m[Reg.rax] = d
        #expect(m.exec([0x48, 0x0F, 0xAE, 0x00]) == .halt)                     // fxsave64 [rax]
        #expect(m.ram.read(d, as: UInt16.self) == 0x027F)
        #expect(m.ram.read(d + 2, as: UInt16.self) == 0x2820)
        #expect(m.ram.read(d + 4, as: UInt8.self) == 0x20)                     // abridged tag: R5
        #expect(m.ram.read(d + 6, as: UInt16.self) == 0x1D9)
        #expect(m.ram.read(d + 8, as: UInt64.self) == 0x1234_5678_9ABC)
        #expect(m.ram.read(d + 16, as: UInt64.self) == 0xFEDC_BA98_7654)
        #expect(m.ram.read(d + 24, as: UInt32.self) == 0x3FA5 && m.ram.read(d + 28, as: UInt32.self) == 0xFFFF)
        #expect(m.ram.read(d + 32, as: UInt64.self) == 0x8000_0000_0000_0001)  // ST(0) = R5
        #expect(m.ram.read(d + 40, as: UInt16.self) == 0x3FFF)
        #expect(m.ram.read(d + 160 + 16 * 7, as: UInt64.self) == 7 * 0x0101_0101_0101_0101)
        #expect(m.ram.read(d + 168 + 16 * 15, as: UInt64.self) == ~UInt64(15))

        // 32-bit form: FIP/FCS and FDP/FDS.
        m.cpu.x87.fcs = 0x33
        #expect(m.exec([0x0F, 0xAE, 0x80, 0x00, 0x02, 0x00, 0x00]) == .halt)   // fxsave [rax+0x200]
        #expect(m.ram.read(d + 0x208, as: UInt32.self) == 0x5678_9ABC && m.ram.read(d + 0x20C, as: UInt16.self) == 0x33)

        // Clobber, then restore.
        for k in 0..<16 { m.setXMM(k, V128(lo: 0, hi: 0)) }
        m.cpu.sse.mxcsr = 0x1F80
        m.cpu.x87.reset()
        #expect(m.exec([0x48, 0x0F, 0xAE, 0x08]) == .halt)                     // fxrstor64 [rax]
        #expect(m.cpu.sse.mxcsr == 0x3FA5 && m.cpu.x87.fcw == 0x027F && m.cpu.x87.top == 5)
        #expect(m.cpu.x87.ftw == 0xFFFF & ~(3 << 10) && m.cpu.x87.fip == 0x1234_5678_9ABC)
        #expect(m.cpu.x87.load(physical: 5) == Ext80(sig: 0x8000_0000_0000_0001, se: 0x3FFF))
        for k in 0..<16 { #expect(m.xmm(k) == V128(lo: UInt64(k) * 0x0101_0101_0101_0101, hi: ~UInt64(k))) }

        m.ram.write(d + 24, UInt32(0x1_0000))
        #expect(m.exec([0x48, 0x0F, 0xAE, 0x08]) == exceptionGP)               // reserved MXCSR bit
        m[Reg.rax] = d + 8
        #expect(m.exec([0x48, 0x0F, 0xAE, 0x00]) == exceptionGP)               // misaligned
    }

    @Test func availabilityChecks() {
        let m = TestMachine()
        let addps: [UInt8] = [0x0F, 0x58, 0xCA]
        m.cpu.setControlRegister(0, m.cpu.cr0 | 1 << 3)                         // CR0.TS
        #expect(m.exec(addps) == exceptionNM)
        #expect(m.exec([0x0F, 0xFC, 0xCA]) == exceptionNM)                     // paddb mm1, mm2
        m.cpu.setControlRegister(0, m.cpu.cr0 & ~(1 << 3) | 1 << 2)            // CR0.EM
        #expect(m.exec(addps) == exceptionUD)
        #expect(m.exec([0x0F, 0xFC, 0xCA]) == exceptionUD)
        m.cpu.setControlRegister(0, m.cpu.cr0 & ~(1 << 2))
        m.cpu.setControlRegister(4, m.cpu.cr4 & ~(1 << 9))                     // CR4.OSFXSR
        #expect(m.exec(addps) == exceptionUD)
        #expect(m.exec([0x0F, 0xFC, 0xCA]) == .halt)                           // MMX does not need OSFXSR
        m.cpu.setControlRegister(4, m.cpu.cr4 | 1 << 9)
        #expect(m.exec(addps) == .halt)
    }

    @Test(arguments: [
        [UInt8]([0xF3, 0x0F, 0x54, 0xCA]),        // F3 0F 54: no ANDPS form
        [0xF2, 0x0F, 0x5B, 0xCA],                 // F2 0F 5B
        [0xF3, 0x0F, 0x12, 0xCA],                 // MOVSLDUP (SSE3)
        [0x66, 0x0F, 0x7C, 0xCA],                 // HADDPD (SSE3)
        [0xF0, 0x0F, 0x58, 0x08],                 // LOCK ADDPS
        [0x0F, 0x13, 0xCA],                       // MOVLPS with a register operand
        [0x0F, 0xC5, 0x00, 0x01],                 // PEXTRW with a memory operand
        [0x0F, 0xAE, 0x20],                       // XSAVE (not modelled)
        [0x0F, 0xD6, 0xCA],                       // 0F D6 without a prefix
        [0x0F, 0x6C, 0xCA],                       // PUNPCKLQDQ on MMX registers
        [0x66, 0x0F, 0xAE, 0x10],                 // LDMXCSR is NP: a 66 prefix is #UD
        [0xF3, 0x0F, 0xAE, 0x00],                 // FXSAVE with F3
        [0x66, 0x0F, 0x77],                       // EMMS is NP
    ])
    func undefinedEncodings(_ bytes: [UInt8]) {
        let m = TestMachine()
        m[Reg.rax] = TestMachine.data
        #expect(m.exec(bytes) == exceptionUD)
    }
}
