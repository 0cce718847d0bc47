// SPDX-License-Identifier: MIT
// What the stub (Stub.swift) needs from the machine it debugs, and the values it passes: stop
// events (gdb manual §E.3 "Stop Reply Packets"), resume actions (§E.2 `c`, `s`, `vCont`) and
// breakpoint kinds (§E.2 `Z type,addr,kind`). The hypervisor binding is Session.swift; tests use
// their own target.

/// Why the target stopped: one `T` stop reply.
public struct StopEvent: Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case none
        /// A Z0 breakpoint (`swbreak:`), a Z1 one (`hwbreak:`).
        case softwareBreakpoint, hardwareBreakpoint
        /// A Z2/Z3/Z4 watchpoint on this address (`watch:`, `rwatch:`, `awatch:`).
        case watch(UInt64), readWatch(UInt64), accessWatch(UInt64)
        /// A caught syscall (`syscall_entry:`, `syscall_return:`, QCatchSyscalls).
        case syscallEntry(UInt64), syscallReturn(UInt64)
    }

    /// gdb's numbers (include/gdb/signals.def; Signals.swift translates Linux's).
    public static let sigint: UInt8 = 2
    public static let sigtrap: UInt8 = 5

    public var signal: UInt8
    /// gdb's thread ID of the thread that stopped.
    public var thread: Int
    public var reason: Reason

    public init(signal: UInt8 = StopEvent.sigtrap, thread: Int, reason: Reason = .none) {
        self.signal = signal
        self.thread = thread
        self.reason = reason
    }
}

/// What gdb asked for when it let the target go. `signal` (gdb's numbering, 0 for none) is what
/// the thread that reported the stop gets on its way (`C sig`, `S sig`, vCont `C`/`S`): at a
/// fault stop, the fault's own signal delivers it, 0 discards it (gdb's `signal 0`, `handle
/// nopass`), as PTRACE_CONT's data argument does (ptrace(2)).
public enum ResumeAction: Equatable, Sendable {
    /// Run; `only`: the one thread that runs (a vCont with no default action), nil for all.
    case `continue`(signal: UInt8 = 0, only: Int? = nil)
    /// Step `thread` one instruction; `othersRun`: the others run as they are scheduled (a vCont
    /// default action, or the plain `s` packet), else they stay stopped (all-stop `vCont;s:T`).
    case step(thread: Int, signal: UInt8 = 0, othersRun: Bool = true)
    /// `D`: remove every breakpoint and run on without gdb.
    case detach
    /// `k`, `vKill`: end the run.
    case kill
}

/// The `Z`/`z` packet types.
public enum BreakpointKind: Int, Sendable {
    case software = 0, hardware = 1, write = 2, read = 3, access = 4
}

/// The syscalls `QCatchSyscalls` asked to stop at.
public enum SyscallCatch: Equatable, Sendable {
    case none
    case all
    case only(Set<UInt64>)

    public func contains(_ number: UInt64) -> Bool {
        switch self {
        case .none: false
        case .all: true
        case .only(let set): set.contains(number)
        }
    }
}

/// The debugged machine as the stub sees it. Thread IDs are gdb's (positive integers).
public protocol GDBTarget: AnyObject {
    /// The live threads, in the order `info threads` lists them.
    func threadIDs() -> [Int]
    /// A line describing `thread` (`qThreadExtraInfo`), nil if it does not exist.
    func threadExtraInfo(_ thread: Int) -> String?
    func registers(of thread: Int) -> GDBRegisterValues?
    func setRegisters(_ values: GDBRegisterValues, of thread: Int) -> Bool
    /// Up to `count` bytes of `thread`'s address space: the readable prefix.
    func readMemory(thread: Int, address: UInt64, count: Int) -> [UInt8]
    func writeMemory(thread: Int, address: UInt64, bytes: [UInt8]) -> Bool
    /// False if the kind is not supported.
    func insertBreakpoint(_ kind: BreakpointKind, address: UInt64, length: UInt64, thread: Int) -> Bool
    func removeBreakpoint(_ kind: BreakpointKind, address: UInt64, length: UInt64, thread: Int) -> Bool
    func setSyscallCatch(_ syscalls: SyscallCatch)
    /// Runs a `monitor` command, writing its output lines through `output`.
    func monitor(_ command: String, output: (String) -> Void)
}
