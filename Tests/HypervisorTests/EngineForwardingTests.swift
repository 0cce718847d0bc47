// SPDX-License-Identifier: MIT
// Foreign-syscall forwarding to a host-EC handler (digest §1.4; Hedron src/syscall.cpp
// `Ec::syscall_handler`, `Ec::sys_foreign_syscall`, `Ec::send_msg`; guests/hedron/README.md
// fact 16). A Swift roottask builds a foreign PD whose global EC runs real guest code on the CPU;
// its `syscall`s arrive at a local host EC of the root PD as exception-style messages, and the
// host EC's answer goes back through `save_exc`.
import Testing
import CPUCore
import Machine
import MMU
@testable import Hypervisor

/// Guest code at 0x40_0000 (nasm, `bits 64`, `org 0x400000`):
/// ```
///   mov rbx, 0x1122334455667788     ; must survive both calls
///   mov eax, 39                     ; getpid
///   mov edi, 0x11
///   mov esi, 0x22
///   mov edx, 0x33
///   mov r10d, 0x44
///   mov r8d, 0x55
///   mov r9d, 0x66
///   syscall                         ; at 0x400030
/// after1:                           ; 0x400032
///   cmp rax, 4242
///   jne fail
///   mov rcx, 0x1122334455667788
///   cmp rbx, rcx
///   jne fail
///   cmp rsp, 0x601000
///   jne fail
///   cmp r9, 0x66
///   jne fail
///   mov eax, 1                      ; write(1, 0x400000, 5)
///   mov edi, 1
///   mov rsi, 0x400000
///   mov edx, 5
///   syscall                         ; at 0x40006C
/// after2:                           ; 0x40006E
///   cmp rax, 5
///   jne fail
///   mov al, 0x10                    ; PASS: exit status 33
///   out 0xF4, al
///   jmp $
/// fail:
///   mov al, 0x11                    ; FAIL: exit status 35
///   out 0xF4, al
///   jmp $
/// ```
private let forwardingCode: [UInt8] = [
    0x48, 0xbb, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xb8, 0x27,
    0x00, 0x00, 0x00, 0xbf, 0x11, 0x00, 0x00, 0x00, 0xbe, 0x22, 0x00, 0x00,
    0x00, 0xba, 0x33, 0x00, 0x00, 0x00, 0x41, 0xba, 0x44, 0x00, 0x00, 0x00,
    0x41, 0xb8, 0x55, 0x00, 0x00, 0x00, 0x41, 0xb9, 0x66, 0x00, 0x00, 0x00,
    0x0f, 0x05, 0x48, 0x3d, 0x92, 0x10, 0x00, 0x00, 0x75, 0x40, 0x48, 0xb9,
    0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x48, 0x39, 0xcb, 0x75,
    0x31, 0x48, 0x81, 0xfc, 0x00, 0x10, 0x60, 0x00, 0x75, 0x28, 0x49, 0x83,
    0xf9, 0x66, 0x75, 0x22, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xbf, 0x01, 0x00,
    0x00, 0x00, 0xbe, 0x00, 0x00, 0x40, 0x00, 0xba, 0x05, 0x00, 0x00, 0x00,
    0x0f, 0x05, 0x48, 0x83, 0xf8, 0x05, 0x75, 0x06, 0xb0, 0x10, 0xe6, 0xf4,
    0xeb, 0xfe, 0xb0, 0x11, 0xe6, 0xf4, 0xeb, 0xfe,
]

/// `mov eax, 60; xor edi, edi; syscall` (at 0x400007), then PASS (which must never run).
private let exitCode: [UInt8] = [
    0xb8, 0x3c, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05, 0xb0, 0x10, 0xe6, 0xf4, 0xeb, 0xfe,
]

/// One forwarded syscall as the handler's UTCB showed it.
private struct Arrival: Equatable {
    var portalID: UInt64
    var mtd: MTD
    var rax, rdi, rsi, rdx, r10, r8, r9, rcx, r11: UInt64
    var items: UInt32
}

/// Selectors and addresses of the forwarding fixture.
private enum Fwd {
    static let foreign: UInt64 = 0x100   // the foreign PD
    static let handler: UInt64 = 0x101   // local host EC of the root PD
    static let syscallPT: UInt64 = 0x102 // root PT → handler, delegated to the foreign PD's base + 0
    static let startupPT: UInt64 = 0x103 // root PT → handler, delegated to the foreign PD's 30
    static let worker: UInt64 = 0x104    // global EC of the foreign PD
    static let workerSC: UInt64 = 0x105
    static let base: UInt64 = 0x40       // foreign-syscall portal base
    static let syscallID: UInt64 = 0x5C5C
    static let startupID: UInt64 = 0x5757
    static let code: UInt64 = 0x40_0000
    static let stackTop: UInt64 = 0x60_1000
    static let portalMTD: MTD = [.gprACDB, .gprBSD, .gprR8R15, .rsp, .ripLength, .rflags]
}

/// Setup statuses, filled in by the roottask while `run` executes it.
private final class Statuses { var all: [String: Status] = [:] }

@Suite struct EngineForwardingTests {
    /// Builds the foreign PD with `code` and starts its EC; `syscallPortal` false leaves the
    /// foreign-syscall portal out. The handler answers startup with RIP/RSP and every forwarded
    /// syscall with `answer(number, utcb)` in rax (sysret-like: rip = rcx, rsp = r11).
    private func forwardingMachine(code: [UInt8], syscallPortal: Bool, eventBase: UInt64 = 0,
                                   extraPortals: [(selector: UInt64, id: UInt64)] = [],
                                   answer: @escaping (UInt64, UTCB) -> UInt64,
                                   arrivals: @escaping (Arrival) -> Void) throws -> (HostedMachine, Statuses) {
        let m = try HostedMachine()
        let setup = Statuses()
        try m.boot { api in
            setup.all["create_pd foreign"] = api.createPD(Fwd.foreign, foreign: true, base: Fwd.base)
            setup.all["create_ec handler"] = api.createEC(Fwd.handler, utcb: 0x7FFF_FFF0_0000, sp: 0)
            guard let handler = m.rootEC(Fwd.handler) else { Issue.record("handler EC missing"); return }
            m.hv.bindHost(handler) { ec, portalID in
                let u = ec.utcb
                switch portalID {
                case Fwd.startupID:
                    u.rip = Fwd.code
                    u[gpr: 4] = Fwd.stackTop
                    u.mtd = [.ripLength, .rsp]
                case Fwd.syscallID, 0x1000...0x1FFF:
                    arrivals(Arrival(portalID: portalID, mtd: u.mtd, rax: u[gpr: 0], rdi: u[gpr: 7], rsi: u[gpr: 6],
                                     rdx: u[gpr: 2], r10: u[gpr: 10], r8: u[gpr: 8], r9: u[gpr: 9], rcx: u[gpr: 1],
                                     r11: u[gpr: 11], items: u.items))
                    u[gpr: 0] = answer(u[gpr: 0], u)
                    u.rip = u[gpr: 1]
                    u[gpr: 4] = u[gpr: 11]
                    u.mtd = [.gprACDB, .ripLength, .rsp]
                default:
                    Issue.record("unexpected portal ID 0x\(String(portalID, radix: 16))")
                    return .noReply
                }
                return .reply
            }
            setup.all["create_pt syscall"] = api.createPT(Fwd.syscallPT, ec: Fwd.handler, mtd: Fwd.portalMTD)
            setup.all["pt_ctrl syscall"] = api.ptCtrl(Fwd.syscallPT, id: Fwd.syscallID)
            setup.all["create_pt startup"] = api.createPT(Fwd.startupPT, ec: Fwd.handler, mtd: [.rsp, .ripLength])
            setup.all["pt_ctrl startup"] = api.ptCtrl(Fwd.startupPT, id: Fwd.startupID)
            if syscallPortal {
                setup.all["delegate syscall PT"] = api.delegate(to: Fwd.foreign, .object(selector: Fwd.syscallPT),
                                                            into: .object(selector: eventBase + Fwd.base + 0)).0
            }
            for (i, extra) in extraPortals.enumerated() {
                let sel = 0x180 + UInt64(i)
                setup.all["extra PT \(i)"] = api.createPT(sel, ec: Fwd.handler, mtd: Fwd.portalMTD)
                setup.all["extra pt_ctrl \(i)"] = api.ptCtrl(sel, id: extra.id)
                setup.all["extra delegate \(i)"] = api.delegate(to: Fwd.foreign, .object(selector: sel),
                                                             into: .object(selector: extra.selector)).0
            }
            setup.all["delegate startup PT"] = api.delegate(to: Fwd.foreign, .object(selector: Fwd.startupPT),
                                                        into: .object(selector: eventBase + ExecutionContext.startupEvent)).0
            // Code R-X at 0x400000 and a stack page RW- below 0x601000, from RAM at 64 MiB.
            setup.all["code frame"] = api.giveFrame(freeRAM, to: Fwd.foreign, at: Fwd.code, [.read, .execute]).0
            setup.all["stack frame"] = api.giveFrame(freeRAM + 0x1000, to: Fwd.foreign, at: Fwd.stackTop - 0x1000, [.read, .write]).0
            setup.all["exit port"] = api.givePort(0xF4, to: Fwd.foreign).0
            _ = m.machine.ram.copyIn(freeRAM, code)
            setup.all["create_ec worker"] = api.createEC(Fwd.worker, pd: Fwd.foreign, utcb: 0x7FFF_FFFF_E000, sp: Fwd.stackTop,
                                                        eventBase: UInt32(eventBase), global: true)
            setup.all["create_sc worker"] = api.createSC(Fwd.workerSC, ec: Fwd.worker, priority: 1)
        }
        return (m, setup)
    }

    @Test func syscallsOfAForeignPDReachAHostHandler() throws {
        var arrivals: [Arrival] = []
        let (m, setup) = try forwardingMachine(code: forwardingCode, syscallPortal: true, answer: { nr, _ in
            switch nr {
            case 39: 4242
            case 1: 5
            default: ~0
            }
        }, arrivals: { arrivals.append($0) })
        let r = m.run()
        #expect(setup.all.count == 13)
        for (step, s) in setup.all { #expect(s == .success, "\(step)") }
        #expect(r.status == passStatus, "guest verdict (35 = a register was wrong after a reply): \(r.report ?? "")")
        #expect(m.log.isEmpty, "\(m.log)")
        #expect(m.hv.statistics.kills == 0)
        #expect(m.hv.statistics.foreignSyscalls == 2)
        try #require(arrivals.count == 2)
        // The handler's UTCB: the portal's MTD, rax = number, the six Linux arguments, rcx = the
        // return RIP, r11 = the user RSP (`entry_sysenter`), items = the exception layout.
        #expect(arrivals[0] == Arrival(portalID: Fwd.syscallID, mtd: Fwd.portalMTD, rax: 39, rdi: 0x11, rsi: 0x22,
                                       rdx: 0x33, r10: 0x44, r8: 0x55, r9: 0x66, rcx: 0x40_0032, r11: Fwd.stackTop,
                                       items: UInt32(UTCB.exceptionWordCount)))
        #expect(arrivals[1].rax == 1 && arrivals[1].rdi == 1 && arrivals[1].rsi == 0x40_0000 && arrivals[1].rdx == 5)
        #expect(arrivals[1].rcx == 0x40_006E && arrivals[1].r11 == Fwd.stackTop)
        // The worker's own UTCB is untouched (NSCT stays clear; the kernel never sets it).
        let worker = try #require(m.hv.rootPD?.objects[Fwd.worker].validate(ExecutionContext.self))
        #expect(!worker.utcb.nsct)
    }

    @Test func aForeignPDWithoutItsPortalLosesTheEC() throws {
        var arrivals: [Arrival] = []
        let (m, setup) = try forwardingMachine(code: exitCode, syscallPortal: false, answer: { _, _ in 0 },
                                               arrivals: { arrivals.append($0) })
        let r = m.run()
        #expect(setup.all.count == 12)
        for (step, s) in setup.all { #expect(s == .success, "\(step)") }
        // `sys_foreign_syscall`: no PT at base + CPU → `die("PT not found")`; the EC never
        // reaches its `out`, its SC stops, and nothing is left to run.
        #expect(r.status == allBlockedStatus, "\(r.report ?? "")")
        #expect(arrivals.isEmpty)
        #expect(m.hv.statistics.foreignSyscalls == 1)
        #expect(m.hv.statistics.kills == 1)
        try #require(m.log.count == 1)
        #expect(m.log[0].contains("killed EC (global"), "\(m.log[0])")
        #expect(m.log[0].contains("PT not found (selector 0x40)"), "\(m.log[0])")
        let worker = try #require(m.hv.rootPD?.objects[Fwd.worker].validate(ExecutionContext.self))
        #expect(worker.isDead)
        #expect(m.machine.exitPort.exitStatus == nil, "the code after the syscall never ran")
    }

    /// With a nonzero event base the message goes to event base + base + CPU (`send_msg` adds
    /// the event base to `dst_portal`), but `sys_foreign_syscall` first requires a PT at
    /// base + CPU itself and dies without one (README fact 16).
    @Test func eventBaseIsAddedWhenTheMessageIsSent() throws {
        var arrivals: [Arrival] = []
        let (m, setup) = try forwardingMachine(code: forwardingCode, syscallPortal: true, eventBase: 0x80,
                                               extraPortals: [(selector: Fwd.base, id: 0x1040)],
                                               answer: { nr, _ in nr == 39 ? 4242 : 5 },
                                               arrivals: { arrivals.append($0) })
        let r = m.run()
        for (step, s) in setup.all { #expect(s == .success, "\(step)") }
        #expect(r.status == passStatus, "\(m.log)")
        #expect(arrivals.map(\.portalID) == [Fwd.syscallID, Fwd.syscallID], "the PT at 0x80 + 0x40, not the one at 0x40")
    }

    @Test func aPTAtEventBasePlusBaseAloneIsNotEnough() throws {
        var arrivals: [Arrival] = []
        let (m, setup) = try forwardingMachine(code: exitCode, syscallPortal: true, eventBase: 0x80,
                                               answer: { _, _ in 0 }, arrivals: { arrivals.append($0) })
        let r = m.run()
        for (step, s) in setup.all { #expect(s == .success, "\(step)") }
        #expect(r.status == allBlockedStatus)
        #expect(arrivals.isEmpty, "Hedron dies at the lookup of base + CPU before sending")
        #expect(m.hv.statistics.kills == 1)
        #expect(m.log.first?.contains("PT not found (selector 0x40)") == true, "\(m.log)")
    }

    /// The same foreign EC with NSCT set in its UTCB: `syscall` is a native hypercall again and
    /// returns sysret-style with the status in rdi; nothing is forwarded.
    @Test func nsctMakesTheSyscallNative() throws {
        // mov eax, 60; xor edi, edi (rdi = 0: hypercall `call` of portal selector 0); syscall;
        // then the status must be BAD_CAP (4): cmp edi, 4; jne fail; PASS; fail: FAIL.
        // nasm: b8 3c 00 00 00 / 31 ff / 0f 05 / 83 ff 04 / 75 06 / b0 10 e6 f4 eb fe / b0 11 e6 f4 eb fe
        let code: [UInt8] = [0xb8, 0x3c, 0x00, 0x00, 0x00, 0x31, 0xff, 0x0f, 0x05, 0x83, 0xff, 0x04, 0x75, 0x06,
                             0xb0, 0x10, 0xe6, 0xf4, 0xeb, 0xfe, 0xb0, 0x11, 0xe6, 0xf4, 0xeb, 0xfe]
        var arrivals: [Arrival] = []
        let (m, _) = try forwardingMachine(code: code, syscallPortal: true, answer: { _, _ in 0 },
                                           arrivals: { arrivals.append($0) })
        // The roottask body has run inside `start` only when `run` is called; set NSCT through
        // the worker's UTCB as the EC itself would, before it runs.
        var started = false
        if case .stop = m.hv.start() { Issue.record("nothing to run") } else { started = true }
        let worker = try #require(m.hv.rootPD?.objects[Fwd.worker].validate(ExecutionContext.self))
        worker.utcb.nsct = true
        let r = started ? m.machine.run() : RunResult(status: -1, report: nil, instructions: 0)
        #expect(r.status == passStatus, "rdi after a native `call` of selector 0 is BAD_CAP")
        #expect(arrivals.isEmpty)
        #expect(m.hv.statistics.foreignSyscalls == 0)
        #expect(m.hv.statistics.kills == 0)
    }
}
