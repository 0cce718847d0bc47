// SPDX-License-Identifier: MIT
// A minimal machine for CPU tests: 16 MiB of RAM, an identity map of the first 1 GiB with 2 MiB
// pages (supervisor, writable), long mode at CPL 0, code at 0x100000, stack below 0x80000.
@testable import CPUCore
import MMU

final class TestMachine {
    let ram: PhysicalMemory
    let mmu: MMU
    let cpu: CPU
    static let code: UInt64 = 0x10_0000
    static let data: UInt64 = 0x20_0000
    static let stack: UInt64 = 0x8_0000

    init(memory: UInt64 = 16 << 20) {
        ram = PhysicalMemory(size: memory)!
        mmu = MMU(ram: ram)
        cpu = CPU(mmu: mmu)
        // PML4 0x1000 → PDPT 0x2000 → PD 0x3000 with 512 × 2 MiB pages.
        ram.write(0x1000, UInt64(0x2000 | 3))
        ram.write(0x2000, UInt64(0x3000 | 3))
        for e in 0..<UInt64(512) { ram.write(0x3000 + e * 8, (e << 21) | 0x83) }
        // GDT at 0x500: null, code64, data.
        ram.write(0x500, UInt64(0)); ram.write(0x508, UInt64(0x00AF_9A00_0000_FFFF)); ram.write(0x510, UInt64(0x00CF_9200_0000_FFFF))
        cpu.enterLongMode(cr3: 0x1000, gdt: DescriptorTableRegister(base: 0x500, limit: 0x17))
        cpu.regs[Reg.rsp] = TestMachine.stack
        cpu.rip = TestMachine.code
    }

    /// Places `bytes` at the code address followed by HLT, and runs until HLT or `budget` instructions.
    @discardableResult
    func run(_ bytes: [UInt8], budget: UInt64 = 100_000) -> CPUExit {
        _ = ram.copyIn(TestMachine.code, bytes + [0xF4])
        cpu.flushDecodedCode()
        cpu.rip = TestMachine.code
        return cpu.run(budget: budget)
    }

    subscript(reg: Int) -> UInt64 {
        get { cpu.regs[reg] }
        set { cpu.regs[reg] = newValue }
    }
}
