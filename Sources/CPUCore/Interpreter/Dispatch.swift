// SPDX-License-Identifier: MIT
// The interpreter: the outer loop finds blocks and handles exceptions and exits; the inner loop
// runs one block with a single dense `switch` over the micro-op kind (DESIGN.md §6). Hot forms are
// written inline; everything else calls `@inline(__always)` handlers in Instructions/.
import MMU

/// How a block ended.
@usableFromInline enum BlockEnd { case fellThrough, jumped, fault, exit }

extension CPU {
    /// Runs guest code until an exit or until `budget` instructions have retired.
    public func run(budget: UInt64) -> CPUExit {
        let limit = instret &+ budget
        var skipBreakpoint = true
        while true {
            if stopRequested { stopRequested = false; return .stopRequested }
            if instret >= limit { return .budgetExhausted }
            if !breakpoints.isEmpty && !skipBreakpoint && breakpoints.contains(rip) { return .breakpoint }
            skipBreakpoint = false
            if let pending = interruptPending, !interruptShadow, flagBits & RFlags.if != 0 || (lfOp == LazyFlags.none ? false : rflags & RFlags.if != 0),
               let vector = pending() {
                if let exit = raise(CPUException(vector), returnRIP: rip, software: true, external: true) { return exit }
                continue
            }
            interruptShadow = false
            guard let b = block(at: rip) else {
                if let exit = raise(exception, returnRIP: rip) { return exit }
                continue
            }
            var n = Int(b.count)
            let remaining = limit &- instret
            if remaining < UInt64(n) { n = Int(remaining) }
            if singleStep || !breakpoints.isEmpty { n = 1 }
            let (end, done) = executeBlock(blocks.records + Int(b.start), n)
            instret &+= UInt64(done)
            switch end {
            case .fellThrough, .jumped: continue
            case .fault:
                let e = exception
                // Traps (INT3, INT n) report the next instruction; faults the faulting one.
                if let exit = raise(e, returnRIP: rip, software: pendingSoftware) { return exit }
            case .exit:
                return pendingExit
            }
        }
    }

    /// Hands an exception to the supervisor (hosted) or delivers it through the IDT (bare metal).
    func raise(_ e: CPUException, returnRIP: UInt64, software: Bool = false, external: Bool = false) -> CPUExit? {
        pendingSoftware = false
        if hostedKernel { return .exception(e) }
        var ex = e
        if external { ex.errorCode = nil }
        if !deliverException(ex, returnRIP: returnRIP, software: software && !external) {
            return .tripleFault(e)
        }
        return nil
    }

    /// Executes up to `n` instructions of a block. Returns how it ended and how many retired.
    /// On `.fault`, `rip` is the faulting instruction (or the next one for traps) and
    /// `exception` is set; on `.jumped` and `.exit`, `rip` is already the next RIP.
    @inline(never)
    func executeBlock(_ first: UnsafeMutablePointer<DecodedInstruction>, _ n: Int) -> (BlockEnd, Int) {
        let regs = self.regs
        var p = UnsafePointer(first)
        let end = p + n
        @inline(__always) func done() -> Int { p - UnsafePointer(first) }
        while p < end {
            let i = p
            switch i.pointee.op {
            // MARK: hot specialisations
            case .movRR64: regs[Int(i.pointee.r)] = regs[Int(i.pointee.b)]
            case .movRR32: regs[Int(i.pointee.r)] = regs[Int(i.pointee.b)] & 0xFFFF_FFFF
            case .movRI64: regs[Int(i.pointee.r)] = i.pointee.imm
            case .movRI32: regs[Int(i.pointee.r)] = i.pointee.imm & 0xFFFF_FFFF
            case .movRM64:
                guard let v: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }
                regs[Int(i.pointee.r)] = v
            case .movRM32:
                guard let v: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }
                regs[Int(i.pointee.r)] = UInt64(v)
            case .movMR64:
                guard store(ea(i), regs[Int(i.pointee.r)]) else { memFault(i); return faultAt(i, done()) }
            case .movMR32:
                guard store(ea(i), UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)])) else { memFault(i); return faultAt(i, done()) }
            case .lea64: regs[Int(i.pointee.r)] = ea(i) &- segBase[Int(i.pointee.seg)]
            case .lea32: regs[Int(i.pointee.r)] = (ea(i) &- segBase[Int(i.pointee.seg)]) & 0xFFFF_FFFF
            case .addRR64:
                let a = regs[Int(i.pointee.r)], b = regs[Int(i.pointee.b)], r = a &+ b
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.add, sign: 63, res: r, a: a, b: b)
            case .addRI64:
                let a = regs[Int(i.pointee.r)], b = i.pointee.imm, r = a &+ b
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.add, sign: 63, res: r, a: a, b: b)
            case .subRR64:
                let a = regs[Int(i.pointee.r)], b = regs[Int(i.pointee.b)], r = a &- b
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.sub, sign: 63, res: r, a: a, b: b)
            case .subRI64:
                let a = regs[Int(i.pointee.r)], b = i.pointee.imm, r = a &- b
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.sub, sign: 63, res: r, a: a, b: b)
            case .cmpRR64:
                let a = regs[Int(i.pointee.r)], b = regs[Int(i.pointee.b)]
                setFlags(LazyFlags.sub, sign: 63, res: a &- b, a: a, b: b)
            case .cmpRI64:
                let a = regs[Int(i.pointee.r)], b = i.pointee.imm
                setFlags(LazyFlags.sub, sign: 63, res: a &- b, a: a, b: b)
            case .cmpRR32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = regs[Int(i.pointee.b)] & 0xFFFF_FFFF
                setFlags(LazyFlags.sub, sign: 31, res: (a &- b) & 0xFFFF_FFFF, a: a, b: b)
            case .cmpRI32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = i.pointee.imm & 0xFFFF_FFFF
                setFlags(LazyFlags.sub, sign: 31, res: (a &- b) & 0xFFFF_FFFF, a: a, b: b)
            case .cmpRM64:
                guard let b: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }
                let a = regs[Int(i.pointee.r)]
                setFlags(LazyFlags.sub, sign: 63, res: a &- b, a: a, b: b)
            case .cmpRM32:
                guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = UInt64(m)
                setFlags(LazyFlags.sub, sign: 31, res: (a &- b) & 0xFFFF_FFFF, a: a, b: b)
            case .addRR32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = regs[Int(i.pointee.b)] & 0xFFFF_FFFF, r = (a &+ b) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.add, sign: 31, res: r, a: a, b: b)
            case .addRI32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = i.pointee.imm & 0xFFFF_FFFF, r = (a &+ b) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.add, sign: 31, res: r, a: a, b: b)
            case .xorRR32:
                let r = (regs[Int(i.pointee.r)] ^ regs[Int(i.pointee.b)]) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            case .andRI32:
                let r = regs[Int(i.pointee.r)] & i.pointee.imm & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            case .incR64:
                let a = regs[Int(i.pointee.r)]; regs[Int(i.pointee.r)] = a &+ 1; setIncDecFlags(LazyFlags.inc, a &+ 1, a)
            case .incR32:
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)]); regs[Int(i.pointee.r)] = UInt64(a &+ 1); setIncDecFlags(LazyFlags.inc, a &+ 1, a)
            case .decR64:
                let a = regs[Int(i.pointee.r)]; regs[Int(i.pointee.r)] = a &- 1; setIncDecFlags(LazyFlags.dec, a &- 1, a)
            case .decR32:
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)]); regs[Int(i.pointee.r)] = UInt64(a &- 1); setIncDecFlags(LazyFlags.dec, a &- 1, a)
            case .testRR64: let r = regs[Int(i.pointee.r)] & regs[Int(i.pointee.b)]; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
            case .testRR32: let r = regs[Int(i.pointee.r)] & regs[Int(i.pointee.b)] & 0xFFFF_FFFF; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            case .shlRI64: regs[Int(i.pointee.r)] = shift(ShiftOp.shl.rawValue, regs[Int(i.pointee.r)], i.pointee.imm)
            case .shrRI64: regs[Int(i.pointee.r)] = shift(ShiftOp.shr.rawValue, regs[Int(i.pointee.r)], i.pointee.imm)
            case .sarRI64: regs[Int(i.pointee.r)] = shift(ShiftOp.sar.rawValue, regs[Int(i.pointee.r)], i.pointee.imm)
            case .shlRI32: setReg(i.pointee.r, shift(ShiftOp.shl.rawValue, reg(i.pointee.r, UInt32.self), i.pointee.imm))
            case .shrRI32: setReg(i.pointee.r, shift(ShiftOp.shr.rawValue, reg(i.pointee.r, UInt32.self), i.pointee.imm))
            case .sarRI32: setReg(i.pointee.r, shift(ShiftOp.sar.rawValue, reg(i.pointee.r, UInt32.self), i.pointee.imm))
            case .rolRI32: setReg(i.pointee.r, shift(ShiftOp.rol.rawValue, reg(i.pointee.r, UInt32.self), i.pointee.imm))
            case .rorRI32: setReg(i.pointee.r, shift(ShiftOp.ror.rawValue, reg(i.pointee.r, UInt32.self), i.pointee.imm))
            case .jcc:
                if condition(i.pointee.aux) { rip = i.pointee.imm; return (.jumped, done() + 1) }
            case .jmp: rip = i.pointee.imm; return (.jumped, done() + 1)
            case .call:
                guard push64(i.pointee.next) else { return faultAt(i, done()) }
                rip = i.pointee.imm; return (.jumped, done() + 1)
            case .ret:
                guard let t: UInt64 = load(regs[Reg.rsp]) else { exception = memoryException(stack: true); return faultAt(i, done()) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done()) }
                regs[Reg.rsp] &+= 8
                rip = t; return (.jumped, done() + 1)
            case .pushR64: guard push64(regs[Int(i.pointee.r)]) else { return faultAt(i, done()) }
            case .popR64:
                guard let v = pop64() else { return faultAt(i, done()) }
                regs[Int(i.pointee.r)] = v

            // MARK: generic ALU, TEST, MOV by size
            case .aluRR8: aluRR(i, UInt8.self)
            case .aluRR16: aluRR(i, UInt16.self)
            case .aluRR32: aluRR(i, UInt32.self)
            case .aluRR64: aluRR(i, UInt64.self)
            case .aluRI8: aluRI(i, UInt8.self)
            case .aluRI16: aluRI(i, UInt16.self)
            case .aluRI32: aluRI(i, UInt32.self)
            case .aluRI64: aluRI(i, UInt64.self)
            case .aluRM8: guard aluRM(i, UInt8.self) else { return faultAt(i, done()) }
            case .aluRM16: guard aluRM(i, UInt16.self) else { return faultAt(i, done()) }
            case .aluRM32: guard aluRM(i, UInt32.self) else { return faultAt(i, done()) }
            case .aluRM64: guard aluRM(i, UInt64.self) else { return faultAt(i, done()) }
            case .aluMR8: guard aluM(i, reg(i.pointee.r, UInt8.self)) else { return faultAt(i, done()) }
            case .aluMR16: guard aluM(i, reg(i.pointee.r, UInt16.self)) else { return faultAt(i, done()) }
            case .aluMR32: guard aluM(i, reg(i.pointee.r, UInt32.self)) else { return faultAt(i, done()) }
            case .aluMR64: guard aluM(i, regs[Int(i.pointee.r)]) else { return faultAt(i, done()) }
            case .aluMI8: guard aluM(i, UInt8(truncatingIfNeeded: i.pointee.imm)) else { return faultAt(i, done()) }
            case .aluMI16: guard aluM(i, UInt16(truncatingIfNeeded: i.pointee.imm)) else { return faultAt(i, done()) }
            case .aluMI32: guard aluM(i, UInt32(truncatingIfNeeded: i.pointee.imm)) else { return faultAt(i, done()) }
            case .aluMI64: guard aluM(i, i.pointee.imm) else { return faultAt(i, done()) }
            case .testRR8: test(reg(i.pointee.r, UInt8.self), reg(i.pointee.b, UInt8.self))
            case .testRR16: test(reg(i.pointee.r, UInt16.self), reg(i.pointee.b, UInt16.self))
            case .testRI8: test(reg(i.pointee.r, UInt8.self), UInt8(truncatingIfNeeded: i.pointee.imm))
            case .testRI16: test(reg(i.pointee.r, UInt16.self), UInt16(truncatingIfNeeded: i.pointee.imm))
            case .testRI32: test(reg(i.pointee.r, UInt32.self), UInt32(truncatingIfNeeded: i.pointee.imm))
            case .testRI64: test(regs[Int(i.pointee.r)], i.pointee.imm)
            case .testMR8: guard let m: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, reg(i.pointee.r, UInt8.self))
            case .testMR16: guard let m: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, reg(i.pointee.r, UInt16.self))
            case .testMR32: guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, reg(i.pointee.r, UInt32.self))
            case .testMR64: guard let m: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, regs[Int(i.pointee.r)])
            case .testMI8: guard let m: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, UInt8(truncatingIfNeeded: i.pointee.imm))
            case .testMI16: guard let m: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, UInt16(truncatingIfNeeded: i.pointee.imm))
            case .testMI32: guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, UInt32(truncatingIfNeeded: i.pointee.imm))
            case .testMI64: guard let m: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; test(m, i.pointee.imm)
            case .movRR8: setReg(i.pointee.r, reg(i.pointee.b, UInt8.self))
            case .movRR16: setReg(i.pointee.r, reg(i.pointee.b, UInt16.self))
            case .movRI8: setReg(i.pointee.r, UInt8(truncatingIfNeeded: i.pointee.imm))
            case .movRI16: setReg(i.pointee.r, UInt16(truncatingIfNeeded: i.pointee.imm))
            case .movRM8: guard let v: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; setReg(i.pointee.r, v)
            case .movRM16: guard let v: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }; setReg(i.pointee.r, v)
            case .movMR8: guard store(ea(i), reg(i.pointee.r, UInt8.self)) else { memFault(i); return faultAt(i, done()) }
            case .movMR16: guard store(ea(i), reg(i.pointee.r, UInt16.self)) else { memFault(i); return faultAt(i, done()) }
            case .movMI8: guard store(ea(i), UInt8(truncatingIfNeeded: i.pointee.imm)) else { memFault(i); return faultAt(i, done()) }
            case .movMI16: guard store(ea(i), UInt16(truncatingIfNeeded: i.pointee.imm)) else { memFault(i); return faultAt(i, done()) }
            case .movMI32: guard store(ea(i), UInt32(truncatingIfNeeded: i.pointee.imm)) else { memFault(i); return faultAt(i, done()) }
            case .movMI64: guard store(ea(i), i.pointee.imm) else { memFault(i); return faultAt(i, done()) }
            case .movzxRR: movxRR(i, signed: false)
            case .movsxRR: movxRR(i, signed: true)
            case .movzxRM: guard movxRM(i, signed: false) else { return faultAt(i, done()) }
            case .movsxRM: guard movxRM(i, signed: true) else { return faultAt(i, done()) }
            case .lea16: setReg(i.pointee.r, UInt16(truncatingIfNeeded: ea(i) &- segBase[Int(i.pointee.seg)]))

            // MARK: unary, multiply, divide, shifts, bits
            case .unaryR:
                switch i.pointee.osz {
                case 1: unaryR(i, UInt8.self)
                case 2: unaryR(i, UInt16.self)
                case 4: unaryR(i, UInt32.self)
                default: unaryR(i, UInt64.self)
                }
            case .unaryM:
                let ok: Bool
                switch i.pointee.osz {
                case 1: ok = unaryM(i, UInt8.self)
                case 2: ok = unaryM(i, UInt16.self)
                case 4: ok = unaryM(i, UInt32.self)
                default: ok = unaryM(i, UInt64.self)
                }
                guard ok else { return faultAt(i, done()) }
            case .mulDivR, .mulDivM:
                var src: UInt64 = 0
                if i.pointee.op == .mulDivM {
                    guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done()) }
                    src = v
                } else { src = gpr(Int(i.pointee.r), size: Int(i.pointee.osz)) }
                let ok: Bool
                switch i.pointee.osz {
                case 1: ok = mulDiv(i.pointee.aux, i.pointee.op == .mulDivR ? reg(i.pointee.r, UInt8.self) : UInt8(truncatingIfNeeded: src))
                case 2: ok = mulDiv(i.pointee.aux, UInt16(truncatingIfNeeded: src))
                case 4: ok = mulDiv(i.pointee.aux, UInt32(truncatingIfNeeded: src))
                default: ok = mulDiv(i.pointee.aux, src)
                }
                guard ok else { return faultAt(i, done()) }
            case .imul2RR, .imul2RM, .imul3RR, .imul3RM:
                var src: UInt64
                if i.pointee.op == .imul2RM || i.pointee.op == .imul3RM {
                    guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done()) }
                    src = v
                } else { src = gpr(Int(i.pointee.b), size: Int(i.pointee.osz)) }
                let three = i.pointee.op == .imul3RR || i.pointee.op == .imul3RM
                let a = three ? src : gpr(Int(i.pointee.r), size: Int(i.pointee.osz))
                let b = three ? i.pointee.imm : src
                switch i.pointee.osz {
                case 2: setReg(i.pointee.r, imul(UInt16(truncatingIfNeeded: a), UInt16(truncatingIfNeeded: b)))
                case 4: setReg(i.pointee.r, imul(UInt32(truncatingIfNeeded: a), UInt32(truncatingIfNeeded: b)))
                default: regs[Int(i.pointee.r)] = imul(a, b)
                }
            case .shiftR:
                switch i.pointee.osz {
                case 1: shiftR(i, UInt8.self)
                case 2: shiftR(i, UInt16.self)
                case 4: shiftR(i, UInt32.self)
                default: shiftR(i, UInt64.self)
                }
            case .shiftM:
                let ok: Bool
                switch i.pointee.osz {
                case 1: ok = shiftM(i, UInt8.self)
                case 2: ok = shiftM(i, UInt16.self)
                case 4: ok = shiftM(i, UInt32.self)
                default: ok = shiftM(i, UInt64.self)
                }
                guard ok else { return faultAt(i, done()) }
            case .shldR:
                switch i.pointee.osz {
                case 2: shldR(i, UInt16.self)
                case 4: shldR(i, UInt32.self)
                default: shldR(i, UInt64.self)
                }
            case .shldM:
                let ok: Bool
                switch i.pointee.osz {
                case 2: ok = shldM(i, UInt16.self)
                case 4: ok = shldM(i, UInt32.self)
                default: ok = shldM(i, UInt64.self)
                }
                guard ok else { return faultAt(i, done()) }
            case .btRR, .btRI:
                let off = i.pointee.op == .btRR ? regs[Int(i.pointee.r)] : i.pointee.imm
                switch i.pointee.osz {
                case 2: btR(i, UInt16.self, offset: off)
                case 4: btR(i, UInt32.self, offset: off)
                default: btR(i, UInt64.self, offset: off)
                }
            case .btRM, .btMI:
                let regOff = i.pointee.op == .btRM
                let off = regOff ? regs[Int(i.pointee.r)] : i.pointee.imm
                let ok: Bool
                switch i.pointee.osz {
                case 2: ok = btM(i, UInt16.self, offset: off, registerOffset: regOff)
                case 4: ok = btM(i, UInt32.self, offset: off, registerOffset: regOff)
                default: ok = btM(i, UInt64.self, offset: off, registerOffset: regOff)
                }
                guard ok else { return faultAt(i, done()) }
            case .bsfR, .bsfM, .bsrR, .bsrM:
                var src: UInt64
                if i.pointee.op == .bsfM || i.pointee.op == .bsrM {
                    guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done()) }
                    src = v
                } else { src = gpr(Int(i.pointee.b), size: Int(i.pointee.osz)) }
                let fwd = i.pointee.op == .bsfR || i.pointee.op == .bsfM
                switch i.pointee.osz {
                case 2: fwd ? bsf(i, UInt16(truncatingIfNeeded: src)) : bsr(i, UInt16(truncatingIfNeeded: src))
                case 4: fwd ? bsf(i, UInt32(truncatingIfNeeded: src)) : bsr(i, UInt32(truncatingIfNeeded: src))
                default: fwd ? bsf(i, src) : bsr(i, src)
                }
            case .bswap: bswap(i)
            case .xchgRR:
                switch i.pointee.osz {
                case 1: xchgRR(i, UInt8.self)
                case 2: xchgRR(i, UInt16.self)
                case 4: xchgRR(i, UInt32.self)
                default: xchgRR(i, UInt64.self)
                }
            case .xchgRM:
                let ok: Bool
                switch i.pointee.osz {
                case 1: ok = xchgRM(i, UInt8.self)
                case 2: ok = xchgRM(i, UInt16.self)
                case 4: ok = xchgRM(i, UInt32.self)
                default: ok = xchgRM(i, UInt64.self)
                }
                guard ok else { return faultAt(i, done()) }
            case .xaddRR:
                switch i.pointee.osz {
                case 1: xaddRR(i, UInt8.self)
                case 2: xaddRR(i, UInt16.self)
                case 4: xaddRR(i, UInt32.self)
                default: xaddRR(i, UInt64.self)
                }
            case .xaddRM:
                let ok: Bool
                switch i.pointee.osz {
                case 1: ok = xaddRM(i, UInt8.self)
                case 2: ok = xaddRM(i, UInt16.self)
                case 4: ok = xaddRM(i, UInt32.self)
                default: ok = xaddRM(i, UInt64.self)
                }
                guard ok else { return faultAt(i, done()) }
            case .cmpxchgRR:
                switch i.pointee.osz {
                case 1: cmpxchgRR(i, UInt8.self)
                case 2: cmpxchgRR(i, UInt16.self)
                case 4: cmpxchgRR(i, UInt32.self)
                default: cmpxchgRR(i, UInt64.self)
                }
            case .cmpxchgRM:
                let ok: Bool
                switch i.pointee.osz {
                case 1: ok = cmpxchgRM(i, UInt8.self)
                case 2: ok = cmpxchgRM(i, UInt16.self)
                case 4: ok = cmpxchgRM(i, UInt32.self)
                default: ok = cmpxchgRM(i, UInt64.self)
                }
                guard ok else { return faultAt(i, done()) }
            case .cmpxchg8b16b: guard cmpxchg8b16b(i) else { return faultAt(i, done()) }

            // MARK: control transfer
            // Indirect targets must be canonical: #GP(0) at the branch, no state changed (SDM Vol. 2A "JMP", "CALL", "RET").
            case .jmpR:
                let t = regs[Int(i.pointee.r)]
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done()) }
                rip = t; return (.jumped, done() + 1)
            case .jmpM:
                guard let t: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done()) }
                rip = t; return (.jumped, done() + 1)
            case .callR:
                let t = regs[Int(i.pointee.r)]
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done()) }
                guard push64(i.pointee.next) else { return faultAt(i, done()) }
                rip = t; return (.jumped, done() + 1)
            case .callM:
                guard let t: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done()) }
                guard push64(i.pointee.next) else { return faultAt(i, done()) }
                rip = t; return (.jumped, done() + 1)
            case .retImm:
                guard let t: UInt64 = load(regs[Reg.rsp]) else { exception = memoryException(stack: true); return faultAt(i, done()) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done()) }
                regs[Reg.rsp] &+= 8 &+ i.pointee.imm
                rip = t; return (.jumped, done() + 1)
            case .loop:
                let a32 = i.pointee.pfx & Prefix.addr32 != 0
                var c = regs[Reg.rcx]
                let cc = i.pointee.aux
                if cc != 3 {
                    c = a32 ? (c &- 1) & 0xFFFF_FFFF : c &- 1
                    regs[Reg.rcx] = a32 ? (regs[Reg.rcx] & ~0xFFFF_FFFF) | c : c
                }
                let nz = (a32 ? c & 0xFFFF_FFFF : c) != 0
                let taken: Bool
                switch cc {
                case 0: taken = nz && !zf
                case 1: taken = nz && zf
                case 2: taken = nz
                default: taken = !nz
                }
                rip = taken ? i.pointee.imm : i.pointee.next
                return (.jumped, done() + 1)
            case .cmovRR, .cmovRM:
                var v: UInt64
                if i.pointee.op == .cmovRM {
                    guard let m = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done()) }
                    v = m
                } else { v = gpr(Int(i.pointee.b), size: Int(i.pointee.osz)) }
                if condition(i.pointee.aux) { setGPR(Int(i.pointee.r), size: Int(i.pointee.osz), v) }
                else if i.pointee.osz == 4 { regs[Int(i.pointee.r)] &= 0xFFFF_FFFF }  // 32-bit CMOV always zero-extends
            case .setccR: setReg(i.pointee.r, UInt8(condition(i.pointee.aux) ? 1 : 0))
            case .setccM: guard store(ea(i), UInt8(condition(i.pointee.aux) ? 1 : 0)) else { memFault(i); return faultAt(i, done()) }

            // MARK: stack
            case .pushR: guard push(gpr(Int(i.pointee.r), size: Int(i.pointee.osz)), size: i.pointee.osz) else { return faultAt(i, done()) }
            case .popR:
                guard let v = pop(size: i.pointee.osz) else { return faultAt(i, done()) }
                setGPR(Int(i.pointee.r), size: Int(i.pointee.osz), v)
            case .pushI: guard push(i.pointee.imm, size: i.pointee.osz) else { return faultAt(i, done()) }
            case .pushM:
                guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done()) }
                guard push(v, size: i.pointee.osz) else { return faultAt(i, done()) }
            case .popM:
                // The address is computed after RSP is incremented (SDM Vol. 2B "POP").
                let sp = regs[Reg.rsp]
                guard let v = pop(size: i.pointee.osz) else { return faultAt(i, done()) }
                let ok = i.pointee.osz == 8 ? store(ea(i), v) : store(ea(i), UInt16(truncatingIfNeeded: v))
                guard ok else { regs[Reg.rsp] = sp; memFault(i); return faultAt(i, done()) }
            case .pushSeg: guard push(UInt64(segs[Int(i.pointee.aux)].selector), size: i.pointee.osz) else { return faultAt(i, done()) }
            case .popSeg:
                let sp = regs[Reg.rsp]
                guard let v = pop(size: i.pointee.osz) else { return faultAt(i, done()) }
                guard loadSegment(Segment(rawValue: Int(i.pointee.aux))!, UInt16(truncatingIfNeeded: v)) else { regs[Reg.rsp] = sp; return faultAt(i, done()) }
            case .pushf: guard pushf(i) else { return faultAt(i, done()) }
            case .popf:
                guard popf(i) else { return faultAt(i, done()) }
                rip = i.pointee.next; return (.jumped, done() + 1)
            case .lahf: lahf()
            case .sahf: sahf()
            case .enter: guard enter(i) else { return faultAt(i, done()) }
            case .leave: guard leave(i) else { return faultAt(i, done()) }
            case .cbw: cbw(i.pointee.osz)
            case .cwd: cwd(i.pointee.osz)

            // MARK: strings, flags, misc
            case .string:
                switch stringOp(i) {
                case .done: break
                case .fault: return faultAt(i, done())
                case .again: rip = i.pointee.rip; return (.jumped, done())
                }
            case .flagOp: flagInstruction(i.pointee.aux)
            case .nop: break
            case .xlat: guard xlat(i) else { return faultAt(i, done()) }
            case .cpuid: cpuid()
            case .rdtsc: guard rdtsc(done(), aux: false) else { return faultAt(i, done()) }
            case .rdtscp: guard rdtsc(done(), aux: true) else { return faultAt(i, done()) }
            case .cli:
                guard cli() else { return faultAt(i, done()) }
                rip = i.pointee.next; return (.jumped, done() + 1)
            case .sti:
                guard sti() else { return faultAt(i, done()) }
                rip = i.pointee.next; return (.jumped, done() + 1)
            case .hlt:
                guard cpl == 0 else { exception = .gp(0); return faultAt(i, done()) }
                rip = i.pointee.next
                pendingExit = .halt
                return (.exit, done() + 1)
            case .inOut:
                guard inOut(i) else { return faultAt(i, done()) }
                rip = i.pointee.next; return (.jumped, done() + 1)
            case .int3:
                exception = CPUException(CPUException.BP)
                return trapAt(i, done())
            case .intN:
                exception = CPUException(UInt8(truncatingIfNeeded: i.pointee.imm))
                return trapAt(i, done())
            case .into, .ud, .invalid:
                exception = .ud; return faultAt(i, done())
            case .system:
                switch executeSystem(i, retired: done()) {
                case .done: rip = i.pointee.next; return (.jumped, done() + 1)
                case .jumped: return (.jumped, done() + 1)
                case .fault: return faultAt(i, done())
                case .exitSyscall: pendingExit = .syscall; return (.exit, done() + 1)
                }
            case .movSegR, .movSegM:
                var sel: UInt16
                if i.pointee.op == .movSegM {
                    guard let v: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done()) }
                    sel = v
                } else { sel = reg(i.pointee.b, UInt16.self) }
                guard loadSegment(Segment(rawValue: Int(i.pointee.aux))!, sel) else { return faultAt(i, done()) }
                rip = i.pointee.next; return (.jumped, done() + 1)
            case .movRSeg: setGPR(Int(i.pointee.b), size: Int(i.pointee.osz), UInt64(segs[Int(i.pointee.aux)].selector))
            case .movMSeg: guard store(ea(i), segs[Int(i.pointee.aux)].selector) else { memFault(i); return faultAt(i, done()) }
            case .x87: guard executeX87(i) else { return faultAt(i, done()) }
            case .sse: guard executeSSE(i) else { return faultAt(i, done()) }
            case .mmx: guard executeMMX(i) else { return faultAt(i, done()) }
            case .stale:
                rip = i.pointee.rip; return (.jumped, done())
            }
            p += 1
        }
        rip = (p - 1).pointee.next
        return (.fellThrough, done())
    }

    /// A fault at instruction `i`: RIP points at it; it does not retire.
    @inline(never)
    func faultAt(_ i: Inst, _ retired: Int) -> (BlockEnd, Int) {
        rip = i.pointee.rip
        return (.fault, retired)
    }

    /// A trap (INT3, INT n): the return address is the next instruction; the instruction retires.
    @inline(never)
    func trapAt(_ i: Inst, _ retired: Int) -> (BlockEnd, Int) {
        rip = i.pointee.next
        pendingSoftware = true
        return (.fault, retired + 1)
    }

    @inline(__always)
    func loadSized(_ a: UInt64, _ size: UInt8) -> UInt64? {
        switch size {
        case 1: return load(a, UInt8.self).map { UInt64($0) }
        case 2: return load(a, UInt16.self).map { UInt64($0) }
        case 4: return load(a, UInt32.self).map { UInt64($0) }
        default: return load(a, UInt64.self)
        }
    }
}
