// SPDX-License-Identifier: MIT
// Packed-integer instructions shared by MMX (one 64-bit chunk) and SSE2 (two chunks): SDM Vol. 1
// §9.4 and §11.4.3, Vol. 2 entries PADDB … PXOR. Lane-wise operations are computed per 64-bit
// chunk with Swift SIMD types; packs and unpacks combine the chunks of both operands.

/// The computations on 64-bit chunks.
enum PackedInt {
    @inline(__always) static func u8(_ x: UInt64) -> SIMD8<UInt8> { unsafeBitCast(x, to: SIMD8<UInt8>.self) }
    @inline(__always) static func i8(_ x: UInt64) -> SIMD8<Int8> { unsafeBitCast(x, to: SIMD8<Int8>.self) }
    @inline(__always) static func u16(_ x: UInt64) -> SIMD4<UInt16> { unsafeBitCast(x, to: SIMD4<UInt16>.self) }
    @inline(__always) static func i16(_ x: UInt64) -> SIMD4<Int16> { unsafeBitCast(x, to: SIMD4<Int16>.self) }
    @inline(__always) static func u32(_ x: UInt64) -> SIMD2<UInt32> { unsafeBitCast(x, to: SIMD2<UInt32>.self) }
    @inline(__always) static func i32(_ x: UInt64) -> SIMD2<Int32> { unsafeBitCast(x, to: SIMD2<Int32>.self) }
    @inline(__always) static func bits<V: SIMD>(_ v: V) -> UInt64 { unsafeBitCast(v, to: UInt64.self) }

    /// All-ones lanes where `m` holds.
    @inline(__always) static func mask<V: SIMD>(_ m: SIMDMask<V.MaskStorage>, _: V.Type) -> UInt64
        where V.Scalar: FixedWidthInteger {
        bits(V(repeating: 0).replacing(with: ~0, where: m))
    }

    /// A lane-wise operation on one chunk (not the shifts, packs or unpacks).
    static func lanewise(_ op: PackedIntOp, _ a: UInt64, _ b: UInt64) -> UInt64 {
        switch op {
        case .paddb: return bits(u8(a) &+ u8(b))
        case .paddw: return bits(u16(a) &+ u16(b))
        case .paddd: return bits(u32(a) &+ u32(b))
        case .paddq: return a &+ b
        case .psubb: return bits(u8(a) &- u8(b))
        case .psubw: return bits(u16(a) &- u16(b))
        case .psubd: return bits(u32(a) &- u32(b))
        case .psubq: return a &- b
        case .paddsb: return bits(SIMD8<Int8>(clamping: SIMD8<Int16>(truncatingIfNeeded: i8(a)) &+ SIMD8<Int16>(truncatingIfNeeded: i8(b))))
        case .psubsb: return bits(SIMD8<Int8>(clamping: SIMD8<Int16>(truncatingIfNeeded: i8(a)) &- SIMD8<Int16>(truncatingIfNeeded: i8(b))))
        case .paddusb: return bits(SIMD8<UInt8>(clamping: SIMD8<Int16>(truncatingIfNeeded: u8(a)) &+ SIMD8<Int16>(truncatingIfNeeded: u8(b))))
        case .psubusb: return bits(SIMD8<UInt8>(clamping: SIMD8<Int16>(truncatingIfNeeded: u8(a)) &- SIMD8<Int16>(truncatingIfNeeded: u8(b))))
        case .paddsw: return bits(SIMD4<Int16>(clamping: SIMD4<Int32>(truncatingIfNeeded: i16(a)) &+ SIMD4<Int32>(truncatingIfNeeded: i16(b))))
        case .psubsw: return bits(SIMD4<Int16>(clamping: SIMD4<Int32>(truncatingIfNeeded: i16(a)) &- SIMD4<Int32>(truncatingIfNeeded: i16(b))))
        case .paddusw: return bits(SIMD4<UInt16>(clamping: SIMD4<Int32>(truncatingIfNeeded: u16(a)) &+ SIMD4<Int32>(truncatingIfNeeded: u16(b))))
        case .psubusw: return bits(SIMD4<UInt16>(clamping: SIMD4<Int32>(truncatingIfNeeded: u16(a)) &- SIMD4<Int32>(truncatingIfNeeded: u16(b))))
        case .pmullw: return bits(u16(a) &* u16(b))
        case .pmulhw:
            let p = SIMD4<Int32>(truncatingIfNeeded: i16(a)) &* SIMD4<Int32>(truncatingIfNeeded: i16(b))
            return bits(SIMD4<Int16>(truncatingIfNeeded: p &>> 16))
        case .pmulhuw:
            let p = SIMD4<UInt32>(truncatingIfNeeded: u16(a)) &* SIMD4<UInt32>(truncatingIfNeeded: u16(b))
            return bits(SIMD4<UInt16>(truncatingIfNeeded: p &>> 16))
        case .pmuludq: return (a & 0xFFFF_FFFF) &* (b & 0xFFFF_FFFF)
        case .pmaddwd:
            let p = SIMD4<Int32>(truncatingIfNeeded: i16(a)) &* SIMD4<Int32>(truncatingIfNeeded: i16(b))
            return bits(SIMD2<Int32>(p[0] &+ p[1], p[2] &+ p[3]))
        case .pcmpeqb: return mask(u8(a) .== u8(b), SIMD8<UInt8>.self)
        case .pcmpeqw: return mask(u16(a) .== u16(b), SIMD4<UInt16>.self)
        case .pcmpeqd: return mask(u32(a) .== u32(b), SIMD2<UInt32>.self)
        case .pcmpgtb: return mask(i8(a) .> i8(b), SIMD8<Int8>.self)
        case .pcmpgtw: return mask(i16(a) .> i16(b), SIMD4<Int16>.self)
        case .pcmpgtd: return mask(i32(a) .> i32(b), SIMD2<Int32>.self)
        case .pand: return a & b
        case .pandn: return ~a & b
        case .por: return a | b
        case .pxor: return a ^ b
        case .pavgb:
            let s = SIMD8<UInt16>(truncatingIfNeeded: u8(a)) &+ SIMD8<UInt16>(truncatingIfNeeded: u8(b)) &+ 1
            return bits(SIMD8<UInt8>(truncatingIfNeeded: s &>> 1))
        case .pavgw:
            let s = SIMD4<UInt32>(truncatingIfNeeded: u16(a)) &+ SIMD4<UInt32>(truncatingIfNeeded: u16(b)) &+ 1
            return bits(SIMD4<UInt16>(truncatingIfNeeded: s &>> 1))
        case .pmaxsw: return bits(pointwiseMax(i16(a), i16(b)))
        case .pmaxub: return bits(pointwiseMax(u8(a), u8(b)))
        case .pminsw: return bits(pointwiseMin(i16(a), i16(b)))
        case .pminub: return bits(pointwiseMin(u8(a), u8(b)))
        case .psadbw:
            let d = SIMD8<Int16>(truncatingIfNeeded: u8(a)) &- SIMD8<Int16>(truncatingIfNeeded: u8(b))
            return UInt64(UInt16(truncatingIfNeeded: d.replacing(with: 0 &- d, where: d .< 0).wrappedSum()))
        default: return 0
        }
    }

    /// PSRLx PSRAx PSLLx on one chunk. Counts beyond the lane width give zero (logical) or
    /// the sign (arithmetic); the count is the full 64-bit value (Vol. 2B "PSLLW").
    static func shift(_ op: PackedIntOp, _ a: UInt64, _ count: UInt64) -> UInt64 {
        switch op {
        case .psrlw: return count > 15 ? 0 : bits(u16(a) &>> UInt16(count))
        case .psrld: return count > 31 ? 0 : bits(u32(a) &>> UInt32(count))
        case .psrlq: return count > 63 ? 0 : a >> count
        case .psllw: return count > 15 ? 0 : bits(u16(a) &<< UInt16(count))
        case .pslld: return count > 31 ? 0 : bits(u32(a) &<< UInt32(count))
        case .psllq: return count > 63 ? 0 : a << count
        case .psraw: return bits(i16(a) &>> Int16(min(count, 15)))
        default: return bits(i32(a) &>> Int32(min(count, 31)))   // psrad
        }
    }

    /// PACKSSWB PACKSSDW PACKUSWB: the lanes of `x` then those of `y`, narrowed with saturation.
    static func pack(_ op: PackedIntOp, _ x: UInt64, _ y: UInt64) -> UInt64 {
        switch op {
        case .packsswb:
            let v = SIMD8<Int16>(lowHalf: i16(x), highHalf: i16(y))
            return bits(SIMD8<Int8>(clamping: v))
        case .packuswb:
            let v = SIMD8<Int16>(lowHalf: i16(x), highHalf: i16(y))
            return bits(SIMD8<UInt8>(clamping: v))
        default:  // packssdw
            let v = SIMD4<Int32>(lowHalf: i32(x), highHalf: i32(y))
            return bits(SIMD4<Int16>(clamping: v))
        }
    }

    /// PUNPCKLxx/PUNPCKHxx on 32-bit halves: the elements of `x` and `y` alternately, x first.
    static func interleave(_ op: PackedIntOp, _ x: UInt32, _ y: UInt32) -> UInt64 {
        let a = UInt64(x), b = UInt64(y)
        switch op {
        case .punpcklbw, .punpckhbw:
            var r: UInt64 = 0
            for k in 0..<4 {
                let sh = UInt64(8 * k)
                r |= ((a >> sh) & 0xFF) << (2 * sh) | ((b >> sh) & 0xFF) << (2 * sh + 8)
            }
            return r
        case .punpcklwd, .punpckhwd:
            return (a & 0xFFFF) | (b & 0xFFFF) << 16 | (a >> 16) << 32 | (b >> 16) << 48
        default:  // dq
            return a | b << 32
        }
    }

    enum Kind { case lanewise, shift, pack, unpackLow, unpackHigh }

    static func kind(_ op: PackedIntOp) -> Kind {
        switch op {
        case .psrlw, .psrld, .psrlq, .psraw, .psrad, .psllw, .pslld, .psllq: return .shift
        case .packsswb, .packssdw, .packuswb: return .pack
        case .punpcklbw, .punpcklwd, .punpckldq, .punpcklqdq: return .unpackLow
        case .punpckhbw, .punpckhwd, .punpckhdq, .punpckhqdq: return .unpackHigh
        default: return .lanewise
        }
    }

    /// The 64-bit (MMX) form: dst op src.
    static func apply64(_ op: PackedIntOp, _ a: UInt64, _ b: UInt64) -> UInt64 {
        switch kind(op) {
        case .lanewise: return lanewise(op, a, b)
        case .shift: return shift(op, a, b)
        case .pack: return pack(op, a, b)
        case .unpackLow: return interleave(op, UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: b))
        case .unpackHigh: return interleave(op, UInt32(truncatingIfNeeded: a >> 32), UInt32(truncatingIfNeeded: b >> 32))
        }
    }

    /// The 128-bit (XMM) form: dst op src.
    static func apply128(_ op: PackedIntOp, _ a: V128, _ b: V128) -> V128 {
        switch kind(op) {
        case .lanewise: return V128(lo: lanewise(op, a.lo, b.lo), hi: lanewise(op, a.hi, b.hi))
        case .shift: return V128(lo: shift(op, a.lo, b.lo), hi: shift(op, a.hi, b.lo))
        case .pack: return V128(lo: pack(op, a.lo, a.hi), hi: pack(op, b.lo, b.hi))
        case .unpackLow, .unpackHigh:
            let x = kind(op) == .unpackLow ? a.lo : a.hi, y = kind(op) == .unpackLow ? b.lo : b.hi
            if op == .punpcklqdq || op == .punpckhqdq { return V128(lo: x, hi: y) }
            return V128(lo: interleave(op, UInt32(truncatingIfNeeded: x), UInt32(truncatingIfNeeded: y)),
                        hi: interleave(op, UInt32(truncatingIfNeeded: x >> 32), UInt32(truncatingIfNeeded: y >> 32)))
        }
    }
}

extension CPU {
    /// A `PackedIntOp` on XMM registers (`aux` < 0x80): Vx ← Vx op Wx, or Ux ← Ux shifted by Ib.
    func packedIntXMM(_ i: Inst) -> Bool {
        let aux = i.pointee.aux
        let op = PackedIntOp(rawValue: aux & 0x3F).unsafelyUnwrapped
        let a = xmm(i.pointee.r)
        if aux & PackedIntOp.immediateCount != 0 {
            let c = i.pointee.imm
            setXMM(i.pointee.r, V128(lo: PackedInt.shift(op, a.lo, c), hi: PackedInt.shift(op, a.hi, c)))
            return true
        }
        guard let b = sourceXMM(i) else { return false }
        setXMM(i.pointee.r, PackedInt.apply128(op, a, b))
        return true
    }

    /// A `PackedIntOp` on MMX registers: Pq ← Pq op Qq, or Nq ← Nq shifted by Ib.
    func packedIntMMX(_ i: Inst) -> Bool {
        let aux = i.pointee.aux
        let op = PackedIntOp(rawValue: aux & 0x3F).unsafelyUnwrapped
        let a = mm(i.pointee.r)
        if aux & PackedIntOp.immediateCount != 0 {
            setMM(i.pointee.r, PackedInt.shift(op, a, i.pointee.imm))
            return true
        }
        // PUNPCKLBW/WD/DQ mm, mm/m32 (SDM Vol. 2B "PUNPCKLBW…"): the memory form reads only the
        // low 32 bits, so a source whose upper half lies in an unmapped page does not fault.
        let b: UInt64
        if i.pointee.hasMemory && (op == .punpcklbw || op == .punpcklwd || op == .punpckldq) {
            guard let v: UInt32 = load(ea(i)) else { memFault(i); return false }
            b = UInt64(v)
        } else {
            guard let v = sourceMM(i) else { return false }
            b = v
        }
        setMM(i.pointee.r, PackedInt.apply64(op, a, b))
        return true
    }
}
