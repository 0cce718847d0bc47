// SPDX-License-Identifier: MIT
// Data transfer: MOV MOVZX MOVSX MOVSXD XCHG XADD CMPXCHG CMPXCHG8B/16B CBW CWD BSWAP, and the
// stack instructions PUSH POP ENTER LEAVE (SDM Vol. 1 §7.3.1; Vol. 2 entries of each mnemonic).

extension CPU {
    // MARK: - MOVZX MOVSX MOVSXD — SDM Vol. 2B "MOVZX", "MOVSX/MOVSXD"

    /// Extends `v` (of `srcSize` bytes) to the destination size and writes register `r`.
    func writeExtended(_ r: UInt8, _ v: UInt64, srcSize: UInt16, dstSize: UInt8, signed: Bool) {
        var x = v
        if signed && srcSize < 8 {
            let sh = UInt64(64 - 8 * Int(srcSize))
            x = UInt64(bitPattern: Int64(bitPattern: v << sh) >> Int64(sh))
        }
        setGPR(Int(r), size: Int(dstSize), x)
    }

    func movxRR(_ i: Inst, signed: Bool) {
        let src = i.pointee.aux == 1 ? UInt64(reg(i.pointee.b, UInt8.self)) : gpr(Int(i.pointee.b), size: Int(i.pointee.aux))
        writeExtended(i.pointee.r, src, srcSize: i.pointee.aux, dstSize: i.pointee.osz, signed: signed)
    }

    func movxRM(_ i: Inst, signed: Bool) -> Bool {
        let a = ea(i)
        let v: UInt64?
        switch i.pointee.aux {
        case 1: v = load(a, UInt8.self).map { UInt64($0) }
        case 2: v = load(a, UInt16.self).map { UInt64($0) }
        default: v = load(a, UInt32.self).map { UInt64($0) }
        }
        guard let v else { memFault(i); return false }
        writeExtended(i.pointee.r, v, srcSize: i.pointee.aux, dstSize: i.pointee.osz, signed: signed)
        return true
    }

    // MARK: - XCHG XADD CMPXCHG — SDM Vol. 2B "XCHG", "XADD", Vol. 2A "CMPXCHG"

    func xchgRR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        let a = reg(i.pointee.r, T.self), b = reg(i.pointee.b, T.self)
        setReg(i.pointee.r, b); setReg(i.pointee.b, a)
    }

    func xchgRM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> Bool {
        let a = ea(i)
        guard let m: T = load(a), store(a, reg(i.pointee.r, T.self)) else { memFault(i); return false }
        setReg(i.pointee.r, m)
        return true
    }

    func xaddRR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        let d = reg(i.pointee.b, T.self), s = reg(i.pointee.r, T.self)
        let sum = alu(0, d, s)
        setReg(i.pointee.r, d); setReg(i.pointee.b, sum)
    }

    func xaddRM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> Bool {
        let a = ea(i)
        guard let d: T = load(a), store(a, d) else { memFault(i); return false }
        let s = reg(i.pointee.r, T.self)
        _ = store(a, alu(0, d, s))
        setReg(i.pointee.r, d)
        return true
    }

    func cmpxchgRR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        let acc = reg(0, T.self), d = reg(i.pointee.b, T.self)
        _ = alu(7, acc, d)
        if acc == d { setReg(i.pointee.b, reg(i.pointee.r, T.self)) } else { setReg(0, d) }
    }

    /// The destination is always written (with its old value on mismatch), SDM Vol. 2A "CMPXCHG".
    func cmpxchgRM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> Bool {
        let a = ea(i)
        guard let d: T = load(a) else { memFault(i); return false }
        let acc = reg(0, T.self)
        guard store(a, acc == d ? reg(i.pointee.r, T.self) : d) else { memFault(i); return false }
        _ = alu(7, acc, d)
        if acc != d { setReg(0, d) }
        return true
    }

    /// CMPXCHG8B / CMPXCHG16B (SDM Vol. 2A): 16B needs a 16-byte aligned operand (#GP otherwise).
    func cmpxchg8b16b(_ i: Inst) -> Bool {
        let a = ea(i)
        if i.pointee.osz == 16 {
            guard a & 15 == 0 else { exception = .gp(0); return false }
            guard let lo: UInt64 = load(a), let hi: UInt64 = load(a &+ 8) else { memFault(i); return false }
            let eq = lo == regs[Reg.rax] && hi == regs[Reg.rdx]
            let (nlo, nhi) = eq ? (regs[Reg.rbx], regs[Reg.rcx]) : (lo, hi)
            guard store(a, nlo), store(a &+ 8, nhi) else { memFault(i); return false }
            if !eq { regs[Reg.rax] = lo; regs[Reg.rdx] = hi }
            setFlag(RFlags.zf, eq)
        } else {
            guard let m: UInt64 = load(a) else { memFault(i); return false }
            let expected = (regs[Reg.rdx] & 0xFFFF_FFFF) << 32 | (regs[Reg.rax] & 0xFFFF_FFFF)
            let eq = m == expected
            let new = eq ? (regs[Reg.rcx] & 0xFFFF_FFFF) << 32 | (regs[Reg.rbx] & 0xFFFF_FFFF) : m
            guard store(a, new) else { memFault(i); return false }
            if !eq { regs[Reg.rax] = m & 0xFFFF_FFFF; regs[Reg.rdx] = m >> 32 }
            setFlag(RFlags.zf, eq)
        }
        return true
    }

    // MARK: - CBW CWDE CDQE CWD CDQ CQO — SDM Vol. 2A

    func cbw(_ size: UInt8) {
        switch size {
        case 2: setReg(0, UInt16(bitPattern: Int16(Int8(bitPattern: reg(0, UInt8.self)))))
        case 4: setReg(0, UInt32(bitPattern: Int32(Int16(bitPattern: reg(0, UInt16.self)))))
        default: regs[Reg.rax] = UInt64(bitPattern: Int64(Int32(bitPattern: reg(0, UInt32.self))))
        }
    }

    func cwd(_ size: UInt8) {
        switch size {
        case 2: setReg(2, reg(0, UInt16.self) & 0x8000 != 0 ? UInt16.max : 0)
        case 4: setReg(2, reg(0, UInt32.self) & 0x8000_0000 != 0 ? UInt32.max : 0)
        default: regs[Reg.rdx] = regs[Reg.rax] >> 63 != 0 ? UInt64.max : 0
        }
    }

    /// BSWAP; the 16-bit form is undefined (Intel clears the register's low word).
    func bswap(_ i: Inst) {
        switch i.pointee.osz {
        case 8: regs[Int(i.pointee.r)] = regs[Int(i.pointee.r)].byteSwapped
        case 4: setReg(i.pointee.r, reg(i.pointee.r, UInt32.self).byteSwapped)
        default: setReg(i.pointee.r, UInt16(0))
        }
    }

    // MARK: - ENTER LEAVE — SDM Vol. 2A "ENTER", "LEAVE"

    func enter(_ i: Inst) -> Bool {
        let size = UInt64(i.pointee.osz)
        let frame = i.pointee.imm & 0xFFFF
        let level = (i.pointee.imm >> 16) & 31
        var sp = regs[Reg.rsp]
        let rbp = regs[Reg.rbp]
        // All stack writes are checked before any register changes.
        func put(_ v: UInt64) -> Bool {
            sp &-= size
            return size == 8 ? store(sp, v) : store(sp, UInt16(truncatingIfNeeded: v))
        }
        guard put(rbp) else { exception = memoryException(stack: true); return false }
        let frameTemp = sp
        if level > 0 {
            var bp = rbp
            for _ in 1..<level {
                bp &-= size
                let v: UInt64? = size == 8 ? load(bp) : load(bp, UInt16.self).map { UInt64($0) }
                guard let v, put(v) else { exception = memoryException(stack: true); return false }
            }
            guard put(frameTemp) else { exception = memoryException(stack: true); return false }
        }
        let newSP = sp &- frame
        // ENTER faults "if a write using the final value of the stack pointer would cause a page
        // fault" (SDM Vol. 2A "ENTER", Exceptions): probe it without changing memory.
        let probed = size == 8 ? load(newSP, UInt64.self).map { store(newSP, $0) }
                               : load(newSP, UInt16.self).map { store(newSP, $0) }
        guard probed == true else { exception = memoryException(stack: true); return false }
        if size == 8 { regs[Reg.rbp] = frameTemp } else { setReg(5, UInt16(truncatingIfNeeded: frameTemp)) }
        regs[Reg.rsp] = newSP
        return true
    }

    func leave(_ i: Inst) -> Bool {
        let saved = regs[Reg.rsp]
        regs[Reg.rsp] = regs[Reg.rbp]
        guard let v = pop(size: i.pointee.osz) else { regs[Reg.rsp] = saved; return false }
        if i.pointee.osz == 8 { regs[Reg.rbp] = v } else { setReg(5, UInt16(truncatingIfNeeded: v)) }
        return true
    }
}
