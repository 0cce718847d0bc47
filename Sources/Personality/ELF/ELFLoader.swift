// SPDX-License-Identifier: MIT
// Parsing and validating static x86-64 Linux executables with libelf (elfutils: elf_memory(3),
// gelf_getehdr(3), elf_getphdrnum(3), gelf_getphdr(3)). The rules are those of the System V gABI
// ("ELF Header", "Program Header") and of Linux's fs/binfmt_elf.c load_elf_binary, which is what
// decides whether a real kernel runs the file. Every input either parses or throws one
// ELFLoadError with a one-line message; nothing here traps on any byte sequence.
import CLibElf

public enum ELFLoader {
    /// ELF_EXEC_PAGESIZE (arch/x86/include/asm/elf.h).
    public static let pageSize: UInt64 = 4096

    /// Where a static PIE is placed: ELF_PAGESTART(ELF_ET_DYN_BASE) for a 64-bit task.
    /// arch/x86/include/asm/elf.h: ELF_ET_DYN_BASE = DEFAULT_MAP_WINDOW / 3 * 2 = 0x5555_5555_4AAA
    /// (DEFAULT_MAP_WINDOW = (1 << 47) - PAGE_SIZE, arch/x86/include/asm/page_64_types.h), and
    /// load_elf_binary truncates it to a page: the familiar 0x5555_5555_4000 at which Linux
    /// loads PIE programs when ASLR is off. (Linux itself places an ET_DYN *without* PT_INTERP in
    /// the mmap area, 0x7fff_f7ff_7000 on this host with ASLR off — it treats such a file like
    /// an ELF interpreter; emu uses the fixed PIE base instead so addresses are reproducible and
    /// far from the stack and mmap area.)
    public static let defaultPIEBase: UInt64 = 0x5555_5555_4000

    /// TASK_SIZE_MAX for 4-level paging, (1 << 47) - PAGE_SIZE (arch/x86/include/asm/
    /// page_64_types.h): no segment may end above it (load_elf_binary: "TASK_SIZE - p_memsz < k").
    public static let userAddressLimit: UInt64 = 0x7FFF_FFFF_F000

    /// The lowest address a segment may map: CONFIG_DEFAULT_MMAP_MIN_ADDR's default, 4096
    /// (mm/Kconfig; /proc/sys/vm/mmap_min_addr): Linux refuses to map page 0 for a program.
    public static let lowestAddress: UInt64 = 0x1000

    /// load_elf_binary's elf_read_phdrs: at most 64 KiB of program headers.
    static let maxProgramHeaders = 65536 / 56

    /// libelf must be told the ELF version the caller understands before any other call.
    private static let libelfReady: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

    private static func fail(_ m: String) -> ELFLoadError { ELFLoadError(m) }
    private static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

    /// Parses `bytes` as a static x86-64 executable. ET_EXEC is loaded at its link addresses;
    /// a static PIE (ET_DYN without PT_INTERP) at `pieBase` (aligned down to its largest
    /// PT_LOAD p_align, as Linux does for ET_DYN). A PT_INTERP means a dynamic executable.
    public static func parse(_ bytes: [UInt8], pieBase: UInt64 = ELFLoader.defaultPIEBase)
        throws(ELFLoadError) -> ELFImage
    {
        guard libelfReady else { throw fail("libelf: \(String(cString: elf_errmsg(-1)))") }
        // e_ident first, from the bytes (gABI "ELF Identification"): libelf answers a bad class or
        // version only with "not an ELF file" or "invalid ELF file data".
        guard bytes.count >= 4, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw fail("not an ELF file (no \\x7fELF magic)")
        }
        guard bytes.count >= 64 else { throw fail("file too short for an ELF64 header (\(bytes.count) bytes)") }
        switch Int32(bytes[Int(EI_CLASS)]) {
        case ELFCLASS64: break
        case ELFCLASS32: throw fail("32-bit ELF files are not supported")
        default: throw fail("bad ELF class \(bytes[Int(EI_CLASS)])")
        }
        guard bytes[Int(EI_DATA)] == UInt8(ELFDATA2LSB) else {
            throw fail("not a little-endian ELF file (EI_DATA \(bytes[Int(EI_DATA)]))")
        }
        guard bytes[Int(EI_VERSION)] == UInt8(EV_CURRENT) else {
            throw fail("unsupported ELF version \(bytes[Int(EI_VERSION)]) (expected 1)")
        }
        // elf_memory reads (and, for a foreign byte order, converts) the image in place: give
        // it a private copy that outlives the descriptor.
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        defer { buffer.deallocate() }
        bytes.withUnsafeBufferPointer { src in
            UnsafeMutableRawPointer(buffer).copyMemory(from: src.baseAddress!, byteCount: src.count)
        }
        guard let elf = elf_memory(buffer, bytes.count) else {
            throw fail("libelf: \(String(cString: elf_errmsg(-1)))")
        }
        defer { elf_end(elf) }
        let headers = try readHeaders(elf, fileSize: UInt64(bytes.count))
        return try validate(headers, file: bytes, pieBase: pieBase)
    }

    /// The ELF header and program headers as libelf reports them, checked for the format-level
    /// rules (gABI "ELF Header"; load_elf_binary's first checks and elf_read_phdrs).
    struct Headers {
        var ehdr: GElf_Ehdr
        var phdrs: [GElf_Phdr]
    }

    private static func readHeaders(_ elf: OpaquePointer, fileSize: UInt64) throws(ELFLoadError) -> Headers {
        guard elf_kind(elf) == ELF_K_ELF, gelf_getclass(elf) == ELFCLASS64 else {
            throw fail("libelf: not an ELF64 file")
        }
        var ehdr = GElf_Ehdr()
        guard gelf_getehdr(elf, &ehdr) != nil else {
            throw fail("unreadable ELF header: \(String(cString: elf_errmsg(-1)))")
        }
        guard ehdr.e_version == UInt32(EV_CURRENT) else {
            throw fail("unsupported ELF version \(ehdr.e_version) in e_version (expected 1)")
        }
        guard ehdr.e_machine == UInt16(EM_X86_64) else {
            throw fail("not an x86-64 executable (e_machine \(ehdr.e_machine))")
        }
        switch Int32(ehdr.e_type) {
        case ET_EXEC, ET_DYN: break
        case ET_REL: throw fail("a relocatable object file (ET_REL) is not an executable")
        case ET_CORE: throw fail("a core dump (ET_CORE) is not an executable")
        default: throw fail("not an executable (e_type \(ehdr.e_type))")
        }
        guard ehdr.e_phentsize == 56 else {
            throw fail("bad program header size e_phentsize \(ehdr.e_phentsize) (expected 56)")
        }
        guard ehdr.e_phnum != 0xFFFF else {
            throw fail("extended program header numbering (e_phnum PN_XNUM) is not supported")
        }
        // elf_read_phdrs' limits, checked on e_phnum and e_phoff before libelf reads the table
        // (elf_getphdrnum quietly reports 0 for a table that does not fit in the file).
        let count = Int(ehdr.e_phnum)
        guard count >= 1 else { throw fail("no program headers") }
        guard count <= maxProgramHeaders else {
            throw fail("too many program headers (\(count); Linux allows \(maxProgramHeaders))")
        }
        let (tableEnd, o1) = ehdr.e_phoff.addingReportingOverflow(UInt64(count) * 56)
        guard !o1, tableEnd <= fileSize else {
            throw fail("program header table (offset \(hex(ehdr.e_phoff)), \(count) entries) extends past the end of the file")
        }
        var libelfCount = 0
        guard elf_getphdrnum(elf, &libelfCount) == 0, libelfCount == count else {
            throw fail("libelf cannot read the program headers: \(String(cString: elf_errmsg(-1)))")
        }
        var phdrs: [GElf_Phdr] = []
        phdrs.reserveCapacity(count)
        for k in 0..<count {
            var ph = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(k), &ph) != nil else {
                throw fail("unreadable program header \(k): \(String(cString: elf_errmsg(-1)))")
            }
            phdrs.append(ph)
        }
        return Headers(ehdr: ehdr, phdrs: phdrs)
    }

    /// The loader-level rules: what Linux needs to map the file, checked up front.
    static func validate(_ h: Headers, file: [UInt8], pieBase: UInt64) throws(ELFLoadError) -> ELFImage {
        let fileSize = UInt64(file.count)
        // A PT_INTERP anywhere decides the matter (load_elf_binary looks for it first).
        if h.phdrs.contains(where: { $0.p_type == UInt32(PT_INTERP) }) {
            throw fail("dynamic executables are not supported")
        }
        var loads: [(index: Int, ph: GElf_Phdr)] = []
        var phdrSegment: GElf_Phdr?
        var executableStack = false, hasGNUStack = false
        for (k, ph) in h.phdrs.enumerated() {
            switch ph.p_type {
            case UInt32(PT_LOAD):
                let (fileEnd, o1) = ph.p_offset.addingReportingOverflow(ph.p_filesz)
                guard !o1, fileEnd <= fileSize else {
                    throw fail("PT_LOAD \(k): file range \(hex(ph.p_offset))+\(hex(ph.p_filesz)) extends past the end of the file (\(fileSize) bytes)")
                }
                guard ph.p_filesz <= ph.p_memsz else {
                    throw fail("PT_LOAD \(k): p_filesz \(hex(ph.p_filesz)) exceeds p_memsz \(hex(ph.p_memsz))")
                }
                let (_, o2) = ph.p_vaddr.addingReportingOverflow(ph.p_memsz)
                guard !o2 else { throw fail("PT_LOAD \(k): p_vaddr + p_memsz overflows") }
                // mmap maps whole pages of the file at whole pages of memory (binfmt_elf.c elf_map:
                // off = p_offset - ELF_PAGEOFFSET(p_vaddr)); a segment without file bytes maps none.
                guard ph.p_filesz == 0 || (ph.p_vaddr &- ph.p_offset) % pageSize == 0 else {
                    throw fail("PT_LOAD \(k): p_vaddr \(hex(ph.p_vaddr)) and p_offset \(hex(ph.p_offset)) differ modulo the page size")
                }
                if ph.p_memsz > 0 { loads.append((k, ph)) }   // elf_map maps nothing for p_memsz 0
            case UInt32(PT_PHDR):
                // gABI: "This segment type may not occur more than once in a file."
                guard phdrSegment == nil else { throw fail("more than one PT_PHDR") }
                phdrSegment = ph
            case UInt32(PT_GNU_STACK):
                // The last one counts, as in load_elf_binary's loop.
                hasGNUStack = true
                executableStack = ph.p_flags & UInt32(PF_X) != 0
            default:
                break
            }
        }
        guard let first = loads.first else { throw fail("no PT_LOAD segment") }
        // gABI: "Loadable segment entries in the program header table appear in ascending order,
        // sorted on the p_vaddr member." Overlapping bytes would map one segment over another.
        for j in loads.indices.dropFirst() {
            let prev = loads[j - 1], cur = loads[j]
            guard cur.ph.p_vaddr >= prev.ph.p_vaddr else {
                throw fail("PT_LOAD \(cur.index) is below PT_LOAD \(prev.index): segments not in ascending p_vaddr order")
            }
            guard cur.ph.p_vaddr >= prev.ph.p_vaddr + prev.ph.p_memsz else {
                throw fail("PT_LOAD \(prev.index) and PT_LOAD \(cur.index) overlap")
            }
        }

        let isPIE = h.ehdr.e_type == UInt16(ET_DYN)
        var bias: UInt64 = 0
        if isPIE {
            // load_elf_binary for ET_DYN: load_bias = ELF_ET_DYN_BASE aligned down to
            // maximum_alignment() (the largest power-of-two PT_LOAD p_align, at least a page),
            // then ELF_PAGESTART(load_bias - vaddr of the first PT_LOAD).
            var alignment = pageSize
            for l in loads where l.ph.p_align != 0 && l.ph.p_align & (l.ph.p_align - 1) == 0 {
                alignment = max(alignment, l.ph.p_align)
            }
            bias = ((pieBase & ~(alignment - 1)) &- first.ph.p_vaddr) & ~(pageSize - 1)
        }

        var segments: [LoadSegment] = []
        for l in loads {
            let (vaddr, o1) = l.ph.p_vaddr.addingReportingOverflow(bias)
            let (end, o2) = vaddr.addingReportingOverflow(l.ph.p_memsz)
            guard !o1, !o2, end <= userAddressLimit else {
                throw fail("PT_LOAD \(l.index) (\(hex(l.ph.p_vaddr &+ bias))+\(hex(l.ph.p_memsz))) extends beyond the user address space (\(hex(userAddressLimit)))")
            }
            guard vaddr >= lowestAddress else {
                throw fail("PT_LOAD \(l.index) at \(hex(vaddr)) maps below mmap_min_addr (\(hex(lowestAddress)))")
            }
            segments.append(LoadSegment(
                vaddr: vaddr, memsz: l.ph.p_memsz, fileOffset: l.ph.p_offset, filesz: l.ph.p_filesz,
                readable: l.ph.p_flags & UInt32(PF_R) != 0, writable: l.ph.p_flags & UInt32(PF_W) != 0,
                executable: l.ph.p_flags & UInt32(PF_X) != 0))
        }

        let entry = h.ehdr.e_entry &+ bias
        guard segments.contains(where: { $0.executable && $0.vaddr <= entry && entry < $0.end }) else {
            throw fail("entry point \(hex(entry)) is not inside an executable PT_LOAD segment")
        }

        // AT_PHDR. With PT_PHDR, its p_vaddr (gABI: the table "in both the file and in the memory
        // image"), which must then lie in a loaded segment. Without it, as binfmt_elf.c does
        // since Linux 5.18: the address of e_phoff inside the PT_LOAD whose file range covers it,
        // or load_bias + 0 when none does.
        var phdrAddress = bias
        if let ph = phdrSegment {
            let address = ph.p_vaddr &+ bias
            let (tableEnd, o) = address.addingReportingOverflow(UInt64(h.phdrs.count) * 56)
            guard !o, segments.contains(where: { $0.vaddr <= address && tableEnd <= $0.end }) else {
                throw fail("PT_PHDR at \(hex(address)) is not inside a PT_LOAD segment")
            }
            phdrAddress = address
        } else if let l = loads.first(where: { $0.ph.p_offset <= h.ehdr.e_phoff && h.ehdr.e_phoff - $0.ph.p_offset < $0.ph.p_filesz }) {
            phdrAddress = h.ehdr.e_phoff - l.ph.p_offset + l.ph.p_vaddr + bias
        }

        return ELFImage(
            type: isPIE ? .staticPIE : .executable, loadBias: bias, entry: entry, segments: segments,
            phdrAddress: phdrAddress, phent: UInt64(h.ehdr.e_phentsize), phnum: UInt64(h.phdrs.count),
            executableStack: executableStack, hasGNUStack: hasGNUStack, file: file)
    }
}
