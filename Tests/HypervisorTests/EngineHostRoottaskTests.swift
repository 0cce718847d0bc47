// SPDX-License-Identifier: MIT
// A roottask written in Swift (a global host EC) against the booted engine: the root selectors,
// the HIP mapped read-only in the root PD's page tables, and the success path of every create
// call with the capability and object it leaves behind. Hedron: src/ec.cpp `Ec::root_invoke`,
// src/syscall.cpp `sys_create_*`; guests/hedron/README.md facts 3 and 12, digest §2.9–§2.10.
import Testing
import CPUCore
import Machine
import MMU
@testable import Hypervisor

@Suite struct EngineHostRoottaskTests {
    @Test func rootSelectorsHoldPDECAndSC() throws {
        let m = try HostedMachine()
        var ran = false
        var found: [UInt64: CRD] = [:]
        var empty: [UInt64] = []
        try m.boot { api in
            ran = true
            #expect(api.ec === m.hv.rootEC, "the body runs as the root EC")
            for sel: UInt64 in [32, 33, 34] { found[sel] = api.lookupObject(sel) }
            for sel in Array(0...31) + [35, 36, 0x100] where api.lookupObject(UInt64(sel)) != .null { empty.append(UInt64(sel)) }
        }
        let r = m.run()
        #expect(ran)
        // Permissions of root capabilities: PD create (1), EC ct|sc|pt (0xD), SC ct (1).
        #expect(found[32] == CRD.object(selector: 32, order: 0, permissions: 0x1))
        #expect(found[33] == CRD.object(selector: 33, order: 0, permissions: 0xD))
        #expect(found[34] == CRD.object(selector: 34, order: 0, permissions: 0x1))
        #expect(empty.isEmpty, "selectors 0–31 and 35+ start empty; found \(empty)")
        let pd = try #require(m.hv.rootPD)
        #expect(pd.objects[32].validate(ProtectionDomain.self) === pd)
        #expect(pd.objects[33].validate(ExecutionContext.self) === m.hv.rootEC)
        #expect(pd.objects[34].validate(SchedulingContext.self) === m.hv.rootSC)
        #expect(m.hv.rootSC?.priority == 1 && m.hv.rootSC?.quantum == 10_000)
        #expect(pd.isPrivileged && pd.isPassthrough && !pd.isForeign)
        // The body returned and nothing else exists to run.
        #expect(r.status == allBlockedStatus)
        #expect(m.hv.statistics.kills == 0)
    }

    @Test func hipIsMappedReadOnlyInTheRootPD() throws {
        let m = try HostedMachine()
        try m.boot { _ in }
        let memory = try #require(m.hv.rootPD?.memory)
        let hip = try #require(memory.lookup(page: HIP.address >> 12), "HIP at 0x7FFF_FFFF_E000 is mapped")
        #expect(hip.permissions == [.read], "read-only, not executable")
        #expect(hip.user)
        let frame = hip.frame << 12
        #expect(frame >= m.hv.kernelMemory.base, "the HIP lives in the hypervisor region")
        #expect(HIP.isValid(in: m.hv.ram, page: frame), "signature NOVA and a zero checksum")
        let ram = m.hv.ram
        #expect(ram.read(frame + HIP.Offset.apiVer, as: UInt32.self) == HIP.apiVersion)
        #expect(ram.read(frame + HIP.Offset.selNum, as: UInt32.self) == 1 << 26)
        #expect(ram.read(frame + HIP.Offset.freqTsc, as: UInt32.self) == HIP.tscFrequencyKHz)
        // Memory descriptors: RAM from 0, and exactly one hypervisor (type −1) region, which is
        // the kernel memory.
        let length = UInt64(ram.read(frame + HIP.Offset.length, as: UInt16.self))
        var descriptors: [HIP.MemoryDescriptor] = []
        for o in stride(from: HIP.Offset.memDesc, to: length, by: 24) {
            descriptors.append(HIP.MemoryDescriptor(address: ram.read(frame + o), size: ram.read(frame + o + 8),
                                                    type: ram.read(frame + o + 16), aux: ram.read(frame + o + 20)))
        }
        #expect(descriptors.contains { $0.type == HIP.MemoryDescriptor.available && $0.address == 0 && $0.size == 128 << 20 })
        let hv = descriptors.filter { $0.type == HIP.MemoryDescriptor.hypervisor }
        #expect(hv.count == 1)
        #expect(hv.first?.address == m.hv.kernelMemory.base && hv.first?.size == m.hv.kernelMemory.size)
        // The root UTCB is the page below the HIP, read-write, not delegatable.
        let utcb = try #require(memory.lookup(page: Hypervisor.rootUTCB >> 12))
        #expect(utcb.permissions == [.read, .write] && !utcb.delegatable)
        #expect(utcb.frame << 12 == m.hv.rootEC?.utcb.address)
    }

    @Test func createCallsSucceedAndLeaveTheirObjects() throws {
        let m = try HostedMachine()
        var statuses: [String: Status] = [:]
        var lookups: [String: CRD] = [:]
        var smCounter: UInt64?
        try m.boot { api in
            statuses["create_pd"] = api.createPD(0x100)
            lookups["pd"] = api.lookupObject(0x100)
            statuses["create_ec local"] = api.createEC(0x101, pd: 0x100, utcb: 0x7FFF_FFFF_C000, sp: 0x5000, eventBase: 0x40)
            lookups["ec"] = api.lookupObject(0x101)
            statuses["create_pt"] = api.createPT(0x102, ec: 0x101, mtd: [.gprACDB, .ripLength], ip: 0x1234)
            lookups["pt"] = api.lookupObject(0x102)
            statuses["pt_ctrl"] = api.ptCtrl(0x102, id: 0xDEAD_BEEF_0001)
            statuses["create_sm"] = api.createSM(0x103, count: 5)
            lookups["sm"] = api.lookupObject(0x103)
            statuses["sm down"] = api.status(SMCtrlArguments(sm: 0x103, operation: .down).registers)
            smCounter = m.hv.rootPD?.objects[0x103].validate(Semaphore.self)?.counter
            statuses["create_ec global"] = api.createEC(0x104, pd: 0x100, utcb: 0x7FFF_FFFF_B000, sp: 0x8000, global: true)
            statuses["create_sc"] = api.createSC(0x105, ec: 0x104, priority: 2, quantum: 50)
            lookups["sc"] = api.lookupObject(0x105)
            statuses["sc_ctrl"] = api.status(SCCtrlArguments(sc: 0x105).registers)
            statuses["create_pd foreign"] = api.createPD(0x106, foreign: true, base: 0x1234)
            statuses["create_pd passthrough"] = api.createPD(0x107, passthrough: true)
        }
        let r = m.run()
        for (call, s) in statuses { #expect(s == .success, "\(call)") }
        #expect(statuses.count == 11)
        // New capabilities go to the caller's PD with README fact 3's permissions.
        #expect(lookups["pd"] == .object(selector: 0x100, order: 0, permissions: 0x1), "PD: the parent capability's")
        #expect(lookups["ec"] == .object(selector: 0x101, order: 0, permissions: 0xD))
        #expect(lookups["pt"] == .object(selector: 0x102, order: 0, permissions: 0x3))
        #expect(lookups["sm"] == .object(selector: 0x103, order: 0, permissions: 0x3))
        #expect(lookups["sc"] == .object(selector: 0x105, order: 0, permissions: 0x1))
        #expect(smCounter == 4, "down took one of 5")

        let root = try #require(m.hv.rootPD)
        let child = try #require(root.objects[0x100].validate(ProtectionDomain.self))
        #expect(!child.isPrivileged && !child.isPassthrough && !child.isForeign)
        #expect(child !== root)
        let local = try #require(root.objects[0x101].validate(ExecutionContext.self))
        #expect(!local.isGlobal && local.pd === child && local.eventBase == 0x40 && local.cpu == 0)
        #expect(local.runState == .waitingForCall)
        let utcb = try #require(child.memory?.lookup(page: 0x7FFF_FFFF_C000 >> 12), "UTCB mapped in the target PD")
        #expect(utcb.frame << 12 == local.utcb.address && utcb.permissions == [.read, .write])
        #expect(root.memory?.lookup(page: 0x7FFF_FFFF_C000 >> 12) == nil, "not in the creator's")
        let pt = try #require(root.objects[0x102].validate(Portal.self))
        #expect(pt.ec === local && pt.mtd == [.gprACDB, .ripLength] && pt.ip == 0x1234 && pt.id == 0xDEAD_BEEF_0001)
        let global = try #require(root.objects[0x104].validate(ExecutionContext.self))
        let sc = try #require(root.objects[0x105].validate(SchedulingContext.self))
        #expect(global.isGlobal && sc.ec === global && global.sc === sc && sc.priority == 2 && sc.quantum == 50)
        #expect(root.objects[0x106].validate(ProtectionDomain.self)?.isForeign == true)
        #expect(root.objects[0x106].validate(ProtectionDomain.self)?.foreignSyscallBase == 0x1234)
        #expect(root.objects[0x107].validate(ProtectionDomain.self)?.isPassthrough == true,
                "passthrough granted: the root PD is passthrough")

        // The global EC got an SC: its first dispatch raises the startup exception at event
        // base + 30 of its own PD, where nothing is: it dies ("PT not found").
        #expect(global.isDead)
        #expect(m.hv.statistics.kills == 1)
        #expect(m.log.count == 1)
        #expect(m.log.first?.contains("PT not found (selector 0x1e)") == true, "\(m.log)")
        #expect(r.status == allBlockedStatus)
    }

    @Test func passthroughIsInheritedOnlyFromAPassthroughParent() throws {
        let m = try HostedMachine()
        var statuses: [Status] = []
        try m.boot { api in
            statuses.append(api.createPD(0x100))                                   // not passthrough
            statuses.append(api.createPD(0x101, parent: 0x100, passthrough: true)) // asks, parent is not
            statuses.append(api.createPD(0x102, parent: Root.pd, passthrough: true))
        }
        _ = m.run()
        #expect(statuses == [.success, .success, .success])
        let root = try #require(m.hv.rootPD)
        #expect(root.objects[0x101].validate(ProtectionDomain.self)?.isPassthrough == false)
        #expect(root.objects[0x102].validate(ProtectionDomain.self)?.isPassthrough == true)
    }
}
