// SPDX-License-Identifier: MIT
// The roottask: the root PD's program, written in Swift and run as a global host EC. It does what
// the thesis's roottask does at boot (digest §3.1): read the HIP, take its I/O ports and RAM from
// the kernel PD, find the boot image among the modules, and start the programs the image's
// configuration lists — each as its own PD (§3.3). Everything goes through `RootAPI`.
import Hypervisor

/// What the composition root (emu-cli, tests) decides about a run.
public struct RoottaskOptions: Sendable {
    /// Use the host's clocks instead of virtual time (`--realtime`).
    public var realtime = false
    /// Mirror stdout and stderr to debugcon (port 0xE9), as the thesis's roottask did.
    public var mirrorToDebugcon = false
    /// Seed of the generator behind getrandom and /dev/urandom.
    public var randomSeed: UInt64 = 0x454D_5520_5345_4544
    /// Host directories mounted into the guest (`--mount HOST:GUEST[:ro]`).
    public var mounts: [(host: String, guest: String, readOnly: Bool)] = []
    /// Print every forwarded Linux system call, signal delivery and process end in strace(1)'s
    /// format (docs/strace.md) through `log` (stderr), unless `straceSink` takes the lines.
    public var strace = false
    /// Where the strace lines go instead of `log` (`--strace=FILE`); setting it turns tracing on.
    public var straceSink: (@Sendable (String) -> Void)?
    /// How `straceSink`'s lines name their process: `.always` for a file, as `strace -f -o FILE`.
    public var stracePIDPrefix: StracePIDPrefix = .whileSeveral
    /// Receives every strace line (without the `[pid N] ` prefix) with the PID of the process it
    /// is about, for trace recorders; setting it turns decoding on even without `strace`.
    public var syscallObserver: (@Sendable (_ pid: Int32, _ line: String) -> Void)?
    public init() {}
}

public final class Roottask {
    /// Root selectors the roottask uses (beside 0…34 of Hedron's layout).
    enum Selector {
        static let syscallEC: UInt64 = 0x40, exceptionEC: UInt64 = 0x41, serviceEC: UInt64 = 0x42
        /// Process `pid`'s objects start at `processBase + pid << 8` (PD, EC, SC, then PTs).
        static let processBase: UInt64 = 0x1_0000
    }
    /// UTCBs of the roottask's handler ECs in its own address space.
    static let syscallUTCB: UInt64 = 0x7FFF_FFF0_0000, exceptionUTCB: UInt64 = 0x7FFF_FFF0_1000
    static let serviceUTCB: UInt64 = 0x7FFF_FFF0_2000
    /// The foreign-syscall portal base of every Linux PD (the thesis's 50, digest §3.2).
    static let foreignBase: UInt64 = 50
    /// The MTD of every process's syscall and exception portals: the runtime's `Mtd::DEFAULT`
    /// plus FPU. The thesis's roottask leaves FPU off ("never FPU here, much faster": a guest-code
    /// handler would swap 512 bytes twice per call); a host EC reaches the lent state in place,
    /// so it costs nothing here, and signal frames need the interrupted x87/SSE state.
    static let portalMTD = MTD.runtimeDefault.union(.fpu)

    let options: RoottaskOptions
    let log: (String) -> Void
    let stop: (Int32) -> Void
    let input: () -> [UInt8]?
    let inputReady: (Int32) -> Bool
    /// Set by `main`: the personality serving the started programs.
    private(set) var personality: LinuxPersonality?
    /// Why the boot failed, if it did (the run then ends with status 65).
    public private(set) var bootError: String?

    /// A roottask that reports through `log`, ends the run through `stop` with init's status,
    /// and reads console input from `input` (`inputReady(ms)`: whether a read of it would not
    /// block, waiting up to ms milliseconds, -1 for as long as it takes).
    public init(options: RoottaskOptions, log: @escaping (String) -> Void, stop: @escaping (Int32) -> Void,
                input: @escaping () -> [UInt8]? = { nil }, inputReady: @escaping (Int32) -> Bool = { _ in true }) {
        self.options = options
        self.log = log
        self.stop = stop
        self.input = input
        self.inputReady = inputReady
    }

    // MARK: - Boot

    /// The root EC's body.
    public func main(_ api: RootAPI) {
        do throws(BootFailure) {
            try boot(api)
        } catch {
            bootError = error.message
            log("emu: \(error.message)")
            stop(65)
        }
    }

    struct BootFailure: Error { let message: String }

    func boot(_ api: RootAPI) throws(BootFailure) {
        let hip = try readHIP(api)
        for (port, order) in [(Console.com1, UInt8(3)), (Console.com2, UInt8(3)), (Console.debugcon, UInt8(0))] {
            api.hypercall(PDCtrlDelegateArguments(source: Hypervisor.RootSelector.pd, destination: Hypervisor.RootSelector.pd,
                                                  sourceCRD: .io(port: UInt64(port), order: order),
                                                  flags: DelegateFlags(kind: .delegate, hypervisor: true),
                                                  destinationCRD: .io(port: UInt64(port), order: order)).registers)
        }
        let frames = FrameAllocator(api: api, ranges: hip.freeRAM)
        let console = Console(api: api, mirrorToDebugcon: options.mirrorToDebugcon, input: input, inputReady: inputReady)
        let clock = Clock(api: api, host: options.realtime)
        let personality = LinuxPersonality(api: api, frames: frames, console: console, clock: clock,
                                           seed: options.randomSeed, log: log, stop: stop)
        self.personality = personality
        let sink = options.straceSink ?? (options.strace ? log : nil)
        // An instruction trace (a hypervisor observer attached before boot) shows each
        // syscall decoded as strace(1) prints it: the tracer runs for it too.
        let recording = api.hypervisor.observer != nil
        if sink != nil || options.syscallObserver != nil || recording {
            personality.tracer = StraceTracer(sink: sink, observer: options.syscallObserver,
                                              pidPrefix: options.straceSink != nil ? options.stracePIDPrefix : .whileSeveral,
                                              processCount: { [unowned personality] in personality.processCount })
            personality.tracer?.recordsLastLine = recording
        }
        api.setDebugPager { [unowned personality] pd, address, write in personality.debugFault(pd, address, write: write) }
        api.setDebugFaultSignals { [unowned personality] ec, exception in personality.debugSignal(ec, exception) }
        try makeHandlerECs(api, personality)
        guard let image = hip.modules.first else { throw BootFailure(message: "no boot image among the boot modules") }
        guard let bytes = frames.read(image.address, count: Int(image.size)) else {
            throw BootFailure(message: "cannot read the boot image")
        }
        try start(image: bytes, api: api, personality: personality, mounts: options.mounts)
    }

    /// The memory map of the HIP (digest §2.9).
    struct HIPInfo {
        var freeRAM: [Range<UInt64>] = []
        var modules: [(address: UInt64, size: UInt64)] = []
    }

    func readHIP(_ api: RootAPI) throws(BootFailure) -> HIPInfo {
        guard let page = api.read(HIP.address, count: 4096) else { throw BootFailure(message: "the HIP is not mapped") }
        func u16(_ o: UInt64) -> UInt64 { UInt64(page[Int(o)]) | UInt64(page[Int(o) + 1]) << 8 }
        func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(page[o + $1]) << (8 * UInt64($1)) } }
        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(page[o + $1]) << (8 * UInt32($1)) } }
        let length = u16(HIP.Offset.length), offs = u16(HIP.Offset.memOffs), size = u16(HIP.Offset.memSize)
        guard size >= 24, offs < length, length <= 4096 else { throw BootFailure(message: "the HIP's memory descriptors are malformed") }
        var ram: [Range<UInt64>] = []
        var other: [Range<UInt64>] = [0 ..< 1 << 20]
        var info = HIPInfo()
        var o = offs
        while o + size <= length {
            let addr = u64(Int(o)), len = u64(Int(o) + 8), type = u32(Int(o) + 16)
            let r = addr ..< addr &+ len
            if type == HIP.MemoryDescriptor.available { ram.append(r) } else { other.append(r) }
            if type == HIP.MemoryDescriptor.module { info.modules.append((addr, len)) }
            o += size
        }
        // RAM minus everything else, page-aligned.
        for r in ram {
            var pieces = [((r.lowerBound + 0xFFF) & ~0xFFF) ..< (r.upperBound & ~0xFFF)]
            for x in other {
                let lo = x.lowerBound & ~0xFFF, hi = (x.upperBound + 0xFFF) & ~0xFFF
                pieces = pieces.flatMap { p -> [Range<UInt64>] in
                    guard p.overlaps(lo ..< hi) else { return [p] }
                    return [p.lowerBound ..< max(p.lowerBound, lo), min(p.upperBound, hi) ..< p.upperBound].filter { !$0.isEmpty }
                }
            }
            info.freeRAM += pieces
        }
        return info
    }

    /// The local host ECs behind every process's syscall and exception portals.
    func makeHandlerECs(_ api: RootAPI, _ personality: LinuxPersonality) throws(BootFailure) {
        let root = Hypervisor.RootSelector.pd
        for (sel, utcb) in [(Selector.syscallEC, Roottask.syscallUTCB), (Selector.exceptionEC, Roottask.exceptionUTCB),
                            (Selector.serviceEC, Roottask.serviceUTCB)] {
            let r = api.hypercall(CreateECArguments(sel: sel, pd: root, utcb: utcb).registers)
            guard RootAPI.status(r) == .success else { throw BootFailure(message: "create_ec for a handler: \(RootAPI.status(r).name)") }
        }
        api.setDebugName(Selector.syscallEC, "linux-syscalls")
        api.setDebugName(Selector.exceptionEC, "exceptions")
        api.setDebugName(Selector.serviceEC, "native-services")
        // --strace: the traced specialisation is bound instead, so the untraced one has no tracing.
        let a = personality.tracer != nil
            ? api.bindHost(Selector.syscallEC) { [unowned personality] ec, id in personality.handleSyscall(ec, portalID: id, Traced.self) }
            : api.bindHost(Selector.syscallEC) { [unowned personality] ec, id in personality.handleSyscall(ec, portalID: id, Untraced.self) }
        let b = api.bindHost(Selector.exceptionEC) { [unowned personality] ec, id in personality.handleException(ec, portalID: id) }
        let c = api.bindHost(Selector.serviceEC) { [unowned personality] ec, id in personality.handleService(ec, portalID: id) }
        guard a == .success, b == .success, c == .success else { throw BootFailure(message: "cannot bind the handler ECs") }
    }
}
