// SPDX-License-Identifier: MIT
// The kernel objects' fields and state helpers: PD foreign settings, EC creation with its UTCB
// page, SC budgets in virtual time, portal IDs and semaphore queues.
import Testing
import MMU
@testable import Hypervisor

@Suite struct ObjectsTests {
    @Test func kinds() throws {
        let f = Fixture()
        let pd = try f.pd()
        let ec = try f.ec(pd)
        #expect(pd.kind == .pd && ec.kind == .ec)
        #expect(SchedulingContext(ec: ec, priority: 1, quantum: 1).kind == .sc)
        #expect(Portal(ec: ec, mtd: [], ip: 0).kind == .pt)
        #expect(Semaphore().kind == .sm)
        #expect(KernelObject.Kind.allCases.map(\.rawValue) == [0, 1, 2, 3, 4])
    }

    @Test func protectionDomain() throws {
        let f = Fixture()
        let pd = try f.pd(foreign: true, base: 50)
        #expect(pd.isForeign && pd.foreignSyscallBase == 50 && !pd.isPrivileged && !pd.isPassthrough)
        #expect(pd.memory != nil && pd.ports != nil && pd.objects.count == 0)
        let k = ProtectionDomain.kernel()
        #expect(k.memory == nil && k.ports == nil && k.isPrivileged && !k.isForeign)
    }

    @Test func globalECStartsWithTheStartupEvent() throws {
        let f = Fixture()
        let pd = try f.pd()
        let ec = try ExecutionContext(pd: pd, global: true, cpu: 0, utcbAddress: 0x7FFF_FFFF_D000, stackPointer: 0x8000,
                                      eventBase: 0x40, kernelMemory: f.kernel)
        #expect(ec.isGlobal && ec.continuation == .startup && ec.runState == .ready)
        #expect(ec.state.rsp == 0x8000 && ec.state.rflags == 0x200)
        #expect(ec.eventSelector(ExecutionContext.startupEvent) == 0x40 + 30)
        #expect(ec.eventSelector(14) == 0x4E)
        // The UTCB page is mapped RW, NX, user, not delegatable, at the given address.
        let m = try #require(pd.memory?.lookup(page: 0x7FFF_FFFF_D))
        #expect(m.frame == ec.utcb.address >> 12 && m.permissions == [.read, .write] && m.user && !m.delegatable)
        #expect(f.kernel.contains(ec.utcb.address))
        // A guest store through its page tables reaches the UTCB the hypervisor reads.
        let mmu = MMU(ram: f.ram)
        mmu.cr0 = ControlBits.cr0PG | 1; mmu.cr4 = ControlBits.cr4PAE; mmu.efer = 0xD00; mmu.cr3 = pd.memory!.pml4
        mmu.userMode = true
        #expect(mmu.write(0x7FFF_FFFF_D000, UInt32(1)))
        #expect(ec.utcb.nsct)
    }

    @Test func localECKeepsItsStackInR11() throws {
        let f = Fixture()
        let ec = try ExecutionContext(pd: try f.pd(), global: false, utcbAddress: 0, stackPointer: 0x9000, kernelMemory: f.kernel)
        #expect(!ec.isGlobal && ec.state.r11 == 0x9000 && ec.state.rsp == 0)
        #expect(ec.continuation == .sysret && ec.runState == .waitingForCall)
        #expect(!ec.isHost)
        ec.hostHandler = { _, _ in .reply }
        #expect(ec.isHost)
    }

    @Test func ecCreationChecksAndCleansUp() throws {
        let f = Fixture()
        let pd = try f.pd()
        #expect(throws: Status.badParameter) { try f.ec(pd, utcb: 0x1001) }
        #expect(throws: Status.badParameter) { try f.ec(pd, utcb: MemorySpace.userLimit) }
        let before = f.kernel.freeFrames
        do {
            let ec = try f.ec(pd, utcb: 0x10_0000)
            #expect(pd.memory?.lookup(page: 0x100) != nil)
            _ = ec
        }
        #expect(pd.memory?.lookup(page: 0x100) == nil, "`pre_free` unmaps the UTCB")
        #expect(f.kernel.freeFrames == before)
    }

    @Test func utcbInTheCreatorsPD() throws {
        let f = Fixture()
        let owner = try f.pd(), target = try f.pd()
        let ec = try ExecutionContext(pd: target, global: false, utcbAddress: 0x20_0000, userPagePD: owner, kernelMemory: f.kernel)
        #expect(owner.memory?.lookup(page: 0x200) != nil && target.memory?.lookup(page: 0x200) == nil)
        #expect(ec.userPagePD === owner && ec.pd === target)
    }

    @Test func foreignSyscallSelector() throws {
        let f = Fixture()
        let pd = try f.pd(foreign: true, base: 50)
        #expect(try f.ec(pd, cpu: 0).foreignSyscallSelector == 50)
        #expect(try f.ec(pd, cpu: 3, eventBase: 0x100).foreignSyscallSelector == 0x100 + 50 + 3)
    }

    @Test func killAndStates() throws {
        let f = Fixture()
        let ec = try f.ec(try f.pd())
        let sm = Semaphore()
        ec.runState = .blockedOnSemaphore(sm, deadline: 5)
        #expect(ec.runState == .blockedOnSemaphore(sm, deadline: 5))
        #expect(ec.runState != .blockedOnSemaphore(Semaphore(), deadline: 5))
        ec.kill(reason: "PT not found")
        #expect(ec.isDead && ec.continuation == .dead && ec.runState == .dead(reason: "PT not found"))
    }

    @Test func schedulingContextBudget() throws {
        let f = Fixture()
        let ec = try f.ec(try f.pd(), global: true, cpu: 2)
        let sc = SchedulingContext(ec: ec, priority: 5, quantum: 10_000)
        // 1,000,000 kHz / 1000 × 10,000 µs = 10^7 ticks (10 ms at one instruction per ns).
        #expect(sc.budget == 10_000_000 && sc.cpu == 2 && sc.priority == 5)
        sc.left = sc.budget
        sc.charge(2_500_000)
        #expect(sc.left == 7_500_000 && sc.consumed == 2_500_000)
        #expect(sc.consumedMicroseconds() == 2_500)
        sc.charge(8_000_000)
        #expect(sc.left == 0 && sc.consumedMicroseconds() == 10_500)
        #expect(SchedulingContext(ec: ec, priority: 1, quantum: 3, tscKHz: 2_000_000).budget == 6000)
    }

    @Test func portal() throws {
        let f = Fixture()
        let ec = try f.ec(try f.pd())
        let pt = Portal(ec: ec, mtd: .runtimeDefault, ip: 0x40_2000)
        #expect(pt.id == 0 && pt.ec === ec && pt.ip == 0x40_2000 && pt.mtd == .runtimeDefault)
        pt.id = 0xFFFF_FFFF_FFFF_FFFF
        #expect(pt.id == .max)
    }

    @Test func semaphoreCounterAndFIFO() throws {
        let f = Fixture()
        let pd = try f.pd()
        let sm = Semaphore(counter: 2)
        #expect(sm.tryDown() && sm.counter == 1)
        #expect(sm.tryDown(zeroCounter: false) && sm.counter == 0)
        #expect(!sm.tryDown())
        let ecs = try (0..<100).map { _ in try f.ec(pd) }
        for ec in ecs { sm.enqueue(ec) }
        #expect(sm.remove(ecs[50]))
        #expect(!sm.remove(ecs[50]))
        var woken: [ExecutionContext] = []
        while let ec = sm.up() { woken.append(ec) }
        #expect(woken.count == 99 && woken.first === ecs[0] && woken.last === ecs[99])
        #expect(!woken.contains { $0 === ecs[50] })
        #expect(sm.counter == 1, "the up with no waiter counted")
        #expect(sm.waiters.isEmpty)
        let zero = Semaphore(counter: 7)
        #expect(zero.tryDown(zeroCounter: true) && zero.counter == 0)
        let wrap = Semaphore(counter: .max)
        #expect(wrap.up() == nil && wrap.counter == 0, "the counter wraps like an mword")
        #expect(Semaphore(signalTarget: sm).isSignal && !sm.isSignal)
    }
}
