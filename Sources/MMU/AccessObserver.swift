// SPDX-License-Identifier: MIT
// Observed data accesses: with `MMU.observing` set, reads and writes take the slow paths (the read
// and write TLBs are not filled) and each is recorded here with its linear address, size and value.
// Instruction traces (`--trace`) record them per instruction; the gdb stub's watchpoints (Z2–Z4,
// gdb remote protocol §E.2 "Packets") check them after each instruction. A REP MOVS/STOS that
// runs in bulk is recorded as runs: one access per direction and page-sized piece, with its bytes
// (SDM Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ": the same element accesses, in DF's order).

/// One data access of the CPU, in program order. Accesses wider than 8 bytes (SSE, FXSAVE) are
/// made as several of these.
public struct ObservedAccess: Equatable, Sendable {
    public var address: UInt64
    public var size: UInt8
    public var isWrite: Bool
    /// The value read, or the value written (little-endian, the low `size` bytes); for a run, the
    /// offset of its bytes in `ObservedAccessLog.runData`.
    public var value: UInt64
    /// Elements of `size` bytes from `address` up (1: a single access; more: a REP string run
    /// covering `address ..< address + count * size`, whose bytes are in `runData`).
    public var count: UInt32

    public init(address: UInt64, size: UInt8, isWrite: Bool, value: UInt64, count: UInt32 = 1) {
        self.address = address
        self.size = size
        self.isWrite = isWrite
        self.value = value
        self.count = count
    }

    /// Bytes covered.
    @inlinable public var length: UInt64 { UInt64(size) &* UInt64(count) }
    @inlinable public var isRun: Bool { count != 1 }

    /// True if this access touches a byte of `start ..< start + length`.
    public func overlaps(_ start: UInt64, length: UInt64) -> Bool {
        address < start &+ length && start < address &+ self.length
    }
}

/// The accesses observed since the consumer last emptied the log: a growable buffer without
/// reference counting or copy-on-write (one append per observed access on the traced path).
public final class ObservedAccessLog {
    @usableFromInline var base: UnsafeMutablePointer<ObservedAccess>
    @usableFromInline var used = 0
    private var capacity = 64
    /// The bytes of runs (`ObservedAccess.value` is an offset here).
    public private(set) var runData: UnsafeMutableRawPointer
    @usableFromInline var runUsed = 0
    private var runCapacity = 1 << 16

    init() {
        base = .allocate(capacity: capacity)
        runData = .allocate(byteCount: runCapacity, alignment: 16)
    }

    deinit {
        base.deallocate()
        runData.deallocate()
    }

    /// Accesses in the log.
    @inlinable public var count: Int { used }
    @inlinable public var isEmpty: Bool { used == 0 }

    /// The accesses, oldest first (valid until the log changes).
    @inlinable public var accesses: UnsafeBufferPointer<ObservedAccess> { UnsafeBufferPointer(start: base, count: used) }

    /// The bytes of run `a`.
    public func bytes(of a: ObservedAccess) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: runData + Int(a.value), count: Int(a.length))
    }

    /// Empties the log.
    @inlinable public func removeAll() {
        used = 0
        runUsed = 0
    }

    @inline(__always) func append(_ a: ObservedAccess) {
        if _slowPath(used == capacity) { grow() }
        (base + used).initialize(to: a)
        used &+= 1
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<ObservedAccess>.allocate(capacity: 2 * capacity)
        bigger.moveInitialize(from: base, count: used)
        base.deallocate()
        base = bigger
        capacity *= 2
    }

    /// Appends a run of `count` elements of `size` bytes at `address`, copying its bytes.
    func appendRun(address: UInt64, size: Int, count: Int, isWrite: Bool, bytes: UnsafeRawPointer) {
        let n = size * count
        if runUsed + n > runCapacity {
            while runUsed + n > runCapacity { runCapacity *= 2 }
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: runCapacity, alignment: 16)
            bigger.copyMemory(from: runData, byteCount: runUsed)
            runData.deallocate()
            runData = bigger
        }
        (runData + runUsed).copyMemory(from: bytes, byteCount: n)
        append(ObservedAccess(address: address, size: UInt8(size), isWrite: isWrite, value: UInt64(runUsed), count: UInt32(count)))
        runUsed += n
    }
}

extension MMU {
    /// The observed accesses as an array (tests, the gdb stub); `observed.removeAll()` clears them.
    public var observedAccesses: [ObservedAccess] { Array(observed.accesses) }

    /// A host pointer for an observed access at `va` in plain RAM, through the observed-access
    /// TLBs (host addends, like the read and write TLBs, kept apart so the untraced fast paths
    /// never see them). Nil if the access faults, the page is not RAM, or a write would touch
    /// decoded code: the caller then takes the general path (`translate`, which also sets A/D
    /// and `fault`, and `readPhysical`/`writePhysical`, which see MMIO and code writes).
    /// `flushTLB`, `invalidate` and `markCode` drop these entries too, and setting `observing`
    /// starts from empty tables.
    @inline(__always)
    func observedHost(_ va: UInt64, write: Bool, user: Bool) -> UnsafeMutableRawPointer? {
        let vpn = va >> 12
        let table = write ? observedWriteTLB : observedReadTLB
        let e = table.slots[Int(truncatingIfNeeded: vpn) & TLBTable.mask]
        if _fastPath(e.tag == vpn | (user ? TLBTable.userTag : 0)) {
            return UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: va) &+ e.addend)
        }
        return observedFill(va, write: write, user: user)
    }

    @inline(never)
    func observedFill(_ va: UInt64, write: Bool, user: Bool) -> UnsafeMutableRawPointer? {
        guard let pa = translate(va, write ? .write : .read, user: user) else { return nil }
        let page = pa & ~0xFFF
        guard page + 0x1000 <= ram.size, let host = ram.pointer(page) else { return nil }
        if write && code.isCode(page: pa >> 12) { return nil }
        let vpn = va >> 12
        let table = write ? observedWriteTLB : observedReadTLB
        table.slots[Int(truncatingIfNeeded: vpn) & TLBTable.mask] =
            TLBEntry(tag: vpn | (user ? TLBTable.userTag : 0), addend: UInt(bitPattern: host) &- UInt(truncatingIfNeeded: va & ~0xFFF))
        return host + Int(va & 0xFFF)
    }

    /// `readSlow` while observing: the access, recorded.
    func observedRead(_ va: UInt64, size: Int, user: Bool) -> UInt64? {
        let v: UInt64
        if size <= 0x1000 - Int(va & 0xFFF), let p = observedHost(va, write: false, user: user) {
            v = MMU.load(p, size: size)
        } else {
            guard let r = readSlowUnobserved(va, size: size, user: user) else { return nil }
            v = r
        }
        observe(va, size: size, isWrite: false, value: v)
        return v
    }

    /// `writeSlow` while observing: the access, recorded.
    func observedWrite(_ va: UInt64, size: Int, value: UInt64, user: Bool) -> Bool {
        if size <= 0x1000 - Int(va & 0xFFF), let p = observedHost(va, write: true, user: user) {
            MMU.store(p, size: size, value: value)
        } else {
            guard writeSlowUnobserved(va, size: size, value: value, user: user) else { return false }
        }
        observe(va, size: size, isWrite: true, value: value)
        return true
    }

    @inline(__always)
    func observe(_ va: UInt64, size: Int, isWrite: Bool, value: UInt64) {
        let mask: UInt64 = size >= 8 ? ~0 : (1 << (8 * UInt64(size))) &- 1
        observed.append(ObservedAccess(address: va, size: UInt8(truncatingIfNeeded: size), isWrite: isWrite, value: value & mask))
    }

    /// While observing: a host pointer to `va` in plain RAM for a bulk access that the caller
    /// records with `observeRun` (valid to the end of the page; nil if the access would fault,
    /// the page is not RAM, or for writes holds decoded code — the caller then goes element by
    /// element). Without observation it is `hostPointer`.
    public func observedHostPointer(_ va: UInt64, write: Bool) -> UnsafeMutableRawPointer? {
        guard observing else { return hostPointer(va, write: write) }
        return observedHost(va, write: write, user: userMode)
    }

    /// Records a bulk access of `count` elements of `size` bytes at `va` (lowest address) whose
    /// bytes are at `bytes` (for a read before it is used, for a write after it is made).
    public func observeRun(_ va: UInt64, size: Int, count: Int, isWrite: Bool, bytes: UnsafeRawPointer) {
        if count == 1 {
            var v: UInt64 = 0
            withUnsafeMutableBytes(of: &v) { $0.baseAddress!.copyMemory(from: bytes, byteCount: size) }
            observed.append(ObservedAccess(address: va, size: UInt8(size), isWrite: isWrite, value: v))
        } else {
            observed.appendRun(address: va, size: size, count: count, isWrite: isWrite, bytes: bytes)
        }
    }
}
