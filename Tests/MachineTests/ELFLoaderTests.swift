// SPDX-License-Identifier: MIT
// The kernel ELF reader and loader on hand-made malformed files: each gives a one-line
// ELFError naming the problem (docs/boot-protocol.md), never a trap.
import Testing
@testable import Machine
import CPUCore

@Suite struct ELFLoaderTests {
    static func machine(memory: UInt64 = 32 << 20) throws -> Machine {
        var c = Configuration()
        c.memory = memory
        c.serial = .none
        return try Machine(configuration: c)
    }

    func loadError(_ b: ELFBuilder) throws -> String? {
        let m = try ELFLoaderTests.machine()
        do { try m.loadKernel(b.bytes); return nil } catch { return error.message }
    }

    func parseError(_ bytes: [UInt8]) -> String? {
        do { _ = try ELF64Executable(bytes); return nil } catch { return error.message }
    }

    @Test func validKernelParsesAndLoads() throws {
        let elf = try ELF64Executable(ELFBuilder.exitKernel.bytes)
        #expect(elf.entry == 0x10_0000)
        #expect(elf.segments.map(\.paddr) == [0x10_0000, 0x10_1000])
        #expect(elf.segments[1].fileSize == 4 && elf.segments[1].memSize == 0x2000)
        let m = try ELFLoaderTests.machine()
        try m.loadKernel(ELFBuilder.exitKernel.bytes)
        #expect(m.cpu.rip == 0x10_0000 && m.cpu.regs[Reg.rdi] == BootLayout.bootInfo)
        #expect(m.ram.read(0x10_1000, as: UInt32.self) == 0x0403_0201)
        #expect(m.ram.read(0x10_1004, as: UInt64.self) == 0, "p_memsz beyond p_filesz is zeroed")
    }

    /// Header fields (gABI "ELF Header"): each wrong value is named.
    @Test(arguments: [
        ("magic", [(1, 0x46)], "not an ELF file"),
        ("EI_CLASS 32-bit", [(4, 1)], "not a 64-bit ELF file"),
        ("big endian", [(5, 2)], "not a little-endian"),
        ("e_machine i386", [(18, 3)], "not an x86-64 ELF file"),
        ("ET_DYN", [(16, 3)], "not an executable"),
        ("no program headers", [(56, 0)], "no program headers"),
        ("e_phoff past the end", [(33, 0x10)], "program headers lie outside the file"),
        ("e_phentsize 32", [(54, 32)], "program headers lie outside the file"),
        ("e_phnum 65535", [(56, 0xFF), (57, 0xFF)], "program headers lie outside the file"),
        ("no PT_LOAD", [(64, 4), (120, 4)], "no PT_LOAD segments"),
    ] as [(String, [(Int, UInt8)], String)])
    func malformedHeader(name: String, patch: [(Int, UInt8)], message: String) {
        var bytes = ELFBuilder.exitKernel.bytes
        for (offset, value) in patch { bytes[offset] = value }
        #expect(parseError(bytes)?.contains(message) == true, "\(name): \(parseError(bytes) ?? "accepted")")
    }

    @Test func tooShortForAHeader() {
        for n in 0..<64 { #expect(parseError(Array(ELFBuilder.exitKernel.bytes.prefix(n))) == "not an ELF file") }
    }

    /// Program header fields (gABI "Program Header").
    @Test func malformedSegments() throws {
        var b = ELFBuilder.exitKernel
        b.segments[1].memSize = 2                                   // p_filesz 4 > p_memsz 2
        #expect(try loadError(b)?.contains("p_filesz exceeds p_memsz") == true)

        var bytes = ELFBuilder.exitKernel.bytes
        bytes[64 + 56 + 8 + 2] = 0x01                               // second p_offset + 64 KiB
        #expect(parseError(bytes)?.contains("file data lies outside the file") == true)
        bytes = ELFBuilder.exitKernel.bytes
        for k in 0..<8 { bytes[64 + 8 + k] = 0xFF }                 // p_offset = 2^64 - 1
        #expect(parseError(bytes)?.contains("file data lies outside the file") == true)
        bytes = ELFBuilder.exitKernel.bytes
        for k in 0..<8 { bytes[64 + 32 + k] = 0xFF }                // p_filesz = 2^64 - 1 (and p_memsz smaller)
        #expect(parseError(bytes) != nil)
    }

    /// Segments must lie in RAM at or above 1 MiB (docs/boot-protocol.md).
    @Test(arguments: [0, 0xF_F000, 0x200_0000, 0x1FF_F000, 0xFFFF_FFFF_FFFF_F000] as [UInt64])
    func segmentOutsideRAM(paddr: UInt64) throws {
        var b = ELFBuilder.exitKernel
        b.segments[1].paddr = paddr
        b.segments[1].vaddr = paddr
        #expect(try loadError(b)?.contains("lies outside RAM above 1 MiB") == true)
    }

    @Test func segmentAsLargeAsRAMButOffsetOverflows() throws {
        var b = ELFBuilder.exitKernel
        b.segments[1].memSize = UInt64.max
        #expect(try loadError(b) != nil)
    }

    /// p_vaddr != p_paddr is mapped with 4 KiB pages; it must be canonical, keep the page
    /// offset, and not collide with the identity map.
    @Test func higherHalfMappings() throws {
        var b = ELFBuilder.exitKernel
        b.segments[1].vaddr = 0xFFFF_FFFF_8010_1000
        #expect(try loadError(b) == nil)
        // The very last page of the address space: the end of the segment is 2^64.
        b.segments[1].vaddr = 0xFFFF_FFFF_FFFF_E000
        #expect(try loadError(b) == nil)
        // The last page, partly: the page loop must not step past 2^64.
        b.segments[1].vaddr = 0xFFFF_FFFF_FFFF_F000
        b.segments[1].memSize = 0x800
        #expect(try loadError(b) == nil)
        b.segments[1].memSize = 0x2000
        // Ending exactly at the top of the lower half is fine too.
        b.segments[1].vaddr = 0x7FFF_FFFF_E000
        #expect(try loadError(b) == nil)
        // Wrapping past 2^64, crossing into the non-canonical hole, or starting in it is not.
        for va: UInt64 in [0xFFFF_FFFF_FFFF_F000, 0x7FFF_FFFF_F000, 0x8000_0000_0000, 0xFFFF_0000_0000_0000] {
            b.segments[1].vaddr = va
            #expect(try loadError(b)?.contains("cannot be mapped") == true, "p_vaddr \(String(va, radix: 16))")
        }
        b.segments[1].vaddr = 0xFFFF_FFFF_8010_1800                  // page offset differs from p_paddr
        #expect(try loadError(b)?.contains("cannot be mapped") == true)
        b.segments[1].vaddr = 0x40_0000                              // inside the 2 MiB identity map
        #expect(try loadError(b)?.contains("overlaps the identity map") == true)
        b.segments[1].vaddr = 0xFFFF_8000_0000_0000
        b.segments[1].memSize = 30 << 20                            // 15 page tables + PD + PDPT > 16 pool pages
        #expect(try loadError(b)?.contains("too many page tables") == true)
    }

    /// A higher-half segment is reachable at p_vaddr after loading.
    @Test func higherHalfSegmentIsMapped() throws {
        var b = ELFBuilder.exitKernel
        b.segments[1].vaddr = 0xFFFF_FFFF_FFFF_E000
        let m = try ELFLoaderTests.machine()
        try m.loadKernel(b.bytes)
        #expect(m.mmu.peekTranslate(0xFFFF_FFFF_FFFF_E002) == 0x10_1002)
        #expect(m.mmu.peekTranslate(0xFFFF_FFFF_FFFF_FFFF) == 0x10_2FFF)
    }
}
