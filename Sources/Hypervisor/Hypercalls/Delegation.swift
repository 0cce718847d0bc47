// SPDX-License-Identifier: MIT
// Delegation: pd_ctrl (lookup, map_access_page, delegate, msr_access), typed items in IPC and
// revoke. Hedron: src/pd.cpp (`Pd::xfer_item(s)`, `Pd::del_crd`, `Pd::xlt_crd`, `Pd::clamp`,
// `Pd::delegate`, `Pd::rev_crd`), src/syscall.cpp (`Ec::delegate`, `sys_pd_ctrl*`, `sys_revoke`);
// README facts 4 and 11. The mapping database decides; this file applies its answers to page
// tables, I/O bitmaps and object spaces.
import CPUCore

extension Hypervisor {
    // MARK: - pd_ctrl

    func sysPDCtrl(_ ec: ExecutionContext) {
        let a = PDCtrlArguments(registers(ec))
        switch a.operation {
        case .lookup: sysLookup(ec)
        case .mapAccessPage: sysMapAccessPage(ec)
        case .delegate: sysDelegate(ec)
        case .msrAccess: sysMSRAccess(ec)
        }
    }

    /// `sys_pd_ctrl_lookup`: the caller's node holding the CRD's base, as
    /// `Crd(kind, node base, node order, node permissions)`, else the null CRD. Memory answers
    /// null as on Hedron, whose memory space has no mapping database.
    func sysLookup(_ ec: ExecutionContext) {
        var a = PDCtrlLookupArguments(registers(ec))
        let crd = a.crd
        if crd.kind != .null, crd.kind != .memory,
           let resource = MappingDatabase.Resource(rawValue: crd.kind.rawValue),
           let node = mappings.lookup(ec.pd, resource, unit: crd.base) {
            a.crd = CRD(kind: crd.kind, base: node.base, order: node.order, permissions: node.permissions)
        } else {
            a.crd = .null
        }
        setRegisters(ec, a.registers)
        finish(ec, .success)
    }

    /// `sys_pd_ctrl_map_access_page`: a vCPU's APIC access page (EPT only). The CRD must be one
    /// read-write memory page (else BAD_PAR); without VMX there is no EPT to map it in.
    func sysMapAccessPage(_ ec: ExecutionContext) {
        let crd = PDCtrlMapAccessPageArguments(registers(ec)).crd
        guard crd.kind == .memory, crd.permissions == 0x3, crd.order == 0 else { finish(ec, .badParameter); return }
        finish(ec, .success)
    }

    /// `sys_pd_ctrl_delegate`: both selectors must name PDs (BAD_CAP); the item is delegated
    /// from the source PD (the kernel PD with the hypervisor flag, for the root PD only) into
    /// the destination CRD, and the resulting CRD is written back (README fact 4).
    func sysDelegate(_ ec: ExecutionContext) {
        var a = PDCtrlDelegateArguments(registers(ec))
        guard let src = ec.pd.objects[a.source].validate(ProtectionDomain.self),
              let dst = ec.pd.objects[a.destination].validate(ProtectionDomain.self) else {
            finish(ec, .badCapability); return
        }
        let result = transferItem(from: src, to: dst, translateWindow: a.destinationCRD, window: a.destinationCRD, item: a.item)
        a.setItem(result)
        setRegisters(ec, a.registers)
        finish(ec, .success)
    }

    // MARK: - Typed items (`Ec::delegate<C>`, `Pd::xfer_items`)

    /// Typed items of `from`'s UTCB into `to`'s PD. Into a callee (`call`) or into a caller in
    /// `call`: the receiver's UTCB windows, results into its UTCB. Into a caller that sent an
    /// exception-style message: the window `Crd(MEM, cr2 >> 12)` (whole space), no results.
    func transferItems(from: ExecutionContext, to: ExecutionContext, intoCallee: Bool) {
        let user = intoCallee || to.continuation == .sysret || to.continuation == .restartCall
        let xlt = user ? to.utcb.xlt : CRD.null
        let del = user ? to.utcb.del : CRD(kind: .memory, base: (to.continuation == .iret ? to.state.cr2 : 0) >> 12)
        for i in 0..<from.utcb.transferredTyped {
            let result = transferItem(from: from.pd, to: to.pd, translateWindow: xlt, window: del, item: from.utcb[typedItem: i])
            if user { to.utcb[typedItem: i] = result }
        }
        flushIfNeeded()
    }

    /// `Pd::xfer_item`: one typed item by its kind (translate, delegate, translate-or-delegate).
    func transferItem(from src: ProtectionDomain, to dst: ProtectionDomain, translateWindow: CRD, window: CRD,
                      item: TypedItem) -> TypedItem {
        var crd = item.crd
        var setAsDelegated: UInt64 = 0
        switch item.flags.kind {
        case .translate:
            crd = translate(from: src, to: dst, window: translateWindow, crd: crd)
        case .translateDelegate:
            crd = translate(from: src, to: dst, window: translateWindow, crd: crd)
            if crd.kind == .null {
                crd = delegateCRD(from: src.isPrivileged && item.flags.hypervisor ? kernelPD : src, to: dst,
                                  source: item.crd, window: window, hotspot: item.flags.hotspot)
                setAsDelegated = 1
            }
        case .delegate:
            crd = delegateCRD(from: src.isPrivileged && item.flags.hypervisor ? kernelPD : src, to: dst,
                              source: crd, window: window, hotspot: item.flags.hotspot)
        case .invalid:
            crd = .null
        }
        flushIfNeeded()
        return TypedItem(crd: crd, flags: DelegateFlags(rawValue: item.flags.flags | setAsDelegated))
    }

    /// `Pd::clamp` with a hotspot: aligns both bases to their orders and places the smaller
    /// range inside the larger by `hotspot`; returns the common order.
    static func clamp(_ sb: inout UInt64, _ rb: inout UInt64, _ so: UInt8, _ ro: UInt8, hotspot h: UInt64) -> UInt8 {
        let s: UInt64 = so >= 64 ? ~0 : (1 << UInt64(so)) - 1
        let r: UInt64 = ro >= 64 ? ~0 : (1 << UInt64(ro)) - 1
        sb &= ~s
        rb &= ~r
        if s < r {
            rb |= h & r & ~s
            return so
        } else {
            sb |= h & s & ~r
            return ro
        }
    }

    /// `Pd::clamp` without a hotspot: nil if the ranges do not overlap.
    static func clamp(_ sb: UInt64, _ rb: inout UInt64, _ so: UInt8, _ ro: UInt8) -> UInt8? {
        if (sb ^ rb) >> UInt64(max(so, ro)) != 0 { return nil }
        rb |= sb
        return min(so, ro)
    }

    /// `Pd::del_crd`: delegates `source` of `src` into `window` of `dst`. Returns
    /// `Crd(kind, window base, order, source & window permissions)`, or null for another kind or
    /// (ports, objects) no permission left.
    func delegateCRD(from src: ProtectionDomain, to dst: ProtectionDomain, source: CRD, window: CRD, hotspot: UInt64) -> CRD {
        let kind = window.kind
        let perms = source.permissions & window.permissions
        guard source.kind == kind, kind != .null, perms != 0 || kind == .memory,
              let resource = MappingDatabase.Resource(rawValue: kind.rawValue) else { return .null }
        var sb = source.base, rb = window.base
        let order: UInt8
        switch kind {
        case .io:
            guard let o = Hypervisor.clamp(sb, &rb, source.order, window.order) else { return .null }
            order = o
            sb = rb
        default:
            order = Hypervisor.clamp(&sb, &rb, source.order, window.order, hotspot: hotspot)
        }
        let entries = mappings.delegate(from: src, resource, sourceBase: sb, to: dst, destinationBase: rb,
                                        order: order, permissions: perms)
        for e in entries { apply(e, sourcePD: src, sourceBase: sb, destinationBase: rb) }
        note("  delegate \(kind) 0x\(String(sb, radix: 16)) -> 0x\(String(rb, radix: 16)) order \(order) perms 0x\(String(perms, radix: 16)): \(entries.count) range(s)")
        return CRD(kind: kind, base: rb, order: order, permissions: perms)
    }

    /// `Pd::xlt_crd`: the receiver's own selector or port for a capability the sender got from
    /// it (a node of `dst` up the sender's delegation chain, inside `window`); null otherwise.
    func translate(from src: ProtectionDomain, to dst: ProtectionDomain, window: CRD, crd: CRD) -> CRD {
        guard window.kind != .memory, window.kind != .null, window.kind == crd.kind,
              let resource = MappingDatabase.Resource(rawValue: crd.kind.rawValue),
              let first = mappings.lookup(src, resource, unit: crd.base) else { return .null }
        var node: MappingDatabase.Node? = first
        var rb = window.base
        var ro = window.order
        while let n = node {
            if n.pd === dst && n !== first, let o = Hypervisor.clamp(n.base, &rb, n.order, ro) { ro = o; break }
            node = n.parent
        }
        if node == nil, first.pd === dst {
            rb = window.base
            if let o = Hypervisor.clamp(first.base, &rb, first.order, window.order) { ro = o; node = first }
        }
        guard let found = node else { return .null }
        var sb = crd.base
        guard let so = Hypervisor.clamp(first.base, &sb, first.order, crd.order) else { return .null }
        sb = (sb &- first.base) &+ (first.origin &- found.origin) &+ found.base
        guard let o = Hypervisor.clamp(sb, &rb, so, ro) else { return .null }
        return CRD(kind: crd.kind, base: rb, order: o, permissions: first.permissions)
    }

    // MARK: - revoke

    /// `sys_revoke`: removes the CRD's permissions from everything delegated from the caller's
    /// range (and from the range itself with ARG1`[8]`), in the PD named by ARG3 with ARG1`[9]`
    /// (any PD capability, else BAD_CAP).
    func sysRevoke(_ ec: ExecutionContext) {
        let a = RevokeArguments(registers(ec))
        var pd = ec.pd
        if a.remote {
            guard let remote = ec.pd.objects[a.pd].validate(ProtectionDomain.self) else { finish(ec, .badCapability); return }
            pd = remote
        }
        revoke(a.crd, in: pd, includeSelf: a.includeSelf)
        finish(ec, .success)
    }

    /// `Pd::rev_crd` through the mapping database; every changed range is applied.
    func revoke(_ crd: CRD, in pd: ProtectionDomain, includeSelf: Bool) {
        guard let resource = MappingDatabase.Resource(rawValue: crd.kind.rawValue), crd.kind != .null else { return }
        let changes = mappings.revoke(pd, resource, base: crd.base, order: crd.order, permissions: crd.permissions,
                                      includeSelf: includeSelf)
        for e in changes { apply(e, sourcePD: nil, sourceBase: 0, destinationBase: 0) }
        note("  revoke \(crd) self=\(includeSelf): \(changes.count) range(s) changed")
        if !changes.isEmpty { tlbDirty = true }
        flushIfNeeded()
    }

    // MARK: - Applying database entries to the spaces

    /// Makes `e` (a range with its new permissions; 0 = removed) true in its PD's page tables,
    /// I/O bitmap or object space. For a new object range, the capabilities are copied from the
    /// source PD's selectors.
    func apply(_ e: MappingDatabase.Entry, sourcePD: ProtectionDomain?, sourceBase: UInt64, destinationBase: UInt64) {
        let count = UInt64(1) << UInt64(e.order)
        switch e.resource {
        case .memory:
            guard let memory = e.pd.memory else { return }
            let perms = MemoryPermissions(rawValue: e.permissions)
            for i in 0..<count {
                if perms.isEmpty {
                    memory.unmap(page: e.base &+ i)
                } else {
                    try? memory.map(page: e.base &+ i, frame: e.origin &+ i, permissions: perms)
                }
            }
            // A new mapping needs no flush: the TLB holds only translations that succeeded, and
            // the database never maps over a present range. Removals do (and `revoke` marks
            // reduced rights itself).
            if perms.isEmpty { tlbDirty = true }
        case .io:
            e.pd.ports?.update(base: e.base, order: e.order, allow: e.permissions & 1 != 0)
        case .object:
            for i in 0..<count {
                let sel = e.base &+ i
                if e.permissions == 0 {
                    e.pd.objects.remove(sel)
                } else if let src = sourcePD {
                    let cap = src.objects[sourceBase &+ (sel &- destinationBase)]
                    e.pd.objects.replace(sel, with: cap.restricted(to: e.permissions))
                } else {
                    let cap = e.pd.objects[sel]
                    e.pd.objects.replace(sel, with: cap.restricted(to: e.permissions))
                }
            }
        }
    }

    /// Flushes the TLB (and with it decoded code) after page-table changes.
    func flushIfNeeded() {
        guard tlbDirty else { return }
        tlbDirty = false
        cpu.mmu.flushTLB()
    }
}
