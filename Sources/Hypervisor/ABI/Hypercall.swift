// SPDX-License-Identifier: MIT
// The hypercall numbers, ARG1[7:0]. Hedron: include/api.hpp `hypercall_id`; thesis digest §2.2.
// The one dispatch switch over them lives here too once the execution engine exists.

/// Hypercall (`hypercall_id`): the number in ARG1[7:0] (rdi) of a native `syscall`.
public enum Hypercall: UInt8, CaseIterable, Sendable {
    /// `call`: IPC to a portal; the caller's SC is donated to the handler.
    case call = 0
    /// `reply`: answer the caller and wait for the next call (optionally blocking it on an SM).
    case reply = 1
    /// `create_pd`: a protection domain.
    case createPD = 2
    /// `create_ec`: an execution context (local or global).
    case createEC = 3
    /// `create_sc`: a scheduling context bound to a global EC.
    case createSC = 4
    /// `create_pt`: a portal bound to a local EC.
    case createPT = 5
    /// `create_sm`: a semaphore.
    case createSM = 6
    /// `revoke`: recursive revocation of a CRD.
    case revoke = 7
    /// `pd_ctrl`: lookup, map_access_page, delegate, msr_access (sub-op in ARG1[9:8]).
    case pdCtrl = 8
    /// `ec_ctrl`: recall (sub-op in ARG1[9:8]).
    case ecCtrl = 9
    /// `sc_ctrl`: consumed time of an SC.
    case scCtrl = 10
    /// `pt_ctrl`: set a portal's ID.
    case ptCtrl = 11
    /// `sm_ctrl`: up or down on a semaphore.
    case smCtrl = 12
    /// `assign_pci`: give a PCI device to a PD (IOMMU).
    case assignPCI = 13
    /// `assign_gsi`: route an interrupt to a semaphore.
    case assignGSI = 14
    /// `machine_ctrl`: suspend, microcode update.
    case machineCtrl = 15

    /// Hedron's name (`sys_` prefix dropped), as traces print it.
    public var name: String {
        switch self {
        case .call: "call"
        case .reply: "reply"
        case .createPD: "create_pd"
        case .createEC: "create_ec"
        case .createSC: "create_sc"
        case .createPT: "create_pt"
        case .createSM: "create_sm"
        case .revoke: "revoke"
        case .pdCtrl: "pd_ctrl"
        case .ecCtrl: "ec_ctrl"
        case .scCtrl: "sc_ctrl"
        case .ptCtrl: "pt_ctrl"
        case .smCtrl: "sm_ctrl"
        case .assignPCI: "assign_pci"
        case .assignGSI: "assign_gsi"
        case .machineCtrl: "machine_ctrl"
        }
    }
}
