// SPDX-License-Identifier: MIT
// Permission bits per capability kind (digest §2.4, include/{pd,ec,sc,pt,sm}.hpp).
import Testing
@testable import Hypervisor

@Suite struct PermissionsTests {
    @Test func bitsPerKind() {
        #expect(MemoryPermissions.read.rawValue == 1 && MemoryPermissions.write.rawValue == 2 && MemoryPermissions.execute.rawValue == 4)
        #expect(MemoryPermissions.all.rawValue == 7)
        #expect(PortPermissions.access.rawValue == 1 && PortPermissions.all.rawValue == 1)
        #expect(PDPermissions.create.rawValue == 1 && PDPermissions.all.rawValue == 1)
        #expect(ECPermissions.control.rawValue == 1 && ECPermissions.bindSC.rawValue == 4 && ECPermissions.bindPT.rawValue == 8)
        #expect(ECPermissions.all.rawValue == 0xD)
        #expect(SCPermissions.control.rawValue == 1 && SCPermissions.all.rawValue == 1)
        #expect(PTPermissions.control.rawValue == 1 && PTPermissions.call.rawValue == 2 && PTPermissions.all.rawValue == 3)
        #expect(SMPermissions.up.rawValue == 1 && SMPermissions.down.rawValue == 2 && SMPermissions.all.rawValue == 3)
    }

    @Test func fiveBitsOnly() {
        #expect(ECPermissions(rawValue: 0xFF).rawValue == 0x1F)
        #expect(MemoryPermissions(rawValue: 0xE7).rawValue == 0x07)
    }
}

@Suite struct CapabilityTests {
    @Test func validateChecksKindAndPermissions() throws {
        let f = Fixture()
        let pd = try f.pd()
        let ec = try f.ec(pd)
        let pt = Portal(ec: ec, mtd: .runtimeDefault, ip: 0x1000)
        let cap = Capability(pt, [.call])
        #expect(cap.validate(Portal.self) === pt)
        #expect(cap.validate(Portal.self, .call) === pt)
        #expect(cap.validate(Portal.self, .control) == nil)
        #expect(cap.validate(Portal.self, [.call, .control]) == nil)
        #expect(cap.validate(ExecutionContext.self) == nil)
        #expect(cap.validate(ProtectionDomain.self) == nil)
        #expect(Capability(pd, .all).validate(ProtectionDomain.self, .create) === pd)
        #expect(Capability(ec, [.bindPT]).validate(ExecutionContext.self, .bindPT) === ec)
        #expect(Capability(ec, [.bindPT]).validate(ExecutionContext.self, .bindSC) == nil)
    }

    @Test func noPermissionsIsNull() throws {
        let sm = Semaphore()
        #expect(Capability(sm, permissions: 0).isNull)
        #expect(Capability(sm, permissions: 0x20).isNull)      // only bits 4:0 count
        #expect(Capability.null.validate(Semaphore.self) == nil)
        let c = Capability(sm, .all)
        #expect(c.permissions == 3)
        #expect(c.restricted(to: SMPermissions.down.rawValue).permissions == 2)
        #expect(c.restricted(to: 0x1C).isNull)
    }
}
