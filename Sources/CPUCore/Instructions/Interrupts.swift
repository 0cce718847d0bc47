// SPDX-License-Identifier: MIT
// Interrupt and exception delivery through 64-bit IDT gates (SDM Vol. 3A §6.14: 64-bit mode
// gates, stack switching through TSS.RSPn and the IST, the SS:RSP RFLAGS CS RIP [error] frame),
// the double-fault rules (§6.15 Table 6-5) and IRETQ (Vol. 2A "IRET/IRETD/IRETQ").

extension CPU {
    static func contributory(_ v: UInt8) -> Bool { v == 0 || (v >= 10 && v <= 13) }

    /// Delivers `e` architecturally with `returnRIP` in the frame. Returns false on a triple fault.
    /// `instructionRIP`: for INT n / INT3, the instruction itself; a fault raised while delivering
    /// it is reported with that RIP (the INT did not complete).
    func deliverException(_ e: CPUException, returnRIP: UInt64, software: Bool = false, instructionRIP: UInt64? = nil) -> Bool {
        var current = e
        var soft = software
        var returnRIP = returnRIP
        for _ in 0..<3 {
            if current.vector == CPUException.PF { cr2 = current.address }
            if deliverOnce(vector: current.vector, errorCode: current.errorCode, returnRIP: returnRIP, software: soft) {
                return true
            }
            let second = exception
            if soft, let r = instructionRIP { returnRIP = r }
            soft = false
            if current.vector == CPUException.DF { return false }
            let fv = current.vector, sv = second.vector
            if (CPU.contributory(fv) && CPU.contributory(sv)) || (fv == CPUException.PF && (CPU.contributory(sv) || sv == CPUException.PF)) {
                current = CPUException(CPUException.DF, errorCode: 0)
            } else {
                current = second
            }
        }
        return false
    }

    /// One delivery attempt; on failure `exception` holds the fault raised while delivering.
    func deliverOnce(vector: UInt8, errorCode: UInt32?, returnRIP: UInt64, software: Bool) -> Bool {
        let ext: UInt32 = software ? 0 : 1
        let gateSel = UInt32(vector) << 3 | 2 | ext
        let gateAddr = idtr.base &+ UInt64(vector) * 16
        guard UInt64(vector) * 16 + 15 <= UInt64(idtr.limit) else { exception = .gp(gateSel); return false }
        guard let lo: UInt64 = systemRead(gateAddr), let hi: UInt64 = systemRead(gateAddr &+ 8) else {
            exception = memoryException(); return false
        }
        let type = (lo >> 40) & 0xF
        let dpl = UInt8((lo >> 45) & 3)
        guard type == 0xE || type == 0xF else { exception = .gp(gateSel); return false }
        if software && dpl < cpl { exception = .gp(gateSel); return false }
        guard (lo >> 47) & 1 != 0 else { exception = CPUException(CPUException.NP, errorCode: gateSel); return false }
        let target = (lo & 0xFFFF) | ((lo >> 32) & 0xFFFF_0000) | (hi & 0xFFFF_FFFF) << 32
        let selector = UInt16((lo >> 16) & 0xFFFF)
        let ist = Int((lo >> 32) & 7)

        // The target code segment (§6.14.1): a present 64-bit code segment with DPL ≤ CPL.
        guard let desc = readDescriptor(selector), selector & 0xFFFC != 0 else {
            if exception.vector != CPUException.PF { exception = .gp(UInt32(selector & 0xFFFC) | ext) }
            return false
        }
        let attrs = descriptorAttributes(desc)
        let csDPL = UInt8((attrs >> 5) & 3)
        guard attrs & 0x18 == 0x18, attrs & 0x2000 != 0, csDPL <= cpl else {
            exception = .gp(UInt32(selector & 0xFFFC) | ext); return false
        }
        guard attrs & 0x80 != 0 else { exception = CPUException(CPUException.NP, errorCode: UInt32(selector & 0xFFFC) | ext); return false }
        let newCPL = csDPL

        var rsp = regs[Reg.rsp]
        var newSS = segs[Segment.ss.rawValue]
        if ist != 0 || newCPL < cpl {
            let offset: UInt64 = ist != 0 ? 0x24 + UInt64(ist - 1) * 8 : 4 + UInt64(newCPL) * 8
            guard tr.limit >= offset + 7, let sp: UInt64 = systemRead(tr.base &+ offset) else {
                exception = CPUException(CPUException.TS, errorCode: UInt32(tr.selector & 0xFFFC) | ext); return false
            }
            rsp = sp
            if newCPL < cpl { newSS = SegmentRegister(selector: UInt16(newCPL), base: 0, limit: 0xFFFF_FFFF, attributes: 0) }
        }
        rsp &= ~0xF
        let oldFlags = rflags
        let frame: [UInt64] = [UInt64(segs[Segment.ss.rawValue].selector), regs[Reg.rsp], oldFlags & ~RFlags.rf,
                               UInt64(segs[Segment.cs.rawValue].selector), returnRIP]
        var sp = rsp
        var writes: [(UInt64, UInt64)] = []
        for v in frame { sp &-= 8; writes.append((sp, v)) }
        if let e = errorCode { sp &-= 8; writes.append((sp, UInt64(e))) }
        // Supervisor writes; check all before the first so a fault leaves no partial frame.
        for (a, _) in writes {
            guard isCanonical64(a), mmu.translate(a, .write, user: false) != nil else {
                exception = isCanonical64(a) ? memoryException() : CPUException(CPUException.SS, errorCode: ext)
                return false
            }
        }
        for (a, v) in writes { _ = systemWrite(a, v) }

        segs[Segment.cs.rawValue] = SegmentRegister(selector: selector & 0xFFFC | UInt16(newCPL), base: 0, limit: 0xFFFF_FFFF, attributes: attrs)
        if newCPL < cpl { segs[Segment.ss.rawValue] = newSS }
        setCPL(newCPL)
        regs[Reg.rsp] = sp
        var f = oldFlags & ~(RFlags.tf | RFlags.nt | RFlags.rf | RFlags.vm)
        if type == 0xE { f &= ~RFlags.if }
        rflags = f
        rip = target
        return true
    }

    func isCanonical64(_ a: UInt64) -> Bool { UInt64(bitPattern: Int64(bitPattern: a << 16) >> 16) == a }

    /// Changes CPL and the MMU's user/supervisor mode.
    func setCPL(_ c: UInt8) {
        cpl = c
        mmu.userMode = c == 3
    }

    // MARK: - Descriptors (SDM Vol. 3A §3.4.5)

    /// Reads the 8-byte descriptor for `selector` from the GDT or LDT; nil (with `exception` set) if outside the table.
    func readDescriptor(_ selector: UInt16) -> UInt64? {
        let index = UInt64(selector & 0xFFF8)
        let table = selector & 4 != 0 ? (ldtr.base, UInt64(ldtr.limit)) : (gdtr.base, UInt64(gdtr.limit))
        guard index + 7 <= table.1 else { exception = .gp(UInt32(selector & 0xFFFC)); return nil }
        guard let d: UInt64 = systemRead(table.0 &+ index) else { exception = memoryException(); return nil }
        return d
    }

    /// Descriptor bits 40–55 as stored in `SegmentRegister.attributes`.
    func descriptorAttributes(_ d: UInt64) -> UInt16 { UInt16((d >> 40) & 0xF0FF) }

    func descriptorBase(_ d: UInt64) -> UInt64 { ((d >> 16) & 0xFF_FFFF) | ((d >> 32) & 0xFF00_0000) }

    func descriptorLimit(_ d: UInt64) -> UInt32 {
        let raw = UInt32((d & 0xFFFF) | ((d >> 32) & 0xF_0000))
        return (d >> 55) & 1 != 0 ? raw << 12 | 0xFFF : raw
    }

    // MARK: - IRETQ — SDM Vol. 2A "IRET/IRETD/IRETQ", 64-bit mode

    func iretq(_ i: Inst) -> Bool {
        let size = UInt64(i.pointee.osz)
        let sp = regs[Reg.rsp]
        func pop(_ k: UInt64) -> UInt64? {
            let a = sp &+ k * size
            switch size {
            case 8: return load(a, UInt64.self)
            case 4: return load(a, UInt32.self).map { UInt64($0) }
            default: return load(a, UInt16.self).map { UInt64($0) }
            }
        }
        guard let newRIP = pop(0), let csv = pop(1), let fl = pop(2), let newRSP = pop(3), let ssv = pop(4) else {
            exception = memoryException(stack: true); return false
        }
        let cs = UInt16(truncatingIfNeeded: csv), ss = UInt16(truncatingIfNeeded: ssv)
        let rpl = UInt8(cs & 3)
        guard cs & 0xFFFC != 0, rpl >= cpl else { exception = .gp(UInt32(cs & 0xFFFC)); return false }
        guard let desc = readDescriptor(cs) else { return false }
        let attrs = descriptorAttributes(desc)
        guard attrs & 0x18 == 0x18, UInt8((attrs >> 5) & 3) == rpl || attrs & 4 != 0 else { exception = .gp(UInt32(cs & 0xFFFC)); return false }
        guard attrs & 0x80 != 0 else { exception = CPUException(CPUException.NP, errorCode: UInt32(cs & 0xFFFC)); return false }
        guard attrs & 0x2000 != 0 else {
            // Returning to compatibility mode (CS.L = 0) is not modelled: emu runs 64-bit code only.
            exception = .gp(UInt32(cs & 0xFFFC)); return false
        }
        guard isCanonical64(newRIP) else { exception = .gp(0); return false }
        var ssReg = SegmentRegister(selector: ss, base: 0, limit: 0xFFFF_FFFF, attributes: 0)
        if ss & 0xFFFC != 0 {
            guard UInt8(ss & 3) == rpl, let sd = readDescriptor(ss) else {
                if exception.vector != CPUException.PF { exception = .gp(UInt32(ss & 0xFFFC)) }
                return false
            }
            let sa = descriptorAttributes(sd)
            guard sa & 0x1A == 0x12, UInt8((sa >> 5) & 3) == rpl else { exception = .gp(UInt32(ss & 0xFFFC)); return false }
            guard sa & 0x80 != 0 else { exception = CPUException(CPUException.SS, errorCode: UInt32(ss & 0xFFFC)); return false }
            ssReg.attributes = sa
        } else if rpl == 3 {
            exception = .gp(0); return false   // null SS only for a return to CPL < 3 in 64-bit mode
        }
        // RFLAGS: IOPL only at CPL 0, IF only when CPL ≤ IOPL (same rule as POPF).
        let old = rflags
        var writable: UInt64 = RFlags.status | RFlags.tf | RFlags.df | RFlags.nt | RFlags.ac | RFlags.id | RFlags.rf | RFlags.vif | RFlags.vip
        if cpl == 0 { writable |= RFlags.iopl }
        if UInt64(cpl) <= (old >> 12) & 3 { writable |= RFlags.if }
        if size == 2 { writable &= 0xFFFF }
        rflags = (old & ~writable) | (fl & writable)
        segs[Segment.cs.rawValue] = SegmentRegister(selector: cs, base: 0, limit: 0xFFFF_FFFF, attributes: attrs)
        segs[Segment.ss.rawValue] = ssReg
        if rpl > cpl {
            // Data and non-conforming code segments more privileged than the new CPL are nulled (IRET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL").
            for s in [Segment.es, .ds, .fs, .gs] {
                let a = segs[s.rawValue].attributes
                let conformingCode = a & 0x1C == 0x1C
                if segs[s.rawValue].selector & 0xFFFC != 0 && !conformingCode && UInt8((a >> 5) & 3) < rpl {
                    segs[s.rawValue].selector = 0
                    segs[s.rawValue].attributes = 0
                }
            }
        }
        setCPL(rpl)
        regs[Reg.rsp] = newRSP
        rip = newRIP
        return true
    }
}
