// SPDX-License-Identifier: MIT
// The kernel boot loader of docs/boot-protocol.md: copies PT_LOAD segments, builds the identity
// map, the GDT and the boot information, and leaves the CPU in long mode at CPL 0.
import CPUCore
import MMU

public enum BootLayout {
    public static let gdt: UInt64 = 0x1000
    public static let bootInfo: UInt64 = 0x2000
    public static let memoryMap: UInt64 = 0x2100
    public static let commandLine: UInt64 = 0x3000
    public static let modules: UInt64 = 0x4000
    public static let pml4: UInt64 = 0x10000
    public static let pdpt: UInt64 = 0x11000
    public static let firstPD: UInt64 = 0x12000
    /// Page-table pages for higher-half mappings: 0x60000–0x6FFFF.
    public static let tablePool: UInt64 = 0x60000, tablePoolEnd: UInt64 = 0x70000
    public static let stackTop: UInt64 = 0x80000
    public static let kernelMinimum: UInt64 = 0x10_0000
    public static let magic: UInt64 = 0x3154_4F4F_4255_4D45  // "EMUBOOT1"

    /// The GDT of the protocol: null, kernel code64, kernel data, user code32, user data, user code64, 2 free.
    public static let gdtEntries: [UInt64] = [0, 0x00AF_9A00_0000_FFFF, 0x00CF_9200_0000_FFFF, 0x00CF_FA00_0000_FFFF,
                                              0x00CF_F200_0000_FFFF, 0x00AF_FA00_0000_FFFF, 0, 0]
}

extension Machine {
    /// Loads `bytes` as an ELF64 kernel and prepares the CPU to enter it.
    public func loadKernel(_ bytes: [UInt8]) throws(ELFError) {
        let elf = try ELF64Executable(bytes)
        for (k, s) in elf.segments.enumerated() {
            guard s.paddr >= BootLayout.kernelMinimum, s.memSize <= ram.size, s.paddr <= ram.size - s.memSize else {
                throw ELFError("segment \(k) at 0x\(String(s.paddr, radix: 16)) (+0x\(String(s.memSize, radix: 16))) lies outside RAM above 1 MiB")
            }
        }
        ram.zero(0, length: BootLayout.stackTop)
        for s in elf.segments {
            elf.bytes.withUnsafeBytes { all in
                _ = ram.copyIn(s.paddr, UnsafeRawBufferPointer(rebasing: all[Int(s.fileOffset)..<Int(s.fileOffset + s.fileSize)]))
            }
            ram.zero(s.paddr + s.fileSize, length: s.memSize - s.fileSize)
        }
        try buildPageTables(elf)
        for (k, e) in BootLayout.gdtEntries.enumerated() { ram.write(BootLayout.gdt + UInt64(k) * 8, e) }
        writeBootInfo(elf)
        cpu.enterLongMode(cr3: BootLayout.pml4, gdt: DescriptorTableRegister(base: BootLayout.gdt, limit: 0x3F))
        for r in 0..<16 { cpu.regs[r] = 0 }
        cpu.regs[Reg.rsp] = BootLayout.stackTop
        cpu.regs[Reg.rdi] = BootLayout.bootInfo
        cpu.rip = elf.entry
    }

    /// Identity map of all RAM (at least 4 GiB) with 2 MiB pages, plus 4 KiB mappings of segments whose p_vaddr differs.
    func buildPageTables(_ elf: ELF64Executable) throws(ELFError) {
        let gib: UInt64 = 1 << 30
        let pds = max(4, min(64, (ram.size + gib - 1) / gib))
        ram.zero(BootLayout.pml4, length: 0x2000 + pds * 0x1000)
        ram.zero(BootLayout.tablePool, length: BootLayout.tablePoolEnd - BootLayout.tablePool)
        ram.write(BootLayout.pml4, BootLayout.pdpt | 3)
        for d in 0..<pds {
            let pd = BootLayout.firstPD + d * 0x1000
            ram.write(BootLayout.pdpt + d * 8, pd | 3)
            for e in 0..<UInt64(512) { ram.write(pd + e * 8, (d * gib + e * (2 << 20)) | 0x83) }
        }
        var next = BootLayout.tablePool
        func table(_ entryAddr: UInt64) throws(ELFError) -> UInt64 {
            let e: UInt64 = ram.read(entryAddr)
            if e & 1 != 0 {
                guard e & 0x80 == 0 else { throw ELFError("higher-half segment overlaps the identity map") }
                return e & 0xF_FFFF_F000
            }
            guard next < BootLayout.tablePoolEnd else { throw ELFError("kernel needs too many page tables") }
            let t = next; next += 0x1000
            ram.write(entryAddr, t | 3)
            return t
        }
        for s in elf.segments where s.vaddr != s.paddr && s.memSize > 0 {
            // [p_vaddr, p_vaddr + p_memsz) must be canonical, in one half (SDM Vol. 1 §3.3.7.1).
            // The last byte is checked, not the end, which may be 2^64 or just past a half.
            let (last, wraps) = s.vaddr.addingReportingOverflow(s.memSize - 1)
            guard s.vaddr & 0xFFF == s.paddr & 0xFFF, !wraps, isCanonical(s.vaddr), isCanonical(last),
                  s.vaddr >> 63 == last >> 63 else {
                throw ELFError("segment p_vaddr 0x\(String(s.vaddr, radix: 16)) (+0x\(String(s.memSize, radix: 16))) cannot be mapped to p_paddr")
            }
            var va = s.vaddr & ~0xFFF
            var pa = s.paddr & ~0xFFF
            for _ in 0...(last >> 12) - (va >> 12) {
                let pdpt = try table(BootLayout.pml4 + ((va >> 39) & 511) * 8)
                let pd = try table(pdpt + ((va >> 30) & 511) * 8)
                let pt = try table(pd + ((va >> 21) & 511) * 8)
                ram.write(pt + ((va >> 12) & 511) * 8, pa | 3)
                va &+= 0x1000; pa += 0x1000
            }
        }
    }

    func writeBootInfo(_ elf: ELF64Executable) {
        let cmd = Array(configuration.commandLine.utf8.prefix(4095)) + [0]
        _ = ram.copyIn(BootLayout.commandLine, cmd)
        var entries: [(UInt64, UInt64, UInt32)] = [(0, BootLayout.kernelMinimum, 2)]
        var kernelStart = UInt64.max, kernelEnd: UInt64 = 0
        for s in elf.segments { kernelStart = min(kernelStart, s.paddr); kernelEnd = max(kernelEnd, s.paddr + s.memSize) }
        kernelEnd = (kernelEnd + 0xFFF) & ~0xFFF
        if kernelStart > BootLayout.kernelMinimum { entries.append((BootLayout.kernelMinimum, kernelStart - BootLayout.kernelMinimum, 1)) }
        entries.append((kernelStart, kernelEnd - kernelStart, 3))
        if kernelEnd < ram.size { entries.append((kernelEnd, ram.size - kernelEnd, 1)) }
        for (k, e) in entries.enumerated() {
            let a = BootLayout.memoryMap + UInt64(k) * 24
            ram.write(a, e.0); ram.write(a + 8, e.1); ram.write(a + 16, e.2); ram.write(a + 20, UInt32(0))
        }
        let b = BootLayout.bootInfo
        ram.write(b, BootLayout.magic)
        ram.write(b + 8, UInt32(1))
        ram.write(b + 12, UInt32(entries.count))
        ram.write(b + 16, BootLayout.memoryMap)
        ram.write(b + 24, BootLayout.commandLine)
        ram.write(b + 32, UInt64(0))
        ram.write(b + 40, BootLayout.modules)
        ram.write(b + 48, ram.size)
    }
}
