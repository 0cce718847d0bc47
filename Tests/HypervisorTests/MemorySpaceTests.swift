// SPDX-License-Identifier: MIT
// Memory spaces are real page tables: the MMU's own walk (Sources/MMU/PageWalk.swift) must
// translate through them, with U = 1, read-only and NX exactly as the permissions say.
import Testing
import MMU
@testable import Hypervisor

/// The fault of a walk, or nil if it succeeded.
func fault(_ r: Result<Translation, MemoryFault>) -> MemoryFault? {
    if case .failure(let f) = r { f } else { nil }
}

@Suite struct MemorySpaceTests {
    /// An MMU in IA-32e mode with NX enabled, walking `space`.
    func mmu(_ f: Fixture, _ space: MemorySpace) -> MMU {
        let m = MMU(ram: f.ram)
        m.cr0 = ControlBits.cr0PG | ControlBits.cr0WP | 1
        m.cr4 = ControlBits.cr4PAE
        m.efer = 0x500 | ControlBits.eferNXE
        m.cr3 = space.pml4
        return m
    }

    @Test func walkedByTheMMU() throws {
        let f = Fixture()
        let s = try MemorySpace(kernelMemory: f.kernel)
        try s.map(page: 0x40_0123, frame: 0x1234, permissions: .all)
        let m = mmu(f, s)
        let t = try m.walk(0x40_0123_ABC, .write, user: true).get()
        #expect(t.physical == 0x123_4ABC)
        #expect(t.user && t.writable && t.executable && t.pageSize == 4096)
        #expect(m.peekTranslate(0x40_0123_FFF, user: true) == 0x123_4FFF)
        #expect(m.peekTranslate(0x40_0124_000, user: true) == nil)
        // Data written through the MMU lands in the frame.
        #expect(m.write(0x40_0123_010, UInt64(0x0123_4567_89AB_CDEF)))
        #expect(f.ram.read(0x123_4010, as: UInt64.self) == 0x0123_4567_89AB_CDEF)
    }

    @Test func readOnlyAndNoExecute() throws {
        let f = Fixture()
        let s = try MemorySpace(kernelMemory: f.kernel)
        try s.map(page: 0x100, frame: 0x200, permissions: [.read])
        try s.map(page: 0x101, frame: 0x201, permissions: [.read, .execute])
        try s.map(page: 0x102, frame: 0x202, permissions: [.read, .write])
        let m = mmu(f, s)
        #expect(try m.walk(0x10_0000, .read, user: true).get().physical == 0x20_0000)
        // #PF error codes: P | W | U for a write to a read-only page, P | U | I/D for a fetch from NX.
        #expect(fault(m.walk(0x10_0000, .write, user: true)) == MemoryFault(vector: 14, errorCode: 0x7, address: 0x10_0000))
        #expect(fault(m.walk(0x10_0000, .fetch, user: true)) == MemoryFault(vector: 14, errorCode: 0x15, address: 0x10_0000))
        #expect(try m.walk(0x10_1000, .fetch, user: true).get().physical == 0x20_1000)
        #expect(fault(m.walk(0x10_1000, .write, user: true)) == MemoryFault(vector: 14, errorCode: 0x7, address: 0x10_1000))
        #expect(fault(m.walk(0x10_2000, .fetch, user: true)) == MemoryFault(vector: 14, errorCode: 0x15, address: 0x10_2000))
        #expect(try m.walk(0x10_2000, .write, user: true).get().physical == 0x20_2000)
        // An unmapped page: not present.
        #expect(fault(m.walk(0x10_3000, .read, user: true)) == MemoryFault(vector: 14, errorCode: 0x4, address: 0x10_3000))
    }

    @Test func entryBits() throws {
        let f = Fixture()
        let s = try MemorySpace(kernelMemory: f.kernel)
        try s.map(page: 0x7_FFFF_FFFE, frame: 0x3000, permissions: [.read, .write])
        // The leaf as `Hpt::hw_attr` builds it: P, R/W, U, A, D, NX.
        var table = s.pml4
        var entries: [UInt64] = []
        for level in stride(from: 4, through: 1, by: -1) {
            let e: UInt64 = f.ram.read(table + MemorySpace.index(0x7_FFFF_FFFE, level: level) * 8)
            entries.append(e)
            table = e & MemorySpace.PTE.frameMask
        }
        #expect(entries[3] == 0x8000_0000_0300_0067)
        for e in entries[0..<3] {
            #expect(e & 0x7 == 0x7, "intermediate entries are P, R/W, U")
            #expect(f.kernel.contains(e & MemorySpace.PTE.frameMask), "tables live in kernel memory")
        }
        #expect(s.lookup(page: 0x7_FFFF_FFFE) == MemorySpace.Mapping(frame: 0x3000, permissions: [.read, .write], user: true, delegatable: true))
    }

    @Test func userOnlyBelowUserAddr() throws {
        let f = Fixture()
        let s = try MemorySpace(kernelMemory: f.kernel)
        #expect(throws: Status.badParameter) { try s.map(page: MemorySpace.userLimit >> 12, frame: 1, permissions: .all) }
        #expect(throws: Status.badParameter) { try s.map(page: 0xFFFF_8000_0000_0000 >> 12, frame: 1, permissions: .all) }
        #expect(throws: Status.badParameter) { try s.map(page: 1, frame: 1 << 24, permissions: .all) }
        try s.map(page: (MemorySpace.userLimit >> 12) - 1, frame: 1, permissions: .all)
    }

    @Test func supervisorPagesAreNotUserPages() throws {
        let f = Fixture()
        let s = try MemorySpace(kernelMemory: f.kernel)
        try s.mapSupervisor(page: 0xFFFF_FFFF_C000_0000 >> 12, frame: 0x55, writable: false)
        let m = mmu(f, s)
        #expect(try m.walk(0xFFFF_FFFF_C000_0010, .read, user: false).get().physical == 0x5_5010)
        #expect(fault(m.walk(0xFFFF_FFFF_C000_0010, .read, user: true)) == MemoryFault(vector: 14, errorCode: 0x5, address: 0xFFFF_FFFF_C000_0010))
        #expect(fault(m.walk(0xFFFF_FFFF_C000_0010, .write, user: false)) == MemoryFault(vector: 14, errorCode: 0x3, address: 0xFFFF_FFFF_C000_0010))
        #expect(s.lookup(page: 0xFFFF_FFFF_C000_0000 >> 12)?.user == false)
        #expect(s.lookup(page: 0xFFFF_FFFF_C000_0000 >> 12)?.delegatable == false)
    }

    @Test func replaceUnmapAndFreeTables() throws {
        let f = Fixture()
        let before = f.kernel.freeFrames
        let s = try MemorySpace(kernelMemory: f.kernel)
        try s.map(page: 0x1000, frame: 0x10, permissions: .all)
        try s.map(page: 0x1001, frame: 0x11, permissions: [.read])
        #expect(s.tableCount == 4)
        try s.map(page: 0x1001, frame: 0x12, permissions: [.read, .write])
        #expect(s.lookup(page: 0x1001)?.frame == 0x12)
        #expect(s.unmap(page: 0x1000)?.frame == 0x10)
        #expect(s.unmap(page: 0x1000) == nil)
        #expect(s.tableCount == 4, "the PT still holds page 0x1001")
        try s.map(page: 0x1001, frame: 0x12, permissions: [])
        #expect(s.lookup(page: 0x1001) == nil)
        #expect(s.tableCount == 1, "empty tables are freed; the PML4 stays")
        let pml4: UInt64 = f.ram.read(s.pml4 + MemorySpace.index(0x1000, level: 4) * 8)
        #expect(pml4 == 0)
        #expect(f.kernel.freeFrames == before - 1)
    }

    @Test func nonDelegatablePages() throws {
        let f = Fixture()
        let s = try MemorySpace(kernelMemory: f.kernel)
        try s.map(page: 0x7_FFFF_FFFD, frame: 0x99, permissions: [.read, .write], delegatable: false)
        let e = try #require(s.lookup(page: 0x7_FFFF_FFFD))
        #expect(!e.delegatable && e.user)
        #expect(mmu(f, s).peekTranslate(0x7FFF_FFFF_D008, user: true) == 0x9_9008, "bit 56 is ignored by the walk")
    }

    @Test func freedWithTheSpace() throws {
        let f = Fixture()
        let before = f.kernel.freeFrames
        do {
            let s = try MemorySpace(kernelMemory: f.kernel)
            for p in UInt64(0)..<4 { try s.map(page: p << 27, frame: p, permissions: .all) }
            #expect(f.kernel.freeFrames == before - 13)
        }
        #expect(f.kernel.freeFrames == before)
    }
}
