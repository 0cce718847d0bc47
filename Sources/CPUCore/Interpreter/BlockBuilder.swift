// SPDX-License-Identifier: MIT
// Finding and decoding blocks: the fetch translation of RIP gives the physical key; a miss
// decodes up to `BlockCache.maxBlock` instructions, stopping after any instruction that
// transfers control or changes state the decoder depends on, and at the end of the page.
import MMU

extension MicroOp {
    /// True for instructions after which a block must end. A conditional branch does not: its
    /// fall-through path continues in the same block, and only a taken branch leaves it.
    var endsBlock: Bool {
        switch self {
        case .jmp, .jmpR, .jmpM, .call, .callR, .callM, .ret, .retImm, .loop,
             .int3, .intN, .into, .hlt, .cli, .sti, .popf, .inOut, .system, .movSegR, .movSegM, .popSeg, .loadFar,
             .invalid, .ud, .stale:
            return true
        default:
            return false
        }
    }
}

extension MicroOp {
    /// Branches whose target is decoded into the record (`imm`), conditional or not.
    var isDirectBranch: Bool {
        @inline(__always) get {
            switch self {
            case .jcc, .jz, .jnz, .jmp: return true
            default: return false
            }
        }
    }
}

extension CPU {
    /// The block at `rip`, decoding it on a miss; nil with `exception` set if the first
    /// instruction cannot be fetched or decoded.
    @inline(__always)
    func block(at rip: UInt64) -> BlockEntry? {
        guard let host = mmu.fetchPointer(rip) else {
            exception = memoryException()
            return nil
        }
        let phys = UInt64(UInt(bitPattern: host) &- UInt(bitPattern: mmu.ram.base))
        if let e = blocks.lookup(rip: rip, phys: phys) { return e }
        return decodeBlock(rip: rip, phys: phys, host: host)
    }

    @inline(never)
    func decodeBlock(rip: UInt64, phys: UInt64, host: UnsafeRawPointer) -> BlockEntry? {
        let start = blocks.reserve()
        let traced = blocks.traced
        var count = 0
        var va = rip
        let pageEnd = (rip | 0xFFF) &+ 1
        var window = (UInt64(0), UInt64(0))
        while count < BlockCache.maxBlock {
            let offset = Int(va &- rip)
            let inPage = Int(pageEnd &- va)
            let n = min(inPage, 15)
            var avail = n
            var nextPagePhys: UInt64? = nil
            withUnsafeMutableBytes(of: &window) { w in
                w.copyMemory(from: UnsafeRawBufferPointer(start: host + offset, count: n))
                if n < 15, let next = mmu.fetchPointer(pageEnd) {
                    w.baseAddress!.advanced(by: n).copyMemory(from: next, byteCount: 15 - n)
                    avail = 15
                    nextPagePhys = UInt64(UInt(bitPattern: next) &- UInt(bitPattern: mmu.ram.base))
                }
            }
            let fetchFault = mmu.fault
            var decoder = withUnsafeBytes(of: &window) { Decoder(UnsafeRawBufferPointer(rebasing: $0[0..<avail])) }
            switch decoder.decode(at: va) {
            case .failure(let err):
                if count > 0 { break }
                switch err {
                case .undefined: exception = .ud
                case .tooLong: exception = .gp(0)
                case .truncated:
                    exception = CPUException(fetchFault.vector, errorCode: fetchFault.vector == 14 ? fetchFault.errorCode : 0,
                                             address: fetchFault.address)
                }
                // Decode faults are raised at this instruction: cache nothing.
                return nil
            case .success(var d):
                d.seq = UInt8(count + 1)
                if d.op == .sse && sseUsable { Decoder.specialiseSSE(&d) }
                if traced {
                    // Traced blocks: each instruction behind its hook (InstructionObserver.swift).
                    blocks.records[start + 2 * count] = d.traceHook(bytes: window)
                    blocks.records[start + 2 * count + 1] = d
                } else {
                    blocks.records[start + count] = d
                }
                count += 1
                let len = Int(d.len)
                mmu.markCode(phys &+ UInt64(offset), length: UInt64(min(len, inPage)))
                if len > inPage, let np = nextPagePhys {
                    mmu.markCode(np, length: UInt64(len - inPage))
                }
                va = d.next
                if d.op.endsBlock || len >= inPage || singleInstructionBlocks { break }
                continue
            }
            break
        }
        // Traced blocks keep every flag result: the RFLAGS an observer sees after each
        // instruction are the architectural ones.
        if !traced { blocks.markDeadFlags(start: start, count: count) }
        blocks.commit(rip: rip, phys: phys, start: start, count: count, next: va)
        return BlockEntry(rip: rip, phys: phys, start: Int32(start), count: Int32(count))
    }
}
