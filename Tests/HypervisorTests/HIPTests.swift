// SPDX-License-Identifier: MIT
// The HIP at the fork's layout (digest §2.9, include/hip.hpp): bytes at the documented offsets
// and the checksum as `Hip::finalize` computes it.
import Testing
import MMU
@testable import Hypervisor

@Suite struct HIPTests {
    let ram = PhysicalMemory(size: 64 << 20)!
    static let page: UInt64 = 0x3FF_F000

    func u16(_ o: UInt64) -> UInt16 { ram.read(HIPTests.page + o) }
    func u32(_ o: UInt64) -> UInt32 { ram.read(HIPTests.page + o) }
    func u64(_ o: UInt64) -> UInt64 { ram.read(HIPTests.page + o) }

    func build() throws {
        try HIP.build(in: ram, page: HIPTests.page, memory: [
            .ram(address: 0, size: 64 << 20),
            .module(address: 0x20_0000, size: 0x1_2345, commandLine: 0x1F_F000),
            .hypervisorRegion(address: 32 << 20, size: 32 << 20),
        ], serialPort: 0x2F8)
    }

    @Test func header() throws {
        try build()
        #expect(u32(0x00) == 0x4156_4F4E)
        #expect(u16(0x08) == 0x90 && u16(0x0A) == 48)
        #expect(u16(0x0C) == 0xC90 && u16(0x0E) == 16)
        #expect(u16(0x10) == 0xD20 && u16(0x12) == 24)
        #expect(u32(0x14) == 0, "no IOMMU, VMX, SVM or UEFI")
        #expect(u32(0x18) == 5004)
        #expect(u32(0x1C) == 1 << 26)
        #expect(u32(0x20) == 32)
        #expect(u32(0x24) == 256 && u32(0x28) == 192)
        #expect(u32(0x2C) == 4096 && u32(0x30) == 4096)
        #expect(u32(0x34) == 1_000_000, "1 GHz virtual TSC, in kHz")
        #expect(u64(0x88) == 0x2F8)
        for o in stride(from: UInt64(0x38), to: 0x88, by: 4) { #expect(u32(o) == 0, "offset 0x\(String(o, radix: 16))") }
    }

    @Test func cpuDescriptors() throws {
        try build()
        // CPU 0 online, all ids 0; CPUs 1…63 absent.
        #expect(ram.read(HIPTests.page + 0x90, as: UInt8.self) == 1)
        for cpu in UInt64(1)..<64 { #expect(ram.read(HIPTests.page + 0x90 + cpu * 48, as: UInt8.self) == 0) }
        #expect(HIP.Offset.cpuDesc + 64 * 48 == HIP.Offset.ioapicDesc)
        #expect(HIP.Offset.ioapicDesc + 9 * 16 == HIP.Offset.memDesc)
    }

    @Test func memoryDescriptors() throws {
        try build()
        #expect(u64(0xD20) == 0 && u64(0xD28) == 64 << 20 && u32(0xD30) == 1 && u32(0xD34) == 0)
        #expect(u64(0xD38) == 0x20_0000 && u64(0xD40) == 0x1_2345 && u32(0xD48) == 0xFFFF_FFFE && u32(0xD4C) == 0x1F_F000)
        #expect(u64(0xD50) == 32 << 20 && u64(0xD58) == 32 << 20 && u32(0xD60) == 0xFFFF_FFFF && u32(0xD64) == 0)
        #expect(u16(0x06) == 0xD20 + 3 * 24, "length ends the array")
    }

    @Test func checksum() throws {
        try build()
        #expect(HIP.isValid(in: ram, page: HIPTests.page))
        var sum: UInt16 = 0
        for o in stride(from: UInt64(0), to: UInt64(u16(0x06)), by: 2) { sum &+= u16(o) }
        #expect(sum == 0)
        #expect(u16(0x04) == HIP.checksum(in: ram, page: HIPTests.page))
        // Any change breaks it.
        ram.write(HIPTests.page + 0x88, UInt64(0x3F8))
        #expect(!HIP.isValid(in: ram, page: HIPTests.page))
    }

    @Test func limits() throws {
        let many = [HIP.MemoryDescriptor](repeating: .ram(address: 0, size: 4096), count: HIP.memorySlots + 1)
        #expect(HIP.memorySlots == 30)
        #expect(throws: Status.badParameter) { try HIP.build(in: ram, page: HIPTests.page, memory: many) }
        try HIP.build(in: ram, page: HIPTests.page, memory: Array(many.dropLast()))
        #expect(u16(0x06) == 0xD20 + 30 * 24)
        #expect(HIP.isValid(in: ram, page: HIPTests.page))
        #expect(throws: Status.badParameter) { try HIP.build(in: ram, page: 0x123, memory: []) }
        #expect(throws: Status.badParameter) { try HIP.build(in: ram, page: 64 << 20, memory: []) }
    }
}
