// SPDX-License-Identifier: MIT
// x87 control: FLDCW, FSTENV/FLDENV, FSAVE/FRSTOR (their 28/108-byte protected-mode images and
// the 14/94-byte 16-bit ones), FFREE FDECSTP FINCSTP FNOP, and the state helpers FXSAVE/FXRSTOR
// and MMX use (SDM Vol. 1 §8.1.10, Figures 8-9 and 8-10, §9.5; FNINIT/FNCLEX/FNSTSW are in X87.swift).

extension CPU {
    // MARK: - FLDCW

    /// Bits 6 (reads as 1), 7 and 13–15 are reserved; loading may unmask a pending exception,
    /// which the next waiting instruction then raises.
    func fldcw(_ i: Inst) -> Bool {
        guard let v: UInt16 = load(ea(i)) else { memFault(i); return false }
        x87SetControlWord(v)
        return true
    }

    func x87SetControlWord(_ v: UInt16) {
        x87.fcw = v & 0x1F3F | 0x40
        x87UpdateSummary()
    }

    /// ES and B follow the unmasked exception flags (after FLDCW, FLDENV, FRSTOR).
    func x87UpdateSummary() {
        if x87.fsw & ~x87.fcw & X87Flags.exceptions != 0 {
            x87.fsw |= X87Flags.es | X87Flags.busy
        } else {
            x87.fsw &= ~(X87Flags.es | X87Flags.busy)
        }
    }

    // MARK: - FSTENV FLDENV FSAVE FRSTOR

    /// Size of the environment image: 14 bytes with a 66 prefix, else 28 (64-bit mode too).
    @inline(__always) func x87EnvSize(_ i: Inst) -> Int { i.pointee.osz == 2 ? 14 : 28 }

    /// Writes the environment image (Figures 8-9, 8-10); the unused upper halves read as ones.
    func x87WriteEnvironment(_ a: UInt64, small: Bool) {
        let tag = x87.fullTag
        if small {
            let words: [UInt16] = [x87.fcw, x87.statusWord, tag, UInt16(truncatingIfNeeded: x87.fip), x87.fcs,
                                   UInt16(truncatingIfNeeded: x87.fdp), x87.fds]
            for (k, w) in words.enumerated() { _ = store(a &+ UInt64(2 * k), w) }
        } else {
            let dwords: [UInt32] = [
                0xFFFF_0000 | UInt32(x87.fcw), 0xFFFF_0000 | UInt32(x87.statusWord), 0xFFFF_0000 | UInt32(tag),
                UInt32(truncatingIfNeeded: x87.fip), UInt32(x87.fcs) | UInt32(x87.fop) << 16,
                UInt32(truncatingIfNeeded: x87.fdp), 0xFFFF_0000 | UInt32(x87.fds),
            ]
            for (k, d) in dwords.enumerated() { _ = store(a &+ UInt64(4 * k), d) }
        }
    }

    /// Reads an environment image; nil on a fault (nothing has changed then).
    func x87ReadEnvironment(_ a: UInt64, small: Bool) -> [UInt32]? {
        var v = [UInt32]()
        for k in 0..<7 {
            if small {
                guard let w: UInt16 = load(a &+ UInt64(2 * k)) else { return nil }
                v.append(UInt32(w))
            } else {
                guard let d: UInt32 = load(a &+ UInt64(4 * k)) else { return nil }
                v.append(d)
            }
        }
        return v
    }

    func x87LoadEnvironment(_ e: [UInt32], small: Bool) {
        x87.fcw = UInt16(truncatingIfNeeded: e[0]) & 0x1F3F | 0x40
        x87.statusWord = UInt16(truncatingIfNeeded: e[1])
        x87.setFullTag(UInt16(truncatingIfNeeded: e[2]))
        x87.fip = UInt64(e[3])
        x87.fcs = UInt16(truncatingIfNeeded: e[4])
        x87.fop = small ? 0 : UInt16(truncatingIfNeeded: e[4] >> 16) & 0x7FF
        x87.fdp = UInt64(e[5])
        x87.fds = UInt16(truncatingIfNeeded: e[6])
        x87UpdateSummary()
    }

    /// FNSTENV: stores the environment, then masks all exceptions (Vol. 2A "FSTENV").
    func fnstenv(_ i: Inst) -> Bool {
        let a = ea(i), small = x87EnvSize(i) == 14
        guard x87Probe(i, a, x87EnvSize(i), write: true) else { return false }
        x87WriteEnvironment(a, small: small)
        x87.fcw |= X87Flags.exceptions
        x87.fsw &= ~(X87Flags.es | X87Flags.busy)
        return true
    }

    func fldenv(_ i: Inst) -> Bool {
        let a = ea(i), small = x87EnvSize(i) == 14
        guard x87Probe(i, a, x87EnvSize(i), write: false), let e = x87ReadEnvironment(a, small: small) else {
            memFault(i)
            return false
        }
        x87LoadEnvironment(e, small: small)
        return true
    }

    /// FNSAVE: environment, then ST(0)…ST(7) as 10-byte values; then FNINIT.
    func fnsave(_ i: Inst) -> Bool {
        let a = ea(i), env = x87EnvSize(i)
        guard x87Probe(i, a, env + 80, write: true) else { return false }
        x87WriteEnvironment(a, small: env == 14)
        for k in 0..<8 {
            let v = x87.st(k), p = a &+ UInt64(env + 10 * k)
            _ = store(p, v.sig)
            _ = store(p &+ 8, v.se)
        }
        x87.reset()
        return true
    }

    func frstor(_ i: Inst) -> Bool {
        let a = ea(i), env = x87EnvSize(i)
        guard x87Probe(i, a, env + 80, write: false), let e = x87ReadEnvironment(a, small: env == 14) else {
            memFault(i)
            return false
        }
        var regs = [Ext80]()
        for k in 0..<8 {
            let p = a &+ UInt64(env + 10 * k)
            guard let lo: UInt64 = load(p), let hi: UInt16 = load(p &+ 8) else { memFault(i); return false }
            regs.append(Ext80(sig: lo, se: hi))
        }
        x87LoadEnvironment(e, small: env == 14)
        for k in 0..<8 { x87.store(physical: x87.physical(k), regs[k]) }
        return true
    }

    // MARK: - FFREE FFREEP FDECSTP FINCSTP FNOP

    func stackControl(_ i: Inst, _ op: X87Op) -> Bool {
        x87Note(i)
        switch op {
        case .ffree:
            x87ClearC1()
            x87.setEmpty(X87Imm.sti(i.pointee.imm))
            if X87Imm.pops(i.pointee.imm) != 0 { x87.pop() }
        case .fdecstp:
            x87ClearC1()
            x87.top = (x87.top - 1) & 7
        case .fincstp:
            x87ClearC1()
            x87.top = (x87.top + 1) & 7
        default:
            break
        }
        return true
    }

    // MARK: - State access for FXSAVE/FXRSTOR, MMX and debuggers

    /// FSW with TOP in bits 13:11. Setting it stores the value as given (FXRSTOR).
    public var x87StatusWord: UInt16 {
        get { x87.statusWord }
        set { x87.statusWord = newValue }
    }

    /// FXSAVE's abridged tag byte: bit r = 1 when physical register r is in use.
    public func x87AbridgedTag() -> UInt8 { x87.abridgedTag }

    /// FXRSTOR: loads the abridged tag; full tags are recomputed from contents when observed.
    public func x87SetAbridgedTag(_ t: UInt8) { x87.setAbridgedTag(t) }

    /// The full tag word (FSTENV's), valid/zero/special computed from the register contents.
    public func x87FullTag() -> UInt16 { x87.fullTag }

    /// Physical register number (R0–R7) holding ST(i).
    public func x87Physical(st i: Int) -> Int { x87.physical(i) }

    /// Stack index i such that ST(i) is physical register `r`.
    public func x87StackIndex(physical r: Int) -> Int { (r - x87.top) & 7 }

    /// The 16-byte slot of physical register `r` (bytes 0–9 hold the value; MMX uses 0–7).
    public func x87Slot(physical r: Int) -> UnsafeMutableRawPointer { x87.regs + 16 * r }

    /// What every MMX instruction except EMMS does to the x87 state (Vol. 1 §9.5.1, Table 9-2):
    /// TOP ← 0 and all registers tagged valid.
    public func x87EnterMMX() {
        x87.top = 0
        x87.ftw = 0
    }

    /// Writes MMX register `r`: the low 64 bits of physical register r; bits 64–79 become ones.
    public func x87WriteMMX(_ r: Int, _ v: UInt64) {
        x87.store(physical: r & 7, Ext80(sig: v, se: 0xFFFF))
    }

    /// EMMS: all tags empty.
    public func x87EMMS() { x87.ftw = 0xFFFF }
}
