// SPDX-License-Identifier: MIT
// Operand access for the interpreter: registers by size (SDM Vol. 1 §3.4.1.1: 32-bit writes
// zero-extend, 8/16-bit writes merge), effective addresses (Vol. 2A §2.2.1) and memory access
// through the MMU's TLB with faults turned into exceptions.
import MMU

/// The interpreter passes decoded instructions by pointer: no copies of the 48-byte record.
public typealias Inst = UnsafePointer<DecodedInstruction>

extension CPU {
    // MARK: - Registers

    @inline(__always)
    func reg<T: FixedWidthInteger>(_ n: UInt8, _: T.Type = T.self) -> T {
        if T.bitWidth == 8 && n >= 16 { return T(truncatingIfNeeded: regs[Int(n) &- 16] &>> 8) }
        return T(truncatingIfNeeded: regs[Int(n)])
    }

    @inline(__always)
    func setReg<T: FixedWidthInteger>(_ n: UInt8, _ v: T) {
        let i = Int(n)
        switch T.bitWidth {
        case 64: regs[i] = UInt64(truncatingIfNeeded: v)
        case 32: regs[i] = UInt64(UInt32(truncatingIfNeeded: v))
        case 16: regs[i] = (regs[i] & ~0xFFFF) | UInt64(UInt16(truncatingIfNeeded: v))
        default:
            if i < 16 {
                regs[i] = (regs[i] & ~0xFF) | UInt64(UInt8(truncatingIfNeeded: v))
            } else {
                regs[i &- 16] = (regs[i &- 16] & ~0xFF00) | UInt64(UInt8(truncatingIfNeeded: v)) << 8
            }
        }
    }

    /// Reads a GPR by operand size in bytes, zero-extended.
    public func gpr(_ n: Int, size: Int) -> UInt64 {
        switch size {
        case 1: return UInt64(reg(UInt8(n), UInt8.self))
        case 2: return regs[n] & 0xFFFF
        case 4: return regs[n] & 0xFFFF_FFFF
        default: return regs[n]
        }
    }

    /// Writes a GPR by operand size in bytes with the architectural merge/zero-extend rules.
    public func setGPR(_ n: Int, size: Int, _ v: UInt64) {
        switch size {
        case 1: setReg(UInt8(n), UInt8(truncatingIfNeeded: v))
        case 2: setReg(UInt8(n), UInt16(truncatingIfNeeded: v))
        case 4: setReg(UInt8(n), UInt32(truncatingIfNeeded: v))
        default: regs[n] = v
        }
    }

    // MARK: - Effective addresses

    /// The linear address of the memory operand. In 64-bit mode only FS and GS have a base
    /// (SDM Vol. 1 §3.4.2.1; `segBase[0]`, the flat segment, is always 0), so most forms are
    /// `disp + base + index << scale` and only `eaSpecial` ones take the segment and 67h path.
    @inline(__always)
    func ea(_ i: Inst) -> UInt64 {
        let a = i.pointee.disp &+ regs[Int(i.pointee.b)] &+ (regs[Int(i.pointee.index)] &<< UInt64(i.pointee.scale))
        if _slowPath(i.pointee.eaSpecial) { return eaSpecial(i, a) }
        return a
    }

    /// `ea` for an FS/GS-relative operand or a 32-bit address size (the offset wraps at 4 GiB
    /// before the base is added, SDM Vol. 1 §3.3.7).
    @inline(never)
    func eaSpecial(_ i: Inst, _ offset: UInt64) -> UInt64 {
        let a = i.pointee.pfx & Prefix.addr32 != 0 ? offset & 0xFFFF_FFFF : offset
        return a &+ segBase[Int(i.pointee.seg)]
    }

    // MARK: - Memory

    @inline(__always)
    func load<T: FixedWidthInteger>(_ va: UInt64, _: T.Type = T.self) -> T? {
        mmu.read(va, as: T.self)
    }

    @inline(__always)
    func store<T: FixedWidthInteger>(_ va: UInt64, _ v: T) -> Bool {
        mmu.write(va, v)
    }

    /// The exception for the MMU's last fault; a non-canonical stack reference is #SS (SDM Vol. 3A §6.15, #SS).
    func memoryException(stack: Bool = false) -> CPUException {
        let f = mmu.fault
        if f.vector == CPUException.PF {
            return CPUException(CPUException.PF, errorCode: f.errorCode, address: f.address)
        }
        return CPUException(stack ? CPUException.SS : f.vector, errorCode: 0)
    }

    /// Records the MMU fault of instruction `i` as the pending exception.
    @inline(never)
    func memFault(_ i: Inst) {
        exception = memoryException(stack: i.pointee.pfx & Prefix.stackSeg != 0)
    }

    // MARK: - Stack (64-bit mode: SS base 0, canonical checks as #SS)

    @inline(__always)
    func push64(_ v: UInt64) -> Bool {
        let sp = regs[Reg.rsp] &- 8
        guard store(sp, v) else { exception = memoryException(stack: true); return false }
        regs[Reg.rsp] = sp
        return true
    }

    @inline(__always)
    func pop64() -> UInt64? {
        let sp = regs[Reg.rsp]
        guard let v: UInt64 = load(sp) else { exception = memoryException(stack: true); return nil }
        regs[Reg.rsp] = sp &+ 8
        return v
    }

    /// PUSH with a 16- or 64-bit operand size.
    func push(_ v: UInt64, size: UInt8) -> Bool {
        if size == 8 { return push64(v) }
        let sp = regs[Reg.rsp] &- 2
        guard store(sp, UInt16(truncatingIfNeeded: v)) else { exception = memoryException(stack: true); return false }
        regs[Reg.rsp] = sp
        return true
    }

    func pop(size: UInt8) -> UInt64? {
        if size == 8 { return pop64() }
        let sp = regs[Reg.rsp]
        guard let v: UInt16 = load(sp) else { exception = memoryException(stack: true); return nil }
        regs[Reg.rsp] = sp &+ 2
        return UInt64(v)
    }
}
