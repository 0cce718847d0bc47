// SPDX-License-Identifier: MIT
// System instructions (SDM Vol. 3A §2.8 and Vol. 2 entries): MOV CR/DR, RDMSR/WRMSR, LGDT LIDT
// SGDT SIDT LLDT SLDT LTR STR LMSW SMSW CLTS, SYSCALL SYSRET SWAPGS, IRETQ, INVLPG WBINVD INVD,
// MOV Sreg, PUSH/POP FS/GS. Privileged ones raise #GP(0) at CPL > 0.
import MMU

/// What a system instruction did.
enum SystemOutcome { case done, fault, jumped, exitSyscall }

/// MSR numbers (SDM Vol. 4 Table 2-2).
public enum MSR {
    public static let tsc: UInt32 = 0x10, apicBase: UInt32 = 0x1B, miscEnable: UInt32 = 0x1A0, pat: UInt32 = 0x277
    public static let efer: UInt32 = 0xC000_0080, star: UInt32 = 0xC000_0081, lstar: UInt32 = 0xC000_0082
    public static let cstar: UInt32 = 0xC000_0083, fmask: UInt32 = 0xC000_0084
    public static let fsBase: UInt32 = 0xC000_0100, gsBase: UInt32 = 0xC000_0101
    public static let kernelGSBase: UInt32 = 0xC000_0102, tscAux: UInt32 = 0xC000_0103
}

extension CPU {
    /// System instructions that raise #GP(0) at CPL > 0 (a switch, not a hashed set: SYSCALL takes
    /// this path on every forwarded system call).
    @inline(__always)
    static func isPrivileged(_ op: SystemOp) -> Bool {
        switch op {
        case .movFromCR, .movToCR, .movFromDR, .movToDR, .rdmsr, .wrmsr, .lgdt, .lidt,
             .lldt, .ltr, .lmsw, .clts, .sysret, .sysretl, .swapgs, .invlpg, .wbinvd, .invd: true
        default: false
        }
    }

    func executeSystem(_ i: Inst, retired: Int) -> SystemOutcome {
        guard let op = SystemOp(rawValue: i.pointee.aux) else { exception = .ud; return .fault }
        if cpl != 0 && CPU.isPrivileged(op) { exception = .gp(0); return .fault }
        switch op {
        case .movFromCR:
            let v: UInt64
            switch i.pointee.r {
            case 0: v = cr0
            case 2: v = cr2
            case 3: v = cr3
            case 4: v = cr4
            case 8: v = cr8
            default: exception = .ud; return .fault
            }
            regs[Int(i.pointee.b)] = v
        case .movToCR:
            guard writeCR(Int(i.pointee.r), regs[Int(i.pointee.b)]) else { return .fault }
        case .movFromDR, .movToDR:
            var n = Int(i.pointee.r)
            if (n == 4 || n == 5) && cr4 & (1 << 3) == 0 { n += 2 }
            guard n < 8, n != 4, n != 5 else { exception = .ud; return .fault }
            if op == .movFromDR { regs[Int(i.pointee.b)] = dr[n] } else { dr[n] = regs[Int(i.pointee.b)] }
        case .rdmsr:
            guard let v = readMSR(UInt32(truncatingIfNeeded: regs[Reg.rcx]), retired: retired) else { exception = .gp(0); return .fault }
            regs[Reg.rax] = v & 0xFFFF_FFFF; regs[Reg.rdx] = v >> 32
        case .wrmsr:
            let v = (regs[Reg.rdx] & 0xFFFF_FFFF) << 32 | (regs[Reg.rax] & 0xFFFF_FFFF)
            guard writeMSR(UInt32(truncatingIfNeeded: regs[Reg.rcx]), v, retired: retired) else { exception = .gp(0); return .fault }
        case .lgdt, .lidt:
            guard i.pointee.hasMemory else { exception = .ud; return .fault }
            let a = ea(i)
            guard let limit: UInt16 = load(a), let base: UInt64 = load(a &+ 2) else { memFault(i); return .fault }
            guard isCanonical64(base) else { exception = .gp(0); return .fault }
            if op == .lgdt { gdtr = DescriptorTableRegister(base: base, limit: limit) } else { idtr = DescriptorTableRegister(base: base, limit: limit) }
        case .sgdt, .sidt:
            guard i.pointee.hasMemory else { exception = .ud; return .fault }
            let t = op == .sgdt ? gdtr : idtr
            let a = ea(i)
            guard store(a, t.limit), store(a &+ 2, t.base) else { memFault(i); return .fault }
        case .sldt, .str:
            let sel = op == .sldt ? ldtr.selector : tr.selector
            if i.pointee.hasMemory {
                guard store(ea(i), sel) else { memFault(i); return .fault }
            } else {
                setGPR(Int(i.pointee.r), size: Int(i.pointee.osz), UInt64(sel))
            }
        case .lldt, .ltr:
            let sel: UInt16
            if i.pointee.hasMemory {
                guard let v: UInt16 = load(ea(i)) else { memFault(i); return .fault }
                sel = v
            } else { sel = reg(i.pointee.r, UInt16.self) }
            guard loadSystemSegment(sel, tss: op == .ltr) else { return .fault }
        case .smsw:
            if i.pointee.hasMemory {
                guard store(ea(i), UInt16(truncatingIfNeeded: cr0)) else { memFault(i); return .fault }
            } else { setGPR(Int(i.pointee.b), size: 8, cr0) }
        case .lmsw:
            let v: UInt16
            if i.pointee.hasMemory {
                guard let m: UInt16 = load(ea(i)) else { memFault(i); return .fault }
                v = m
            } else { v = reg(i.pointee.b, UInt16.self) }
            // LMSW changes PE MP EM TS; it cannot clear PE.
            guard writeCR(0, (cr0 & ~0xE) | UInt64(v & 0xE)) else { return .fault }
        case .clts: cr0 &= ~(1 << 3); mmu.cr0 = cr0
        case .syscall: return syscall(i)
        case .sysret: return sysret()
        case .sysretl: exception = .ud; return .fault  // return to compatibility mode: not modelled
        case .swapgs:
            let g = segs[Segment.gs.rawValue].base
            setSegmentBase(.gs, kernelGSBase)
            kernelGSBase = g
        case .iretq, .iret32, .iret16:
            if hostedKernel && cpl == 3 { exception = .gp(0); return .fault }
            return iretq(i) ? .jumped : .fault
        case .invlpg:
            guard i.pointee.hasMemory else { exception = .ud; return .fault }
            // A 2 MiB or 1 GiB page is held as 4 KiB TLB entries, so drop them all (flushing more is always allowed, SDM Vol. 3A §4.10.4.1).
            _ = ea(i)
            mmu.flushTLB()
        case .wbinvd, .invd: break
        case .rdpmc: exception = .gp(0); return .fault   // no performance counters are modelled
        case .lsl, .lar, .verr, .verw, .retfar, .retfarImm, .callfarM, .jmpfarM:
            exception = .ud; return .fault              // not modelled yet
        case .rdtscp:
            return rdtsc(retired, aux: true) ? .done : .fault
        }
        return .done
    }

    // MARK: - Control registers — SDM Vol. 3A §2.5, Vol. 2B "MOV—Move to/from Control Registers"

    func writeCR(_ n: Int, _ v: UInt64) -> Bool {
        switch n {
        case 0:
            // Reserved bits 63:32, PG without PE, NW without CD, leaving long mode: #GP(0).
            guard v >> 32 == 0, v & 1 != 0, !(v & (1 << 29) != 0 && v & (1 << 30) == 0), v & (1 << 31) != 0 else {
                exception = .gp(0); return false
            }
            let changed = (cr0 ^ v) & (ControlBits.cr0PG | ControlBits.cr0WP | 1)
            cr0 = (v & 0xE005_003F) | 0x10
            mmu.cr0 = cr0
            if changed != 0 { mmu.flushTLB() }
        case 2: cr2 = v
        case 3:
            guard v >> maxPhysicalAddressBits == 0 else { exception = .gp(0); return false }
            cr3 = v; mmu.cr3 = v; mmu.flushTLB()
        case 4:
            let allowed: UInt64 = 0x7FF | 1 << 20
            guard v & ~allowed == 0, v & ControlBits.cr4PAE != 0 else { exception = .gp(0); return false }
            let changed = cr4 ^ v
            cr4 = v; mmu.cr4 = v
            if changed & (ControlBits.cr4PGE | ControlBits.cr4PAE | ControlBits.cr4PSE | ControlBits.cr4SMEP) != 0 { mmu.flushTLB() }
        case 8:
            guard v >> 4 == 0 else { exception = .gp(0); return false }
            cr8 = v
        default:
            exception = .ud; return false
        }
        return true
    }

    // MARK: - MSRs — SDM Vol. 4

    func readMSR(_ n: UInt32, retired: Int) -> UInt64? {
        switch n {
        case MSR.tsc: return tsc &+ UInt64(retired)
        case MSR.apicBase: return apicBase
        case MSR.miscEnable: return miscEnable
        case MSR.pat: return pat
        case MSR.efer: return efer
        case MSR.star: return star
        case MSR.lstar: return lstar
        case MSR.cstar: return cstar
        case MSR.fmask: return fmask
        case MSR.fsBase: return segs[Segment.fs.rawValue].base
        case MSR.gsBase: return segs[Segment.gs.rawValue].base
        case MSR.kernelGSBase: return kernelGSBase
        case MSR.tscAux: return tscAux
        default: return nil
        }
    }

    func writeMSR(_ n: UInt32, _ v: UInt64, retired: Int) -> Bool {
        switch n {
        case MSR.tsc: tscOffset = v &- (instret &+ UInt64(retired))
        case MSR.apicBase:
            guard v & ~0xF_FFFF_F900 == 0 else { return false }
            apicBase = v
        case MSR.miscEnable: miscEnable = v
        case MSR.pat:
            // Each byte must be a valid memory type (0, 1, 4, 5, 6, 7).
            for k in 0..<8 where [2, 3].contains((v >> (8 * UInt64(k))) & 0xFF) || (v >> (8 * UInt64(k))) & 0xF8 != 0 { return false }
            pat = v
        case MSR.efer:
            guard v & ~UInt64(0xD01) == 0 else { return false }
            // LME may not change while paging is on; LMA is read-only.
            guard (v ^ efer) & (1 << 8) == 0 || cr0 & ControlBits.cr0PG == 0 else { return false }
            efer = (v & ~(1 << 10)) | (efer & (1 << 10))
            mmu.efer = efer
            mmu.flushTLB()
        case MSR.star: star = v
        case MSR.lstar, MSR.cstar:
            guard isCanonical64(v) else { return false }
            if n == MSR.lstar { lstar = v } else { cstar = v }
        case MSR.fmask: fmask = v & 0xFFFF_FFFF
        case MSR.fsBase, MSR.gsBase, MSR.kernelGSBase:
            guard isCanonical64(v) else { return false }
            if n == MSR.fsBase { setSegmentBase(.fs, v) } else if n == MSR.gsBase { setSegmentBase(.gs, v) } else { kernelGSBase = v }
        case MSR.tscAux:
            guard v >> 32 == 0 else { return false }
            tscAux = v
        default: return false
        }
        return true
    }

    /// Sets a segment base and the effective-address table (FS, GS).
    public func setSegmentBase(_ s: Segment, _ base: UInt64) {
        segs[s.rawValue].base = base
        if s == .fs || s == .gs { segBase[s.rawValue + 1] = base }
    }

    // MARK: - SYSCALL SYSRET — SDM Vol. 2B "SYSCALL", "SYSRET"

    func syscall(_ i: Inst) -> SystemOutcome {
        guard efer & 1 != 0 else { exception = .ud; return .fault }
        regs[Reg.rcx] = i.pointee.next
        let f = rflags
        regs[Reg.r11] = f & ~RFlags.rf
        if hostedKernel && cpl == 3 {
            rip = i.pointee.next
            return .exitSyscall
        }
        let sel = UInt16((star >> 32) & 0xFFFC)
        segs[Segment.cs.rawValue] = SegmentRegister(selector: sel, base: 0, limit: 0xFFFF_FFFF, attributes: 0xA09B)
        segs[Segment.ss.rawValue] = SegmentRegister(selector: sel &+ 8, base: 0, limit: 0xFFFF_FFFF, attributes: 0xC093)
        setCPL(0)
        rflags = f & ~fmask & ~RFlags.rf
        rip = lstar
        return .jumped
    }

    func sysret() -> SystemOutcome {
        let target = regs[Reg.rcx]
        guard isCanonical64(target) else { exception = .gp(0); return .fault }
        let base = UInt16((star >> 48) & 0xFFFF)
        rflags = (regs[Reg.r11] & 0x3C_7FD7) | 2
        segs[Segment.cs.rawValue] = SegmentRegister(selector: (base &+ 16) | 3, base: 0, limit: 0xFFFF_FFFF, attributes: 0xA0FB)
        segs[Segment.ss.rawValue] = SegmentRegister(selector: (base &+ 8) | 3, base: 0, limit: 0xFFFF_FFFF, attributes: 0xC0F3)
        setCPL(3)
        rip = target
        return .jumped
    }

    // MARK: - LLDT LTR and segment loads — SDM Vol. 3A §3.4.3, §7.2.4

    func loadSystemSegment(_ sel: UInt16, tss: Bool) -> Bool {
        if sel & 0xFFFC == 0 {
            if tss { exception = .gp(0); return false }
            ldtr = SegmentRegister(selector: sel, base: 0, limit: 0, attributes: 0)
            return true
        }
        guard sel & 4 == 0 else { exception = .gp(UInt32(sel & 0xFFFC)); return false }
        guard let lo = readDescriptor(sel), let hi = readDescriptor(sel &+ 8) else { return false }
        let attrs = descriptorAttributes(lo)
        let type = attrs & 0x1F
        // 64-bit TSS available (9) for LTR, LDT (2) for LLDT; system descriptors have S = 0.
        guard type == (tss ? 0x09 : 0x02) else { exception = .gp(UInt32(sel & 0xFFFC)); return false }
        guard attrs & 0x80 != 0 else { exception = CPUException(CPUException.NP, errorCode: UInt32(sel & 0xFFFC)); return false }
        let base = descriptorBase(lo) | (hi & 0xFFFF_FFFF) << 32
        let seg = SegmentRegister(selector: sel, base: base, limit: descriptorLimit(lo), attributes: attrs)
        if tss {
            // Mark the descriptor busy (type 0xB).
            guard systemWrite(gdtr.base &+ UInt64(sel & 0xFFF8), lo | (UInt64(2) << 40)) else { exception = memoryException(); return false }
            tr = seg
            tr.attributes |= 2
        } else {
            ldtr = seg
        }
        return true
    }

    /// MOV Sreg / POP Sreg in 64-bit mode: null selectors are allowed except SS at CPL 3.
    func loadSegment(_ s: Segment, _ sel: UInt16) -> Bool {
        if sel & 0xFFFC == 0 {
            if s == .ss && (cpl == 3 || UInt8(sel & 3) != cpl) { exception = .gp(0); return false }
            let keepBase = s == .fs || s == .gs ? segs[s.rawValue].base : 0
            segs[s.rawValue] = SegmentRegister(selector: sel, base: keepBase, limit: 0, attributes: 0)
            return true
        }
        guard let d = readDescriptor(sel) else { return false }
        let attrs = descriptorAttributes(d)
        let dpl = UInt8((attrs >> 5) & 3), rpl = UInt8(sel & 3)
        if s == .ss {
            guard rpl == cpl, dpl == cpl, attrs & 0x1A == 0x12 else { exception = .gp(UInt32(sel & 0xFFFC)); return false }
            guard attrs & 0x80 != 0 else { exception = CPUException(CPUException.SS, errorCode: UInt32(sel & 0xFFFC)); return false }
        } else {
            // Data, or readable code; for data and non-conforming code, DPL ≥ max(CPL, RPL).
            let isData = attrs & 0x18 == 0x10
            let readableCode = attrs & 0x1A == 0x1A
            guard isData || readableCode else { exception = .gp(UInt32(sel & 0xFFFC)); return false }
            if isData || attrs & 4 == 0 { guard dpl >= max(cpl, rpl) else { exception = .gp(UInt32(sel & 0xFFFC)); return false } }
            guard attrs & 0x80 != 0 else { exception = CPUException(CPUException.NP, errorCode: UInt32(sel & 0xFFFC)); return false }
        }
        segs[s.rawValue] = SegmentRegister(selector: sel, base: descriptorBase(d), limit: descriptorLimit(d), attributes: attrs)
        if s == .fs || s == .gs { segBase[s.rawValue + 1] = descriptorBase(d) }
        if s == .ss { interruptShadow = true }
        return true
    }
}
