// SPDX-License-Identifier: MIT
// Execution context: a thread of execution in a PD, with its UTCB, event base and saved user
// state. Hedron: include/ec.hpp, src/ec.cpp (`Ec::Ec`); events: digest §2.8.

/// Execution context (EC, `Ec`). A *global* EC runs on its own SC; a *local* EC runs only when
/// a portal bound to it is called, on the caller's SC. A *host* EC is one whose code is a Swift
/// `hostHandler` instead of guest instructions; everything else about it (capabilities, UTCB
/// page, portal IDs) is the same.
public final class ExecutionContext: KernelObject, TypedKernelObject {
    public typealias Permissions = ECPermissions
    public static let objectKind = KernelObject.Kind.ec

    /// Exception events per EC (`NUM_EXC`): portals `eventBase + 0…31`.
    public static let eventCount: UInt64 = 32
    /// Startup event (`EXC_STARTUP`, `NUM_EXC − 2`): a global EC's first run.
    public static let startupEvent: UInt64 = 30
    /// Recall event (`EXC_RECALL`, `NUM_EXC − 1`): after `ec_ctrl` recall.
    public static let recallEvent: UInt64 = 31

    /// A Swift body for a host EC: called with the EC and the portal ID (what a guest handler
    /// finds in rdi). It reads the message from its UTCB, writes the answer there, and says how
    /// it ends, as a guest handler ends with `reply` (Host/HostEC.swift).
    public typealias HostHandler = (_ ec: ExecutionContext, _ portalID: UInt64) -> HostReply

    /// Where the EC stands (Hedron encodes this in `cont` and the queues it sits in).
    public enum RunState: Equatable {
        /// Runnable (a global EC with an SC in the ready queue, or a local EC being called).
        case ready
        /// On the CPU.
        case running
        /// A local EC waiting for its next call (idle behind its portals).
        case waitingForCall
        /// Called a portal and waits for the reply (`partner` holds the callee).
        case waitingForReply
        /// Blocked in `sm_ctrl` down or `reply` with an SM; `deadline` in TSC ticks, 0 = none.
        case blockedOnSemaphore(Semaphore, deadline: UInt64)
        /// Killed (`Ec::die`), with the reason the report names.
        case dead(reason: String)

        public static func == (a: RunState, b: RunState) -> Bool {
            switch (a, b) {
            case (.ready, .ready), (.running, .running), (.waitingForCall, .waitingForCall),
                 (.waitingForReply, .waitingForReply): true
            case let (.blockedOnSemaphore(s, d), .blockedOnSemaphore(t, e)): s === t && d == e
            case let (.dead(r), .dead(q)): r == q
            default: false
            }
        }
    }

    /// How the EC resumes user mode next (Hedron's continuation `cont`).
    public enum Continuation: Equatable, Sendable {
        /// `ret_user_sysexit`: sysret-style (`rsp := r11`, `r11 := 0x200`, `rip := rcx`); after a
        /// native hypercall and for a local EC entering its handler.
        case sysret
        /// `ret_user_iret`: iret-style from the saved RIP/RSP/RFLAGS; after an exception or a
        /// foreign syscall, whose reply goes through `save_exc`.
        case iret
        /// `sys_call`: restart the `call` (after `reply` with an SM, or once a busy handler is free).
        case restartCall
        /// `send_msg`: send the exception-style message again once a busy handler is free.
        case resend
        /// `send_msg<ret_user_iret>` to `EXC_STARTUP`: a new global EC's first run.
        case startup
        /// `dead`: never runs again.
        case dead
    }

    /// Global (`glb`): has its own SC and starts with the startup exception.
    public let isGlobal: Bool
    /// The PD the EC runs in (`pd`).
    public let pd: ProtectionDomain
    /// The PD whose memory space holds the UTCB mapping (`pd_user_page`): `pd`, or the creator
    /// with `create_ec` ARG1`[11]`.
    public let userPagePD: ProtectionDomain
    /// CPU (`cpu`).
    public let cpu: UInt16
    /// User address of the UTCB (`user_utcb`), 0 if it is not mapped.
    public let utcbAddress: UInt64
    /// The UTCB page in kernel memory (`utcb`).
    public let utcb: UTCB
    /// Event base (`evt`): exception `n` goes to portal `eventBase + n`.
    public let eventBase: UInt64
    /// Stack pointer given to `create_ec` (ARG4).
    public let initialStackPointer: UInt64

    /// Saved user registers while off the CPU (`regs`, `fpu`).
    public var state = UserState()
    /// Swift body of a host EC; nil for guest code.
    public var hostHandler: HostHandler?
    public var runState: RunState
    public var continuation: Continuation
    /// The EC to reply to (`rcap`): set while this EC handles a call. Strong, as the pair is
    /// cleared on every reply and kill (weak references cost a side table per EC and two
    /// atomic operations per access on the forwarding path).
    public internal(set) var caller: ExecutionContext?
    /// The EC this one called and waits on (`partner`).
    public internal(set) var partner: ExecutionContext?
    /// A host EC that received a message through a portal whose MTD has FPU holds its sender's
    /// x87/SSE state, as `Ec::transfer_fpu` lends it to a guest-code handler; this is that sender
    /// while the message is handled (nil otherwise). RootAPI+FPU.swift reads and writes it.
    var fpuLender: Unmanaged<ExecutionContext>?
    /// `ec_ctrl` recall is pending (`HZD_RECALL`): deliver the recall event at the next return
    /// to user mode.
    public var recallPending = false
    /// The SC bound to this (global) EC by `create_sc`.
    public internal(set) var sc: SchedulingContext?
    /// The SC that was running this EC when it blocked: re-enqueued when the EC is released
    /// (for a local EC, the donated SC of its caller chain).
    var blockedSC: SchedulingContext?
    /// ECs whose call or exception message waits until this busy local EC replies (Hedron
    /// lets them help the handler; emu queues them in order and restarts their IPC).
    var waitingSenders: [ExecutionContext] = []
    /// The portal selector of the pending exception-style message (`regs.dst_portal`), for a
    /// restart after waiting on a busy handler.
    var messagePortal: UInt64 = 0
    /// A blocked `sm_ctrl` down waits with this deadline (TSC, 0 = none).
    var deadline: UInt64 = 0
    /// The foreign-syscall portal as last looked up, valid while the PD's object space has
    /// `foreignPortalVersion` (the object space holds it meanwhile, so no reference is counted).
    var foreignPortal: Unmanaged<Portal>?
    var foreignPortalVersion: UInt64 = .max

    let kernelMemory: KernelMemory

    /// Creates an EC as `Ec::Ec` does: a zeroed UTCB page from `kernelMemory`, mapped
    /// read-write, non-executable and non-delegatable at `utcbAddress` in `userPagePD` (default
    /// `pd`) unless that is 0. A global EC starts with `rsp` = `stackPointer`, RFLAGS = IF and
    /// the startup event pending; a local EC keeps `stackPointer` in r11, where its first
    /// sysret-style entry takes RSP from. BAD_PAR for a UTCB address that is not page-aligned
    /// or not below `USER_ADDR`; ABORT if kernel memory is exhausted.
    public init(pd: ProtectionDomain, global: Bool, cpu: UInt16 = 0, utcbAddress: UInt64, stackPointer: UInt64 = 0,
                eventBase: UInt64 = 0, userPagePD: ProtectionDomain? = nil, kernelMemory: KernelMemory) throws(Status) {
        guard utcbAddress & 0xFFF == 0, utcbAddress < MemorySpace.userLimit else { throw .badParameter }
        let frame = try kernelMemory.allocate()
        let owner = userPagePD ?? pd
        if utcbAddress != 0, let memory = owner.memory {
            do {
                try memory.map(page: utcbAddress >> 12, frame: frame >> 12, permissions: [.read, .write], delegatable: false)
            } catch {
                kernelMemory.free(frame)
                throw error
            }
        }
        self.pd = pd
        self.userPagePD = owner
        self.kernelMemory = kernelMemory
        isGlobal = global
        self.cpu = cpu
        self.utcbAddress = utcbAddress
        utcb = UTCB(ram: kernelMemory.ram, address: frame)
        self.eventBase = eventBase
        initialStackPointer = stackPointer
        if global {
            state.rsp = stackPointer
            runState = .ready
            continuation = .startup
        } else {
            state.r11 = stackPointer
            runState = .waitingForCall
            continuation = .sysret
        }
        super.init(kind: .ec)
    }

    deinit {
        // `Ec::pre_free`: the UTCB mapping goes before the page.
        if utcbAddress != 0 { userPagePD.memory?.unmap(page: utcbAddress >> 12) }
        kernelMemory.free(utcb.address)
    }

    /// True while a local EC waits for its next call (idle behind its portals).
    @inline(__always) public var isWaitingForCall: Bool {
        if case .waitingForCall = runState { true } else { false }
    }

    /// True for a host EC.
    public var isHost: Bool { hostHandler != nil }

    /// True once killed.
    public var isDead: Bool { if case .dead = runState { true } else { false } }

    /// Marks the EC dead (`Ec::die`) with the reason to report; it never runs again.
    public func kill(reason: String) {
        runState = .dead(reason: reason)
        continuation = .dead
    }

    /// The selector of the portal for event `event` (exception vector, startup or recall):
    /// `eventBase + event`.
    public func eventSelector(_ event: UInt64) -> UInt64 { eventBase &+ event }

    /// The selector of this EC's foreign-syscall portal (digest §1.4): `eventBase +
    /// pd.foreignSyscallBase + cpu`, looked up in the EC's own PD.
    public var foreignSyscallSelector: UInt64 { eventBase &+ pd.foreignSyscallBase &+ UInt64(cpu) }
}
