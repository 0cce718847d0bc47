// SPDX-License-Identifier: MIT
// Hand-made ELF64 files for the malformed-input tests: every header field is settable, so a
// test can break exactly one rule (System V gABI "ELF Header", "Program Header").

struct RawELF {
    struct Phdr {
        var type: UInt32 = 1                // PT_LOAD
        var flags: UInt32 = 4               // PF_R
        var offset: UInt64 = 0
        var vaddr: UInt64 = 0
        var filesz: UInt64 = 0
        var memsz: UInt64 = 0
        var align: UInt64 = 0x1000
    }

    var ident: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    var type: UInt16 = 2                    // ET_EXEC
    var machine: UInt16 = 62                // EM_X86_64
    var version: UInt32 = 1
    var entry: UInt64 = 0x40_1000
    var phoff: UInt64 = 64
    var phentsize: UInt16 = 56
    var phnum: UInt16?                      // nil: phdrs.count
    var phdrs: [Phdr]
    var size = 0x3000

    /// Headers in a read-only page at 0x400000, code at 0x401000, data and bss at 0x402000,
    /// and PT_GNU_STACK RW: what a linker makes of a small static program.
    static var valid: RawELF {
        RawELF(phdrs: [
            Phdr(flags: 4, offset: 0, vaddr: 0x40_0000, filesz: 0x200, memsz: 0x200),
            Phdr(flags: 5, offset: 0x1000, vaddr: 0x40_1000, filesz: 0x100, memsz: 0x100),
            Phdr(flags: 6, offset: 0x2000, vaddr: 0x40_2000, filesz: 0x10, memsz: 0x3000),
            Phdr(type: 0x6474_E551, flags: 6, align: 16),        // PT_GNU_STACK
        ])
    }

    var bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: max(size, 64))
        func put<T: FixedWidthInteger>(_ v: T, _ o: Int) {
            for k in 0..<MemoryLayout<T>.size where o + k < b.count { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
        }
        for (k, x) in ident.enumerated() { b[k] = x }
        put(type, 16); put(machine, 18); put(version, 20); put(entry, 24); put(phoff, 32)
        put(UInt16(64), 52); put(phentsize, 54); put(phnum ?? UInt16(phdrs.count), 56)
        if phoff < UInt64(b.count) {
            for (k, p) in phdrs.enumerated() {
                let o = Int(phoff) + 56 * k
                put(p.type, o); put(p.flags, o + 4); put(p.offset, o + 8); put(p.vaddr, o + 16)
                put(p.vaddr, o + 24); put(p.filesz, o + 32); put(p.memsz, o + 40); put(p.align, o + 48)
            }
        }
        // Something recognisable in the code segment.
        if b.count > 0x1004 { b[0x1000] = 0xF4; b[0x1001] = 0xEB; b[0x1002] = 0xFD }
        return b
    }
}
