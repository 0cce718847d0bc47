// SPDX-License-Identifier: MIT
// What the ELF loader hands to the process manager: the PT_LOAD segments to map, the entry point
// and the values the initial stack's auxiliary vector needs (fs/binfmt_elf.c load_elf_binary).
// Addresses are final: a static PIE's are already relocated by loadBias.

/// Why an executable cannot be loaded: one line, no file name (the caller adds it).
public struct ELFLoadError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One PT_LOAD program header (System V gABI, "Program Header"), relocated: map
/// [vaddr, vaddr + memsz) with these permissions, copy `filesz` bytes from `fileOffset`, and
/// zero the rest (the bss). `vaddr` need not be page-aligned; `vaddr ≡ fileOffset (mod 4096)`.
public struct LoadSegment: Equatable, Sendable {
    public var vaddr: UInt64
    public var memsz: UInt64
    public var fileOffset: UInt64
    public var filesz: UInt64
    public var readable: Bool
    public var writable: Bool
    public var executable: Bool

    public init(vaddr: UInt64, memsz: UInt64, fileOffset: UInt64, filesz: UInt64,
                readable: Bool, writable: Bool, executable: Bool) {
        self.vaddr = vaddr; self.memsz = memsz; self.fileOffset = fileOffset; self.filesz = filesz
        self.readable = readable; self.writable = writable; self.executable = executable
    }

    /// One past the last byte of memory the segment occupies.
    public var end: UInt64 { vaddr + memsz }
    /// The page-aligned range Linux maps for it (binfmt_elf.c elf_map: ELF_PAGESTART/ELF_PAGEALIGN).
    public var pageStart: UInt64 { vaddr & ~(ELFLoader.pageSize - 1) }
    public var pageEnd: UInt64 { (end + ELFLoader.pageSize - 1) & ~(ELFLoader.pageSize - 1) }
}

/// A parsed, validated static executable.
public struct ELFImage: Sendable {
    public enum Kind: Equatable, Sendable {
        /// ET_EXEC: linked at fixed addresses, loadBias 0.
        case executable
        /// ET_DYN without PT_INTERP: self-relocating, placed at ELFLoader.parse's pieBase.
        case staticPIE
    }

    public var type: Kind
    /// Added to every p_vaddr and to e_entry (0 for ET_EXEC).
    public var loadBias: UInt64
    /// e_entry + loadBias: the initial RIP, and AT_ENTRY.
    public var entry: UInt64
    /// The PT_LOAD segments in ascending address order, relocated.
    public var segments: [LoadSegment]
    /// AT_PHDR: where the program headers are in the loaded image (relocated).
    public var phdrAddress: UInt64
    /// AT_PHENT: e_phentsize (always 56 for ELF64).
    public var phent: UInt64
    /// AT_PHNUM: e_phnum.
    public var phnum: UInt64
    /// Whether PT_GNU_STACK asks for an executable stack (PF_X). Without PT_GNU_STACK, x86-64
    /// Linux gives a non-executable stack: elf_read_implies_exec() is true only for ia32
    /// (arch/x86/include/asm/elf.h), and VM_STACK_DEFAULT_FLAGS has no VM_EXEC then.
    public var executableStack: Bool
    /// Whether the file had a PT_GNU_STACK header at all.
    public var hasGNUStack: Bool
    /// The end of the highest segment (Linux starts brk at its page-aligned end; binfmt_elf.c
    /// set_brk with elf_brk = max(p_vaddr + p_memsz)).
    public var highestAddress: UInt64 { segments.map(\.end).max() ?? 0 }

    /// The whole executable file, for the segments' bytes.
    public let file: [UInt8]

    /// The `filesz` bytes of `segment` in the file (validated to lie inside it at parse time).
    public func bytes(of segment: LoadSegment) -> ArraySlice<UInt8> {
        let start = Int(segment.fileOffset), end = start + Int(segment.filesz)
        return file[start..<end]
    }

    public init(type: Kind, loadBias: UInt64, entry: UInt64, segments: [LoadSegment],
                phdrAddress: UInt64, phent: UInt64, phnum: UInt64, executableStack: Bool,
                hasGNUStack: Bool, file: [UInt8]) {
        self.type = type; self.loadBias = loadBias; self.entry = entry; self.segments = segments
        self.phdrAddress = phdrAddress; self.phent = phent; self.phnum = phnum
        self.executableStack = executableStack; self.hasGNUStack = hasGNUStack; self.file = file
    }
}
