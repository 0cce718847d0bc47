// SPDX-License-Identifier: MIT
// The register views of every hypercall: each accessor's bit range (digest §2.2 and the fork's
// include/syscall.hpp), built from raw registers and round-tripped through the encoders.
import Testing
@testable import Hypervisor

@Suite struct HypercallArgumentsTests {
    @Test func call() {
        let a = CallArguments(HypercallRegisters(rdi: 0x2A_100))
        #expect(a.portal == 0x2A)
        #expect(a.nonBlocking)
        #expect(!a.disableDonation && !a.disableReplyCap)
        #expect(CallArguments(HypercallRegisters(rdi: 0x600)).disableDonation)
        #expect(CallArguments(HypercallRegisters(rdi: 0x600)).disableReplyCap)
        #expect(CallArguments(portal: 0x2A, nonBlocking: true).registers.rdi == 0x2A_100)
        #expect(CallArguments(portal: 7).registers.rdi == 0x7000)
    }

    @Test func reply() {
        #expect(ReplyArguments(HypercallRegisters(rdi: 0x99_001)).semaphore == 0x99)
        #expect(ReplyArguments().registers.rdi == 1)
        #expect(ReplyArguments(semaphore: 5).registers.rdi == 0x5001)
    }

    @Test func createPDForeignWord() {
        // The runtime passes ARG4 = (base << 1) | 1 (digest §1.9): base 50, foreign.
        let a = CreatePDArguments(HypercallRegisters(rdi: 0x40_102, rsi: 32, rdx: 0, rax: (50 << 1) | 1))
        #expect(a.sel == 0x40)
        #expect(a.passthrough)
        #expect(a.parent == 32)
        #expect(a.crd == .null)
        #expect(a.isForeign)
        #expect(a.foreignSyscallBase == 50)
        // A native PD: ARG4 = 0.
        let n = CreatePDArguments(HypercallRegisters(rdi: 0x40_002, rax: 0))
        #expect(!n.isForeign && n.foreignSyscallBase == 0 && !n.passthrough)
        // Bit 0 clear but a base: not foreign, base still decoded.
        #expect(!CreatePDArguments(HypercallRegisters(rax: 50 << 1)).isForeign)
        let e = CreatePDArguments(sel: 0x40, parent: 32, crd: .object(selector: 0, order: 5), passthrough: true,
                                  foreign: true, foreignSyscallBase: 50)
        #expect(e.registers == HypercallRegisters(rdi: 0x40_102, rsi: 32, rdx: CRD.object(selector: 0, order: 5).rawValue,
                                                  rax: 101))
    }

    @Test func createEC() {
        let regs = HypercallRegisters(rdi: 0x21_B03, rsi: 32, rdx: 0x7FFF_FFFF_D000 | 0x5, rax: 0x8000, r8: 0x1_0000_0040)
        let a = CreateECArguments(regs)
        #expect(a.sel == 0x21)
        #expect(a.global)                       // [8]
        #expect(a.vcpu)                         // [9]
        #expect(!a.useAPICAccessPage)           // [10]
        #expect(a.mapUserPageInOwner)           // [11]
        #expect(a.pd == 32)
        #expect(a.cpu == 5)
        #expect(a.utcb == 0x7FFF_FFFF_D000)
        #expect(a.stackPointer == 0x8000)
        #expect(a.eventBase == 0x40)            // ARG5 truncated to 32 bits
        #expect(CreateECArguments(HypercallRegisters(rdi: 0x403)).useAPICAccessPage)
        let e = CreateECArguments(sel: 0x21, pd: 32, cpu: 5, utcb: 0x7FFF_FFFF_D000, stackPointer: 0x8000, eventBase: 0x40,
                                  global: true, vcpu: true, mapUserPageInOwner: true)
        #expect(e.registers == HypercallRegisters(rdi: 0x21_B03, rsi: 32, rdx: 0x7FFF_FFFF_D005, rax: 0x8000, r8: 0x40))
    }

    @Test func createSCAndQPD() {
        let a = CreateSCArguments(HypercallRegisters(rdi: 0x22_004, rsi: 32, rdx: 0x21, rax: 10_000 << 12 | 0x7F))
        #expect(a.sel == 0x22 && a.pd == 32 && a.ec == 0x21)
        #expect(a.qpd.priority == 127 && a.qpd.quantum == 10_000)
        #expect(CreateSCArguments(sel: 0x22, pd: 32, ec: 0x21, qpd: QPD(priority: 127, quantum: 10_000)).registers == a.registers)
    }

    @Test func createPT() {
        let a = CreatePTArguments(HypercallRegisters(rdi: 0x50_005, rsi: 32, rdx: 0x30, rax: 0x00FF_FFFF, r8: 0x40_1000))
        #expect(a.sel == 0x50 && a.pd == 32 && a.ec == 0x30)
        #expect(a.mtd == .runtimeDefault)
        #expect(a.ip == 0x40_1000)
        #expect(CreatePTArguments(sel: 0x50, pd: 32, ec: 0x30, mtd: .runtimeDefault, ip: 0x40_1000).registers == a.registers)
    }

    @Test func createSM() {
        let a = CreateSMArguments(HypercallRegisters(rdi: 0x60_006, rsi: 32, rdx: 3, rax: 0))
        #expect(a.sel == 0x60 && a.pd == 32 && a.count == 3 && a.signal == 0)
        #expect(CreateSMArguments(sel: 0x60, pd: 32, count: 3).registers == a.registers)
    }

    @Test func revoke() {
        let crd = CRD.memory(page: 0x400, order: 2, permissions: .all)
        let a = RevokeArguments(HypercallRegisters(rdi: 0x307, rsi: crd.rawValue, rdx: 0x41))
        #expect(a.includeSelf && a.remote)
        #expect(a.semaphore == 0)
        #expect(a.crd == crd)
        #expect(a.pd == 0x41)
        #expect(RevokeArguments(crd: crd, includeSelf: true, remotePD: 0x41).registers == a.registers)
        #expect(!RevokeArguments(crd: crd, includeSelf: false).includeSelf)
    }

    @Test func pdCtrl() {
        #expect(PDCtrlArguments(HypercallRegisters(rdi: 0x008)).operation == .lookup)
        #expect(PDCtrlArguments(HypercallRegisters(rdi: 0x108)).operation == .mapAccessPage)
        #expect(PDCtrlArguments(HypercallRegisters(rdi: 0x208)).operation == .delegate)
        #expect(PDCtrlArguments(HypercallRegisters(rdi: 0x308)).operation == .msrAccess)
        // [9:8] only: ARG1[10] does not change the sub-operation.
        #expect(PDCtrlArguments(HypercallRegisters(rdi: 0x708)).operation == .msrAccess)

        var lookup = PDCtrlLookupArguments(crd: .object(selector: 33))
        #expect(lookup.registers.rdi == 0x008)
        lookup.crd = .object(selector: 33, permissions: 0x1D)
        #expect(lookup.registers.rsi == CRD.object(selector: 33, permissions: 0x1D).rawValue)

        let src = CRD.memory(page: 0x100, order: 4, permissions: [.read, .write])
        let dst = CRD.memory(page: 0x200, order: 4, permissions: .all)
        let flags = DelegateFlags(kind: .delegate, hypervisor: true)
        var d = PDCtrlDelegateArguments(HypercallRegisters(rdi: 0x20_208, rsi: 0x41, rdx: src.rawValue, rax: flags.rawValue, r8: dst.rawValue))
        #expect(d.source == 0x20 && d.destination == 0x41)
        #expect(d.item == TypedItem(crd: src, flags: flags))
        #expect(d.destinationCRD == dst)
        #expect(PDCtrlDelegateArguments(source: 0x20, destination: 0x41, sourceCRD: src, flags: flags, destinationCRD: dst).registers == d.registers)
        d.setItem(TypedItem(crd: .null, flags: DelegateFlags(rawValue: 0x801)))
        #expect(d.registers.rdx == 0 && d.registers.rax == 0x801)

        var msr = PDCtrlMSRAccessArguments(HypercallRegisters(rdi: 0xC000_0080_708, rsi: 0xD01))
        #expect(msr.index == 0xC000_0080)
        #expect(msr.isWrite)
        #expect(msr.value == 0xD01)
        msr.value = 0x500
        #expect(msr.registers.rsi == 0x500)
        #expect(!PDCtrlMSRAccessArguments(HypercallRegisters(rdi: 0x308)).isWrite)
    }

    @Test func control() {
        let ec = ECCtrlArguments(HypercallRegisters(rdi: 0x21_009))
        #expect(ec.ec == 0x21 && ec.operation == 0)
        #expect(ECCtrlArguments(HypercallRegisters(rdi: 0x21_109)).operation == 1)
        #expect(ECCtrlArguments(ec: 0x21).registers.rdi == 0x21_009)

        var sc = SCCtrlArguments(sc: 0x22)
        #expect(sc.registers.rdi == 0x22_00A && sc.sc == 0x22)
        sc.setTime(0x1234_5678_9ABC_DEF0)
        #expect(sc.registers.rsi == 0x1234_5678)
        #expect(sc.time == 0x1234_5678_9ABC_DEF0)

        let pt = PTCtrlArguments(HypercallRegisters(rdi: 0x50_00B, rsi: 0xDEAD_BEEF_0000_0001))
        #expect(pt.pt == 0x50 && pt.id == 0xDEAD_BEEF_0000_0001)
        #expect(PTCtrlArguments(pt: 0x50, id: 0xDEAD_BEEF_0000_0001).registers == pt.registers)
    }

    @Test func smCtrl() {
        let down = SMCtrlArguments(HypercallRegisters(rdi: 0x60_30C, rsi: 0x1, rdx: 0x2345_6789))
        #expect(down.sm == 0x60)
        #expect(down.operation == .down)
        #expect(down.zeroCounter)
        #expect(down.deadline == 0x1_2345_6789)
        #expect(SMCtrlArguments(HypercallRegisters(rdi: 0x60_00C)).operation == .up)
        #expect(SMCtrlArguments(sm: 0x60, operation: .down, zeroCounter: true, deadline: 0x1_2345_6789).registers == down.registers)
        // The code ORs ARG3 whole: its high bits are not masked.
        #expect(SMCtrlArguments(HypercallRegisters(rdi: 0x10C, rsi: 1, rdx: 1 << 40)).deadline == 1 << 32 | 1 << 40)
    }

    @Test func devicesAndMachine() {
        let pci = AssignPCIArguments(HypercallRegisters(rdi: 0x41_00D, rsi: 0xE000_0000, rdx: 0x10))
        #expect(pci.pd == 0x41 && pci.device == 0xE000_0000 && pci.hint == 0x10)

        var gsi = AssignGSIArguments(HypercallRegisters(rdi: 0x70_10E, rsi: 0xFEC0_0000, rdx: 3 << 32 | 2, rax: ~0))
        #expect(gsi.sm == 0x70 && gsi.overrideConfiguration)
        #expect(gsi.device == 0xFEC0_0000)
        #expect(gsi.cpu == 2 && gsi.level && gsi.activeLow)
        #expect(gsi.signal == ~0)
        gsi.setMSI(0xFEE0_0000_0000_4041)
        #expect(gsi.registers.rsi == 0xFEE0_0000)

        var m = MachineCtrlArguments(HypercallRegisters(rdi: 0x0765_400F))
        #expect(m.operation == .suspend)
        #expect(m.sleepTypeA == 0x54)
        #expect(m.sleepTypeB == 0x76)
        m.setWakingVector(0x9_0000)
        #expect(m.registers.rsi == 0x9_0000)
        let mc = MachineCtrlArguments(HypercallRegisters(rdi: 0xFFFF_FFFF_1234_510F, rsi: 0x10_0000))
        #expect(mc.operation == .updateMicrocode)
        #expect(mc.microcodeSize == 0x12345)
        #expect(mc.microcodeAddress == 0x10_0000)
        #expect(MachineCtrlArguments(HypercallRegisters(rdi: 0x20F)).operation == nil)
    }
}
