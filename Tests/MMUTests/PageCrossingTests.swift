// SPDX-License-Identifier: MIT
// Accesses that span two pages: both translations are checked before any byte moves, so a
// fault on either page leaves memory unchanged and reports the address of the faulting page
// (SDM Vol. 3A §4.7: CR2 holds the linear address that caused the fault).
import Testing
import MMU

@Suite struct PageCrossingTests {
    static let va: UInt64 = 0x6000_0000
    /// Two frames that are not adjacent, so a crossing access must translate twice.
    static let first: UInt64 = 0x90_0000, second: UInt64 = 0x80_0000

    func setUp(secondFlags: UInt64 = PTE.all) -> PageTables {
        let t = PageTables()
        t.map(PageCrossingTests.va, to: PageCrossingTests.first)
        t.map(PageCrossingTests.va + 0x1000, to: PageCrossingTests.second, flags: secondFlags)
        for k in 0..<UInt64(8) {
            t.ram.write(PageCrossingTests.first + 0xFF8 + k, UInt8(0x10 + k))
            t.ram.write(PageCrossingTests.second + k, UInt8(0x20 + k))
        }
        return t
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7] as [UInt64])
    func readAcrossBoundary(before: UInt64) {
        let t = setUp()
        let va = PageCrossingTests.va + 0x1000 - before
        var expected: UInt64 = 0
        for k in 0..<UInt64(8) {
            let b: UInt64 = k < before ? 0x18 - before + k : 0x20 + k - before
            expected |= b << (8 * k)
        }
        #expect(t.mmu.read(va, as: UInt64.self) == expected)
        #expect(t.mmu.read(va, as: UInt16.self) == UInt16(truncatingIfNeeded: expected))
    }

    @Test func writeAcrossBoundary() {
        let t = setUp()
        #expect(t.mmu.write(PageCrossingTests.va + 0xFFD, UInt64(0x8877_6655_4433_2211)))
        #expect(t.ram.read(PageCrossingTests.first + 0xFFD, as: UInt16.self) == 0x2211)
        #expect(t.ram.read(PageCrossingTests.first + 0xFFF, as: UInt8.self) == 0x33)
        #expect(t.ram.read(PageCrossingTests.second, as: UInt32.self) == 0x7766_5544)
        #expect(t.ram.read(PageCrossingTests.second + 4, as: UInt8.self) == 0x88)
    }

    /// The second page is read-only (CR0.WP = 1), not present, or supervisor-only for a user write.
    @Test(arguments: ["read-only", "not present", "supervisor"])
    func writeFaultingOnSecondPageWritesNothing(kind: String) {
        let flags: UInt64 = kind == "read-only" ? PTE.present | PTE.user : kind == "supervisor" ? PTE.present | PTE.writable : 0
        let t = setUp(secondFlags: flags)
        if kind == "not present" { t[PageCrossingTests.va + 0x1000, 1] = 0 }
        if kind == "supervisor" { t.mmu.userMode = true }
        let before = (t.ram.read(PageCrossingTests.first + 0xFF8, as: UInt64.self), t.ram.read(PageCrossingTests.second, as: UInt64.self))
        #expect(!t.mmu.write(PageCrossingTests.va + 0xFFC, UInt64.max))
        #expect(t.mmu.fault.vector == 14 && t.mmu.fault.address == PageCrossingTests.va + 0x1000)
        #expect(t.ram.read(PageCrossingTests.first + 0xFF8, as: UInt64.self) == before.0)
        #expect(t.ram.read(PageCrossingTests.second, as: UInt64.self) == before.1)
        // The first page is fine on its own and was not touched by the failed write either.
        #expect(t.mmu.write(PageCrossingTests.va + 0xFFC, UInt32(0xFFFF_FFFF)))
    }

    @Test func writeFaultingOnFirstPageReportsFirstPage() {
        let t = setUp()
        t[PageCrossingTests.va, 1] &= ~PTE.writable
        #expect(!t.mmu.write(PageCrossingTests.va + 0xFFE, UInt32(0)))
        #expect(t.mmu.fault == t.pageFault(PageCrossingTests.va + 0xFFE, PFError.present | PFError.write))
        #expect(t.ram.read(PageCrossingTests.second, as: UInt16.self) == 0x2120)
    }

    @Test func readFaultingOnSecondPage() {
        let t = setUp(secondFlags: 0)
        t[PageCrossingTests.va + 0x1000, 1] = 0
        #expect(t.mmu.read(PageCrossingTests.va + 0xFFE, as: UInt32.self) == nil)
        #expect(t.mmu.fault == t.pageFault(PageCrossingTests.va + 0x1000, 0))
    }

    /// A page-crossing access into a non-canonical address faults with #GP (§3.3.7.1).
    @Test func crossingIntoNonCanonicalIsGP() {
        let t = PageTables()
        let va: UInt64 = 0x7FFF_FFFF_F000
        t.map(va, to: PageCrossingTests.first)
        #expect(t.mmu.read(va + 0xFFC, as: UInt64.self) == nil)
        #expect(t.mmu.fault.vector == 13)
        #expect(!t.mmu.write(va + 0xFFC, UInt64(1)))
        #expect(t.ram.read(PageCrossingTests.first + 0xFFC, as: UInt32.self) == 0)
    }
}
