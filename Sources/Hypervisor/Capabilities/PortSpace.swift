// SPDX-License-Identifier: MIT
// A PD's I/O-port space as the I/O permission bitmap of a 64-bit TSS that IN/OUT at CPL 3
// consult (SDM Vol. 1 §19.5.2, Vol. 3A §8.7). Hedron: src/space_pio.cpp, src/tss.cpp.
import CPUCore

/// Port I/O space (`Space_pio`): one TSS image per PD, mapped supervisor-only and read-only in
/// the PD's kernel half at `address` (Hedron's `SPC_LOCAL_IOP`), so the CPU's permission check
/// finds it through the PD's own page tables while TR points at it.
///
/// Layout (three frames, virtually contiguous):
/// ```
/// 0x0000  TSS (104 bytes); I/O map base at 0x66 = 0x68
/// 0x0068  I/O permission bitmap, 8 KiB, one bit per port: clear = allowed
/// 0x2068  0xFF, the byte the SDM requires after the bitmap (a 2-byte read at port 0xFFFF)
/// ```
/// The bitmap starts all ones (Hedron's `FILL_1`): every port denied until delegated.
/// Hedron maps only the 8 KiB bitmap behind a per-CPU TSS; with one TSS per PD the trailing
/// byte fits inside the limit, so port 0xFFFF behaves as the SDM says.
public final class PortSpace {
    /// Linear address of the TSS in every PD (`SPC_LOCAL_IOP`, include/memory.hpp).
    public static let address: UInt64 = 0xFFFF_FFFF_C000_0000
    /// Offset of the bitmap from the TSS base, stored at TSS offset 0x66.
    public static let ioMapBase: UInt64 = 0x68
    /// Segment limit: the last byte of the image (the trailing 0xFF).
    public static let limit: UInt64 = ioMapBase + 0x2000

    let kernelMemory: KernelMemory
    /// Physical addresses of the image's three frames, in order.
    public let frames: [UInt64]

    /// Builds the TSS image in three new frames and maps it into `memory`'s kernel half.
    public init(kernelMemory: KernelMemory, memory: MemorySpace) throws(Status) {
        self.kernelMemory = kernelMemory
        var frames: [UInt64] = []
        do {
            for _ in 0..<3 { frames.append(try kernelMemory.allocate(fill: 0xFF)) }
            for (i, f) in frames.enumerated() {
                try memory.mapSupervisor(page: (PortSpace.address >> 12) + UInt64(i), frame: f >> 12, writable: false)
            }
        } catch {
            for f in frames { kernelMemory.free(f) }
            throw error
        }
        self.frames = frames
        // The TSS proper: zero (no stacks are used: hosted mode takes no interrupts at CPL 3),
        // then the I/O map base. The bitmap and the trailing byte keep their 0xFF fill.
        kernelMemory.ram.zero(frames[0], length: PortSpace.ioMapBase)
        kernelMemory.ram.write(frames[0] + 0x66, UInt16(PortSpace.ioMapBase))
    }

    deinit { for f in frames { kernelMemory.free(f) } }

    /// TR for this PD: the TSS at `address`, limit to the trailing byte, type 0xB (busy 64-bit
    /// TSS), present. The supervisor loads it when it switches to an EC of this PD.
    public var taskRegister: SegmentRegister {
        SegmentRegister(selector: 0, base: PortSpace.address, limit: UInt32(PortSpace.limit), attributes: 0x8B)
    }

    /// Physical address of the bitmap byte holding `port`'s bit.
    func byteAddress(_ port: UInt16) -> UInt64 {
        let offset = PortSpace.ioMapBase + UInt64(port >> 3)
        return frames[Int(offset >> 12)] + (offset & 0xFFF)
    }

    /// True if `port`'s bit is clear (IN/OUT of that byte allowed at CPL 3).
    public func isAllowed(_ port: UInt16) -> Bool {
        let b: UInt8 = kernelMemory.ram.read(byteAddress(port))
        return b & (1 << (port & 7)) == 0
    }

    /// Allows the ports `[base, base + count)` (clears their bits); the range is clipped at 0xFFFF.
    public func allow(base: UInt16, count: Int) { update(base: base, count: count, allow: true) }

    /// Denies the ports `[base, base + count)` (sets their bits).
    public func deny(base: UInt16, count: Int) { update(base: base, count: count, allow: false) }

    /// Allows or denies `2^order` ports from `base`, as a port CRD names them.
    public func update(base: UInt64, order: UInt8, allow: Bool) {
        guard base <= 0xFFFF, order <= 16 else { return }
        update(base: UInt16(base), count: 1 << Int(order), allow: allow)
    }

    private func update(base: UInt16, count: Int, allow: Bool) {
        let end = min(Int(base) + max(count, 0), 0x10000)
        let ram = kernelMemory.ram
        for p in Int(base)..<end {
            let port = UInt16(p)
            let a = byteAddress(port)
            let b: UInt8 = ram.read(a)
            let bit = UInt8(1) << (port & 7)
            ram.write(a, allow ? b & ~bit : b | bit)
        }
    }
}
