// SPDX-License-Identifier: MIT
// The I/O bitmap in the PD's TSS: IN and OUT executed at CPL 3 by the real CPU
// (CPU.ioPermitted, Sources/CPUCore/Instructions/Misc.swift) must honour it (SDM Vol. 1 §19.5.2).
import Testing
import MMU
import CPUCore
@testable import Hypervisor

@Suite struct PortSpaceTests {
    @Test func imageLayout() throws {
        let f = Fixture()
        let pd = try f.pd()
        let ports = try #require(pd.ports)
        #expect(ports.frames.count == 3)
        #expect(f.ram.read(ports.frames[0] + 0x66, as: UInt16.self) == 0x68)
        #expect(f.ram.read(ports.frames[0], as: UInt64.self) == 0)
        #expect(f.ram.read(ports.frames[0] + 0x68, as: UInt8.self) == 0xFF, "every port starts denied")
        #expect(f.ram.read(ports.frames[2] + 0x68, as: UInt8.self) == 0xFF, "the trailing byte")
        #expect(ports.taskRegister.base == 0xFFFF_FFFF_C000_0000 && ports.taskRegister.limit == 0x2068)
        // Mapped supervisor-only, read-only, at the TSS address in the PD's own tables.
        for i in 0..<3 {
            let m = try #require(pd.memory?.lookup(page: (PortSpace.address >> 12) + UInt64(i)))
            #expect(m.frame == ports.frames[i] >> 12 && !m.user && m.permissions == [.read])
        }
    }

    @Test func allowAndDeny() throws {
        let f = Fixture()
        let ports = try #require(try f.pd().ports)
        ports.allow(base: 0x3F8, count: 8)
        #expect((0x3F8...0x3FF).allSatisfy { ports.isAllowed(UInt16($0)) })
        #expect(!ports.isAllowed(0x3F7) && !ports.isAllowed(0x400))
        // Port 0x3F8 is bit 0 of bitmap byte 0x7F.
        #expect(f.ram.read(ports.frames[0] + 0x68 + 0x7F, as: UInt8.self) == 0x00)
        ports.deny(base: 0x3FA, count: 1)
        #expect(!ports.isAllowed(0x3FA) && ports.isAllowed(0x3FB))
        ports.update(base: 0xFFF8, order: 3, allow: true)
        #expect(ports.isAllowed(0xFFFF))
        // Byte 0x1FFF of the bitmap lies in the third frame.
        #expect(f.ram.read(ports.frames[2] + 0x67, as: UInt8.self) == 0x00)
        ports.allow(base: 0xFFFF, count: 10)        // clipped at the last port
        ports.update(base: 0x1_0000, order: 0, allow: true)    // out of range: ignored
    }

    /// Runs `in al, dx` then `syscall` at CPL 3 in `pd`, with DX = `port`: the exit tells
    /// whether the CPU let the IN through.
    func runIn(_ f: Fixture, _ pd: ProtectionDomain, port: UInt16, size: Int = 1) throws -> CPUExit {
        let code: UInt64 = 0x40_0000, codeFrame: UInt64 = 0x10_0000
        try pd.memory!.map(page: code >> 12, frame: codeFrame >> 12, permissions: [.read, .execute])
        let bytes: [UInt8] = (size == 1 ? [0xEC] : size == 2 ? [0x66, 0xED] : [0xED]) + [0x0F, 0x05]
        _ = f.ram.copyIn(codeFrame, bytes)
        let cpu = CPU(mmu: MMU(ram: f.ram))
        cpu.enterLongMode(cr3: pd.memory!.pml4, gdt: DescriptorTableRegister(), cpl: 3)
        cpu.hostedKernel = true
        cpu.tr = pd.ports!.taskRegister
        cpu.regs[Reg.rdx] = UInt64(port)
        cpu.regs[Reg.rax] = 0
        cpu.rip = code
        return cpu.run(budget: 10)
    }

    @Test func cpuHonoursTheBitmap() throws {
        let f = Fixture()
        let pd = try f.pd()
        #expect(try runIn(f, pd, port: 0x3F8) == .exception(.gp(0)))
        pd.ports!.allow(base: 0x3F8, count: 8)
        #expect(try runIn(f, pd, port: 0x3F8) == .syscall)
        #expect(try runIn(f, pd, port: 0x3FF) == .syscall)
        #expect(try runIn(f, pd, port: 0x400) == .exception(.gp(0)))
        // A 4-byte IN needs all four bits clear.
        #expect(try runIn(f, pd, port: 0x3FC, size: 4) == .syscall)
        #expect(try runIn(f, pd, port: 0x3FD, size: 4) == .exception(.gp(0)))
        #expect(try runIn(f, pd, port: 0x3FE, size: 2) == .syscall)
        pd.ports!.deny(base: 0x3F9, count: 1)
        #expect(try runIn(f, pd, port: 0x3F9) == .exception(.gp(0)))
    }

    @Test func lastPortUsesTheTrailingByte() throws {
        let f = Fixture()
        let pd = try f.pd()
        #expect(try runIn(f, pd, port: 0xFFFF) == .exception(.gp(0)))
        pd.ports!.allow(base: 0xFFFF, count: 1)
        #expect(try runIn(f, pd, port: 0xFFFF) == .syscall)
    }

    @Test func eachPDHasItsOwnBitmap() throws {
        let f = Fixture()
        let a = try f.pd(), b = try f.pd()
        a.ports!.allow(base: 0x60, count: 1)
        #expect(try runIn(f, a, port: 0x60) == .syscall)
        #expect(try runIn(f, b, port: 0x60) == .exception(.gp(0)))
    }
}
