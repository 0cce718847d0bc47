// SPDX-License-Identifier: MIT
// Per-instruction observation for instruction traces (`--trace`, DESIGN.md §6): tracing is a
// generic parameter of the block interpreter (`TraceMode`), so the untraced specialisation of
// `executeBlocks` compiles every hook out and the traced one calls the observer before each
// instruction. The observer (Sources/Debugger) diffs registers and collects memory accesses.

/// Receives the CPU's instruction stream while it is set as `CPU.instructionObserver`. A class,
/// not a protocol: the interpreter calls it through an unretained reference, which a class
/// allows (`Unmanaged`) and an existential does not (each call would retain and release it).
open class InstructionObserver {
    public init() {}
    /// The decoded instruction is about to execute (its `rip`, `len` and `op` say where and what);
    /// the one announced before it has retired, unless `didYield` or `didRaise` came in between.
    open func willExecute(_ instruction: UnsafePointer<DecodedInstruction>) {}
    /// The instruction announced last stopped after a chunk of its REP iterations without
    /// retiring; it is announced again when it continues.
    open func didYield() {}
    /// An exception was raised: `.fault` by the instruction announced last (which did not retire),
    /// `.trap` by INT n/INT3 (which retired), `.fetch` while fetching or decoding the next
    /// instruction (none was announced), `.interrupt` from the interrupt controller. Called before
    /// delivery (bare metal) or before the exit to the supervisor (hosted).
    open func didRaise(_ e: CPUException, kind: RaiseKind) {}
}

/// How an exception reported to `InstructionObserver.didRaise` came about.
public enum RaiseKind: UInt8, Sendable {
    case fault, trap, fetch, interrupt
}

/// Compile-time switch for the traced and untraced specialisations of `executeBlocks`.
@usableFromInline protocol TraceMode { static var enabled: Bool { get } }
@usableFromInline enum Untraced: TraceMode { @usableFromInline static var enabled: Bool { false } }
@usableFromInline enum Traced: TraceMode { @usableFromInline static var enabled: Bool { true } }

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

extension CPU {
    /// The current lazy-flag state (see `LazyFlagsState`).
    @inline(__always)
    public var lazyFlagsState: LazyFlagsState {
        var s = LazyFlagsState()
        s.bits = flagBits; s.res = lfRes; s.a = lfA; s.b = lfB; s.op = lfOp; s.sign = lfSign
        return s
    }
}
