// SPDX-License-Identifier: MIT
// The register file and architectural state of one x86-64 CPU (SDM Vol. 1 §3.4, Vol. 3A §2),
// plus the interpreter's bookkeeping (lazy flags, decoded-block cache, retired-instruction count).
// Behaviour lives in extensions: Flags, Registers, Instructions/*, Interpreter/*.
import MMU

public final class CPU {
    public let mmu: MMU

    /// RAX…R15 in encoding order, then one always-zero slot (`zeroReg`) for branch-free addressing.
    public let regs: UnsafeMutablePointer<UInt64>
    /// Address of the next instruction to execute (synchronised at block boundaries).
    public var rip: UInt64 = 0

    // Lazy flags (Flags.swift). While `lfOp == LazyFlags.none`, `flagBits` holds every RFLAGS bit.
    @usableFromInline var flagBits: UInt64 = 0x2
    @usableFromInline var lfOp: UInt8 = 0
    @usableFromInline var lfSign: UInt8 = 63
    @usableFromInline var lfRes: UInt64 = 0
    @usableFromInline var lfA: UInt64 = 0
    @usableFromInline var lfB: UInt64 = 0

    /// ES CS SS DS FS GS.
    public let segs: UnsafeMutablePointer<SegmentRegister>
    /// Bases added to memory operands, indexed by `DecodedInstruction.seg` (0 = none, 5 = FS, 6 = GS).
    @usableFromInline let segBase: UnsafeMutablePointer<UInt64>
    public var gdtr = DescriptorTableRegister()
    public var idtr = DescriptorTableRegister()
    public var ldtr = SegmentRegister(limit: 0)
    public var tr = SegmentRegister(limit: 0)
    /// Current privilege level (CS.RPL after a load), 0…3.
    public internal(set) var cpl: UInt8 = 0

    public internal(set) var cr0: UInt64 = 0x6000_0010 { didSet { sseUsabilityChanged() } }
    public var cr2: UInt64 = 0
    public internal(set) var cr3: UInt64 = 0
    public internal(set) var cr4: UInt64 = 0 { didSet { sseUsabilityChanged() } }
    /// SSE instructions raise neither #UD nor #NM: CR0.EM = 0, CR0.TS = 0, CR4.OSFXSR = 1. The block
    /// builder specialises SSE forms only while this holds (SSEFast.swift), and every change of it
    /// drops the decoded blocks.
    var sseUsable = false
    /// The host's MXCSR mode is the default (round to nearest, no DAZ/FTZ, all masked), as the
    /// double-precision fast path (SSEFastFP.swift) assumes of Swift arithmetic.
    let hostFPDefault = HostMXCSR.get() & ~MXCSR.flags == 0x1F80
    public var cr8: UInt64 = 0
    public internal(set) var efer: UInt64 = 0
    /// DR0–DR7; DR6 and DR7 start at their reset values (SDM Vol. 3B §17.2).
    public var dr: [UInt64] = [0, 0, 0, 0, 0, 0, 0xFFFF_0FF0, 0x400]

    // MSRs (Instructions/System.swift lists which exist).
    public var star: UInt64 = 0, lstar: UInt64 = 0, cstar: UInt64 = 0, fmask: UInt64 = 0
    public var kernelGSBase: UInt64 = 0, tscAux: UInt64 = 0
    public var pat: UInt64 = 0x0007_0406_0007_0406
    public var apicBase: UInt64 = 0xFEE0_0900
    public var miscEnable: UInt64 = 1
    /// TSC = retired instructions + `tscOffset` (WRMSR IA32_TSC moves the offset).
    public var tscOffset: UInt64 = 0

    public var x87 = X87State()
    public var sse = SSEState()

    /// Instructions retired since reset; the virtual clock (1 TSC tick per instruction).
    public internal(set) var instret: UInt64 = 0

    /// Hosted mode: SYSCALL at CPL 3 and every exception become exits to the supervisor instead
    /// of architectural delivery through LSTAR and the IDT (DESIGN.md §2).
    public var hostedKernel = false
    /// Port I/O target.
    public weak var io: PortIO?
    /// Set by a device or debugger to make `run` return `.stopRequested` at the next instruction boundary.
    public var stopRequested = false { didSet { updateAttention() } }
    /// Maskable interrupt pending (from an interrupt controller), checked at block boundaries when IF=1.
    public var interruptPending: (() -> UInt8?)? { didSet { updateAttention() } }
    /// Instruction after STI / MOV SS: interrupts are inhibited for one instruction.
    var interruptShadow = false { didSet { updateAttention() } }
    /// Linear addresses at which `run` stops with `.breakpoint` before executing (the gdb stub's breakpoints).
    public var breakpoints = Set<UInt64>() {
        didSet { if oldValue.isEmpty != breakpoints.isEmpty { singleInstructionBlocksChanged() } else { updateAttention() } }
    }
    /// Execute one instruction per block (single-stepping and tracing).
    public var singleStep = false { didSet { if oldValue != singleStep { singleInstructionBlocksChanged() } } }
    /// Blocks are decoded one instruction long: while single-stepping or with breakpoints set, a
    /// run can stop after any instruction, and a stop must see that instruction's flags. In a longer block an instruction whose flags the next one overwrites
    /// computes none (flag-free micro-ops, FlagLiveness.swift), so a stop between the two would
    /// show stale RFLAGS.
    var singleInstructionBlocks = false
    /// Called before every instruction (instruction traces, InstructionObserver.swift). Setting or
    /// clearing it drops the decoded blocks: while it is set, every instruction of a block is
    /// decoded behind a `.traceHook` record and keeps its flag result (no liveness elision), so
    /// the RFLAGS a trace shows after each instruction are the architectural ones.
    public var instructionObserver: InstructionObserver? {
        didSet {
            observerRef = instructionObserver.map { Unmanaged.passUnretained($0) }
            blocks.willFlush = instructionObserver == nil ? nil : { [unowned self] in
                self.observerRef?._withUnsafeGuaranteedRef { $0.willDropDecodedCode() }
            }
            // Traced blocks differ from untraced ones even when both are one instruction long.
            singleInstructionBlocksChanged(flush: true)
        }
    }
    /// `instructionObserver` without reference counting, for the call before every traced
    /// instruction (`instructionObserver` keeps it alive).
    var observerRef: Unmanaged<InstructionObserver>?
    /// True when the run loop must look at the rare conditions above before the next block;
    /// one load per block instead of five (and no Set access on the hot path).
    var attention = false

    /// Entering or leaving one-instruction blocks (single-stepping, breakpoints) drops the
    /// decoded ones, which were built for the other mode; `flush` drops them in any case (an
    /// instruction observer came or went: traced blocks differ from untraced ones).
    func singleInstructionBlocksChanged(flush: Bool = false) {
        let single = singleStep || !breakpoints.isEmpty
        if single != singleInstructionBlocks || flush {
            singleInstructionBlocks = single
            flushDecodedCode()
            blocks.traced = instructionObserver != nil
        }
        updateAttention()
    }

    func updateAttention() {
        attention = stopRequested || interruptPending != nil || interruptShadow || !breakpoints.isEmpty || singleStep
    }

    let blocks: BlockCache
    /// The block whose run ended the last `run` (an exit or the budget), and the cache
    /// generation it belongs to: the next `run` starts by following its successor link.
    var resumeBlock = -1
    var resumeGeneration: UInt64 = 0
    /// An exception raised while delivering another (double-fault logic, SDM Vol. 3A §6.15 Table 6-5).
    var deliveringVector: UInt8? = nil
    /// The exception an instruction raised; valid when its handler returned false.
    public internal(set) var exception = CPUException(0)
    /// The exit an instruction requested (valid when a block ended with `.exit`).
    var pendingExit: CPUExit = .halt
    /// The pending exception comes from INT n / INT3 (gate DPL is checked, RIP is the next instruction).
    var pendingSoftware = false
    /// RIP of that INT n / INT3 itself: a fault while delivering it is reported there (SDM Vol. 3A §6.12.1.1).
    var pendingSoftwareRIP: UInt64 = 0

    public init(mmu: MMU) {
        self.mmu = mmu
        regs = .allocate(capacity: 17)
        regs.initialize(repeating: 0, count: 17)
        segs = .allocate(capacity: 6)
        segs.initialize(repeating: SegmentRegister(), count: 6)
        segBase = .allocate(capacity: 8)
        segBase.initialize(repeating: 0, count: 8)
        blocks = BlockCache()
        mmu.cr0 = cr0
        mmu.onCodeWrite = { [unowned self] _ in self.flushDecodedCode() }
    }

    deinit {
        regs.deallocate(); segs.deallocate(); segBase.deallocate()
        x87.regs.deallocate(); sse.xmm.deallocate()
    }

    /// The virtual time-stamp counter.
    public var tsc: UInt64 { instret &+ tscOffset }

    /// Drops every decoded block (self-modifying code, or new code loaded by a supervisor).
    public func flushDecodedCode() {
        blocks.flush()
        mmu.clearCodeTracking()
    }
}

/// GPR numbers in encoding order.
public enum Reg {
    public static let rax = 0, rcx = 1, rdx = 2, rbx = 3, rsp = 4, rbp = 5, rsi = 6, rdi = 7
    public static let r8 = 8, r9 = 9, r10 = 10, r11 = 11, r12 = 12, r13 = 13, r14 = 14, r15 = 15
}
