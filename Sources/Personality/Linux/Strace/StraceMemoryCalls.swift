// SPDX-License-Identifier: MIT
// --strace decoders of memory calls (strace 6.1 src/mem.c: brk, print_mmap, munmap, mprotect,
// mremap, madvise). Addresses print as 0x… and the results of brk, mmap and mremap in hex.

enum StraceMemoryCalls {
    static func register(_ t: inout [UInt64: StraceDecoder]) {
        t[12] = { c in c.pointer(0); c.style = .hex }                                      // brk
        t[9] = { c in                                                                     // mmap
            c.pointer(0); c.unsigned(1); c.flags(2, StraceTables.prot, "PROT_???")
            c.add(mapFlags(c.args[3] & 0xFFFF_FFFF)); c.int(4); c.hex(5)
            c.style = .hex
        }
        t[11] = { c in c.pointer(0); c.unsigned(1) }                                       // munmap
        t[10] = { c in c.pointer(0); c.unsigned(1); c.flags(2, StraceTables.prot, "PROT_???") } // mprotect
        t[25] = { c in                                                                    // mremap
            c.pointer(0); c.unsigned(1); c.unsigned(2); c.flags(3, StraceTables.mremapFlags, "MREMAP_???")
            if c.args[3] & 2 != 0 { c.pointer(4) }
            c.style = .hex
        }
        t[28] = { c in c.pointer(0); c.unsigned(1); c.xval(2, StraceTables.madvise, "MADV_???") } // madvise
    }

    /// print_mmap_flags: the mapping type, then the other flags.
    static func mapFlags(_ f: UInt64) -> String {
        let type = StraceFormat.xval(f & 0xF, StraceTables.mapType, "MAP_???")
        let rest = f & ~0xF
        return rest == 0 ? type : type + "|" + StraceFormat.flags(rest, StraceTables.mapFlags, nil)
    }
}
