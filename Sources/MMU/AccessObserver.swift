// SPDX-License-Identifier: MIT
// Observed data accesses: with `MMU.observing` set, reads and writes take the slow paths (the read
// and write TLBs are not filled) and each is recorded here with its linear address, size and value.
// Instruction traces (`--trace`) record them per instruction; the gdb stub's watchpoints (Z2–Z4,
// gdb remote protocol §E.2 "Packets") check them after each instruction.

/// One data access of the CPU, in program order. Accesses wider than 8 bytes (SSE, FXSAVE) are
/// made as several of these.
public struct ObservedAccess: Equatable, Sendable {
    public var address: UInt64
    public var size: UInt8
    public var isWrite: Bool
    /// The value read, or the value written (little-endian, the low `size` bytes).
    public var value: UInt64

    public init(address: UInt64, size: UInt8, isWrite: Bool, value: UInt64) {
        self.address = address
        self.size = size
        self.isWrite = isWrite
        self.value = value
    }

    /// True if this access touches a byte of `start ..< start + length`.
    public func overlaps(_ start: UInt64, length: UInt64) -> Bool {
        address < start &+ length && start < address &+ UInt64(size)
    }
}

extension MMU {
    /// The physical address of `va` for an observed read or write: from the observed-access
    /// translation cache, else by `translate` (which sets the A/D bits) and then cached. The
    /// access itself goes through `readPhysical`/`writePhysical`, so decoded-code writes and MMIO
    /// are noticed as without observation. `flushTLB` and `invalidate` drop these entries too,
    /// and setting `observing` starts from an empty cache.
    func observedTranslate(_ va: UInt64, _ kind: AccessKind, user: Bool) -> UInt64? {
        let vpn = va >> 12
        let tag = vpn | (user ? TLBTable.userTag : 0)
        let table = kind == .write ? observedWriteTLB : observedReadTLB
        let slot = Int(truncatingIfNeeded: vpn) & TLBTable.mask
        let e = table.slots[slot]
        if e.tag == tag { return va &+ UInt64(e.addend) }
        guard let pa = translate(va, kind, user: user) else { return nil }
        table.slots[slot] = TLBEntry(tag: tag, addend: UInt(truncatingIfNeeded: (pa & ~0xFFF) &- (va & ~0xFFF)))
        return pa
    }

    @usableFromInline
    func observe(_ va: UInt64, size: Int, isWrite: Bool, value: UInt64) {
        let mask: UInt64 = size >= 8 ? ~0 : (1 << (8 * UInt64(size))) &- 1
        observedAccesses.append(ObservedAccess(address: va, size: UInt8(truncatingIfNeeded: size),
                                               isWrite: isWrite, value: value & mask))
    }
}
