// SPDX-License-Identifier: MIT
// String instructions MOVS CMPS SCAS LODS STOS INS OUTS with REP/REPE/REPNE (SDM Vol. 1 §7.3.9,
// Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ"). Registers are updated per iteration, so a fault in the
// middle leaves RCX/RSI/RDI at the completed iterations and RIP at the instruction, as the SDM
// requires. A long REP yields after `chunk` iterations (RIP unchanged) so time limits and
// interrupts are checked; it then continues where it stopped.

import Glibc
import MMU

/// Result of one execution of a string instruction.
enum StringOutcome { case done, fault, again }

extension CPU {
    static let stringChunk: UInt64 = 1 << 16

    /// REP MOVS/STOS in bulk: as many whole elements as lie within the current source and
    /// destination pages, with one memmove/memset. With DF = 0 elements go up from RSI/RDI, with
    /// DF = 1 down (the run then ends at RSI/RDI). A MOVS whose element-by-element order would
    /// re-read bytes it already wrote (forward with the destination above the source, backward
    /// with it below) and anything the TLB cannot serve directly return nil; the caller then
    /// takes the per-element path, which also raises any fault.
    func bulkString(op: UInt16, step: UInt64, count: UInt64, srcBase: UInt64, down: Bool) -> UInt64? {
        let di = regs[Reg.rdi]
        // Elements that fit in the page from di in the direction of travel.
        func room(_ a: UInt64) -> UInt64 {
            let off = a & 0xFFF
            guard off + step <= 0x1000 else { return 0 }
            return down ? off / step + 1 : (0x1000 - off) / step
        }
        var k = min(room(di), count, CPU.stringChunk)
        var si: UInt64 = 0
        if op == StringOp.movs.rawValue {
            si = srcBase &+ regs[Reg.rsi]
            k = min(k, room(si))
        }
        guard k > 0 else { return nil }
        let span = (k &- 1) &* step                   // from the first to the last element's start
        let dlo = down ? di &- span : di
        let bytes = Int(k &* step)
        // Observed (traces, watchpoints): the same bulk copy, recorded as runs (AccessObserver.swift).
        let observing = mmu.observing
        guard let dst = mmu.observedHostPointer(dlo, write: true), mmu.observedHostPointer(dlo &+ UInt64(bytes) &- 1, write: true) != nil else { return nil }
        if op == StringOp.movs.rawValue {
            let slo = down ? si &- span : si
            guard let src = mmu.observedHostPointer(slo, write: false), mmu.observedHostPointer(slo &+ UInt64(bytes) &- 1, write: false) != nil else { return nil }
            let d = UInt(bitPattern: dst), sp = UInt(bitPattern: src)
            let overlap = d < sp + UInt(bytes) && sp < d + UInt(bytes)
            if overlap && (down ? d < sp : d > sp) { return nil }
            if observing { mmu.observeRun(slo, size: Int(step), count: Int(k), isWrite: false, bytes: src) }
            memmove(dst, src, bytes)
            if observing { mmu.observeRun(dlo, size: Int(step), count: Int(k), isWrite: true, bytes: dst) }
            return k
        }
        defer { if observing { mmu.observeRun(dlo, size: Int(step), count: Int(k), isWrite: true, bytes: dst) } }
        let v = regs[Reg.rax]
        switch step {
        case 1: memset(dst, Int32(v & 0xFF), bytes)
        case 2: dst.initializeMemory(as: UInt16.self, repeating: UInt16(truncatingIfNeeded: v), count: Int(k))
        case 4: dst.initializeMemory(as: UInt32.self, repeating: UInt32(truncatingIfNeeded: v), count: Int(k))
        default: dst.initializeMemory(as: UInt64.self, repeating: v, count: Int(k))
        }
        return k
    }

    func stringOp(_ i: Inst) -> StringOutcome {
        switch i.pointee.osz {
        case 1: return stringOp(i, UInt8.self)
        case 2: return stringOp(i, UInt16.self)
        case 4: return stringOp(i, UInt32.self)
        default: return stringOp(i, UInt64.self)
        }
    }

    func stringOp<T: FixedWidthInteger & UnsignedInteger>(_ i: Inst, _: T.Type) -> StringOutcome {
        let op = i.pointee.aux
        let pfx = i.pointee.pfx
        let a32 = pfx & Prefix.addr32 != 0
        let amask: UInt64 = a32 ? 0xFFFF_FFFF : ~0
        let repeated = pfx & (Prefix.rep | Prefix.repne) != 0
        let step = UInt64(MemoryLayout<T>.size)
        // DF is never lazy: `flagBits` always holds it (only the six status flags are computed on demand).
        let delta = flagBits & RFlags.df != 0 ? 0 &- step : step
        let srcBase = segBase[Int(i.pointee.seg)]
        var n: UInt64 = 0
        func count() -> UInt64 { regs[Reg.rcx] & amask }
        func setCount(_ v: UInt64) { if a32 { regs[Reg.rcx] = v & 0xFFFF_FFFF } else { regs[Reg.rcx] = v } }
        func adv(_ r: Int) { let v = (regs[r] &+ delta) & amask; regs[r] = v }

        while true {
            if repeated {
                if count() == 0 { return .done }
                if n >= CPU.stringChunk { return .again }
                if (op == StringOp.movs.rawValue || op == StringOp.stos.rawValue) && !a32,
                   let k = bulkString(op: op, step: step, count: count(), srcBase: srcBase, down: delta != step) {
                    // k whole elements were done in bulk; registers advance exactly as k iterations would.
                    regs[Reg.rdi] &+= k &* delta
                    if op == StringOp.movs.rawValue { regs[Reg.rsi] &+= k &* delta }
                    regs[Reg.rcx] &-= k
                    n &+= k
                    continue
                }
            }
            let si = regs[Reg.rsi] & amask, di = regs[Reg.rdi] & amask
            switch op {
            case StringOp.movs.rawValue:
                guard let v: T = load(srcBase &+ si) else { memFault(i); return .fault }
                guard store(di, v) else { memFault(i); return .fault }
                adv(Reg.rsi); adv(Reg.rdi)
            case StringOp.stos.rawValue:
                guard store(di, reg(0, T.self)) else { memFault(i); return .fault }
                adv(Reg.rdi)
            case StringOp.lods.rawValue:
                guard let v: T = load(srcBase &+ si) else { memFault(i); return .fault }
                setReg(0, v); adv(Reg.rsi)
            case StringOp.cmps.rawValue:
                guard let a: T = load(srcBase &+ si), let b: T = load(di) else { memFault(i); return .fault }
                _ = alu(7, a, b)
                adv(Reg.rsi); adv(Reg.rdi)
            case StringOp.scas.rawValue:
                guard let b: T = load(di) else { memFault(i); return .fault }
                _ = alu(7, reg(0, T.self), b)
                adv(Reg.rdi)
            case StringOp.ins.rawValue:
                guard ioPermitted(port: UInt16(truncatingIfNeeded: regs[Reg.rdx]), size: Int(step)) else { return .fault }
                // Probe the destination before the port read, which may have side effects.
                guard let old: T = load(di), store(di, old) else { memFault(i); return .fault }
                let v = io?.portRead(UInt16(truncatingIfNeeded: regs[Reg.rdx]), size: Int(step)) ?? ~0
                _ = store(di, T(truncatingIfNeeded: v))
                adv(Reg.rdi)
            default: // OUTS
                guard ioPermitted(port: UInt16(truncatingIfNeeded: regs[Reg.rdx]), size: Int(step)) else { return .fault }
                guard let v: T = load(srcBase &+ si) else { memFault(i); return .fault }
                io?.portWrite(UInt16(truncatingIfNeeded: regs[Reg.rdx]), size: Int(step), value: UInt32(truncatingIfNeeded: v))
                adv(Reg.rsi)
            }
            if !repeated { return .done }
            setCount(count() &- 1)
            n += 1
            if op == StringOp.cmps.rawValue || op == StringOp.scas.rawValue {
                // REPE stops when ZF = 0, REPNE when ZF = 1.
                if pfx & Prefix.rep != 0 && !zf { return .done }
                if pfx & Prefix.repne != 0 && zf { return .done }
            }
            if stopRequested { return count() == 0 ? .done : .again }
        }
    }
}
