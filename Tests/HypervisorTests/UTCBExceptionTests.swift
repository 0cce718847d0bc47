// SPDX-License-Identifier: MIT
// load_exc/save_exc (src/utcb.cpp): each MTD group alone, round trips, the RFLAGS sanitising
// on save, `items` = 79 after load, and the FPU bit as a return value.
import Testing
import MMU
@testable import Hypervisor

@Suite struct UTCBExceptionTests {
    let ram = PhysicalMemory(size: 1 << 20)!
    var utcb: UTCB { UTCB(ram: ram, address: 0x2000) }

    /// A state with a distinct value in every field.
    static var sample: UserState {
        var s = UserState()
        for n in 0..<16 { s[gpr: n] = 0x1111_0000 + UInt64(n) }
        s.rip = 0x40_1234
        s.rflags = 0x246
        s.fsBase = 0x7F00_0000_1000
        s.gsBase = 0x7F00_0000_2000
        s.errorCode = 0x7
        s.cr2 = 0xBAD_F00D
        s.fpu.bytes[32] = 0x42
        return s
    }

    /// The exception-layout words loaded for each group, as (offset, field of `sample`).
    static let groups: [(MTD, [(UInt64, UInt64)])] = [
        (.gprACDB, [(0x58, 0x1111_0000), (0x60, 0x1111_0001), (0x68, 0x1111_0002), (0x70, 0x1111_0003)]),
        (.gprBSD, [(0x80, 0x1111_0005), (0x88, 0x1111_0006), (0x90, 0x1111_0007)]),
        (.gprR8R15, (8...15).map { (0x58 + UInt64($0) * 8, 0x1111_0000 + UInt64($0)) }),
        (.rsp, [(0x78, 0x1111_0004)]),
        (.ripLength, [(0x30, 0x40_1234)]),
        (.rflags, [(0x38, 0x246)]),
        (.qualification, [(0xD8, 0x7), (0xE0, 0xBAD_F00D)]),
        (.fsGS, [(0x1D8, 0x7F00_0000_1000), (0x1E8, 0x7F00_0000_2000)]),
    ]

    @Test(arguments: 0..<groups.count)
    func loadOneGroup(_ g: Int) {
        let (mtd, words) = UTCBExceptionTests.groups[g]
        utcb.clear()
        #expect(!utcb.loadExc(from: UTCBExceptionTests.sample, mtd: mtd))
        for (o, v) in words { #expect(ram.read(0x2000 + o, as: UInt64.self) == v) }
        // Nothing else in the exception layout changed (mtd at 0x20 aside).
        let touched = Set(words.map(\.0)).union([0x20])
        for o in stride(from: UInt64(0x28), to: 0x298, by: 8) where !touched.contains(o) {
            #expect(ram.read(0x2000 + o, as: UInt64.self) == 0, "offset 0x\(String(o, radix: 16))")
        }
        #expect(utcb.mtd == mtd)
        #expect(utcb.items == 79 && utcb.untypedCount == 79 && utcb.typedCount == 0)
    }

    @Test(arguments: 0..<groups.count)
    func saveOneGroup(_ g: Int) {
        let (mtd, _) = UTCBExceptionTests.groups[g]
        utcb.clear()
        utcb.loadExc(from: UTCBExceptionTests.sample, mtd: .exceptionGroups)
        utcb.mtd = mtd
        var s = UserState()
        s.rflags = 0
        #expect(!utcb.saveExc(into: &s))
        var expected = UserState()
        expected.rflags = 0
        let sample = UTCBExceptionTests.sample
        switch mtd {
        case .gprACDB: expected.rax = sample.rax; expected.rcx = sample.rcx; expected.rdx = sample.rdx; expected.rbx = sample.rbx
        case .gprBSD: expected.rbp = sample.rbp; expected.rsi = sample.rsi; expected.rdi = sample.rdi
        case .gprR8R15: for n in 8...15 { expected[gpr: n] = sample[gpr: n] }
        case .rsp: expected.rsp = sample.rsp
        case .ripLength: expected.rip = sample.rip
        case .rflags: expected.rflags = 0x246
        case .fsGS: expected.fsBase = sample.fsBase; expected.gsBase = sample.gsBase
        default: break      // QUAL is not written back
        }
        #expect(s == expected)
    }

    @Test func roundTrip() {
        var s = UserState()
        s.fpu = UTCBExceptionTests.sample.fpu
        utcb.loadExc(from: UTCBExceptionTests.sample, mtd: .runtimeDefault)
        utcb.saveExc(into: &s)
        var expected = UTCBExceptionTests.sample
        expected.errorCode = 0; expected.cr2 = 0        // QUAL goes one way only
        #expect(s == expected)
    }

    @Test func rflagsSanitisedOnSave() {
        // VIP, VIF, VM, RF and IOPL cleared; IF forced; the rest kept (CF, ZF, AC, ID, DF, TF).
        utcb.rflags = 0x003F_7FFF
        utcb.mtd = .rflags
        var s = UserState()
        utcb.saveExc(into: &s)
        #expect(s.rflags == 0x0024_4FFF)
        utcb.rflags = 0
        utcb.saveExc(into: &s)
        #expect(s.rflags == 0x200)
        // Loading does not sanitise: the handler sees what the EC had.
        var dirty = UserState()
        dirty.rflags = 0x3_3202
        utcb.loadExc(from: dirty, mtd: .rflags)
        #expect(utcb.rflags == 0x3_3202)
    }

    @Test func fpuIsLentNotCopied() {
        utcb.clear()
        #expect(utcb.loadExc(from: UTCBExceptionTests.sample, mtd: [.fpu]))
        // No word of the page changed except mtd and items.
        #expect(utcb.mtd == .fpu && utcb.items == 79)
        for o in stride(from: UInt64(0x28), to: 0x1000, by: 8) { #expect(ram.read(0x2000 + o, as: UInt64.self) == 0) }
        var s = UserState()
        #expect(utcb.saveExc(into: &s))
        #expect(s.fpu == FXSAVEImage())
    }

    @Test func saveWithExplicitMTD() {
        utcb.loadExc(from: UTCBExceptionTests.sample, mtd: .exceptionGroups)
        utcb.mtd = []
        var s = UserState()
        utcb.saveExc(into: &s, mtd: .ripLength)
        #expect(s.rip == 0x40_1234 && s.rax == 0)
    }

    @Test func foreignSyscallReplyShape() {
        // The personality's reply (digest §1.5): rip := rcx, rsp := r11, rax := result,
        // MTD = RIP_LEN | RSP | GPR_ACDB.
        var caller = UserState()
        caller.rax = 218; caller.rcx = 0x40_1002; caller.r11 = 0x7FFF_F000; caller.rdi = 0x1234
        utcb.loadExc(from: caller, mtd: .runtimeDefault)
        #expect(utcb[gpr: 0] == 218 && utcb[gpr: 1] == 0x40_1002 && utcb[gpr: 11] == 0x7FFF_F000)
        utcb.rip = utcb[gpr: 1]
        utcb.rsp = utcb[gpr: 11]
        utcb[gpr: 0] = 42
        utcb.mtd = [.ripLength, .rsp, .gprACDB]
        utcb.saveExc(into: &caller)
        #expect(caller.rip == 0x40_1002 && caller.rsp == 0x7FFF_F000 && caller.rax == 42 && caller.rdi == 0x1234)
    }
}

extension UTCB {
    /// `rsp` of the exception layout (0x78), for the tests.
    var rsp: UInt64 {
        get { self[gpr: 4] }
        nonmutating set { self[gpr: 4] = newValue }
    }
}
