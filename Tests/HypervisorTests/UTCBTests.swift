// SPDX-License-Identifier: MIT
// UTCB offsets (digest §2.6, include/utcb.hpp): written through the struct, read back as raw
// bytes at the documented offsets of guest physical memory.
import Testing
import MMU
@testable import Hypervisor

@Suite struct UTCBTests {
    let ram = PhysicalMemory(size: 1 << 20)!
    var utcb: UTCB { UTCB(ram: ram, address: 0x3000) }
    func raw64(_ offset: UInt64) -> UInt64 { ram.read(0x3000 + offset) }
    func raw32(_ offset: UInt64) -> UInt32 { ram.read(0x3000 + offset) }

    @Test func head() {
        utcb.systemCallFlags = 0x8000_0000
        utcb.nsct = true
        #expect(raw32(0x0) == 0x8000_0001)
        utcb.nsct = false
        #expect(raw32(0x0) == 0x8000_0000 && !utcb.nsct)
        utcb.untypedCount = 0x1234
        utcb.typedCount = 0x0056
        #expect(raw32(0x4) == 0x0056_1234)
        #expect(utcb.items == 0x0056_1234)
        utcb.xlt = .object(selector: 0x100, order: 4)
        utcb.del = .memory(page: 0x200, order: 9, permissions: .all)
        utcb.tls = 0xDEAD_BEEF
        #expect(raw64(0x8) == CRD.object(selector: 0x100, order: 4).rawValue)
        #expect(raw64(0x10) == CRD.memory(page: 0x200, order: 9, permissions: .all).rawValue)
        #expect(raw64(0x18) == 0xDEAD_BEEF)
        #expect(utcb.xlt.base == 0x100 && utcb.del.order == 9 && utcb.tls == 0xDEAD_BEEF)
    }

    @Test func transferCountsAreClamped() {
        utcb.items = 0xFFFF_FFFF
        #expect(utcb.transferredUntyped == 508 && utcb.transferredTyped == 254)
        utcb.items = 0x0003_0007
        #expect(utcb.transferredUntyped == 7 && utcb.transferredTyped == 3)
    }

    @Test func untypedWords() {
        for i in 0..<UTCB.wordCount { utcb[word: i] = UInt64(i) &* 0x0101_0101_0101_0101 }
        #expect(raw64(0x20) == 0)
        #expect(raw64(0x28) == 0x0101_0101_0101_0101)
        #expect(raw64(0xFF8) == 507 &* 0x0101_0101_0101_0101)
        #expect(utcb[word: 507] == 507 &* 0x0101_0101_0101_0101)
    }

    @Test func typedItemsFromTheEnd() {
        let item0 = TypedItem(crd: .io(port: 0x3F8, order: 3), flags: DelegateFlags(kind: .delegate))
        let item1 = TypedItem(crd: .object(selector: 33), flags: DelegateFlags(kind: .translate, hotspot: 7))
        utcb[typedItem: 0] = item0
        utcb[typedItem: 1] = item1
        #expect(raw64(0xFF0) == item0.crd.rawValue && raw64(0xFF8) == item0.flags.rawValue)
        #expect(raw64(0xFE0) == item1.crd.rawValue && raw64(0xFE8) == item1.flags.rawValue)
        #expect(utcb[typedItem: 1] == item1)
        #expect(UTCB.typedItemOffset(253) == 0x20)
    }

    @Test func copyUntyped() {
        let dst = UTCB(ram: ram, address: 0x5000)
        utcb.items = 0x0002_0003
        for i in 0..<4 { utcb[word: i] = 100 + UInt64(i) }
        dst[word: 3] = 0xAA
        utcb.copyUntyped(to: dst)
        #expect(dst.items == 0x0002_0003)
        #expect((0..<3).map { dst[word: $0] } == [100, 101, 102])
        #expect(dst[word: 3] == 0xAA, "only ucnt words move")
    }

    @Test func exceptionLayoutOffsets() {
        utcb.mtd = [.gprACDB, .fpu]
        utcb.instLen = 2
        utcb.rip = 0x40_1000
        utcb.rflags = 0x246
        for n in 0..<16 { utcb[gpr: n] = 0x1000 + UInt64(n) }
        utcb.qualification = (0x6, 0xDEAD_0000)
        utcb.fsBase = 0x7000_0000
        utcb.gsBase = 0x7100_0000
        #expect(raw64(0x20) == 0x8000_0001)
        #expect(raw64(0x28) == 2 && raw64(0x30) == 0x40_1000 && raw64(0x38) == 0x246)
        // rax rcx rdx rbx rsp rbp rsi rdi at 0x58…0x90, r8…r15 at 0x98…0xD0.
        let offsets: [UInt64] = [0x58, 0x60, 0x68, 0x70, 0x78, 0x80, 0x88, 0x90, 0x98, 0xA0, 0xA8, 0xB0, 0xB8, 0xC0, 0xC8, 0xD0]
        for (n, o) in offsets.enumerated() { #expect(raw64(o) == 0x1000 + UInt64(n)) }
        #expect(raw64(0xD8) == 0x6 && raw64(0xE0) == 0xDEAD_0000)
        #expect(raw64(0x1D8) == 0x7000_0000 && raw64(0x1E8) == 0x7100_0000)
        #expect(UTCB.Offset.fs == 0x1D0 && UTCB.Offset.gs == 0x1E0)
        #expect(UTCB.Offset.segments + 4 * 16 == UTCB.Offset.fs)
        #expect(UTCB.Offset.tscTimeout == 0x290)
        #expect((UTCB.Offset.dataEnd - UTCB.Offset.data) / 8 == UInt64(UTCB.exceptionWordCount))
    }
}
