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
    public var length: UInt64 { UInt64(size) &* UInt64(count) }
    public var isRun: Bool { count != 1 }

    /// True if this access touches a byte of `start ..< start + length`.
    public func overlaps(_ start: UInt64, length: UInt64) -> Bool {
        address < start &+ length && start < address &+ self.length
    }
}

/// The accesses observed since the consumer last emptied the log: a growable buffer without
/// reference counting or copy-on-write (one append per observed access on the traced path).
public final class ObservedAccessLog {
    public private(set) var base: UnsafeMutablePointer<ObservedAccess>
    public private(set) var count = 0
    private var capacity = 64
    /// The bytes of runs (`ObservedAccess.value` is an offset here).
    public private(set) var runData: UnsafeMutableRawPointer
    private var runUsed = 0
    private var runCapacity = 1 << 16

    init() {
        base = .allocate(capacity: capacity)
        runData = .allocate(byteCount: runCapacity, alignment: 16)
    }

    deinit {
        base.deallocate()
        runData.deallocate()
    }

    public var isEmpty: Bool { count == 0 }

    /// The accesses, oldest first (valid until the log changes).
    public var accesses: UnsafeBufferPointer<ObservedAccess> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes of run `a`.
    public func bytes(of a: ObservedAccess) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: runData + Int(a.value), count: Int(a.length))
    }

    /// Empties the log.
    @inline(__always) public func removeAll() {
        count = 0
        runUsed = 0
    }

    @inline(__always) func append(_ a: ObservedAccess) {
        if _slowPath(count == capacity) { grow() }
        (base + count).initialize(to: a)
        count &+= 1
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<ObservedAccess>.allocate(capacity: 2 * capacity)
        bigger.moveInitialize(from: base, count: count)
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
    /// The observed accesses as an array (tests, the gdb stub); setting it to empty clears the log.
    public var observedAccesses: [ObservedAccess] {
        get { Array(observed.accesses) }
        set {
            observed.removeAll()
            for a in newValue where !a.isRun { observed.append(a) }
        }
    }

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
        observed.append(ObservedAccess(address: va, size: UInt8(truncatingIfNeeded: size), isWrite: isWrite, value: value & mask))
    }

    /// While observing: a host pointer to `va` in plain RAM for a bulk access that the caller
    /// records with `observeRun` (valid to the end of the page; nil if the access would fault,
    /// the page is not RAM, or for writes holds decoded code — the caller then goes element by
    /// element). Without observation it is `hostPointer`.
    public func observedHostPointer(_ va: UInt64, write: Bool) -> UnsafeMutableRawPointer? {
        guard observing else { return hostPointer(va, write: write) }
        guard let pa = observedTranslate(va, write ? .write : .read, user: userMode) else { return nil }
        let page = pa & ~0xFFF
        guard page + 0x1000 <= ram.size, let host = ram.pointer(page) else { return nil }
        if write && code.isCode(page: pa >> 12) { return nil }
        return host + Int(pa & 0xFFF)
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
