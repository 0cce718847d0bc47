// SPDX-License-Identifier: MIT
// The memory-management unit: linear-to-host translation through the software TLB, with the page
// walk, access checks and code-page write tracking behind it. The hot entry points are
// @inlinable so the interpreter in CPUCore inlines them (a cross-module call costs ~1.8x).

/// Handler for physical addresses outside RAM (memory-mapped devices). `value` is the data for a write.
public typealias MMIOHandler = (_ pa: UInt64, _ size: Int, _ isWrite: Bool, _ value: UInt64) -> UInt64

public final class MMU {
    public let ram: PhysicalMemory

    // Paging controls, kept in step by the CPU (SDM Vol. 3A §2.5). Changing them does not flush:
    // the CPU flushes where the SDM requires (§4.10.4).
    public var cr0: UInt64 = 0
    public var cr3: UInt64 = 0
    public var cr4: UInt64 = 0
    public var efer: UInt64 = 0

    @usableFromInline let readTLB = TLBTable()
    @usableFromInline let writeTLB = TLBTable()
    @usableFromInline let fetchTLB = TLBTable()
    @usableFromInline var modeTag: UInt64 = 0
    /// Some TLB entry holds a piece of a 2 MiB or 1 GiB page (cleared by `flushTLB`).
    var largePageCached = false

    /// True while the CPU runs at CPL 3: accesses are then user accesses.
    public var userMode: Bool = false {
        didSet { modeTag = userMode ? TLBTable.userTag : 0; generation &+= 1 }
    }

    /// Incremented whenever a translation may have changed (TLB flush, INVLPG, mode change), so
    /// caches derived from translations (the interpreter's block links) know when to drop them.
    public private(set) var generation: UInt64 = 1

    /// The fault of the last access that failed.
    public var fault = MemoryFault(vector: 0, errorCode: 0, address: 0)

    @usableFromInline var code: CodePageTracking
    /// Called after a write touched a chunk of decoded code, with its physical address.
    public var onCodeWrite: ((UInt64) -> Void)?
    /// Called for accesses to physical addresses outside RAM; nil means reads give all ones and writes are dropped.
    public var mmio: MMIOHandler?

    /// While set, data reads and writes bypass the read and write TLBs and every one is appended to
    /// the observed accesses (instruction traces, gdb watchpoints; AccessObserver.swift). Off, it
    /// costs nothing on the hot path: only the slow paths look at it.
    public var observing = false { didSet { flushTLB() } }
    /// The observed accesses, oldest first (`observed.count` of them; the consumer empties it)
    /// and the data of REP string runs (AccessObserver.swift).
    public let observed = ObservedAccessLog()
    /// Linear-to-physical translations for observed reads and writes (AccessObserver.swift).
    let observedReadTLB = TLBTable()
    let observedWriteTLB = TLBTable()

    public init(ram: PhysicalMemory) {
        self.ram = ram
        code = CodePageTracking(pageCount: Int(ram.size >> 12))
    }

    deinit {
        readTLB.deallocate(); writeTLB.deallocate(); fetchTLB.deallocate(); code.deallocate()
        observedReadTLB.deallocate(); observedWriteTLB.deallocate()
    }

    // MARK: - Hot paths

    /// The page number of the last byte of a `T` at `va`. The fast paths index the TLB by the page
    /// of `va` but compare the tag with this: a slot's tag always has the slot's index in its low
    /// bits, so the compare hits only if the access lies within one mapped page; one that crosses
    /// into the next page (whose number differs in those bits) or wraps takes the slow path.
    @inlinable @inline(__always)
    static func lastPage<T>(_ va: UInt64, _: T.Type) -> UInt64 {
        (va &+ UInt64(MemoryLayout<T>.size &- 1)) >> 12
    }

    /// Reads a `T` at linear address `va`. Returns nil (with `fault` set) if the access faults.
    @inlinable @inline(__always)
    public func read<T: FixedWidthInteger>(_ va: UInt64, as: T.Type = T.self) -> T? {
        let e = readTLB.slots[Int(truncatingIfNeeded: va >> 12) & TLBTable.mask]
        if _fastPath(e.tag == MMU.lastPage(va, T.self) | modeTag) {
            return UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: va) &+ e.addend).unsafelyUnwrapped
                .loadUnaligned(as: T.self)
        }
        guard let v = readSlow(va, size: MemoryLayout<T>.size, user: userMode) else { return nil }
        return T(truncatingIfNeeded: v)
    }

    /// Writes a `T` at linear address `va`. Returns false (with `fault` set) if the access faults;
    /// then no byte was written.
    @inlinable @inline(__always)
    public func write<T: FixedWidthInteger>(_ va: UInt64, _ value: T) -> Bool {
        let e = writeTLB.slots[Int(truncatingIfNeeded: va >> 12) & TLBTable.mask]
        if _fastPath(e.tag == MMU.lastPage(va, T.self) | modeTag) {
            UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: va) &+ e.addend).unsafelyUnwrapped
                .storeBytes(of: value, as: T.self)
            return true
        }
        return writeSlow(va, size: MemoryLayout<T>.size, value: UInt64(truncatingIfNeeded: value), user: userMode)
    }

    /// Host pointer for fetching the byte at `va`; valid to the end of its 4 KiB page. Nil with
    /// `fault` set if the fetch faults, or if the page is not RAM.
    @inlinable @inline(__always)
    public func fetchPointer(_ va: UInt64) -> UnsafeRawPointer? {
        let vpn = va >> 12
        let e = fetchTLB.slots[Int(truncatingIfNeeded: vpn) & TLBTable.mask]
        if _fastPath(e.tag == vpn | modeTag) {
            return UnsafeRawPointer(bitPattern: UInt(truncatingIfNeeded: va) &+ e.addend)
        }
        return fetchSlow(va)
    }

    /// Host pointer for `va` through the read or write TLB (filling it on a miss), valid to the end
    /// of the page; nil if the access would fault, the page is not RAM, or (for writes) the page
    /// holds decoded code. Bulk operations use it and fall back to per-element accesses on nil.
    public func hostPointer(_ va: UInt64, write: Bool) -> UnsafeMutableRawPointer? {
        if observing { return nil }
        let vpn = va >> 12
        let table = write ? writeTLB : readTLB
        let slot = Int(truncatingIfNeeded: vpn) & TLBTable.mask
        if table.slots[slot].tag != vpn | modeTag {
            guard translate(va, write ? .write : .read, user: userMode) != nil, table.slots[slot].tag == vpn | modeTag else { return nil }
        }
        return UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: va) &+ table.slots[slot].addend)
    }

    // MARK: - Slow paths

    /// Translates `va` for an access of `kind`, filling the TLB when the page is plain RAM.
    /// Returns the physical address or nil with `fault` set.
    public func translate(_ va: UInt64, _ kind: AccessKind, user: Bool) -> UInt64? {
        guard isCanonical(va) else {
            fault = MemoryFault(vector: 13, errorCode: 0, address: va)
            return nil
        }
        switch walk(va, kind, user: user) {
        case .failure(let f):
            fault = f
            return nil
        case .success(let t):
            let pa = t.physical
            let pagePA = pa & ~0xFFF
            if let host = ram.pointer(pagePA), pagePA + 0x1000 <= ram.size, user == userMode,
               !observing || kind == .fetch {
                let vpn = va >> 12
                let entry = TLBEntry(tag: vpn | (user ? TLBTable.userTag : 0),
                                     addend: UInt(bitPattern: host) &- UInt(truncatingIfNeeded: vpn << 12))
                let slot = Int(truncatingIfNeeded: vpn) & TLBTable.mask
                if t.pageSize > 0x1000 { largePageCached = true }
                switch kind {
                case .read: readTLB.slots[slot] = entry
                case .write: if !code.isCode(page: pa >> 12) { writeTLB.slots[slot] = entry }
                case .fetch: fetchTLB.slots[slot] = entry
                }
            }
            return pa
        }
    }

    @usableFromInline
    func readSlow(_ va: UInt64, size: Int, user: Bool) -> UInt64? {
        if observing { return observedRead(va, size: size, user: user) }
        return readSlowUnobserved(va, size: size, user: user)
    }

    func readSlowUnobserved(_ va: UInt64, size: Int, user: Bool) -> UInt64? {
        let first = 0x1000 - Int(va & 0xFFF)
        if size <= first {
            guard let pa = translate(va, .read, user: user) else { return nil }
            return readPhysical(pa, size: size)
        }
        // Crosses a page: translate both pages before touching either.
        guard let pa0 = translate(va, .read, user: user),
              let pa1 = translate(va &+ UInt64(first), .read, user: user) else { return nil }
        var v: UInt64 = 0
        for i in 0..<size {
            let pa = i < first ? pa0 + UInt64(i) : pa1 + UInt64(i - first)
            v |= (readPhysical(pa, size: 1) & 0xFF) << (8 * UInt64(i))
        }
        return v
    }

    @usableFromInline
    func writeSlow(_ va: UInt64, size: Int, value: UInt64, user: Bool) -> Bool {
        if observing { return observedWrite(va, size: size, value: value, user: user) }
        return writeSlowUnobserved(va, size: size, value: value, user: user)
    }

    func writeSlowUnobserved(_ va: UInt64, size: Int, value: UInt64, user: Bool) -> Bool {
        let first = 0x1000 - Int(va & 0xFFF)
        if size <= first {
            guard let pa = translate(va, .write, user: user) else { return false }
            writePhysical(pa, size: size, value: value)
            return true
        }
        guard let pa0 = translate(va, .write, user: user),
              let pa1 = translate(va &+ UInt64(first), .write, user: user) else { return false }
        for i in 0..<size {
            let pa = i < first ? pa0 + UInt64(i) : pa1 + UInt64(i - first)
            writePhysical(pa, size: 1, value: value >> (8 * UInt64(i)))
        }
        return true
    }

    @usableFromInline
    func fetchSlow(_ va: UInt64) -> UnsafeRawPointer? {
        guard let pa = translate(va, .fetch, user: userMode) else { return nil }
        guard let p = ram.pointer(pa), (pa & ~0xFFF) + 0x1000 <= ram.size else {
            // Executing outside RAM is not supported: report it as a fetch #PF-free #GP? Use #PF.
            fault = MemoryFault(vector: 14, errorCode: PFError.present | PFError.fetch, address: va)
            return nil
        }
        return UnsafeRawPointer(p)
    }

    // MARK: - Physical access (device-aware)

    /// The `size` (1, 2, 4 or 8) bytes at a host pointer, little-endian, zero-extended.
    @inline(__always)
    static func load(_ p: UnsafeRawPointer, size: Int) -> UInt64 {
        switch size {
        case 1: UInt64(p.load(as: UInt8.self))
        case 2: UInt64(p.loadUnaligned(as: UInt16.self))
        case 4: UInt64(p.loadUnaligned(as: UInt32.self))
        default: p.loadUnaligned(as: UInt64.self)
        }
    }

    /// Stores the low `size` (1, 2, 4 or 8) bytes of `value` at a host pointer.
    @inline(__always)
    static func store(_ p: UnsafeMutableRawPointer, size: Int, value: UInt64) {
        switch size {
        case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), as: UInt8.self)
        case 2: p.storeBytes(of: UInt16(truncatingIfNeeded: value), as: UInt16.self)
        case 4: p.storeBytes(of: UInt32(truncatingIfNeeded: value), as: UInt32.self)
        default: p.storeBytes(of: value, as: UInt64.self)
        }
    }

    /// Reads `size` bytes at a physical address: RAM, a device, or all ones.
    public func readPhysical(_ pa: UInt64, size: Int) -> UInt64 {
        if ram.contains(pa, length: UInt64(size)) { return MMU.load(ram.base + Int(pa), size: size) }
        if let mmio { return mmio(pa, size, false, 0) }
        return size == 8 ? ~0 : (1 << (8 * UInt64(size))) - 1
    }

    /// Writes `size` bytes at a physical address, noticing writes to decoded code.
    public func writePhysical(_ pa: UInt64, size: Int, value: UInt64) {
        if ram.contains(pa, length: UInt64(size)) {
            MMU.store(ram.base + Int(pa), size: size, value: value)
            if code.isCode(page: pa >> 12), code.overlaps(pa, length: UInt64(size)) {
                onCodeWrite?(pa)
            }
            return
        }
        if let mmio { _ = mmio(pa, size, true, value) }
    }

    /// Copies bytes into physical memory the way a device or loader would, noticing code writes.
    public func writePhysical(_ pa: UInt64, bytes: [UInt8]) -> Bool {
        guard ram.copyIn(pa, bytes) else { return false }
        var page = pa >> 12
        while page <= (pa + UInt64(max(bytes.count, 1)) - 1) >> 12 {
            if code.isCode(page: page) { onCodeWrite?(page << 12); break }
            page += 1
        }
        return true
    }

    // MARK: - Code tracking and flushes

    /// Records that `[pa, pa+length)` (within one page) holds decoded code.
    public func markCode(_ pa: UInt64, length: UInt64) {
        if code.mark(pa, length: length), let host = ram.pointer(pa & ~0xFFF) {
            writeTLB.flush(hostPage: UInt(bitPattern: host))
            if observing { observedWriteTLB.flush(hostPage: UInt(bitPattern: host)) }
        }
    }

    /// Forgets all decoded-code marks (the block cache was flushed).
    public func clearCodeTracking() { code.clear() }

    /// Flushes every TLB entry (CR3 write, CR0/CR4 paging-bit changes, mode changes).
    public func flushTLB() {
        generation &+= 1
        readTLB.flush(); writeTLB.flush(); fetchTLB.flush()
        if observing { observedReadTLB.flush(); observedWriteTLB.flush() }
        largePageCached = false
    }

    /// INVLPG: drops the translations of the page holding `va`; for a 2 MiB or 1 GiB page that is
    /// every TLB entry of it (SDM Vol. 3A §4.10.4.1). Large pages are cached as 4 KiB pieces that
    /// do not record their size, so while any is cached this flushes everything: dropping more
    /// entries is harmless, a TLB may lose any entry at any time.
    public func invalidate(_ va: UInt64) {
        if largePageCached { flushTLB(); return }
        let vpn = va >> 12
        generation &+= 1
        readTLB.flush(page: vpn); writeTLB.flush(page: vpn); fetchTLB.flush(page: vpn)
        if observing { observedReadTLB.flush(page: vpn); observedWriteTLB.flush(page: vpn) }
    }

    /// Translation without side effects (no A/D bits, no TLB fill) for debuggers and tools.
    public func peekTranslate(_ va: UInt64, user: Bool = false) -> UInt64? {
        guard isCanonical(va), case .success(let t) = walk(va, .read, user: user, setBits: false) else { return nil }
        return t.physical
    }
}
