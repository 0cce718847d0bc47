// SPDX-License-Identifier: MIT
// The software TLB: direct-mapped tables from virtual page to host address, one table each for
// reads, writes and fetches, so a hit is one compare (SDM Vol. 3A §4.10 gives the flush rules).

/// One TLB slot. `tag` is the virtual page number with the user-mode bit above it; a hit
/// turns `va` into a host pointer by adding `addend`.
@frozen public struct TLBEntry {
    public var tag: UInt64
    public var addend: UInt
    @inlinable public static var invalid: TLBEntry { TLBEntry(tag: ~0, addend: 0) }
    @inlinable public init(tag: UInt64, addend: UInt) { self.tag = tag; self.addend = addend }
}

/// A direct-mapped table of `TLB.entries` slots.
public struct TLBTable {
    public static let entries = 2048
    public static let mask = entries - 1
    /// Tags carry this bit for user-mode (CPL 3) translations, so supervisor and user entries never alias.
    public static let userTag: UInt64 = 1 << 60

    @usableFromInline let slots: UnsafeMutablePointer<TLBEntry>

    init() {
        slots = .allocate(capacity: TLBTable.entries)
        slots.initialize(repeating: .invalid, count: TLBTable.entries)
    }

    func deallocate() { slots.deallocate() }

    func flush() { slots.update(repeating: .invalid, count: TLBTable.entries) }

    /// Drops the entries of one virtual page in both modes (INVLPG).
    func flush(page vpn: UInt64) {
        let i = Int(truncatingIfNeeded: vpn) & TLBTable.mask
        if slots[i].tag & ~TLBTable.userTag == vpn { slots[i] = .invalid }
    }

    /// Drops every entry that maps host page `hostPage` (used when a page becomes a code page).
    func flush(hostPage: UInt) {
        for i in 0..<TLBTable.entries where slots[i].tag != ~0 {
            let vpage = UInt(truncatingIfNeeded: (slots[i].tag & ~TLBTable.userTag) << 12)
            if vpage &+ slots[i].addend == hostPage { slots[i] = .invalid }
        }
    }
}
