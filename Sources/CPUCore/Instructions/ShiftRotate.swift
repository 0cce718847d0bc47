// SPDX-License-Identifier: MIT
// Shifts and rotates: SAL SHL SHR SAR ROL ROR RCL RCR SHLD SHRD (SDM Vol. 2B "SAL/SAR/SHL/SHR",
// "RCL/RCR/ROL/ROR", "SHLD", "SHRD"). Counts are masked to 5 bits (6 with REX.W); a masked count
// of 0 changes no flags. Where the SDM leaves OF or AF undefined (count > 1), emu follows the
// count-1 formula on the final result; the differential tests mask those flags.

extension CPU {
    /// Shift/rotate `a` by `count` (already read from imm, 1 or CL). Returns the result.
    func shift<T: FixedWidthInteger & UnsignedInteger>(_ op: UInt16, _ a: T, _ rawCount: UInt64) -> T {
        let bits = T.bitWidth
        let count = Int(rawCount & (bits == 64 ? 0x3F : 0x1F))
        if count == 0 { return a }
        let top = T(1) << T(bits - 1)
        switch op {
        case ShiftOp.shl.rawValue, ShiftOp.sal.rawValue:
            let r: T = count >= bits ? 0 : a << T(count)
            let c = count > bits ? false : (UInt64(truncatingIfNeeded: a) >> UInt64(bits - count)) & 1 != 0
            setFlagsCO(r, cf: c, of: ((r & top) != 0) != c)
            return r
        case ShiftOp.shr.rawValue:
            let r: T = count >= bits ? 0 : a >> T(count)
            let c = count > bits ? false : (UInt64(truncatingIfNeeded: a) >> UInt64(count - 1)) & 1 != 0
            setFlagsCO(r, cf: c, of: (a & top) != 0)
            return r
        case ShiftOp.sar.rawValue:
            let s = Int64(bitPattern: UInt64(truncatingIfNeeded: a) << UInt64(64 - bits)) >> Int64(64 - bits)
            let r = T(truncatingIfNeeded: s >> Int64(min(count, 63)))
            let c = (s >> Int64(min(count - 1, 63))) & 1 != 0
            setFlagsCO(r, cf: c, of: false)
            return r
        case ShiftOp.rol.rawValue:
            let n = count % bits
            let r = n == 0 ? a : (a << T(n)) | (a >> T(bits - n))
            let c = r & 1 != 0
            setCO(cf: c, of: ((r & top) != 0) != c)
            return r
        case ShiftOp.ror.rawValue:
            let n = count % bits
            let r = n == 0 ? a : (a >> T(n)) | (a << T(bits - n))
            let msb = (r & top) != 0, next = (r & (top >> 1)) != 0
            setCO(cf: msb, of: msb != next)
            return r
        case ShiftOp.rcl.rawValue:
            let n = bits < 32 ? count % (bits + 1) : count
            var r = a, c = cf
            for _ in 0..<n {
                let out = (r & top) != 0
                r = (r << 1) | (c ? 1 : 0)
                c = out
            }
            setCO(cf: c, of: ((r & top) != 0) != c)
            return r
        default: // RCR
            let n = bits < 32 ? count % (bits + 1) : count
            var r = a, c = cf
            let of = ((a & top) != 0) != c
            for _ in 0..<n {
                let out = r & 1 != 0
                r = (r >> 1) | (c ? top : 0)
                c = out
            }
            setCO(cf: c, of: of)
            return r
        }
    }

    /// Rotates change only CF and OF (SDM Vol. 2B "RCL/RCR/ROL/ROR", Flags Affected).
    func setCO(cf c: Bool, of o: Bool) {
        materializeFlags()
        flagBits = (flagBits & ~(RFlags.cf | RFlags.of)) | (c ? RFlags.cf : 0) | (o ? RFlags.of : 0)
    }

    func shiftCount(_ i: Inst) -> UInt64 {
        i.pointee.aux >> 8 == ShiftCount.cl.rawValue ? regs[Reg.rcx] & 0xFF : i.pointee.imm
    }

    func shiftR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        setReg(i.pointee.r, shift(i.pointee.aux & 7, reg(i.pointee.r, T.self), shiftCount(i)))
    }

    func shiftM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> Bool {
        let a = ea(i)
        guard let m: T = load(a), store(a, m) else { memFault(i); return false }
        _ = store(a, shift(i.pointee.aux & 7, m, shiftCount(i)))
        return true
    }

    // MARK: - SHLD SHRD — SDM Vol. 2B "SHLD", "SHRD"

    func doubleShift<T: FixedWidthInteger & UnsignedInteger>(right: Bool, _ dst: T, _ src: T, _ rawCount: UInt64) -> T {
        let bits = T.bitWidth
        let count = Int(rawCount & (bits == 64 ? 0x3F : 0x1F))
        if count == 0 { return dst }
        let top = T(1) << T(bits - 1)
        // Work in 128 bits so 16-bit counts above 16 behave as Intel's (source bits repeat).
        let d = UInt128(UInt64(truncatingIfNeeded: dst)), s = UInt128(UInt64(truncatingIfNeeded: src))
        let r: T, c: Bool
        if right {
            let wide = d | (s << UInt128(bits)) | (d << UInt128(2 * bits))
            r = T(truncatingIfNeeded: UInt64(truncatingIfNeeded: wide >> UInt128(count)))
            c = (wide >> UInt128(count - 1)) & 1 != 0
        } else if bits == 64 {
            // DEST:SRC fills all 128 bits (the three-copy form below would need 192).
            let wide = (d << 64) | s
            r = T(truncatingIfNeeded: UInt64(truncatingIfNeeded: (wide << UInt128(count)) >> 64))
            c = (wide >> UInt128(128 - count)) & 1 != 0
        } else {
            let wide = (d << UInt128(2 * bits)) | (s << UInt128(bits)) | d
            let shifted = wide << UInt128(count)
            r = T(truncatingIfNeeded: UInt64(truncatingIfNeeded: shifted >> UInt128(2 * bits)))
            c = (wide >> UInt128(3 * bits - count)) & 1 != 0
        }
        setFlagsCO(r, cf: c, of: ((r ^ dst) & top) != 0)
        return r
    }

    func shldR<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) {
        let count = i.pointee.aux & 0x100 != 0 ? regs[Reg.rcx] : i.pointee.imm
        setReg(i.pointee.b, doubleShift(right: i.pointee.aux & 1 != 0, reg(i.pointee.b, T.self), reg(i.pointee.r, T.self), count))
    }

    func shldM<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> Bool {
        let count = i.pointee.aux & 0x100 != 0 ? regs[Reg.rcx] : i.pointee.imm
        let a = ea(i)
        guard let m: T = load(a), store(a, m) else { memFault(i); return false }
        _ = store(a, doubleShift(right: i.pointee.aux & 1 != 0, m, reg(i.pointee.r, T.self), count))
        return true
    }
}
