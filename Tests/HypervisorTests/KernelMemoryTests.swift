// SPDX-License-Identifier: MIT
// The kernel frame allocator: zeroed frames from the reserved range, reuse, and exhaustion as a
// status instead of Hedron's panic.
import Testing
import MMU
@testable import Hypervisor

@Suite struct KernelMemoryTests {
    @Test func reservesTheTopOfRAM() {
        let ram = PhysicalMemory(size: 64 << 20)!
        let k = KernelMemory(ram: ram)!
        #expect(k.base == (64 - 32) << 20 && k.size == 32 << 20)
        #expect(k.frameCount == 8192 && k.freeFrames == 8192)
        #expect(KernelMemory(ram: ram, reservingTop: 128 << 20) == nil)
        #expect(KernelMemory(ram: ram, base: 0x1001, size: 0x1000) == nil)
        #expect(KernelMemory(ram: ram, base: 0, size: 0) == nil)
        #expect(KernelMemory(ram: ram, base: 63 << 20, size: 2 << 20) == nil)
    }

    @Test func framesAreZeroedAndInRange() throws {
        let ram = PhysicalMemory(size: 1 << 20)!
        let k = KernelMemory(ram: ram, base: 0x8_0000, size: 0x4000)!
        let a = try k.allocate()
        #expect(k.contains(a) && a & 0xFFF == 0 && k.isAllocated(a))
        ram.write(a + 8, UInt64(0xDEAD_BEEF))
        k.free(a)
        #expect(!k.isAllocated(a))
        let b = try k.allocate()
        #expect(b == a, "freed frames are reused first")
        #expect(ram.read(b + 8, as: UInt64.self) == 0, "and zeroed again")
        let c = try k.allocate(fill: 0xFF)
        #expect(ram.read(c + 0xFF8, as: UInt64.self) == ~0)
    }

    @Test func exhaustionIsAStatus() throws {
        let ram = PhysicalMemory(size: 1 << 20)!
        let k = KernelMemory(ram: ram, base: 0x8_0000, size: 0x3000)!
        var frames: [UInt64] = []
        for _ in 0..<3 { frames.append(try k.allocate()) }
        #expect(Set(frames).count == 3 && k.freeFrames == 0)
        #expect(throws: Status.abort) { try k.allocate() }
        k.free(frames[1])
        #expect(k.freeFrames == 1)
        #expect(try k.allocate() == frames[1])
    }

    @Test func exhaustionInsideAPageTableBuild() throws {
        // A PML4 and nothing else: the first mapping needs three more table frames.
        let ram = PhysicalMemory(size: 1 << 20)!
        let k = KernelMemory(ram: ram, base: 0x8_0000, size: 0x2000)!
        let space = try MemorySpace(kernelMemory: k)
        #expect(throws: Status.abort) { try space.map(page: 0x400, frame: 0x10, permissions: .all) }
        #expect(space.lookup(page: 0x400) == nil)
    }
}
