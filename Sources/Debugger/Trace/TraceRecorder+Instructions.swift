// SPDX-License-Identifier: MIT
// The per-instruction half of the recorder: the CPU announces each instruction before it runs
// (CPUCore InstructionObserver); the record of the one before is written then, with the
// registers that differ from the snapshot, its data accesses and its port accesses. This is the
// traced hot path: raw stores into the writer's buffer, no allocation per instruction.
import CPUCore
import Glibc
import MMU

extension TraceRecorder {
    @inline(__always)
    func announce(_ instruction: UnsafePointer<DecodedInstruction>) {
        let rip = instruction.pointee.rip
        if _slowPath(yielded) {
            yielded = false
            if hasPending && rip == pendingRIP { return }
        }
        if hasPending { finishPending(retired: true) }
        if _slowPath(!active) { updateActive() }
        hasPending = true
        pendingRIP = rip
        // Outside the window the instruction is only counted.
        pendingRecorded = active
        guard _fastPath(active) else { return }
        pendingLen = Int(instruction.pointee.len)
        pendingVector = recordXMM && instruction.pointee.op.mayWriteXMM
        pendingWrites = fullRegisterDiff ? .any : instruction.pointee.op.gprWrites
        pendingR = Int(instruction.pointee.r)
        pendingBytes = instructionBytes(rip, pendingLen)
    }

    func raised(_ e: CPUException, kind: RaiseKind) {
        if hasPending { finishPending(retired: kind != .fault && !yielded) }
        yielded = false
        writeEvent(ec: actingEC, .cpuException(kind: kind.rawValue, vector: e.vector, errorCode: e.errorCode, address: e.address))
    }

    /// A port access: part of the pending instruction's record, or an event of its own when the
    /// hypervisor or a host EC makes it.
    func port(_ p: PortAccess) {
        if hasPending && !inKernel { pendingPorts.append(p) } else { writeEvent(ec: actingEC, .port(p)) }
    }

    /// Up to 16 bytes of code at `rip` (the instruction's `length` count).
    @inline(__always)
    func instructionBytes(_ rip: UInt64, _ length: Int) -> (UInt64, UInt64) {
        if _fastPath(rip & 0xFFF <= 0xFF0), let p = mmu.fetchPointer(rip) {
            return (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        var b: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &b) { raw in
            for k in 0..<min(length, 16) {
                guard let p = mmu.fetchPointer(rip &+ UInt64(k)) else { break }
                raw[k] = p.load(as: UInt8.self)
            }
        }
        return b
    }

    /// Writes the pending instruction's record. `retired` false: it faulted (or stopped in the
    /// middle of its REP iterations) and does not count.
    func finishPending(retired: Bool) {
        hasPending = false
        let index = count
        if retired { count &+= 1 }
        guard active && pendingRecorded else {
            if !mmu.observedAccesses.isEmpty { mmu.observedAccesses.removeAll(keepingCapacity: true) }
            pendingPorts.removeAll(keepingCapacity: true)
            return
        }
        if let h = held {
            marks.append((h.position, index, pendingRIP, currentEC))
            record(into: h, retired: retired)
            trimHeld()
        } else {
            record(into: file, retired: retired)
            if let n = afterMatch, !matchResumePending {
                if n <= 1 { endMatch() } else { afterMatch = n - 1 }
            }
        }
        if _slowPath(count >= stopAt) { updateActive() }
    }

    /// The instruction record itself (docs/trace-format.md, "Instruction").
    @inline(__always)
    func record(into w: TraceWriter, retired: Bool) {
        // Fixed part: kind, flags, RIP, length, bytes, register mask and up to 19 values, XMM.
        let base = w.reserve(1 + 1 + 8 + 1 + 16 + 4 + 19 * 8 + 2 + 16 * 16)
        var p = base + 2
        var flags = (cpu.cpl & 3) << TraceFormat.InstructionFlag.cplShift
        if w.nextRIP != pendingRIP {
            flags |= TraceFormat.InstructionFlag.explicitRIP
            p.storeBytes(of: pendingRIP.littleEndian, as: UInt64.self); p += 8
        }
        p.storeBytes(of: UInt8(truncatingIfNeeded: pendingLen), as: UInt8.self)
        p.storeBytes(of: pendingBytes.0, toByteOffset: 1, as: UInt64.self)
        p.storeBytes(of: pendingBytes.1, toByteOffset: 9, as: UInt64.self)
        p += 1 &+ pendingLen
        p = registerDiff(at: p, writes: pendingWrites, r: pendingR)
        if pendingVector, let q = xmmDiff(at: p) { flags |= TraceFormat.InstructionFlag.xmm; p = q }
        if !retired { flags |= TraceFormat.InstructionFlag.faulted }
        let accesses = !mmu.observedAccesses.isEmpty
        if accesses { flags |= TraceFormat.InstructionFlag.memory }
        let ports = !pendingPorts.isEmpty
        if ports { flags |= TraceFormat.InstructionFlag.ports }
        base.storeBytes(of: TraceFormat.Kind.instruction.rawValue, as: UInt8.self)
        base.storeBytes(of: flags, toByteOffset: 1, as: UInt8.self)
        w.commit(p - base)
        w.nextRIP = pendingRIP &+ UInt64(pendingLen)
        if accesses { writeAccesses(w) }
        if ports {
            w.varint(UInt64(pendingPorts.count))
            for a in pendingPorts { w.u16(a.port); w.u8(a.size | (a.isWrite ? 0x80 : 0)); w.u32(a.value) }
            pendingPorts.removeAll(keepingCapacity: true)
        }
    }

    /// Stores the change mask and the changed values at `p`, updating the snapshot; returns the end.
    /// Only register `r` is compared for `.r`, none for `.none` (`MicroOp.gprWrites`).
    @inline(__always)
    func registerDiff(at start: UnsafeMutableRawPointer, writes: GPRWrites = .any, r: Int = 0) -> UnsafeMutableRawPointer {
        let regs = cpu.regs, snap = snapshot
        var p = start + 4
        var mask: UInt32 = 0
        switch writes {
        case .none:
            break
        case .r where r < 16:
            let v = regs[r]
            if v != snap[r] {
                snap[r] = v
                mask = 1 << UInt32(r)
                p.storeBytes(of: v.littleEndian, as: UInt64.self); p += 8
            }
        default:
            for k in 0..<16 {
                let v = regs[k]
                if v != snap[k] {
                    snap[k] = v
                    mask |= 1 << UInt32(k)
                    p.storeBytes(of: v.littleEndian, as: UInt64.self); p += 8
                }
            }
        }
        let lazy = cpu.lazyFlagsState
        if lazy != snapshotFlags {
            snapshotFlags = lazy
            let f = cpu.rflags
            if f != snap[16] {
                snap[16] = f
                mask |= 1 << 16
                p.storeBytes(of: f.littleEndian, as: UInt64.self); p += 8
            }
        }
        let fs = cpu.segs[Segment.fs.rawValue].base, gs = cpu.segs[Segment.gs.rawValue].base
        if fs != snap[17] { snap[17] = fs; mask |= 1 << 17; p.storeBytes(of: fs.littleEndian, as: UInt64.self); p += 8 }
        if gs != snap[18] { snap[18] = gs; mask |= 1 << 18; p.storeBytes(of: gs.littleEndian, as: UInt64.self); p += 8 }
        start.storeBytes(of: mask.littleEndian, as: UInt32.self)
        return p
    }

    /// The XMM part (mask and changed registers) at `start` if any XMM register changed.
    @inline(__always)
    func xmmDiff(at start: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        let xmm = UnsafeRawPointer(cpu.sse.xmm), snap = snapshotXMM
        var mask: UInt16 = 0
        for k in 0..<16 {
            let o = 16 * k
            let d = (xmm.load(fromByteOffset: o, as: UInt64.self) ^ snap.load(fromByteOffset: o, as: UInt64.self))
                | (xmm.load(fromByteOffset: o + 8, as: UInt64.self) ^ snap.load(fromByteOffset: o + 8, as: UInt64.self))
            if d != 0 { mask |= 1 << UInt16(k) }
        }
        guard mask != 0 else { return nil }
        var p = start + 2
        for k in 0..<16 where mask & (1 << UInt16(k)) != 0 {
            p.copyMemory(from: xmm + 16 * k, byteCount: 16); p += 16
            (snap + 16 * k).copyMemory(from: xmm + 16 * k, byteCount: 16)
        }
        start.storeBytes(of: mask.littleEndian, as: UInt16.self)
        return p
    }

    func writeAccesses(_ w: TraceWriter) {
        mmu.observedAccesses.withUnsafeBufferPointer { accesses in
            w.varint(UInt64(accesses.count))
            for a in accesses {
                let q = w.reserve(17)
                q.storeBytes(of: a.size | (a.isWrite ? 0x80 : 0), as: UInt8.self)
                q.storeBytes(of: a.address.littleEndian, toByteOffset: 1, as: UInt64.self)
                q.storeBytes(of: a.value.littleEndian, toByteOffset: 9, as: UInt64.self)
                w.commit(17)
            }
        }
        mmu.observedAccesses.removeAll(keepingCapacity: true)
    }

    /// Brings the snapshot up to date; differences made outside instructions (the hypervisor's
    /// reply, a context switch) become a registers record.
    func refreshSnapshot() {
        let w = out
        let base = w.reserve(1 + 4 + 19 * 8)
        let end = registerDiff(at: base + 1)
        snapshotXMM.copyMemory(from: cpu.sse.xmm, byteCount: 256)
        if end - base > 5 {
            base.storeBytes(of: TraceFormat.Kind.registers.rawValue, as: UInt8.self)
            w.commit(end - base)
        }
    }

    /// A recorded stretch begins: where the counter and RIP stand, whose instructions follow,
    /// and the registers as they are now.
    func openWindow() {
        out.write(.sync(index: count, rip: cpu.rip))
        writtenContext = .max
        writeContext()
        refreshSnapshot()
    }

    /// Bare metal: an exception was delivered through the IDT; its register changes (RSP, RIP,
    /// RFLAGS, CS) become a registers record before the handler's first instruction.
    func delivered() {
        if active { refreshSnapshot() }
    }

    func writeContext() {
        guard writtenContext != currentEC else { return }
        writtenContext = currentEC
        out.write(.context(ec: currentEC))
    }
}
