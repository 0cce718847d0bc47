// SPDX-License-Identifier: MIT
// How one forwarded Linux system call is handled: its number and arguments from the handler's
// UTCB (rax; rdi, rsi, rdx, r10, r8, r9 — the x86-64 syscall ABI, syscall(2)), a handler from
// the table, and the result in rax (a value, or -errno).
import Hypervisor

/// What a syscall handler returns.
enum SyscallResult {
    /// Success with this value in rax.
    case value(UInt64)
    /// Failure: rax = -errno.
    case error(Errno)
    /// The calling thread is gone (exit, exit_group, a fatal signal): no reply.
    case noReturn
    /// The handler wrote the caller's whole register set into the UTCB (rt_sigreturn): reply
    /// with every register instead of returning SYSRET-style.
    case registersSet
    /// The call must wait (an empty pipe, pause(2), an infinite poll): the process blocks on its
    /// wake semaphore and the call runs again from its `syscall` instruction when a signal is
    /// sent to it (DESIGN.md §4: `reply` with an SM). `restartable`: after a handler with
    /// SA_RESTART it runs again (Linux's -ERESTARTSYS); otherwise it fails with EINTR
    /// (-ERESTARTNOHAND, -ERESTART_RESTARTBLOCK). signal(7) "Interruption of system calls".
    case block(restartable: Bool)
}

extension SyscallResult {
    static func int(_ v: Int) -> SyscallResult { .value(UInt64(bitPattern: Int64(v))) }
    static let zero = SyscallResult.value(0)
}

/// One call as the handler sees it.
struct SyscallContext {
    let personality: LinuxPersonality
    let process: LinuxProcess
    /// The handler EC's UTCB, holding the caller's registers (portal MTD 0xFFFFFF).
    let utcb: UTCB
    let number: UInt64
    let args: [UInt64]

    func arg(_ i: Int) -> UInt64 { args[i] }
    func int(_ i: Int) -> Int64 { Int64(bitPattern: args[i]) }
    /// An `int` argument (the low 32 bits, sign-extended, as the kernel's prototypes take them).
    func int32(_ i: Int) -> Int32 { Int32(truncatingIfNeeded: args[i]) }
    var memory: AddressSpace { process.memory }
}

typealias SyscallHandler = @Sendable (SyscallContext) -> SyscallResult

/// The syscall table: number → handler. Anything else is ENOSYS and logged once by name.
enum SyscallTable {
    static let handlers: [UInt64: SyscallHandler] = {
        var t: [UInt64: SyscallHandler] = [:]
        ProcessSyscalls.register(&t)
        MemorySyscalls.register(&t)
        ConsoleSyscalls.register(&t)
        TimeSyscalls.register(&t)
        PipeSyscalls.register(&t)
        FileSyscalls.register(&t)
        FileAttributeSyscalls.register(&t)
        FileNamespaceSyscalls.register(&t)
        PollSyscalls.register(&t)
        SignalSyscalls.register(&t)
        return t
    }()
}

/// Which system calls the personality implements (what `emu syscalls` prints and
/// docs/syscalls.md is generated from); every other number returns -ENOSYS.
public enum SyscallCoverage {
    public static func implemented() -> [(number: UInt64, name: String)] {
        SyscallTable.handlers.keys.sorted().map { ($0, SyscallNames.name($0)) }
    }

    /// Every x86-64 system call the kernel headers name, with whether it is implemented.
    public static func all() -> [(number: UInt64, name: String, implemented: Bool)] {
        SyscallNames.byNumber.keys.sorted().map { ($0, SyscallNames.name($0), SyscallTable.handlers[$0] != nil) }
    }
}
