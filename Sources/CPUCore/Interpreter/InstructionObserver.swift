// SPDX-License-Identifier: MIT
// Per-instruction observation for instruction traces (`--trace`). While an observer is set, every
// instruction of a decoded block sits behind a `.traceHook` record that announces it to the
// observer (with its bytes and the registers it can write, `TraceHookFlag`); the interpreter runs
// these blocks like any other, chained by links. Untraced code never
// contains a hook, so tracing costs the untraced run nothing: no test per instruction, and the
// interpreter function is the same (docs/trace-format.md, "Speed", says why this replaced a
// generic `Tracer` parameter). The observer (Sources/Debugger) diffs registers and collects
// memory accesses.

/// Receives the CPU's instruction stream while it is set as `CPU.instructionObserver`. A class,
/// not a protocol: the run loop calls it through an unretained reference, which a class allows
/// (`Unmanaged`) and an existential does not (each call would retain and release it).
open class InstructionObserver {
    public init() {}
    /// The instruction described by `hook` (a `.traceHook` record: `rip`, `hookLength`,
    /// `hookBytes`, `hookGPRWrites`, `hookXMMWrites`, `hookFlags`) is about to execute; the one
    /// announced before it has retired, unless `didYield` or `didRaise` came in between. The
    /// record is valid during the call only.
    open func willExecute(_ hook: UnsafePointer<DecodedInstruction>) {}
    /// The instruction announced last stopped after a chunk of its REP iterations without
    /// retiring; it is announced again when it continues.
    open func didYield() {}
    /// An exception was raised: `.fault` by the instruction announced last (which did not
    /// retire), `.trap` by INT n/INT3 (which retired), `.fetch` while fetching or decoding the
    /// next instruction, `.interrupt` from the interrupt controller. Called before delivery (bare
    /// metal) or before the exit to the supervisor (hosted).
    open func didRaise(_ e: CPUException, kind: RaiseKind) {}
    /// Bare metal: the exception reported last was delivered through the IDT (the registers now
    /// hold the handler's entry state).
    open func didDeliver() {}
    /// The decoded blocks are about to be dropped (self-modifying code, a full arena, a mode
    /// change): hook records passed to `willExecute` may be overwritten from now on, so an
    /// observer that kept a pointer to one copies what it needs.
    open func willDropDecodedCode() {}
}

/// How an exception reported to `InstructionObserver.didRaise` came about.
public enum RaiseKind: UInt8, Sendable {
    case fault, trap, fetch, interrupt
}

/// What a `.traceHook` record carries about the instruction after it (written by the block
/// builder, read by the observer): where it is, its bytes, and which registers it can change, so
/// an observer compares those instead of the whole register file.
///
/// Layout in the hook's `DecodedInstruction`: `next` = the instruction's RIP (`len` 0, so the
/// hook's `rip` is the same), `osz` = its length, `disp`/`imm` = its first 16 bytes
/// (little-endian, zero past the length), `aux` = `gprWriteMask`, `r` = `TraceHookFlag` bits,
/// `b` = `xmmWriteMask`'s low byte and `index` its high byte, `scale`/`seg` = `hookCodeTag`
/// (0), `seq` = the instruction's own `seq` (a stop planted at the hook counts the instructions
/// before it).
public enum TraceHookFlag {
    /// The instruction may change FS or GS base (or anything: system instructions, segment
    /// loads, unknown kinds).
    @inlinable public static var segmentBases: UInt8 { 1 << 0 }
    /// The instruction may change RFLAGS (everything but the kinds `MicroOp.keepsRFLAGS` lists).
    @inlinable public static var rflags: UInt8 { 1 << 1 }
}

extension DecodedInstruction {
    /// A hook's instruction length.
    @inlinable public var hookLength: Int { Int(osz) }
    /// A hook's instruction bytes (0–7, 8–15).
    @inlinable public var hookBytes: (UInt64, UInt64) { (disp, imm) }
    /// A hook's GPR write mask (bit k: `regs[k]`).
    @inlinable public var hookGPRWrites: UInt16 { aux }
    /// A hook's XMM write mask (bit k: XMM k).
    @inlinable public var hookXMMWrites: UInt16 { UInt16(b) | UInt16(index) << 8 }
    /// A hook's `TraceHookFlag` bits.
    @inlinable public var hookFlags: UInt8 { r }
    /// A tag the observer may keep in the hook (0 when the hook is made): the trace recorder
    /// marks hooks whose bytes the trace already holds.
    @inlinable public var hookCodeTag: UInt16 {
        get { UInt16(scale) | UInt16(seg) << 8 }
        set { scale = UInt8(truncatingIfNeeded: newValue); seg = UInt8(truncatingIfNeeded: newValue >> 8) }
    }

    /// The hook record announcing `self` (see `TraceHookFlag`), with the instruction's bytes.
    func traceHook(bytes: (UInt64, UInt64)) -> DecodedInstruction {
        var h = DecodedInstruction()
        h.op = .traceHook
        h.next = rip
        h.len = 0
        h.seq = seq
        h.osz = len
        let n = UInt64(len)
        // Keep exactly `len` bytes, so equal instructions have equal hook bytes.
        h.disp = n >= 8 ? bytes.0 : bytes.0 & ((1 << (8 * n)) &- 1)
        h.imm = n >= 16 ? bytes.1 : n <= 8 ? 0 : bytes.1 & ((1 << (8 * (n - 8))) &- 1)
        let writes = gprWriteMask
        h.aux = writes ?? 0xFFFF
        h.r = (writes == nil || op.maySetSegmentBase ? TraceHookFlag.segmentBases : 0)
            | (op.keepsRFLAGS ? 0 : TraceHookFlag.rflags)
        let xmm = xmmWriteMask
        h.b = UInt8(truncatingIfNeeded: xmm)
        h.index = UInt8(truncatingIfNeeded: xmm >> 8)
        return h
    }

    /// The GPRs this instruction can write, nil if not known (an observer then compares all).
    /// Over-approximations are harmless (an unchanged register is not recorded); a missing
    /// register would be a wrong trace, which DebuggerTests check against a full compare.
    /// Register numbers 16–19 of 8-bit forms are AH CH DH BH, bits 0–3.
    var gprWriteMask: UInt16? {
        @inline(__always) func bit(_ k: UInt8) -> UInt16 { 1 << UInt16(k & 15) }
        let rb = bit(r) | bit(b)
        let rax: UInt16 = 1 << 0, rcx: UInt16 = 1 << 1, rdx: UInt16 = 1 << 2, rbx: UInt16 = 1 << 3
        let rsp: UInt16 = 1 << 4, rbp: UInt16 = 1 << 5, rsi: UInt16 = 1 << 6, rdi: UInt16 = 1 << 7
        let memory = hasMemory
        switch op {
        // Flags, memory or RIP only.
        case .nop, .jcc, .jz, .jnz, .jmp, .jmpR, .jmpM, .flagOp, .sahf, .ud, .invalid,
             .movMR8, .movMR16, .movMR32, .movMR64, .movMI8, .movMI16, .movMI32, .movMI64,
             .aluMR8, .aluMR16, .aluMR32, .aluMR64, .aluMI8, .aluMI16, .aluMI32, .aluMI64,
             .cmpRR64, .cmpRI64, .cmpRR32, .cmpRI32, .cmpRM64, .cmpRM32, .cmpMR32, .cmpMR64,
             .cmpMI8, .cmpMI32, .cmpMI64, .cmpMR8, .cmpRM8, .cmpRR8, .cmpRI8,
             .testRR8, .testRR16, .testRR32, .testRR64, .testMR8, .testMR16, .testMR32, .testMR64,
             .testRI8, .testRI16, .testRI32, .testRI64, .testMI8, .testMI16, .testMI32, .testMI64,
             .unaryM, .shiftM, .shldM, .setccM, .btRM, .btMI, .movMSeg, .movSegR, .movSegM:
            return 0
        // One or both of the ModRM registers (`b` is the memory base when there is a memory
        // operand, and then not written: the bit is a harmless extra).
        case .aluRR8, .aluRR16, .aluRR32, .aluRR64, .aluRM8, .aluRM16, .aluRM32, .aluRM64,
             .aluRI8, .aluRI16, .aluRI32, .aluRI64,
             .addRR64, .addRI64, .subRR64, .subRI64, .addRR32, .addRI32, .xorRR32, .andRI32,
             .xorRR64, .andRR64, .orRR64, .andRI64, .subRR32, .addRM64, .imul2RR64, .imul3RR64,
             .aluRM32fast, .aluRM64fast, .andRR32, .orRR32, .notR32, .notR64,
             .movzxbRM, .movzxwRM, .movzxbRR, .movzxwRR, .movsxdRM, .movsxdRR,
             .addRR64nf, .addRI64nf, .subRR64nf, .subRI64nf, .addRR32nf, .addRI32nf, .subRR32nf,
             .xorRR64nf, .andRR64nf, .orRR64nf, .andRI64nf, .xorRR32nf, .andRI32nf,
             .shlRI64nf, .shrRI64nf, .sarRI64nf, .shlRI32nf, .shrRI32nf, .sarRI32nf,
             .imul2RR64nf, .imul3RR64nf, .aluRM64fastNF, .aluRM32fastNF, .andRR32nf, .orRR32nf,
             .movRR8, .movRR16, .movRR32, .movRR64, .movRM8, .movRM16, .movRM32, .movRM64,
             .movRI8, .movRI16, .movRI32, .movRI64, .movzxRR, .movzxRM, .movsxRR, .movsxRM,
             .lea16, .lea32, .lea64, .unaryR, .incR32, .incR64, .decR32, .decR64,
             .imul2RR, .imul2RM, .imul3RR, .imul3RM, .shiftR,
             .shlRI64, .shrRI64, .sarRI64, .shlRI32, .shrRI32, .sarRI32, .rolRI32, .rorRI32, .rolRI64, .rorRI64,
             .shldR, .btRR, .btRI, .bsfR, .bsfM, .bsrR, .bsrM, .bswap, .xchgRR, .xchgRM, .xaddRR, .xaddRM,
             .cmovRR, .cmovRM, .setccR, .movRSeg, .loadFar,
             .sse, .sseFast, .mmx:
            return memory ? bit(r) : rb
        case .cmpxchgRR, .cmpxchgRM: return rb | rax
        case .cmpxchg8b16b, .mulDivR, .mulDivM, .cwd, .rdtsc: return rax | rdx
        case .cbw, .lahf, .xlat, .x87: return rax
        case .rdtscp: return rax | rcx | rdx
        case .cpuid: return rax | rbx | rcx | rdx
        case .loop: return rcx
        case .string, .inOut: return rax | rcx | rsi | rdi
        case .pushR, .pushI, .pushM, .pushR64, .pushSeg, .pushf, .call, .callR, .callM, .ret, .retImm, .popM, .popSeg, .popf:
            return rsp
        case .popR, .popR64: return rsp | rb
        case .enter, .leave: return rsp | rbp
        default:
            // INT n, HLT, CLI/STI, system instructions: whatever they change is recorded again
            // after the exception or exit that follows, but compare everything to be sure.
            return nil
        }
    }

    /// The XMM registers this instruction can write: the ModRM registers of SSE and MMX forms,
    /// all for system instructions (FXRSTOR, XRSTOR), none otherwise.
    var xmmWriteMask: UInt16 {
        switch op {
        case .sse, .sseFast, .mmx: return 1 << UInt16(r & 15) | 1 << UInt16(b & 15)
        case .system: return 0xFFFF
        default: return 0
        }
    }
}

extension MicroOp {
    /// Kinds that never change RFLAGS (SDM Vol. 1 Appendix A, "EFLAGS Cross-Reference": data
    /// moves, address computation, stack, branches, conditional moves and sets). Everything not
    /// listed is assumed to change it.
    var keepsRFLAGS: Bool {
        switch self {
        case .movRR8, .movRR16, .movRR32, .movRR64, .movRM8, .movRM16, .movRM32, .movRM64,
             .movMR8, .movMR16, .movMR32, .movMR64, .movRI8, .movRI16, .movRI32, .movRI64,
             .movMI8, .movMI16, .movMI32, .movMI64, .movzxRR, .movzxRM, .movsxRR, .movsxRM,
             .movzxbRM, .movzxwRM, .movzxbRR, .movzxwRR, .movsxdRM, .movsxdRR,
             .lea16, .lea32, .lea64, .notR32, .notR64, .bswap, .xchgRR, .xchgRM,
             .jcc, .jz, .jnz, .jmp, .jmpR, .jmpM, .call, .callR, .callM, .ret, .retImm, .loop,
             .cmovRR, .cmovRM, .setccR, .setccM,
             .pushR, .pushI, .pushM, .popR, .popM, .pushR64, .popR64, .pushSeg, .pushf,
             .enter, .leave, .cbw, .cwd, .lahf, .nop, .movRSeg, .movMSeg:
            true
        default:
            false
        }
    }

    /// Instructions that may change FS or GS base: segment loads and system instructions
    /// (WRFSBASE, WRMSR, SWAPGS).
    var maySetSegmentBase: Bool {
        switch self {
        case .movSegR, .movSegM, .popSeg, .loadFar, .system: true
        default: false
        }
    }
}
