// SPDX-License-Identifier: MIT
// The decoded-block cache (DESIGN.md §6: decode once). Blocks are runs of decoded instructions
// that end at a control transfer, a state-changing instruction or the end of a 4 KiB page; they
// are keyed by linear RIP and physical address, so a page mapped at two addresses cannot alias.
// Records live in one arena; a flush marks every record `stale` so a block that is executing
// when its code is overwritten stops at its next instruction (SDM Vol. 3A §11.6).

import Glibc

@usableFromInline struct BlockEntry {
    var rip: UInt64 = ~0
    var phys: UInt64 = ~0
    var start: Int32 = 0
    var count: Int32 = 0
}

/// A remembered successor of a block: where control went last time, and that block.
struct BlockLink {
    var rip: UInt64 = 0
    var generation: UInt64 = 0
    var start: Int32 = 0
    var count: Int32 = 0
}

final class BlockCache {
    static let tableSize = 1 << 14
    static let arenaSize = 1 << 18
    /// Longest block, in instructions.
    static let maxBlock = 64

    let table: UnsafeMutablePointer<BlockEntry>
    let records: UnsafeMutablePointer<DecodedInstruction>
    var used = 0
    /// Incremented by every flush; block links carry it (summed with the MMU's generation).
    var generation: UInt64 = 0
    /// Flushes since start (for statistics and tests).
    private(set) var flushes = 0
    /// Two successor links per block, indexed by the block's first record (block chaining: a
    /// followed link skips the fetch translation and the hash lookup).
    let links: UnsafeMutablePointer<BlockLink>

    init() {
        table = .allocate(capacity: BlockCache.tableSize)
        table.initialize(repeating: BlockEntry(), count: BlockCache.tableSize)
        // The arena and the links come from zero-filled anonymous memory: pages cost nothing until
        // used (a zero record is `.invalid`, a zero link has generation 0, which never matches).
        records = BlockCache.zeroed(bytes: BlockCache.recordBytes).bindMemory(to: DecodedInstruction.self, capacity: BlockCache.arenaSize)
        links = BlockCache.zeroed(bytes: BlockCache.linkBytes).bindMemory(to: BlockLink.self, capacity: 2 * BlockCache.arenaSize)
    }

    deinit {
        table.deallocate()
        munmap(records, BlockCache.recordBytes)
        munmap(links, BlockCache.linkBytes)
    }

    static let recordBytes = arenaSize * MemoryLayout<DecodedInstruction>.stride
    static let linkBytes = 2 * arenaSize * MemoryLayout<BlockLink>.stride

    /// Zero-filled anonymous memory. Failing to get it (a few MiB of address space at start-up) is
    /// a host problem, not a guest fault: emu reports it and exits with its internal-error status.
    static func zeroed(bytes: Int) -> UnsafeMutableRawPointer {
        guard let p = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), p != MAP_FAILED else {
            let message = "emu: cannot map \(bytes) bytes for the decoded-block cache\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            exit(70)
        }
        return p
    }

    /// The block control reached from block `from` at `rip` last time, if still valid under `generation`.
    @inline(__always) func successor(of from: Int, rip: UInt64, generation: UInt64) -> BlockEntry? {
        let l = links + 2 * from
        if l[0].rip == rip && l[0].generation == generation { return BlockEntry(rip: rip, phys: 0, start: l[0].start, count: l[0].count) }
        if l[1].rip == rip && l[1].generation == generation { return BlockEntry(rip: rip, phys: 0, start: l[1].start, count: l[1].count) }
        return nil
    }

    /// Remembers `to` as a successor of block `from` (a taken and a fall-through edge fit side by side).
    @inline(__always) func link(from: Int, to: BlockEntry, generation: UInt64) {
        let l = links + 2 * from
        let slot = l[0].generation == generation ? 1 : 0
        l[slot] = BlockLink(rip: to.rip, generation: generation, start: to.start, count: to.count)
    }

    @inline(__always) static func slot(_ rip: UInt64) -> Int {
        Int(truncatingIfNeeded: (rip ^ (rip >> 14)) & UInt64(tableSize - 1))
    }

    @inline(__always) func lookup(rip: UInt64, phys: UInt64) -> BlockEntry? {
        let e = table[BlockCache.slot(rip)]
        return e.rip == rip && e.phys == phys ? e : nil
    }

    /// Blocks are traced (an instruction observer is set): each instruction has a `.traceHook`
    /// record before it, so instruction k of a block is record `2k + 1` and its hook record `2k`
    /// (InstructionObserver.swift). Changed only together with a flush.
    var traced = false
    /// Records per instruction: 2 traced, 1 otherwise.
    var recordsPerInstruction: Int { traced ? 2 : 1 }

    /// Room for a block of up to `maxBlock` instructions (with hooks if traced) and its end
    /// marker; flushes when the arena is full.
    func reserve() -> Int {
        if used + 2 * BlockCache.maxBlock + 1 > BlockCache.arenaSize { flush() }
        return used
    }

    /// Enters the block of `count` instructions at `start` and closes it with a `.blockEnd`
    /// record, so the interpreter's loop needs no end test: the marker's `next` is the
    /// fall-through RIP and its `seq` counts the whole block (a flush turns it stale like any
    /// record, with the same meaning).
    func commit(rip: UInt64, phys: UInt64, start: Int, count: Int, next: UInt64) {
        var end = DecodedInstruction()
        end.op = .blockEnd
        end.next = next
        end.len = 0
        end.seq = UInt8(count + 1)
        let records = count * recordsPerInstruction
        self.records[start + records] = end
        table[BlockCache.slot(rip)] = BlockEntry(rip: rip, phys: phys, start: Int32(start), count: Int32(count))
        used = start + records + 1
    }

    /// The record where a block starting at `start` is stopped after `retired` instructions:
    /// instruction `retired`'s own record, or in a traced block its hook (so the observer is not
    /// told of an instruction that does not run).
    @inline(__always) func stopRecord(start: Int, retired: Int) -> Int {
        start &+ retired &* recordsPerInstruction
    }

    // MARK: - Budget stop

    /// The record temporarily replaced by a `.blockEnd` because the run budget ends there, and its kind.
    private var stopIndex = -1
    private var stopSaved = MicroOp.invalid

    /// Ends execution before record `k` (the run budget runs out inside a block): its kind is
    /// replaced by `.blockEnd` until `clearStop`. Only one stop exists at a time.
    func plantStop(at k: Int) {
        clearStop()
        stopSaved = records[k].op
        records[k].op = .blockEnd
        stopIndex = k
    }

    /// Puts back the record a budget stop replaced, unless a flush has made it stale since.
    @inline(__always) func clearStop() {
        if _slowPath(stopIndex >= 0) {
            if records[stopIndex].op == .blockEnd { records[stopIndex].op = stopSaved }
            stopIndex = -1
        }
    }

    /// Told before every flush while blocks are traced (`InstructionObserver.willDropDecodedCode`).
    var willFlush: (() -> Void)?

    func flush() {
        willFlush?()
        let stale = MicroOp.stale
        for i in 0..<used { records[i].op = stale }
        stopIndex = -1
        used = 0
        table.update(repeating: BlockEntry(), count: BlockCache.tableSize)
        flushes += 1
        generation &+= 1
    }
}
