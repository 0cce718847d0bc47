// SPDX-License-Identifier: MIT
// Per-instruction observation for instruction traces (`--trace`). While an observer is set, the
// run loop executes one instruction per `executeBlocks` call (blocks are decoded one instruction
// long) and reports each after it retired; the interpreter's inner loop is the same code traced
// or not, so tracing costs the untraced run nothing (docs/trace-format.md, "Speed", says why
// this replaced a generic `Tracer` parameter). The observer (Sources/Debugger) diffs registers
// and collects memory accesses.

/// Receives the CPU's instruction stream while it is set as `CPU.instructionObserver`. A class,
/// not a protocol: the run loop calls it through an unretained reference, which a class allows
/// (`Unmanaged`) and an existential does not (each call would retain and release it).
open class InstructionObserver {
    public init() {}
    /// The decoded instruction retired (its `rip`, `len` and `op` say where and what); its
    /// register and memory effects are in place. A REP instruction is reported once, when its
    /// last iteration is done.
    open func didExecute(_ instruction: UnsafePointer<DecodedInstruction>) {}
    /// An exception was raised: `.fault` by `instruction` (which did not retire), `.trap` by
    /// INT n/INT3 (reported as executed just before), `.fetch` while fetching or decoding the next
    /// instruction, `.interrupt` from the interrupt controller. Called before delivery (bare
    /// metal) or before the exit to the supervisor (hosted).
    open func didRaise(_ e: CPUException, kind: RaiseKind, instruction: UnsafePointer<DecodedInstruction>?) {}
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

extension CPU {
    /// The current lazy-flag state (see `LazyFlagsState`).
    @inline(__always)
    public var lazyFlagsState: LazyFlagsState {
        var s = LazyFlagsState()
        s.bits = flagBits; s.res = lfRes; s.a = lfA; s.b = lfB; s.op = lfOp; s.sign = lfSign
        return s
    }
}
