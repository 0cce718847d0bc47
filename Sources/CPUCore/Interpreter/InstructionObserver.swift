// SPDX-License-Identifier: MIT
// Per-instruction observation for instruction traces (`--trace`). While an observer is set, blocks
// are decoded one instruction long behind a `.traceHook` record that announces the instruction to
// the observer; the interpreter runs them like any block, chained by links. Untraced code never
// contains a hook, so tracing costs the untraced run nothing: no test per instruction, and the
// interpreter function is the same (docs/trace-format.md, "Speed", says why this replaced a
// generic `Tracer` parameter). The observer (Sources/Debugger) diffs registers and collects
// memory accesses.

/// Receives the CPU's instruction stream while it is set as `CPU.instructionObserver`. A class,
/// not a protocol: the run loop calls it through an unretained reference, which a class allows
/// (`Unmanaged`) and an existential does not (each call would retain and release it).
open class InstructionObserver {
    public init() {}
    /// The decoded instruction is about to execute (its `rip`, `len` and `op` say where and what);
    /// the one announced before it has retired, unless `didYield` or `didRaise` came in between.
    /// The record is valid during the call only.
    open func willExecute(_ instruction: UnsafePointer<DecodedInstruction>) {}
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
}

/// How an exception reported to `InstructionObserver.didRaise` came about.
public enum RaiseKind: UInt8, Sendable {
    case fault, trap, fetch, interrupt
}

/// The lazy-flag state as a value: while it is unchanged RFLAGS' status flags are too, so an
/// observer compares six words instead of materialising RFLAGS after every instruction.
public struct LazyFlagsState: Equatable, Sendable {
    var bits: UInt64 = 0, res: UInt64 = 0, a: UInt64 = 0, b: UInt64 = 0
    var op: UInt8 = 0, sign: UInt8 = 0
    public init() {}
}

extension MicroOp {
    /// Instructions of this kind may write an XMM register (SSE forms, MMX moves to XMM,
    /// FXRSTOR; system instructions, conservatively): an observer compares the XMM file only
    /// after these.
    @inlinable
    public var mayWriteXMM: Bool {
        switch self {
        case .sse, .sseFast, .mmx, .system: true
        default: false
        }
    }
}

/// Which general-purpose registers an instruction can change: none, only `regs[r]`, or any
/// (unknown). Read from the interpreter's cases in Dispatch.swift; an observer compares only
/// those registers after the instruction (DebuggerTests checks the result against a full compare).
public enum GPRWrites: UInt8, Sendable { case none, r, any }

extension MicroOp {
    /// The GPRs this kind can write (`GPRWrites`). Only the hot 32/64-bit forms whose case in
    /// Dispatch.swift writes `regs[r]` alone, or no register, are classified; everything else,
    /// including every 8- and 16-bit form, is `.any`.
    @inlinable
    public var gprWrites: GPRWrites {
        switch self {
        case .movMR64, .movMR32, .cmpRR64, .cmpRI64, .cmpRR32, .cmpRI32, .cmpRM64, .cmpRM32, .cmpMR32, .cmpMR64,
             .cmpMR8, .cmpRM8, .cmpRR8, .cmpRI8, .cmpMI8, .cmpMI32, .cmpMI64, .testRR64, .testRR32,
             .testRR8, .testRR16, .testRI8, .testRI16, .testRI32, .testRI64,
             .jcc, .jz, .jnz, .jmp, .nop:
            .none
        case .movRR64, .movRR32, .movRI64, .movRI32, .movRM64, .movRM32, .lea64, .lea32,
             .addRR64, .addRI64, .subRR64, .subRI64, .addRR32, .addRI32, .xorRR32, .andRR32, .orRR32,
             .notR32, .notR64, .andRI32, .incR64, .incR32, .decR64, .decR32,
             .shlRI64, .shrRI64, .sarRI64, .shlRI32, .shrRI32, .sarRI32, .rolRI64, .rorRI64, .rolRI32, .rorRI32,
             .xorRR64, .andRR64, .orRR64, .andRI64, .subRR32, .addRM64, .imul2RR64, .imul3RR64,
             .addRR64nf, .addRI64nf, .subRR64nf, .subRI64nf, .addRR32nf, .addRI32nf, .subRR32nf,
             .xorRR64nf, .andRR64nf, .orRR64nf, .andRI64nf, .xorRR32nf, .andRR32nf, .orRR32nf, .andRI32nf,
             .shlRI64nf, .shrRI64nf, .sarRI64nf, .shlRI32nf, .shrRI32nf, .sarRI32nf, .imul2RR64nf, .imul3RR64nf,
             .aluRM64fastNF, .aluRM32fastNF, .aluRM32fast, .aluRM64fast,
             .movzxbRM, .movzxwRM, .movzxbRR, .movzxwRR, .movsxdRM, .movsxdRR:
            .r
        default:
            .any
        }
    }
}

extension CPU {
    /// The current lazy-flag state (see `LazyFlagsState`).
    @inline(__always)
    public var lazyFlagsState: LazyFlagsState {
        var s = LazyFlagsState()
        s.bits = flagBits; s.res = lfRes; s.a = lfA; s.b = lfB; s.op = lfOp; s.sign = lfSign
        return s
    }
}
