// SPDX-License-Identifier: MIT
// The decoded-block cache (DESIGN.md §6: decode once). Blocks are runs of decoded instructions
// that end at a control transfer, a state-changing instruction or the end of a 4 KiB page; they
// are keyed by linear RIP and physical address, so a page mapped at two addresses cannot alias.
// Records live in one arena; a flush marks every record `stale` so a block that is executing
// when its code is overwritten stops at its next instruction (SDM Vol. 3A §11.6).

@usableFromInline struct BlockEntry {
    var rip: UInt64 = ~0
    var phys: UInt64 = ~0
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
    /// Flushes since start (for statistics and tests).
    private(set) var flushes = 0

    init() {
        table = .allocate(capacity: BlockCache.tableSize)
        table.initialize(repeating: BlockEntry(), count: BlockCache.tableSize)
        records = .allocate(capacity: BlockCache.arenaSize)
        records.initialize(repeating: DecodedInstruction(), count: BlockCache.arenaSize)
    }

    deinit { table.deallocate(); records.deallocate() }

    @inline(__always) static func slot(_ rip: UInt64) -> Int {
        Int(truncatingIfNeeded: (rip ^ (rip >> 14)) & UInt64(tableSize - 1))
    }

    @inline(__always) func lookup(rip: UInt64, phys: UInt64) -> BlockEntry? {
        let e = table[BlockCache.slot(rip)]
        return e.rip == rip && e.phys == phys ? e : nil
    }

    /// Room for a block of up to `maxBlock` records; flushes when the arena is full.
    func reserve() -> Int {
        if used + BlockCache.maxBlock > BlockCache.arenaSize { flush() }
        return used
    }

    func commit(rip: UInt64, phys: UInt64, start: Int, count: Int) {
        table[BlockCache.slot(rip)] = BlockEntry(rip: rip, phys: phys, start: Int32(start), count: Int32(count))
        used = start + count
    }

    func flush() {
        let stale = MicroOp.stale
        for i in 0..<used { records[i].op = stale }
        used = 0
        table.update(repeating: BlockEntry(), count: BlockCache.tableSize)
        flushes += 1
    }
}
