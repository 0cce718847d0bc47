// SPDX-License-Identifier: MIT
// Observed accesses (MMU/AccessObserver.swift): with `observing` set every data access is recorded,
// even to a page whose translation was cached before, and nothing is recorded when it is off.
import Testing
import MMU

@Suite struct AccessObserverTests {
    static let va: UInt64 = 0x4000_0000, pa: UInt64 = 0x50_0000

    func setUp() -> PageTables {
        let t = PageTables()
        t.map(AccessObserverTests.va, to: AccessObserverTests.pa)
        return t
    }

    @Test func recordsReadsAndWritesInOrderWithValues() {
        let t = setUp()
        let va = AccessObserverTests.va
        // Warm the TLBs first: observing must still see the accesses.
        #expect(t.mmu.write(va + 8, UInt32(7)))
        #expect(t.mmu.read(va + 8, as: UInt32.self) == 7)
        #expect(t.mmu.observedAccesses.isEmpty)
        t.mmu.observing = true
        #expect(t.mmu.write(va + 0x10, UInt16(0xBEEF)))
        #expect(t.mmu.read(va + 8, as: UInt8.self) == 7)
        #expect(t.mmu.read(va + 8, as: UInt32.self) == 7)
        #expect(t.mmu.observedAccesses == [
            ObservedAccess(address: va + 0x10, size: 2, isWrite: true, value: 0xBEEF),
            ObservedAccess(address: va + 8, size: 1, isWrite: false, value: 7),
            ObservedAccess(address: va + 8, size: 4, isWrite: false, value: 7),
        ])
        #expect(t.mmu.hostPointer(va, write: false) == nil)
        t.mmu.observing = false
        t.mmu.observed.removeAll()
        #expect(t.mmu.read(va + 0x10, as: UInt16.self) == 0xBEEF)
        #expect(t.mmu.observedAccesses.isEmpty)
        #expect(t.mmu.hostPointer(va, write: false) != nil)
    }

    @Test func faultingAccessIsNotRecorded() {
        let t = setUp()
        t.mmu.observing = true
        #expect(t.mmu.read(0x7000_0000, as: UInt64.self) == nil)
        #expect(t.mmu.observedAccesses.isEmpty)
    }

    @Test func overlap() {
        let a = ObservedAccess(address: 0x100, size: 4, isWrite: true, value: 0)
        #expect(a.overlaps(0x103, length: 1))
        #expect(a.overlaps(0xFC, length: 5))
        #expect(!a.overlaps(0x104, length: 8))
        #expect(!a.overlaps(0xF8, length: 8))
    }
}
