// SPDX-License-Identifier: MIT
// Minimal ELF64 executables built in memory (System V gABI, ELF-64 Object File Format 1.5:
// a 64-byte header, 56-byte program headers, then segment data), for the loader tests.

struct ELFBuilder {
    struct Segment {
        var type: UInt32 = 1           // PT_LOAD
        var flags: UInt32 = 5          // R + X
        var vaddr: UInt64
        var paddr: UInt64
        var data: [UInt8]
        var memSize: UInt64
    }

    var entry: UInt64
    var segments: [Segment]
    var elfClass: UInt8 = 2            // ELFCLASS64
    var dataEncoding: UInt8 = 1        // ELFDATA2LSB
    var type: UInt16 = 2               // ET_EXEC
    var machine: UInt16 = 62           // EM_X86_64

    /// A kernel at 1 MiB that writes 'A' to debugcon and 0x10 to the exit port: status 33.
    static var exitKernel: ELFBuilder {
        let code: [UInt8] = [0xB0, 0x41, 0xE6, 0xE9,    // mov al, 'A'; out 0xE9, al
                             0xB0, 0x10, 0xE6, 0xF4,    // mov al, 0x10; out 0xF4, al
                             0xF4, 0xEB, 0xFD]          // hlt; jmp hlt
        return ELFBuilder(entry: 0x10_0000, segments: [
            Segment(vaddr: 0x10_0000, paddr: 0x10_0000, data: code, memSize: 0x1000),
            Segment(flags: 6, vaddr: 0x10_1000, paddr: 0x10_1000, data: [1, 2, 3, 4], memSize: 0x2000),
        ])
    }

    var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        func put<T: FixedWidthInteger>(_ v: T, at o: Int, in b: inout [UInt8]) {
            for k in 0..<MemoryLayout<T>.size { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
        }
        out[0...3] = [0x7F, 0x45, 0x4C, 0x46]
        out[4] = elfClass; out[5] = dataEncoding; out[6] = 1     // EI_VERSION
        put(type, at: 16, in: &out); put(machine, at: 18, in: &out); put(UInt32(1), at: 20, in: &out)
        put(entry, at: 24, in: &out)
        put(UInt64(64), at: 32, in: &out)                          // e_phoff
        put(UInt16(64), at: 52, in: &out)                          // e_ehsize
        put(UInt16(56), at: 54, in: &out)                          // e_phentsize
        put(UInt16(segments.count), at: 56, in: &out)              // e_phnum
        var offset = 64 + 56 * segments.count
        var headers = [UInt8](repeating: 0, count: 56 * segments.count)
        var data: [UInt8] = []
        for (k, s) in segments.enumerated() {
            let o = 56 * k
            put(s.type, at: o, in: &headers); put(s.flags, at: o + 4, in: &headers)
            put(UInt64(offset), at: o + 8, in: &headers)
            put(s.vaddr, at: o + 16, in: &headers); put(s.paddr, at: o + 24, in: &headers)
            put(UInt64(s.data.count), at: o + 32, in: &headers); put(s.memSize, at: o + 40, in: &headers)
            put(UInt64(0x1000), at: o + 48, in: &headers)
            data += s.data
            offset += s.data.count
        }
        return out + headers + data
    }
}
