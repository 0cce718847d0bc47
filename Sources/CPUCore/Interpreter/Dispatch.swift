// SPDX-License-Identifier: MIT
// The interpreter: the outer loop finds blocks and handles exceptions and exits; the inner loop
// runs one block with a single dense `switch` over the micro-op kind (DESIGN.md §6). Hot forms are
// written inline; everything else calls `@inline(__always)` handlers in Instructions/.
import MMU

/// How a block ended.
@usableFromInline enum BlockEnd { case fellThrough, jumped, fault, exit, yielded }

extension CPU {
    /// Runs guest code until an exit or until `budget` instructions have retired.
    public func run(budget: UInt64) -> CPUExit {
        let limit = instret &+ budget
        var skipBreakpoint = true
        // First record of the block just run, while its successor can be linked. After an exit
        // (a hosted syscall, the end of a budget) the block that ended the last run is still the
        // predecessor if nothing was flushed since: the supervisor's resume then costs a link
        // check instead of a table lookup (the forwarded-syscall round trip, issue 3).
        var previous = resumeGeneration == blocks.generation &+ mmu.generation ? resumeBlock : -1
        resumeBlock = -1
        var stalled: UInt64 = 0   // REP iterations done by instructions that have not retired yet
        while true {
            if _slowPath(attention) {
                if stopRequested { stopRequested = false; return .stopRequested }
                if !breakpoints.isEmpty && !skipBreakpoint && breakpoints.contains(rip) { return .breakpoint }
                if let pending = interruptPending, !interruptShadow, rflags & RFlags.if != 0, let vector = pending() {
                    instructionObserver?.didRaise(CPUException(vector), kind: .interrupt)
                    if let exit = raise(CPUException(vector), returnRIP: rip, software: true, external: true) { return exit }
                    instructionObserver?.didDeliver()
                    previous = -1
                    continue
                }
                if interruptShadow { interruptShadow = false }
            }
            skipBreakpoint = false
            let generation = blocks.generation &+ mmu.generation
            if instret &+ stalled >= limit {
                resumeBlock = previous
                resumeGeneration = generation
                return .budgetExhausted
            }
            let b: BlockEntry
            if previous >= 0, let linked = blocks.successor(of: previous, rip: rip, generation: generation) {
                b = linked
            } else {
                guard let found = block(at: rip) else {
                    instructionObserver?.didRaise(exception, kind: .fetch)
                    if let exit = raise(exception, returnRIP: rip) { return exit }
                    instructionObserver?.didDeliver()
                    previous = -1
                    continue
                }
                // Decoding may have flushed the cache; link only within one generation.
                if previous >= 0 && generation == blocks.generation &+ mmu.generation {
                    blocks.link(from: previous, to: found, generation: generation)
                }
                b = found
            }
            var budget = limit &- instret &- stalled
            if _slowPath(attention) && (singleStep || !breakpoints.isEmpty) { budget = 1 }
            let (end, done, last) = executeBlocks(b, budget: budget)
            blocks.clearStop()
            instret &+= UInt64(done)
            switch end {
            case .fellThrough, .jumped:
                previous = last
                continue
            case .yielded:
                // A long REP stopped after a chunk without retiring: charge the chunk to the budget so
                // `run` returns and the machine can check its time limit (the REP resumes after).
                previous = -1
                stalled &+= CPU.stringChunk
                instructionObserver?.didYield()
            case .fault:
                previous = -1
                let e = exception
                instructionObserver?.didRaise(e, kind: pendingSoftware ? .trap : .fault)
                // Traps (INT3, INT n) report the next instruction; faults the faulting one.
                if let exit = raise(e, returnRIP: rip, software: pendingSoftware) { return exit }
                instructionObserver?.didDeliver()
            case .exit:
                resumeBlock = last
                resumeGeneration = blocks.generation &+ mmu.generation
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
        if !deliverException(ex, returnRIP: returnRIP, software: software && !external,
                             instructionRIP: software && !external ? pendingSoftwareRIP : nil) {
            return .tripleFault(e)
        }
        return nil
    }

    /// Executes blocks starting with `block`, following block links while they are valid, until
    /// `budget` instructions retired, an exit, a fault, or a successor that is not linked yet.
    /// Returns how it ended, how many instructions retired, and the first record of the last
    /// block run (for linking its successor). On `.fault`, `rip` is the faulting instruction (or
    /// the next one for traps) and `exception` is set; otherwise `rip` is the next RIP.
    @inline(never)
    func executeBlocks(_ block: BlockEntry, budget: UInt64) -> (BlockEnd, Int, Int) {
        let regs = self.regs
        let cache = blocks, mmu = self.mmu
        let records = cache.records
        var blk = block
        var retired = 0
        while true {
        let first = UnsafePointer(records + Int(blk.start))
        var p = first
        // Blocks end at their `.blockEnd` record; if the budget runs out first, one is planted there.
        let left = budget &- UInt64(truncatingIfNeeded: retired)
        if _slowPath(UInt64(blk.count) > left) { cache.plantStop(at: cache.stopRecord(start: Int(blk.start), retired: Int(left))) }
        var jumped = false
        // Instructions of the chain retired before the current one (`p`), from its place in the block.
        @inline(__always) func done() -> Int { retired &+ Int(p.pointee.seq) &- 1 }
        blockLoop: while true {
            let i = p
            switch i.pointee.op {
            // MARK: hot specialisations
            case .movRR64: regs[Int(i.pointee.r)] = regs[Int(i.pointee.b)]
            case .movRR32: regs[Int(i.pointee.r)] = regs[Int(i.pointee.b)] & 0xFFFF_FFFF
            case .movRI64: regs[Int(i.pointee.r)] = i.pointee.imm
            case .movRI32: regs[Int(i.pointee.r)] = i.pointee.imm & 0xFFFF_FFFF
            case .movRM64:
                guard let v: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                regs[Int(i.pointee.r)] = v
            case .movRM32:
                guard let v: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                regs[Int(i.pointee.r)] = UInt64(v)
            case .movMR64:
                guard store(ea(i), regs[Int(i.pointee.r)]) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .movMR32:
                guard store(ea(i), UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)])) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
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
                guard let b: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = regs[Int(i.pointee.r)]
                setFlags(LazyFlags.sub, sign: 63, res: a &- b, a: a, b: b)
            case .cmpRM32:
                guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = UInt64(m)
                setFlags(LazyFlags.sub, sign: 31, res: (a &- b) & 0xFFFF_FFFF, a: a, b: b)
            case .cmpMR32:
                guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = UInt64(m), b = regs[Int(i.pointee.r)] & 0xFFFF_FFFF
                setFlags(LazyFlags.sub, sign: 31, res: (a &- b) & 0xFFFF_FFFF, a: a, b: b)
            case .cmpMR64:
                guard let a: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let b = regs[Int(i.pointee.r)]
                setFlags(LazyFlags.sub, sign: 63, res: a &- b, a: a, b: b)
            case .cmpMR8:
                guard let m: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = UInt64(m), b = UInt64(reg(i.pointee.r, UInt8.self))
                setFlags(LazyFlags.sub, sign: 7, res: (a &- b) & 0xFF, a: a, b: b)
            case .cmpRM8:
                guard let m: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = UInt64(reg(i.pointee.r, UInt8.self)), b = UInt64(m)
                setFlags(LazyFlags.sub, sign: 7, res: (a &- b) & 0xFF, a: a, b: b)
            case .cmpRR8:
                let a = UInt64(reg(i.pointee.r, UInt8.self)), b = UInt64(reg(i.pointee.b, UInt8.self))
                setFlags(LazyFlags.sub, sign: 7, res: (a &- b) & 0xFF, a: a, b: b)
            case .cmpRI8:
                let a = UInt64(reg(i.pointee.r, UInt8.self)), b = i.pointee.imm & 0xFF
                setFlags(LazyFlags.sub, sign: 7, res: (a &- b) & 0xFF, a: a, b: b)
            case .cmpMI8:
                guard let m: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = UInt64(m), b = i.pointee.imm & 0xFF
                setFlags(LazyFlags.sub, sign: 7, res: (a &- b) & 0xFF, a: a, b: b)
            case .cmpMI32:
                guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = UInt64(m), b = i.pointee.imm & 0xFFFF_FFFF
                setFlags(LazyFlags.sub, sign: 31, res: (a &- b) & 0xFFFF_FFFF, a: a, b: b)
            case .cmpMI64:
                guard let a: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let b = i.pointee.imm
                setFlags(LazyFlags.sub, sign: 63, res: a &- b, a: a, b: b)
            case .addRR32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = regs[Int(i.pointee.b)] & 0xFFFF_FFFF, r = (a &+ b) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.add, sign: 31, res: r, a: a, b: b)
            case .addRI32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = i.pointee.imm & 0xFFFF_FFFF, r = (a &+ b) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.add, sign: 31, res: r, a: a, b: b)
            case .xorRR32:
                let r = (regs[Int(i.pointee.r)] ^ regs[Int(i.pointee.b)]) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            case .andRR32:
                let r = regs[Int(i.pointee.r)] & regs[Int(i.pointee.b)] & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            case .orRR32:
                let r = (regs[Int(i.pointee.r)] | regs[Int(i.pointee.b)]) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            // NOT changes no flag (SDM Vol. 2B "NOT"); a 32-bit result zero-extends.
            case .notR32: regs[Int(i.pointee.r)] = ~regs[Int(i.pointee.r)] & 0xFFFF_FFFF
            case .notR64: regs[Int(i.pointee.r)] = ~regs[Int(i.pointee.r)]
            case .andRI32:
                let r = regs[Int(i.pointee.r)] & i.pointee.imm & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            case .incR64:
                let a = regs[Int(i.pointee.r)]; regs[Int(i.pointee.r)] = a &+ 1
                if !i.pointee.flagsDead { setIncDecFlags(LazyFlags.inc, a &+ 1, a) }
            case .incR32:
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)]); regs[Int(i.pointee.r)] = UInt64(a &+ 1); setIncDecFlags(LazyFlags.inc, a &+ 1, a)
            case .decR64:
                let a = regs[Int(i.pointee.r)]; regs[Int(i.pointee.r)] = a &- 1
                if !i.pointee.flagsDead { setIncDecFlags(LazyFlags.dec, a &- 1, a) }
            case .decR32:
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)]); regs[Int(i.pointee.r)] = UInt64(a &- 1); setIncDecFlags(LazyFlags.dec, a &- 1, a)
            case .testRR64: let r = regs[Int(i.pointee.r)] & regs[Int(i.pointee.b)]; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
            case .testRR32: let r = regs[Int(i.pointee.r)] & regs[Int(i.pointee.b)] & 0xFFFF_FFFF; setFlags(LazyFlags.logic, sign: 31, res: r, a: 0, b: 0)
            // Immediate shifts with lazy flags; the count is 1…width−1 (Specialise.swift).
            case .shlRI64:
                let a = regs[Int(i.pointee.r)], c = i.pointee.imm & 63, r = a &<< c
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.shl, sign: 63, res: r, a: a, b: c)
            case .shrRI64:
                let a = regs[Int(i.pointee.r)], c = i.pointee.imm & 63, r = a &>> c
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.shr, sign: 63, res: r, a: a, b: c)
            case .sarRI64:
                let a = regs[Int(i.pointee.r)], c = i.pointee.imm & 63
                let r = UInt64(bitPattern: Int64(bitPattern: a) &>> Int64(c))
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.sar, sign: 63, res: r, a: a, b: c)
            case .shlRI32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, c = i.pointee.imm & 31, r = (a &<< c) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.shl, sign: 31, res: r, a: a, b: c)
            case .shrRI32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, c = i.pointee.imm & 31, r = a &>> c
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.shr, sign: 31, res: r, a: a, b: c)
            case .sarRI32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, c = i.pointee.imm & 31
                let r = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: a) &>> Int32(c)))
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.sar, sign: 31, res: r, a: a, b: c)
            // Rotates change only CF and OF; when no later instruction of the block reads them, skip that.
            case .rolRI64:
                let a = regs[Int(i.pointee.r)], c = i.pointee.imm & 63
                let r = (a &<< c) | (a &>> (64 &- c))
                regs[Int(i.pointee.r)] = r
                if !i.pointee.flagsDead { setCO(cf: r & 1 != 0, of: (r >> 63) != r & 1) }
            case .rorRI64:
                let a = regs[Int(i.pointee.r)], c = i.pointee.imm & 63
                let r = (a &>> c) | (a &<< (64 &- c))
                regs[Int(i.pointee.r)] = r
                if !i.pointee.flagsDead { setCO(cf: r >> 63 != 0, of: (r >> 63) != (r >> 62) & 1) }
            case .rolRI32:
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)]), c = UInt32(i.pointee.imm & 31)
                let r = (a &<< c) | (a &>> (32 &- c))
                regs[Int(i.pointee.r)] = UInt64(r)
                if !i.pointee.flagsDead { setCO(cf: r & 1 != 0, of: (r >> 31) != r & 1) }
            case .rorRI32:
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)]), c = UInt32(i.pointee.imm & 31)
                let r = (a &>> c) | (a &<< (32 &- c))
                regs[Int(i.pointee.r)] = UInt64(r)
                if !i.pointee.flagsDead { setCO(cf: r >> 31 != 0, of: (r >> 31) != (r >> 30) & 1) }
            case .xorRR64:
                let r = regs[Int(i.pointee.r)] ^ regs[Int(i.pointee.b)]
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
            case .andRR64:
                let r = regs[Int(i.pointee.r)] & regs[Int(i.pointee.b)]
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
            case .orRR64:
                let r = regs[Int(i.pointee.r)] | regs[Int(i.pointee.b)]
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
            case .andRI64:
                let r = regs[Int(i.pointee.r)] & i.pointee.imm
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
            case .subRR32:
                let a = regs[Int(i.pointee.r)] & 0xFFFF_FFFF, b = regs[Int(i.pointee.b)] & 0xFFFF_FFFF, r = (a &- b) & 0xFFFF_FFFF
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.sub, sign: 31, res: r, a: a, b: b)
            case .addRM64:
                guard let b: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = regs[Int(i.pointee.r)], r = a &+ b
                regs[Int(i.pointee.r)] = r; setFlags(LazyFlags.add, sign: 63, res: r, a: a, b: b)
            case .imul2RR64:
                let (r, o) = Int64(bitPattern: regs[Int(i.pointee.r)]).multipliedReportingOverflow(by: Int64(bitPattern: regs[Int(i.pointee.b)]))
                regs[Int(i.pointee.r)] = UInt64(bitPattern: r)
                setFlagsCO(UInt64(bitPattern: r), cf: o, of: o)
            case .imul3RR64:
                let (r, o) = Int64(bitPattern: regs[Int(i.pointee.b)]).multipliedReportingOverflow(by: Int64(bitPattern: i.pointee.imm))
                regs[Int(i.pointee.r)] = UInt64(bitPattern: r)
                setFlagsCO(UInt64(bitPattern: r), cf: o, of: o)
            // Flag-free forms (FlagLiveness.swift): no later instruction can see these flags.
            case .addRR64nf: regs[Int(i.pointee.r)] &+= regs[Int(i.pointee.b)]
            case .addRI64nf: regs[Int(i.pointee.r)] &+= i.pointee.imm
            case .subRR64nf: regs[Int(i.pointee.r)] &-= regs[Int(i.pointee.b)]
            case .subRI64nf: regs[Int(i.pointee.r)] &-= i.pointee.imm
            case .addRR32nf: regs[Int(i.pointee.r)] = (regs[Int(i.pointee.r)] &+ regs[Int(i.pointee.b)]) & 0xFFFF_FFFF
            case .addRI32nf: regs[Int(i.pointee.r)] = (regs[Int(i.pointee.r)] &+ i.pointee.imm) & 0xFFFF_FFFF
            case .subRR32nf: regs[Int(i.pointee.r)] = (regs[Int(i.pointee.r)] &- regs[Int(i.pointee.b)]) & 0xFFFF_FFFF
            case .xorRR64nf: regs[Int(i.pointee.r)] ^= regs[Int(i.pointee.b)]
            case .andRR64nf: regs[Int(i.pointee.r)] &= regs[Int(i.pointee.b)]
            case .orRR64nf: regs[Int(i.pointee.r)] |= regs[Int(i.pointee.b)]
            case .andRI64nf: regs[Int(i.pointee.r)] &= i.pointee.imm
            case .xorRR32nf: regs[Int(i.pointee.r)] = (regs[Int(i.pointee.r)] ^ regs[Int(i.pointee.b)]) & 0xFFFF_FFFF
            case .andRR32nf: regs[Int(i.pointee.r)] = regs[Int(i.pointee.r)] & regs[Int(i.pointee.b)] & 0xFFFF_FFFF
            case .orRR32nf: regs[Int(i.pointee.r)] = (regs[Int(i.pointee.r)] | regs[Int(i.pointee.b)]) & 0xFFFF_FFFF
            case .andRI32nf: regs[Int(i.pointee.r)] &= i.pointee.imm & 0xFFFF_FFFF
            case .shlRI64nf: regs[Int(i.pointee.r)] &<<= i.pointee.imm & 63
            case .shrRI64nf: regs[Int(i.pointee.r)] &>>= i.pointee.imm & 63
            case .sarRI64nf:
                regs[Int(i.pointee.r)] = UInt64(bitPattern: Int64(bitPattern: regs[Int(i.pointee.r)]) &>> Int64(i.pointee.imm & 63))
            case .shlRI32nf: regs[Int(i.pointee.r)] = (regs[Int(i.pointee.r)] &<< (i.pointee.imm & 31)) & 0xFFFF_FFFF
            case .shrRI32nf: regs[Int(i.pointee.r)] = (regs[Int(i.pointee.r)] & 0xFFFF_FFFF) &>> (i.pointee.imm & 31)
            case .sarRI32nf:
                regs[Int(i.pointee.r)] = UInt64(UInt32(bitPattern: Int32(truncatingIfNeeded: regs[Int(i.pointee.r)]) &>> Int32(i.pointee.imm & 31)))
            // The low 64 bits of a product are the same signed or unsigned.
            case .imul2RR64nf: regs[Int(i.pointee.r)] = regs[Int(i.pointee.r)] &* regs[Int(i.pointee.b)]
            case .imul3RR64nf: regs[Int(i.pointee.r)] = regs[Int(i.pointee.b)] &* i.pointee.imm
            case .aluRM64fastNF:
                guard let m: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = regs[Int(i.pointee.r)]
                switch i.pointee.aux {
                case 0: regs[Int(i.pointee.r)] = a &+ m
                case 5: regs[Int(i.pointee.r)] = a &- m
                case 1: regs[Int(i.pointee.r)] = a | m
                case 4: regs[Int(i.pointee.r)] = a & m
                default: regs[Int(i.pointee.r)] = a ^ m
                }
            case .aluRM32fastNF:
                guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)])
                switch i.pointee.aux {
                case 0: regs[Int(i.pointee.r)] = UInt64(a &+ m)
                case 5: regs[Int(i.pointee.r)] = UInt64(a &- m)
                case 1: regs[Int(i.pointee.r)] = UInt64(a | m)
                case 4: regs[Int(i.pointee.r)] = UInt64(a & m)
                default: regs[Int(i.pointee.r)] = UInt64(a ^ m)
                }
            case .jcc:
                // The common cases inline: JE/JNE after anything lazy, and the CMP/SUB fast path.
                let cc = i.pointee.aux
                let taken: Bool
                if lfOp != LazyFlags.none && cc & 0xE == 4 {
                    taken = (lfRes == 0) != (cc & 1 != 0)
                } else if lfOp == LazyFlags.sub && cc >= 2 && cc != 8 && cc != 9 && cc != 0xA && cc != 0xB {
                    let sh = UInt64(63 &- lfSign)
                    let sa = Int64(bitPattern: lfA &<< sh), sb = Int64(bitPattern: lfB &<< sh)
                    switch cc {
                    case 2: taken = lfA < lfB
                    case 3: taken = lfA >= lfB
                    case 6: taken = lfA <= lfB
                    case 7: taken = lfA > lfB
                    case 0xC: taken = sa < sb
                    case 0xD: taken = sa >= sb
                    case 0xE: taken = sa <= sb
                    default: taken = sa > sb
                    }
                } else {
                    taken = conditionOutlined(cc)
                }
                if taken { rip = i.pointee.imm; p += 1; jumped = true; break blockLoop }
            case .jz: if zf { rip = i.pointee.imm; p += 1; jumped = true; break blockLoop }
            case .jnz: if !zf { rip = i.pointee.imm; p += 1; jumped = true; break blockLoop }
            case .movzxbRM:
                guard let v: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                regs[Int(i.pointee.r)] = UInt64(v)
            case .movzxwRM:
                guard let v: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                regs[Int(i.pointee.r)] = UInt64(v)
            case .movzxbRR: regs[Int(i.pointee.r)] = UInt64(reg(i.pointee.b, UInt8.self))
            case .movzxwRR: regs[Int(i.pointee.r)] = regs[Int(i.pointee.b)] & 0xFFFF
            case .movsxdRM:
                guard let v: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                regs[Int(i.pointee.r)] = UInt64(bitPattern: Int64(Int32(bitPattern: v)))
            case .movsxdRR: regs[Int(i.pointee.r)] = UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: regs[Int(i.pointee.b)])))
            case .aluRM32fast:
                guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = UInt32(truncatingIfNeeded: regs[Int(i.pointee.r)])
                let r: UInt32
                switch i.pointee.aux {
                case 0: r = a &+ m; setFlags(LazyFlags.add, sign: 31, res: UInt64(r), a: UInt64(a), b: UInt64(m))
                case 5: r = a &- m; setFlags(LazyFlags.sub, sign: 31, res: UInt64(r), a: UInt64(a), b: UInt64(m))
                case 1: r = a | m; setFlags(LazyFlags.logic, sign: 31, res: UInt64(r), a: 0, b: 0)
                case 4: r = a & m; setFlags(LazyFlags.logic, sign: 31, res: UInt64(r), a: 0, b: 0)
                default: r = a ^ m; setFlags(LazyFlags.logic, sign: 31, res: UInt64(r), a: 0, b: 0)
                }
                regs[Int(i.pointee.r)] = UInt64(r)
            case .aluRM64fast:
                guard let m: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                let a = regs[Int(i.pointee.r)]
                let r: UInt64
                switch i.pointee.aux {
                case 0: r = a &+ m; setFlags(LazyFlags.add, sign: 63, res: r, a: a, b: m)
                case 5: r = a &- m; setFlags(LazyFlags.sub, sign: 63, res: r, a: a, b: m)
                case 1: r = a | m; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
                case 4: r = a & m; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
                default: r = a ^ m; setFlags(LazyFlags.logic, sign: 63, res: r, a: 0, b: 0)
                }
                regs[Int(i.pointee.r)] = r
            case .jmp: rip = i.pointee.imm; p += 1; jumped = true; break blockLoop
            case .call:
                guard push64(i.pointee.next) else { return faultAt(i, done(), Int(blk.start)) }
                rip = i.pointee.imm; p += 1; jumped = true; break blockLoop
            case .ret:
                guard let t: UInt64 = load(regs[Reg.rsp]) else { exception = memoryException(stack: true); return faultAt(i, done(), Int(blk.start)) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done(), Int(blk.start)) }
                regs[Reg.rsp] &+= 8
                rip = t; p += 1; jumped = true; break blockLoop
            case .pushR64: guard push64(regs[Int(i.pointee.r)]) else { return faultAt(i, done(), Int(blk.start)) }
            case .popR64:
                guard let v = pop64() else { return faultAt(i, done(), Int(blk.start)) }
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
            case .aluRM8: guard aluRM(i, UInt8.self) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluRM16: guard aluRM(i, UInt16.self) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluRM32: guard aluRM(i, UInt32.self) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluRM64: guard aluRM(i, UInt64.self) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMR8: guard aluM(i, reg(i.pointee.r, UInt8.self)) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMR16: guard aluM(i, reg(i.pointee.r, UInt16.self)) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMR32: guard aluM(i, reg(i.pointee.r, UInt32.self)) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMR64: guard aluM(i, regs[Int(i.pointee.r)]) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMI8: guard aluM(i, UInt8(truncatingIfNeeded: i.pointee.imm)) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMI16: guard aluM(i, UInt16(truncatingIfNeeded: i.pointee.imm)) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMI32: guard aluM(i, UInt32(truncatingIfNeeded: i.pointee.imm)) else { return faultAt(i, done(), Int(blk.start)) }
            case .aluMI64: guard aluM(i, i.pointee.imm) else { return faultAt(i, done(), Int(blk.start)) }
            case .testRR8: test(reg(i.pointee.r, UInt8.self), reg(i.pointee.b, UInt8.self))
            case .testRR16: test(reg(i.pointee.r, UInt16.self), reg(i.pointee.b, UInt16.self))
            case .testRI8: test(reg(i.pointee.r, UInt8.self), UInt8(truncatingIfNeeded: i.pointee.imm))
            case .testRI16: test(reg(i.pointee.r, UInt16.self), UInt16(truncatingIfNeeded: i.pointee.imm))
            case .testRI32: test(reg(i.pointee.r, UInt32.self), UInt32(truncatingIfNeeded: i.pointee.imm))
            case .testRI64: test(regs[Int(i.pointee.r)], i.pointee.imm)
            case .testMR8: guard let m: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, reg(i.pointee.r, UInt8.self))
            case .testMR16: guard let m: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, reg(i.pointee.r, UInt16.self))
            case .testMR32: guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, reg(i.pointee.r, UInt32.self))
            case .testMR64: guard let m: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, regs[Int(i.pointee.r)])
            case .testMI8: guard let m: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, UInt8(truncatingIfNeeded: i.pointee.imm))
            case .testMI16: guard let m: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, UInt16(truncatingIfNeeded: i.pointee.imm))
            case .testMI32: guard let m: UInt32 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, UInt32(truncatingIfNeeded: i.pointee.imm))
            case .testMI64: guard let m: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; test(m, i.pointee.imm)
            case .movRR8: setReg(i.pointee.r, reg(i.pointee.b, UInt8.self))
            case .movRR16: setReg(i.pointee.r, reg(i.pointee.b, UInt16.self))
            case .movRI8: setReg(i.pointee.r, UInt8(truncatingIfNeeded: i.pointee.imm))
            case .movRI16: setReg(i.pointee.r, UInt16(truncatingIfNeeded: i.pointee.imm))
            case .movRM8: guard let v: UInt8 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; setReg(i.pointee.r, v)
            case .movRM16: guard let v: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }; setReg(i.pointee.r, v)
            case .movMR8: guard store(ea(i), reg(i.pointee.r, UInt8.self)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .movMR16: guard store(ea(i), reg(i.pointee.r, UInt16.self)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .movMI8: guard store(ea(i), UInt8(truncatingIfNeeded: i.pointee.imm)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .movMI16: guard store(ea(i), UInt16(truncatingIfNeeded: i.pointee.imm)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .movMI32: guard store(ea(i), UInt32(truncatingIfNeeded: i.pointee.imm)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .movMI64: guard store(ea(i), i.pointee.imm) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .movzxRR: movxRR(i, signed: false)
            case .movsxRR: movxRR(i, signed: true)
            case .movzxRM: guard movxRM(i, signed: false) else { return faultAt(i, done(), Int(blk.start)) }
            case .movsxRM: guard movxRM(i, signed: true) else { return faultAt(i, done(), Int(blk.start)) }
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
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
            case .mulDivR, .mulDivM:
                var src: UInt64 = 0
                if i.pointee.op == .mulDivM {
                    guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                    src = v
                } else { src = gpr(Int(i.pointee.r), size: Int(i.pointee.osz)) }
                let ok: Bool
                switch i.pointee.osz {
                case 1: ok = mulDiv(i.pointee.aux, i.pointee.op == .mulDivR ? reg(i.pointee.r, UInt8.self) : UInt8(truncatingIfNeeded: src))
                case 2: ok = mulDiv(i.pointee.aux, UInt16(truncatingIfNeeded: src))
                case 4: ok = mulDiv(i.pointee.aux, UInt32(truncatingIfNeeded: src))
                default: ok = mulDiv(i.pointee.aux, src)
                }
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
            case .imul2RR, .imul2RM, .imul3RR, .imul3RM:
                var src: UInt64
                if i.pointee.op == .imul2RM || i.pointee.op == .imul3RM {
                    guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
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
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
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
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
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
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
            case .bsfR, .bsfM, .bsrR, .bsrM:
                var src: UInt64
                if i.pointee.op == .bsfM || i.pointee.op == .bsrM {
                    guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
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
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
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
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
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
                guard ok else { return faultAt(i, done(), Int(blk.start)) }
            case .cmpxchg8b16b: guard cmpxchg8b16b(i) else { return faultAt(i, done(), Int(blk.start)) }

            // MARK: control transfer
            // Indirect targets must be canonical: #GP(0) at the branch, no state changed (SDM Vol. 2A "JMP", "CALL", "RET").
            case .jmpR:
                let t = regs[Int(i.pointee.r)]
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done(), Int(blk.start)) }
                rip = t; p += 1; jumped = true; break blockLoop
            case .jmpM:
                guard let t: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done(), Int(blk.start)) }
                rip = t; p += 1; jumped = true; break blockLoop
            case .callR:
                let t = regs[Int(i.pointee.r)]
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done(), Int(blk.start)) }
                guard push64(i.pointee.next) else { return faultAt(i, done(), Int(blk.start)) }
                rip = t; p += 1; jumped = true; break blockLoop
            case .callM:
                guard let t: UInt64 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done(), Int(blk.start)) }
                guard push64(i.pointee.next) else { return faultAt(i, done(), Int(blk.start)) }
                rip = t; p += 1; jumped = true; break blockLoop
            case .retImm:
                guard let t: UInt64 = load(regs[Reg.rsp]) else { exception = memoryException(stack: true); return faultAt(i, done(), Int(blk.start)) }
                guard isCanonical64(t) else { exception = .gp(0); return faultAt(i, done(), Int(blk.start)) }
                regs[Reg.rsp] &+= 8 &+ i.pointee.imm
                rip = t; p += 1; jumped = true; break blockLoop
            case .loop:
                let a32 = i.pointee.pfx & Prefix.addr32 != 0
                var c = regs[Reg.rcx]
                let cc = i.pointee.aux
                if cc != 3 {
                    // With a 67 prefix the count is ECX; writing it zero-extends into RCX (SDM Vol. 1 §3.4.1.1).
                    c = a32 ? (c &- 1) & 0xFFFF_FFFF : c &- 1
                    regs[Reg.rcx] = c
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
                p += 1; jumped = true; break blockLoop
            case .cmovRR, .cmovRM:
                var v: UInt64
                if i.pointee.op == .cmovRM {
                    guard let m = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                    v = m
                } else { v = gpr(Int(i.pointee.b), size: Int(i.pointee.osz)) }
                if conditionOutlined(i.pointee.aux) { setGPR(Int(i.pointee.r), size: Int(i.pointee.osz), v) }
                else if i.pointee.osz == 4 { regs[Int(i.pointee.r)] &= 0xFFFF_FFFF }  // 32-bit CMOV always zero-extends
            case .setccR: setReg(i.pointee.r, UInt8(conditionOutlined(i.pointee.aux) ? 1 : 0))
            case .setccM: guard store(ea(i), UInt8(conditionOutlined(i.pointee.aux) ? 1 : 0)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }

            // MARK: stack
            case .pushR: guard push(gpr(Int(i.pointee.r), size: Int(i.pointee.osz)), size: i.pointee.osz) else { return faultAt(i, done(), Int(blk.start)) }
            case .popR:
                guard let v = pop(size: i.pointee.osz) else { return faultAt(i, done(), Int(blk.start)) }
                setGPR(Int(i.pointee.r), size: Int(i.pointee.osz), v)
            case .pushI: guard push(i.pointee.imm, size: i.pointee.osz) else { return faultAt(i, done(), Int(blk.start)) }
            case .pushM:
                guard let v = loadSized(ea(i), i.pointee.osz) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                guard push(v, size: i.pointee.osz) else { return faultAt(i, done(), Int(blk.start)) }
            case .popM:
                // The address is computed after RSP is incremented (SDM Vol. 2B "POP").
                let sp = regs[Reg.rsp]
                guard let v = pop(size: i.pointee.osz) else { return faultAt(i, done(), Int(blk.start)) }
                let ok = i.pointee.osz == 8 ? store(ea(i), v) : store(ea(i), UInt16(truncatingIfNeeded: v))
                guard ok else { regs[Reg.rsp] = sp; memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .pushSeg: guard push(UInt64(segs[Int(i.pointee.aux)].selector), size: i.pointee.osz) else { return faultAt(i, done(), Int(blk.start)) }
            case .popSeg:
                let sp = regs[Reg.rsp]
                guard let v = pop(size: i.pointee.osz) else { return faultAt(i, done(), Int(blk.start)) }
                guard loadSegment(Segment(rawValue: Int(i.pointee.aux))!, UInt16(truncatingIfNeeded: v)) else { regs[Reg.rsp] = sp; return faultAt(i, done(), Int(blk.start)) }
            case .pushf: guard pushf(i) else { return faultAt(i, done(), Int(blk.start)) }
            case .popf:
                guard popf(i) else { return faultAt(i, done(), Int(blk.start)) }
                rip = i.pointee.next; p += 1; jumped = true; break blockLoop
            case .lahf: lahf()
            case .sahf: sahf()
            case .enter: guard enter(i) else { return faultAt(i, done(), Int(blk.start)) }
            case .leave: guard leave(i) else { return faultAt(i, done(), Int(blk.start)) }
            case .cbw: cbw(i.pointee.osz)
            case .cwd: cwd(i.pointee.osz)

            // MARK: strings, flags, misc
            case .string:
                switch stringOp(i) {
                case .done: break
                case .fault: return faultAt(i, done(), Int(blk.start))
                case .again: rip = i.pointee.rip; return (.yielded, done(), Int(blk.start))
                }
            case .flagOp: flagInstruction(i.pointee.aux)
            case .nop: break
            case .xlat: guard xlat(i) else { return faultAt(i, done(), Int(blk.start)) }
            case .cpuid: cpuid()
            case .rdtsc: guard rdtsc(done(), aux: false) else { return faultAt(i, done(), Int(blk.start)) }
            case .rdtscp: guard rdtsc(done(), aux: true) else { return faultAt(i, done(), Int(blk.start)) }
            case .cli:
                guard cli() else { return faultAt(i, done(), Int(blk.start)) }
                rip = i.pointee.next; p += 1; jumped = true; break blockLoop
            case .sti:
                guard sti() else { return faultAt(i, done(), Int(blk.start)) }
                rip = i.pointee.next; p += 1; jumped = true; break blockLoop
            case .hlt:
                guard cpl == 0 else { exception = .gp(0); return faultAt(i, done(), Int(blk.start)) }
                rip = i.pointee.next
                pendingExit = .halt
                return (.exit, done() + 1, Int(blk.start))
            case .inOut:
                guard inOut(i) else { return faultAt(i, done(), Int(blk.start)) }
                rip = i.pointee.next; p += 1; jumped = true; break blockLoop
            case .int3:
                exception = CPUException(CPUException.BP)
                return trapAt(i, done(), Int(blk.start))
            case .intN:
                exception = CPUException(UInt8(truncatingIfNeeded: i.pointee.imm))
                return trapAt(i, done(), Int(blk.start))
            case .into, .ud, .invalid:
                exception = .ud; return faultAt(i, done(), Int(blk.start))
            case .system:
                switch executeSystem(i, retired: done()) {
                case .done: rip = i.pointee.next; p += 1; jumped = true; break blockLoop
                case .jumped: p += 1; jumped = true; break blockLoop
                case .fault: return faultAt(i, done(), Int(blk.start))
                case .exitSyscall: pendingExit = .syscall; return (.exit, done() + 1, Int(blk.start))
                }
            case .movSegR, .movSegM:
                var sel: UInt16
                if i.pointee.op == .movSegM {
                    guard let v: UInt16 = load(ea(i)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                    sel = v
                } else { sel = reg(i.pointee.b, UInt16.self) }
                guard loadSegment(Segment(rawValue: Int(i.pointee.aux))!, sel) else { return faultAt(i, done(), Int(blk.start)) }
                rip = i.pointee.next; p += 1; jumped = true; break blockLoop
            case .loadFar:
                // SDM Vol. 2A "LDS/LES/LFS/LGS/LSS": offset first, then the 16-bit selector.
                let a = ea(i), size = i.pointee.osz
                guard let off = loadSized(a, size), let sel: UInt16 = load(a &+ UInt64(size)) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
                guard loadSegment(Segment(rawValue: Int(i.pointee.aux))!, sel) else { return faultAt(i, done(), Int(blk.start)) }
                setGPR(Int(i.pointee.r), size: Int(size), off)
                rip = i.pointee.next; p += 1; jumped = true; break blockLoop
            case .movRSeg: setGPR(Int(i.pointee.b), size: Int(i.pointee.osz), UInt64(segs[Int(i.pointee.aux)].selector))
            case .movMSeg: guard store(ea(i), segs[Int(i.pointee.aux)].selector) else { memFault(i); return faultAt(i, done(), Int(blk.start)) }
            case .x87: guard executeX87(i) else { return faultAt(i, done(), Int(blk.start)) }
            case .sse: guard executeSSE(i) else { return faultAt(i, done(), Int(blk.start)) }
            case .mmx: guard executeMMX(i) else { return faultAt(i, done(), Int(blk.start)) }

            // MARK: SSE hot forms (DispatchSSE.swift)
            case .sseFast:
                guard executeSSEFast(i) else { return faultAt(i, done(), Int(blk.start)) }
            case .traceHook:
                if let o = observerRef { o._withUnsafeGuaranteedRef { $0.willExecute(i) } }
            case .blockEnd: break blockLoop
            case .stale:
                // The block's code was overwritten: nothing links to the re-decoded block yet.
                rip = i.pointee.rip; return (.jumped, done(), Int(blk.start))
            }
            p += 1
        }
        // `p - 1` is the last instruction run (`p` is past a branch or at the end marker): its
        // place in the block is how many retired.
        let last = p - 1
        if !jumped { rip = last.pointee.next }
        retired &+= Int(last.pointee.seq)
        if _slowPath(attention) || UInt64(truncatingIfNeeded: retired) >= budget { return (.jumped, retired, Int(blk.start)) }
        // A direct branch back to this block's start (a loop) runs the block again without a link
        // lookup: nothing in it can have changed the mapping of its code (system instructions end
        // blocks, and a write to its code turns its records stale).
        if rip == blk.rip && last.pointee.op.isDirectBranch { continue }
        // Chain to the linked successor without leaving the interpreter.
        guard let next = cache.successor(of: Int(blk.start), rip: rip, generation: cache.generation &+ mmu.generation) else {
            return (.jumped, retired, Int(blk.start))
        }
        blk = next
        }
    }

    /// A fault at instruction `i`: RIP points at it; it does not retire.
    @inline(never)
    func faultAt(_ i: Inst, _ retired: Int, _ block: Int) -> (BlockEnd, Int, Int) {
        rip = i.pointee.rip
        return (.fault, retired, block)
    }

    /// A trap (INT3, INT n): the return address is the next instruction; the instruction retires.
    @inline(never)
    func trapAt(_ i: Inst, _ retired: Int, _ block: Int) -> (BlockEnd, Int, Int) {
        rip = i.pointee.next
        pendingSoftware = true
        pendingSoftwareRIP = i.pointee.rip
        return (.fault, retired + 1, block)
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
