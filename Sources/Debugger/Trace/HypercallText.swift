// SPDX-License-Identifier: MIT
// Hypercall arguments in words, through the Hypervisor's register views (one per call, Hedron's
// include/syscall.hpp `Sys_*` accessors): what the trace stores as a hypercall's decoded arguments.
import Hypervisor

enum HypercallText {
    /// "create_pt sel=0x40 pd=0x20 ec=0x41 mtd=0x7f ip=0x0" for `registers`.
    static func describe(_ call: Hypercall?, _ r: HypercallRegisters) -> String {
        guard let call else { return "unknown hypercall 0x\(hex(r.rdi & 0xFF))" }
        let args: String
        switch call {
        case .call:
            let a = CallArguments(r); args = "pt=\(hex(a.portal))\(a.nonBlocking ? " nonblocking" : "")"
        case .reply:
            let a = ReplyArguments(r); args = a.semaphore == 0 ? "" : "sm=\(hex(a.semaphore))"
        case .createPD:
            let a = CreatePDArguments(r)
            args = "sel=\(hex(a.sel)) parent=\(hex(a.parent)) crd=\(a.crd)\(a.isForeign ? " foreign base=\(hex(a.foreignSyscallBase))" : "")"
        case .createEC:
            let a = CreateECArguments(r)
            args = "sel=\(hex(a.sel)) pd=\(hex(a.pd)) \(a.global ? "global" : "local") cpu=\(a.cpu) utcb=\(hex(a.utcb)) sp=\(hex(a.stackPointer)) evt=\(hex(UInt64(a.eventBase)))"
        case .createSC:
            let a = CreateSCArguments(r); args = "sel=\(hex(a.sel)) pd=\(hex(a.pd)) ec=\(hex(a.ec)) qpd=\(hex(a.qpd.rawValue))"
        case .createPT:
            let a = CreatePTArguments(r); args = "sel=\(hex(a.sel)) pd=\(hex(a.pd)) ec=\(hex(a.ec)) mtd=\(hex(a.mtd.rawValue)) ip=\(hex(a.ip))"
        case .createSM:
            let a = CreateSMArguments(r); args = "sel=\(hex(a.sel)) pd=\(hex(a.pd)) count=\(a.count)"
        case .revoke:
            let a = RevokeArguments(r); args = "crd=\(a.crd) pd=\(hex(a.pd))\(a.includeSelf ? " self" : "")\(a.remote ? " remote" : "")"
        case .pdCtrl:
            let op = PDCtrlArguments(r).operation
            switch op {
            case .delegate:
                let a = PDCtrlDelegateArguments(r)
                args = "delegate src=\(hex(a.source)) dst=\(hex(a.destination)) crd=\(a.item.crd) dst-crd=\(a.destinationCRD)"
            default: args = "\(op)"
            }
        case .ecCtrl:
            let a = ECCtrlArguments(r); args = "ec=\(hex(a.ec)) op=\(a.operation == 0 ? "recall" : String(a.operation))"
        case .scCtrl:
            args = "sc=\(hex(SCCtrlArguments(r).sc))"
        case .ptCtrl:
            let a = PTCtrlArguments(r); args = "pt=\(hex(a.pt)) id=\(hex(a.id))"
        case .smCtrl:
            let a = SMCtrlArguments(r)
            args = "sm=\(hex(a.sm)) \(a.operation == .down ? "down" : "up")\(a.zeroCounter ? " zero" : "")\(a.deadline != 0 ? " deadline=\(a.deadline)" : "")"
        case .assignPCI, .assignGSI, .machineCtrl:
            args = "rdi=\(hex(r.rdi)) rsi=\(hex(r.rsi)) rdx=\(hex(r.rdx))"
        }
        return args.isEmpty ? call.name : "\(call.name) \(args)"
    }

    static func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
}
