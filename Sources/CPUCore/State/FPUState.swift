// SPDX-License-Identifier: MIT
// x87, MMX and SSE register state: SDM Vol. 1 §8.1 (x87 registers, FCW/FSW/FTW), §9.2 (MMX
// aliasing the x87 mantissas), §10.2 (XMM registers and MXCSR), Vol. 1 §10.5.1 (FXSAVE image).

/// x87 FPU state. Physical registers R0–R7 are 16-byte slots holding an 80-bit extended value
/// (the host `Float80` layout), so MMX can alias the low 64 bits as the SDM requires.
public struct X87State {
    /// R0–R7, 16 bytes each (bytes 0–9: the 80-bit value).
    public let regs: UnsafeMutableRawPointer
    /// Control word (FINIT: 0x037F).
    public var fcw: UInt16 = 0x037F
    /// Status word without TOP (bits 13:11 are kept in `top`).
    public var fsw: UInt16 = 0
    /// Stack top, 0…7.
    public var top: Int = 0
    /// Full tag word, 2 bits per physical register (11 = empty).
    public var ftw: UInt16 = 0xFFFF
    /// Last instruction opcode (11 bits), instruction and data pointers.
    public var fop: UInt16 = 0
    public var fip: UInt64 = 0
    public var fdp: UInt64 = 0

    init() {
        regs = .allocate(byteCount: 8 * 16, alignment: 16)
        regs.initializeMemory(as: UInt8.self, repeating: 0, count: 8 * 16)
    }

    /// FNINIT state (SDM Vol. 1 §8.1.2, Table 8-5 … register contents unchanged).
    public mutating func reset() {
        fcw = 0x037F; fsw = 0; top = 0; ftw = 0xFFFF; fop = 0; fip = 0; fdp = 0
    }
}

/// SSE state: XMM0–XMM15 (two 64-bit lanes each) and MXCSR.
public struct SSEState {
    /// 16 registers × 16 bytes, 16-byte aligned.
    public let xmm: UnsafeMutableRawPointer
    public var mxcsr: UInt32 = 0x1F80

    init() {
        xmm = .allocate(byteCount: 16 * 16, alignment: 16)
        xmm.initializeMemory(as: UInt8.self, repeating: 0, count: 16 * 16)
    }

    /// Pointer to XMMi's 16 bytes.
    public func reg(_ i: Int) -> UnsafeMutableRawPointer { xmm + i * 16 }
}
