// SPDX-License-Identifier: MIT
// Hypercall numbers and status codes against the digest's tables (§2.2, §2.3).
import Testing
@testable import Hypervisor

@Suite struct HypercallTests {
    @Test func numbersAreHedrons() {
        let expected: [(Hypercall, UInt8, String)] = [
            (.call, 0, "call"), (.reply, 1, "reply"), (.createPD, 2, "create_pd"), (.createEC, 3, "create_ec"),
            (.createSC, 4, "create_sc"), (.createPT, 5, "create_pt"), (.createSM, 6, "create_sm"),
            (.revoke, 7, "revoke"), (.pdCtrl, 8, "pd_ctrl"), (.ecCtrl, 9, "ec_ctrl"), (.scCtrl, 10, "sc_ctrl"),
            (.ptCtrl, 11, "pt_ctrl"), (.smCtrl, 12, "sm_ctrl"), (.assignPCI, 13, "assign_pci"),
            (.assignGSI, 14, "assign_gsi"), (.machineCtrl, 15, "machine_ctrl"),
        ]
        #expect(Hypercall.allCases.count == 16)
        for (h, n, name) in expected {
            #expect(h.rawValue == n)
            #expect(h.name == name)
        }
        #expect(Hypercall(rawValue: 16) == nil)
    }

    @Test func statusCodes() {
        let expected: [(Status, UInt8, String)] = [
            (.success, 0, "SUCCESS"), (.timeout, 1, "COM_TIM"), (.abort, 2, "COM_ABT"), (.badHypercall, 3, "BAD_HYP"),
            (.badCapability, 4, "BAD_CAP"), (.badParameter, 5, "BAD_PAR"), (.badFeature, 6, "BAD_FTR"),
            (.badCPU, 7, "BAD_CPU"), (.badDevice, 8, "BAD_DEV"),
        ]
        #expect(Status.allCases.count == 9)
        for (s, n, name) in expected {
            #expect(s.rawValue == n)
            #expect(s.name == name)
        }
    }

    @Test func arg1Fields() {
        // ARG1: [7:0] id, [11:8] flags, [63:12] selector.
        let r = HypercallRegisters(rdi: 0xABCD_E123_4567_8A0B)
        #expect(r.hypercall == .ptCtrl)
        #expect(r.flags == 0xA)
        #expect(r.sel == 0xA_BCDE_1234_5678)
        #expect(HypercallRegisters(rdi: 0x10).hypercall == nil)
        #expect(HypercallRegisters(rdi: 0xFF).hypercall == nil)
        #expect(HypercallRegisters.arg1(.smCtrl, flags: 0x13, sel: 0x55) == 0x55_30C)
    }

    @Test func statusWrite() {
        var r = HypercallRegisters(rdi: 0x1234_5678_9ABC_DEF0)
        r.setStatus(.badCapability, clear: false)
        #expect(r.rdi == 0x1234_5678_9ABC_DE04)
        #expect(r.status == Status.badCapability.rawValue)
        r.setStatus(.success)
        #expect(r.rdi == 0)
    }
}
