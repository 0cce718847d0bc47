// SPDX-License-Identifier: MIT
// The 4-level IA-32e page walk: SDM Vol. 3A §4.5 (structure formats, Tables 4-14 to 4-20),
// §4.6 (access rights with CR0.WP, NX and SMEP) and §4.8 (accessed and dirty flags).

/// The outcome of a successful walk.
public struct Translation: Sendable {
    /// Physical address of the byte at the walked linear address.
    public var physical: UInt64
    /// Page size in bytes (4 KiB, 2 MiB or 1 GiB).
    public var pageSize: UInt64
    /// Combined rights of all levels.
    public var writable: Bool
    public var user: Bool
    public var executable: Bool
}

/// Maximum physical address width of the modelled CPU (Ivy Bridge client: 36 bits, CPUID 0x80000008).
public let maxPhysicalAddressBits: UInt64 = 36

extension MMU {
    /// Walks the paging structures rooted at CR3 for `va` and checks the access.
    /// On success sets the accessed flags of every level (and the dirty flag of the leaf for a
    /// write) and returns the translation; otherwise returns the #PF to raise.
    public func walk(_ va: UInt64, _ kind: AccessKind, user: Bool, setBits: Bool = true) -> Result<Translation, MemoryFault> {
        let addrMask: UInt64 = ((1 << maxPhysicalAddressBits) - 1) & ~0xFFF
        let nxe = efer & ControlBits.eferNXE != 0
        // Bits 51:MAXPHYADDR are reserved at every level; bit 63 too when NX is off. Bits 62:52 are
        // ignored (Tables 4-14…4-20; 62:59 are protection keys only with CR4.PKE, not modelled).
        var rsvd: UInt64 = ((1 << 52) - 1) & ~((1 << maxPhysicalAddressBits) - 1)
        if !nxe { rsvd |= 1 << 63 }
        var errorBase: UInt32 = 0
        if kind == .write { errorBase |= PFError.write }
        if user { errorBase |= PFError.user }
        if kind == .fetch && (nxe || cr4 & ControlBits.cr4SMEP != 0) { errorBase |= PFError.fetch }

        var table = cr3 & addrMask
        var writable = true, userOK = true, exec = true
        var entryAddrs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var level = 4
        var pageSize: UInt64 = 4096
        var leaf: UInt64 = 0
        while true {
            let shift = UInt64(12 + 9 * (level - 1))
            let index = (va >> shift) & 0x1FF
            let entryAddr = table + index * 8
            let entry: UInt64 = ram.read(entryAddr)
            switch level {
            case 4: entryAddrs.0 = entryAddr
            case 3: entryAddrs.1 = entryAddr
            case 2: entryAddrs.2 = entryAddr
            default: entryAddrs.3 = entryAddr
            }
            if entry & 1 == 0 {
                return .failure(MemoryFault(vector: 14, errorCode: errorBase, address: va))
            }
            var reserved = entry & rsvd
            let ps = entry & (1 << 7) != 0
            if level == 4 && ps { reserved |= 1 << 7 }
            if level == 3 && ps { reserved |= entry & 0x3FFF_E000 }  // 1 GiB page: bits 29:13
            if level == 2 && ps { reserved |= entry & 0x1F_E000 }    // 2 MiB page: bits 20:13
            if reserved != 0 {
                return .failure(MemoryFault(vector: 14, errorCode: errorBase | PFError.present | PFError.reserved, address: va))
            }
            writable = writable && entry & 2 != 0
            userOK = userOK && entry & 4 != 0
            exec = exec && !(nxe && entry & (1 << 63) != 0)
            if level == 1 || (ps && level <= 3) {
                leaf = entry
                pageSize = 1 << shift
                break
            }
            table = entry & addrMask
            level -= 1
        }

        // Access rights, SDM Vol. 3A §4.6.1.
        var allowed = true
        if user {
            if !userOK { allowed = false }
            if kind == .write && !writable { allowed = false }
            if kind == .fetch && !exec { allowed = false }
        } else {
            if kind == .write && !writable && cr0 & ControlBits.cr0WP != 0 { allowed = false }
            if kind == .fetch && (!exec || (userOK && cr4 & ControlBits.cr4SMEP != 0)) { allowed = false }
        }
        if !allowed {
            return .failure(MemoryFault(vector: 14, errorCode: errorBase | PFError.present, address: va))
        }
        if setBits {
            // Accessed flags on every level used, dirty on the leaf for a write (§4.8).
            func setBit(_ addr: UInt64, _ bit: UInt64) {
                let e: UInt64 = ram.read(addr)
                if e & bit != bit { ram.write(addr, e | bit) }
            }
            let leafLevel = pageSize == 4096 ? 1 : (pageSize == 1 << 21 ? 2 : 3)
            setBit(entryAddrs.0, 0x20)
            setBit(entryAddrs.1, 0x20)
            if leafLevel <= 2 { setBit(entryAddrs.2, 0x20) }
            if leafLevel == 1 { setBit(entryAddrs.3, 0x20) }
            if kind == .write {
                let leafAddr = leafLevel == 1 ? entryAddrs.3 : (leafLevel == 2 ? entryAddrs.2 : entryAddrs.1)
                setBit(leafAddr, 0x40)
            }
        }
        let frameMask = addrMask & ~(pageSize - 1)
        let pa = (leaf & frameMask) | (va & (pageSize - 1))
        return .success(Translation(physical: pa, pageSize: pageSize, writable: writable, user: userOK, executable: exec))
    }
}
