// SPDX-License-Identifier: MIT
// A strict reader of ELF64 executables for the kernel boot loader (System V gABI, ELF-64 Object
// File Format 1.5). Every offset and size is checked against the file, so malformed input gives
// a one-line error, never a crash. (The Linux personality loads programs with libelf.)

/// Why a file is not a loadable kernel.
public struct ELFError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One PT_LOAD segment.
public struct ELFSegment: Equatable, Sendable {
    public var vaddr: UInt64, paddr: UInt64, fileOffset: UInt64, fileSize: UInt64, memSize: UInt64, flags: UInt32
}

public struct ELF64Executable: Sendable {
    public let entry: UInt64
    public let segments: [ELFSegment]
    public let bytes: [UInt8]

    public static let ptLoad: UInt32 = 1

    public init(_ bytes: [UInt8]) throws(ELFError) {
        self.bytes = bytes
        func u16(_ o: Int) -> UInt16 { UInt16(bytes[o]) | UInt16(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> UInt32 { UInt32(u16(o)) | UInt32(u16(o + 2)) << 16 }
        func u64(_ o: Int) -> UInt64 { UInt64(u32(o)) | UInt64(u32(o + 4)) << 32 }
        guard bytes.count >= 64, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw ELFError("not an ELF file")
        }
        guard bytes[4] == 2 else { throw ELFError("not a 64-bit ELF file (EI_CLASS \(bytes[4]))") }
        guard bytes[5] == 1 else { throw ELFError("not a little-endian ELF file") }
        guard u16(18) == 62 else { throw ELFError("not an x86-64 ELF file (e_machine \(u16(18)))") }
        guard u16(16) == 2 else { throw ELFError("not an executable (e_type \(u16(16)); ET_EXEC required)") }
        entry = u64(24)
        let phoff = u64(32), phentsize = UInt64(u16(54)), phnum = UInt64(u16(56))
        guard phnum > 0 else { throw ELFError("no program headers") }
        guard phentsize >= 56, phoff < UInt64(bytes.count), phnum * phentsize <= UInt64(bytes.count) - phoff else {
            throw ELFError("program headers lie outside the file")
        }
        var segs: [ELFSegment] = []
        for k in 0..<phnum {
            let o = Int(phoff + k * phentsize)
            guard u32(o) == ELF64Executable.ptLoad else { continue }
            let s = ELFSegment(vaddr: u64(o + 16), paddr: u64(o + 24), fileOffset: u64(o + 8),
                               fileSize: u64(o + 32), memSize: u64(o + 40), flags: u32(o + 4))
            guard s.fileSize <= s.memSize else { throw ELFError("segment \(k): p_filesz exceeds p_memsz") }
            guard s.fileOffset <= UInt64(bytes.count), s.fileSize <= UInt64(bytes.count) - s.fileOffset else {
                throw ELFError("segment \(k): file data lies outside the file")
            }
            segs.append(s)
        }
        guard !segs.isEmpty else { throw ELFError("no PT_LOAD segments") }
        segments = segs
    }
}
