// SPDX-License-Identifier: MIT
// create_pd, create_ec, create_sc, create_pt, create_sm. Hedron: src/syscall.cpp
// (`Ec::sys_create_*`, checks in this order), digest §2.2; README facts 3, 5, 6 in guests/hedron.
// A new object's capability goes into the *caller's* object space (`Space_obj::insert_root`) and
// becomes the root of its object delegation tree.

extension Hypervisor {
    /// Permissions of new objects' capabilities (`Kobject` constructors, README fact 3).
    enum NewObjectPermissions {
        static let ec: UInt8 = 0xD, sc: UInt8 = 0x1, pt: UInt8 = 0x3, sm: UInt8 = 0x3
    }

    /// Puts a new object's capability at `selector` of `pd` as a delegation root; false if the
    /// selector is taken (BAD_CAP).
    func insertRoot(_ object: KernelObject, permissions: UInt8, at selector: UInt64, in pd: ProtectionDomain) -> Bool {
        let cap = Capability(object, permissions: permissions)
        guard pd.objects.insert(cap, at: selector) else { return false }
        mappings.insertRoot(pd, .object, base: selector, order: 0, permissions: cap.permissions)
        debug.objects.register(object)
        return true
    }

    /// `create_pd`: needs PD `create` on ARG2; the new PD inherits that capability's permissions,
    /// passthrough only from a passthrough parent, the fork's foreign flag and base from ARG4;
    /// ARG3 is an object CRD delegated into it.
    func sysCreatePD(_ ec: ExecutionContext) {
        let a = CreatePDArguments(registers(ec))
        let parentCap = ec.pd.objects[a.parent]
        guard let parent = parentCap.validate(ProtectionDomain.self, .create) else { finish(ec, .badCapability); return }
        let pd: ProtectionDomain
        do throws(Status) {
            pd = try ProtectionDomain(kernelMemory: kernelMemory, passthrough: a.passthrough && parent.isPassthrough,
                                      foreign: a.isForeign, foreignSyscallBase: a.foreignSyscallBase)
        } catch {
            finish(ec, error); return
        }
        guard insertRoot(pd, permissions: parentCap.permissions, at: a.sel, in: ec.pd) else {
            finish(ec, .badCapability); return
        }
        if a.crd.kind == .object {
            _ = delegateCRD(from: ec.pd, to: pd, source: a.crd, window: CRD(kind: .object), hotspot: 0)
        }
        note("  created PD 0x\(String(a.sel, radix: 16))\(a.isForeign ? " foreign base 0x\(String(a.foreignSyscallBase, radix: 16))" : "")")
        finish(ec, .success)
    }

    /// `create_ec`: CPU (BAD_CPU), vCPU (BAD_FTR: no VMX), PD `create` (BAD_CAP), UTCB below
    /// USER_ADDR (BAD_PAR), free selector (BAD_CAP). The UTCB is mapped in the target PD, or
    /// in the caller's with ARG1`[11]`.
    func sysCreateEC(_ ec: ExecutionContext) {
        let a = CreateECArguments(registers(ec))
        guard a.cpu == 0 else { finish(ec, .badCPU); return }
        guard !a.vcpu else { finish(ec, .badFeature); return }
        guard let pd = ec.pd.objects[a.pd].validate(ProtectionDomain.self, .create) else { finish(ec, .badCapability); return }
        guard a.utcb < MemorySpace.userLimit else { finish(ec, .badParameter); return }
        guard ec.pd.objects[a.sel].isNull, a.sel < ObjectSpace.selectorCount else { finish(ec, .badCapability); return }
        let new: ExecutionContext
        do throws(Status) {
            new = try ExecutionContext(pd: pd, global: a.global, cpu: a.cpu, utcbAddress: a.utcb,
                                       stackPointer: a.stackPointer, eventBase: UInt64(a.eventBase),
                                       userPagePD: a.mapUserPageInOwner ? ec.pd : nil, kernelMemory: kernelMemory)
        } catch {
            finish(ec, error); return
        }
        guard insertRoot(new, permissions: NewObjectPermissions.ec, at: a.sel, in: ec.pd) else {
            finish(ec, .badCapability); return
        }
        note("  created \(a.global ? "global" : "local") EC 0x\(String(a.sel, radix: 16)) utcb=0x\(String(a.utcb, radix: 16)) sp=0x\(String(a.stackPointer, radix: 16)) evt=0x\(String(a.eventBase, radix: 16))")
        finish(ec, .success)
    }

    /// `create_sc`: PD `create`, a global EC with `sc` permission (BAD_CAP), priority 1…127 and
    /// a nonzero quantum (BAD_PAR). The SC is ready at once: a higher priority than the
    /// caller's preempts it before the call returns.
    func sysCreateSC(_ ec: ExecutionContext) {
        let a = CreateSCArguments(registers(ec))
        guard ec.pd.objects[a.pd].validate(ProtectionDomain.self, .create) != nil else { finish(ec, .badCapability); return }
        guard let target = ec.pd.objects[a.ec].validate(ExecutionContext.self, .bindSC), target.isGlobal else {
            finish(ec, .badCapability); return
        }
        guard a.qpd.isValid else { finish(ec, .badParameter); return }
        let sc = SchedulingContext(ec: target, priority: a.qpd.priority, quantum: a.qpd.quantum)
        guard insertRoot(sc, permissions: NewObjectPermissions.sc, at: a.sel, in: ec.pd) else {
            finish(ec, .badCapability); return
        }
        finish(ec, .success)
        if target.sc == nil { target.sc = sc }
        if !target.isDead { scheduler.enqueue(sc) }
        note("  created SC 0x\(String(a.sel, radix: 16)) prio=\(a.qpd.priority) quantum=\(a.qpd.quantum)")
    }

    /// `create_pt`: PD `create`, a local EC with `pt` permission (BAD_CAP).
    func sysCreatePT(_ ec: ExecutionContext) {
        let a = CreatePTArguments(registers(ec))
        guard ec.pd.objects[a.pd].validate(ProtectionDomain.self, .create) != nil else { finish(ec, .badCapability); return }
        guard let target = ec.pd.objects[a.ec].validate(ExecutionContext.self, .bindPT), !target.isGlobal else {
            finish(ec, .badCapability); return
        }
        let pt = Portal(ec: target, mtd: a.mtd, ip: a.ip)
        guard insertRoot(pt, permissions: NewObjectPermissions.pt, at: a.sel, in: ec.pd) else {
            finish(ec, .badCapability); return
        }
        finish(ec, .success)
    }

    /// `create_sm`: PD `create`; a nonzero ARG4 must name a non-signal SM with `up` (BAD_CAP):
    /// the new SM is chained to it as a signal and starts at 0 (README fact 5).
    func sysCreateSM(_ ec: ExecutionContext) {
        let a = CreateSMArguments(registers(ec))
        guard ec.pd.objects[a.pd].validate(ProtectionDomain.self, .create) != nil else { finish(ec, .badCapability); return }
        let sm: Semaphore
        if a.signal != 0 {
            guard let si = ec.pd.objects[a.signal].validate(Semaphore.self, .up), !si.isSignal else {
                finish(ec, .badCapability); return
            }
            sm = Semaphore(counter: 0, signalTarget: si)
        } else {
            sm = Semaphore(counter: a.count)
        }
        guard insertRoot(sm, permissions: NewObjectPermissions.sm, at: a.sel, in: ec.pd) else {
            finish(ec, .badCapability); return
        }
        finish(ec, .success)
    }
}
