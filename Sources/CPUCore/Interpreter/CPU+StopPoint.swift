// SPDX-License-Identifier: MIT
// Where a run that ran out of budget stopped inside a decoded block, for debuggers: in a block of
// several instructions one whose flags a later one overwrites computes none (`flagsDead`,
// FlagLiveness.swift), so between the two RFLAGS are stale. They are architectural again at the
// block's end, where every flag is live. Off the hot path: read only when a debugger stops a run.

extension CPU {
    /// The instructions from `rip` to the end of the block the last `run` stopped inside by its
    /// budget, if an instruction of it that already retired skipped its flags; 0 when RFLAGS are
    /// architectural (a block boundary, a one-instruction block, no skipped flags, or the block
    /// is gone). Running that many instructions one by one (`singleStep`) reaches a point where
    /// every register is architectural.
    public var instructionsToFlagsLive: Int {
        guard resumeBlock >= 0, resumeGeneration == blocks.generation &+ mmu.generation else { return 0 }
        let records = blocks.records
        var k = resumeBlock
        var skipped = false
        while records[k].op != .blockEnd && records[k].rip != rip {
            if records[k].flagsDead { skipped = true }
            k += 1
        }
        guard skipped, records[k].op != .blockEnd else { return 0 }
        var end = k
        while records[end].op != .blockEnd { end += 1 }
        return Int(records[end].seq) - Int(records[k].seq)
    }
}
