// SPDX-License-Identifier: MIT
// SSE floating point runs on the host's SSE unit (DESIGN.md §7: the x86-64 host is the oracle).
// Each operation executes with the guest's MXCSR rounding, DAZ and FTZ bits in the host MXCSR,
// every exception masked and the flags clear; the flags it raised are then merged into the
// guest MXCSR with the SDM's pre/post-computation rules (Vol. 1 §11.5.3). Results and flags are
// therefore the host's bit for bit: NaN propagation, SNaN quieting, rounding, denormals.
import CHostFPU
import _Builtin_intrinsics.intel

/// MXCSR fields (SDM Vol. 1 Figure 10-3).
enum MXCSR {
    static let ie: UInt32 = 1 << 0, de: UInt32 = 1 << 1, ze: UInt32 = 1 << 2
    static let oe: UInt32 = 1 << 3, ue: UInt32 = 1 << 4, pe: UInt32 = 1 << 5
    static let flags: UInt32 = 0x3F
    /// Flags of exceptions detected before computing (invalid operand, denormal, divide by zero).
    static let preComputation: UInt32 = ie | de | ze
    static let daz: UInt32 = 1 << 6
    static let masks: UInt32 = 0x3F << 7
    static let um: UInt32 = 1 << 11
    static let rc: UInt32 = 3 << 13
    static let ftz: UInt32 = 1 << 15
}

/// The host MXCSR, read and loaded by the C shim's STMXCSR and LDMXCSR (Sources/CHostFPU). The
/// calls are opaque to the Swift optimizer, so it keeps them in order with `SSEKernel.run`.
enum HostMXCSR {
    @inline(__always) static func get() -> UInt32 { emu_host_stmxcsr() }
    @inline(__always) static func set(_ value: UInt32) { emu_host_ldmxcsr(value) }
}

/// Scratch layout (`SSEState.scratch`) of a host operation: operand A (the destination's old
/// value) at 0, operand B at 16, result R at 32 (pre-filled with A, so lanes a scalar operation
/// does not compute keep A), an integer result at 48.
enum HostFP {
    static let a = 0, b = 16, r = 32, int = 48

    /// Which result lanes can be tiny (for unmasked underflow, §11.5.2.5).
    enum Tiny { case none, single(Int), double(Int) }
}

extension CPU {
    /// Computes `op` on the host with operands `a` and `b` and applies the MXCSR exception rules.
    /// Returns R and the integer result, or nil with #XM (CR4.OSXMMEXCPT = 1) or #UD raised
    /// for an unmasked exception; then neither the destination nor (beyond the flags) MXCSR change.
    func hostFP(_ op: SSEOp, _ a: V128, _ b: V128, imm: UInt8 = 0, wide: Bool = false,
                tiny: HostFP.Tiny = .none) -> (r: V128, int: UInt64)? {
        let unmasked = ~(sse.mxcsr >> 7) & MXCSR.flags
        var (r, int, flags) = runOnHost(op, a, b, imm: imm, wide: wide)
        if unmasked & MXCSR.ue != 0 && hasTinyLane(r, tiny) { flags |= MXCSR.ue }
        guard flags & unmasked == 0 else {
            // Unmasked: a pre-computation exception stops before any computing, so only those
            // flags are set (§11.5.3.2); otherwise all of them.
            let pre = flags & MXCSR.preComputation
            if pre & unmasked != 0 {
                sse.mxcsr |= pre
            } else {
                if flags & unmasked & (MXCSR.oe | MXCSR.ue) != 0 { flags = unboundedFlags(op, a, b, tiny) }
                sse.mxcsr |= flags
            }
            raiseSIMDException()
            return nil
        }
        sse.mxcsr |= flags
        return (r, int)
    }

    /// Runs the kernel of `op` once with the guest's RC, DAZ and FTZ and all exceptions masked.
    /// Returns R, the integer result and the host's exception flags.
    func runOnHost(_ op: SSEOp, _ a: V128, _ b: V128, imm: UInt8 = 0, wide: Bool = false) -> (V128, UInt64, UInt32) {
        let s = sse.scratch
        s.storeBytes(of: a, toByteOffset: HostFP.a, as: V128.self)
        s.storeBytes(of: b, toByteOffset: HostFP.b, as: V128.self)
        s.storeBytes(of: a, toByteOffset: HostFP.r, as: V128.self)
        s.storeBytes(of: UInt64(0), toByteOffset: HostFP.int, as: UInt64.self)

        let m = sse.mxcsr
        // FTZ applies only while underflow is masked (§10.2.3.3); with UM clear the tiny result
        // must be seen to raise #U.
        var control = (m & (MXCSR.rc | MXCSR.daz)) | MXCSR.masks
        if m & MXCSR.um != 0 { control |= m & MXCSR.ftz }
        let host = HostMXCSR.get()
        HostMXCSR.set(control)                        // also clears the flags
        SSEKernel.run(op, s, imm, wide)
        let flags = HostMXCSR.get() & MXCSR.flags
        // LDMXCSR is the expensive part: restore only a different mode, not the host's flags.
        if (host ^ control) & ~MXCSR.flags != 0 { HostMXCSR.set(host) }
        return (s.load(fromByteOffset: HostFP.r, as: V128.self), s.load(fromByteOffset: HostFP.int, as: UInt64.self), flags)
    }

    /// #XM if CR4.OSXMMEXCPT = 1, else #UD (Vol. 3A §6.15, Interrupt 19).
    func raiseSIMDException() {
        exception = cr4 & SSEControl.cr4OSXMMEXCPT != 0 ? CPUException(CPUException.XM) : .ud
    }

    /// True if a result lane is a nonzero denormal: an exact tiny result, which raises #U only
    /// when underflow is unmasked (masked underflow also needs inexactness, §11.5.2.5).
    func hasTinyLane(_ r: V128, _ tiny: HostFP.Tiny) -> Bool {
        switch tiny {
        case .none: return false
        case .single(let n):
            for k in 0..<n where r.single(k) & 0x7F80_0000 == 0 && r.single(k) & 0x007F_FFFF != 0 { return true }
            return false
        case .double(let n):
            for k in 0..<n {
                let q = k == 0 ? r.lo : r.hi
                if q & 0x7FF0_0000_0000_0000 == 0 && q & 0x000F_FFFF_FFFF_FFFF != 0 { return true }
            }
            return false
        }
    }
}

/// The computations that run between the host MXCSR load and store. `run` is not inlined and
/// reads its operands from memory, so the compiler cannot move a floating-point operation out of
/// the bracket. Each lane uses the host instruction of the same name (scalar forms per lane:
/// the exceptions of a packed instruction are the OR of its lanes', §11.5.3.1).
enum SSEKernel {
    @inline(never)
    static func run(_ op: SSEOp, _ s: UnsafeMutableRawPointer, _ imm: UInt8, _ wide: Bool) {
        switch op {
        case .addps, .addss: ps(s, op == .addps) { $0 + $1 }
        case .subps, .subss: ps(s, op == .subps) { $0 - $1 }
        case .mulps, .mulss: ps(s, op == .mulps) { $0 * $1 }
        case .divps, .divss: ps(s, op == .divps) { $0 / $1 }
        case .minps, .minss: ps(s, op == .minps) { _mm_cvtss_f32(_mm_min_ss(_mm_set_ss($0), _mm_set_ss($1))) }
        case .maxps, .maxss: ps(s, op == .maxps) { _mm_cvtss_f32(_mm_max_ss(_mm_set_ss($0), _mm_set_ss($1))) }
        // Not Float.squareRoot(): LLVM guards that with a compare (which can raise #D) and a libm call.
        case .sqrtps, .sqrtss: ps(s, op == .sqrtps) { _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss($1))) }
        case .addpd, .addsd: pd(s, op == .addpd) { $0 + $1 }
        case .subpd, .subsd: pd(s, op == .subpd) { $0 - $1 }
        case .mulpd, .mulsd: pd(s, op == .mulpd) { $0 * $1 }
        case .divpd, .divsd: pd(s, op == .divpd) { $0 / $1 }
        case .minpd, .minsd: pd(s, op == .minpd) { _mm_cvtsd_f64(_mm_min_sd(_mm_set_sd($0), _mm_set_sd($1))) }
        case .maxpd, .maxsd: pd(s, op == .maxpd) { _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd($0), _mm_set_sd($1))) }
        case .sqrtpd, .sqrtsd: pd(s, op == .sqrtpd) { _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd($1), _mm_set_sd($1))) }
        case .cmpps, .cmpss:
            for k in 0..<(op == .cmpps ? 4 : 1) { setU32(s, k, cmpss(f32(s, HostFP.a, k), f32(s, HostFP.b, k), imm & 7)) }
        case .cmppd, .cmpsd:
            for k in 0..<(op == .cmppd ? 2 : 1) { setU64(s, k, cmpsd(f64(s, HostFP.a, k), f64(s, HostFP.b, k), imm & 7)) }
        case .comiss: setInt(s, Int64(_mm_comieq_ss(_mm_set_ss(f32(s, HostFP.a, 0)), _mm_set_ss(f32(s, HostFP.b, 0)))))
        case .ucomiss: setInt(s, Int64(_mm_ucomieq_ss(_mm_set_ss(f32(s, HostFP.a, 0)), _mm_set_ss(f32(s, HostFP.b, 0)))))
        case .comisd: setInt(s, Int64(_mm_comieq_sd(_mm_set_sd(f64(s, HostFP.a, 0)), _mm_set_sd(f64(s, HostFP.b, 0)))))
        case .ucomisd: setInt(s, Int64(_mm_ucomieq_sd(_mm_set_sd(f64(s, HostFP.a, 0)), _mm_set_sd(f64(s, HostFP.b, 0)))))
        default: convert(op, s, wide)
        }
    }

    /// Conversions: B holds the source (an integer source in its low lanes), results go to R or
    /// to the integer slot.
    @inline(__always)
    static func convert(_ op: SSEOp, _ s: UnsafeMutableRawPointer, _ wide: Bool) {
        switch op {
        case .cvtpi2ps, .cvtdq2ps:
            for k in 0..<(op == .cvtdq2ps ? 4 : 2) { setF32(s, k, Float(i32(s, k))) }
        case .cvtsi2ss:
            let b = s.load(fromByteOffset: HostFP.b, as: Int64.self)
            setF32(s, 0, wide ? Float(b) : Float(Int32(truncatingIfNeeded: b)))
        case .cvtsi2sd:
            let b = s.load(fromByteOffset: HostFP.b, as: Int64.self)
            setF64(s, 0, wide ? Double(b) : Double(Int32(truncatingIfNeeded: b)))
        case .cvtps2pi, .cvtps2dq:
            for k in 0..<(op == .cvtps2dq ? 4 : 2) { setU32(s, k, UInt32(bitPattern: _mm_cvtss_si32(_mm_set_ss(f32(s, HostFP.b, k))))) }
        case .cvttps2pi, .cvttps2dq:
            for k in 0..<(op == .cvttps2dq ? 4 : 2) { setU32(s, k, UInt32(bitPattern: _mm_cvttss_si32(_mm_set_ss(f32(s, HostFP.b, k))))) }
        case .cvtpd2pi, .cvtpd2dq:
            for k in 0..<2 { setU32(s, k, UInt32(bitPattern: _mm_cvtsd_si32(_mm_set_sd(f64(s, HostFP.b, k))))) }
        case .cvttpd2pi, .cvttpd2dq:
            for k in 0..<2 { setU32(s, k, UInt32(bitPattern: _mm_cvttsd_si32(_mm_set_sd(f64(s, HostFP.b, k))))) }
        case .cvtss2si:
            let x = _mm_set_ss(f32(s, HostFP.b, 0))
            setInt(s, wide ? _mm_cvtss_si64(x) : Int64(UInt32(bitPattern: _mm_cvtss_si32(x))))
        case .cvttss2si:
            let x = _mm_set_ss(f32(s, HostFP.b, 0))
            setInt(s, wide ? _mm_cvttss_si64(x) : Int64(UInt32(bitPattern: _mm_cvttss_si32(x))))
        case .cvtsd2si:
            let x = _mm_set_sd(f64(s, HostFP.b, 0))
            setInt(s, wide ? _mm_cvtsd_si64(x) : Int64(UInt32(bitPattern: _mm_cvtsd_si32(x))))
        case .cvttsd2si:
            let x = _mm_set_sd(f64(s, HostFP.b, 0))
            setInt(s, wide ? _mm_cvttsd_si64(x) : Int64(UInt32(bitPattern: _mm_cvttsd_si32(x))))
        case .cvtps2pd:
            for k in 0..<2 { setF64(s, k, Double(f32(s, HostFP.b, k))) }
        case .cvtss2sd: setF64(s, 0, Double(f32(s, HostFP.b, 0)))
        case .cvtpd2ps:
            for k in 0..<2 { setF32(s, k, Float(f64(s, HostFP.b, k))) }
        case .cvtsd2ss: setF32(s, 0, Float(f64(s, HostFP.b, 0)))
        default: break
        }
    }

    // MARK: - Lanes

    @inline(__always) static func f32(_ s: UnsafeMutableRawPointer, _ base: Int, _ k: Int) -> Float {
        s.load(fromByteOffset: base + 4 * k, as: Float.self)
    }
    @inline(__always) static func f64(_ s: UnsafeMutableRawPointer, _ base: Int, _ k: Int) -> Double {
        s.load(fromByteOffset: base + 8 * k, as: Double.self)
    }
    @inline(__always) static func i32(_ s: UnsafeMutableRawPointer, _ k: Int) -> Int32 {
        s.load(fromByteOffset: HostFP.b + 4 * k, as: Int32.self)
    }
    @inline(__always) static func setF32(_ s: UnsafeMutableRawPointer, _ k: Int, _ v: Float) {
        s.storeBytes(of: v, toByteOffset: HostFP.r + 4 * k, as: Float.self)
    }
    @inline(__always) static func setF64(_ s: UnsafeMutableRawPointer, _ k: Int, _ v: Double) {
        s.storeBytes(of: v, toByteOffset: HostFP.r + 8 * k, as: Double.self)
    }
    @inline(__always) static func setU32(_ s: UnsafeMutableRawPointer, _ k: Int, _ v: UInt32) {
        s.storeBytes(of: v, toByteOffset: HostFP.r + 4 * k, as: UInt32.self)
    }
    @inline(__always) static func setU64(_ s: UnsafeMutableRawPointer, _ k: Int, _ v: UInt64) {
        s.storeBytes(of: v, toByteOffset: HostFP.r + 8 * k, as: UInt64.self)
    }
    @inline(__always) static func setInt(_ s: UnsafeMutableRawPointer, _ v: Int64) {
        s.storeBytes(of: v, toByteOffset: HostFP.int, as: Int64.self)
    }

    /// R = A op B on 4 single lanes (`packed`) or lane 0.
    @inline(__always)
    static func ps(_ s: UnsafeMutableRawPointer, _ packed: Bool, _ f: (Float, Float) -> Float) {
        for k in 0..<(packed ? 4 : 1) { setF32(s, k, f(f32(s, HostFP.a, k), f32(s, HostFP.b, k))) }
    }

    @inline(__always)
    static func pd(_ s: UnsafeMutableRawPointer, _ packed: Bool, _ f: (Double, Double) -> Double) {
        for k in 0..<(packed ? 2 : 1) { setF64(s, k, f(f64(s, HostFP.a, k), f64(s, HostFP.b, k))) }
    }

    /// CMPSS with predicate EQ LT LE UNORD NEQ NLT NLE ORD (Vol. 2A "CMPPS" Table 3-1).
    @inline(__always)
    static func cmpss(_ a: Float, _ b: Float, _ p: UInt8) -> UInt32 {
        let x = _mm_set_ss(a), y = _mm_set_ss(b)
        let m: __m128
        switch p {
        case 0: m = _mm_cmpeq_ss(x, y)
        case 1: m = _mm_cmplt_ss(x, y)
        case 2: m = _mm_cmple_ss(x, y)
        case 3: m = _mm_cmpunord_ss(x, y)
        case 4: m = _mm_cmpneq_ss(x, y)
        case 5: m = _mm_cmpnlt_ss(x, y)
        case 6: m = _mm_cmpnle_ss(x, y)
        default: m = _mm_cmpord_ss(x, y)
        }
        return unsafeBitCast(m, to: SIMD4<UInt32>.self)[0]
    }

    @inline(__always)
    static func cmpsd(_ a: Double, _ b: Double, _ p: UInt8) -> UInt64 {
        let x = _mm_set_sd(a), y = _mm_set_sd(b)
        let m: __m128d
        switch p {
        case 0: m = _mm_cmpeq_sd(x, y)
        case 1: m = _mm_cmplt_sd(x, y)
        case 2: m = _mm_cmple_sd(x, y)
        case 3: m = _mm_cmpunord_sd(x, y)
        case 4: m = _mm_cmpneq_sd(x, y)
        case 5: m = _mm_cmpnlt_sd(x, y)
        case 6: m = _mm_cmpnle_sd(x, y)
        default: m = _mm_cmpord_sd(x, y)
        }
        return unsafeBitCast(m, to: SIMD2<UInt64>.self)[0]
    }
}
