// SPDX-License-Identifier: MIT
// A PD's memory space as real x86-64 4-level page tables in kernel memory, walked by the MMU like
// any guest's (DESIGN.md §5). Hedron: include/space_mem.hpp, src/hpt.cpp (`Hpt::hw_attr`);
// SDM Vol. 3A §4.5 (Tables 4-14 to 4-20) for the entry formats.
import MMU

/// Memory space (`Space_mem`): the page tables of one PD, rooted at `pml4` (its CR3).
///
/// User mappings are 4 KiB pages below `USER_ADDR`, entered as Hedron's `Hpt::hw_attr` does:
/// P, U, A, D always; R/W for write permission; NX unless execute permission. (x86 cannot
/// express a present page that is not readable, so any permission makes the page readable.)
/// Intermediate tables are created on demand with P, R/W and U, so the leaf alone decides, and
/// freed when their last entry goes. The kernel half holds only the PD's supervisor mappings
/// (its TSS and I/O bitmap, PortSpace.swift).
///
/// The caller flushes TLBs after `unmap` or a permission downgrade; nothing here touches a CPU.
public final class MemorySpace {
    /// A leaf as `lookup` reports it.
    public struct Mapping: Hashable, Sendable {
        /// Physical frame number (physical address >> 12).
        public var frame: UInt64
        public var permissions: MemoryPermissions
        /// U/S = 1: reachable from CPL 3.
        public var user: Bool
        /// False for pages the kernel put there for itself (UTCBs): delegation refuses them.
        public var delegatable: Bool
    }

    /// Paging-structure entry bits (SDM Vol. 3A Tables 4-14 to 4-20).
    public enum PTE {
        public static let present: UInt64 = 1 << 0
        public static let writable: UInt64 = 1 << 1
        public static let user: UInt64 = 1 << 2
        public static let accessed: UInt64 = 1 << 5
        public static let dirty: UInt64 = 1 << 6
        public static let pageSize: UInt64 = 1 << 7
        /// Bit 56, ignored by the walk (Table 4-20): Hedron's `PTE_NODELEG`, set on pages the
        /// kernel mapped for itself, which delegation must not hand on.
        public static let noDelegate: UInt64 = 1 << 56
        public static let noExecute: UInt64 = 1 << 63
        /// Bits 35:12: the frame (MAXPHYADDR = 36, MMU.maxPhysicalAddressBits).
        public static let frameMask: UInt64 = ((1 << maxPhysicalAddressBits) - 1) & ~0xFFF
    }

    /// `USER_ADDR` (include/memory.hpp): user mappings lie below it, one page under the
    /// canonical boundary.
    public static let userLimit: UInt64 = 0x0000_7FFF_FFFF_F000
    /// First page of the kernel half (PML4 index 256).
    public static let kernelHalfPage: UInt64 = 0xFFFF_8000_0000_0000 >> 12

    let kernelMemory: KernelMemory
    var ram: PhysicalMemory { kernelMemory.ram }
    /// Physical address of the PML4: the value for CR3.
    public let pml4: UInt64
    /// Present entries per table (keyed by the table's physical address), to free empty tables.
    private var liveEntries: [UInt64: Int] = [:]

    /// An empty address space: one zeroed PML4 frame.
    public init(kernelMemory: KernelMemory) throws(Status) {
        self.kernelMemory = kernelMemory
        pml4 = try kernelMemory.allocate()
        liveEntries[pml4] = 0
    }

    deinit {
        for table in liveEntries.keys { kernelMemory.free(table) }
    }

    /// Number of page-table frames in use, PML4 included.
    public var tableCount: Int { liveEntries.count }

    /// Maps virtual page `page` (address >> 12) to physical frame `frame` with `permissions`;
    /// an existing leaf is replaced. Empty permissions unmap. `delegatable` false marks a page
    /// the kernel maps for itself, such as a UTCB (`PTE_NODELEG`). BAD_PAR for a page at or
    /// above `USER_ADDR` or a frame beyond MAXPHYADDR; ABORT if kernel memory runs out.
    public func map(page: UInt64, frame: UInt64, permissions: MemoryPermissions, delegatable: Bool = true) throws(Status) {
        guard page < MemorySpace.userLimit >> 12 else { throw .badParameter }
        if permissions.isEmpty { unmap(page: page); return }
        var entry = PTE.present | PTE.user | PTE.accessed | PTE.dirty | (delegatable ? 0 : PTE.noDelegate)
        if permissions.contains(.write) { entry |= PTE.writable }
        if !permissions.contains(.execute) { entry |= PTE.noExecute }
        try setLeaf(page: page, frame: frame, entry: entry)
    }

    /// Maps a kernel-half page for the CPU's own use at CPL 0 (U = 0, NX): the PD's TSS and I/O
    /// bitmap, as Hedron maps `SPC_LOCAL_IOP` (src/space_pio.cpp).
    package func mapSupervisor(page: UInt64, frame: UInt64, writable: Bool) throws(Status) {
        guard page >= MemorySpace.kernelHalfPage, page < 1 << 52 else { throw .badParameter }
        var entry = PTE.present | PTE.accessed | PTE.dirty | PTE.noExecute
        if writable { entry |= PTE.writable }
        try setLeaf(page: page, frame: frame, entry: entry)
    }

    /// Removes the mapping of `page` and returns it (nil if there was none). Tables left empty
    /// are freed.
    @discardableResult
    public func unmap(page: UInt64) -> Mapping? {
        var path: [(table: UInt64, index: UInt64)] = []
        var table = pml4
        for level in stride(from: 4, through: 1, by: -1) {
            let index = MemorySpace.index(page, level: level)
            path.append((table, index))
            let e: UInt64 = ram.read(table + index * 8)
            guard e & PTE.present != 0 else { return nil }
            if level == 1 {
                let old = MemorySpace.decode(e)
                ram.write(table + index * 8, UInt64(0))
                release(path)
                return old
            }
            table = e & PTE.frameMask
        }
        return nil
    }

    /// The mapping of `page`, or nil.
    public func lookup(page: UInt64) -> Mapping? {
        var table = pml4
        for level in stride(from: 4, through: 1, by: -1) {
            let e: UInt64 = ram.read(table + MemorySpace.index(page, level: level) * 8)
            guard e & PTE.present != 0 else { return nil }
            if level == 1 { return MemorySpace.decode(e) }
            table = e & PTE.frameMask
        }
        return nil
    }

    // MARK: - Walking

    /// Index of `page` in the table at `level` (4 = PML4 … 1 = PT).
    static func index(_ page: UInt64, level: Int) -> UInt64 { (page >> UInt64(9 * (level - 1))) & 0x1FF }

    static func decode(_ e: UInt64) -> Mapping {
        var p: MemoryPermissions = .read
        if e & PTE.writable != 0 { p.insert(.write) }
        if e & PTE.noExecute == 0 { p.insert(.execute) }
        return Mapping(frame: (e & PTE.frameMask) >> 12, permissions: p, user: e & PTE.user != 0,
                       delegatable: e & (PTE.noDelegate | PTE.user) == PTE.user)
    }

    private func setLeaf(page: UInt64, frame: UInt64, entry: UInt64) throws(Status) {
        guard frame < 1 << (maxPhysicalAddressBits - 12) else { throw .badParameter }
        // Intermediate entries of the user half carry U so only the leaf decides; the kernel
        // half's do not.
        let upper = PTE.present | PTE.writable | PTE.accessed | (page < MemorySpace.kernelHalfPage ? PTE.user : 0)
        var table = pml4
        for level in stride(from: 4, to: 1, by: -1) {
            let slot = table + MemorySpace.index(page, level: level) * 8
            let e: UInt64 = ram.read(slot)
            if e & PTE.present != 0 {
                table = e & PTE.frameMask
                continue
            }
            let next = try kernelMemory.allocate()
            liveEntries[next] = 0
            ram.write(slot, next | upper)
            liveEntries[table, default: 0] += 1
            table = next
        }
        let slot = table + MemorySpace.index(page, level: 1) * 8
        let old: UInt64 = ram.read(slot)
        if old & PTE.present == 0 { liveEntries[table, default: 0] += 1 }
        ram.write(slot, frame << 12 | entry)
    }

    /// After a leaf was cleared: drop one entry from its table and free every table on the path
    /// that became empty (the PML4 stays).
    private func release(_ path: [(table: UInt64, index: UInt64)]) {
        for i in stride(from: path.count - 1, through: 0, by: -1) {
            let table = path[i].table
            let left = liveEntries[table, default: 1] - 1
            liveEntries[table] = left
            guard left == 0, i > 0 else { return }
            liveEntries[table] = nil
            kernelMemory.free(table)
            let parent = path[i - 1]
            ram.write(parent.table + parent.index * 8, UInt64(0))
        }
    }
}
