// SPDX-License-Identifier: MIT
// The registers gdb numbers for i386:x86-64 with the core, SSE, Linux and segments features (gdb
// manual §G.5 "Standard Target Features", "i386 Features"; the order of gdb's
// features/i386/64bit-core.xml, 64bit-sse.xml, 64bit-linux.xml, 64bit-segments.xml), and their
// encoding in `g`/`G`/`p`/`P` packets: little-endian, each register its `bitsize` wide. The x87
// and SSE registers come from an FXSAVE64 image at the offsets gdb's i387_supply_fxsave uses
// (gdb/i387-tdep.c `fxsave_offset`; SDM Vol. 1 §10.5.1 Table 10-2).
import Hypervisor

/// One register as the target description declares it.
public struct GDBRegister: Equatable, Sendable {
    public var name: String
    public var bitSize: Int
    public var type: String
    public var group: String?
    /// The target-description feature it belongs to.
    public var feature: String

    public var byteSize: Int { bitSize / 8 }
}

/// An EC's registers as gdb sees them: the machine's plus Linux's `orig_rax` (the syscall number
/// at the last syscall entry, -1 if none: what ptrace's PTRACE_GETREGS reports).
public struct GDBRegisterValues: Equatable, Sendable {
    public var machine: DebugRegisters
    public var origRAX: UInt64

    public init(machine: DebugRegisters, origRAX: UInt64 = UInt64.max) {
        self.machine = machine
        self.origRAX = origRAX
    }
}

public enum RegisterLayout {
    public static let core = "org.gnu.gdb.i386.core"
    public static let sse = "org.gnu.gdb.i386.sse"
    public static let linux = "org.gnu.gdb.i386.linux"
    public static let segments = "org.gnu.gdb.i386.segments"

    /// gdb's register numbers are the indices of this list.
    public static let registers: [GDBRegister] = {
        var r: [GDBRegister] = []
        func add(_ name: String, _ bits: Int, _ type: String, _ feature: String, group: String? = nil) {
            r.append(GDBRegister(name: name, bitSize: bits, type: type, group: group, feature: feature))
        }
        for n in ["rax", "rbx", "rcx", "rdx", "rsi", "rdi"] { add(n, 64, "int64", core) }
        add("rbp", 64, "data_ptr", core)
        add("rsp", 64, "data_ptr", core)
        for k in 8...15 { add("r\(k)", 64, "int64", core) }
        add("rip", 64, "code_ptr", core)
        add("eflags", 32, "i386_eflags", core)
        for n in ["cs", "ss", "ds", "es", "fs", "gs"] { add(n, 32, "int32", core) }
        for k in 0..<8 { add("st\(k)", 80, "i387_ext", core) }
        for n in ["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"] {
            add(n, 32, "int", core, group: "float")
        }
        for k in 0..<16 { add("xmm\(k)", 128, "vec128", sse) }
        add("mxcsr", 32, "i386_mxcsr", sse, group: "vector")
        add("orig_rax", 64, "int", linux)
        add("fs_base", 64, "int", segments)
        add("gs_base", 64, "int", segments)
        return r
    }()

    /// Register numbers gdb uses elsewhere.
    public static let rip = 16, eflags = 17, st0 = 24, fctrl = 32, xmm0 = 40, mxcsr = 56
    public static let origRAX = 57, fsBase = 58, gsBase = 59

    /// gdb's GPR order (rax rbx rcx rdx rsi rdi rbp rsp r8…r15) as encoding numbers (`Reg`).
    static let gprEncoding = [0, 3, 1, 2, 6, 7, 5, 4, 8, 9, 10, 11, 12, 13, 14, 15]
    /// cs ss ds es fs gs as `Segment` indices (ES CS SS DS FS GS).
    static let segmentIndex = [1, 2, 3, 0, 4, 5]

    /// FXSAVE offsets and widths (bytes) of fctrl…fop (gdb/i387-tdep.c `fxsave_offset`).
    static let x87Control: [(offset: Int, size: Int)] = [(0, 2), (2, 2), (4, 1), (12, 2), (8, 4), (20, 2), (16, 4), (6, 2)]

    /// Size of a `g` packet's data in bytes.
    public static let totalSize = registers.reduce(0) { $0 + $1.byteSize }

    /// The value of register `n` as its little-endian bytes; nil for an unknown number.
    public static func read(_ n: Int, from v: GDBRegisterValues) -> [UInt8]? {
        let m = v.machine
        let fx = m.fxsave.bytes
        switch n {
        case 0..<16: return Packet.littleEndian(m.gprs[gprEncoding[n]], size: 8)
        case rip: return Packet.littleEndian(m.rip, size: 8)
        case eflags: return Packet.littleEndian(m.rflags, size: 4)
        case 18..<24: return Packet.littleEndian(UInt64(m.selectors[segmentIndex[n - 18]]), size: 4)
        case st0..<st0 + 8: return Array(fx[32 + 16 * (n - st0) ..< 32 + 16 * (n - st0) + 10])
        case fctrl..<fctrl + 8:
            if n == fctrl + 2 { return Packet.littleEndian(UInt64(fullTagWord(fx)), size: 4) }
            let (o, s) = x87Control[n - fctrl]
            var value = Packet.value(littleEndian: fx[o ..< o + s])
            if n == fctrl + 7 { value &= 0x7FF }   // fop: 11 bits
            return Packet.littleEndian(value, size: 4)
        case xmm0..<xmm0 + 16: return Array(fx[160 + 16 * (n - xmm0) ..< 160 + 16 * (n - xmm0) + 16])
        case mxcsr: return Array(fx[24..<28])
        case origRAX: return Packet.littleEndian(v.origRAX, size: 8)
        case fsBase: return Packet.littleEndian(m.fsBase, size: 8)
        case gsBase: return Packet.littleEndian(m.gsBase, size: 8)
        default: return nil
        }
    }

    /// Sets register `n` from its bytes; false for an unknown number or a wrong size. Selectors
    /// and orig_rax are accepted and ignored, as the EC's selectors are fixed.
    public static func write(_ n: Int, _ bytes: [UInt8], into v: inout GDBRegisterValues) -> Bool {
        guard n >= 0, n < registers.count, bytes.count == registers[n].byteSize else { return false }
        let value = Packet.value(littleEndian: bytes)
        switch n {
        case 0..<16: v.machine.gprs[gprEncoding[n]] = value
        case rip: v.machine.rip = value
        case eflags: v.machine.rflags = value
        case 18..<24, origRAX: break
        case st0..<st0 + 8: v.machine.fxsave.bytes.replaceSubrange(32 + 16 * (n - st0) ..< 32 + 16 * (n - st0) + 10, with: bytes)
        case fctrl..<fctrl + 8:
            let (o, s) = x87Control[n - fctrl]
            var field = value
            if n == fctrl + 2 { field = UInt64(abridgedTag(UInt16(truncatingIfNeeded: value))) }
            if n == fctrl + 7 { field &= 0x7FF }
            v.machine.fxsave.bytes.replaceSubrange(o ..< o + s, with: Packet.littleEndian(field, size: s))
        case xmm0..<xmm0 + 16: v.machine.fxsave.bytes.replaceSubrange(160 + 16 * (n - xmm0) ..< 160 + 16 * (n - xmm0) + 16, with: bytes)
        case mxcsr: v.machine.fxsave.bytes.replaceSubrange(24..<28, with: bytes)
        case fsBase: v.machine.fsBase = value
        case gsBase: v.machine.gsBase = value
        default: return false
        }
        return true
    }

    /// The whole `g` packet data.
    public static func readAll(_ v: GDBRegisterValues) -> [UInt8] {
        (0..<registers.count).flatMap { read($0, from: v)! }
    }

    /// Sets every register from `G` packet data; false if its size is wrong.
    public static func writeAll(_ bytes: [UInt8], into v: inout GDBRegisterValues) -> Bool {
        guard bytes.count == totalSize else { return false }
        var at = 0
        for (n, r) in registers.enumerated() {
            _ = write(n, Array(bytes[at ..< at + r.byteSize]), into: &v)
            at += r.byteSize
        }
        return true
    }

    // MARK: - x87 tag word

    /// The full x87 tag word (2 bits per physical register: 0 valid, 1 zero, 2 special, 3 empty)
    /// from FXSAVE's abridged one (1 bit: not empty) and the register contents, as FSTENV would
    /// store it (SDM Vol. 1 §8.1.7, §10.5.1.1).
    static func fullTagWord(_ fx: [UInt8]) -> UInt16 {
        let abridged = fx[4]
        let top = Int((UInt16(fx[2]) | UInt16(fx[3]) << 8) >> 11 & 7)
        var tags: UInt16 = 0
        for r in 0..<8 {
            var tag: UInt16 = 3
            if abridged & (1 << r) != 0 {
                let at = 32 + 16 * ((r - top) & 7)
                let significand = Packet.value(littleEndian: fx[at ..< at + 8])
                let exponent = (UInt16(fx[at + 8]) | UInt16(fx[at + 9]) << 8) & 0x7FFF
                if exponent == 0x7FFF { tag = 2 }
                else if exponent == 0 { tag = significand == 0 ? 1 : 2 }
                else { tag = significand >> 63 == 1 ? 0 : 2 }   // an unnormal (integer bit 0) is special
            }
            tags |= tag << (2 * UInt16(r))
        }
        return tags
    }

    /// FXSAVE's abridged tag: bit r set unless physical register r is tagged empty (3).
    static func abridgedTag(_ full: UInt16) -> UInt8 {
        var a: UInt8 = 0
        for r in 0..<8 where (full >> (2 * UInt16(r))) & 3 != 3 { a |= 1 << r }
        return a
    }
}
