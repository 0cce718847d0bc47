// SPDX-License-Identifier: MIT
// The Linux personality: the roottask's handlers for forwarded system calls and for its
// processes' exceptions, and the state they share. Thesis §4 (the policy-free system-call layer):
// the hypervisor forwards a foreign PD's `syscall` to a portal whose ID names the process; the
// handler here reads the call from its UTCB, runs it and replies.
import Hypervisor

final class LinuxPersonality {
    let api: RootAPI
    let frames: FrameAllocator
    let console: Console
    let clock: Clock
    /// Reports (unimplemented syscalls, fatal signals) as lines for stderr.
    let log: (String) -> Void
    /// Ends the run with init's status.
    let stop: (Int32) -> Void
    var processes: [Int32: LinuxProcess] = [:]
    /// The file system (made right after the personality, at boot).
    var vfs: VFS!
    var rlimits: [Int32: [UInt64: (UInt64, UInt64)]] = [:]
    /// The --strace session, if any, set at boot before the handler ECs are bound: with one,
    /// syscalls run `handleSyscall`'s `Traced` specialisation (Linux/Strace/).
    var tracer: StraceTracer?
    /// The host EC whose message is being handled: it holds the process's x87/SSE state, lent
    /// through the portal's MTD FPU (Roottask.portalMTD), which signal frames save and restore.
    private var activeHandler: Unmanaged<ExecutionContext>?
    /// FXSAVE and FXRSTOR of the lent x87/SSE state (Hypervisor/Host/RootAPI+FPU.swift).
    var lentFPU: RootAPI? {
        activeHandler.map { RootAPI(hypervisor: api.hypervisor, ec: $0.takeUnretainedValue()) }
    }
    /// Syscalls reported as unimplemented (each is logged once).
    private var reportedUnimplemented = Set<UInt64>()
    private var random: UInt64

    init(api: RootAPI, frames: FrameAllocator, console: Console, clock: Clock, seed: UInt64,
         log: @escaping (String) -> Void, stop: @escaping (Int32) -> Void) {
        self.api = api
        self.frames = frames
        self.console = console
        self.clock = clock
        self.log = log
        self.stop = stop
        random = seed
        vfs = makeFileSystem(seed: seed ^ 0x5EED)
    }

    var processCount: Int { processes.values.filter { $0.state == .running }.count }

    // MARK: - Forwarded system calls

    /// The handler of every process's foreign-syscall portal: the portal ID is the PID. `T` is
    /// `Traced` when --strace (or a trace recorder's decoding) is on, bound once at boot
    /// (Roottask.makeHandlerECs): the `Untraced` specialisation has no tracing code at all.
    /// Callgrind, host instructions per getpid round trip (scripts/bench-linux.sh's guest, 20,000
    /// vs 120,000 calls, SWIFT_DETERMINISTIC_HASHING=1): 3,081 with every strace line deleted,
    /// 3,112 with them inline behind `tracer?` tests (ARC traffic kept for the StraceCall and
    /// the result, and the dispatch event's closure capturing self for `tracer?.lastCallLine`),
    /// 3,084 with this specialisation (its machine code is as long as the deleted version's).
    func handleSyscall<T: SyscallTracing>(_ handler: ExecutionContext, portalID: UInt64, _: T.Type) -> HostReply {
        let u = handler.utcb
        activeHandler = Unmanaged.passUnretained(handler)
        guard let process = processes[Int32(truncatingIfNeeded: portalID)], process.state == .running else { return .noReply }
        let number = u[gpr: UTCB.GPR.rax]
        let context = SyscallContext(personality: self, process: process, utcb: u, number: number,
                                     args: [u[gpr: UTCB.GPR.rdi], u[gpr: UTCB.GPR.rsi], u[gpr: UTCB.GPR.rdx],
                                            u[gpr: UTCB.GPR.r10], u[gpr: UTCB.GPR.r8], u[gpr: UTCB.GPR.r9]])
        // In-arguments (paths, write buffers) are decoded before the call can change them.
        let traced = !T.enabled ? nil : tracer?.enter(pid: process.pid, number: number, args: context.args,
                                                      memory: process.memory, userStack: u[gpr: UTCB.GPR.r11])
        let result: SyscallResult
        if let h = SyscallTable.handlers[number] {
            result = h(context)
        } else {
            if reportedUnimplemented.insert(number).inserted {
                log("emu: unimplemented syscall \(SyscallNames.name(number)) (\(number))")
            }
            result = .error(.ENOSYS)
        }
        // A call that blocks is shown once it ends (strace(1) prints nothing while it waits; the
        // call runs again when woken and is traced then).
        if T.enabled, let traced {
            if case .block = result, !process.signals.hasDeliverable {} else { traceExit(process, traced, result, u) }
        }
        switch result {
        case .noReturn: return .noReply
        case .value(let v): u[gpr: UTCB.GPR.rax] = v
        case .error(let e): u[gpr: UTCB.GPR.rax] = e.syscallReturn
        case .registersSet: u.mtd = LinuxPersonality.fullReply
        case .block(let restartable):
            // Interrupted before it waits: -EINTR, or with SA_RESTART the call again after the
            // handler (arch/x86/kernel/signal.c `arch_do_signal_or_restart`).
            if process.signals.hasDeliverable {
                if restartable && process.signals.nextHandlerRestarts {
                    returnToSyscall(u)
                } else {
                    u[gpr: UTCB.GPR.rax] = Errno.EINTR.syscallReturn
                    returnAfterSyscall(u)
                }
                return deliverPendingSignals(process, u)
            }
            returnToSyscall(u)
            process.waiting = true
            return .replyBlocking(semaphore: process.wakeSM)
        }
        if case .registersSet = result {} else { returnAfterSyscall(u) }
        // Personality events for instruction traces (structured) and the hypervisor's line trace
        // (`monitor trace on`, `emu hedron --trace`): one test while nobody follows.
        if _slowPath(api.observed) { reportDispatch(T.self, number, context, u) }
        // Signals are delivered on the way back to the process (Linux/Signals/SignalDelivery.swift).
        if process.signals.hasDeliverable { return deliverPendingSignals(process, u) }
        return .reply
    }

    /// The dispatch as a structured event (with strace's line when strace runs) and as a line.
    @inline(never)
    func reportDispatch<T: SyscallTracing>(_: T.Type, _ number: UInt64, _ context: SyscallContext, _ u: UTCB) {
        let text = T.enabled ? tracer?.lastCallLine : nil
        api.trace(.dispatch(name: SyscallNames.name(number), number: number, arguments: context.args,
                            result: u[gpr: UTCB.GPR.rax], text: text))
        api.traceEvent("pid \(context.process.pid) \(SyscallNames.name(number))(\(context.args.map { "0x" + String($0, radix: 16) }.joined(separator: ", "))) = 0x\(String(u[gpr: UTCB.GPR.rax], radix: 16))")
    }

    /// Returns as SYSRET would: RIP = rcx, RSP = the user RSP (r11 at entry), r11 = RFLAGS.
    func returnAfterSyscall(_ u: UTCB) {
        let userRSP = u[gpr: UTCB.GPR.r11]
        u.rip = u[gpr: UTCB.GPR.rcx]
        u[gpr: UTCB.GPR.rsp] = userRSP
        u[gpr: UTCB.GPR.r11] = u.rflags
        u.mtd = [.gprACDB, .gprR8R15, .rsp, .ripLength, .fsGS]
    }

    /// Returns to the `syscall` instruction (2 bytes, 0F 05) with every register as at entry, so
    /// the call runs again (rax still holds its number).
    func returnToSyscall(_ u: UTCB) {
        returnAfterSyscall(u)
        u.rip = u[gpr: UTCB.GPR.rcx] &- 2
    }

    /// Ends the wait of `process` if it waits (`sm_ctrl` up on its wake semaphore): its call runs
    /// again and sees what changed (a signal).
    func wake(_ process: LinuxProcess) {
        guard process.waiting, process.state == .running else { return }
        process.waiting = false
        api.hypercall(SMCtrlArguments(sm: process.wakeSM, operation: .up).registers)
    }

    /// Writes the call's strace line, then the signals a tracer sees that Linux discards (an
    /// ignored signal sent while unblocked: `sig_ignored` is false for a ptraced task).
    func traceExit(_ process: LinuxProcess, _ call: StraceCall, _ r: SyscallResult, _ u: UTCB) {
        guard let tracer else { return }
        let rax: UInt64 = switch r {
        case .value(let v): v
        case .error(let e): e.syscallReturn
        case .registersSet: u[gpr: UTCB.GPR.rax]
        case .noReturn: 0
        // Interrupted before it waited: what a tracer sees is the kernel's restart code.
        case .block(let restartable): UInt64(bitPattern: restartable ? -512 : -514)   // include/linux/errno.h
        }
        if case .block(let restartable) = r {
            call.restart = restartable ? "ERESTARTSYS (To be restarted if SA_RESTART is set)"
                                       : "ERESTARTNOHAND (To be restarted if no handler)"
        }
        tracer.exit(pid: process.pid, call, rax: rax, returns: { if case .noReturn = r { false } else { true } }())
        while let s = process.signals.droppedWhileTraced?.first {
            process.signals.droppedWhileTraced?.removeFirst()
            tracer.signal(pid: process.pid, s.signal, info: s.info)
        }
    }

    // MARK: - Exceptions (portal ID = pid << 8 | vector)

    func handleException(_ handler: ExecutionContext, portalID: UInt64) -> HostReply {
        let u = handler.utcb
        let vector = portalID & 0xFF
        activeHandler = Unmanaged.passUnretained(handler)
        guard let process = processes[Int32(truncatingIfNeeded: portalID >> 8)], process.state == .running else { return .noReply }
        switch vector {
        case ExecutionContext.startupEvent:
            u.rip = process.entry
            u[gpr: UTCB.GPR.rsp] = process.initialStackPointer
            u.mtd = [.ripLength, .rsp]
            return .reply
        case 14:
            let (error, address) = u.qualification
            // #PF error code (SDM Vol. 3A §4.7): bit 1 write, bit 4 instruction fetch.
            if process.memory.fault(at: address, write: error & 2 != 0, execute: error & 0x10 != 0) {
                u.mtd = []
                // Sent by another process since this one's last syscall: delivered now.
                return process.signals.hasDeliverable ? deliverPendingSignals(process, u) : .reply
            }
            // arch/x86/mm/fault.c: no area → SEGV_MAPERR, an area without the right → SEGV_ACCERR;
            // mm/filemap.c: a file page beyond the end of the file → SIGBUS BUS_ADRERR.
            let (signal, code) = switch process.memory.faultKind(at: address) {
            case .unmapped: (Signal.SIGSEGV, SignalInfo.SEGV_MAPERR)
            case .denied: (Signal.SIGSEGV, SignalInfo.SEGV_ACCERR)
            case .pastEndOfFile: (Signal.SIGBUS, SignalInfo.BUS_ADRERR)
            }
            return forceFaultSignal(process, u, signal: signal, info: SignalInfo.fault(signal, code: code, address: address),
                                    trap: TrapState(trapno: 14, error: error, cr2: address), address: address)
        default:
            let (signal, code, addressIsRIP) = LinuxPersonality.exceptionSignal(vector: vector)
            let address = addressIsRIP ? u.rip : 0
            let trap = TrapState(trapno: vector, error: u.qualification.0, cr2: 0)
            return forceFaultSignal(process, u, signal: signal, info: SignalInfo.fault(signal, code: code, address: address),
                                    trap: trap, address: address)
        }
    }

    /// arch/x86/kernel/traps.c: the signal and si_code of each exception other than #PF, and
    /// whether si_addr is the faulting RIP (else 0).
    static func exceptionSignal(vector: UInt64) -> (signal: Int32, code: Int32, addressIsRIP: Bool) {
        switch vector {
        case 0: (Signal.SIGFPE, SignalInfo.FPE_INTDIV, true)         // #DE
        case 16, 19: (Signal.SIGFPE, SignalInfo.FPE_FLTINV, true)    // #MF, #XM (the cause is not readable)
        case 6: (Signal.SIGILL, SignalInfo.ILL_ILLOPN, true)         // #UD
        case 3: (Signal.SIGTRAP, SignalInfo.SI_KERNEL, false)        // #BP: do_int3_user → force_sig
        case 1: (Signal.SIGTRAP, SignalInfo.TRAP_TRACE, true)        // #DB
        case 17: (Signal.SIGBUS, SignalInfo.BUS_ADRALN, false)       // #AC
        default: (Signal.SIGSEGV, SignalInfo.SI_KERNEL, false)       // #GP, #SS, … → force_sig
        }
    }

    // MARK: - Ending processes

    /// exit_group(2): the process ends with `status & 0xFF`; init's status ends the run.
    func exit(_ process: LinuxProcess, status: Int32) {
        tracer?.exited(pid: process.pid, status: status & 0xFF)
        process.state = .exited(status & 0xFF)
        teardown(process)
        if process.isInit { stop(status & 0xFF) }
    }

    static let signalNames = [1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
                              7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM"]

    /// A signal whose default action terminates the process: reported with the faulting RIP,
    /// address and instruction bytes; init's death ends the run with 128 + signal.
    func fatalSignal(_ process: LinuxProcess, signal: Int32, rip: UInt64, address: UInt64) {
        let bytes = process.memory.peek(rip, count: 8).map { " " + $0.map { String(format: "%02x", $0) }.joined(separator: " ") } ?? " (unreadable)"
        tracer?.killed(pid: process.pid, signal: signal)
        log("emu: pid \(process.pid) (\(process.executable)) killed by \(LinuxPersonality.signalNames[Int(signal)] ?? "signal \(signal)") at RIP 0x\(String(rip, radix: 16)), address 0x\(String(address, radix: 16)), instruction bytes\(bytes)")
        process.state = .killed(signal: signal)
        teardown(process)
        if process.isInit {
            api.setDebugEndSignal(signal)
            stop(128 + signal)
        }
    }

    /// Returns the process's memory; its EC stays blocked in the reply it never gets.
    func teardown(_ process: LinuxProcess) {
        process.closeAll()
        process.memory.releaseAll()
    }

    // MARK: - Services the syscall groups share

    func setRLimit(_ c: SyscallContext) -> SyscallResult {
        guard c.arg(0) < 16 else { return .error(.EINVAL) }
        guard let soft = c.memory.load64(c.arg(1)), let hard = c.memory.load64(c.arg(1) + 8) else { return .error(.EFAULT) }
        guard soft <= hard else { return .error(.EINVAL) }
        rlimits[c.process.pid, default: [:]][c.arg(0)] = (soft, hard)
        return .zero
    }

    /// The bytes and path behind `fd` for a file-backed mmap(2).
    func mappableBytes(_ process: LinuxProcess, fd: Int32) -> Result<([UInt8], String), Errno> {
        guard let d = process.fds[fd] else { return .failure(.EBADF) }
        guard let file = d.object as? MappableFile else { return .failure(.ENODEV) }
        return file.mappableContents()
    }

    /// fcntl(2) commands about the open file: F_GETFL 3 and F_SETFL 4 (the console is O_RDWR).
    func fileControl(_ c: SyscallContext, _ d: FileDescriptor) -> SyscallResult {
        if let f = d.object as? FileControl { return f.fileControl(command: c.arg(1), argument: c.arg(2)) }
        switch c.arg(1) {
        case 3: return .int(2)
        case 4: return .zero
        default: return .error(.EINVAL)
        }
    }

    /// Bytes from the personality's generator (SplitMix64, seeded at boot: reproducible runs).
    func randomBytes(_ n: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        while out.count < n {
            random &+= 0x9E37_79B9_7F4A_7C15
            var z = random
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            withUnsafeBytes(of: z) { out += $0.prefix(n - out.count) }
        }
        return out
    }
}

/// A file whose contents a private mapping can copy.
protocol MappableFile {
    func mappableContents() -> Result<([UInt8], String), Errno>
}

/// A file that answers fcntl's status-flag commands itself.
protocol FileControl {
    func fileControl(command: UInt64, argument: UInt64) -> SyscallResult
}

/// Whether a specialisation of `handleSyscall` traces (DESIGN.md §6: tracing as a type parameter
/// with a static flag, so the untraced specialisation has none of it).
protocol SyscallTracing { static var enabled: Bool { get } }
enum Untraced: SyscallTracing { static var enabled: Bool { false } }
enum Traced: SyscallTracing { static var enabled: Bool { true } }
