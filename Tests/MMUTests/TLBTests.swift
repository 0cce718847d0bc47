// SPDX-License-Identifier: MIT
// The software TLB (SDM Vol. 3A §4.10): translations are cached and may be used after the
// paging structures change until INVLPG (`invalidate`) or a CR3 write (`flushTLB`) drops them
// (§4.10.4.3); user and supervisor translations never stand in for each other.
import Testing
import MMU

@Suite struct TLBTests {
    static let va: UInt64 = 0x7000_0000
    static let frameA: UInt64 = 0x80_0000, frameB: UInt64 = 0x90_0000

    func setUp() -> PageTables {
        let t = PageTables()
        t.map(TLBTests.va, to: TLBTests.frameA)
        t.ram.write(TLBTests.frameA, UInt64(0xAAAA))
        t.ram.write(TLBTests.frameB, UInt64(0xBBBB))
        return t
    }

    /// Remapping the page: reads keep using the old frame until the entry is invalidated.
    @Test(arguments: ["invalidate", "flushTLB"])
    func cachedTranslationSurvivesPTEChange(flush: String) {
        let t = setUp()
        #expect(t.mmu.read(TLBTests.va, as: UInt64.self) == 0xAAAA)
        t[TLBTests.va, 1] = TLBTests.frameB | PTE.all
        #expect(t.mmu.read(TLBTests.va, as: UInt64.self) == 0xAAAA, "stale entry still used (§4.10.4.3)")
        if flush == "invalidate" { t.mmu.invalidate(TLBTests.va + 0x123) } else { t.mmu.flushTLB() }
        #expect(t.mmu.read(TLBTests.va, as: UInt64.self) == 0xBBBB)
    }

    /// The same holds for writes and fetches, each cached in its own table.
    @Test func writeAndFetchEntriesSurviveUntilInvalidated() {
        let t = setUp()
        #expect(t.mmu.write(TLBTests.va + 8, UInt64(1)))
        let fetched = t.mmu.fetchPointer(TLBTests.va)
        t[TLBTests.va, 1] &= ~PTE.present
        #expect(t.mmu.write(TLBTests.va + 8, UInt64(2)))
        #expect(t.mmu.fetchPointer(TLBTests.va) == fetched)
        #expect(t.ram.read(TLBTests.frameA + 8, as: UInt64.self) == 2)
        t.mmu.invalidate(TLBTests.va)
        #expect(!t.mmu.write(TLBTests.va + 8, UInt64(3)))
        #expect(t.mmu.fetchPointer(TLBTests.va) == nil)
        #expect(t.mmu.read(TLBTests.va, as: UInt8.self) == nil)
        #expect(t.mmu.fault == t.pageFault(TLBTests.va, 0))
    }

    /// INVLPG drops only the page named: other pages keep their (stale) entries.
    @Test func invalidateIsPerPage() {
        let t = setUp()
        t.map(TLBTests.va + 0x1000, to: TLBTests.frameA + 0x1000)
        _ = t.mmu.read(TLBTests.va, as: UInt8.self)
        _ = t.mmu.read(TLBTests.va + 0x1000, as: UInt8.self)
        t[TLBTests.va, 1] &= ~PTE.present
        t[TLBTests.va + 0x1000, 1] &= ~PTE.present
        t.mmu.invalidate(TLBTests.va)
        #expect(t.mmu.read(TLBTests.va, as: UInt8.self) == nil)
        #expect(t.mmu.read(TLBTests.va + 0x1000, as: UInt8.self) != nil)
    }

    /// INVLPG of any address in a 2 MiB page drops the whole page (§4.10.4.1), although the
    /// software TLB holds it as 4 KiB pieces.
    @Test func invalidateDropsAWholeLargePage() {
        let t = PageTables()
        let va: UInt64 = 0x4000_0000
        t.map(va, to: 0x40_0000, size: .m2)
        for k in 0..<UInt64(8) { _ = t.mmu.read(va + k * 0x4_0000, as: UInt8.self) }
        t[va, 2] &= ~PTE.present
        t.mmu.invalidate(va + 0x1_2345)
        for k in 0..<UInt64(8) {
            #expect(t.mmu.read(va + k * 0x4_0000, as: UInt8.self) == nil, "piece \(k) of the 2 MiB page")
        }
    }

    /// A supervisor translation is never used for a user access, nor the reverse.
    @Test func userAndSupervisorEntriesDoNotAlias() {
        let t = setUp()
        // Supervisor-only page, cached by a supervisor read: a user read must still fault.
        t[TLBTests.va, 1] &= ~PTE.user
        t.mmu.flushTLB()
        #expect(t.mmu.read(TLBTests.va, as: UInt64.self) == 0xAAAA)
        t.mmu.userMode = true
        #expect(t.mmu.read(TLBTests.va, as: UInt64.self) == nil)
        #expect(t.mmu.fault == t.pageFault(TLBTests.va, PFError.present | PFError.user))

        // Read-only user page written by the supervisor with CR0.WP = 0: a user write must fault.
        t[TLBTests.va, 1] = TLBTests.frameA | PTE.present | PTE.user
        t.mmu.flushTLB()
        t.mmu.cr0 &= ~ControlBits.cr0WP
        t.mmu.userMode = false
        #expect(t.mmu.write(TLBTests.va, UInt64(0x5555)))
        t.mmu.userMode = true
        #expect(!t.mmu.write(TLBTests.va, UInt64(0x6666)))
        #expect(t.mmu.fault == t.pageFault(TLBTests.va, PFError.present | PFError.write | PFError.user))
        #expect(t.ram.read(TLBTests.frameA, as: UInt64.self) == 0x5555)

        // And a user entry is not used by the supervisor: with SMEP, a cached user fetch
        // must not let the supervisor fetch.
        t.mmu.cr4 |= ControlBits.cr4SMEP
        #expect(t.mmu.fetchPointer(TLBTests.va) != nil)
        t.mmu.userMode = false
        #expect(t.mmu.fetchPointer(TLBTests.va) == nil)
        #expect(t.mmu.fault == t.pageFault(TLBTests.va, PFError.present | PFError.fetch))
    }

    /// Translations for an explicit other privilege (`translate(user:)` while in the other
    /// mode, as for implicit supervisor accesses at CPL 3) are checked but not cached.
    @Test func crossModeTranslationIsNotCached() {
        let t = setUp()
        t[TLBTests.va, 1] &= ~PTE.user
        t.mmu.userMode = true
        #expect(t.mmu.translate(TLBTests.va, .read, user: false) == TLBTests.frameA)
        #expect(t.mmu.read(TLBTests.va, as: UInt8.self) == nil)
    }
}
