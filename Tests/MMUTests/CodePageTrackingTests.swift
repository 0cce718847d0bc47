// SPDX-License-Identifier: MIT
// Write tracking of decoded code (SDM Vol. 3A §11.6, self-modifying code): a write that touches
// a 64-byte chunk marked with `markCode` calls `onCodeWrite`; writes to the page's other chunks
// and to other pages do not.
import Testing
import MMU

@Suite struct CodePageTrackingTests {
    static let va: UInt64 = 0x5000_0000
    static let pa: UInt64 = 0x80_0000

    final class Recorder { var hits: [UInt64] = [] }

    func setUp() -> (PageTables, Recorder) {
        let t = PageTables()
        t.map(CodePageTrackingTests.va, to: CodePageTrackingTests.pa)
        t.map(CodePageTrackingTests.va + 0x1000, to: CodePageTrackingTests.pa + 0x1000)
        let r = Recorder()
        t.mmu.onCodeWrite = { r.hits.append($0) }
        return (t, r)
    }

    @Test func writeToMarkedChunkIsReported() {
        let (t, r) = setUp()
        let va = CodePageTrackingTests.va, pa = CodePageTrackingTests.pa
        // Instructions decoded from [0x100, 0x110): chunk 4 of the page.
        t.mmu.markCode(pa + 0x100, length: 0x10)
        #expect(t.mmu.write(va + 0x13F, UInt8(1)))              // same chunk, outside the instructions
        #expect(r.hits == [pa + 0x13F])
        r.hits = []
        #expect(t.mmu.write(va + 0x140, UInt64(1)))             // chunk 5: data
        #expect(t.mmu.write(va + 0xC0, UInt64(1)))              // chunk 3: data
        #expect(t.mmu.write(va + 0x1000 + 0x100, UInt64(1)))    // next page
        #expect(r.hits.isEmpty)
        #expect(t.mmu.write(va + 0xFC, UInt64(1)))              // chunks 3 and 4
        #expect(r.hits == [pa + 0xFC])
    }

    /// A write TLB entry made before the page held code must not bypass the tracking.
    @Test func markingFlushesTheWriteTLB() {
        let (t, r) = setUp()
        #expect(t.mmu.write(CodePageTrackingTests.va + 0x200, UInt32(1)))     // fills the write TLB
        t.mmu.markCode(CodePageTrackingTests.pa + 0x200, length: 4)
        #expect(t.mmu.write(CodePageTrackingTests.va + 0x200, UInt32(2)))
        #expect(r.hits == [CodePageTrackingTests.pa + 0x200])
        // Also through a second linear alias of the same frame.
        t.map(0x6000_0000, to: CodePageTrackingTests.pa)
        r.hits = []
        #expect(t.mmu.write(0x6000_0202, UInt8(3)))
        #expect(r.hits == [CodePageTrackingTests.pa + 0x202])
    }

    @Test func pageCrossingWriteIntoCodeIsReported() {
        let (t, r) = setUp()
        t.mmu.markCode(CodePageTrackingTests.pa + 0x1000, length: 2)
        #expect(t.mmu.write(CodePageTrackingTests.va + 0xFFE, UInt32(0)))
        // A crossing write is stored byte by byte: each byte in the code chunk is reported.
        #expect(r.hits == [CodePageTrackingTests.pa + 0x1000, CodePageTrackingTests.pa + 0x1001])
    }

    @Test func loaderWritesAreReported() {
        let (t, r) = setUp()
        t.mmu.markCode(CodePageTrackingTests.pa + 0x1000, length: 1)
        #expect(t.mmu.writePhysical(CodePageTrackingTests.pa + 0xF00, bytes: [UInt8](repeating: 0x90, count: 0x200)))
        #expect(r.hits.count == 1)
        r.hits = []
        #expect(t.mmu.writePhysical(CodePageTrackingTests.pa + 0x2000, bytes: [1, 2, 3]))
        #expect(r.hits.isEmpty)
    }

    @Test func clearingForgetsAllCode() {
        let (t, r) = setUp()
        t.mmu.markCode(CodePageTrackingTests.pa, length: 0x1000)
        t.mmu.clearCodeTracking()
        #expect(t.mmu.write(CodePageTrackingTests.va + 0x10, UInt64(1)))
        #expect(r.hits.isEmpty)
    }
}
