// SPDX-License-Identifier: MIT
// Shared fixtures for the engine tests: a machine with the hypervisor in ring 0, a roottask
// written in Swift that makes hypercalls through `RootAPI`, and helpers that give a child PD RAM
// frames, I/O ports and capabilities the way a roottask does (pd_ctrl delegate).
import Foundation
import Testing
import CPUCore
import Machine
import MMU
@testable import Hypervisor

/// A machine (128 MiB, no serial output) whose supervisor is a fresh `Hypervisor`. Kills and
/// other reports (`hv.log`) are collected in `log`; with `tracing`, `hv.trace` lines in `trace`.
final class HostedMachine {
    let machine: Machine
    let hv: Hypervisor
    private(set) var log: [String] = []
    private(set) var trace: [String] = []

    init(memory: UInt64 = 128 << 20, maxInstructions: UInt64 = 50_000_000, tracing: Bool = false) throws {
        var c = Configuration()
        c.memory = memory
        c.serial = .none
        // A runaway guest ends the test with status 126 instead of hanging it.
        c.maxInstructions = maxInstructions
        machine = try Machine(configuration: c)
        hv = try Hypervisor(machine: machine)
        machine.supervisor = hv
        hv.log = { [unowned self] line in self.log.append(line) }
        if tracing { hv.trace = { [unowned self] line in self.trace.append(line) } }
    }

    /// Boots `body` as the roottask (the root EC is a global host EC).
    func boot(_ body: @escaping (RootAPI) -> Void) throws {
        try hv.boot(hostRoottask: body)
    }

    /// `hv.start()` and then `machine.run()`, as `HostedBoot.run` does. The host roottask's body
    /// runs inside `start`, when the root SC is first scheduled.
    func run() -> RunResult {
        if case .stop(let status, let report) = hv.start() {
            return RunResult(status: status, report: report, instructions: machine.cpu.instret)
        }
        return machine.run()
    }

    /// The EC at `selector` of the root PD (created there by the roottask).
    func rootEC(_ selector: UInt64) -> ExecutionContext? {
        hv.rootPD?.objects[selector].validate(ExecutionContext.self)
    }
}

/// Root object selectors (digest §2.10).
enum Root {
    static let pd: UInt64 = 32, ec: UInt64 = 33, sc: UInt64 = 34
}

/// The exit-port status of a guest's `out 0xF4, al` (`(al << 1) | 1`): 0x10 → 33 (PASS).
let passStatus: Int32 = 33
/// Status when every EC is blocked and no timeout is pending.
let allBlockedStatus: Int32 = ExitStatus.halted

/// Physical RAM for test code: above the boot modules (16 MiB) and below kernel memory.
let freeRAM: UInt64 = 64 << 20

extension RootAPI {
    /// Runs `registers` and returns the status.
    func status(_ registers: HypercallRegisters) -> Status { RootAPI.status(hypercall(registers)) }

    func createPD(_ sel: UInt64, parent: UInt64 = Root.pd, passthrough: Bool = false,
                  foreign: Bool = false, base: UInt64 = 0) -> Status {
        status(CreatePDArguments(sel: sel, parent: parent, passthrough: passthrough, foreign: foreign,
                                 foreignSyscallBase: base).registers)
    }

    func createEC(_ sel: UInt64, pd: UInt64 = Root.pd, cpu: UInt16 = 0, utcb: UInt64, sp: UInt64 = 0,
                  eventBase: UInt32 = 0, global: Bool = false, vcpu: Bool = false) -> Status {
        status(CreateECArguments(sel: sel, pd: pd, cpu: cpu, utcb: utcb, stackPointer: sp, eventBase: eventBase,
                                 global: global, vcpu: vcpu).registers)
    }

    func createSC(_ sel: UInt64, pd: UInt64 = Root.pd, ec: UInt64, priority: UInt8 = 1, quantum: UInt32 = 10_000) -> Status {
        status(CreateSCArguments(sel: sel, pd: pd, ec: ec, qpd: QPD(priority: priority, quantum: quantum)).registers)
    }

    func createPT(_ sel: UInt64, pd: UInt64 = Root.pd, ec: UInt64, mtd: MTD = [], ip: UInt64 = 0) -> Status {
        status(CreatePTArguments(sel: sel, pd: pd, ec: ec, mtd: mtd, ip: ip).registers)
    }

    func createSM(_ sel: UInt64, pd: UInt64 = Root.pd, count: UInt64 = 0, signal: UInt64 = 0) -> Status {
        status(CreateSMArguments(sel: sel, pd: pd, count: count, signal: signal).registers)
    }

    func ptCtrl(_ pt: UInt64, id: UInt64) -> Status { status(PTCtrlArguments(pt: pt, id: id).registers) }

    /// `pd_ctrl_lookup` of `crd` in the caller's PD: the CRD found (null if none).
    func lookup(_ crd: CRD) -> CRD {
        let out = hypercall(PDCtrlLookupArguments(crd: crd).registers)
        #expect(RootAPI.status(out) == .success, "pd_ctrl lookup never fails")
        return CRD(rawValue: out.rsi)
    }

    func lookupObject(_ selector: UInt64) -> CRD { lookup(.object(selector: selector)) }

    /// `pd_ctrl_delegate`: the status and the result CRD (ARG3 out).
    @discardableResult
    func delegate(from src: UInt64 = Root.pd, to dst: UInt64, _ crd: CRD, into window: CRD,
                  hypervisor: Bool = false) -> (Status, CRD) {
        let out = hypercall(PDCtrlDelegateArguments(source: src, destination: dst, sourceCRD: crd,
                                                    flags: DelegateFlags(kind: .delegate, hypervisor: hypervisor),
                                                    destinationCRD: window).registers)
        return (RootAPI.status(out), CRD(rawValue: out.rdx))
    }

    /// A copy of the root PD's capability at `selector` with only `permissions`, at `copy`
    /// (an object delegation inside the root PD, src = dst = 32).
    func restrictedCopy(of selector: UInt64, permissions: UInt8, at copy: UInt64) -> (Status, CRD) {
        delegate(from: Root.pd, to: Root.pd, .object(selector: selector, permissions: 0x1F),
                 into: .object(selector: copy, permissions: permissions))
    }

    /// RAM frame `physical` (page-aligned) from the kernel PD into PD `pd` at `virtual`, as the
    /// root PD may with the hypervisor flag.
    @discardableResult
    func giveFrame(_ physical: UInt64, to pd: UInt64, at virtual: UInt64, _ permissions: MemoryPermissions) -> (Status, CRD) {
        delegate(from: Root.pd, to: pd, .memory(page: physical >> 12, permissions: .all),
                 into: .memory(page: virtual >> 12, permissions: permissions), hypervisor: true)
    }

    /// I/O port `port` from the kernel PD into PD `pd`.
    @discardableResult
    func givePort(_ port: UInt64, to pd: UInt64) -> (Status, CRD) {
        delegate(from: Root.pd, to: pd, .io(port: port), into: .io(port: port), hypervisor: true)
    }
}

/// The package root, from this file's path (Tests/HypervisorTests/EngineSupport.swift).
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A guest roottask built by `make -C guests hedron`; a missing file is a test failure.
func hedronGuest(_ name: String) throws -> URL {
    let url = packageRoot.appendingPathComponent("guests/build/hedron/\(name).elf")
    try #require(FileManager.default.fileExists(atPath: url.path),
                 "\(url.path) is missing: run `make -C guests hedron` first")
    return url
}
