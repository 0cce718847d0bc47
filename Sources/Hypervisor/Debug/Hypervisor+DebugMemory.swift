// SPDX-License-Identifier: MIT
// A PD's virtual memory for a debugger: through the PD's own page tables (MemorySpace, the tables
// the MMU walks when the PD's ECs run), whatever PD the CPU has loaded. Like ptrace's PEEK/POKE,
// a debugger may write pages the program may not (a breakpoint in read-only code); user pages
// only. Writes go through the MMU's physical-write path, so decoded code of a written frame is
// dropped (gdb's `set *(char *)pc = …` takes effect). A page the roottask has not mapped yet is
// faulted in through its pager (HypervisorDebug.pager), as Linux's ptrace access faults it in.

extension Hypervisor {
    /// Up to `count` bytes at `address` of `pd`: all of them, or the readable prefix (empty if the
    /// first byte is not mapped).
    public func debugRead(_ pd: ProtectionDomain, _ address: UInt64, count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        forEachPagePiece(address, count: count) { a, _, n in
            guard let p = debugPagePointer(pd, a, write: false) else { return false }
            out.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
            return true
        }
        return out
    }

    /// Writes `bytes` at `address` of `pd`; false (after writing what precedes it) at the first
    /// page that is not mapped for user mode.
    public func debugWrite(_ pd: ProtectionDomain, _ address: UInt64, _ bytes: [UInt8]) -> Bool {
        forEachPagePiece(address, count: bytes.count) { a, done, n in
            guard debugPagePointer(pd, a, write: true) != nil, let m = pd.memory?.lookup(page: a >> 12) else { return false }
            return cpu.mmu.writePhysical((m.frame << 12) | (a & 0xFFF), bytes: Array(bytes[done ..< done + n]))
        } == bytes.count
    }

    /// The host pointer of the user page byte at `address` in `pd`, faulting the page in through
    /// the roottask's pager if it is not present yet.
    func debugPagePointer(_ pd: ProtectionDomain, _ address: UInt64, write: Bool) -> UnsafeMutableRawPointer? {
        guard let memory = pd.memory else { return nil }
        var mapping = memory.lookup(page: address >> 12)
        if mapping == nil, let pager = debug.pager, pager(pd, address, write) || (write && pager(pd, address, false)) {
            mapping = memory.lookup(page: address >> 12)
        }
        guard let m = mapping, m.user else { return nil }
        return ram.pointer((m.frame << 12) | (address & 0xFFF))
    }
}

extension RootAPI {
    /// Lets debuggers fault in pages of the roottask's PDs that it maps on demand: `pager(pd,
    /// address, write)` makes the page present if the PD may have it there. An emu extension
    /// outside Hedron's ABI, like `setDebugName`.
    public func setDebugPager(_ pager: @escaping (ProtectionDomain, UInt64, Bool) -> Bool) {
        hypervisor.debug.pager = pager
    }
}
