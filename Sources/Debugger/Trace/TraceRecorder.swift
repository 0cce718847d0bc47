// SPDX-License-Identifier: MIT
// The recorder behind `--trace FILE`: the CPU's instruction observer (one record per instruction,
// TraceRecorder+Instructions.swift), the hypervisor's observer (one event record per step,
// TraceRecorder+Events.swift) and a port-I/O tap, writing docs/trace-format.md records. Windows
// (`--trace-from/--trace-to`, `--trace-pd`, `--trace-syscall`) decide what reaches the file.
import CPUCore
import Glibc
import Hypervisor
import Machine
import MMU

/// What to record.
public struct TraceOptions: Sendable {
    /// One record per instruction (off: hypervisor events only, enough for `--timeline`).
    public var instructions = true
    /// Record from this retired-instruction count on (`--trace-from`).
    public var from: UInt64 = 0
    /// Stop recording at this count (`--trace-to`).
    public var to: UInt64 = .max
    /// Record only around each forwarded call a host EC dispatches under this name (`--trace-syscall`).
    public var syscall: String?
    /// Record only while an EC of the PD with this debug name is in the CPU (`--trace-pd`).
    public var pd: String?
    /// Instructions kept before a `--trace-syscall` match and recorded after its resume.
    public var context = 32
    /// Record each instruction's data accesses (through `MMU.observing`).
    public var memory = true
    /// Record XMM register changes.
    public var xmm = true
    /// Compare every register after every instruction and write every instruction's bytes
    /// (slower; the shortcuts' reference).
    public var fullRegisterDiff = false
    public init() {}
}

public final class TraceRecorder: InstructionObserver, HypervisorObserver {
    let options: TraceOptions
    /// `options.to`: recording stops when this many instructions have retired.
    let stopAt: UInt64
    /// Compare every register after every instruction instead of the ones it can write (the
    /// hook's masks, InstructionObserver.swift), and write every instruction's bytes: the
    /// reference the tests check the shortcuts against.
    let fullRegisterDiff: Bool
    // Strong `let`s: calls through them need no reference counting (self keeps them alive),
    // and the recorder may finish after the machine is gone.
    let cpu: CPU
    let mmu: MMU
    /// `mmu.observed`: the data accesses of the pending instruction.
    let observed: ObservedAccessLog
    /// The CPL the pending instruction runs at: read when an instruction is announced after an
    /// event, and after a system instruction (the only kinds that change it between events).
    var cpl: UInt8 = 0
    /// The trace file (or memory).
    let file: TraceWriter
    /// Where records go now: `file`, or `held` while `--trace-syscall` waits for a match.
    /// (Unowned: `file` and `held` keep it alive; no reference counting per record.)
    unowned(unsafe) var out: TraceWriter
    /// `--trace-syscall`: the records since the last kept window, and where each instruction
    /// record in it starts (offset, index, RIP, context). Held records carry their instruction
    /// bytes always (a window may be cut anywhere).
    var held: TraceWriter? { didSet { out = held ?? file } }
    var marks: [(offset: Int, index: UInt64, rip: UInt64, ec: UInt32)] = []
    /// Instructions still to record after a matched syscall's resume; nil when none is matched.
    var afterMatch: Int?
    var matchResumePending = false

    // Instruction state.
    /// Instructions retired (the index of the next instruction).
    public internal(set) var count: UInt64
    /// The next announcement may take the common path (TraceRecorder+Instructions.swift): an
    /// instruction is pending and recorded, records go to the file, and nothing happened since
    /// it was announced. Every other entry from the CPU or the hypervisor clears it.
    var fast = false
    /// The instruction announced last, not yet recorded: it is written when the next is
    /// announced (its effects are then complete), or at a hypervisor event, a fault or the end.
    var hasPending = false
    /// The pending instruction was announced inside the window (else it is only counted).
    var pendingRecorded = false
    /// The pending instruction's hook record (its RIP, bytes and what it can write), in the
    /// block cache's arena; copied to `pendingCopy` when the decoded code is dropped
    /// (`willDropDecodedCode`) or when the recorder changes what it says (`fullRegisterDiff`).
    var pendingHook: UnsafePointer<DecodedInstruction>
    let pendingCopy = UnsafeMutablePointer<DecodedInstruction>.allocate(capacity: 1)
    var pendingRIP: UInt64 { pendingHook.pointee.next }
    /// XMM registers are compared (`options.xmm`): all ones, or zero (read on every
    /// instruction; a copy of `options` would retain its strings).
    let xmmMask: UInt16
    /// Port accesses of the pending instruction.
    var pendingPorts: [PortAccess] = []
    /// Which hooks' bytes the file holds (TraceRecorder+Code.swift): the tag of the current
    /// context's PD, that PD's trace ID, and the tags and bytes of this epoch.
    var codeTag = CodeTags.none
    var currentPD: UInt32 = 0
    var code = CodeTags()
    /// The PD of each EC named in the trace.
    var pdOfEC: [UInt32: UInt32] = [:]
    /// The pending REP instruction stopped after a chunk and will be announced again.
    var yielded = false
    /// Between a hypervisor entry and the resume: port accesses are the kernel's or a host EC's.
    var inKernel = false
    /// Registers as of the last record (RAX…R15, RFLAGS, FS base, GS base).
    let snapshot = UnsafeMutablePointer<UInt64>.allocate(capacity: 19)
    let snapshotXMM = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)

    // Windows.
    /// The PD filter passes (the last EC resumed belongs to the PD named `options.pd`).
    var pdMatch: Bool
    /// Recording is on: inside `from..<to` and `pdMatch`.
    var active = false
    /// The window `from..<to` has closed: nothing more is recorded.
    var closed = false

    // Objects.
    var ids: [ObjectIdentifier: UInt32] = [:]
    var names: [UInt32: String] = [:]
    /// Keeps named objects alive so their identifiers are not reused by new ones.
    var retained: [KernelObject] = []
    /// The EC whose instructions are being recorded (trace ID; 0 unknown).
    var currentEC: UInt32 = 0
    /// The EC acting now: the user EC, or the handler between its entry and its reply (port I/O
    /// and exceptions are its).
    var actingEC: UInt32 = 0
    var writtenContext: UInt32 = .max

    let startNanos: UInt64
    var portTap: PortTap?
    weak var hypervisor: Hypervisor?

    /// A recorder for `cpu` writing to `writer` (a file or memory).
    public init(cpu: CPU, writer: TraceWriter, options: TraceOptions = TraceOptions()) {
        self.options = options
        xmmMask = options.xmm ? 0xFFFF : 0
        pendingCopy.initialize(to: DecodedInstruction())
        pendingHook = UnsafePointer(pendingCopy)
        fullRegisterDiff = options.fullRegisterDiff
        stopAt = options.to
        self.cpu = cpu
        mmu = cpu.mmu
        observed = cpu.mmu.observed
        file = writer
        out = writer
        count = cpu.instret
        pdMatch = options.pd == nil
        startNanos = TraceRecorder.now()
        snapshot.initialize(repeating: 0, count: 19)
        snapshotXMM.initializeMemory(as: UInt8.self, repeating: 0, count: 256)
        super.init()
        if options.syscall != nil { held = TraceWriter(header: false); out = held! }
    }

    // The CPU's calls (TraceRecorder+Instructions.swift).
    override public func willExecute(_ instruction: UnsafePointer<DecodedInstruction>) { announce(instruction) }
    override public func didYield() { fast = false; yielded = true }
    override public func didRaise(_ e: CPUException, kind: RaiseKind) { raised(e, kind: kind) }
    override public func didDeliver() { delivered() }
    override public func willDropDecodedCode() {
        if pendingHook != UnsafePointer(pendingCopy) {
            pendingCopy.pointee = pendingHook.pointee
            pendingHook = UnsafePointer(pendingCopy)
        }
    }

    deinit {
        snapshot.deallocate()
        pendingCopy.deallocate()
        snapshotXMM.deallocate()
    }

    /// Starts recording: instruction observer on the CPU, port tap on its I/O, observer on the
    /// hypervisor if there is one.
    public func attach(hypervisor: Hypervisor?) {
        self.hypervisor = hypervisor
        count = cpu.instret
        if let io = cpu.io {
            let tap = PortTap(inner: io, recorder: self)
            portTap = tap
            cpu.io = tap
        }
        hypervisor?.observer = self
        inKernel = hypervisor != nil
        updateActive()
        if options.instructions { cpu.instructionObserver = self }
    }

    /// Ends recording with the run's exit status and flushes the file.
    public func finish(status: Int32) {
        fast = false
        if hasPending { finishPending(retired: !yielded) }
        if !closed { writeEvent(ec: currentEC, .end(status: status), force: true) }
        detach()
        file.close()
    }

    func detach() {
        fast = false
        if cpu.instructionObserver === self { cpu.instructionObserver = nil }
        if hypervisor?.observer === self { hypervisor?.observer = nil }
        if let tap = portTap, cpu.io === tap { cpu.io = tap.inner }
        mmu.observing = false
        mmu.observed.removeAll()
    }

    /// Re-evaluates whether records are written, opening or closing the window.
    func updateActive() {
        let inWindow = !closed && count >= options.from && count < options.to
        if count >= options.to && !closed {
            closed = true
            writeEvent(ec: currentEC, .note("trace window ends at instruction \(count)"), force: true)
            active = false
            detach()
            return
        }
        let now = inWindow && pdMatch
        let opens = now && !active
        active = now
        let observe = options.instructions && options.memory && inWindow
        if mmu.observing != observe {
            mmu.observing = observe
            mmu.observed.removeAll()
        }
        if opens && options.instructions { openWindow() }
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    var hostNanos: UInt64 { TraceRecorder.now() &- startNanos }

    // MARK: - Objects

    /// The trace ID of `object`, writing its object record (again, if its name changed).
    func id(_ object: KernelObject?) -> UInt32 {
        guard let object else { return 0 }
        let key = ObjectIdentifier(object)
        let id: UInt32
        if let known = ids[key] {
            id = known
            if names[id] == object.debugName { return id }
        } else {
            id = UInt32(ids.count + 1)
            ids[key] = id
            retained.append(object)
        }
        names[id] = object.debugName
        var pd: UInt32 = 0
        let kind = TraceObject.Kind(rawValue: object.kind.rawValue) ?? .pd
        if let ec = object as? ExecutionContext { pd = self.id(ec.pd); pdOfEC[id] = pd }
        if let pt = object as? Portal { pd = self.id(pt.ec.pd) }
        // Object records go straight to the file: a held window copied later refers to them.
        file.write(.object(TraceObject(id: id, kind: kind, pd: pd, name: object.debugName)))
        return id
    }
}

/// Forwards the CPU's port I/O (and the roottask's, which goes through `cpu.io` too) to the
/// devices and records each access.
final class PortTap: PortIO {
    let inner: PortIO
    unowned let recorder: TraceRecorder
    init(inner: PortIO, recorder: TraceRecorder) { self.inner = inner; self.recorder = recorder }

    func portRead(_ port: UInt16, size: Int) -> UInt32 {
        let v = inner.portRead(port, size: size)
        recorder.port(PortAccess(port: port, size: UInt8(size), isWrite: false, value: v))
        return v
    }

    func portWrite(_ port: UInt16, size: Int, value: UInt32) {
        inner.portWrite(port, size: size, value: value)
        recorder.port(PortAccess(port: port, size: UInt8(size), isWrite: true, value: value))
    }
}
