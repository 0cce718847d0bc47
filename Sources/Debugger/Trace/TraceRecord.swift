// SPDX-License-Identifier: MIT
// The records of an instruction trace (`--trace FILE`) as values, and their kinds and field codes
// on disk. The byte layout is documented in docs/trace-format.md; TraceWriter encodes it,
// TraceReader decodes it.
import MMU

/// File magic and version (docs/trace-format.md, "Header").
public enum TraceFormat {
    public static let magic: [UInt8] = Array("EMUTRACE".utf8)
    public static let version: UInt32 = 2

    /// Record kinds, the first byte of every record.
    public enum Kind: UInt8 {
        case instruction = 0x01
        case sync = 0x02
        case context = 0x03
        case object = 0x04
        case registers = 0x05
        case event = 0x10
    }

    /// Bits of an instruction record's flag byte.
    public enum InstructionFlag {
        public static let explicitRIP: UInt8 = 1 << 0
        /// CPL in bits 1–2.
        public static let cplShift: UInt8 = 1
        public static let memory: UInt8 = 1 << 3
        public static let xmm: UInt8 = 1 << 4
        public static let faulted: UInt8 = 1 << 5
        public static let ports: UInt8 = 1 << 6
        /// The length and bytes follow; without it they are those of the last instruction record
        /// at the same RIP that had them.
        public static let code: UInt8 = 1 << 7
    }

    /// A register change: `u8` register number (bits 0–4) and value length − 1 (bits 5–7),
    /// then the value's low 1–8 bytes.
    public static let valueLengthShift: UInt8 = 5
    /// Bits of a memory access's header byte: address length in bytes (0–3), log2 of the size
    /// (4–5), a run (6), a write (7).
    public enum AccessFlag {
        public static let sizeShift: UInt8 = 4
        public static let run: UInt8 = 1 << 6
        public static let write: UInt8 = 1 << 7
    }

    /// Register numbers in a change mask: RAX…R15 are 0…15 (encoding order, SDM Vol. 2A §2.1.5).
    public static let rflagsBit = 16, fsBaseBit = 17, gsBaseBit = 18
    public static let registerNames = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                       "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
                                       "rflags", "fs_base", "gs_base"]
}

/// A kernel object named in the trace: its trace-local ID, kind, the PD it belongs to and its
/// debug name (`KernelObject.debugName`).
public struct TraceObject: Equatable, Sendable {
    public enum Kind: UInt8, Sendable { case pd = 0, ec = 1, sc = 2, pt = 3, sm = 4 }
    public var id: UInt32
    public var kind: Kind
    /// The owning PD's ID (0 for a PD itself).
    public var pd: UInt32
    public var name: String
    public init(id: UInt32, kind: Kind, pd: UInt32, name: String) {
        self.id = id; self.kind = kind; self.pd = pd; self.name = name
    }
}

/// One register that changed: its number in `TraceFormat.registerNames` and its new value.
public struct RegisterChange: Equatable, Sendable {
    public var register: UInt8
    public var value: UInt64
    public init(register: UInt8, value: UInt64) { self.register = register; self.value = value }
    public var name: String { TraceFormat.registerNames[Int(register)] }
}

/// One XMM register that changed (16 bytes, little-endian).
public struct XMMChange: Equatable, Sendable {
    public var register: UInt8
    public var low: UInt64, high: UInt64
    public init(register: UInt8, low: UInt64, high: UInt64) { self.register = register; self.low = low; self.high = high }
}

/// One data access: address, size (1…8 bytes), direction, value — the MMU's observed access; or
/// a run of a REP MOVS/STOS done in bulk: `run` holds its bytes (`run.count / size` elements from
/// `address` up).
public struct MemoryAccess: Equatable, Sendable {
    public var address: UInt64
    public var size: UInt8
    public var isWrite: Bool
    /// The value (the low `size` bytes); 0 for a run.
    public var value: UInt64
    public var run: [UInt8]?
    public init(address: UInt64, size: UInt8, isWrite: Bool, value: UInt64, run: [UInt8]? = nil) {
        self.address = address; self.size = size; self.isWrite = isWrite; self.value = value; self.run = run
    }
    /// Elements accessed (1 unless a run).
    public var count: Int { run.map { $0.count / max(Int(size), 1) } ?? 1 }
}

/// One port access (IN/OUT by the CPU or by a host EC through RootAPI).
public struct PortAccess: Equatable, Sendable {
    public var port: UInt16
    public var size: UInt8
    public var isWrite: Bool
    public var value: UInt32
    public init(port: UInt16, size: UInt8, isWrite: Bool, value: UInt32) {
        self.port = port; self.size = size; self.isWrite = isWrite; self.value = value
    }
}

/// One executed instruction.
public struct InstructionRecord: Equatable, Sendable {
    /// Instructions retired before it (`CPU.instret` when it started).
    public var index: UInt64
    public var rip: UInt64
    public var cpl: UInt8
    public var bytes: [UInt8]
    /// It raised a fault and did not retire.
    public var faulted: Bool
    public var registers: [RegisterChange]
    public var xmm: [XMMChange]
    public var memory: [MemoryAccess]
    public var ports: [PortAccess]
    public init(index: UInt64, rip: UInt64, cpl: UInt8, bytes: [UInt8], faulted: Bool = false,
                registers: [RegisterChange] = [], xmm: [XMMChange] = [], memory: [MemoryAccess] = [],
                ports: [PortAccess] = []) {
        self.index = index; self.rip = rip; self.cpl = cpl; self.bytes = bytes; self.faulted = faulted
        self.registers = registers; self.xmm = xmm; self.memory = memory; self.ports = ports
    }
}

/// What a hypervisor or CPU event says (docs/trace-format.md, "Events"). EC, PD and portal
/// references are trace object IDs (0: none).
public enum EventPayload: Equatable, Sendable {
    /// Left user mode: cause 0 `syscall`, 1 exception (`vector`), 2 timer; `rip` where it stopped.
    case entry(cause: UInt8, vector: UInt8, rip: UInt64)
    case foreignCheck(foreign: Bool, nsct: Bool)
    case portalLookup(selector: UInt64, portal: UInt32, portalID: UInt64, handler: UInt32, mtd: UInt64)
    case hypercall(number: UInt8, registers: [UInt64], decoded: String)
    case status(code: UInt8, name: String)
    case exception(vector: UInt8, errorCode: UInt32?, address: UInt64, selector: UInt64)
    case utcbLoad(handler: UInt32, mtd: UInt64, words: [UTCBWordValue])
    case handlerEntry(handler: UInt32, caller: UInt32, portalID: UInt64)
    case dispatch(name: String, number: UInt64, arguments: [UInt64], result: UInt64?, text: String)
    case note(String)
    case reply(handler: UInt32, caller: UInt32, mtd: UInt64, words: [UTCBWordValue])
    case resume(continuation: UInt8, rip: UInt64)
    case contextSwitch(from: UInt32, to: UInt32)
    case kill(reason: String)
    case port(PortAccess)
    /// An exception the CPU raised (`RaiseKind`: 0 fault, 1 trap, 2 fetch, 3 interrupt).
    case cpuException(kind: UInt8, vector: UInt8, errorCode: UInt32?, address: UInt64)
    /// The run ended with this exit status.
    case end(status: Int32)
}

/// A UTCB word in an event: byte offset in the page and value.
public struct UTCBWordValue: Equatable, Sendable {
    public var offset: UInt16
    public var value: UInt64
    public init(offset: UInt16, value: UInt64) { self.offset = offset; self.value = value }
}

/// Event type codes (docs/trace-format.md).
public enum EventType: UInt8 {
    case entry = 1, foreignCheck, portalLookup, hypercall, status, exception, utcbLoad, handlerEntry
    case dispatch, note, reply, resume, contextSwitch, kill, port, cpuException, end
}

/// A hypervisor or CPU event: when (instructions retired, host nanoseconds since the trace
/// started), which EC it concerns, and what happened.
public struct EventRecord: Equatable, Sendable {
    public var index: UInt64
    public var hostNanos: UInt64
    public var ec: UInt32
    public var payload: EventPayload
    public init(index: UInt64, hostNanos: UInt64, ec: UInt32, payload: EventPayload) {
        self.index = index; self.hostNanos = hostNanos; self.ec = ec; self.payload = payload
    }
}

/// One record of a trace file, decoded.
public enum TraceEntry: Equatable, Sendable {
    case instruction(InstructionRecord)
    /// The instruction counter and the next RIP (after a gap in the recording).
    case sync(index: UInt64, rip: UInt64)
    /// The EC whose instructions follow (0: none known, e.g. bare metal).
    case context(ec: UInt32)
    case object(TraceObject)
    /// Registers changed between instructions by someone else (the hypervisor's reply, a resume).
    case registers(index: UInt64, [RegisterChange])
    case event(EventRecord)
}
