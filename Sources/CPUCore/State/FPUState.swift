// SPDX-License-Identifier: MIT
// x87, MMX and SSE register state: SDM Vol. 1 §8.1 (x87 registers, FCW/FSW/FTW), §9.2 (MMX
// aliasing the x87 mantissas), §10.2 (XMM registers and MXCSR), Vol. 1 §10.5.1 (FXSAVE image).

/// x87 FPU state. Physical registers R0–R7 are 16-byte slots holding an 80-bit extended value
/// (the host `Float80` layout: significand in bytes 0–7, sign and exponent in bytes 8–9), so MMX
/// can alias the low 64 bits as the SDM requires (Vol. 1 §9.2).
///
/// The tag word keeps 11 for an empty register; any other value means "in use", and the exact
/// valid/zero/special tag is computed from the register contents whenever it is observed
/// (FSTENV, FSAVE, `fullTag`), as the hardware does since the FXSAVE abridged tag (§8.1.7).
public struct X87State {
    /// R0–R7, 16 bytes each (bytes 0–9: the 80-bit value).
    public let regs: UnsafeMutableRawPointer
    /// Control word (FINIT: 0x037F).
    public var fcw: UInt16 = 0x037F
    /// Status word without TOP (bits 13:11 are kept in `top`).
    public var fsw: UInt16 = 0
    /// Stack top, 0…7.
    public var top: Int = 0
    /// Tag word, 2 bits per physical register (11 = empty; see above for the other values).
    public var ftw: UInt16 = 0xFFFF
    /// Last non-control instruction: opcode (11 bits), instruction pointer and CS, operand
    /// pointer and its segment selector (SDM Vol. 1 §8.1.8–8.1.9).
    public var fop: UInt16 = 0
    public var fip: UInt64 = 0
    public var fdp: UInt64 = 0
    public var fcs: UInt16 = 0
    public var fds: UInt16 = 0

    init() {
        regs = .allocate(byteCount: 8 * 16, alignment: 16)
        regs.initializeMemory(as: UInt8.self, repeating: 0, count: 8 * 16)
    }

    /// FNINIT state (SDM Vol. 1 §8.1.2, Table 8-5 … register contents unchanged).
    public mutating func reset() {
        fcw = 0x037F; fsw = 0; top = 0; ftw = 0xFFFF; fop = 0; fip = 0; fdp = 0; fcs = 0; fds = 0
    }

    // MARK: - Stack

    /// Physical register number of ST(i).
    @inlinable @inline(__always) public func physical(_ st: Int) -> Int { (top &+ st) & 7 }

    @inlinable @inline(__always) public func isEmpty(_ st: Int) -> Bool { (ftw >> UInt16(2 * physical(st))) & 3 == 3 }

    /// Raw 80-bit contents of physical register `r`.
    @inlinable @inline(__always) public func load(physical r: Int) -> Ext80 {
        Ext80(sig: regs.load(fromByteOffset: r * 16, as: UInt64.self),
              se: regs.load(fromByteOffset: r * 16 + 8, as: UInt16.self))
    }

    @inlinable @inline(__always) public func store(physical r: Int, _ v: Ext80) {
        regs.storeBytes(of: v.sig, toByteOffset: r * 16, as: UInt64.self)
        regs.storeBytes(of: v.se, toByteOffset: r * 16 + 8, as: UInt16.self)
    }

    @inlinable @inline(__always) public func st(_ i: Int) -> Ext80 { load(physical: physical(i)) }

    /// Writes ST(i) and marks it in use.
    @inlinable @inline(__always) public mutating func setST(_ i: Int, _ v: Ext80) {
        let r = physical(i)
        store(physical: r, v)
        ftw &= ~(3 << UInt16(2 * r))
    }

    /// TOP ← TOP − 1, then ST(0) ← v.
    @inlinable @inline(__always) public mutating func push(_ v: Ext80) {
        top = (top &- 1) & 7
        setST(0, v)
    }

    /// Marks ST(0) empty and increments TOP.
    @inlinable @inline(__always) public mutating func pop() {
        ftw |= 3 << UInt16(2 * top)
        top = (top &+ 1) & 7
    }

    @inlinable @inline(__always) public mutating func setEmpty(_ st: Int) { ftw |= 3 << UInt16(2 * physical(st)) }

    // MARK: - Status and tag words

    /// FSW with TOP in bits 13:11.
    @inlinable public var statusWord: UInt16 {
        get { (fsw & ~0x3800) | UInt16(top) << 11 }
        set { fsw = newValue & ~0x3800; top = Int(newValue >> 11) & 7 }
    }

    /// Tag of a register's contents (Vol. 1 Figure 8-7): 00 valid, 01 zero, 10 special.
    @inlinable public static func tag(of v: Ext80) -> UInt16 {
        let e = v.se & 0x7FFF
        if e == 0 { return v.sig == 0 ? 1 : 2 }
        if e == 0x7FFF || v.sig >> 63 == 0 { return 2 }
        return 0
    }

    /// The full tag word, with the tags of non-empty registers computed from their contents.
    public var fullTag: UInt16 {
        var t: UInt16 = 0
        for r in 0..<8 {
            let tag = (ftw >> UInt16(2 * r)) & 3 == 3 ? 3 : X87State.tag(of: load(physical: r))
            t |= tag << UInt16(2 * r)
        }
        return t
    }

    /// Loads a full tag word: only "empty or not" is kept (FLDENV/FRSTOR, §8.1.7).
    public mutating func setFullTag(_ t: UInt16) {
        var w: UInt16 = 0
        for r in 0..<8 where (t >> UInt16(2 * r)) & 3 == 3 { w |= 3 << UInt16(2 * r) }
        ftw = w
    }

    /// FXSAVE's abridged tag: bit r set when physical register r is in use (§10.5.1.1).
    public var abridgedTag: UInt8 {
        var a: UInt8 = 0
        for r in 0..<8 where (ftw >> UInt16(2 * r)) & 3 != 3 { a |= 1 << UInt8(r) }
        return a
    }

    public mutating func setAbridgedTag(_ a: UInt8) {
        var w: UInt16 = 0
        for r in 0..<8 where a & (1 << UInt8(r)) == 0 { w |= 3 << UInt16(2 * r) }
        ftw = w
    }
}

/// An 80-bit extended-precision value as raw bits (SDM Vol. 1 §4.2.2, Figure 4-3): the 64-bit
/// significand with its explicit integer bit, and the sign and 15-bit biased exponent.
@frozen public struct Ext80: Equatable, Sendable {
    public var sig: UInt64
    public var se: UInt16

    @inlinable public init(sig: UInt64, se: UInt16) { self.sig = sig; self.se = se }
    @inlinable public init(sign: Bool, exp: Int32, sig: UInt64) {
        self.sig = sig; se = UInt16(truncatingIfNeeded: exp) & 0x7FFF | (sign ? 0x8000 : 0)
    }

    @inlinable public var sign: Bool { se & 0x8000 != 0 }
    @inlinable public var exp: Int32 { Int32(se & 0x7FFF) }

    /// The QNaN floating-point indefinite, the masked response to invalid operations.
    public static let indefinite = Ext80(sig: 0xC000_0000_0000_0000, se: 0xFFFF)
    public static let zero = Ext80(sig: 0, se: 0)
    public static let one = Ext80(sig: 1 << 63, se: 0x3FFF)
    public static let infinity = Ext80(sig: 1 << 63, se: 0x7FFF)
}

/// SSE state: XMM0–XMM15 (two 64-bit lanes each) and MXCSR (SDM Vol. 1 §10.2.3).
public struct SSEState {
    /// 16 registers × 16 bytes, 16-byte aligned, followed by `scratchBytes` of scratch space for
    /// the instruction being executed (operands and result of a host floating-point operation).
    public let xmm: UnsafeMutableRawPointer
    public var mxcsr: UInt32 = 0x1F80

    /// MXCSR bits software may set (the MXCSR_MASK FXSAVE stores): FZ RC masks DAZ flags. Setting
    /// any other bit with LDMXCSR or FXRSTOR is #GP(0) (Vol. 1 §11.6.6).
    public static let mxcsrMask: UInt32 = 0xFFFF
    static let scratchBytes = 64

    init() {
        let size = 16 * 16 + SSEState.scratchBytes
        xmm = .allocate(byteCount: size, alignment: 16)
        xmm.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    }

    /// Pointer to XMMi's 16 bytes.
    @inlinable public func reg(_ i: Int) -> UnsafeMutableRawPointer { xmm + i * 16 }

    /// Scratch for the executing instruction, 16-byte aligned (layout: `HostFP` in SSEHostFPU.swift).
    var scratch: UnsafeMutableRawPointer { xmm + 16 * 16 }

    /// XMMi's low and high quadwords.
    @inlinable public func lo(_ i: Int) -> UInt64 { xmm.load(fromByteOffset: i * 16, as: UInt64.self) }
    @inlinable public func hi(_ i: Int) -> UInt64 { xmm.load(fromByteOffset: i * 16 + 8, as: UInt64.self) }

    /// Writes both quadwords of XMMi.
    @inlinable public func set(_ i: Int, lo: UInt64, hi: UInt64) {
        xmm.storeBytes(of: lo, toByteOffset: i * 16, as: UInt64.self)
        xmm.storeBytes(of: hi, toByteOffset: i * 16 + 8, as: UInt64.self)
    }

    /// Power-on and INIT state: registers zero, MXCSR 0x1F80 (Vol. 3A Table 10-1).
    public mutating func reset() {
        mxcsr = 0x1F80
        xmm.initializeMemory(as: UInt8.self, repeating: 0, count: 16 * 16)
    }
}
