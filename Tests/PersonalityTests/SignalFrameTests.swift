// SPDX-License-Identifier: MIT
// The signal frame and ABI constants against the host's Linux UAPI headers (Tests/Native/
// signal_layout.c, compiled with gcc and run), and the frame's placement and round trip
// (arch/x86/kernel/signal.c get_sigframe, signal_64.c restore_sigcontext).
import Foundation
import Testing
@testable import Personality

@Suite struct SignalFrameTests {
    /// "name value" lines from the compiled layout program, or nil without a C compiler.
    static let native: [String: Int64]? = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Native/signal_layout.c")
        let exe = NSTemporaryDirectory() + "emu-signal-layout-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: exe) }
        func run(_ args: [String]) -> String? {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return nil }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
        }
        let cc = ProcessInfo.processInfo.environment["CC"] ?? "gcc"
        guard run([cc, "-o", exe, source.path]) != nil, let text = run([exe]) else { return nil }
        var d: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 2, let v = Int64(f[1]) { d[String(f[0])] = v }
        }
        return d
    }()

    @Test func frameLayoutMatchesTheUAPIHeaders() throws {
        let n = try #require(SignalFrameTests.native, "gcc and the Linux UAPI headers are needed")
        let F = SignalFrame.self, C = SignalFrame.Context.self
        let expected: [String: Int] = [
            "sizeof.rt_sigframe": F.size, "rt_sigframe.uc": F.ucontext, "rt_sigframe.info": F.info,
            "rt_sigframe.uc.uc_flags": F.ucFlags, "rt_sigframe.uc.uc_stack": F.ucStack,
            "rt_sigframe.uc.uc_mcontext": F.mcontext, "rt_sigframe.uc.uc_sigmask": F.ucSigmask,
            "sigcontext.r8": C.r8, "sigcontext.rdi": C.rdi, "sigcontext.rax": C.rax, "sigcontext.rsp": C.rsp,
            "sigcontext.rip": C.rip, "sigcontext.eflags": C.eflags, "sigcontext.cs": C.cs, "sigcontext.ss": C.ss,
            "sigcontext.err": C.err, "sigcontext.trapno": C.trapno, "sigcontext.oldmask": C.oldmask,
            "sigcontext.cr2": C.cr2, "sigcontext.fpstate": C.fpstate, "sizeof.sigcontext": C.size,
            "_fpstate_64.mxcsr": 24, "_fpstate_64.sw_reserved": 464, "sizeof._fpstate_64": Int(F.fpSize),
            "sizeof.sigaction": SignalAction.size, "sizeof.stack_t": 24, "stack_t.ss_flags": 8, "stack_t.ss_size": 16,
            "sizeof.siginfo": SignalInfo.size, "siginfo.si_code": 8, "siginfo.si_pid": 16, "siginfo.si_addr": 16,
            "MINSIGSTKSZ": Int(AlternateStack.minimumSize),
            "SI_TKILL": Int(SignalInfo.SI_TKILL), "SI_QUEUE": Int(SignalInfo.SI_QUEUE), "SI_KERNEL": Int(SignalInfo.SI_KERNEL),
            "SA_RESTORER": Int(SignalAction.SA_RESTORER), "SA_ONSTACK": Int(SignalAction.SA_ONSTACK),
            "SA_SIGINFO": Int(SignalAction.SA_SIGINFO), "SA_NODEFER": Int(SignalAction.SA_NODEFER),
            "SA_RESETHAND": Int(SignalAction.SA_RESETHAND), "SA_RESTART": Int(SignalAction.SA_RESTART),
            "UC_SIGCONTEXT_SS": 2, "UC_STRICT_RESTORE_SS": 4,
        ]
        for (name, value) in expected { #expect(n[name] == Int64(value), "\(name)") }
        #expect(SignalFrame.ucFlagsValue == UInt64(n["UC_SIGCONTEXT_SS"]! | n["UC_STRICT_RESTORE_SS"]!))
        let fp = SignalFrame.fpState(nil)
        #expect(Int64(fp.loadLE(464, as: UInt32.self)) == n["FP_XSTATE_MAGIC1"])
    }

    /// The sigcontext's registers by name: the order of glibc's and musl's gregs[] (REG_R8 0 …
    /// REG_RSP 15, REG_RIP 16, REG_EFL 17).
    @Test func gregsOrder() {
        var regs = SignalRegisters()
        for n in 0 ..< 16 { regs.gpr[n] = 0x1000 + UInt64(n) }
        regs.rip = 0x401000
        regs.rflags = 0x246
        let b = SignalFrame.build(regs: regs, trap: TrapState(trapno: 14, error: 6, cr2: 0xdead), restorer: 0x7777,
                                  stack: AlternateStack().frameBytes, mask: 0x800, info: SignalInfo.make(11, code: 1),
                                  fpstate: 0x7fff_0000)
        let greg = { (i: Int) -> UInt64 in b.loadLE(SignalFrame.mcontext + 8 * i) }
        #expect(greg(13) == 0x1000)            // REG_RAX
        #expect(greg(8) == 0x1007)             // REG_RDI
        #expect(greg(15) == 0x1004)            // REG_RSP
        #expect(greg(16) == 0x401000)          // REG_RIP
        #expect(greg(17) == 0x246)             // REG_EFL
        #expect(greg(19) == 6 && greg(20) == 14 && greg(21) == 0x800 && greg(22) == 0xdead)   // err trapno oldmask cr2
        #expect(b.loadLE(0, as: UInt64.self) == 0x7777)
        #expect(b.loadLE(SignalFrame.ucSigmask, as: UInt64.self) == 0x800)
        #expect(b.loadLE(SignalFrame.info, as: UInt32.self) == 11)
        #expect(b.loadLE(SignalFrame.mcontext + SignalFrame.Context.cs, as: UInt16.self) == 0x33)
    }

    @Test func restoreTakesTheRegistersAndOnlyTheFixableFlags() {
        var regs = SignalRegisters()
        for n in 0 ..< 16 { regs.gpr[n] = UInt64(n) * 3 }
        regs.rip = 0x1234
        regs.rflags = 0xFFFF_FFFF
        let b = SignalFrame.build(regs: regs, trap: TrapState(), restorer: 0, stack: AlternateStack().frameBytes,
                                  mask: 0x5, info: nil, fpstate: 0)
        let (r, mask, _) = SignalFrame.restore(b, currentFlags: 0x202)
        #expect(r.gpr == regs.gpr && r.rip == 0x1234 && mask == 0x5)
        // IOPL, IF and the like keep their current values; CF…AC come from the frame.
        #expect(r.rflags == 0x202 | SignalFrame.fixEflags)
    }

    @Test func placementAlignsAndSkipsTheRedZone() throws {
        for rsp: UInt64 in [0x7fff_f000, 0x7fff_eff8, 0x7fff_eff1] {
            let (frame, fp) = try #require(SignalFrame.place(rsp: rsp, onStack: false, altStack: AlternateStack()))
            #expect(frame % 16 == 8)                           // as after a call
            #expect(fp % 64 == 0 && fp + 512 <= rsp - 128)
            #expect(frame + UInt64(SignalFrame.size) <= fp)
        }
    }

    @Test func placementOnTheAlternateStack() throws {
        var alt = AlternateStack()
        alt.sp = 0x10_0000
        alt.size = 0x1_0000
        let (frame, _) = try #require(SignalFrame.place(rsp: 0x7fff_f000, onStack: true, altStack: alt))
        #expect(alt.contains(frame) && frame % 16 == 8)
        // Without SA_ONSTACK, or already on it (nested), the current stack goes on.
        #expect(SignalFrame.place(rsp: 0x7fff_f000, onStack: false, altStack: alt)!.frame > 0x7fff_0000)
        let nested = try #require(SignalFrame.place(rsp: 0x10_8000, onStack: true, altStack: alt))
        #expect(nested.frame < 0x10_8000 - 128 && alt.contains(nested.frame))
        // A stack too small for a frame: the handler cannot run (SIGSEGV).
        alt.size = 600
        #expect(SignalFrame.place(rsp: 0x7fff_f000, onStack: true, altStack: alt) == nil)
    }
}
