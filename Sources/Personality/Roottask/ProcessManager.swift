// SPDX-License-Identifier: MIT
// Starting programs, in the order of the thesis's `Process::init` (digest §3.3): create_pd with
// the foreign flag and syscall-portal base, create_ec (global, UTCB at 0x7FFF_FFFF_E000), the 32
// exception portals, the memory (ELF segments and stack as areas paged in on demand), the
// foreign-syscall portal, and last create_sc — whose startup exception (event 30) sets RIP and
// RSP.
import Glibc
import Hypervisor

extension Roottask {
    /// Parses the image, builds the file system and starts every program it lists.
    func start(image bytes: [UInt8], api: RootAPI, personality: LinuxPersonality,
               mounts: [(host: String, guest: String, readOnly: Bool)] = []) throws(BootFailure) {
        let image: BootImage
        do { image = try BootImage.parse(bytes) } catch { throw BootFailure(message: "boot image: \(error.description)") }
        do { try personality.installFileSystem(from: image.entries) } catch {
            throw BootFailure(message: "boot image: cannot build the file system (\(error))")
        }
        for m in mounts {
            // The mounted files show the host user that owns the emu process as their owner.
            do { try personality.vfs.mountHost(m.host, at: Array(m.guest.utf8), readOnly: m.readOnly,
                                               uid: getuid(), gid: getgid()) } catch {
                throw BootFailure(message: "--mount \(m.host):\(m.guest): \(error)")
            }
        }
        var pid: Int32 = 1
        // init first, so it gets PID 1; but its SC is made last, so the other programs (equal
        // priority, round robin in the order their SCs were made) run before init can end the run.
        let ordered = image.config.programs.filter(\.isInit) + image.config.programs.filter { !$0.isInit }
        var starts: [(isInit: Bool, start: () throws(BootFailure) -> Void)] = []
        for program in ordered {
            starts.append((program.isInit, try spawn(program, pid: pid, api: api, personality: personality)))
            pid += 1
        }
        for s in starts where !s.isInit { try s.start() }
        for s in starts where s.isInit { try s.start() }
    }

    /// Sets up program `pid` and returns what starts it (its create_sc).
    func spawn(_ program: BootConfig.Program, pid: Int32, api: RootAPI,
               personality: LinuxPersonality) throws(BootFailure) -> () throws(BootFailure) -> Void {
        let native = program.abi == .hedron
        let file: [UInt8]
        switch personality.readWholeFile(program.path) {
        case .success(let b): file = b
        case .failure(let e): throw BootFailure(message: "\(program.path): cannot read the program (\(e))")
        }
        let elf: ELFImage
        do { elf = try ELFLoader.parse(file) } catch { throw BootFailure(message: "\(program.path): \(error.message)") }

        let root = Hypervisor.RootSelector.pd
        let base = Selector.processBase + UInt64(pid) << 8
        func check(_ r: HypercallRegisters, _ what: String) throws(BootFailure) {
            let s = RootAPI.status(r)
            guard s == .success else { throw BootFailure(message: "\(program.path): \(what): \(s.name)") }
        }
        func give(_ selector: UInt64, to target: UInt64, permissions: UInt8 = 0x1F) throws(BootFailure) {
            try check(api.hypercall(PDCtrlDelegateArguments(source: root, destination: base,
                                                            sourceCRD: .object(selector: selector, permissions: permissions),
                                                            flags: DelegateFlags(kind: .delegate),
                                                            destinationCRD: .object(selector: target)).registers), "delegate")
        }
        // 1. The PD: foreign with syscall portals from selector 50, or native.
        try check(api.hypercall(CreatePDArguments(sel: base, parent: root, foreign: !native,
                                                  foreignSyscallBase: native ? 0 : Roottask.foreignBase).registers), "create_pd")
        // 2. The global EC, UTCB at the thesis's address, event base 0.
        try check(api.hypercall(CreateECArguments(sel: base + 1, pd: base, utcb: 0x7FFF_FFFF_E000, global: true).registers),
                  "create_ec")
        // The semaphore its waiting calls block on (LinuxPersonality.wake).
        try check(api.hypercall(CreateSMArguments(sel: base + 3, pd: root).registers), "create_sm")
        // Names for gdb's thread list and traces ("pd hello / ec main"); not a hypercall.
        let name = program.path.split(separator: "/").last.map(String.init) ?? program.path
        api.setDebugName(base, name)
        api.setDebugName(base + 1, "main")
        // 3. Exception portals 0…31 on the exception handler, ID = pid << 8 | vector.
        for v in UInt64(0) ..< 32 {
            try check(api.hypercall(CreatePTArguments(sel: base + 0x10 + v, pd: root, ec: Selector.exceptionEC,
                                                      mtd: Roottask.portalMTD, ip: 0).registers), "create_pt")
            try check(api.hypercall(PTCtrlArguments(pt: base + 0x10 + v, id: UInt64(pid) << 8 | v).registers), "pt_ctrl")
            try give(base + 0x10 + v, to: v)
        }
        // 4. Memory: the segments, the heap after them, the stack with argv, envp and auxv.
        let memory = AddressSpace(frames: personality.frames, api: api, pd: base)
        for s in elf.segments {
            let lead = s.vaddr & 0xFFF
            memory.insert(VMA(start: s.pageStart, end: s.pageEnd,
                              protection: Protection(rawValue: (s.readable ? 1 : 0) | (s.writable ? 2 : 0) | (s.executable ? 4 : 0)),
                              content: .file(bytes: file, offset: s.fileOffset - lead, fileSize: s.filesz + lead),
                              name: program.path))
        }
        memory.brkStart = (elf.highestAddress + 0xFFF) & ~0xFFF
        memory.brk = memory.brkStart
        memory.insert(VMA(start: AddressSpace.stackTop - (128 << 10), end: AddressSpace.stackTop,
                          protection: elf.executableStack ? [.read, .write, .execute] : [.read, .write],
                          content: .anonymous, growsDown: true, name: "[stack]"))
        let cwd: Node
        do { cwd = try personality.vfs.directory(Array(program.cwd.utf8)) } catch {
            throw BootFailure(message: "\(program.path): working directory \(program.cwd): \(error)")
        }
        let process = LinuxProcess(pid: pid, parent: 0, selectors: base, memory: memory, isInit: program.isInit,
                                   executable: program.path, argv: program.argv, env: program.env, cwd: cwd)
        process.entry = elf.entry
        let auxv = AuxiliaryVector(image: elf)
        let stack = InitialStack.build(stackTop: AddressSpace.stackTop, argv: program.argv, envp: program.env,
                                       execfn: program.path, auxv: auxv, random: personality.randomBytes(16))
        guard memory.write(stack.rsp, stack.bytes) else { throw BootFailure(message: "\(program.path): the initial stack does not fit") }
        process.initialStackPointer = stack.rsp
        personality.openStandardFiles(process)
        if personality.tracer != nil { process.signals.droppedWhileTraced = [] }
        personality.processes[pid] = process
        if native {
            // 5'. A native program's capability layout (digest §3.2): its own PD at 32 (create),
            // its SC's selector 34 once made; the services it calls.
            try give(base, to: 32, permissions: 1)
            for (service, selector) in NativeService.layout {
                let pt = base + 0x60 + selector
                try check(api.hypercall(CreatePTArguments(sel: pt, pd: root, ec: Selector.serviceEC,
                                                          mtd: MTD(rawValue: 0), ip: 0).registers), "create_pt")
                try check(api.hypercall(PTCtrlArguments(pt: pt, id: NativeService.portalID(pid: pid, service)).registers), "pt_ctrl")
                try give(pt, to: selector)
            }
        } else {
            // 5. The foreign-syscall portal, ID = pid, at 50 + CPU 0.
            try check(api.hypercall(CreatePTArguments(sel: base + 0x50, pd: root, ec: Selector.syscallEC,
                                                      mtd: Roottask.portalMTD, ip: 0).registers), "create_pt")
            try check(api.hypercall(PTCtrlArguments(pt: base + 0x50, id: UInt64(pid)).registers), "pt_ctrl")
            try give(base + 0x50, to: Roottask.foreignBase)
        }
        // 6. Last the SC: the startup exception follows.
        return { () throws(BootFailure) in
            try check(api.hypercall(CreateSCArguments(sel: base + 2, pd: root, ec: base + 1,
                                                      qpd: QPD(priority: 1, quantum: 10_000)).registers), "create_sc")
            if native { try give(base + 2, to: 34) }
        }
    }
}
