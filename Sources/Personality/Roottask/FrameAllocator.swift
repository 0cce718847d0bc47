// SPDX-License-Identifier: MIT
// The RAM the roottask owns, handed out one 4 KiB frame at a time, and the root PD's window onto
// it. The roottask takes RAM from the kernel PD as Hedron's roottask does (`pd_ctrl_delegate` with
// the hypervisor flag, digest §2.7), 2 MiB at a time as it needs it, and maps it at
// `window + physical address` in its own PD; it reads and writes process memory only through
// that window (DESIGN.md §5).
import Hypervisor

final class FrameAllocator {
    /// Where physical address 0 appears in the root PD (1 TiB: far above anything else it maps).
    static let window: UInt64 = 1 << 40
    /// RAM is taken from the kernel PD in chunks of 2^9 pages.
    static let chunkOrder: UInt8 = 9

    let api: RootAPI
    /// Free RAM not yet handed out, as page-aligned ranges of physical addresses.
    private var ranges: [Range<UInt64>]
    /// Frames given back.
    private var freed: [UInt64] = []
    /// 2 MiB chunks already mapped into the window.
    private var mappedChunks = Set<UInt64>()
    /// Frames handed out and not freed.
    private(set) var inUse = 0
    /// Frames available in total at the start.
    let total: Int
    private static let zeroPage = [UInt8](repeating: 0, count: 4096)

    /// An allocator over `ranges` (what the HIP calls RAM minus everything else).
    init(api: RootAPI, ranges: [Range<UInt64>]) {
        self.api = api
        self.ranges = ranges.filter { !$0.isEmpty }
        total = ranges.reduce(0) { $0 + Int(($1.upperBound - $1.lowerBound) >> 12) }
    }

    /// Frames still free.
    var available: Int { total - inUse }

    /// A zeroed frame's physical address, mapped into the window; nil when RAM is exhausted.
    func allocate() -> UInt64? {
        let frame: UInt64
        if let f = freed.popLast() {
            frame = f
        } else {
            guard let r = ranges.first else { return nil }
            frame = r.lowerBound
            if r.lowerBound + 4096 >= r.upperBound { ranges.removeFirst() } else { ranges[0] = r.lowerBound + 4096 ..< r.upperBound }
        }
        guard mapIntoWindow(frame) else { return nil }
        api.write(FrameAllocator.window + frame, FrameAllocator.zeroPage)
        inUse += 1
        return frame
    }

    /// Gives `frame` back (its mappings in processes must be revoked first).
    func free(_ frame: UInt64) {
        freed.append(frame)
        inUse -= 1
    }

    /// Makes `physical` (and its 2 MiB chunk) readable and writable at `window + physical`.
    @discardableResult
    func mapIntoWindow(_ physical: UInt64) -> Bool {
        let chunk = physical >> (12 + UInt64(FrameAllocator.chunkOrder))
        if mappedChunks.contains(chunk) { return true }
        let page = chunk << UInt64(FrameAllocator.chunkOrder)
        let r = api.hypercall(PDCtrlDelegateArguments(
            source: Hypervisor.RootSelector.pd, destination: Hypervisor.RootSelector.pd,
            sourceCRD: .memory(page: page, order: FrameAllocator.chunkOrder, permissions: .all),
            flags: DelegateFlags(kind: .delegate, hypervisor: true),
            destinationCRD: .memory(page: (FrameAllocator.window >> 12) + page, order: FrameAllocator.chunkOrder,
                                    permissions: .all)).registers)
        guard RootAPI.status(r) == .success else { return false }
        mappedChunks.insert(chunk)
        return true
    }

    /// The bytes of physical memory `[physical, physical + count)` through the window.
    func read(_ physical: UInt64, count: Int) -> [UInt8]? {
        var p = physical & ~0xFFF
        while p < physical + UInt64(count) { guard mapIntoWindow(p) else { return nil }; p += 1 << 21 }
        return api.read(FrameAllocator.window + physical, count: count)
    }

    /// Writes `bytes` to physical memory at `physical` through the window.
    @discardableResult
    func write(_ physical: UInt64, _ bytes: [UInt8]) -> Bool {
        api.write(FrameAllocator.window + physical, bytes)
    }
}
