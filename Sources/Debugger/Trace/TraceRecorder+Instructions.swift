// SPDX-License-Identifier: MIT
// The per-instruction half of the recorder: the CPU announces each instruction before it runs
// (a `.traceHook` record, CPUCore InstructionObserver.swift); the record of the one before is
// written then, with the registers that differ from the snapshot (only those its hook says it can
// write), its data accesses and its port accesses. This is the traced hot path: raw stores into
// the writer's buffer, no allocation and no reference counting per instruction.
import CPUCore
import Glibc
import MMU

extension TraceRecorder {
    @inline(__always)
    func announce(_ hook: UnsafePointer<DecodedInstruction>) {
        // The common case: the instruction before was announced and recorded, nothing happened
        // since (no event, fault, REP chunk or port access); its record goes straight to the file.
        if _fastPath(fast) {
            count &+= 1
            record(into: file, retired: true, codeCache: true, ports: false)
            if _fastPath(count < stopAt) {
                pendingHook = hook
                return
            }
            fast = false
            updateActive()
            hasPending = false
        }
        announceSlowly(hook)
    }

    /// Everything else: the first instruction, one after an event, a fault, a REP chunk or a port
    /// access, one outside the window or while `--trace-syscall` holds records back.
    @inline(never)
    func announceSlowly(_ hook: UnsafePointer<DecodedInstruction>) {
        let rip = hook.pointee.next
        if yielded {
            yielded = false
            if hasPending && rip == pendingRIP { return }
        }
        if hasPending { finishPending(retired: true) }
        if !active { updateActive() }
        hasPending = true
        pendingHook = hook
        cpl = cpu.cpl & 3
        // Outside the window the instruction is only counted.
        pendingRecorded = active
        guard active else { return }
        if fullRegisterDiff {
            // The reference mode: compare everything after every instruction.
            pendingCopy.pointee = hook.pointee
            pendingCopy.pointee.aux = 0xFFFF
            pendingCopy.pointee.b = 0xFF
            pendingCopy.pointee.index = 0xFF
            pendingCopy.pointee.r = TraceHookFlag.segmentBases | TraceHookFlag.rflags
            pendingHook = UnsafePointer(pendingCopy)
        }
        fast = held == nil && afterMatch == nil && !fullRegisterDiff
    }

    func raised(_ e: CPUException, kind: RaiseKind) {
        fast = false
        if hasPending { finishPending(retired: kind != .fault && !yielded) }
        yielded = false
        writeEvent(ec: actingEC, .cpuException(kind: kind.rawValue, vector: e.vector, errorCode: e.errorCode, address: e.address))
    }

    /// A port access: part of the pending instruction's record, or an event of its own when the
    /// hypervisor or a host EC makes it.
    func port(_ p: PortAccess) {
        fast = false
        if hasPending && !inKernel { pendingPorts.append(p) } else { writeEvent(ec: actingEC, .port(p)) }
    }

    /// Writes the pending instruction's record. `retired` false: it faulted (or stopped in the
    /// middle of its REP iterations) and does not count.
    func finishPending(retired: Bool) {
        hasPending = false
        let index = count
        if retired { count &+= 1 }
        guard _fastPath(active && pendingRecorded) else {
            if !observed.isEmpty { observed.removeAll() }
            if !pendingPorts.isEmpty { pendingPorts.removeAll(keepingCapacity: true) }
            return
        }
        if _slowPath(held != nil) {
            finishHeld(index: index, retired: retired)
        } else {
            record(into: file, retired: retired, codeCache: !fullRegisterDiff, ports: true)
            if _slowPath(afterMatch != nil) { countAfterMatch() }
        }
        if _slowPath(count >= stopAt) { updateActive() }
    }

    func finishHeld(index: UInt64, retired: Bool) {
        guard let h = held else { return }
        marks.append((h.position, index, pendingRIP, currentEC))
        record(into: h, retired: retired, codeCache: false, ports: true)
        trimHeld()
    }

    func countAfterMatch() {
        if let n = afterMatch, !matchResumePending {
            if n <= 1 { endMatch() } else { afterMatch = n - 1 }
        }
    }

    /// The instruction record itself (docs/trace-format.md, "Instruction"). With `codeCache` the
    /// bytes are left out when the last record at this RIP had the same; `ports` false: the
    /// caller knows there were no port accesses.
    @inline(__always)
    func record(into w: TraceWriter, retired: Bool, codeCache useCache: Bool, ports checkPorts: Bool) {
        let hook = pendingHook
        let rip = hook.pointee.next, length = hook.pointee.hookLength
        // Kind, flags, RIP, length and bytes, count and up to 19 registers, XMM mask and 16.
        let base = w.reserve(2 + 8 + 16 + 1 + 19 * 9 + 2 + 16 * 16)
        var p = base + 2
        var flags = cpl << TraceFormat.InstructionFlag.cplShift
        if w.nextRIP != rip {
            flags |= TraceFormat.InstructionFlag.explicitRIP
            p.storeBytes(of: rip.littleEndian, as: UInt64.self); p += 8
        }
        // The bytes, unless the reader already has them for this RIP (TraceRecorder+Code.swift).
        if _slowPath(!useCache || hook.pointee.hookCodeTag != codeTag) {
            flags |= TraceFormat.InstructionFlag.code
            p = writeCode(at: p, hook: hook, tag: useCache)
        }
        let hookFlags = hook.pointee.hookFlags
        let system = hookFlags & TraceHookFlag.segmentBases != 0
        p = registerDiff(at: p, gprs: hook.pointee.hookGPRWrites, rflags: hookFlags & TraceHookFlag.rflags != 0,
                         segmentBases: system)
        // System instructions (SYSCALL, SYSRET, IRET, INT n, far transfers) may change the CPL
        // the next instruction runs at.
        if _slowPath(system) { cpl = cpu.cpl & 3 }
        let xmm = hook.pointee.hookXMMWrites & xmmMask
        if _slowPath(xmm != 0), let q = xmmDiff(at: p, mask: xmm) { flags |= TraceFormat.InstructionFlag.xmm; p = q }
        if !retired { flags |= TraceFormat.InstructionFlag.faulted }
        let accesses = !observed.isEmpty
        if accesses { flags |= TraceFormat.InstructionFlag.memory }
        let ports = checkPorts && !pendingPorts.isEmpty
        if _slowPath(ports) { flags |= TraceFormat.InstructionFlag.ports }
        base.storeBytes(of: TraceFormat.Kind.instruction.rawValue, as: UInt8.self)
        base.storeBytes(of: flags, toByteOffset: 1, as: UInt8.self)
        w.commit(p - base)
        w.nextRIP = rip &+ UInt64(length)
        if accesses { writeAccesses(w) }
        if _slowPath(ports) {
            w.varint(UInt64(pendingPorts.count))
            for a in pendingPorts { w.u16(a.port); w.u8(a.size | (a.isWrite ? 0x80 : 0)); w.u32(a.value) }
            pendingPorts.removeAll(keepingCapacity: true)
        }
    }

    /// The length and bytes of `hook`'s instruction at `p`; `tag`: mark the hook as written.
    @inline(never)
    func writeCode(at p: UnsafeMutableRawPointer, hook: UnsafePointer<DecodedInstruction>, tag: Bool) -> UnsafeMutableRawPointer {
        let bytes = hook.pointee.hookBytes, length = hook.pointee.hookLength
        p.storeBytes(of: UInt8(truncatingIfNeeded: length), as: UInt8.self)
        p.storeBytes(of: bytes.0, toByteOffset: 1, as: UInt64.self)
        p.storeBytes(of: bytes.1, toByteOffset: 9, as: UInt64.self)
        if tag { codeWritten(hook) }
        return p + 1 + length
    }

    /// Stores the count and the changed registers at `start` (docs/trace-format.md), updating the
    /// snapshot; returns the end. Compares the GPRs in `gprs`, RFLAGS if `rflags`, FS/GS base if
    /// `segmentBases` (the hook's masks and flags: what the instruction can change).
    @inline(__always)
    func registerDiff(at start: UnsafeMutableRawPointer, gprs: UInt16 = 0xFFFF, rflags: Bool = true,
                      segmentBases: Bool = true) -> UnsafeMutableRawPointer {
        let regs = cpu.regs, snap = snapshot
        var p = start + 1
        var n: UInt8 = 0
        var m = UInt32(gprs)
        while m != 0 {
            let k = m.trailingZeroBitCount
            m &= m &- 1
            let v = regs[k]
            if v != snap[k] {
                snap[k] = v
                n &+= 1
                p += TraceWriter.storeValue(v, header: UInt8(truncatingIfNeeded: k), at: p)
            }
        }
        if rflags {
            let f = cpu.materializedRFLAGS()
            if f != snap[16] {
                snap[16] = f
                n &+= 1
                p += TraceWriter.storeValue(f, header: UInt8(TraceFormat.rflagsBit), at: p)
            }
        }
        if _slowPath(segmentBases) { p = segmentBaseDiff(at: p, count: &n) }
        start.storeBytes(of: n, as: UInt8.self)
        return p
    }

    /// FS and GS base, if they changed (after system instructions and segment loads).
    @inline(never)
    func segmentBaseDiff(at start: UnsafeMutableRawPointer, count n: inout UInt8) -> UnsafeMutableRawPointer {
        var p = start
        let snap = snapshot
        let fs = cpu.segs[Segment.fs.rawValue].base, gs = cpu.segs[Segment.gs.rawValue].base
        if fs != snap[17] { snap[17] = fs; n &+= 1; p += TraceWriter.storeValue(fs, header: UInt8(TraceFormat.fsBaseBit), at: p) }
        if gs != snap[18] { snap[18] = gs; n &+= 1; p += TraceWriter.storeValue(gs, header: UInt8(TraceFormat.gsBaseBit), at: p) }
        return p
    }

    /// The XMM part (mask and changed registers) at `start` if any XMM register in `mask` changed.
    @inline(never)
    func xmmDiff(at start: UnsafeMutableRawPointer, mask candidates: UInt16 = 0xFFFF) -> UnsafeMutableRawPointer? {
        let xmm = UnsafeRawPointer(cpu.sse.xmm), snap = snapshotXMM
        var mask: UInt16 = 0
        var m = UInt32(candidates)
        while m != 0 {
            let k = m.trailingZeroBitCount
            m &= m &- 1
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

    /// The pending instruction's data accesses (docs/trace-format.md): header byte, the
    /// address's significant bytes, then the value (`size` bytes) or a run's count and bytes.
    @inline(never)
    func writeAccesses(_ w: TraceWriter) {
        let log = observed
        // The common case, one plain access (a load, a store, a push): count and access in one
        // reservation.
        if log.count == 1, case let a = log.accesses[0], !a.isRun {
            let q = w.reserve(1 + 9 + 8)
            q.storeBytes(of: 1 as UInt8, as: UInt8.self)
            let head = TraceWriter.storeAccessHead(at: q + 1, address: a.address, size: Int(a.size), isWrite: a.isWrite, run: false)
            q.storeBytes(of: a.value.littleEndian, toByteOffset: 1 &+ head, as: UInt64.self)
            w.commit(1 &+ head &+ Int(a.size))
            log.removeAll()
            return
        }
        w.varint(UInt64(log.count))
        for a in log.accesses {
            let q = w.reserve(9 + 8)
            let head = TraceWriter.storeAccessHead(at: q, address: a.address, size: Int(a.size), isWrite: a.isWrite, run: a.isRun)
            if a.isRun {
                w.commit(head)
                w.varint(UInt64(a.count))
                w.bytes(log.bytes(of: a))
            } else {
                q.storeBytes(of: a.value.littleEndian, toByteOffset: head, as: UInt64.self)
                w.commit(head &+ Int(a.size))
            }
        }
        log.removeAll()
    }

    /// Brings the snapshot up to date; differences made outside instructions (the hypervisor's
    /// reply, a context switch) become a registers record.
    func refreshSnapshot() {
        let w = out
        let base = w.reserve(1 + 1 + 19 * 9)
        let end = registerDiff(at: base + 1)
        snapshotXMM.copyMemory(from: cpu.sse.xmm, byteCount: 256)
        if end - base > 2 {
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
        fast = false
        if active { refreshSnapshot() }
    }

    func writeContext() {
        guard writtenContext != currentEC else { return }
        writtenContext = currentEC
        out.write(.context(ec: currentEC))
        contextChanged()
    }
}
