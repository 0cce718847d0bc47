// SPDX-License-Identifier: MIT
// Lazy arithmetic flags (SDM Vol. 1 §3.4.3.1): an ALU instruction records its operands and
// result; CF PF AF ZF SF OF are computed only when observed (Jcc, SETcc, PUSHF, exceptions,
// exits). Fast paths for the condition codes after CMP/SUB keep Jcc to a few host instructions.

/// What produced the lazy flags.
@usableFromInline enum LazyFlags {
    /// `flagBits` holds the flags; nothing lazy.
    @inlinable static var none: UInt8 { 0 }
    @inlinable static var add: UInt8 { 1 }     // res = a + b
    @inlinable static var adcC: UInt8 { 2 }    // res = a + b + 1
    @inlinable static var sub: UInt8 { 3 }     // res = a - b (CMP, SUB, NEG with a = 0)
    @inlinable static var sbbB: UInt8 { 4 }    // res = a - b - 1
    @inlinable static var logic: UInt8 { 5 }   // CF = OF = 0, AF = 0
    @inlinable static var inc: UInt8 { 6 }     // a + 1, CF kept in flagBits
    @inlinable static var dec: UInt8 { 7 }     // a - 1, CF kept in flagBits
    /// CF = lfA & 1, OF = lfB & 1, AF = 0; ZF SF PF from the result (shifts, multiplies).
    @inlinable static var explicitCO: UInt8 { 8 }
    /// SHL/SHR/SAR by an immediate count 1…width−1: lfA = operand, lfB = count (SDM Vol. 2B "SAL/SAR/SHL/SHR").
    @inlinable static var shl: UInt8 { 9 }
    @inlinable static var shr: UInt8 { 10 }
    @inlinable static var sar: UInt8 { 11 }
}

/// RFLAGS bits, SDM Vol. 1 Figure 3-8.
public enum RFlags {
    @inlinable public static var cf: UInt64 { 1 << 0 }
    @inlinable public static var fixed1: UInt64 { 1 << 1 }
    @inlinable public static var pf: UInt64 { 1 << 2 }
    @inlinable public static var af: UInt64 { 1 << 4 }
    @inlinable public static var zf: UInt64 { 1 << 6 }
    @inlinable public static var sf: UInt64 { 1 << 7 }
    @inlinable public static var tf: UInt64 { 1 << 8 }
    @inlinable public static var `if`: UInt64 { 1 << 9 }
    @inlinable public static var df: UInt64 { 1 << 10 }
    @inlinable public static var of: UInt64 { 1 << 11 }
    @inlinable public static var iopl: UInt64 { 3 << 12 }
    @inlinable public static var nt: UInt64 { 1 << 14 }
    @inlinable public static var rf: UInt64 { 1 << 16 }
    @inlinable public static var vm: UInt64 { 1 << 17 }
    @inlinable public static var ac: UInt64 { 1 << 18 }
    @inlinable public static var vif: UInt64 { 1 << 19 }
    @inlinable public static var vip: UInt64 { 1 << 20 }
    @inlinable public static var id: UInt64 { 1 << 21 }
    /// The six status flags.
    @inlinable public static var status: UInt64 { cf | pf | af | zf | sf | of }
}

extension CPU {
    // MARK: - Recording

    @inline(__always)
    func setFlags(_ op: UInt8, sign: UInt8, res: UInt64, a: UInt64, b: UInt64) {
        lfOp = op; lfSign = sign; lfRes = res; lfA = a; lfB = b
    }

    /// Records flags of a `T`-sized result.
    @inline(__always)
    func setFlags<T: FixedWidthInteger>(_ op: UInt8, _ res: T, _ a: T, _ b: T) {
        lfOp = op; lfSign = UInt8(T.bitWidth - 1)
        lfRes = UInt64(truncatingIfNeeded: res); lfA = UInt64(truncatingIfNeeded: a); lfB = UInt64(truncatingIfNeeded: b)
    }

    /// INC/DEC keep CF: fold the current CF into flagBits first.
    @inline(__always)
    func setIncDecFlags<T: FixedWidthInteger>(_ op: UInt8, _ res: T, _ a: T) {
        let c = cf
        flagBits = (flagBits & ~RFlags.cf) | (c ? 1 : 0)
        setFlags(op, res, a, T(1))
    }

    // MARK: - Observing

    var cf: Bool {
        @inline(__always) get {
            switch lfOp {
            case LazyFlags.sub: return lfA < lfB
            case LazyFlags.add: return lfRes < lfA
            case LazyFlags.logic: return false
            case LazyFlags.adcC: return lfRes <= lfA
            case LazyFlags.sbbB: return lfA <= lfB
            case LazyFlags.explicitCO: return lfA & 1 != 0
            case LazyFlags.shl: return (lfA >> (UInt64(lfSign) &+ 1 &- lfB)) & 1 != 0
            case LazyFlags.shr, LazyFlags.sar: return (lfA >> (lfB &- 1)) & 1 != 0
            default: return flagBits & RFlags.cf != 0  // none, inc, dec
            }
        }
    }

    var zf: Bool {
        @inline(__always) get { lfOp == LazyFlags.none ? flagBits & RFlags.zf != 0 : lfRes == 0 }
    }

    var sf: Bool {
        @inline(__always) get {
            lfOp == LazyFlags.none ? flagBits & RFlags.sf != 0 : (lfRes >> UInt64(lfSign)) & 1 != 0
        }
    }

    var of: Bool {
        @inline(__always) get {
            let s = UInt64(lfSign)
            switch lfOp {
            case LazyFlags.add, LazyFlags.adcC, LazyFlags.inc:
                return (((lfA ^ lfRes) & (lfB ^ lfRes)) >> s) & 1 != 0
            case LazyFlags.sub, LazyFlags.sbbB, LazyFlags.dec:
                return (((lfA ^ lfB) & (lfA ^ lfRes)) >> s) & 1 != 0
            case LazyFlags.logic: return false
            case LazyFlags.explicitCO: return lfB & 1 != 0
            case LazyFlags.shl: return ((lfRes >> s) & 1 != 0) != cf
            case LazyFlags.shr: return (lfA >> s) & 1 != 0
            case LazyFlags.sar: return false
            default: return flagBits & RFlags.of != 0
            }
        }
    }

    var pf: Bool {
        @inline(__always) get {
            lfOp == LazyFlags.none ? flagBits & RFlags.pf != 0 : UInt8(truncatingIfNeeded: lfRes).nonzeroBitCount & 1 == 0
        }
    }

    var af: Bool {
        switch lfOp {
        case LazyFlags.add, LazyFlags.adcC, LazyFlags.sub, LazyFlags.sbbB, LazyFlags.inc, LazyFlags.dec:
            return ((lfA ^ lfB ^ lfRes) >> 4) & 1 != 0
        case LazyFlags.logic, LazyFlags.explicitCO, LazyFlags.shl, LazyFlags.shr, LazyFlags.sar: return false
        default: return flagBits & RFlags.af != 0
        }
    }

    /// Evaluates condition code `cc` (SDM Vol. 1 Table B-1: O NO B AE E NE BE A S NS P NP L GE LE G).
    @inline(__always)
    func condition(_ cc: UInt16) -> Bool {
        if lfOp == LazyFlags.sub {
            // CMP/SUB fast path: compare the operands directly.
            let sh = UInt64(63 &- lfSign)
            let sa = Int64(bitPattern: lfA &<< sh), sb = Int64(bitPattern: lfB &<< sh)
            switch cc {
            case 2: return lfA < lfB
            case 3: return lfA >= lfB
            case 4: return lfA == lfB
            case 5: return lfA != lfB
            case 6: return lfA <= lfB
            case 7: return lfA > lfB
            case 0xC: return sa < sb
            case 0xD: return sa >= sb
            case 0xE: return sa <= sb
            case 0xF: return sa > sb
            default: break
            }
        }
        let r: Bool
        switch cc >> 1 {
        case 0: r = of
        case 1: r = cf
        case 2: r = zf
        case 3: r = cf || zf
        case 4: r = sf
        case 5: r = pf
        case 6: r = sf != of
        default: r = zf || (sf != of)
        }
        return r != (cc & 1 != 0)
    }

    /// `condition` as one out-of-line call, so the interpreter's switch stays small.
    @inline(never)
    func conditionOutlined(_ cc: UInt16) -> Bool { condition(cc) }

    // MARK: - Materialising

    /// The full RFLAGS value: one switch over the producer computes CF, OF and AF together
    /// (the same rules as the single-flag getters above, which `condition` uses); ZF, SF and PF
    /// come from the result alike for every producer. Inlinable for the trace recorder, which
    /// reads it after most instructions; `rflags` is the same as one call.
    @inlinable @inline(__always)
    public func materializedRFLAGS() -> UInt64 {
        let op = lfOp
        if op == LazyFlags.none { return flagBits }
        let res = lfRes, a = lfA, b = lfB, s = UInt64(lfSign)
        let low = res ^ (res &>> 4)
        // PF: even parity of the low byte (0x6996 holds the odd parity of each nibble value).
        let pf = ((0x6996 as UInt64) &>> (low & 0xF) & 1) ^ 1
        var f = (flagBits & ~RFlags.status) | pf &<< 2 | (res == 0 ? RFlags.zf : 0) | ((res &>> s) & 1) &<< 7
        let carry: UInt64, over: UInt64, adjust = (a ^ b ^ res) & RFlags.af
        switch op {
        case LazyFlags.add: carry = res < a ? 1 : 0; over = ((a ^ res) & (b ^ res)) &>> s & 1; f |= adjust
        case LazyFlags.adcC: carry = res <= a ? 1 : 0; over = ((a ^ res) & (b ^ res)) &>> s & 1; f |= adjust
        case LazyFlags.sub: carry = a < b ? 1 : 0; over = ((a ^ b) & (a ^ res)) &>> s & 1; f |= adjust
        case LazyFlags.sbbB: carry = a <= b ? 1 : 0; over = ((a ^ b) & (a ^ res)) &>> s & 1; f |= adjust
        case LazyFlags.inc: carry = flagBits & RFlags.cf; over = ((a ^ res) & (b ^ res)) &>> s & 1; f |= adjust
        case LazyFlags.dec: carry = flagBits & RFlags.cf; over = ((a ^ b) & (a ^ res)) &>> s & 1; f |= adjust
        case LazyFlags.explicitCO: carry = a & 1; over = b & 1
        case LazyFlags.shl: carry = (a &>> (s &+ 1 &- b)) & 1; over = ((res &>> s) & 1) ^ carry
        case LazyFlags.shr: carry = (a &>> (b &- 1)) & 1; over = (a &>> s) & 1
        case LazyFlags.sar: carry = (a &>> (b &- 1)) & 1; over = 0
        default: carry = 0; over = 0   // logic
        }
        f |= carry | over &<< 11
        return f
    }

    /// The full RFLAGS value.
    public var rflags: UInt64 {
        get { materializedRFLAGS() }
        set {
            flagBits = (newValue & 0x3F_7FD5) | RFlags.fixed1  // reserved bits read as 0, bit 1 as 1
            lfOp = LazyFlags.none
        }
    }

    /// Materialises the flags so `flagBits` is authoritative (before changing single bits).
    func materializeFlags() {
        if lfOp != LazyFlags.none { let f = rflags; flagBits = f; lfOp = LazyFlags.none }
    }

    /// Sets or clears one status flag.
    func setFlag(_ bit: UInt64, _ on: Bool) {
        materializeFlags()
        if on { flagBits |= bit } else { flagBits &= ~bit }
    }

    /// Sets ZF SF PF from a result and CF/OF explicitly (AF = 0): shifts, multiplies, bit ops.
    @inline(__always)
    func setFlagsCO<T: FixedWidthInteger>(_ res: T, cf: Bool, of: Bool) {
        lfOp = LazyFlags.explicitCO; lfSign = UInt8(T.bitWidth - 1)
        lfRes = UInt64(truncatingIfNeeded: res); lfA = cf ? 1 : 0; lfB = of ? 1 : 0
    }
}
