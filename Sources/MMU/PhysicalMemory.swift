// SPDX-License-Identifier: MIT
// Guest physical RAM: one sparse anonymous host mapping (DESIGN.md §2). Pages cost host memory
// only once touched, so a 1 GiB guest that uses 10 MiB costs about 10 MiB.
import Glibc

/// Guest physical memory, `[0, size)`, backed by one host mapping.
public final class PhysicalMemory {
    /// Host address of guest physical address 0.
    public let base: UnsafeMutableRawPointer
    /// Bytes of RAM; a multiple of 4 KiB.
    public let size: UInt64

    /// Maps `size` bytes (rounded up to 4 KiB). Returns nil when the host refuses the mapping.
    public init?(size: UInt64) {
        let rounded = (size + 0xFFF) & ~0xFFF
        guard rounded > 0, rounded <= 1 << 40 else { return nil }
        let p = mmap(nil, Int(rounded), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let p, p != MAP_FAILED else { return nil }
        base = p
        self.size = rounded
    }

    deinit { munmap(base, Int(size)) }

    /// Host pointer for a physical address, or nil outside RAM.
    @inlinable public func pointer(_ pa: UInt64) -> UnsafeMutableRawPointer? {
        pa < size ? base + Int(pa) : nil
    }

    /// True when `[pa, pa+length)` lies in RAM.
    @inlinable public func contains(_ pa: UInt64, length: UInt64) -> Bool {
        pa < size && length <= size - pa
    }

    @inlinable public func read<T: FixedWidthInteger>(_ pa: UInt64, as: T.Type = T.self) -> T {
        guard contains(pa, length: UInt64(MemoryLayout<T>.size)) else { return T.max }
        return (base + Int(pa)).loadUnaligned(as: T.self)
    }

    @inlinable public func write<T: FixedWidthInteger>(_ pa: UInt64, _ value: T) {
        guard contains(pa, length: UInt64(MemoryLayout<T>.size)) else { return }
        (base + Int(pa)).storeBytes(of: value, as: T.self)
    }

    /// Copies bytes into RAM; false if any byte lies outside.
    @discardableResult
    public func copyIn(_ pa: UInt64, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard contains(pa, length: UInt64(bytes.count)) else { return false }
        if bytes.count > 0 { (base + Int(pa)).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
        return true
    }

    public func copyIn(_ pa: UInt64, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { copyIn(pa, $0) }
    }

    /// Zero-fills `[pa, pa+length)`; false if outside RAM.
    @discardableResult
    public func zero(_ pa: UInt64, length: UInt64) -> Bool {
        guard contains(pa, length: length) else { return false }
        if length > 0 { memset(base + Int(pa), 0, Int(length)) }
        return true
    }
}
