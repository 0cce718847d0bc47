// SPDX-License-Identifier: MIT
// MTD bits (digest §2.7, include/mtd.hpp).
import Testing
@testable import Hypervisor

@Suite struct MTDTests {
    @Test func bitPositions() {
        let expected: [(MTD, Int)] = [
            (.gprACDB, 0), (.gprBSD, 1), (.rsp, 2), (.ripLength, 3), (.rflags, 4), (.dsES, 5), (.fsGS, 6),
            (.csSS, 7), (.tr, 8), (.ldtr, 9), (.gdtr, 10), (.idtr, 11), (.cr, 12), (.dr, 13), (.sysenter, 14),
            (.qualification, 15), (.ctrl, 16), (.inj, 17), (.sta, 18), (.tsc, 19), (.eferPAT, 20), (.pdpte, 21),
            (.gprR8R15, 22), (.syscallSwapGS, 23), (.tscTimeout, 24), (.vintr, 26), (.eoi, 27), (.tpr, 28),
            (.tlb, 30), (.fpu, 31),
        ]
        for (m, bit) in expected { #expect(m.rawValue == 1 << UInt64(bit)) }
        var all: MTD = []
        for (m, _) in expected { all.formUnion(m) }
        // Bits 25 and 29 are unused.
        #expect(all.rawValue == 0xFFFF_FFFF & ~(1 << 25 | 1 << 29))
    }

    @Test func runtimeDefault() {
        #expect(MTD.runtimeDefault.rawValue == 0x00FF_FFFF)
        #expect(MTD.runtimeDefault.contains([.gprACDB, .gprBSD, .gprR8R15, .rsp, .ripLength, .rflags, .qualification, .fsGS]))
        #expect(!MTD.runtimeDefault.contains(.fpu))
    }

    @Test func exceptionGroups() {
        #expect(MTD.exceptionGroups.rawValue == 0x8040_805F)
    }
}
