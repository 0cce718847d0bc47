// SPDX-License-Identifier: MIT
// The hypervisor's own memory: 4 KiB frames of a reserved range of guest RAM, for page tables,
// UTCBs, TSS images and the HIP (docs/hypervisor.md "Memory"; Hedron: include/buddy.hpp).
import MMU

/// Kernel memory (Hedron's `Buddy::allocator`, order-0 only): a free list of 4 KiB frames in
/// `[base, base + size)` of guest RAM. That range is reported in the HIP as the hypervisor
/// region (type −1) and is never delegated to user PDs.
public final class KernelMemory {
    public static let frameSize: UInt64 = 4096
    /// The default reservation: the top 32 MiB of RAM.
    public static let defaultSize: UInt64 = 32 << 20

    /// Guest RAM.
    public let ram: PhysicalMemory
    /// First byte of the reserved range (page-aligned).
    public let base: UInt64
    /// Bytes in the reserved range (a multiple of 4 KiB).
    public let size: UInt64

    /// Frames never handed out yet are taken from `next` upward; freed ones are reused first.
    private var next: UInt64
    private var freeList: [UInt64] = []
    /// One bit per frame of the range, set while the frame is allocated.
    private var allocated: [UInt64]

    /// Reserves `[base, base + size)`; nil if it is not page-aligned, empty or outside RAM.
    public init?(ram: PhysicalMemory, base: UInt64, size: UInt64) {
        guard size > 0, base & 0xFFF == 0, size & 0xFFF == 0, ram.contains(base, length: size) else { return nil }
        self.ram = ram
        self.base = base
        self.size = size
        next = base
        allocated = [UInt64](repeating: 0, count: Int((size / KernelMemory.frameSize + 63) / 64))
    }

    /// Reserves the top `size` bytes of RAM (docs/hypervisor.md: the hypervisor region).
    public convenience init?(ram: PhysicalMemory, reservingTop size: UInt64 = KernelMemory.defaultSize) {
        guard size <= ram.size else { return nil }
        self.init(ram: ram, base: ram.size - size, size: size)
    }

    /// Total frames in the range.
    public var frameCount: Int { Int(size / KernelMemory.frameSize) }
    /// Frames available to `allocate`.
    public var freeFrames: Int { freeList.count + Int((base + size - next) / KernelMemory.frameSize) }

    /// True if `pa` lies in the reserved range.
    public func contains(_ pa: UInt64) -> Bool { pa >= base && pa - base < size }

    /// True if the frame holding `pa` is currently allocated.
    public func isAllocated(_ pa: UInt64) -> Bool {
        guard contains(pa) else { return false }
        let i = Int((pa - base) / KernelMemory.frameSize)
        return allocated[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    /// A frame filled with `fill` (zero unless asked; an I/O bitmap starts as all ones, Hedron's
    /// `FILL_1`). Throws ABORT when the range is exhausted: Hedron panics ("Out of memory"), but
    /// nothing a guest does may stop emu, so the operation that needed the frame fails instead.
    public func allocate(fill: UInt8 = 0) throws(Status) -> UInt64 {
        let frame: UInt64
        if let f = freeList.popLast() {
            frame = f
        } else if next < base + size {
            frame = next
            next += KernelMemory.frameSize
        } else {
            throw .abort
        }
        let i = Int((frame - base) / KernelMemory.frameSize)
        allocated[i >> 6] |= 1 << UInt64(i & 63)
        let p = ram.pointer(frame)!
        p.initializeMemory(as: UInt8.self, repeating: fill, count: Int(KernelMemory.frameSize))
        return frame
    }

    /// Returns a frame to the pool. Freeing a frame that is not allocated is a hypervisor bug.
    public func free(_ frame: UInt64) {
        precondition(frame & 0xFFF == 0 && isAllocated(frame), "KernelMemory: freeing 0x\(String(frame, radix: 16)), which is not allocated")
        let i = Int((frame - base) / KernelMemory.frameSize)
        allocated[i >> 6] &= ~(1 << UInt64(i & 63))
        freeList.append(frame)
    }
}
