// SPDX-License-Identifier: MIT
// Hand-made files that each break one rule get one clear error; valid variants parse to the
// expected image (PT_PHDR, PT_GNU_STACK, static-PIE alignment, empty PT_LOADs).
import Testing
@testable import Personality

@Suite struct ELFMalformedTests {
    private func error(_ bytes: [UInt8]) -> String? {
        do { _ = try ELFLoader.parse(bytes); return nil } catch { return error.message }
    }

    private func mutated(_ f: (inout RawELF) -> Void) -> [UInt8] {
        var e = RawELF.valid
        f(&e)
        return e.bytes
    }

    @Test func validBaseline() throws {
        let image = try ELFLoader.parse(RawELF.valid.bytes)
        #expect(image.type == .executable && image.loadBias == 0 && image.entry == 0x40_1000)
        #expect(image.segments == [
            LoadSegment(vaddr: 0x40_0000, memsz: 0x200, fileOffset: 0, filesz: 0x200, readable: true, writable: false, executable: false),
            LoadSegment(vaddr: 0x40_1000, memsz: 0x100, fileOffset: 0x1000, filesz: 0x100, readable: true, writable: false, executable: true),
            LoadSegment(vaddr: 0x40_2000, memsz: 0x3000, fileOffset: 0x2000, filesz: 0x10, readable: true, writable: true, executable: false),
        ])
        #expect(image.phdrAddress == 0x40_0040 && image.phnum == 4 && image.phent == 56)
        #expect(image.hasGNUStack && !image.executableStack)
        #expect(image.highestAddress == 0x40_5000)
        #expect(Array(image.bytes(of: image.segments[1]).prefix(3)) == [0xF4, 0xEB, 0xFD])
        #expect(image.segments[2].pageStart == 0x40_2000 && image.segments[2].pageEnd == 0x40_5000)
    }

    /// Each case breaks one rule; the message must say which.
    @Test func eachBrokenRuleHasItsMessage() {
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "not an ELF file (no \\x7fELF magic)"),
            ("bad magic", mutated { $0.ident[1] = 0x46 }, "not an ELF file (no \\x7fELF magic)"),
            ("short", Array(RawELF.valid.bytes.prefix(40)), "file too short for an ELF64 header (40 bytes)"),
            ("32-bit", mutated { $0.ident[4] = 1 }, "32-bit ELF files are not supported"),
            ("class 3", mutated { $0.ident[4] = 3 }, "bad ELF class 3"),
            ("big endian", mutated { $0.ident[5] = 2 }, "not a little-endian ELF file (EI_DATA 2)"),
            ("ident version", mutated { $0.ident[6] = 0 }, "unsupported ELF version 0 (expected 1)"),
            ("e_version", mutated { $0.version = 2 }, "unsupported ELF version 2 in e_version (expected 1)"),
            ("machine", mutated { $0.machine = 3 }, "not an x86-64 executable (e_machine 3)"),
            ("ET_REL", mutated { $0.type = 1 }, "a relocatable object file (ET_REL) is not an executable"),
            ("ET_CORE", mutated { $0.type = 4 }, "a core dump (ET_CORE) is not an executable"),
            ("ET_NONE", mutated { $0.type = 0 }, "not an executable (e_type 0)"),
            ("phentsize", mutated { $0.phentsize = 32 }, "bad program header size e_phentsize 32 (expected 56)"),
            ("no phdrs", mutated { $0.phnum = 0 }, "no program headers"),
            ("PN_XNUM", mutated { $0.phnum = 0xFFFF }, "extended program header numbering (e_phnum PN_XNUM) is not supported"),
            ("too many", mutated { $0.phnum = 1171 }, "too many program headers (1171; Linux allows 1170)"),
            ("phoff past end", mutated { $0.phoff = 0x2FF0 }, "program header table (offset 0x2ff0, 4 entries) extends past the end of the file"),
            ("phoff overflow", mutated { $0.phoff = 0xFFFF_FFFF_FFFF_FFC0 }, "program header table (offset 0xffffffffffffffc0, 4 entries) extends past the end of the file"),
            ("interp", mutated { $0.phdrs.append(.init(type: 3, offset: 0x300, filesz: 0x10, memsz: 0x10, align: 1)) }, "dynamic executables are not supported"),
            ("file range", mutated { $0.phdrs[1].filesz = 0x2001 }, "PT_LOAD 1: file range 0x1000+0x2001 extends past the end of the file (12288 bytes)"),
            ("file range overflow", mutated { $0.phdrs[1].offset = 0xFFFF_FFFF_FFFF_F000; $0.phdrs[1].vaddr = 0x40_1000 }, "PT_LOAD 1: file range 0xfffffffffffff000+0x100 extends past the end of the file (12288 bytes)"),
            ("filesz > memsz", mutated { $0.phdrs[1].memsz = 0x80 }, "PT_LOAD 1: p_filesz 0x100 exceeds p_memsz 0x80"),
            ("vaddr overflow", mutated { $0.phdrs[2].vaddr = 0xFFFF_FFFF_FFFF_F000 }, "PT_LOAD 2: p_vaddr + p_memsz overflows"),
            ("congruence", mutated { $0.phdrs[1].vaddr = 0x40_1010 }, "PT_LOAD 1: p_vaddr 0x401010 and p_offset 0x1000 differ modulo the page size"),
            ("no load", mutated { $0.phdrs = [$0.phdrs[3]] }, "no PT_LOAD segment"),
            ("overlap", mutated { $0.phdrs[1].memsz = 0x1001 }, "PT_LOAD 1 and PT_LOAD 2 overlap"),
            ("order", mutated { $0.phdrs.swapAt(1, 2); $0.entry = 0x40_1000 }, "PT_LOAD 2 is below PT_LOAD 1: segments not in ascending p_vaddr order"),
            ("beyond user space", mutated { $0.phdrs[2].vaddr = 0x7FFF_FFFF_E000 }, "PT_LOAD 2 (0x7fffffffe000+0x3000) extends beyond the user address space (0x7ffffffff000)"),
            ("non-canonical", mutated { $0.phdrs[2].vaddr = 0xFFFF_8000_0000_2000 }, "PT_LOAD 2 (0xffff800000002000+0x3000) extends beyond the user address space (0x7ffffffff000)"),
            ("page 0", mutated { $0.phdrs[0].vaddr = 0 }, "PT_LOAD 0 at 0x0 maps below mmap_min_addr (0x1000)"),
            ("entry outside", mutated { $0.entry = 0x50_0000 }, "entry point 0x500000 is not inside an executable PT_LOAD segment"),
            ("entry in data", mutated { $0.entry = 0x40_2000 }, "entry point 0x402000 is not inside an executable PT_LOAD segment"),
            ("entry at end", mutated { $0.entry = 0x40_1100 }, "entry point 0x401100 is not inside an executable PT_LOAD segment"),
            ("PT_PHDR outside", mutated { $0.phdrs.insert(.init(type: 6, offset: 64, vaddr: 0x30_0040, filesz: 224, memsz: 224, align: 8), at: 0) }, "PT_PHDR at 0x300040 is not inside a PT_LOAD segment"),
            ("two PT_PHDR", mutated { $0.phdrs += [.init(type: 6, offset: 64, vaddr: 0x40_0040), .init(type: 6, offset: 64, vaddr: 0x40_0040)] }, "more than one PT_PHDR"),
        ]
        for (name, bytes, message) in cases {
            #expect(error(bytes) == message, "\(name)")
        }
    }

    @Test func programHeaderAddress() throws {
        // PT_PHDR wins when present.
        let withPhdr = try ELFLoader.parse(mutated {
            $0.phdrs.insert(.init(type: 6, offset: 64, vaddr: 0x40_0040, filesz: 280, memsz: 280, align: 8), at: 0)
        })
        #expect(withPhdr.phdrAddress == 0x40_0040 && withPhdr.phnum == 5)
        // Otherwise the PT_LOAD whose file range covers e_phoff (binfmt_elf.c since 5.18) ...
        let shifted = try ELFLoader.parse(mutated { $0.phdrs[0].offset = 0; $0.phdrs[0].vaddr = 0x38_0000 ; $0.phdrs[0].memsz = 0x200 })
        #expect(shifted.phdrAddress == 0x38_0040)
        // ... and load_bias + 0 when none does.
        let uncovered = try ELFLoader.parse(mutated { $0.phdrs[0].filesz = 0x20; $0.phdrs[0].memsz = 0x20 })
        #expect(uncovered.phdrAddress == 0)
    }

    @Test func gnuStack() throws {
        #expect(try ELFLoader.parse(mutated { $0.phdrs[3].flags = 7 }).executableStack)
        let none = try ELFLoader.parse(mutated { $0.phdrs.removeLast() })
        #expect(!none.executableStack && !none.hasGNUStack, "x86-64 default: no executable stack")
        // The last PT_GNU_STACK counts, as in load_elf_binary.
        #expect(try ELFLoader.parse(mutated { $0.phdrs.append(.init(type: 0x6474_E551, flags: 7)) }).executableStack)
    }

    @Test func emptyLoadSegmentsAreDropped() throws {
        let image = try ELFLoader.parse(mutated { $0.phdrs.append(.init(offset: 0, vaddr: 0x1000, filesz: 0, memsz: 0)) })
        #expect(image.segments.count == 3)
    }

    @Test func staticPIEBias() throws {
        func pie(align: UInt64, firstVaddr: UInt64 = 0) -> [UInt8] {
            mutated {
                $0.type = 3
                $0.phdrs[0].vaddr = firstVaddr; $0.phdrs[1].vaddr = firstVaddr + 0x1000; $0.phdrs[2].vaddr = firstVaddr + 0x2000
                for k in 0..<3 { $0.phdrs[k].align = align }
                $0.entry = firstVaddr + 0x1000
            }
        }
        let a = try ELFLoader.parse(pie(align: 0x1000))
        #expect(a.type == .staticPIE && a.loadBias == 0x5555_5555_4000 && a.entry == 0x5555_5555_5000)
        #expect(a.segments.map(\.vaddr) == [0x5555_5555_4000, 0x5555_5555_5000, 0x5555_5555_6000])
        #expect(a.phdrAddress == 0x5555_5555_4040)
        // maximum_alignment: the base is aligned down to the largest power-of-two p_align.
        #expect(try ELFLoader.parse(pie(align: 0x20_0000)).loadBias == 0x5555_5540_0000)
        // A non-power-of-two p_align is ignored, as Linux does.
        #expect(try ELFLoader.parse(pie(align: 0x3000)).loadBias == 0x5555_5555_4000)
        // ELF_PAGESTART(base - first p_vaddr).
        #expect(try ELFLoader.parse(pie(align: 0x1000, firstVaddr: 0x10_0000)).loadBias == 0x5555_5545_4000)
        #expect(try ELFLoader.parse(pie(align: 0x1000), pieBase: 0x7000_0000_0123).loadBias == 0x7000_0000_0000)
        // A base that puts the image out of the user address space is an error, not a wrap.
        #expect(error(mutated { $0.type = 3 }) == nil)
        let high = Result { try ELFLoader.parse(pie(align: 0x1000), pieBase: 0x7FFF_FFFF_E000) }
        #expect(throws: ELFLoadError.self) { try high.get() }
        // An absurd p_align moves the base to 0: refused as a page-0 mapping.
        #expect(error(pie(align: 1 << 63)) == "PT_LOAD 0 at 0x0 maps below mmap_min_addr (0x1000)")
    }
}
