// SPDX-License-Identifier: MIT
// The sparse object space over 2^26 selectors (include/space_obj.hpp).
import Testing
@testable import Hypervisor

@Suite struct ObjectSpaceTests {
    @Test func insertLookupRemove() {
        let s = ObjectSpace()
        let sm = Semaphore()
        #expect(s.lookup(32).isNull)
        #expect(s.insert(Capability(sm, .all), at: 32))
        #expect(s[32].object === sm)
        #expect(!s.insert(Capability(Semaphore(), .all), at: 32), "an occupied selector refuses insert")
        #expect(s.count == 1)
        #expect(s.remove(32).object === sm)
        #expect(s.lookup(32).isNull && s.count == 0)
        #expect(s.leaves.allSatisfy { $0 == nil }, "an empty leaf is dropped")
    }

    @Test func largeSelectors() {
        let s = ObjectSpace()
        let last = ObjectSpace.selectorCount - 1
        #expect(s.insert(Capability(Semaphore(), .all), at: last))
        #expect(!s.lookup(last).isNull)
        #expect(!s.insert(Capability(Semaphore(), .all), at: ObjectSpace.selectorCount))
        #expect(s.lookup(ObjectSpace.selectorCount).isNull)
        #expect(s.lookup(.max).isNull)
        #expect(s.replace(ObjectSpace.selectorCount, with: Capability(Semaphore(), .all)).isNull)
        #expect(s.count == 1)
        #expect(s.leaves.count == Int(ObjectSpace.selectorCount >> ObjectSpace.leafBits))
    }

    @Test func lowSelectorsStaySmall() {
        let s = ObjectSpace()
        for sel in UInt64(0)..<114 { s.insert(Capability(Semaphore(), .all), at: sel) }
        #expect(s.leaves.count == 1 && s.count == 114)
    }

    @Test func crdRanges() {
        let s = ObjectSpace()
        let sms = (0..<8).map { _ in Semaphore() }
        // Selectors 0x3FE, 0x3FF, 0x400 … 0x405: across a leaf boundary.
        for (i, sm) in sms.enumerated() { s.insert(Capability(sm, .all), at: 0x3FE + UInt64(i)) }
        // Order 3 at 0x400: the eight selectors 0x400…0x407 hold six capabilities.
        let r = s.capabilities(base: 0x400, order: 3)
        #expect(r.map(\.selector) == [0x400, 0x401, 0x402, 0x403, 0x404, 0x405])
        #expect(r.first?.capability.object === sms[2])
        // Order 10 at 0 covers 0…0x3FF.
        #expect(s.capabilities(base: 0, order: 10).map(\.selector) == [0x3FE, 0x3FF])
        // The whole space.
        #expect(s.capabilities(base: 0, order: 26).count == 8)
        #expect(s.removeAll(base: 0x400, order: 2).count == 4)
        #expect(s.count == 4)
        #expect(s.capabilities(base: 0, order: 31).map(\.selector) == [0x3FE, 0x3FF, 0x404, 0x405])
    }

    @Test func lookupAsCRD() {
        let s = ObjectSpace()
        s.insert(Capability(Semaphore(), permissions: 2), at: 77)
        #expect(s.crd(at: 77) == CRD.object(selector: 77, permissions: 2))
        #expect(s.crd(at: 78) == .null)
    }
}
