// SPDX-License-Identifier: MIT
// Lazy arithmetic flags (SDM Vol. 1 §3.4.3.1): an ALU instruction records its operands and
// result; CF PF AF ZF SF OF are computed only when observed (Jcc, SETcc, PUSHF, exceptions,
// exits). Fast paths for the condition codes after CMP/SUB keep Jcc to a few host instructions.

/// What produced the lazy flags.
@usableFromInline enum LazyFlags {
    /// `flagBits` holds the flags; nothing lazy.
    @usableFromInline static let none: UInt8 = 0
    @usableFromInline static let add: UInt8 = 1     // res = a + b
    @usableFromInline static let adcC: UInt8 = 2    // res = a + b + 1
    @usableFromInline static let sub: UInt8 = 3     // res = a - b (CMP, SUB, NEG with a = 0)
    @usableFromInline static let sbbB: UInt8 = 4    // res = a - b - 1
    @usableFromInline static let logic: UInt8 = 5   // CF = OF = 0, AF = 0
    @usableFromInline static let inc: UInt8 = 6     // a + 1, CF kept in flagBits
    @usableFromInline static let dec: UInt8 = 7     // a - 1, CF kept in flagBits
    /// CF = lfA & 1, OF = lfB & 1, AF = 0; ZF SF PF from the result (shifts, multiplies).
    @usableFromInline static let explicitCO: UInt8 = 8
    /// SHL/SHR/SAR by an immediate count 1…width−1: lfA = operand, lfB = count (SDM Vol. 2B "SAL/SAR/SHL/SHR").
    @usableFromInline static let shl: UInt8 = 9
    @usableFromInline static let shr: UInt8 = 10
    @usableFromInline static let sar: UInt8 = 11
}

/// RFLAGS bits, SDM Vol. 1 Figure 3-8.
public enum RFlags {
    public static let cf: UInt64 = 1 << 0
    public static let fixed1: UInt64 = 1 << 1
    public static let pf: UInt64 = 1 << 2
    public static let af: UInt64 = 1 << 4
    public static let zf: UInt64 = 1 << 6
    public static let sf: UInt64 = 1 << 7
    public static let tf: UInt64 = 1 << 8
    public static let `if`: UInt64 = 1 << 9
    public static let df: UInt64 = 1 << 10
    public static let of: UInt64 = 1 << 11
    public static let iopl: UInt64 = 3 << 12
    public static let nt: UInt64 = 1 << 14
    public static let rf: UInt64 = 1 << 16
    public static let vm: UInt64 = 1 << 17
    public static let ac: UInt64 = 1 << 18
    public static let vif: UInt64 = 1 << 19
    public static let vip: UInt64 = 1 << 20
    public static let id: UInt64 = 1 << 21
    /// The six status flags.
    public static let status: UInt64 = cf | pf | af | zf | sf | of
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

    /// The full RFLAGS value.
    public var rflags: UInt64 {
        get {
            if lfOp == LazyFlags.none { return flagBits }
            var f = flagBits & ~RFlags.status
            if cf { f |= RFlags.cf }
            if pf { f |= RFlags.pf }
            if af { f |= RFlags.af }
            if zf { f |= RFlags.zf }
            if sf { f |= RFlags.sf }
            if of { f |= RFlags.of }
            return f
        }
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
