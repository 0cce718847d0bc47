// SPDX-License-Identifier: MIT
// Error statuses of every hypercall from a Swift roottask: bad selectors, wrong object kinds,
// missing permissions, bad parameters and occupied destinations. Where a call has several bad
// arguments the status is the first failing check in Hedron's order (src/syscall.cpp,
// `Ec::sys_*`): create_ec CPU → vCPU → PD → UTCB → insert; create_sc PD → EC (kind, sc) →
// global → QPD → insert; create_pt PD → EC (kind, pt) → local → insert; create_sm PD → ARG4 →
// insert; ec_ctrl sub-op → EC; assign_gsi CPU → SM.
import Testing
import CPUCore
import Machine
import MMU
@testable import Hypervisor

/// One hypercall with its expected status, labelled for the failure message.
private struct Check {
    let label: String
    let expected: Status
    let got: Status
}

/// Selectors of the fixture objects every error test sets up in the root PD.
private enum Fix {
    static let sm: UInt64 = 0x100         // SM, count 0, perms up|down
    static let local: UInt64 = 0x101      // local EC (perms ct|sc|pt)
    static let pt: UInt64 = 0x102         // PT on `local`
    static let global: UInt64 = 0x103     // global EC without an SC
    static let signal: UInt64 = 0x104     // SM chained to `sm` as a signal
    static let child: UInt64 = 0x105      // a native child PD
    static let localNoPT: UInt64 = 0x110  // `local` without pt (0x5)
    static let globalNoSC: UInt64 = 0x111 // `global` without sc (0x9)
    static let globalNoCT: UInt64 = 0x112 // `global` without ct (0xC)
    static let ptNoCT: UInt64 = 0x113     // `pt` with call only (0x2)
    static let smUpOnly: UInt64 = 0x114   // `sm` with up only (0x1)
    static let smDownOnly: UInt64 = 0x115 // `sm` with down only (0x2)
    static let free: UInt64 = 0x200       // an empty selector
    static let unused: UInt64 = 0x7777    // never used: a bad capability
}

@Suite struct EngineErrorStatusTests {
    /// Boots a roottask that builds the fixture, then runs `body`, which returns its checks.
    private func run(_ body: @escaping (RootAPI) -> [Check]) throws -> [Check] {
        let m = try HostedMachine()
        var checks: [Check] = []
        try m.boot { api in
            var setup: [Check] = []
            func step(_ label: String, _ s: Status) { setup.append(Check(label: "setup: \(label)", expected: .success, got: s)) }
            func restricted(_ label: String, _ sel: UInt64, _ perms: UInt8, _ copy: UInt64) {
                let (s, crd) = api.restrictedCopy(of: sel, permissions: perms, at: copy)
                step(label, s)
                setup.append(Check(label: "setup: \(label) result", expected: .success,
                                   got: crd == .object(selector: copy, order: 0, permissions: perms) ? .success : .abort))
                // The delegated node's permissions are the source's & the window's.
                let found = api.lookupObject(copy)
                setup.append(Check(label: "setup: \(label) lookup \(found)", expected: .success,
                                   got: found.permissions == perms ? .success : .abort))
            }
            step("create_sm", api.createSM(Fix.sm))
            step("create_ec local", api.createEC(Fix.local, utcb: 0x7FFF_FFF0_0000))
            step("create_pt", api.createPT(Fix.pt, ec: Fix.local))
            step("create_ec global", api.createEC(Fix.global, utcb: 0x7FFF_FFEF_0000, global: true))
            step("create_sm signal", api.createSM(Fix.signal, signal: Fix.sm))
            step("create_pd", api.createPD(Fix.child))
            restricted("EC without pt", Fix.local, 0x5, Fix.localNoPT)
            restricted("EC without sc", Fix.global, 0x9, Fix.globalNoSC)
            restricted("EC without ct", Fix.global, 0xC, Fix.globalNoCT)
            restricted("PT without ct", Fix.pt, 0x2, Fix.ptNoCT)
            restricted("SM up only", Fix.sm, 0x1, Fix.smUpOnly)
            restricted("SM down only", Fix.sm, 0x2, Fix.smDownOnly)
            checks = setup + body(api)
        }
        _ = m.run()
        #expect(m.hv.statistics.kills == 0)
        return checks
    }

    private func verify(_ checks: [Check], count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(checks.count == count, "the body ran all its checks", sourceLocation: sourceLocation)
        for c in checks {
            #expect(c.got == c.expected, "\(c.label): got \(c.got.name), expected \(c.expected.name)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func createPD() throws {
        let checks = try run { api in
            [
                Check(label: "parent: empty selector", expected: .badCapability, got: api.createPD(Fix.free, parent: Fix.unused)),
                Check(label: "parent: an EC", expected: .badCapability, got: api.createPD(Fix.free, parent: Root.ec)),
                Check(label: "parent: an SM", expected: .badCapability, got: api.createPD(Fix.free, parent: Fix.sm)),
                Check(label: "destination taken (the root EC)", expected: .badCapability, got: api.createPD(Root.ec)),
                Check(label: "destination taken, bad parent: parent first", expected: .badCapability,
                      got: api.createPD(Root.ec, parent: Fix.unused)),
                Check(label: "success", expected: .success, got: api.createPD(Fix.free)),
                Check(label: "the same selector again", expected: .badCapability, got: api.createPD(Fix.free)),
            ]
        }
        verify(checks, count: 7 + 24)
    }

    @Test func createEC() throws {
        let checks = try run { api in
            [
                Check(label: "CPU 1", expected: .badCPU, got: api.createEC(Fix.free, cpu: 1, utcb: 0x1000)),
                Check(label: "CPU 0xFFF", expected: .badCPU, got: api.createEC(Fix.free, cpu: 0xFFF, utcb: 0x1000)),
                Check(label: "CPU 1 and vCPU: CPU first", expected: .badCPU,
                      got: api.createEC(Fix.free, cpu: 1, utcb: 0x1000, vcpu: true)),
                Check(label: "vCPU without VMX/SVM", expected: .badFeature, got: api.createEC(Fix.free, utcb: 0x1000, vcpu: true)),
                Check(label: "vCPU and a bad PD: vCPU first", expected: .badFeature,
                      got: api.createEC(Fix.free, pd: Fix.unused, utcb: 0x1000, vcpu: true)),
                Check(label: "PD: empty selector", expected: .badCapability, got: api.createEC(Fix.free, pd: Fix.unused, utcb: 0x1000)),
                Check(label: "PD: an SM", expected: .badCapability, got: api.createEC(Fix.free, pd: Fix.sm, utcb: 0x1000)),
                Check(label: "PD: the root SC", expected: .badCapability, got: api.createEC(Fix.free, pd: Root.sc, utcb: 0x1000)),
                Check(label: "UTCB at USER_ADDR", expected: .badParameter, got: api.createEC(Fix.free, utcb: 0x7FFF_FFFF_F000)),
                Check(label: "UTCB in the kernel half", expected: .badParameter,
                      got: api.createEC(Fix.free, utcb: 0xFFFF_8000_0000_0000)),
                Check(label: "UTCB at USER_ADDR and a bad PD: PD first", expected: .badCapability,
                      got: api.createEC(Fix.free, pd: Fix.unused, utcb: 0x7FFF_FFFF_F000)),
                Check(label: "destination taken (the root PD)", expected: .badCapability,
                      got: api.createEC(Root.pd, utcb: 0x2000)),
                Check(label: "destination taken and UTCB at USER_ADDR: UTCB first", expected: .badParameter,
                      got: api.createEC(Root.pd, utcb: 0x7FFF_FFFF_F000)),
                Check(label: "success (no UTCB)", expected: .success, got: api.createEC(Fix.free, utcb: 0)),
                Check(label: "the same selector again", expected: .badCapability, got: api.createEC(Fix.free, utcb: 0x3000)),
            ]
        }
        verify(checks, count: 15 + 24)
    }

    @Test func createSC() throws {
        let checks = try run { api in
            [
                Check(label: "PD: empty selector", expected: .badCapability, got: api.createSC(Fix.free, pd: Fix.unused, ec: Fix.global)),
                Check(label: "PD: an EC", expected: .badCapability, got: api.createSC(Fix.free, pd: Fix.global, ec: Fix.global)),
                Check(label: "bad PD and priority 0: PD first", expected: .badCapability,
                      got: api.createSC(Fix.free, pd: Fix.unused, ec: Fix.global, priority: 0)),
                Check(label: "EC: empty selector", expected: .badCapability, got: api.createSC(Fix.free, ec: Fix.unused)),
                Check(label: "EC: an SM", expected: .badCapability, got: api.createSC(Fix.free, ec: Fix.sm)),
                Check(label: "EC: a PD", expected: .badCapability, got: api.createSC(Fix.free, ec: Root.pd)),
                Check(label: "EC without sc permission", expected: .badCapability, got: api.createSC(Fix.free, ec: Fix.globalNoSC)),
                Check(label: "a local EC", expected: .badCapability, got: api.createSC(Fix.free, ec: Fix.local)),
                Check(label: "a local EC and priority 0: EC first", expected: .badCapability,
                      got: api.createSC(Fix.free, ec: Fix.local, priority: 0)),
                Check(label: "priority 0", expected: .badParameter, got: api.createSC(Fix.free, ec: Fix.global, priority: 0)),
                Check(label: "priority 128", expected: .badParameter, got: api.createSC(Fix.free, ec: Fix.global, priority: 128)),
                Check(label: "priority 255", expected: .badParameter, got: api.createSC(Fix.free, ec: Fix.global, priority: 255)),
                Check(label: "quantum 0", expected: .badParameter, got: api.createSC(Fix.free, ec: Fix.global, quantum: 0)),
                Check(label: "destination taken and priority 0: QPD first", expected: .badParameter,
                      got: api.createSC(Root.sc, ec: Fix.global, priority: 0)),
                Check(label: "destination taken (the root SC)", expected: .badCapability,
                      got: api.createSC(Root.sc, ec: Fix.global, priority: 127)),
            ]
        }
        verify(checks, count: 15 + 24)
    }

    @Test func createPT() throws {
        let checks = try run { api in
            [
                Check(label: "PD: empty selector", expected: .badCapability, got: api.createPT(Fix.free, pd: Fix.unused, ec: Fix.local)),
                Check(label: "PD: a PT", expected: .badCapability, got: api.createPT(Fix.free, pd: Fix.pt, ec: Fix.local)),
                Check(label: "EC: empty selector", expected: .badCapability, got: api.createPT(Fix.free, ec: Fix.unused)),
                Check(label: "EC: a PT", expected: .badCapability, got: api.createPT(Fix.free, ec: Fix.pt)),
                Check(label: "EC without pt permission", expected: .badCapability, got: api.createPT(Fix.free, ec: Fix.localNoPT)),
                Check(label: "a global EC", expected: .badCapability, got: api.createPT(Fix.free, ec: Fix.global)),
                Check(label: "the root EC (global)", expected: .badCapability, got: api.createPT(Fix.free, ec: Root.ec)),
                Check(label: "destination taken", expected: .badCapability, got: api.createPT(Fix.pt, ec: Fix.local)),
                Check(label: "success", expected: .success, got: api.createPT(Fix.free, ec: Fix.local)),
            ]
        }
        verify(checks, count: 9 + 24)
    }

    @Test func createSM() throws {
        let checks = try run { api in
            [
                Check(label: "PD: empty selector", expected: .badCapability, got: api.createSM(Fix.free, pd: Fix.unused)),
                Check(label: "PD: an SM", expected: .badCapability, got: api.createSM(Fix.free, pd: Fix.sm)),
                Check(label: "signal: empty selector", expected: .badCapability, got: api.createSM(Fix.free, signal: Fix.unused)),
                Check(label: "signal: an EC", expected: .badCapability, got: api.createSM(Fix.free, signal: Root.ec)),
                Check(label: "signal: SM without up", expected: .badCapability, got: api.createSM(Fix.free, signal: Fix.smDownOnly)),
                Check(label: "signal: itself a signal (one level only)", expected: .badCapability,
                      got: api.createSM(Fix.free, signal: Fix.signal)),
                Check(label: "bad PD and bad signal: PD first", expected: .badCapability,
                      got: api.createSM(Fix.free, pd: Fix.unused, signal: Fix.unused)),
                Check(label: "destination taken", expected: .badCapability, got: api.createSM(Fix.sm)),
                Check(label: "signal: SM with up only", expected: .success, got: api.createSM(Fix.free, signal: Fix.smUpOnly)),
            ]
        }
        verify(checks, count: 9 + 24)
    }

    @Test func controlCalls() throws {
        let checks = try run { api in
            func ec(_ sel: UInt64, op: UInt64 = 0) -> Status {
                api.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.ecCtrl, flags: op, sel: sel)))
            }
            func sc(_ sel: UInt64) -> Status { api.status(SCCtrlArguments(sc: sel).registers) }
            func sm(_ sel: UInt64, _ op: SMOperation) -> Status { api.status(SMCtrlArguments(sm: sel, operation: op).registers) }
            return [
                Check(label: "ec_ctrl sub-op 1", expected: .badParameter, got: ec(Fix.global, op: 1)),
                Check(label: "ec_ctrl sub-op 3", expected: .badParameter, got: ec(Fix.global, op: 3)),
                Check(label: "ec_ctrl sub-op 2, bad EC: sub-op first", expected: .badParameter, got: ec(Fix.unused, op: 2)),
                Check(label: "ec_ctrl: empty selector", expected: .badCapability, got: ec(Fix.unused)),
                Check(label: "ec_ctrl: an SM", expected: .badCapability, got: ec(Fix.sm)),
                Check(label: "ec_ctrl: EC without ct", expected: .badCapability, got: ec(Fix.globalNoCT)),
                Check(label: "ec_ctrl recall", expected: .success, got: ec(Fix.global)),
                Check(label: "sc_ctrl: empty selector", expected: .badCapability, got: sc(Fix.unused)),
                Check(label: "sc_ctrl: an EC", expected: .badCapability, got: sc(Root.ec)),
                Check(label: "sc_ctrl: the root SC", expected: .success, got: sc(Root.sc)),
                Check(label: "pt_ctrl: empty selector", expected: .badCapability, got: api.ptCtrl(Fix.unused, id: 1)),
                Check(label: "pt_ctrl: an EC", expected: .badCapability, got: api.ptCtrl(Fix.local, id: 1)),
                Check(label: "pt_ctrl: PT without ct", expected: .badCapability, got: api.ptCtrl(Fix.ptNoCT, id: 1)),
                Check(label: "pt_ctrl", expected: .success, got: api.ptCtrl(Fix.pt, id: 1)),
                Check(label: "sm up: empty selector", expected: .badCapability, got: sm(Fix.unused, .up)),
                Check(label: "sm up: a PT", expected: .badCapability, got: sm(Fix.pt, .up)),
                Check(label: "sm up without up", expected: .badCapability, got: sm(Fix.smDownOnly, .up)),
                Check(label: "sm down without down", expected: .badCapability, got: sm(Fix.smUpOnly, .down)),
                Check(label: "sm down on a signal SM", expected: .badCapability, got: sm(Fix.signal, .down)),
                Check(label: "sm up with up only", expected: .success, got: sm(Fix.smUpOnly, .up)),
                Check(label: "sm down with down only (count 1)", expected: .success, got: sm(Fix.smDownOnly, .down)),
                Check(label: "sm up on a signal SM", expected: .success, got: sm(Fix.signal, .up)),
            ]
        }
        verify(checks, count: 22 + 24)
    }

    @Test func revokeAndPDCtrl() throws {
        let checks = try run { api in
            func revokeRemote(_ pd: UInt64) -> Status {
                api.status(RevokeArguments(crd: .object(selector: Fix.free), remotePD: pd).registers)
            }
            func delegate(_ src: UInt64, _ dst: UInt64) -> Status {
                api.delegate(from: src, to: dst, .object(selector: Fix.sm), into: .object(selector: Fix.free)).0
            }
            func mapAccessPage(_ crd: CRD) -> Status {
                api.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.pdCtrl, flags: 1), rsi: crd.rawValue))
            }
            return [
                Check(label: "revoke remote: empty selector", expected: .badCapability, got: revokeRemote(Fix.unused)),
                Check(label: "revoke remote: an EC", expected: .badCapability, got: revokeRemote(Root.ec)),
                Check(label: "revoke remote: a PD", expected: .success, got: revokeRemote(Fix.child)),
                Check(label: "revoke of the null CRD", expected: .success,
                      got: api.status(RevokeArguments(crd: .null).registers)),
                Check(label: "delegate: bad source", expected: .badCapability, got: delegate(Fix.unused, Root.pd)),
                Check(label: "delegate: bad destination", expected: .badCapability, got: delegate(Root.pd, Fix.unused)),
                Check(label: "delegate: source an EC", expected: .badCapability, got: delegate(Root.ec, Root.pd)),
                Check(label: "delegate: destination an SM", expected: .badCapability, got: delegate(Root.pd, Fix.sm)),
                Check(label: "delegate into a child", expected: .success, got: delegate(Root.pd, Fix.child)),
                Check(label: "map_access_page: an object CRD", expected: .badParameter, got: mapAccessPage(.object(selector: 1))),
                Check(label: "map_access_page: RWX", expected: .badParameter,
                      got: mapAccessPage(.memory(page: 0x100, permissions: .all))),
                Check(label: "map_access_page: order 1", expected: .badParameter,
                      got: mapAccessPage(.memory(page: 0x100, order: 1, permissions: [.read, .write]))),
                Check(label: "lookup of an empty selector", expected: .success,
                      got: api.lookupObject(Fix.unused) == .null ? .success : .abort),
            ]
        }
        verify(checks, count: 13 + 24)
    }

    @Test func devicesMachineAndUnknownCalls() throws {
        let checks = try run { api in
            func pci(_ pd: UInt64) -> Status {
                api.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.assignPCI, sel: pd), rsi: 0x4000_0000, rdx: 0))
            }
            func gsi(_ sm: UInt64, cpu: UInt64) -> Status {
                api.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.assignGSI, sel: sm), rsi: 0, rdx: cpu, rax: ~0))
            }
            func machine(_ op: UInt64, sel: UInt64 = 0) -> Status {
                api.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.machineCtrl, flags: op, sel: sel)))
            }
            func msr(_ index: UInt64, write: Bool = false, value: UInt64 = 0) -> Status {
                api.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.pdCtrl, flags: 3 | (write ? 4 : 0), sel: index), rsi: value))
            }
            func raw(_ number: UInt64) -> Status { api.status(HypercallRegisters(rdi: 0x5000 | number)) }
            return [
                Check(label: "assign_pci: empty selector", expected: .badCapability, got: pci(Fix.unused)),
                Check(label: "assign_pci: an SM", expected: .badCapability, got: pci(Fix.sm)),
                Check(label: "assign_pci: no device", expected: .badDevice, got: pci(Root.pd)),
                Check(label: "assign_gsi: CPU 1", expected: .badCPU, got: gsi(Fix.sm, cpu: 1)),
                Check(label: "assign_gsi: CPU 1 and a bad SM: CPU first", expected: .badCPU, got: gsi(Fix.unused, cpu: 1)),
                Check(label: "assign_gsi: empty selector", expected: .badCapability, got: gsi(Fix.unused, cpu: 0)),
                Check(label: "assign_gsi: not an interrupt SM", expected: .badCapability, got: gsi(Fix.sm, cpu: 0)),
                Check(label: "machine_ctrl sub-op 2", expected: .badParameter, got: machine(2)),
                Check(label: "machine_ctrl sub-op 3", expected: .badParameter, got: machine(3)),
                Check(label: "machine_ctrl suspend, SLP_TYP 8", expected: .badParameter, got: machine(0, sel: 0x0808)),
                Check(label: "msr_access read EFER (denied)", expected: .badParameter, got: msr(0xC000_0080)),
                Check(label: "msr_access read TSC (denied)", expected: .badParameter, got: msr(0x10)),
                Check(label: "msr_access write PAT (denied)", expected: .badParameter, got: msr(0x277, write: true, value: 0)),
                Check(label: "hypercall 16", expected: .badHypercall, got: raw(16)),
                Check(label: "hypercall 0x7F", expected: .badHypercall, got: raw(0x7F)),
                Check(label: "hypercall 255", expected: .badHypercall, got: raw(255)),
            ]
        }
        verify(checks, count: 16 + 24)
    }

    /// msr_access and machine_ctrl look only at the *calling* PD's passthrough flag. The calls
    /// are made for local ECs of two child PDs (one created with passthrough from the
    /// passthrough root): `RootAPI` runs the hypercall handler for whichever EC it names.
    @Test func passthroughIsDecidedByTheCallersPD() throws {
        let m = try HostedMachine()
        var results: [String: Status] = [:]
        try m.boot { api in
            #expect(api.createPD(0x100) == .success)
            #expect(api.createPD(0x101, passthrough: true) == .success)
            #expect(api.createEC(0x102, pd: 0x100, utcb: 0x7FFF_FFFF_C000) == .success)
            #expect(api.createEC(0x103, pd: 0x101, utcb: 0x7FFF_FFFF_C000) == .success)
            // Each child needs an SM capability of its own for the sm_ctrl check: give both
            // children one at their selector 0x40, and themselves (PD create) at 0x41.
            #expect(api.createSM(0x104) == .success)
            for child: UInt64 in [0x100, 0x101] {
                #expect(api.delegate(to: child, .object(selector: 0x104), into: .object(selector: 0x40)).0 == .success)
                #expect(api.delegate(to: child, .object(selector: child), into: .object(selector: 0x41)).0 == .success)
            }
            for (name, sel) in [("native", UInt64(0x102)), ("passthrough", UInt64(0x103))] {
                guard let ec = m.rootEC(sel) else { Issue.record("EC \(name) missing"); continue }
                let child = RootAPI(hypervisor: m.hv, ec: ec)
                results["\(name) machine_ctrl 2"] = child.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.machineCtrl, flags: 2)))
                results["\(name) msr EFER"] = child.status(HypercallRegisters(rdi: HypercallRegisters.arg1(.pdCtrl, flags: 3, sel: 0xC000_0080)))
                results["\(name) create_sm pd 32"] = child.createSM(0x50, pd: 32)
                results["\(name) create_sm pd 0x41"] = child.createSM(0x50, pd: 0x41)
                results["\(name) sm up 0x40"] = child.status(SMCtrlArguments(sm: 0x40, operation: .up).registers)
                results["\(name) sm up 0x104"] = child.status(SMCtrlArguments(sm: 0x104, operation: .up).registers)
            }
        }
        _ = m.run()
        let expected: [String: Status] = [
            "native machine_ctrl 2": .badCapability, "native msr EFER": .badCapability,
            "passthrough machine_ctrl 2": .badParameter, "passthrough msr EFER": .badParameter,
            // Object spaces are per PD: selector 32 is nothing in a child, 0x41 is its own PD.
            "native create_sm pd 32": .badCapability, "passthrough create_sm pd 32": .badCapability,
            "native create_sm pd 0x41": .success, "passthrough create_sm pd 0x41": .success,
            "native sm up 0x40": .success, "passthrough sm up 0x40": .success,
            "native sm up 0x104": .badCapability, "passthrough sm up 0x104": .badCapability,
        ]
        #expect(results == expected)
        #expect(m.hv.rootPD?.objects[0x104].validate(Semaphore.self)?.counter == 2, "both ups reached the root's SM")
    }

    /// `call` and `reply` cannot block Swift code: RootAPI answers COM_ABT, and a down that would
    /// block answers COM_TIM and leaves the SM as it was (Host/HostEC.swift).
    @Test func blockingCallsFromSwiftCode() throws {
        let m = try HostedMachine()
        var results: [Status] = []
        try m.boot { api in
            _ = api.createSM(0x100)
            results.append(api.status(CallArguments(portal: 0x100).registers))
            results.append(api.status(ReplyArguments().registers))
            results.append(api.status(SMCtrlArguments(sm: 0x100, operation: .down).registers))
        }
        _ = m.run()
        #expect(results == [.abort, .abort, .timeout])
        #expect(m.hv.rootPD?.objects[0x100].validate(Semaphore.self)?.counter == 0)
        #expect(m.hv.rootPD?.objects[0x100].validate(Semaphore.self)?.waiters.isEmpty == true)
    }
}

/// `pd_ctrl_msr_access` reads write OUT2 even when they fail: `Msr::user_read` zeroes the value
/// of a denied MSR and `read_safe` leaves 0 for one that faults; `sys_pd_ctrl_msr_access` then
/// stores it unconditionally (`set_msr_value`) before answering BAD_PAR (src/msr.cpp,
/// src/syscall.cpp).
@Suite struct EngineMSRAccessTests {
    @Test func aFailedReadReturnsZero() throws {
        let m = try HostedMachine()
        var out: [String: HypercallRegisters] = [:]
        try m.boot { api in
            func read(_ index: UInt64) -> HypercallRegisters {
                api.hypercall(HypercallRegisters(rdi: HypercallRegisters.arg1(.pdCtrl, flags: 3, sel: index), rsi: 0xDEAD_BEEF))
            }
            out["EFER"] = read(0xC000_0080)
            out["TSC"] = read(0x10)
            out["none"] = read(0x4000_1234)
            out["FS_BASE"] = read(0xC000_0100)
            out["write PAT"] = api.hypercall(HypercallRegisters(rdi: HypercallRegisters.arg1(.pdCtrl, flags: 3 | 4, sel: 0x277),
                                                                rsi: 0xDEAD_BEEF))
        }
        _ = m.run()
        for name in ["EFER", "TSC", "none"] {
            let r = try #require(out[name])
            #expect(RootAPI.status(r) == .badParameter, "\(name)")
            #expect(r.rsi == 0, "\(name): OUT2 = the zeroed value, not ARG2")
        }
        #expect(out["FS_BASE"].map(RootAPI.status) == .success, "not on the deny list")
        let w = try #require(out["write PAT"])
        #expect(RootAPI.status(w) == .badParameter)
        #expect(w.rsi == 0xDEAD_BEEF, "a write leaves ARG2 alone")
    }
}
