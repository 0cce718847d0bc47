// SPDX-License-Identifier: MIT
// Operand access for SSE and MMX: the availability checks every such instruction starts with
// (SDM Vol. 3A §13.1–13.2, Table 22-? "MMX/SSE exception conditions"), XMM and MMX registers
// (MMi aliases the significand of physical x87 register Ri, Vol. 1 §9.5), and 64/128-bit
// memory operands with the legacy-SSE alignment rule (Vol. 1 §4.1.1) and no partial stores.
import MMU

/// A 128-bit XMM value as two quadwords (lane 0 in `lo`).
struct V128: Equatable {
    var lo: UInt64
    var hi: UInt64
}

/// Control-register bits the SSE and MMX instructions check.
enum SSEControl {
    static let cr0EM: UInt64 = 1 << 2
    static let cr0TS: UInt64 = 1 << 3
    static let cr4OSFXSR: UInt64 = 1 << 9
    static let cr4OSXMMEXCPT: UInt64 = 1 << 10
    /// FSW.ES: an unmasked x87 exception is pending.
    static let fswES: UInt16 = 1 << 7
}

extension CPU {
    // MARK: - Availability

    /// SSE/SSE2 instructions: #UD if CR0.EM = 1 or CR4.OSFXSR = 0, then #NM if CR0.TS = 1.
    func sseAvailable() -> Bool {
        if cr0 & SSEControl.cr0EM != 0 || cr4 & SSEControl.cr4OSFXSR == 0 { exception = .ud; return false }
        if cr0 & SSEControl.cr0TS != 0 { exception = CPUException(CPUException.NM); return false }
        return true
    }

    /// Instructions that read or write MMX registers: #UD if CR0.EM = 1, #NM if CR0.TS = 1, #MF
    /// if an x87 exception is pending (Vol. 3A §13.2, Vol. 2 "Numeric Exceptions" of each MMX entry).
    func mmxAvailable() -> Bool {
        if cr0 & SSEControl.cr0EM != 0 { exception = .ud; return false }
        if cr0 & SSEControl.cr0TS != 0 { exception = CPUException(CPUException.NM); return false }
        if x87.fsw & SSEControl.fswES != 0 { exception = CPUException(CPUException.MF); return false }
        return true
    }

    // MARK: - MMX registers (Vol. 1 §9.5.1)

    /// MMi: bits 63:0 of physical x87 register Ri.
    func mm(_ n: UInt8) -> UInt64 { x87.regs.load(fromByteOffset: Int(n & 7) * 16, as: UInt64.self) }

    /// Writes MMi: the significand of Ri, with exponent and sign bits 79:64 set to ones.
    func setMM(_ n: UInt8, _ v: UInt64) { x87WriteMMX(Int(n), v) }

    /// Every MMX instruction but EMMS sets TOP = 0 and tags all registers valid (Vol. 1 §9.5.1).
    /// It happens before SIMD floating-point exceptions are raised, but not if a memory operand
    /// faults (measured on the host).
    func mmxTransition() { x87EnterMMX() }

    // MARK: - XMM registers

    func xmm(_ n: UInt8) -> V128 { V128(lo: sse.lo(Int(n)), hi: sse.hi(Int(n))) }
    func setXMM(_ n: UInt8, _ v: V128) { sse.set(Int(n), lo: v.lo, hi: v.hi) }
    func setXMMLo(_ n: UInt8, _ v: UInt64) { sse.reg(Int(n)).storeBytes(of: v, as: UInt64.self) }
    func setXMMHi(_ n: UInt8, _ v: UInt64) { sse.reg(Int(n)).storeBytes(of: v, toByteOffset: 8, as: UInt64.self) }

    // MARK: - Memory operands

    /// #GP(0) for a 16-byte operand that is not 16-byte aligned.
    func checkAligned16(_ va: UInt64) -> Bool {
        guard va & 15 == 0 else { exception = .gp(0); return false }
        return true
    }

    /// Reads 16 bytes at `va`. Both halves are read before anything is changed.
    func load128(_ i: Inst, _ va: UInt64, aligned: Bool) -> V128? {
        if aligned && !checkAligned16(va) { return nil }
        guard let lo: UInt64 = load(va), let hi: UInt64 = load(va &+ 8) else { memFault(i); return nil }
        return V128(lo: lo, hi: hi)
    }

    /// Writes 16 bytes at `va` entirely or not at all: a store that crosses a page has both
    /// pages checked for writing first.
    func store128(_ i: Inst, _ va: UInt64, _ v: V128, aligned: Bool) -> Bool {
        if aligned && !checkAligned16(va) { return false }
        guard probeWrite(va, length: 16) else { memFault(i); return false }
        guard store(va, v.lo), store(va &+ 8, v.hi) else { memFault(i); return false }
        return true
    }

    /// Checks that `[va, va+length)` (at most two pages) is writable, so a multi-part store cannot
    /// stop half way. Nothing to do within one page: the first part's success proves the rest.
    func probeWrite(_ va: UInt64, length: UInt64) -> Bool {
        let last = va &+ (length - 1)
        if va >> 12 == last >> 12 { return true }
        return mmu.translate(va, .write, user: mmu.userMode) != nil
            && mmu.translate(last & ~0xFFF, .write, user: mmu.userMode) != nil
    }

    /// The Wx operand: XMM register `b` or 16 bytes of memory (aligned for legacy-SSE packed forms).
    func sourceXMM(_ i: Inst, aligned: Bool = true) -> V128? {
        if i.pointee.hasMemory { return load128(i, ea(i), aligned: aligned) }
        return xmm(i.pointee.b)
    }

    /// The low quadword of XMM register `b`, or 8 bytes of memory (Wq, Wsd, Mq).
    func sourceXMM64(_ i: Inst) -> UInt64? {
        if i.pointee.hasMemory {
            guard let v: UInt64 = load(ea(i)) else { memFault(i); return nil }
            return v
        }
        return sse.lo(Int(i.pointee.b))
    }

    /// The low doubleword of XMM register `b`, or 4 bytes of memory (Wss, Md).
    func sourceXMM32(_ i: Inst) -> UInt32? {
        if i.pointee.hasMemory {
            guard let v: UInt32 = load(ea(i)) else { memFault(i); return nil }
            return v
        }
        return UInt32(truncatingIfNeeded: sse.lo(Int(i.pointee.b)))
    }

    /// The Qq operand: MMX register `b` or 8 bytes of memory.
    func sourceMM(_ i: Inst) -> UInt64? {
        if i.pointee.hasMemory {
            guard let v: UInt64 = load(ea(i)) else { memFault(i); return nil }
            return v
        }
        return mm(i.pointee.b)
    }

    /// The Ey operand of MOVD/MOVQ and the CVTSI2xx forms: a GPR or memory, 32 or 64 bits by `osz`.
    func sourceGPR(_ i: Inst) -> UInt64? {
        let size = Int(i.pointee.osz)
        if i.pointee.hasMemory {
            let va = ea(i)
            let v: UInt64?
            if size == 8 { v = load(va) } else { v = load(va, UInt32.self).map { UInt64($0) } }
            guard let v else { memFault(i); return nil }
            return v
        }
        return gpr(Int(i.pointee.b), size: size)
    }

    /// Writes the Ey operand of MOVD/MOVQ r/m, xmm/mm.
    func storeGPROperand(_ i: Inst, _ v: UInt64) -> Bool {
        if i.pointee.hasMemory {
            let ok = i.pointee.osz == 8 ? store(ea(i), v) : store(ea(i), UInt32(truncatingIfNeeded: v))
            guard ok else { memFault(i); return false }
            return true
        }
        setGPR(Int(i.pointee.b), size: Int(i.pointee.osz), v)
        return true
    }

    /// Stores the low 32 or 64 bits of a value to the instruction's memory operand.
    func storeMemory<T: FixedWidthInteger>(_ i: Inst, _ v: T) -> Bool {
        guard store(ea(i), v) else { memFault(i); return false }
        return true
    }
}
