// SPDX-License-Identifier: MIT
// The 4-level page walk: translation with each page size (SDM Vol. 3A §4.5), not-present and
// reserved-bit faults with their error codes (§4.7), accessed and dirty flags (§4.8) and the
// canonical-address check (§3.3.7.1).
import Testing
import MMU

@Suite struct PageWalkTests {
    static let data: UInt64 = 0x80_0000

    // MARK: - Translation (§4.5, Figures 4-8, 4-9, 4-10)

    @Test func fourKiBPage() {
        let t = PageTables()
        t.map(0x4000_1000, to: PageWalkTests.data + 0x3000)
        t.ram.write(PageWalkTests.data + 0x3010, UInt64(0x1122_3344_5566_7788))
        #expect(t.mmu.read(0x4000_1010, as: UInt64.self) == 0x1122_3344_5566_7788)
        let w = t.mmu.walk(0x4000_1FFF, .read, user: false)
        #expect(w.map(\.physical) == .success(PageWalkTests.data + 0x3FFF))
        #expect(w.map(\.pageSize) == .success(0x1000))
    }

    @Test func twoMiBPage() {
        let t = PageTables()
        t.map(0x8000_0000, to: 0x40_0000, size: .m2)
        // Linear bits 20:0 are the offset (Figure 4-9).
        #expect(t.walk(0x8012_3456, .read) == .success(0x52_3456))
        #expect(t.mmu.walk(0x8000_0000, .read, user: false).map(\.pageSize) == .success(0x20_0000))
        t.ram.write(0x52_3456, UInt32(0xCAFE_F00D))
        #expect(t.mmu.read(0x8012_3456, as: UInt32.self) == 0xCAFE_F00D)
    }

    @Test func oneGiBPage() {
        let t = PageTables()
        t.map(0x7F_C000_0000, to: 0, size: .g1)
        // Linear bits 29:0 are the offset (Figure 4-10).
        #expect(t.walk(0x7F_C123_4567, .read) == .success(0x123_4567))
        #expect(t.mmu.walk(0x7F_C000_0000, .read, user: false).map(\.pageSize) == .success(0x4000_0000))
        t.ram.write(0x123_4567, UInt16(0xBEEF))
        #expect(t.mmu.read(0x7F_C123_4567, as: UInt16.self) == 0xBEEF)
    }

    /// Bit 12 of a 2 MiB PDE or 1 GiB PDPTE is PAT, not part of the frame address (Tables 4-17, 4-15).
    @Test(arguments: [PageSize.m2, .g1])
    func largePagePATBitIsNotAddress(size: PageSize) {
        let t = PageTables()
        let va: UInt64 = 0x40_0000_0000
        t.map(va, to: size == .m2 ? 0x60_0000 : 0, size: size)
        t[va, size.leafLevel] |= 1 << 12
        #expect(t.walk(va + 0x1234, .read) == .success((size == .m2 ? 0x60_0000 : 0) + 0x1234))
    }

    @Test func higherHalfAddress() {
        let t = PageTables()
        t.map(0xFFFF_8000_0000_0000, to: PageWalkTests.data)
        #expect(t.walk(0xFFFF_8000_0000_0ABC, .read) == .success(PageWalkTests.data + 0xABC))
        #expect((t.mmu.cr3 + 256 * 8) == t.entryAddress(0xFFFF_8000_0000_0000, level: 4))
    }

    // MARK: - Not present (§4.7: P = 0 in the error code; W/R, U/S, I/D describe the access)

    @Test(arguments: [4, 3, 2, 1])
    func notPresentAtEachLevel(level: Int) {
        let t = PageTables()
        let va: UInt64 = 0x1234_5000
        t.map(va, to: PageWalkTests.data)
        t[va, level] &= ~PTE.present
        #expect(t.walk(va + 8, .read) == .failure(t.pageFault(va + 8, 0)))
        #expect(t.walk(va, .write) == .failure(t.pageFault(va, PFError.write)))
        #expect(t.walk(va, .read, user: true) == .failure(t.pageFault(va, PFError.user)))
        #expect(t.walk(va, .write, user: true) == .failure(t.pageFault(va, PFError.write | PFError.user)))
        // I/D is set for fetches because EFER.NXE = 1 (Figure 4-12).
        #expect(t.walk(va, .fetch) == .failure(t.pageFault(va, PFError.fetch)))
        #expect(t.mmu.read(va, as: UInt8.self) == nil)
        #expect(t.mmu.fault == t.pageFault(va, 0))
    }

    @Test func fetchFaultHasNoIDFlagWithoutNXEOrSMEP() {
        let t = PageTables()
        t.mmu.efer &= ~ControlBits.eferNXE
        #expect(t.walk(0x5000, .fetch) == .failure(t.pageFault(0x5000, 0)))
        t.mmu.cr4 |= ControlBits.cr4SMEP
        #expect(t.walk(0x5000, .fetch) == .failure(t.pageFault(0x5000, PFError.fetch)))
    }

    // MARK: - Reserved bits (§4.5 Tables 4-14…4-20; RSVD = bit 3 of the error code, with P = 1)

    static let rsvd = PFError.present | PFError.reserved

    /// Bits 51:MAXPHYADDR of every entry are reserved; MAXPHYADDR is 36 here.
    @Test(arguments: [4, 3, 2, 1], [36, 40, 51])
    func bitAboveMaxPhysicalAddressIsReserved(level: Int, bit: Int) {
        let t = PageTables()
        let va: UInt64 = 0x2_0000_3000
        t.map(va, to: PageWalkTests.data)
        t[va, level] |= 1 << UInt64(bit)
        #expect(t.walk(va, .read) == .failure(t.pageFault(va, PageWalkTests.rsvd)))
        #expect(t.walk(va, .write, user: true) == .failure(t.pageFault(va, PageWalkTests.rsvd | PFError.write | PFError.user)))
        #expect(t.walk(va, .fetch) == .failure(t.pageFault(va, PageWalkTests.rsvd | PFError.fetch)))
    }

    /// Bits the SDM lists as ignored (11:9 everywhere, 62:52 without protection keys, 6 and 8 in
    /// non-leaf entries) are free for software and must not fault.
    @Test(arguments: [4, 3, 2, 1])
    func ignoredBitsAreNotReserved(level: Int) {
        let t = PageTables()
        let va: UInt64 = 0x2_0000_3000
        t.map(va, to: PageWalkTests.data)
        var ignored: UInt64 = 0x7FF0_0000_0000_0E00
        if level > 1 { ignored |= 1 << 8 | (level == 4 ? 1 << 6 : 0) }
        t[va, level] |= ignored
        #expect(t.walk(va, .read) == .success(PageWalkTests.data))
    }

    /// PS must be 0 in a PML4E (Table 4-15).
    @Test func pageSizeInPML4EIsReserved() {
        let t = PageTables()
        let va: UInt64 = 0x80_0000_0000
        t.map(va, to: PageWalkTests.data)
        t[va, 4] |= PTE.pageSize
        #expect(t.walk(va, .read) == .failure(t.pageFault(va, PageWalkTests.rsvd)))
    }

    /// A 2 MiB PDE has bits 20:13 reserved (Table 4-18); a 1 GiB PDPTE bits 29:13 (Table 4-16).
    @Test(arguments: [(PageSize.m2, 13), (.m2, 20), (.g1, 13), (.g1, 21), (.g1, 29)])
    func largePageLowFrameBitsAreReserved(size: PageSize, bit: Int) {
        let t = PageTables()
        let va: UInt64 = 0x40_0000_0000
        t.map(va, to: 0, size: size)
        t[va, size.leafLevel] |= 1 << UInt64(bit)
        #expect(t.walk(va + 0x10, .read) == .failure(t.pageFault(va + 0x10, PageWalkTests.rsvd)))
    }

    /// XD (bit 63) is reserved while EFER.NXE = 0 (§4.5, Table 4-14 note); with NXE it is NX.
    @Test(arguments: [4, 3, 2, 1])
    func executeDisableBitIsReservedWithoutNXE(level: Int) {
        let t = PageTables()
        let va: UInt64 = 0x3000_0000
        t.map(va, to: PageWalkTests.data)
        t[va, level] |= PTE.noExecute
        #expect(t.walk(va, .read) == .success(PageWalkTests.data))
        t.mmu.efer &= ~ControlBits.eferNXE
        #expect(t.walk(va, .read) == .failure(t.pageFault(va, PageWalkTests.rsvd)))
    }

    // MARK: - Accessed and dirty flags (§4.8)

    @Test(arguments: PageSize.allCases)
    func accessedOnEveryLevelDirtyOnLeafForWrites(size: PageSize) {
        let t = PageTables()
        let va: UInt64 = 0x40_0000_0000
        t.map(va, to: size == .g1 ? 0 : PageWalkTests.data, size: size)
        let levels = Array(stride(from: 4, through: size.leafLevel, by: -1))
        func flags(_ bit: UInt64) -> [Bool] { levels.map { t[va, $0] & bit != 0 } }
        #expect(flags(PTE.accessed).allSatisfy { !$0 } && flags(PTE.dirty).allSatisfy { !$0 })

        #expect(t.mmu.read(va + 8, as: UInt64.self) != nil)
        #expect(flags(PTE.accessed).allSatisfy { $0 }, "A on every entry used")
        #expect(flags(PTE.dirty).allSatisfy { !$0 }, "a read sets no D")

        #expect(t.mmu.write(va + 8, UInt64(1)))
        #expect(flags(PTE.dirty) == levels.map { $0 == size.leafLevel }, "D on the leaf only")
    }

    /// A page first read (cached in the read TLB) and then written still gets its dirty flag.
    @Test func writeAfterCachedReadSetsDirty() {
        let t = PageTables()
        t.map(0x5000, to: PageWalkTests.data)
        _ = t.mmu.read(0x5000, as: UInt32.self)
        _ = t.mmu.read(0x5008, as: UInt32.self)
        #expect(t[0x5000, 1] & PTE.dirty == 0)
        #expect(t.mmu.write(0x5008, UInt32(7)))
        #expect(t[0x5000, 1] & PTE.dirty != 0)
    }

    @Test func faultingWriteSetsNoDirty() {
        let t = PageTables()
        t.map(0x5000, to: PageWalkTests.data, flags: PTE.present)   // read-only, supervisor
        #expect(!t.mmu.write(0x5000, UInt8(1)))
        #expect(t[0x5000, 1] & PTE.dirty == 0)
    }

    @Test func peekTranslateHasNoSideEffects() {
        let t = PageTables()
        t.map(0x5000, to: PageWalkTests.data)
        #expect(t.mmu.peekTranslate(0x5123) == PageWalkTests.data + 0x123)
        #expect(t[0x5000, 1] & PTE.accessed == 0 && t[0x5000, 4] & PTE.accessed == 0)
    }

    // MARK: - Canonical addresses (§3.3.7.1): #GP(0), not #PF, and no walk

    @Test(arguments: [0x0000_8000_0000_0000, 0xFFFF_7FFF_FFFF_F000, 0x1234_0000_0000_0000] as [UInt64])
    func nonCanonicalAddressIsGP(va: UInt64) {
        let t = PageTables()
        let gp = MemoryFault(vector: 13, errorCode: 0, address: va)
        #expect(t.mmu.read(va, as: UInt64.self) == nil && t.mmu.fault == gp)
        #expect(!t.mmu.write(va, UInt8(0)) && t.mmu.fault == gp)
        #expect(t.mmu.fetchPointer(va) == nil && t.mmu.fault == gp)
        #expect(t.mmu.translate(va, .read, user: true) == nil && t.mmu.fault == gp)
    }

    /// The last canonical addresses of each half are fine (bits 63:47 all equal).
    @Test func canonicalBoundaries() {
        #expect(isCanonical(0x0000_7FFF_FFFF_FFFF) && isCanonical(0xFFFF_8000_0000_0000))
        #expect(!isCanonical(0x0000_8000_0000_0000) && !isCanonical(0xFFFF_7FFF_FFFF_FFFF))
    }
}
