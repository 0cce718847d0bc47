// SPDX-License-Identifier: MIT
// The SSE/SSE2 hot forms (SSEFastOp.swift, picked by Decoder/Specialise+SSE.swift): register
// operands straight from the XMM file as SIMD lanes, no op enums or lane loops per execution.
//
// Availability is hoisted out of the instructions. Legacy SSE instructions raise #UD if CR0.EM = 1
// or CR4.OSFXSR = 0 and #NM if CR0.TS = 1 (SDM Vol. 2A §2.5.1, the "Exceptions Type 1…7" tables;
// Vol. 3A §13.1–13.2), before any operand is accessed. Those depend on CR0 and CR4 alone,
// which change only by MOV to CR0/CR4, CLTS, LMSW (system instructions that end their block) or by
// the supervisor between runs; so the block builder checks them once per block, and a change
// drops every decoded block (`sseUsabilityChanged`). Blocks decoded while SSE is unusable keep
// the generic `.sse` records, which raise the exceptions.
import MMU

extension CPU {
    /// Called when CR0 or CR4 is written.
    func sseUsabilityChanged() {
        let usable = cr0 & (SSEControl.cr0EM | SSEControl.cr0TS) == 0 && cr4 & SSEControl.cr4OSFXSR != 0
        if usable != sseUsable {
            sseUsable = usable
            flushDecodedCode()
        }
    }

    /// XMM register `n` in the register file `x`.
    @inline(__always) static func xmmPtr(_ x: UnsafeMutableRawPointer, _ n: UInt8) -> UnsafeMutableRawPointer {
        x + Int(n) &* 16
    }

    /// The 16 bytes at `p` (an XMM register) as lanes of `V`, and back: plain 64-bit moves that
    /// the optimizer merges, never an unspecialised generic call.
    @inline(__always) static func load128<V: SIMD>(_ p: UnsafeMutableRawPointer, _: V.Type = SIMD2<UInt64>.self) -> V {
        unsafeBitCast(SIMD2(p.load(as: UInt64.self), p.load(fromByteOffset: 8, as: UInt64.self)), to: V.self)
    }
    @inline(__always) static func store128<V: SIMD>(_ p: UnsafeMutableRawPointer, _ v: V) {
        let q = unsafeBitCast(v, to: SIMD2<UInt64>.self)
        p.storeBytes(of: q[0], as: UInt64.self)
        p.storeBytes(of: q[1], toByteOffset: 8, as: UInt64.self)
    }

    /// xmm[r] ← f(xmm[r], xmm[b]) on the lanes of `V` (SDM Vol. 2 entries PADDB … PXOR, PUNPCKxx).
    @inline(__always)
    func xmmRR<V: SIMD>(_ x: UnsafeMutableRawPointer, _ i: Inst, _: V.Type, _ f: (V, V) -> V) {
        let d = CPU.xmmPtr(x, i.pointee.r)
        let s = CPU.xmmPtr(x, i.pointee.b)
        CPU.store128(d, f(CPU.load128(d, V.self), CPU.load128(s, V.self)))
    }

    /// xmm[r] ← f(xmm[r]) (the immediate shifts).
    @inline(__always)
    func xmmR<V: SIMD>(_ x: UnsafeMutableRawPointer, _ i: Inst, _: V.Type, _ f: (V) -> V) {
        let d = CPU.xmmPtr(x, i.pointee.r)
        CPU.store128(d, f(CPU.load128(d, V.self)))
    }

    // MARK: - 128-bit memory operands (the rules of SSEOperands.swift)

    /// 16 bytes at the memory operand; aligned forms raise #GP(0) on a misaligned address (SDM
    /// Vol. 1 §4.1.1). Both halves are read before anything changes.
    @inline(__always)
    func loadXMMOperand(_ i: Inst, aligned: Bool) -> SIMD2<UInt64>? {
        let va = ea(i)
        if aligned && va & 15 != 0 { exception = .gp(0); return nil }
        guard let lo: UInt64 = load(va), let hi: UInt64 = load(va &+ 8) else { memFault(i); return nil }
        return SIMD2(lo, hi)
    }

    /// Writes 16 bytes entirely or not at all (a page-crossing store has both pages probed first).
    @inline(__always)
    func storeXMMOperand(_ i: Inst, _ v: SIMD2<UInt64>, aligned: Bool) -> Bool {
        let va = ea(i)
        if aligned && va & 15 != 0 { exception = .gp(0); return false }
        if _slowPath(va & 0xFFF > 0xFF0) { guard probeWrite(va, length: 16) else { memFault(i); return false } }
        guard store(va, v[0]), store(va &+ 8, v[1]) else { memFault(i); return false }
        return true
    }

    // MARK: - Shuffles and unpacks (SDM Vol. 2B "PSHUFD", "PUNPCKLBW…", "PUNPCKHBW…")

    @inline(__always) static func unpackLow(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }
    @inline(__always) static func unpackHigh(_ a: SIMD16<UInt8>, _ b: SIMD16<UInt8>) -> SIMD16<UInt8> {
        SIMD16(a[8], b[8], a[9], b[9], a[10], b[10], a[11], b[11], a[12], b[12], a[13], b[13], a[14], b[14], a[15], b[15])
    }
    @inline(__always) static func unpackLow(_ a: SIMD8<UInt16>, _ b: SIMD8<UInt16>) -> SIMD8<UInt16> {
        SIMD8(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3])
    }
    @inline(__always) static func unpackHigh(_ a: SIMD8<UInt16>, _ b: SIMD8<UInt16>) -> SIMD8<UInt16> {
        SIMD8(a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
    }
    @inline(__always) static func unpackLow(_ a: SIMD4<UInt32>, _ b: SIMD4<UInt32>) -> SIMD4<UInt32> { SIMD4(a[0], b[0], a[1], b[1]) }
    @inline(__always) static func unpackHigh(_ a: SIMD4<UInt32>, _ b: SIMD4<UInt32>) -> SIMD4<UInt32> { SIMD4(a[2], b[2], a[3], b[3]) }

    /// PSHUFD xmm, xmm, imm8: lane k of the result is source lane imm[2k+1:2k].
    @inline(__always)
    func pshufd(_ x: UnsafeMutableRawPointer, _ i: Inst) {
        let s = CPU.load128(CPU.xmmPtr(x, i.pointee.b), SIMD4<UInt32>.self)
        let o = Int(truncatingIfNeeded: i.pointee.imm)
        CPU.store128(CPU.xmmPtr(x, i.pointee.r), SIMD4(s[o & 3], s[(o >> 2) & 3], s[(o >> 4) & 3], s[(o >> 6) & 3]))
    }

    /// PSRLDQ/PSLLDQ xmm, imm8 with a count of 0…15 bytes.
    @inline(__always)
    func byteShiftXMM(_ x: UnsafeMutableRawPointer, _ i: Inst, left: Bool) {
        let d = CPU.xmmPtr(x, i.pointee.r)
        let v = UInt128(d.load(fromByteOffset: 8, as: UInt64.self)) << 64 | UInt128(d.load(as: UInt64.self))
        let c = Int(truncatingIfNeeded: i.pointee.imm) &* 8
        let r = left ? v &<< c : v &>> c
        d.storeBytes(of: UInt64(truncatingIfNeeded: r), as: UInt64.self)
        d.storeBytes(of: UInt64(truncatingIfNeeded: r >> 64), toByteOffset: 8, as: UInt64.self)
    }

    // MARK: - MOVD/MOVQ between XMM and GPRs, and partial loads/stores (SDM Vol. 2B "MOVD/MOVQ", "MOVSD", "MOVSS")

    /// MOVD/MOVQ xmm, r32/r64: the GPR zero-extended into the whole register.
    @inline(__always)
    func movdXR(_ x: UnsafeMutableRawPointer, _ i: Inst) {
        let v = regs[Int(i.pointee.b)]
        CPU.store128(CPU.xmmPtr(x, i.pointee.r), SIMD2(i.pointee.osz == 8 ? v : v & 0xFFFF_FFFF, 0))
    }

    /// MOVD/MOVQ r32/r64, xmm (a 32-bit destination is zero-extended, SDM Vol. 1 §3.4.1.1).
    @inline(__always)
    func movdRX(_ x: UnsafeMutableRawPointer, _ i: Inst) {
        let v = CPU.xmmPtr(x, i.pointee.r).load(as: UInt64.self)
        regs[Int(i.pointee.b)] = i.pointee.osz == 8 ? v : v & 0xFFFF_FFFF
    }

    /// MOVQ/MOVSD xmm, m64 and MOVD/MOVSS xmm, m32: the rest of the register is zeroed.
    @inline(__always)
    func loadXMMLow(_ x: UnsafeMutableRawPointer, _ i: Inst, quad: Bool) -> Bool {
        let v: UInt64
        if quad {
            guard let m: UInt64 = load(ea(i)) else { memFault(i); return false }
            v = m
        } else {
            guard let m: UInt32 = load(ea(i)) else { memFault(i); return false }
            v = UInt64(m)
        }
        CPU.store128(CPU.xmmPtr(x, i.pointee.r), SIMD2(v, 0))
        return true
    }

    /// The low quadword or doubleword of xmm[r] to memory.
    @inline(__always)
    func storeXMMLow(_ x: UnsafeMutableRawPointer, _ i: Inst, quad: Bool) -> Bool {
        let v = CPU.xmmPtr(x, i.pointee.r).load(as: UInt64.self)
        let ok = quad ? store(ea(i), v) : store(ea(i), UInt32(truncatingIfNeeded: v))
        guard ok else { memFault(i); return false }
        return true
    }
}
