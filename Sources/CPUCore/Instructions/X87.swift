// SPDX-License-Identifier: MIT
// x87 FPU instructions: dispatch and what every x87 instruction shares — #NM from CR0.EM/TS,
// #MF for a pending unmasked exception, the last-instruction pointers, the stack-fault and
// exception-reporting rules (SDM Vol. 1 Chapter 8, §8.1.8, §8.5–8.7; Vol. 3A §2.5).
//
// Exactness: everything except the transcendental group is computed in software on the 80-bit
// format (X87SoftFloat*.swift) and is bit-exact to the hardware: results under every FCW.PC and
// FCW.RC, all six exception flags, C1 as the round-up indicator, NaN propagation, denormal and
// unsupported operands, unmasked OE/UE biasing, the FPREM partial-remainder step and the
// RC-dependent constants; stack faults, tags, TOP and ES/B follow the SDM. This was checked
// against the host x87 on over 800,000 random executions of 113 instruction forms (every PC ×
// RC, up to half with exceptions unmasked). The transcendentals FSIN FCOS FSINCOS FPTAN FPATAN
// F2XM1 FYL2X FYL2XP1 run on the host x87 under the guest FCW (X87Transcendental.swift) and are
// the host CPU's bit for bit.
import MMU

extension CPU {
    /// Executes an x87 micro-op (`aux` = X87Op). Returns false with `exception` set on a fault.
    func executeX87(_ i: Inst) -> Bool {
        guard let op = X87Op(rawValue: i.pointee.aux) else { exception = .ud; return false }
        switch op {
        case .fwait:
            return x87Wait()
        case .fninit, .fnclex, .fnstcw, .fnstsw, .fnstswAX, .fnstenv, .fnsave, .legacyNop:
            guard x87Available() else { return false }
        default:
            guard x87Available(), x87NoPendingException() else { return false }
        }
        switch op {
        case .fldM32, .fldM64, .fldM80, .fildM16, .fildM32, .fildM64, .fbld: return fldMemory(i, op)
        case .fldST: return fldST(i)
        case .fldConst: return fldConstant(i)
        case .fstM32, .fstM64: return fstReal(i, op == .fstM64 ? 8 : 4)
        case .fstpM80: return fstpExtended(i)
        case .fstST: return fstST(i)
        case .fistM16, .fistM32, .fistpM64, .fisttM16, .fisttM32, .fisttM64: return fistInteger(i, op)
        case .fbstp: return fbstp(i)
        case .fxch: return fxch(i)
        case .fcmov: return fcmov(i)
        case .arithM32, .arithM64, .arithI16, .arithI32: return arithMemory(i, op)
        case .arithST0, .arithSTi: return arithRegister(i, toST0: op == .arithST0)
        case .fchs, .fabs: return fchsFabs(i, op == .fchs)
        case .fsqrt, .frndint: return unaryArith(i, op)
        case .fscale: return fscale(i)
        case .fxtract: return fxtract(i)
        case .fprem, .fprem1: return fprem(i, nearest: op == .fprem1)
        case .fcomM32, .fcomM64, .ficomM16, .ficomM32: return fcomMemory(i, op)
        case .fcomST: return fcomST(i)
        case .fcomi: return fcomi(i)
        case .ftst: return ftst(i)
        case .fxam: return fxam(i)
        case .fsin, .fcos, .fsincos, .fptan, .fpatan, .f2xm1, .fyl2x, .fyl2xp1: return transcendental(i, op)
        case .fninit: x87.reset(); return true
        case .fnclex: x87.fsw &= ~(X87Flags.exceptions | X87Flags.sf | X87Flags.es | X87Flags.busy); return true
        case .fldcw: return fldcw(i)
        case .fnstcw: return x87Store16(i, x87.fcw)
        case .fnstsw: return x87Store16(i, x87.statusWord)
        case .fnstswAX: setGPR(Reg.rax, size: 2, UInt64(x87.statusWord)); return true
        case .fnstenv: return fnstenv(i)
        case .fldenv: return fldenv(i)
        case .fnsave: return fnsave(i)
        case .frstor: return frstor(i)
        case .ffree, .fdecstp, .fincstp, .fnop: return stackControl(i, op)
        case .fwait, .legacyNop: return true
        }
    }

    // MARK: - Availability and pending exceptions

    /// #NM when CR0.EM or CR0.TS is set (Vol. 3A §2.5, Table 2-2).
    @inline(__always) func x87Available() -> Bool {
        if _slowPath(cr0 & (X87CR0.em | X87CR0.ts) != 0) {
            exception = CPUException(CPUException.NM)
            return false
        }
        return true
    }

    /// A waiting instruction first delivers a pending unmasked exception as #MF (Vol. 1 §8.6).
    /// With CR0.NE = 0 the error would go to the FERR# pin, which this machine leaves unconnected.
    @inline(__always) func x87NoPendingException() -> Bool {
        if _slowPath(x87.fsw & X87Flags.es != 0) && cr0 & X87CR0.ne != 0 {
            exception = CPUException(CPUException.MF)
            return false
        }
        return true
    }

    /// WAIT/FWAIT: #NM only when both CR0.MP and CR0.TS are set (Table 2-2), then #MF if pending.
    func x87Wait() -> Bool {
        if cr0 & (X87CR0.mp | X87CR0.ts) == X87CR0.mp | X87CR0.ts {
            exception = CPUException(CPUException.NM)
            return false
        }
        return x87NoPendingException()
    }

    // MARK: - Last instruction pointers

    /// Records FIP/FCS/FOP, and FDP/FDS for a memory operand, for a non-control instruction
    /// (Vol. 1 §8.1.8–8.1.9). Called once the instruction can no longer fault.
    @inline(__always) func x87Note(_ i: Inst, _ address: UInt64 = 0) {
        x87.fip = i.pointee.rip
        x87.fcs = segs[Segment.cs.rawValue].selector
        x87.fop = X87Imm.fop(i.pointee.imm)
        if i.pointee.hasMemory {
            x87.fdp = address
            let seg: Segment
            switch i.pointee.seg {
            case 5: seg = .fs
            case 6: seg = .gs
            default: seg = i.pointee.pfx & Prefix.stackSeg != 0 ? .ss : .ds
            }
            x87.fds = segs[seg.rawValue].selector
        }
    }

    // MARK: - Exception reporting

    /// Records the exceptions an operation raised in FSW and decides whether its result is
    /// delivered (Vol. 1 §4.9.2 priorities, §8.5 masked responses). `f` holds FSW exception
    /// bits, SF for stack faults, and C1 (stack overflow, or "rounded up" with PE). Returns
    /// false when the destination must be left unchanged: an unmasked IE, ZE or DE, or an
    /// unmasked OE/UE on a memory destination. An unmasked exception sets ES and B, so the
    /// next waiting x87 instruction raises #MF.
    @discardableResult
    func x87Signal(_ f: UInt16, store: Bool = false) -> Bool {
        let raised = f & (X87Flags.exceptions | X87Flags.sf)
        if raised == 0 { return true }
        var unmasked = raised & ~x87.fcw & X87Flags.exceptions
        if raised & (X87Flags.ie | X87Flags.ze) != 0 { unmasked &= X87Flags.ie | X87Flags.ze }
        if unmasked != 0 { x87.fsw |= X87Flags.es | X87Flags.busy }
        if raised & X87Flags.ie != 0 {
            x87.fsw |= raised
            if raised & X87Flags.sf != 0 { x87.fsw = x87.fsw & ~X87Flags.c1 | f & X87Flags.c1 }
            return unmasked == 0
        }
        if raised & X87Flags.ze != 0 {
            x87.fsw |= X87Flags.ze
            return unmasked == 0
        }
        if raised & X87Flags.de != 0 {
            x87.fsw |= X87Flags.de
            if unmasked & X87Flags.de != 0 { return false }
        }
        let peBefore = x87.fsw & X87Flags.pe
        x87.fsw |= raised
        if raised & X87Flags.pe != 0 { x87.fsw = x87.fsw & ~X87Flags.c1 | f & X87Flags.c1 }
        if store && unmasked & (X87Flags.oe | X87Flags.ue) != 0 {
            // Unmasked overflow or underflow to memory: nothing stored, PE not reported, C1 = 0.
            x87.fsw = x87.fsw & ~(X87Flags.c1 | X87Flags.pe) | peBefore
            return false
        }
        return true
    }

    /// Stack overflow on a push (Vol. 1 §8.5.1.1): IE, SF and C1 = 1; the masked response
    /// pushes the QNaN indefinite.
    func x87StackOverflow() {
        if x87.fcw & X87Flags.ie != 0 { x87.push(.indefinite) }
        x87Signal(X87Flags.ie | X87Flags.sf | X87Flags.c1)
    }

    /// Stack underflow (an empty operand register): IE, SF and C1 = 0; the masked response
    /// writes the QNaN indefinite to ST(`dest`) and does the instruction's pops.
    func x87StackUnderflow(dest: Int?, pops: Int = 0) {
        if x87.fcw & X87Flags.ie != 0 {
            if let d = dest { x87.setST(d, .indefinite) }
            for _ in 0..<pops { x87.pop() }
        }
        x87Signal(X87Flags.ie | X87Flags.sf)
    }

    @inline(__always) func x87ClearC1() { x87.fsw &= ~X87Flags.c1 }

    /// Sets C3 C2 C1 C0 (the bits in `cc`; the others of the four are cleared).
    @inline(__always) func x87SetConditions(_ cc: UInt16) {
        x87.fsw = x87.fsw & ~X87Flags.conditions | cc & X87Flags.conditions
    }

    /// A fresh rounding context for the current FCW.
    @inline(__always) func x87Rounding(fullPrecision: Bool = false) -> SoftFloat80 {
        SoftFloat80(fcw: x87.fcw, fullPrecision: fullPrecision)
    }

    // MARK: - Memory

    /// Checks that `length` bytes at `va` can be written (or read) before a multi-part access,
    /// so a fault leaves memory and FPU state untouched.
    func x87Probe(_ i: Inst, _ va: UInt64, _ length: Int, write: Bool) -> Bool {
        let kind: AccessKind = write ? .write : .read
        let last = va &+ UInt64(length - 1)
        guard mmu.translate(va, kind, user: mmu.userMode) != nil,
              last >> 12 == va >> 12 || mmu.translate(last, kind, user: mmu.userMode) != nil else {
            memFault(i)
            return false
        }
        return true
    }

    func x87Load80(_ i: Inst, _ va: UInt64) -> Ext80? {
        guard let lo: UInt64 = load(va), let hi: UInt16 = load(va &+ 8) else { memFault(i); return nil }
        return Ext80(sig: lo, se: hi)
    }

    /// Writes 10 bytes; both pages are checked first.
    func x87Store80(_ i: Inst, _ va: UInt64, _ v: Ext80) -> Bool {
        guard x87Probe(i, va, 10, write: true) else { return false }
        guard store(va, v.sig), store(va &+ 8, v.se) else { memFault(i); return false }
        return true
    }

    func x87Store16(_ i: Inst, _ v: UInt16) -> Bool {
        guard store(ea(i), v) else { memFault(i); return false }
        return true
    }
}

/// CR0 bits the x87 consults (Vol. 3A §2.5).
enum X87CR0 {
    static let mp: UInt64 = 1 << 1, em: UInt64 = 1 << 2, ts: UInt64 = 1 << 3, ne: UInt64 = 1 << 5
}
