// SPDX-License-Identifier: MIT
// One register view per hypercall: named accessors over ARG1…ARG5, so no handler reads a raw
// register. Hedron: include/syscall.hpp (`Sys_create_pd` and siblings), include/regs.hpp
// (`Sys_regs`); thesis digest §2.1–§2.2. Where the digest's table and the fork's code differ, the
// accessors follow the code and say so.

/// The registers a hypercall reads and writes (`Sys_regs`): ARG1 = rdi, ARG2 = rsi, ARG3 = rdx,
/// ARG4 = rax, ARG5 = r8; OUT1 = rdi (status in `[7:0]`), OUT2 = rsi.
///
/// ARG1 is `[7:0]` hypercall number, `[11:8]` flags or sub-operation, `[63:12]` selector or
/// argument (`ARG1_ID_MASK`, `ARG1_FLAGS_SHIFT`, `ARG1_SEL_SHIFT`).
public struct HypercallRegisters: Hashable, Sendable {
    public var rdi: UInt64
    public var rsi: UInt64
    public var rdx: UInt64
    public var rax: UInt64
    public var r8: UInt64

    public init(rdi: UInt64 = 0, rsi: UInt64 = 0, rdx: UInt64 = 0, rax: UInt64 = 0, r8: UInt64 = 0) {
        self.rdi = rdi; self.rsi = rsi; self.rdx = rdx; self.rax = rax; self.r8 = r8
    }

    /// ARG1 from its three fields: `sel << 12 | (flags & 0xF) << 8 | id`.
    public static func arg1(_ id: Hypercall, flags: UInt64 = 0, sel: UInt64 = 0) -> UInt64 {
        sel << 12 | (flags & 0xF) << 8 | UInt64(id.rawValue)
    }

    /// Hypercall number, ARG1`[7:0]` (`Sys_regs::id`); nil when not 0…15 (BAD_HYP).
    public var hypercall: Hypercall? { Hypercall(rawValue: UInt8(truncatingIfNeeded: rdi)) }
    /// Flags or sub-operation, ARG1`[11:8]` (`Sys_regs::flags`).
    public var flags: UInt64 { (rdi >> 8) & 0xF }
    /// Selector or argument, ARG1`[63:12]`.
    public var sel: UInt64 { rdi >> 12 }

    /// Status, OUT1`[7:0]`.
    public var status: UInt8 { UInt8(truncatingIfNeeded: rdi) }
    /// Writes a status into OUT1 (`Sys_regs::set_status`): the whole register, or (`clear` false)
    /// only bits `[7:0]`.
    public mutating func setStatus(_ s: Status, clear: Bool = true) {
        rdi = clear ? UInt64(s.rawValue) : (rdi & ~0xFF) | UInt64(s.rawValue)
    }
}

// MARK: - IPC

/// `call` (`Sys_call`).
public struct CallArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(portal: UInt64, nonBlocking: Bool = false) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.call, flags: nonBlocking ? 1 : 0, sel: portal))
    }
    /// Portal selector, ARG1`[63:12]` (`Sys_call::pt`).
    public var portal: UInt64 { registers.sel }
    /// ARG1`[8]` `DISABLE_BLOCKING`: return COM_TIM instead of waiting for a busy handler.
    public var nonBlocking: Bool { registers.flags & 0x1 != 0 }
    /// ARG1`[9]` `DISABLE_DONATION`; named by the code but not evaluated.
    public var disableDonation: Bool { registers.flags & 0x2 != 0 }
    /// ARG1`[10]` `DISABLE_REPLYCAP`; named by the code but not evaluated.
    public var disableReplyCap: Bool { registers.flags & 0x4 != 0 }
}

/// `reply` (`Sys_reply`).
public struct ReplyArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(semaphore: UInt64 = 0) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.reply, sel: semaphore))
    }
    /// Semaphore selector, ARG1`[63:12]` (`Sys_reply::sm`); nonzero: the caller blocks on it and
    /// its call restarts when the SM is upped.
    public var semaphore: UInt64 { registers.sel }
}

// MARK: - Object creation

/// `create_pd` (`Sys_create_pd`), with the fork's foreign-PD word in ARG4.
public struct CreatePDArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(sel: UInt64, parent: UInt64, crd: CRD = .null, passthrough: Bool = false,
                foreign: Bool = false, foreignSyscallBase: UInt64 = 0) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.createPD, flags: passthrough ? 1 : 0, sel: sel),
                                       rsi: parent, rdx: crd.rawValue,
                                       rax: foreignSyscallBase << 1 | (foreign ? 1 : 0))
    }
    /// Destination selector, ARG1`[63:12]`.
    public var sel: UInt64 { registers.sel }
    /// Passthrough, ARG1`[8]`; granted only if the parent PD is passthrough.
    public var passthrough: Bool { registers.flags & 0x1 != 0 }
    /// Parent PD selector (needs PD `create`), ARG2 (all 64 bits).
    public var parent: UInt64 { registers.rsi }
    /// Object CRD to delegate into the new PD, ARG3 (the runtime passes null).
    public var crd: CRD { CRD(rawValue: registers.rdx) }
    /// Foreign PD, ARG4`[0]` (`is_foreign_pd`).
    public var isForeign: Bool { registers.rax & 0x1 != 0 }
    /// Foreign-syscall portal base, ARG4`[63:1]` = `ARG4 >> 1` (`foreign_syscall_base`). The
    /// fork's doc says `[63:8]`; its code and runtime (`(base << 1) | 1`) use `>> 1`.
    public var foreignSyscallBase: UInt64 { registers.rax >> 1 }
}

/// `create_ec` (`Sys_create_ec`).
public struct CreateECArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(sel: UInt64, pd: UInt64, cpu: UInt16 = 0, utcb: UInt64, stackPointer: UInt64 = 0,
                eventBase: UInt32 = 0, global: Bool = false, vcpu: Bool = false,
                useAPICAccessPage: Bool = false, mapUserPageInOwner: Bool = false) {
        let flags: UInt64 = (global ? 1 : 0) | (vcpu ? 2 : 0) | (useAPICAccessPage ? 4 : 0) | (mapUserPageInOwner ? 8 : 0)
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.createEC, flags: flags, sel: sel),
                                       rsi: pd, rdx: (utcb & ~0xFFF) | UInt64(cpu & 0xFFF),
                                       rax: stackPointer, r8: UInt64(eventBase))
    }
    /// Destination selector, ARG1`[63:12]`.
    public var sel: UInt64 { registers.sel }
    /// Global EC, ARG1`[8]` (flag bit 0): it gets an SC and starts with the startup exception.
    public var global: Bool { registers.flags & 0x1 != 0 }
    /// vCPU, ARG1`[9]`; without VMX/SVM `create_ec` answers BAD_FTR.
    public var vcpu: Bool { registers.flags & 0x2 != 0 }
    /// Use the APIC access page, ARG1`[10]`.
    public var useAPICAccessPage: Bool { registers.flags & 0x4 != 0 }
    /// Map the UTCB / vLAPIC page in the creator's PD instead of the target's, ARG1`[11]`.
    public var mapUserPageInOwner: Bool { registers.flags & 0x8 != 0 }
    /// Target PD selector (needs PD `create`), ARG2.
    public var pd: UInt64 { registers.rsi }
    /// CPU, ARG3`[11:0]`.
    public var cpu: UInt16 { UInt16(registers.rdx & 0xFFF) }
    /// UTCB (or vLAPIC) page address, ARG3`[63:12]` kept in place (`user_page` = ARG3 & ~0xFFF);
    /// 0 = none. Must lie below `USER_ADDR` (else BAD_PAR).
    public var utcb: UInt64 { registers.rdx & ~0xFFF }
    /// Initial stack pointer, ARG4 (`esp`).
    public var stackPointer: UInt64 { registers.rax }
    /// Event base, ARG5 truncated to 32 bits (`evt`, an `unsigned`).
    public var eventBase: UInt32 { UInt32(truncatingIfNeeded: registers.r8) }
}

/// `create_sc` (`Sys_create_sc`).
public struct CreateSCArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(sel: UInt64, pd: UInt64, ec: UInt64, qpd: QPD) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.createSC, sel: sel), rsi: pd, rdx: ec, rax: qpd.rawValue)
    }
    /// Destination selector, ARG1`[63:12]`.
    public var sel: UInt64 { registers.sel }
    /// Owner PD selector (needs PD `create`), ARG2.
    public var pd: UInt64 { registers.rsi }
    /// Global EC to bind (needs EC `sc`), ARG3.
    public var ec: UInt64 { registers.rdx }
    /// Priority and quantum, ARG4.
    public var qpd: QPD { QPD(rawValue: registers.rax) }
}

/// `create_pt` (`Sys_create_pt`).
public struct CreatePTArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(sel: UInt64, pd: UInt64, ec: UInt64, mtd: MTD, ip: UInt64) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.createPT, sel: sel), rsi: pd, rdx: ec,
                                       rax: mtd.rawValue, r8: ip)
    }
    /// Destination selector, ARG1`[63:12]`.
    public var sel: UInt64 { registers.sel }
    /// Owner PD selector (needs PD `create`), ARG2.
    public var pd: UInt64 { registers.rsi }
    /// Local EC to bind (needs EC `pt`), ARG3.
    public var ec: UInt64 { registers.rdx }
    /// Message transfer descriptor for exception-style calls, ARG4.
    public var mtd: MTD { MTD(rawValue: registers.rax) }
    /// Entry instruction pointer of the handler, ARG5 (`eip`).
    public var ip: UInt64 { registers.r8 }
}

/// `create_sm` (`Sys_create_sm`).
public struct CreateSMArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(sel: UInt64, pd: UInt64, count: UInt64 = 0, signal: UInt64 = 0) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.createSM, sel: sel), rsi: pd, rdx: count, rax: signal)
    }
    /// Destination selector, ARG1`[63:12]`.
    public var sel: UInt64 { registers.sel }
    /// Owner PD selector (needs PD `create`), ARG2.
    public var pd: UInt64 { registers.rsi }
    /// Initial counter, ARG3 (`cnt`).
    public var count: UInt64 { registers.rdx }
    /// Semaphore to chain this one to as a signal, ARG4 (`sm`; needs SM `up`). The digest's table
    /// says "must be 0"; the code accepts a nonzero selector of a non-signal SM.
    public var signal: UInt64 { registers.rax }
}

// MARK: - Capabilities

/// `revoke` (`Sys_revoke`).
public struct RevokeArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(crd: CRD, includeSelf: Bool = true, remotePD: UInt64? = nil) {
        let flags: UInt64 = (includeSelf ? 1 : 0) | (remotePD != nil ? 2 : 0)
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.revoke, flags: flags), rsi: crd.rawValue, rdx: remotePD ?? 0)
    }
    /// Revoke from the named capabilities themselves too, ARG1`[8]` (`self`).
    public var includeSelf: Bool { registers.flags & 0x1 != 0 }
    /// Revoke in the PD named by ARG3 instead of the caller's, ARG1`[9]` (`remote`).
    public var remote: Bool { registers.flags & 0x2 != 0 }
    /// Semaphore selector, ARG1`[63:12]` (deprecated; 0).
    public var semaphore: UInt64 { registers.sel }
    /// The range to revoke, ARG2.
    public var crd: CRD { CRD(rawValue: registers.rsi) }
    /// PD selector when `remote`, ARG3.
    public var pd: UInt64 { registers.rdx }
}

/// `pd_ctrl` sub-operation, ARG1`[9:8]` (`Sys_pd_ctrl::ctrl_op`).
public enum PDCtrlOperation: UInt8, Sendable, CaseIterable {
    case lookup = 0, mapAccessPage = 1, delegate = 2, msrAccess = 3
}

/// `pd_ctrl` (`Sys_pd_ctrl`): the sub-operation; then one of the views below.
public struct PDCtrlArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    /// Sub-operation, ARG1`[9:8]` (`op`).
    public var operation: PDCtrlOperation { PDCtrlOperation(rawValue: UInt8(registers.flags & 0x3))! }
}

/// `pd_ctrl_lookup` (`Sys_pd_ctrl_lookup`): ARG2 is a CRD in and out.
public struct PDCtrlLookupArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(crd: CRD) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.pdCtrl, flags: UInt64(PDCtrlOperation.lookup.rawValue)), rsi: crd.rawValue)
    }
    /// The CRD to look up, and on return what was found (null if nothing), ARG2 / OUT2.
    public var crd: CRD {
        get { CRD(rawValue: registers.rsi) }
        set { registers.rsi = newValue.rawValue }
    }
}

/// `pd_ctrl_map_access_page` (`Sys_pd_ctrl_map_access_page`).
public struct PDCtrlMapAccessPageArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    /// Where to map the APIC access page, ARG2 (in/out).
    public var crd: CRD {
        get { CRD(rawValue: registers.rsi) }
        set { registers.rsi = newValue.rawValue }
    }
}

/// `pd_ctrl_delegate` (`Sys_pd_ctrl_delegate`).
public struct PDCtrlDelegateArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(source: UInt64, destination: UInt64, sourceCRD: CRD, flags: DelegateFlags, destinationCRD: CRD) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.pdCtrl, flags: UInt64(PDCtrlOperation.delegate.rawValue), sel: source),
                                       rsi: destination, rdx: sourceCRD.rawValue, rax: flags.rawValue, r8: destinationCRD.rawValue)
    }
    /// Source PD selector, ARG1`[63:12]` (`src_pd`).
    public var source: UInt64 { registers.sel }
    /// Destination PD selector, ARG2 (`dst_pd`).
    public var destination: UInt64 { registers.rsi }
    /// The item to transfer: source CRD ARG3 and delegate flags ARG4 (`xfer`); OUT writes back
    /// the result through `setItem`.
    public var item: TypedItem { TypedItem(crd: CRD(rawValue: registers.rdx), flags: DelegateFlags(rawValue: registers.rax)) }
    public mutating func setItem(_ item: TypedItem) { registers.rdx = item.crd.rawValue; registers.rax = item.flags.rawValue }
    /// Receive window in the destination, ARG5 (`dst_crd`).
    public var destinationCRD: CRD { CRD(rawValue: registers.r8) }
}

/// `pd_ctrl_msr_access` (`Sys_pd_ctrl_msr_access`); passthrough PDs only.
public struct PDCtrlMSRAccessArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    /// MSR index, ARG1`[63:12]` truncated to 32 bits.
    public var index: UInt32 { UInt32(truncatingIfNeeded: registers.sel) }
    /// Write (else read), ARG1`[10]`.
    public var isWrite: Bool { registers.flags & 0x4 != 0 }
    /// Value to write, or the value read, ARG2 / OUT2.
    public var value: UInt64 {
        get { registers.rsi }
        set { registers.rsi = newValue }
    }
}

// MARK: - Control

/// `ec_ctrl` sub-operation, ARG1`[9:8]` (`Sys_ec_ctrl::ctrl_op`).
public enum ECCtrlOperation: UInt8, Sendable { case recall = 0 }

/// `ec_ctrl` (`Sys_ec_ctrl`).
public struct ECCtrlArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(ec: UInt64, operation: ECCtrlOperation = .recall) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.ecCtrl, flags: UInt64(operation.rawValue), sel: ec))
    }
    /// EC selector (needs EC `ct`), ARG1`[63:12]`.
    public var ec: UInt64 { registers.sel }
    /// Sub-operation number, ARG1`[9:8]`; only 0 (recall) exists, others are BAD_PAR.
    public var operation: UInt8 { UInt8(registers.flags & 0x3) }
}

/// `sc_ctrl` (`Sys_sc_ctrl`).
public struct SCCtrlArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(sc: UInt64) { registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.scCtrl, sel: sc)) }
    /// SC selector (needs SC `ct`), ARG1`[63:12]`.
    public var sc: UInt64 { registers.sel }
    /// Consumed time in µs as returned: OUT2 (rsi) = bits 63:32, rdx = bits 31:0.
    public var time: UInt64 { registers.rsi << 32 | (registers.rdx & 0xFFFF_FFFF) }
    /// Returns the consumed time as `set_time` does: rsi = `value >> 32` and rdx = `value` (the
    /// code casts the whole value to `mword`; the digest's "rdx = low 32 bits" is what a reader
    /// should take).
    public mutating func setTime(_ value: UInt64) { registers.rsi = value >> 32; registers.rdx = value }
}

/// `pt_ctrl` (`Sys_pt_ctrl`).
public struct PTCtrlArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(pt: UInt64, id: UInt64) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.ptCtrl, sel: pt), rsi: id)
    }
    /// Portal selector (needs PT `ct`), ARG1`[63:12]`.
    public var pt: UInt64 { registers.sel }
    /// Portal ID, ARG2: the value the handler receives in rdi on each call.
    public var id: UInt64 { registers.rsi }
}

/// `sm_ctrl` sub-operation, ARG1`[8]` (`Sys_sm_ctrl::Sm_operation`).
public enum SMOperation: UInt8, Sendable { case up = 0, down = 1 }

/// `sm_ctrl` (`Sys_sm_ctrl`).
public struct SMCtrlArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    public init(sm: UInt64, operation: SMOperation, zeroCounter: Bool = false, deadline: UInt64 = 0) {
        registers = HypercallRegisters(rdi: HypercallRegisters.arg1(.smCtrl, flags: UInt64(operation.rawValue) | (zeroCounter ? 2 : 0), sel: sm),
                                       rsi: deadline >> 32, rdx: deadline & 0xFFFF_FFFF)
    }
    /// SM selector (needs SM `up` or `down`), ARG1`[63:12]`.
    public var sm: UInt64 { registers.sel }
    /// Operation, ARG1`[8]`: 0 up, 1 down.
    public var operation: SMOperation { registers.flags & 0x1 != 0 ? .down : .up }
    /// Zero-counter mode for down, ARG1`[9]`: a successful down sets the counter to 0.
    public var zeroCounter: Bool { registers.flags & 0x2 != 0 }
    /// Timeout as an absolute TSC deadline, 0 = none: `ARG2 << 32 | ARG3` exactly as the code
    /// computes it (the digest's "ARG2[31:0], ARG3[31:0]"; the code does not mask ARG3).
    public var deadline: UInt64 { registers.rsi << 32 | registers.rdx }
}

// MARK: - Devices and machine

/// `assign_pci` (`Sys_assign_pci`).
public struct AssignPCIArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    /// PD selector, ARG1`[63:12]`.
    public var pd: UInt64 { registers.sel }
    /// Host-linear address of the device's configuration space, ARG2.
    public var device: UInt64 { registers.rsi }
    /// Requester-ID hint, ARG3.
    public var hint: UInt64 { registers.rdx }
}

/// `assign_gsi` (`Sys_assign_gsi`).
public struct AssignGSIArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    /// Interrupt semaphore selector, ARG1`[63:12]`.
    public var sm: UInt64 { registers.sel }
    /// Override the configuration, ARG1`[8]`.
    public var overrideConfiguration: Bool { registers.flags & 0x1 != 0 }
    /// Device: configuration or MMIO page for MSI, ARG2.
    public var device: UInt64 { registers.rsi }
    /// Target CPU, ARG3`[31:0]`.
    public var cpu: UInt32 { UInt32(truncatingIfNeeded: registers.rdx) }
    /// Level-triggered, ARG3`[32]`.
    public var level: Bool { registers.rdx & (1 << 32) != 0 }
    /// Active-low, ARG3`[33]`.
    public var activeLow: Bool { registers.rdx & (1 << 33) != 0 }
    /// Signal-interrupt word, ARG4 (deprecated, ~0).
    public var signal: UInt64 { registers.rax }
    /// MSI address and data as `set_msi` returns them: rsi = `value >> 32`, rdx = `value`.
    public mutating func setMSI(_ value: UInt64) { registers.rsi = value >> 32; registers.rdx = value }
}

/// `machine_ctrl` sub-operation, ARG1`[9:8]` (`Sys_machine_ctrl::ctrl_op`).
public enum MachineCtrlOperation: UInt8, Sendable { case suspend = 0, updateMicrocode = 1 }

/// `machine_ctrl` (`Sys_machine_ctrl` and its two sub-views); passthrough PDs only.
public struct MachineCtrlArguments: Hashable, Sendable {
    public var registers: HypercallRegisters
    public init(_ registers: HypercallRegisters) { self.registers = registers }
    /// Sub-operation, ARG1`[9:8]`; nil for 2 and 3 (BAD_PAR).
    public var operation: MachineCtrlOperation? { MachineCtrlOperation(rawValue: UInt8(registers.flags & 0x3)) }
    /// Suspend: PM1a SLP_TYP, ARG1`[19:12]`.
    public var sleepTypeA: UInt8 { UInt8(truncatingIfNeeded: registers.rdi >> 12) }
    /// Suspend: PM1b SLP_TYP, ARG1`[27:20]`.
    public var sleepTypeB: UInt8 { UInt8(truncatingIfNeeded: registers.rdi >> 20) }
    /// Suspend: the waking vector with its mode in `[63:62]` (0 = real mode), OUT2.
    public mutating func setWakingVector(_ vector: UInt64, mode: UInt64 = 0) { registers.rsi = mode << 62 | vector }
    /// Microcode update: size, ARG1`[31:12]` (the code shifts the low 32 bits; the digest's
    /// `[52:12]` is wider than what it reads).
    public var microcodeSize: UInt32 { UInt32(truncatingIfNeeded: registers.rdi) >> 12 }
    /// Microcode update: physical address of the update, ARG2.
    public var microcodeAddress: UInt64 { registers.rsi }
}
