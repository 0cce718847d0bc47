// SPDX-License-Identifier: MIT
// Hand-built 4-level page tables in a PhysicalMemory for the MMU tests (SDM Vol. 3A §4.5,
// Figures 4-8 to 4-11): a bump allocator for table pages and a `map` per page size.
import MMU

/// Paging-structure entry bits, SDM Vol. 3A Tables 4-14 to 4-20.
enum PTE {
    static let present: UInt64 = 1 << 0
    static let writable: UInt64 = 1 << 1
    static let user: UInt64 = 1 << 2
    static let accessed: UInt64 = 1 << 5
    static let dirty: UInt64 = 1 << 6
    static let pageSize: UInt64 = 1 << 7
    static let global: UInt64 = 1 << 8
    static let noExecute: UInt64 = 1 << 63
    /// Present, writable, user: the most permissive entry.
    static let all: UInt64 = present | writable | user
}

enum PageSize: UInt64, CaseIterable, CustomStringConvertible {
    case k4 = 0x1000, m2 = 0x20_0000, g1 = 0x4000_0000
    /// The level of the leaf entry: 1 = PTE, 2 = PDE, 3 = PDPTE.
    var leafLevel: Int { self == .k4 ? 1 : self == .m2 ? 2 : 3 }
    var description: String { self == .k4 ? "4 KiB" : self == .m2 ? "2 MiB" : "1 GiB" }
}

/// 64 MiB of RAM, an MMU in IA-32e mode (CR0.PG|WP, CR4.PAE, EFER.LME|LMA|NXE) and an empty PML4.
final class PageTables {
    let ram: PhysicalMemory
    let mmu: MMU
    /// Table pages are taken from 0x10_0000 up; tests put data pages at 0x80_0000 and above.
    private var next: UInt64 = 0x10_0000

    init() {
        ram = PhysicalMemory(size: 64 << 20)!
        mmu = MMU(ram: ram)
        mmu.cr3 = allocate()
        mmu.cr0 = ControlBits.cr0PG | ControlBits.cr0WP | 1
        mmu.cr4 = ControlBits.cr4PAE
        mmu.efer = 0x500 | ControlBits.eferNXE
    }

    func allocate() -> UInt64 {
        let p = next
        next += 0x1000
        ram.zero(p, length: 0x1000)
        return p
    }

    /// Address of the entry for `va` at `level` (4 = PML4E … 1 = PTE); the tables above must exist.
    func entryAddress(_ va: UInt64, level: Int) -> UInt64 {
        var table = mmu.cr3 & 0xF_FFFF_F000
        for l in stride(from: 4, to: level, by: -1) {
            let e: UInt64 = ram.read(table + ((va >> UInt64(12 + 9 * (l - 1))) & 511) * 8)
            table = e & 0xF_FFFF_F000
        }
        return table + ((va >> UInt64(12 + 9 * (level - 1))) & 511) * 8
    }

    subscript(va: UInt64, level: Int) -> UInt64 {
        get { ram.read(entryAddress(va, level: level)) }
        set { ram.write(entryAddress(va, level: level), newValue) }
    }

    /// Maps `va` to `pa` with a leaf of `size` carrying `flags` (present is added); missing tables
    /// are created with `tableFlags`.
    func map(_ va: UInt64, to pa: UInt64, size: PageSize = .k4, flags: UInt64 = PTE.all, tableFlags: UInt64 = PTE.all) {
        precondition(va % size.rawValue == 0 && pa % size.rawValue == 0)
        var table = mmu.cr3
        for level in stride(from: 4, to: size.leafLevel, by: -1) {
            let addr = table + ((va >> UInt64(12 + 9 * (level - 1))) & 511) * 8
            var e: UInt64 = ram.read(addr)
            if e & PTE.present == 0 {
                e = allocate() | tableFlags | PTE.present
                ram.write(addr, e)
            }
            table = e & 0xF_FFFF_F000
        }
        let leaf = table + ((va >> UInt64(12 + 9 * (size.leafLevel - 1))) & 511) * 8
        ram.write(leaf, pa | flags | PTE.present | (size == .k4 ? 0 : PTE.pageSize))
    }

    /// The #PF `walk` should report.
    func pageFault(_ va: UInt64, _ code: UInt32) -> MemoryFault { MemoryFault(vector: 14, errorCode: code, address: va) }

    /// The result of a walk without side effects on the TLB, as a fault or the physical address.
    func walk(_ va: UInt64, _ kind: AccessKind, user: Bool = false) -> Result<UInt64, MemoryFault> {
        mmu.walk(va, kind, user: user).map(\.physical)
    }
}
