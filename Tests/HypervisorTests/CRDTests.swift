// SPDX-License-Identifier: MIT
// CRD bit layout (digest §2.5, include/crd.hpp): kind [1:0], permissions [6:2], order [11:7],
// base [63:12].
import Testing
@testable import Hypervisor

@Suite struct CRDTests {
    @Test func fields() {
        // base 0x12345, order 3, permissions 0b10101, kind memory.
        let raw: UInt64 = 0x12345 << 12 | 3 << 7 | 0x15 << 2 | 1
        let c = CRD(rawValue: raw)
        #expect(c.kind == .memory)
        #expect(c.permissions == 0x15)
        #expect(c.order == 3)
        #expect(c.base == 0x12345)
        #expect(c.count == 8)
        #expect(!c.isAligned)
        #expect(CRD(kind: .memory, base: 0x12345, order: 3, permissions: 0x15).rawValue == raw)
    }

    @Test(arguments: CRD.Kind.allCases)
    func roundTrip(kind: CRD.Kind) {
        for (base, order, perms) in [(UInt64(0), UInt8(0), UInt8(0)), (0xF_FFFF_FFFF_FFFF, 31, 0x1F), (0x400, 10, 0x7)] {
            let c = CRD(kind: kind, base: base, order: order, permissions: perms)
            #expect(c.kind == kind && c.base == base && c.order == order && c.permissions == perms)
            #expect(CRD(rawValue: c.rawValue) == c)
        }
    }

    @Test func hedronDefaultsDescribeAWholeSpace() {
        // `Crd(Crd::OBJ)`: base 0, order 0x1f, attributes 0x1f.
        #expect(CRD(kind: .object).rawValue == 0x1F << 7 | 0x1F << 2 | 3)
        #expect(CRD.null.rawValue == 0 && CRD.null.kind == .null)
    }

    @Test func factories() {
        #expect(CRD.memory(page: 0x200, order: 9, permissions: [.read, .execute]).rawValue == 0x200 << 12 | 9 << 7 | 0x5 << 2 | 1)
        #expect(CRD.io(port: 0x3F8, order: 3).rawValue == 0x3F8 << 12 | 3 << 7 | 1 << 2 | 2)
        #expect(CRD.object(selector: 33, permissions: PTPermissions.call.rawValue).rawValue == 33 << 12 | 2 << 2 | 3)
        #expect(CRD.memory(page: 0x200, order: 9, permissions: .all).isAligned)
        #expect(CRD.memory(page: 0x200, permissions: [.write]).memoryPermissions == [.write])
    }

    @Test func typedItem() {
        let t = TypedItem(crd: .io(port: 0x60), flags: DelegateFlags(kind: .delegate))
        #expect(t.crd.kind == .io && t.flags.kind == .delegate)
    }
}

@Suite struct DelegateFlagsTests {
    @Test func fields() {
        let f = DelegateFlags(rawValue: 0xABC << 12 | 1 << 11 | 1 << 10 | 1 << 9 | 1 << 8 | 2)
        #expect(f.kind == .translateDelegate)
        #expect(f.noHost && f.guest && f.device && f.hypervisor)
        #expect(f.hotspot == 0xABC)
        #expect(f.flags == 0xF02)
        #expect(DelegateFlags(kind: .translateDelegate, noHost: true, guest: true, device: true, hypervisor: true, hotspot: 0xABC) == f)
    }

    @Test func kinds() {
        #expect(DelegateFlags(rawValue: 0).kind == .translate)
        #expect(DelegateFlags(rawValue: 1).kind == .delegate)
        #expect(DelegateFlags(rawValue: 2).kind == .translateDelegate)
        #expect(DelegateFlags(rawValue: 3).kind == .invalid)
    }

    @Test func subspacesInvertTheHostBit() {
        // `((meta >> 8) & 7) ^ 1`: a plain delegate maps into the host page table only.
        #expect(DelegateFlags(kind: .delegate).subspaces == [.host])
        #expect(DelegateFlags(kind: .delegate, noHost: true).subspaces == [])
        #expect(DelegateFlags(kind: .delegate, guest: true).subspaces == [.host, .guest])
        #expect(DelegateFlags(kind: .delegate, noHost: true, device: true).subspaces == [.device])
    }

    @Test func rootTaskGrab() {
        // The roottask's "give me memory from the kernel": delegate | hypervisor = 0x801.
        #expect(DelegateFlags(kind: .delegate, hypervisor: true).rawValue == 0x801)
    }
}

@Suite struct QPDTests {
    @Test func fields() {
        let q = QPD(rawValue: 10_000 << 12 | 0x7F)
        #expect(q.priority == 127 && q.quantum == 10_000 && q.isValid)
        #expect(QPD(priority: 127, quantum: 10_000) == q)
    }

    @Test func quantumIsTruncatedToThirtyTwoBits() {
        // `Qpd::quantum` returns `unsigned`: bits above 43 are lost.
        #expect(QPD(rawValue: (1 << 32 | 5) << 12 | 1).quantum == 5)
    }

    @Test func validity() {
        #expect(!QPD(priority: 0, quantum: 1).isValid)
        #expect(!QPD(priority: 128, quantum: 1).isValid)
        #expect(!QPD(priority: 255, quantum: 1).isValid)
        #expect(!QPD(priority: 1, quantum: 0).isValid)
        #expect(QPD(priority: 1, quantum: 1).isValid)
        // Bits 11:8 are ignored.
        #expect(QPD(rawValue: 1 << 12 | 0xF00 | 1).isValid)
    }
}
