// SPDX-License-Identifier: MIT
// Booting the hypervisor: the kernel PD's memory and ports, the HIP, the root PD, EC and SC at
// selectors 32, 33, 34 and the roottask's start. Hedron: src/pd.cpp (`Pd::Pd` for `Pd::kern`:
// all memory but the hypervisor, all ports), src/hip.cpp, src/ec.cpp (`Ec::root_invoke`),
// src/init.cpp; digest §2.9–§2.10; guests/hedron/README.md "The protocol".
import CPUCore
import Machine

/// A boot module: a file the roottask finds in the HIP (type −2) with its command line.
public struct BootModule: Sendable {
    public var bytes: [UInt8]
    public var commandLine: String
    public init(bytes: [UInt8], commandLine: String = "") {
        self.bytes = bytes
        self.commandLine = commandLine
    }
}

/// Why a boot failed (a bad roottask file: exit status 65).
public struct BootError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Hypervisor {
    /// Root object selectors (`Space_obj` on the boot CPU, digest §2.10).
    public enum RootSelector {
        public static let pd: UInt64 = 32, ec: UInt64 = 33, sc: UInt64 = 34
    }
    /// The root EC's UTCB: the page below the HIP (`USER_ADDR - 2 * PAGE_SIZE`).
    public static let rootUTCB: UInt64 = 0x7FFF_FFFF_D000
    /// Where boot modules are placed in physical memory.
    public static let moduleBase: UInt64 = 16 << 20

    /// Boots with `roottask` (a static ELF64 executable, the first module) as the root EC's
    /// program, started as Hedron starts it: RIP = entry, RSP = the HIP, RDI = CPU 0, RFLAGS
    /// 0x202, segments mapped with their ELF permissions. Further modules follow it in memory.
    public func boot(roottask: BootModule, modules: [BootModule] = []) throws(BootError) {
        let elf: ELF64Executable
        do { elf = try ELF64Executable(roottask.bytes) } catch { throw BootError("roottask: \(error.message)") }
        for s in elf.segments where s.flags != 0 || s.memSize != 0 {
            // `root_invoke`: "Bad ELF" unless every PT_LOAD has p_filesz == p_memsz and
            // p_vaddr ≡ p_offset (mod 4 KiB).
            guard s.fileSize == s.memSize, s.vaddr & 0xFFF == s.fileOffset & 0xFFF else {
                throw BootError("roottask: a PT_LOAD segment has p_filesz != p_memsz or p_vaddr and p_offset disagree mod 4 KiB (Hedron's \"Bad ELF\")")
            }
            guard s.vaddr &+ s.memSize <= MemorySpace.userLimit, s.vaddr &+ s.memSize >= s.vaddr else {
                throw BootError("roottask: segment at 0x\(String(s.vaddr, radix: 16)) is outside user space")
            }
        }
        let placed = try placeModules([roottask] + modules)
        let pd = try makeRoot()
        // The roottask's segments from the kernel PD, as `root_invoke` delegates them.
        let image = placed[0].address
        for s in elf.segments where s.memSize != 0 {
            let perms = MemoryPermissions(rawValue: UInt8((s.flags & 4 != 0 ? 1 : 0) | (s.flags & 2 != 0 ? 2 : 0) | (s.flags & 1 != 0 ? 4 : 0)))
            let phys = (image + s.fileOffset) & ~0xFFF
            let virt = s.vaddr & ~0xFFF
            let pages = ((s.vaddr & 0xFFF) + s.fileSize + 0xFFF) >> 12
            for p in 0..<pages {
                for e in mappings.delegate(from: kernelPD, .memory, sourceBase: (phys >> 12) + p, to: pd,
                                           destinationBase: (virt >> 12) + p, order: 0, permissions: perms.rawValue) {
                    apply(e, sourcePD: nil, sourceBase: 0, destinationBase: 0)
                }
            }
        }
        try startRoot(pd, entry: elf.entry, placed: placed)
    }

    /// Boots with a roottask written in Swift: `program` runs as the root EC (a global host EC)
    /// when the root SC is first scheduled, with `RootAPI` for its hypercalls. Modules are
    /// placed and listed in the HIP as for a guest roottask.
    public func boot(hostRoottask program: @escaping (RootAPI) -> Void, modules: [BootModule] = []) throws(BootError) {
        let placed = try placeModules(modules)
        let pd = try makeRoot()
        try startRoot(pd, entry: 0, placed: placed, host: program)
    }

    // MARK: - Steps

    struct PlacedModule { var address: UInt64; var size: UInt64; var commandLine: UInt64 }

    /// Copies the modules to physical memory from `moduleBase` (page-aligned, in order) and
    /// their command lines (NUL-terminated) to the pages after them.
    func placeModules(_ modules: [BootModule]) throws(BootError) -> [PlacedModule] {
        var at = Hypervisor.moduleBase
        var placed: [PlacedModule] = []
        for m in modules {
            guard at + UInt64(m.bytes.count) <= kernelMemory.base else { throw BootError("boot modules do not fit in RAM") }
            _ = ram.copyIn(at, m.bytes)
            placed.append(PlacedModule(address: at, size: UInt64(m.bytes.count), commandLine: 0))
            at = (at + UInt64(m.bytes.count) + 0xFFF) & ~0xFFF
        }
        for i in placed.indices {
            let line = Array(modules[i].commandLine.utf8) + [0]
            guard at + UInt64(line.count) <= kernelMemory.base else { throw BootError("boot modules do not fit in RAM") }
            _ = ram.copyIn(at, line)
            placed[i].commandLine = at
            at += UInt64(line.count)
        }
        commandLineRegion = placed.isEmpty ? nil : (placed[placed.count - 1].address + placed[placed.count - 1].size + 0xFFF) & ~0xFFF ..< ((at + 0xFFF) & ~0xFFF)
        return placed
    }

    /// The kernel PD's resources, the root PD with its capability at 32 and the HIP mapped
    /// read-only at `HIP.address`.
    func makeRoot() throws(BootError) -> ProtectionDomain {
        let hvBase = kernelMemory.base
        mappings.insertRoots(kernelPD, .memory, base: 0, count: hvBase >> 12, permissions: MemoryPermissions.all.rawValue)
        mappings.insertRoots(kernelPD, .io, base: 0, count: 1 << 16, permissions: 0x7)
        let pd: ProtectionDomain
        let hipFrame: UInt64
        do throws(Status) {
            pd = try ProtectionDomain(kernelMemory: kernelMemory, privileged: true, passthrough: true)
            hipFrame = try kernelMemory.allocate()
        } catch {
            throw BootError("hypervisor memory exhausted at boot (\(error.name))")
        }
        hipPage = hipFrame
        mappings.insertRoot(kernelPD, .memory, base: hipFrame >> 12, order: 0, permissions: MemoryPermissions.read.rawValue)
        for e in mappings.delegate(from: kernelPD, .memory, sourceBase: hipFrame >> 12, to: pd,
                                   destinationBase: HIP.address >> 12, order: 0, permissions: MemoryPermissions.read.rawValue) {
            apply(e, sourcePD: nil, sourceBase: 0, destinationBase: 0)
        }
        _ = insertRoot(pd, permissions: PDPermissions.create.rawValue, at: RootSelector.pd, in: pd)
        pd.debugName = "root"
        rootPD = pd
        return pd
    }

    /// Writes the HIP, creates the root EC and SC and makes the roottask ready: sysret-style
    /// entry with RCX = entry, R11 = the HIP address (its RSP), RDI = 0.
    func startRoot(_ pd: ProtectionDomain, entry: UInt64, placed: [PlacedModule],
                   host: ((RootAPI) -> Void)? = nil) throws(BootError) {
        var memory: [HIP.MemoryDescriptor] = [.ram(address: 0, size: ram.size)]
        for m in placed {
            memory.append(.module(address: m.address, size: m.size, commandLine: UInt32(truncatingIfNeeded: m.commandLine)))
        }
        if let lines = commandLineRegion, !lines.isEmpty {
            memory.append(HIP.MemoryDescriptor(address: lines.lowerBound, size: lines.upperBound - lines.lowerBound,
                                               type: HIP.MemoryDescriptor.reserved))
        }
        memory.append(.hypervisorRegion(address: kernelMemory.base, size: kernelMemory.size))
        let ec: ExecutionContext
        do throws(Status) {
            try HIP.build(in: ram, page: hipPage, memory: memory)
            ec = try ExecutionContext(pd: pd, global: true, cpu: 0, utcbAddress: Hypervisor.rootUTCB,
                                      stackPointer: HIP.address, eventBase: 0, kernelMemory: kernelMemory)
        } catch {
            throw BootError("cannot build the HIP or the root EC (\(error.name))")
        }
        // `root_invoke`: `set_pt(Cpu::id())`, `set_ip(entry)`, `set_sp(USER_ADDR - PAGE_SIZE)`,
        // then `ret_user_sysexit`.
        ec.state.rdi = 0
        ec.state.rcx = entry
        ec.state.r11 = HIP.address
        ec.continuation = .sysret
        ec.runState = .ready
        if let host {
            ec.hostHandler = { _, _ in .noReply }
            hostPrograms[ObjectIdentifier(ec)] = host
        }
        let sc = SchedulingContext(ec: ec, priority: SchedulingContext.defaultPriority, quantum: SchedulingContext.defaultQuantum)
        ec.sc = sc
        _ = insertRoot(ec, permissions: NewObjectPermissions.ec, at: RootSelector.ec, in: pd)
        _ = insertRoot(sc, permissions: NewObjectPermissions.sc, at: RootSelector.sc, in: pd)
        ec.debugName = "root"
        rootEC = ec
        rootSC = sc
        cpu.enterLongMode(cr3: pd.memory!.pml4, gdt: DescriptorTableRegister(), codeSelector: 0x2B, dataSelector: 0x23, cpl: 3)
        activePD = nil
        lastTSC = cpu.tsc
        scheduler.enqueue(sc)
    }

    /// Loads the first EC into the CPU; call after `boot`, before `Machine.run`. A `.stop`
    /// means nothing could run.
    public func start() -> SupervisorDecision {
        resumeUser()
    }
}
