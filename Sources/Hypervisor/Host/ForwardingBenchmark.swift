// SPDX-License-Identifier: MIT
// The forwarding-cost benchmark of issue 3: a guest loop of no-op foreign syscalls, each answered
// at once by a host-EC handler, so one iteration is one round trip of the thesis' forwarded path
// (syscall → hypervisor → portal IPC to the handler → reply → iret-style return; thesis §5,
// measured there at 1,628 TSC cycles under KVM). The composition is the smallest Linux-like
// setup: a Swift roottask creates a foreign PD whose foreign-syscall portal is a host EC.
import CPUCore
import Foundation
import Machine

public enum ForwardingBenchmark {
    public struct Result: Sendable {
        /// Round trips made (the loop's iterations).
        public var roundTrips: UInt64
        /// Host wall-clock seconds for the whole run (boot included, a few microseconds).
        public var seconds: Double
        /// Guest instructions retired.
        public var instructions: UInt64
        /// Forwarded syscalls the hypervisor counted (round trips + the final "done").
        public var forwarded: UInt64
        public var status: Int32
    }

    /// Selectors in the root PD.
    enum Sel {
        static let foreignPD: UInt64 = 0x100, handlerEC: UInt64 = 0x101, syscallPT: UInt64 = 0x102
        static let startupPT: UInt64 = 0x103, childEC: UInt64 = 0x104, childSC: UInt64 = 0x105
    }
    /// The foreign PD's syscall portal base: portal = event base (0) + base + CPU 0.
    static let foreignBase: UInt64 = 0x40
    static let codeVA: UInt64 = 0x40_0000, stackVA: UInt64 = 0x7000_0000, childUTCB: UInt64 = 0x7FFF_FFFF_E000
    static let handlerUTCB: UInt64 = 0x7FFF_FFF0_0000
    /// Physical frames for the guest's code and stack (free RAM above the boot modules).
    static let codeFrame: UInt64 = 64 << 20, stackFrame: UInt64 = (64 << 20) + 0x1000

    /// The guest: `while rdi-- != 0 { syscall(rax = 0) }`, then `syscall(rax = 1)` ("done").
    ///     0: test rdi, rdi      3: jz 14      5: xor eax, eax    7: syscall
    ///     9: dec rdi           12: jmp 0     14: mov eax, 1     19: syscall   21: jmp $
    static let guestCode: [UInt8] = [
        0x48, 0x85, 0xFF, 0x74, 0x09, 0x31, 0xC0, 0x0F, 0x05, 0x48, 0xFF, 0xCF, 0xEB, 0xF2,
        0xB8, 0x01, 0x00, 0x00, 0x00, 0x0F, 0x05, 0xEB, 0xFE,
    ]

    /// Runs `iterations` round trips on a fresh machine and reports them.
    public static func run(iterations: UInt64) -> Result {
        var c = Configuration()
        c.memory = 128 << 20
        c.serial = .none
        guard let machine = try? Machine(configuration: c), let hv = try? Hypervisor(machine: machine) else {
            return Result(roundTrips: 0, seconds: 0, instructions: 0, forwarded: 0, status: ExitStatus.internalError)
        }
        machine.supervisor = hv
        _ = machine.ram.copyIn(codeFrame, guestCode)
        do {
            try hv.boot(hostRoottask: { api in setUp(api, machine: machine, iterations: iterations) })
        } catch {
            return Result(roundTrips: 0, seconds: 0, instructions: 0, forwarded: 0, status: ExitStatus.internalError)
        }
        let start = Date()
        var status = ExitStatus.internalError
        if case .stop(let s, _) = hv.start() { status = s } else { status = machine.run().status }
        let seconds = Date().timeIntervalSince(start)
        return Result(roundTrips: iterations, seconds: seconds, instructions: machine.cpu.instret,
                      forwarded: hv.statistics.foreignSyscalls, status: status)
    }

    /// The Swift roottask: the foreign PD with code and stack, the host handler EC and its two
    /// portals (foreign syscalls; the child's startup), then the child's EC and SC.
    static func setUp(_ api: RootAPI, machine: Machine, iterations: UInt64) {
        let root = Hypervisor.RootSelector.pd
        api.hypercall(CreatePDArguments(sel: Sel.foreignPD, parent: root, foreign: true, foreignSyscallBase: foreignBase).registers)
        let fromKernel = DelegateFlags(kind: .delegate, hypervisor: true)
        api.hypercall(PDCtrlDelegateArguments(source: root, destination: Sel.foreignPD,
                                              sourceCRD: .memory(page: codeFrame >> 12, permissions: [.read, .execute]),
                                              flags: fromKernel, destinationCRD: .memory(page: codeVA >> 12, permissions: .all)).registers)
        api.hypercall(PDCtrlDelegateArguments(source: root, destination: Sel.foreignPD,
                                              sourceCRD: .memory(page: stackFrame >> 12, permissions: [.read, .write]),
                                              flags: fromKernel, destinationCRD: .memory(page: stackVA >> 12, permissions: .all)).registers)
        api.hypercall(CreateECArguments(sel: Sel.handlerEC, pd: root, utcb: handlerUTCB).registers)
        guard let handler = api.hypervisor.rootPD?.objects[Sel.handlerEC].validate(ExecutionContext.self) else { return }
        api.hypervisor.bindHost(handler) { ec, portalID in
            let u = ec.utcb
            if portalID == ExecutionContext.startupEvent {
                u[gpr: Reg.rdi] = iterations
                u.rip = codeVA
                u[gpr: Reg.rsp] = stackVA + 0x1000
                u.mtd = [.ripLength, .rsp, .gprBSD]
                return .reply
            }
            if u[gpr: Reg.rax] == 1 {
                // "done": the run ends with status 33, as a guest's write of 0x10 to port 0xF4.
                machine.bus.write(port: 0xF4, size: 1, value: 0x10)
                return .noReply
            }
            u[gpr: Reg.rax] = 0
            u.rip = u[gpr: Reg.rcx]
            u[gpr: Reg.rsp] = u[gpr: Reg.r11]
            return .reply
        }
        api.hypercall(CreatePTArguments(sel: Sel.syscallPT, pd: root, ec: Sel.handlerEC, mtd: .runtimeDefault, ip: 0).registers)
        api.hypercall(CreatePTArguments(sel: Sel.startupPT, pd: root, ec: Sel.handlerEC, mtd: [.ripLength, .rsp], ip: 0).registers)
        api.hypercall(PTCtrlArguments(pt: Sel.startupPT, id: ExecutionContext.startupEvent).registers)
        for (pt, dst) in [(Sel.syscallPT, foreignBase), (Sel.startupPT, ExecutionContext.startupEvent)] {
            api.hypercall(PDCtrlDelegateArguments(source: root, destination: Sel.foreignPD,
                                                  sourceCRD: .object(selector: pt), flags: DelegateFlags(kind: .delegate),
                                                  destinationCRD: .object(selector: dst)).registers)
        }
        api.hypercall(CreateECArguments(sel: Sel.childEC, pd: Sel.foreignPD, utcb: childUTCB, global: true).registers)
        api.hypercall(CreateSCArguments(sel: Sel.childSC, pd: root, ec: Sel.childEC, qpd: QPD(priority: 1, quantum: 10_000)).registers)
    }
}
