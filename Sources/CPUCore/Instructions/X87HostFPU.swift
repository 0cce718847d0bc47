// SPDX-License-Identifier: MIT
// The transcendental x87 instructions executed on the host x87 itself (DESIGN.md §7: the x86-64
// host is the oracle). Swift has no inline assembly, so each instruction gets a small stub in a
// page made read+execute once per process: save the host FPU, load the guest FCW and operands,
// run the instruction, store FSW and the whole FPU with FNSAVE, restore the host FPU. Only
// non-waiting instructions follow the one under test, so an unmasked exception it raises stays
// pending in the discarded state instead of trapping the host; results (biased ones for an
// unmasked OE/UE), C1/C2 and the flags are the host's bit for bit. Without an executable page the
// callers fall back to libm (X87Transcendental.swift).
import Glibc

/// Stubs for FSIN FCOS FSINCOS FPTAN FPATAN F2XM1 FYL2X FYL2XP1.
struct X87HostFPU: Sendable {
    typealias Stub = @convention(c) (UnsafeMutableRawPointer) -> Void

    /// Operand block of a stub: host FNSAVE area, the guest FCW, ST(0) and ST(1) in, FSW out, and
    /// the FNSAVE image after the instruction (ST(0) and ST(1) at `out0`, `out1`).
    enum Block {
        static let save = 0, fcw = 128, st0 = 144, st1 = 160, fsw = 176, after = 192, size = 304
        static let out0 = after + 28, out1 = after + 38
    }

    /// The instructions' second bytes (all D9 xx), in the order of `stubs`.
    static let opcodes: [X87Op: UInt8] = [
        .fsin: 0xFE, .fcos: 0xFF, .fsincos: 0xFB, .fptan: 0xF2, .fpatan: 0xF3, .f2xm1: 0xF0, .fyl2x: 0xF1, .fyl2xp1: 0xF9,
    ]

    let stubs: [X87Op: Stub]

    /// This process's stubs; empty when no executable page could be made.
    static let shared = X87HostFPU(stubs: makeStubs())

    static func makeStubs() -> [X87Op: Stub] {
        guard let page = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              page != MAP_FAILED else { return [:] }
        var offsets = [X87Op: Int]()
        var p = 0
        for (op, second) in opcodes {
            offsets[op] = p
            let code: [UInt8] = [
                0xDD, 0x37,                                  // fnsave [rdi]
                0xD9, 0xAF, UInt8(Block.fcw), 0, 0, 0,       // fldcw [rdi+fcw]
                0xDB, 0xAF, UInt8(Block.st1), 0, 0, 0,       // fld tword [rdi+st1]
                0xDB, 0xAF, UInt8(Block.st0), 0, 0, 0,       // fld tword [rdi+st0]
                0xD9, second,                                // the instruction
                0xDD, 0xBF, UInt8(Block.fsw), 0, 0, 0,       // fnstsw [rdi+fsw]
                0xDD, 0xB7, UInt8(Block.after), 0, 0, 0,     // fnsave [rdi+after] (also FNINIT)
                0xDD, 0x27,                                  // frstor [rdi]
                0xC3,                                        // ret
            ]
            for (k, b) in code.enumerated() { page.storeBytes(of: b, toByteOffset: p + k, as: UInt8.self) }
            p += (code.count + 15) & ~15
        }
        guard mprotect(page, 4096, PROT_READ | PROT_EXEC) == 0 else { munmap(page, 4096); return [:] }
        return offsets.mapValues { unsafeBitCast(page + $0, to: Stub.self) }
    }

    /// Runs `op` with FCW `fcw` on ST(0) = `x`, ST(1) = `y`. Returns the host FSW and the stack's
    /// top two values afterwards, or nil without stubs.
    func run(_ op: X87Op, fcw: UInt16, _ x: Ext80, _ y: Ext80) -> (fsw: UInt16, st0: Ext80, st1: Ext80)? {
        guard let stub = stubs[op] else { return nil }
        return withUnsafeTemporaryAllocation(byteCount: Block.size, alignment: 16) { buf in
            let b = buf.baseAddress!
            b.storeBytes(of: fcw, toByteOffset: Block.fcw, as: UInt16.self)
            b.storeBytes(of: x.sig, toByteOffset: Block.st0, as: UInt64.self)
            b.storeBytes(of: x.se, toByteOffset: Block.st0 + 8, as: UInt16.self)
            b.storeBytes(of: y.sig, toByteOffset: Block.st1, as: UInt64.self)
            b.storeBytes(of: y.se, toByteOffset: Block.st1 + 8, as: UInt16.self)
            stub(b)
            func value(_ o: Int) -> Ext80 {
                Ext80(sig: b.load(fromByteOffset: o, as: UInt64.self), se: b.load(fromByteOffset: o + 8, as: UInt16.self))
            }
            return (b.load(fromByteOffset: Block.fsw, as: UInt16.self), value(Block.out0), value(Block.out1))
        }
    }
}
