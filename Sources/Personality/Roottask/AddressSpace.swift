// SPDX-License-Identifier: MIT
// A process's memory as the memory manager keeps it: virtual memory areas (mmap(2), brk(2)) and
// the frames behind the pages touched so far. Pages are given to the process's PD by delegation
// from the roottask's window (`pd_ctrl_delegate`) when first touched — demand paging through the
// #PF exception portal (DESIGN.md §4) — and taken back by revocation.
import Hypervisor

/// Page protections, as mmap's PROT_READ/WRITE/EXEC (1, 2, 4) — the same bits as Hedron's
/// memory CRD permissions.
struct Protection: OptionSet, Hashable {
    let rawValue: UInt8
    static let read = Protection(rawValue: 1), write = Protection(rawValue: 2), execute = Protection(rawValue: 4)
    var memory: MemoryPermissions { MemoryPermissions(rawValue: rawValue & 7) }
}

/// A virtual memory area: `[start, end)`, page-aligned.
struct VMA {
    enum Content {
        /// Zero-filled on first touch.
        case anonymous
        /// A private copy of `bytes[offset...]` (file-backed private mapping, ELF segment);
        /// beyond the data (`fileSize`) the area is zero.
        case file(bytes: [UInt8], offset: UInt64, fileSize: UInt64)
    }
    var start: UInt64
    var end: UInt64
    var protection: Protection
    var content: Content
    /// The stack: may grow down into the gap below it.
    var growsDown = false
    /// A name for /proc/self/maps ("[stack]", "[heap]", a path).
    var name = ""
    /// An mmap(2)ped file: pages wholly beyond the file's end raise SIGBUS instead of reading
    /// zeros (mmap(2), "SIGBUS"). ELF segments' bss stays zero-filled.
    var pastEndIsBusError = false

    /// True if the page at `page` lies wholly beyond the mapped file's end.
    func isPastEndOfFile(_ page: UInt64) -> Bool {
        guard pastEndIsBusError, case .file(_, _, let fileSize) = content else { return false }
        return page - start >= (fileSize + 0xFFF) & ~0xFFF
    }

    func contains(_ a: UInt64) -> Bool { a >= start && a < end }

    /// The part of this area from `from` (inside it) to `to`: a file area's data moves with it.
    func slice(from: UInt64, to: UInt64) -> VMA {
        var v = self
        v.start = from
        v.end = to
        if case .file(let bytes, let offset, let size) = content {
            let cut = from - start
            v.content = .file(bytes: bytes, offset: offset + cut, fileSize: size > cut ? size - cut : 0)
        }
        return v
    }
}

final class AddressSpace {
    /// Lowest address mmap hands out (`vm.mmap_min_addr`).
    static let minimumAddress: UInt64 = 0x10000
    /// Top of user space (the UTCB page sits at 0x7FFF_FFFF_E000).
    static let userTop: UInt64 = 0x7FFF_FFFF_D000
    /// Stack top and the most a stack may grow to (RLIMIT_STACK default 8 MiB).
    static let stackTop: UInt64 = 0x7FFF_FFFF_C000
    static let stackLimit: UInt64 = 8 << 20
    /// Top of the area where mmap places mappings without a hint, growing down
    /// (Linux's mmap_base: below the stack gap).
    static let mmapTop: UInt64 = 0x7FFF_F000_0000

    let frames: FrameAllocator
    let api: RootAPI
    /// The process's PD selector in the root PD's object space.
    let pd: UInt64
    private(set) var vmas: [VMA] = []
    /// Virtual page → physical frame, for every page given to the process.
    private(set) var pages: [UInt64: UInt64] = [:]
    var brkStart: UInt64 = 0
    var brk: UInt64 = 0

    init(frames: FrameAllocator, api: RootAPI, pd: UInt64) {
        self.frames = frames
        self.api = api
        self.pd = pd
    }

    // MARK: - Areas

    func area(containing a: UInt64) -> VMA? { vmas.first { $0.contains(a) } }

    /// True if no area overlaps `[start, end)`.
    func isFree(_ start: UInt64, _ end: UInt64) -> Bool { !vmas.contains { $0.start < end && start < $0.end } }

    /// Adds an area (the range must be free).
    func insert(_ vma: VMA) {
        let i = vmas.firstIndex { $0.start > vma.start } ?? vmas.count
        vmas.insert(vma, at: i)
    }

    /// Replaces area `old` (same start) by `new` without touching pages (growing or shrinking
    /// its end; pages beyond a shrunk end must be removed first).
    func replace(_ old: VMA, with new: VMA) {
        guard let i = vmas.firstIndex(where: { $0.start == old.start && $0.end == old.end }) else { return }
        vmas[i] = new
    }

    /// Moves `[from, from + length)` to `to` as an area of `newLength` bytes shaped like
    /// `template`: present pages keep their frames at the new addresses (mremap(2)).
    func move(from: UInt64, length: UInt64, to: UInt64, newLength: UInt64, template: VMA) {
        var moved: [(UInt64, UInt64)] = []
        var a = from
        while a < from + length {
            if let f = pages.removeValue(forKey: a) { revokeFromProcess(f); moved.append((a - from, f)) }
            a += 4096
        }
        remove(from, from + length)
        var v = template.slice(from: from, to: from + newLength)
        v.start = to
        v.end = to + newLength
        insert(v)
        for (off, f) in moved {
            pages[to + off] = f
            delegate(f, to: to + off, v.protection)
        }
    }

    /// Drops the pages of `[start, end)` (madvise MADV_DONTNEED): they are zero-filled again on
    /// the next touch.
    func discard(_ start: UInt64, _ end: UInt64) {
        var page = start
        while page < end { unmapPage(page); page += 4096 }
    }

    /// A free range of `length` bytes for mmap without a usable hint: the highest gap below
    /// `mmapTop` (top-down, as Linux's default layout).
    func findFree(length: UInt64) -> UInt64? {
        var top = AddressSpace.mmapTop
        for v in vmas.reversed() where v.start < top {
            if v.end <= top, top - v.end >= length { return top - length }
            top = min(top, v.start)
        }
        return top >= AddressSpace.minimumAddress + length ? top - length : nil
    }

    /// Removes `[start, end)` from every area (splitting as needed) and takes its pages back.
    func remove(_ start: UInt64, _ end: UInt64) {
        var result: [VMA] = []
        for v in vmas {
            if v.end <= start || v.start >= end { result.append(v); continue }
            if v.start < start { result.append(v.slice(from: v.start, to: start)) }
            if v.end > end { result.append(v.slice(from: end, to: v.end)) }
        }
        vmas = result
        var page = start
        while page < end { unmapPage(page); page += 4096 }
    }

    /// Changes the protection of `[start, end)` (mprotect): areas are split at the edges and
    /// pages already present are re-delegated with the new rights.
    func protect(_ start: UInt64, _ end: UInt64, _ protection: Protection) {
        var result: [VMA] = []
        for v in vmas {
            if v.end <= start || v.start >= end { result.append(v); continue }
            let lo = max(v.start, start), hi = min(v.end, end)
            if v.start < lo { result.append(v.slice(from: v.start, to: lo)) }
            var mid = v.slice(from: lo, to: hi)
            mid.protection = protection
            result.append(mid)
            if hi < v.end { result.append(v.slice(from: hi, to: v.end)) }
        }
        vmas = result
        var page = start
        while page < end {
            if let frame = pages[page] {
                revokeFromProcess(frame)
                if !protection.isEmpty { delegate(frame, to: page, protection) }
            }
            page += 4096
        }
    }

    // MARK: - Pages

    /// Resolves a fault at `address` (a #PF, or a copy the kernel makes for a syscall): true if
    /// the access is allowed by an area, with the page now present; false for SIGSEGV.
    func fault(at address: UInt64, write: Bool, execute: Bool) -> Bool {
        let page = address & ~0xFFF
        guard let vma = area(containing: address) ?? growStack(to: address),
              resolves(vma, page: page, write: write, execute: execute) else { return false }
        guard let frame = frames.allocate() else { return false }
        if case .file(let bytes, let offset, let fileSize) = vma.content {
            let at = page - vma.start
            if at < fileSize {
                let from = Int(offset + at)
                let n = Int(min(4096, fileSize - at))
                if from < bytes.count { frames.write(frame, Array(bytes[from ..< min(bytes.count, from + n)])) }
            }
        }
        pages[page] = frame
        delegate(frame, to: page, vma.protection)
        return true
    }

    /// Whether `fault(at:)` would make the page present, without changing anything: a debugger
    /// asks before the #PF reaches the roottask (`RootAPI.setDebugFaultSignals`).
    func faultResolves(at address: UInt64, write: Bool, execute: Bool) -> Bool {
        guard let vma = area(containing: address) ?? stackGrowth(to: address).map({ vmas[$0] }) else { return false }
        return resolves(vma, page: address & ~0xFFF, write: write, execute: execute)
    }

    /// The rights and content checks of a fault in `vma`'s `page`.
    private func resolves(_ vma: VMA, page: UInt64, write: Bool, execute: Bool) -> Bool {
        if write && !vma.protection.contains(.write) { return false }
        if execute && !vma.protection.contains(.execute) { return false }
        if !write && !execute && vma.protection.isEmpty { return false }
        if vma.isPastEndOfFile(page) { return false }
        // Present but the hardware said no: the rights really are missing.
        return pages[page] == nil
    }

    /// Why `fault(at:)` refused an access: the signal a #PF there raises.
    enum FaultKind { case unmapped, denied, pastEndOfFile }

    func faultKind(at address: UInt64) -> FaultKind {
        guard let vma = area(containing: address) else { return .unmapped }
        return vma.isPastEndOfFile(address & ~0xFFF) ? .pastEndOfFile : .denied
    }

    /// The stack area grows down to cover `address` if it lies within the stack limit.
    private func growStack(to address: UInt64) -> VMA? {
        guard let i = stackGrowth(to: address) else { return nil }
        vmas[i].start = address & ~0xFFF
        return vmas[i]
    }

    /// The stack area an access at `address` below it would grow, if it may.
    private func stackGrowth(to address: UInt64) -> Int? {
        guard let i = vmas.firstIndex(where: { $0.growsDown && address < $0.start && address >= $0.end - AddressSpace.stackLimit }),
              isFree(address & ~0xFFF, vmas[i].start) else { return nil }
        return i
    }

    /// Gives `frame` to the process at virtual `page` with `protection`.
    func delegate(_ frame: UInt64, to page: UInt64, _ protection: Protection) {
        api.hypercall(PDCtrlDelegateArguments(
            source: Hypervisor.RootSelector.pd, destination: pd,
            sourceCRD: .memory(page: (FrameAllocator.window + frame) >> 12, permissions: protection.memory),
            flags: DelegateFlags(kind: .delegate),
            destinationCRD: .memory(page: page >> 12, permissions: .all)).registers)
    }

    /// Takes `frame` back from the process (revokes what was delegated from the window page,
    /// keeping the roottask's own mapping).
    func revokeFromProcess(_ frame: UInt64) {
        api.hypercall(RevokeArguments(crd: .memory(page: (FrameAllocator.window + frame) >> 12, permissions: .all),
                                      includeSelf: false).registers)
    }

    func unmapPage(_ page: UInt64) {
        guard let frame = pages.removeValue(forKey: page) else { return }
        revokeFromProcess(frame)
        frames.free(frame)
    }

    /// Returns every page (process teardown).
    func releaseAll() {
        for page in pages.keys.sorted() { unmapPage(page) }   // in address order: runs stay reproducible
        vmas = []
    }

    // MARK: - Copies for syscalls (copy_from_user / copy_to_user)

    /// The frame behind `page`, faulting it in as the process's access would (read or write).
    private func frame(for page: UInt64, write: Bool) -> UInt64? {
        if let f = pages[page], let vma = area(containing: page) {
            if write && !vma.protection.contains(.write) { return nil }
            if !write && vma.protection.isEmpty { return nil }
            return f
        }
        guard fault(at: page, write: write, execute: false) else { return nil }
        return pages[page]
    }

    /// `count` bytes of the process's memory at `address`; nil (EFAULT) if any byte is not
    /// readable by the process.
    func read(_ address: UInt64, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        guard address &+ UInt64(count) >= address, address &+ UInt64(count) <= AddressSpace.userTop else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var a = address
        let end = address + UInt64(count)
        while a < end {
            let page = a & ~0xFFF
            let n = min(end - a, page + 4096 - a)
            guard let f = frame(for: page, write: false), let bytes = frames.read(f + (a - page), count: Int(n)) else { return nil }
            out += bytes
            a += n
        }
        return out
    }

    /// Writes `bytes` into the process's memory at `address`; false (EFAULT) if any byte is not
    /// writable by the process (bytes before that may have been written, as on Linux).
    func write(_ address: UInt64, _ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return true }
        let end = address &+ UInt64(bytes.count)
        guard end >= address, end <= AddressSpace.userTop else { return false }
        var a = address
        var done = 0
        while a < end {
            let page = a & ~0xFFF
            let n = Int(min(end - a, page + 4096 - a))
            guard let f = frame(for: page, write: true) else { return false }
            frames.write(f + (a - page), Array(bytes[done ..< done + n]))
            a += UInt64(n)
            done += n
        }
        return true
    }

    /// A NUL-terminated string at `address` of at most `limit` bytes (PATH_MAX); nil for
    /// EFAULT, or an empty optional inner for a string that is too long.
    func readString(_ address: UInt64, limit: Int = 4096) -> [UInt8]? {
        var out: [UInt8] = []
        var a = address
        while out.count < limit {
            let chunk = Int(min(UInt64(limit - out.count), (a & ~0xFFF) + 4096 - a))
            guard let bytes = read(a, count: chunk) else { return nil }
            if let z = bytes.firstIndex(of: 0) { return out + bytes[..<z] }
            out += bytes
            a += UInt64(chunk)
        }
        return out
    }

    /// Bytes at `address` if their pages are present, without faulting anything in (reports).
    func peek(_ address: UInt64, count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var a = address
        while out.count < count {
            let page = a & ~0xFFF
            guard let f = pages[page] else { return nil }
            let n = min(count - out.count, Int(page + 4096 - a))
            guard let b = frames.read(f + (a - page), count: n) else { return nil }
            out += b
            a += UInt64(n)
        }
        return out
    }

    func load64(_ address: UInt64) -> UInt64? {
        read(address, count: 8).map { b in b.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
    }

    func store64(_ address: UInt64, _ v: UInt64) -> Bool {
        write(address, withUnsafeBytes(of: v.littleEndian) { Array($0) })
    }
}
