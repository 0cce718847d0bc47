// SPDX-License-Identifier: MIT
// Miscellaneous and flag-control instructions: CPUID RDTSC RDTSCP XLAT LAHF SAHF PUSHF POPF CLC
// STC CMC CLD STD CLI STI, and IN/OUT with the I/O permission checks (SDM Vol. 1 §7.3.13–7.3.14,
// Vol. 1 §19.5 "I/O permission bit map", Vol. 2 entries of each mnemonic).

extension CPU {
    // MARK: - CPUID — SDM Vol. 2A "CPUID"; the model is in CPUIDModel.swift

    func cpuid() {
        let r = CPUIDModel.query(leaf: UInt32(truncatingIfNeeded: regs[Reg.rax]), subleaf: UInt32(truncatingIfNeeded: regs[Reg.rcx]))
        regs[Reg.rax] = UInt64(r.eax); regs[Reg.rbx] = UInt64(r.ebx)
        regs[Reg.rcx] = UInt64(r.ecx); regs[Reg.rdx] = UInt64(r.edx)
    }

    // MARK: - RDTSC RDTSCP — virtual TSC: 1 tick per retired instruction

    /// `retiredInBlock`: instructions of the current block already completed.
    func rdtsc(_ retiredInBlock: Int, aux: Bool) -> Bool {
        if cr4 & (1 << 2) != 0 && cpl != 0 { exception = .gp(0); return false }  // CR4.TSD
        let t = tsc &+ UInt64(retiredInBlock)
        regs[Reg.rax] = t & 0xFFFF_FFFF
        regs[Reg.rdx] = t >> 32
        if aux { regs[Reg.rcx] = tscAux & 0xFFFF_FFFF }
        return true
    }

    // MARK: - Flags — SDM Vol. 2A "CLC" … Vol. 2B "STD", "LAHF", "SAHF", "PUSHF", "POPF"

    func flagInstruction(_ op: UInt16) {
        materializeFlags()
        switch op {
        case FlagInstr.clc.rawValue: flagBits &= ~RFlags.cf
        case FlagInstr.stc.rawValue: flagBits |= RFlags.cf
        case FlagInstr.cmc.rawValue: flagBits ^= RFlags.cf
        case FlagInstr.cld.rawValue: flagBits &= ~RFlags.df
        default: flagBits |= RFlags.df
        }
    }

    func lahf() {
        let f = rflags
        setReg(16, UInt8(truncatingIfNeeded: (f & 0xD5) | 2))
    }

    func sahf() {
        materializeFlags()
        flagBits = (flagBits & ~0xD5) | (UInt64(reg(16, UInt8.self)) & 0xD5)
    }

    func pushf(_ i: Inst) -> Bool {
        // VM and RF are cleared in the pushed image.
        push(rflags & ~(RFlags.vm | RFlags.rf), size: i.pointee.osz)
    }

    /// POPF: IOPL changes only at CPL 0, IF only when CPL ≤ IOPL; VM, VIF, VIP unchanged (SDM "POPF").
    func popf(_ i: Inst) -> Bool {
        guard let v = pop(size: i.pointee.osz) else { return false }
        let old = rflags
        var writable: UInt64 = RFlags.status | RFlags.tf | RFlags.df | RFlags.nt | RFlags.ac | RFlags.id
        if cpl == 0 { writable |= RFlags.iopl }
        if UInt64(cpl) <= (old >> 12) & 3 { writable |= RFlags.if }
        if i.pointee.osz == 2 { writable &= 0xFFFF }
        rflags = (old & ~writable) | (v & writable)
        return true
    }

    func cli() -> Bool {
        guard UInt64(cpl) <= (rflags >> 12) & 3 else { exception = .gp(0); return false }
        materializeFlags(); flagBits &= ~RFlags.if
        return true
    }

    func sti() -> Bool {
        guard UInt64(cpl) <= (rflags >> 12) & 3 else { exception = .gp(0); return false }
        materializeFlags()
        if flagBits & RFlags.if == 0 { interruptShadow = true }
        flagBits |= RFlags.if
        return true
    }

    // MARK: - XLAT — SDM Vol. 2B "XLAT/XLATB"

    func xlat(_ i: Inst) -> Bool {
        var a = regs[Reg.rbx] &+ UInt64(reg(0, UInt8.self))
        if i.pointee.pfx & Prefix.addr32 != 0 { a &= 0xFFFF_FFFF }
        guard let v: UInt8 = load(a &+ segBase[Int(i.pointee.seg)]) else { memFault(i); return false }
        setReg(0, v)
        return true
    }

    // MARK: - IN OUT — SDM Vol. 1 §19.5, Vol. 2A "IN", Vol. 2B "OUT"

    /// At CPL > IOPL every byte of the access must be allowed by the TSS I/O bitmap; else #GP(0).
    func ioPermitted(port: UInt16, size: Int) -> Bool {
        if UInt64(cpl) <= (rflags >> 12) & 3 { return true }
        guard tr.limit >= 0x67, let mapBase: UInt16 = systemRead(tr.base &+ 0x66) else { exception = .gp(0); return false }
        let byteOffset = UInt32(mapBase) + UInt32(port >> 3)
        guard byteOffset + 1 <= tr.limit, let bits: UInt16 = systemRead(tr.base &+ UInt64(byteOffset)) else {
            exception = .gp(0); return false
        }
        let mask = UInt16((1 << size) - 1) << (port & 7)
        guard bits & mask == 0 else { exception = .gp(0); return false }
        return true
    }

    func inOut(_ i: Inst) -> Bool {
        let form = i.pointee.aux
        let port = form == IOOp.inImm.rawValue || form == IOOp.outImm.rawValue
            ? UInt16(i.pointee.imm) : UInt16(truncatingIfNeeded: regs[Reg.rdx])
        let size = Int(i.pointee.osz)
        guard ioPermitted(port: port, size: size) else { return false }
        if form == IOOp.inImm.rawValue || form == IOOp.inDX.rawValue {
            let v = io?.portRead(port, size: size) ?? UInt32.max
            setGPR(Reg.rax, size: size, UInt64(v))
        } else {
            io?.portWrite(port, size: size, value: UInt32(truncatingIfNeeded: gpr(Reg.rax, size: size)))
        }
        return true
    }

    // MARK: - Supervisor-mode system-structure access (GDT, IDT, TSS): SDM Vol. 3A §4.6 "implicit supervisor-mode accesses"

    func systemRead<T: FixedWidthInteger>(_ va: UInt64, _: T.Type = T.self) -> T? {
        var v: UInt64 = 0
        for k in 0..<MemoryLayout<T>.size {
            guard let pa = mmu.translate(va &+ UInt64(k), .read, user: false) else { return nil }
            v |= (mmu.readPhysical(pa, size: 1) & 0xFF) << (8 * UInt64(k))
        }
        return T(truncatingIfNeeded: v)
    }

    func systemWrite<T: FixedWidthInteger>(_ va: UInt64, _ value: T) -> Bool {
        let v = UInt64(truncatingIfNeeded: value)
        var pas: [UInt64] = []
        for k in 0..<MemoryLayout<T>.size {
            guard let pa = mmu.translate(va &+ UInt64(k), .write, user: false) else { return false }
            pas.append(pa)
        }
        for (k, pa) in pas.enumerated() { mmu.writePhysical(pa, size: 1, value: v >> (8 * UInt64(k))) }
        return true
    }
}
