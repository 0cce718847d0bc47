// SPDX-License-Identifier: MIT
// Access rights (SDM Vol. 3A §4.6): R/W with CR0.WP, U/S, execute-disable with EFER.NXE and
// SMEP, each combined over all levels of the walk, with the #PF error codes of §4.7.
import Testing
import MMU

@Suite struct AccessCheckTests {
    static let va: UInt64 = 0x1_2340_0000
    static let pa: UInt64 = 0x80_0000
    static let present = PFError.present

    /// Maps `va` with `flags` cleared from the entry at `level` (the other levels stay permissive).
    func tables(clearing flags: UInt64, at level: Int) -> PageTables {
        let t = PageTables()
        t.map(AccessCheckTests.va, to: AccessCheckTests.pa)
        t[AccessCheckTests.va, level] &= ~flags
        return t
    }

    // MARK: - R/W (§4.6.1: the access is read-only if R/W = 0 in any entry)

    @Test(arguments: [4, 3, 2, 1])
    func supervisorWriteToReadOnlyFaultsOnlyWithWP(level: Int) {
        let t = tables(clearing: PTE.writable, at: level)
        let va = AccessCheckTests.va
        #expect(t.walk(va, .read) == .success(AccessCheckTests.pa))
        #expect(t.walk(va, .write) == .failure(t.pageFault(va, AccessCheckTests.present | PFError.write)))
        #expect(!t.mmu.write(va, UInt32(0xDEAD)) && t.ram.read(AccessCheckTests.pa, as: UInt32.self) == 0)
        // CR0.WP = 0: supervisor writes ignore R/W.
        t.mmu.cr0 &= ~ControlBits.cr0WP
        t.mmu.flushTLB()
        #expect(t.mmu.write(va, UInt32(0xDEAD)) && t.ram.read(AccessCheckTests.pa, as: UInt32.self) == 0xDEAD)
    }

    @Test(arguments: [4, 3, 2, 1], [true, false])
    func userWriteToReadOnlyFaultsRegardlessOfWP(level: Int, wp: Bool) {
        let t = tables(clearing: PTE.writable, at: level)
        if !wp { t.mmu.cr0 &= ~ControlBits.cr0WP }
        let va = AccessCheckTests.va
        #expect(t.walk(va, .read, user: true) == .success(AccessCheckTests.pa))
        #expect(t.walk(va, .write, user: true) == .failure(t.pageFault(va, AccessCheckTests.present | PFError.write | PFError.user)))
    }

    // MARK: - U/S (§4.6.1: a supervisor-mode address if U/S = 0 in any entry)

    @Test(arguments: [4, 3, 2, 1])
    func userAccessToSupervisorPageFaults(level: Int) {
        let t = tables(clearing: PTE.user, at: level)
        let va = AccessCheckTests.va
        let userFault = AccessCheckTests.present | PFError.user
        #expect(t.walk(va, .read, user: true) == .failure(t.pageFault(va, userFault)))
        #expect(t.walk(va, .write, user: true) == .failure(t.pageFault(va, userFault | PFError.write)))
        #expect(t.walk(va, .fetch, user: true) == .failure(t.pageFault(va, userFault | PFError.fetch)))
        #expect(t.walk(va, .read) == .success(AccessCheckTests.pa))
        #expect(t.walk(va, .write) == .success(AccessCheckTests.pa))
        t.mmu.userMode = true
        #expect(t.mmu.read(va, as: UInt8.self) == nil && t.mmu.fault == t.pageFault(va, userFault))
    }

    // MARK: - Execute-disable (§4.6.1: no fetch if XD = 1 in any entry and EFER.NXE = 1)

    @Test(arguments: [4, 3, 2, 1])
    func fetchFromNoExecutePageFaults(level: Int) {
        let t = PageTables()
        let va = AccessCheckTests.va
        t.map(va, to: AccessCheckTests.pa)
        t[va, level] |= PTE.noExecute
        let fetchFault = AccessCheckTests.present | PFError.fetch
        #expect(t.walk(va, .fetch) == .failure(t.pageFault(va, fetchFault)))
        #expect(t.walk(va, .fetch, user: true) == .failure(t.pageFault(va, fetchFault | PFError.user)))
        #expect(t.walk(va, .read, user: true) == .success(AccessCheckTests.pa))
        #expect(t.walk(va, .write) == .success(AccessCheckTests.pa))
        #expect(t.mmu.fetchPointer(va) == nil && t.mmu.fault == t.pageFault(va, fetchFault))
    }

    // MARK: - SMEP (§4.6.1: with CR4.SMEP no supervisor fetch from a user-mode address)

    @Test func smepBlocksSupervisorFetchFromUserPage() {
        let t = PageTables()
        let va = AccessCheckTests.va
        t.map(va, to: AccessCheckTests.pa)
        #expect(t.walk(va, .fetch) == .success(AccessCheckTests.pa))
        t.mmu.cr4 |= ControlBits.cr4SMEP
        #expect(t.walk(va, .fetch) == .failure(t.pageFault(va, AccessCheckTests.present | PFError.fetch)))
        // Data accesses and user fetches are unaffected (SMAP is not modelled: Ivy Bridge has none).
        #expect(t.walk(va, .read) == .success(AccessCheckTests.pa))
        #expect(t.walk(va, .write) == .success(AccessCheckTests.pa))
        #expect(t.walk(va, .fetch, user: true) == .success(AccessCheckTests.pa))
        // Without NXE, I/D is still reported because SMEP is on (Figure 4-12).
        t.mmu.efer &= ~ControlBits.eferNXE
        #expect(t.walk(va, .fetch) == .failure(t.pageFault(va, AccessCheckTests.present | PFError.fetch)))
    }

    /// A page with U/S = 0 at any level is a supervisor-mode address: SMEP does not apply.
    @Test(arguments: [4, 3, 2, 1])
    func smepAllowsSupervisorPages(level: Int) {
        let t = tables(clearing: PTE.user, at: level)
        t.mmu.cr4 |= ControlBits.cr4SMEP
        #expect(t.walk(AccessCheckTests.va, .fetch) == .success(AccessCheckTests.pa))
    }

    // MARK: - Fault priority

    /// Not-present is reported before rights: a walk stops at the first entry with P = 0 (§4.7).
    @Test func notPresentWinsOverRights() {
        let t = tables(clearing: PTE.user | PTE.writable, at: 3)
        t[AccessCheckTests.va, 1] &= ~PTE.present
        #expect(t.walk(AccessCheckTests.va, .write, user: true)
                == .failure(t.pageFault(AccessCheckTests.va, PFError.write | PFError.user)))
    }
}
