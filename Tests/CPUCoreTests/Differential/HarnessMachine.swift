// SPDX-License-Identifier: MIT
// Emu's side of the differential harness: a CPL-3 long-mode machine with the native runner's
// address space (Tests/Native/README.md): the data page at 0x10000000 (RW, NX) and the code page
// at 0x20000000, both 4 KiB pages with nothing mapped around them, so guard-page accesses fault
// (#PF) in both. Exceptions come back as exits (hosted mode); a HLT after the snippet marks its end.
// The x87/SSE state goes in and out as an FXSAVE64 image (HarnessMachine+FPU.swift).
@testable import CPUCore
import MMU

final class HarnessMachine {
    let ram: PhysicalMemory
    let mmu: MMU
    let cpu: CPU
    // Physical layout: paging structures at 0x1000…0x5FFF, data frame, code frame.
    static let dataFrame: UInt64 = 0x1_0000
    static let codeFrame: UInt64 = 0x1_1000
    private var codePage = [UInt8](repeating: 0xCC, count: SnippetState.pageSize)

    init() {
        ram = PhysicalMemory(size: 1 << 20)!
        mmu = MMU(ram: ram)
        cpu = CPU(mmu: mmu)
        let user: UInt64 = 0x7          // present, writable, user
        let nx: UInt64 = 1 << 63
        ram.write(0x1000, UInt64(0x2000) | user)                       // PML4[0] → PDPT
        ram.write(0x2000, UInt64(0x3000) | user)                       // PDPT[0] → PD (first GiB)
        ram.write(0x3000 + 128 * 8, UInt64(0x4000) | user)             // PD[128]: 0x10000000
        ram.write(0x3000 + 256 * 8, UInt64(0x5000) | user)             // PD[256]: 0x20000000
        ram.write(0x4000, HarnessMachine.dataFrame | user | nx)         // data page: RW, NX
        ram.write(0x5000, HarnessMachine.codeFrame | user)              // code page: RWX
        cpu.enterLongMode(cr3: 0x1000, gdt: DescriptorTableRegister(), codeSelector: 0x33, dataSelector: 0x2B, cpl: 3)
        // Linux starts 64-bit processes with DS = ES = 0 (only SS holds __USER_DS), as the snippet
        // sees them natively: MOV r, Sreg and the FDS field of FNSTENV/FNSAVE show it.
        cpu.segs[Segment.ds.rawValue].selector = 0
        cpu.segs[Segment.es.rawValue].selector = 0
        cpu.hostedKernel = true
    }

    /// Runs `input.code` from `input`'s state and returns the final state in the runner's terms.
    func run(_ input: SnippetState, budget: UInt64 = 100_000) -> SnippetState {
        _ = input.mem.withUnsafeBytes { ram.copyIn(HarnessMachine.dataFrame, $0) }
        let n = input.code.count
        for i in 0..<n { codePage[i] = input.code[i] }
        codePage[n] = 0xF4                                   // HLT: #GP at CPL 3 marks the end
        _ = codePage.withUnsafeBytes { ram.copyIn(HarnessMachine.codeFrame, $0) }
        for i in 0...n { codePage[i] = 0xCC }
        cpu.flushDecodedCode()

        for i in 0..<16 { cpu.regs[i] = input.gpr[i] }
        cpu.rip = SnippetState.codeAddress
        // As the runner's prologue: only CF PF AF ZF SF DF OF from the input, IF and bit 1 set.
        cpu.rflags = (input.rflags & 0xCD5) | 0x202
        loadFPU(input)
        let exit = cpu.run(budget: budget)

        var out = input
        for i in 0..<16 { out.gpr[i] = cpu.regs[i] }
        out.rflags = cpu.rflags
        out.rip = cpu.rip &- SnippetState.codeAddress
        storeFPU(&out)
        out.mem = Array(UnsafeRawBufferPointer(start: ram.pointer(HarnessMachine.dataFrame)!, count: SnippetState.pageSize))
        switch exit {
        case .exception(let e):
            let atEnd = e.vector == CPUException.GP && cpu.rip == SnippetState.codeAddress + UInt64(n)
            out.exception = atEnd ? SnippetState.ranToEnd : UInt32(e.vector)
        case .budgetExhausted: out.exception = SnippetState.timeout
        default: out.exception = SnippetState.unexpectedExit
        }
        return out
    }
}
