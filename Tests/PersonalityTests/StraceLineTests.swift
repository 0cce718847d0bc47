// SPDX-License-Identifier: MIT
// Whole --strace lines, compared with the lines strace 6.1 printed for the same calls of the
// guests/linux programs run natively (their arguments and memory are given here as they were).
import Foundation
import Testing
@testable import Personality

@Suite struct StraceLineTests {
    @Test func filesProgram() {
        var m = FakeMemory()
        m.put(0x1000, Array("hello, files\n".utf8))
        m.put(0x2000, Array("HELLO, files\nhello, ".utf8))
        m.put(0x3000, string: "a.txt")
        var st = [UInt8](repeating: 0, count: 144)
        st[24] = 0xA4; st[25] = 0x81        // st_mode 0100644
        st[48] = 25                         // st_size
        m.put(0x4000, st)
        m.put(0x5000, [3, 0, 0, 0, 4, 0, 0, 0])
        m.put(0x6000, string: "/tmp/emu-files-acBldD")
        #expect(straceLine(1, [3, 0x1000, 13], rax: 13, memory: m) == #"write(3, "hello, files\n", 13)          = 13"#)
        #expect(straceLine(0, [3, 0x2000, 255], rax: 20, memory: m) == #"read(3, "HELLO, files\nhello, ", 255)   = 20"#)
        #expect(straceLine(4, [0x3000, 0x4000], rax: 0, memory: m)
                == #"stat("a.txt", {st_mode=S_IFREG|0644, st_size=25, ...}) = 0"#)
        #expect(straceLine(8, [3, 0, 0x11], rax: errno(22)) == "lseek(3, 0, 0x11 /* SEEK_??? */)        = -1 EINVAL (Invalid argument)")
        #expect(straceLine(72, [3, 1], rax: 1) == "fcntl(3, F_GETFD)                       = 0x1 (flags FD_CLOEXEC)")
        #expect(straceLine(72, [3, 3], rax: 0x8000) == "fcntl(3, F_GETFL)                       = 0x8000 (flags O_RDONLY|O_LARGEFILE)")
        #expect(straceLine(22, [0x5000], rax: 0, memory: m) == "pipe([3, 4])                            = 0")
        #expect(straceLine(95, [0o22], rax: 0o22) == "umask(022)                              = 022")
        #expect(straceLine(79, [0x6000, 256], rax: 22, memory: m) == #"getcwd("/tmp/emu-files-acBldD", 256)    = 22"#)
    }

    @Test func signalsProgram() {
        var m = FakeMemory()
        // struct sigaction {SIG_IGN, SA_RESTORER|SA_RESTART, 0x409ad9, mask 0}, and the old {SIG_DFL, 0, 0, 0}.
        m.put64(0x1000, [1, 0x1400_0000, 0x409AD9, 0])
        m.put64(0x2000, [0, 0, 0, 0])
        #expect(straceLine(13, [13, 0x1000, 0x2000, 8], rax: 0, memory: m)
                == "rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x409ad9}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0")
        m.put64(0x3000, [0xA5F7000, 0, 65536])
        #expect(straceLine(131, [0x3000, 0], rax: 0, memory: m) == "sigaltstack({ss_sp=0xa5f7000, ss_flags=0, ss_size=65536}, NULL) = 0")
        var info = [UInt8](repeating: 0, count: 128)
        info[0] = 10                                            // SIGUSR1
        info.replaceSubrange(8 ..< 12, with: [0xFF, 0xFF, 0xFF, 0xFF])   // SI_QUEUE
        info.replaceSubrange(16 ..< 20, with: withUnsafeBytes(of: UInt32(24287).littleEndian, Array.init))
        info[24] = 7                                            // si_value
        m.put(0x4000, info)
        #expect(straceLine(129, [24287, 10, 0x4000], rax: 0, memory: m)
                == "rt_sigqueueinfo(24287, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=24287, si_uid=0, si_int=7, si_ptr=0x7}) = 0")
        #expect(StraceSignals.siginfo(SignalInfo.fault(11, code: 1, address: 0x10))
                == "{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}")
        #expect(StraceSignals.siginfo(SignalInfo.fault(5, code: 0x80, address: 0))
                == "{si_signo=SIGTRAP, si_code=SI_KERNEL, si_addr=NULL}")
    }

    @Test func errorsProgram() {
        var m = FakeMemory()
        let set: UInt64 = [1, 6, 7, 10, 14, 15, 17, 18, 22, 23, 27, 30, 31, 33, 35, 38, 39, 42, 43, 46, 47, 49, 50, 51, 54, 55, 60, 62, 63]
            .reduce(0) { $0 | 1 << UInt64($1 - 1) }
        m.put64(0x1000, [set])
        #expect(straceLine(14, [0x63, 0x1000, 0, 8], rax: errno(22), memory: m)
                == "rt_sigprocmask(0x63 /* SIG_??? */, [HUP ABRT BUS USR1 ALRM TERM CHLD CONT TTOU URG PROF PWR SYS RT_1 RT_3 RT_6 RT_7 RT_10 RT_11 RT_14 RT_15 RT_17 RT_18 RT_19 RT_22 RT_23 RT_28 RT_30 RT_31], NULL, 8) = -1 EINVAL (Invalid argument)")
        #expect(straceLine(0x190, [0x407296, 0, 0, 0x407296, 0x40A020, 0], rax: errno(38))
                == "syscall_0x190(0x407296, 0, 0, 0x407296, 0x40a020, 0) = -1 ENOSYS (Function not implemented)")
        #expect(straceLine(21, [0x2000, 0x100], rax: errno(22), memory: { var f = m; f.put(0x2000, string: "/"); return f }())
                == #"access("/", 0x100 /* ?_OK */)           = -1 EINVAL (Invalid argument)"#)
        #expect(straceLine(25, [0x7F31_FAC0_0000, 2_097_152, 4_194_304, 0x80], rax: errno(22))
                == "mremap(0x7f31fac00000, 2097152, 4194304, 0x80 /* MREMAP_??? */) = -1 EINVAL (Invalid argument)")
        // An out argument of a failed call prints as its address.
        #expect(straceLine(4, [0x2000, 0x7FFC_05B0_3F10], rax: errno(2), memory: { var f = m; f.put(0x2000, string: "a.txt"); return f }())
                == #"stat("a.txt", 0x7ffc05b03f10)           = -1 ENOENT (No such file or directory)"#)
    }

    /// exit_group's `= ?`, the process's end, signal lines, and strace -f's `[pid N] ` prefix
    /// (`strace -f sh -c 'true & wait'`: `[pid 17825] exit_group(0)               = ?`).
    @Test func tracerLines() {
        final class Lines: @unchecked Sendable { var all: [String] = []; var observed: [String] = [] }
        let out = Lines()
        var count = 1
        let t = StraceTracer(sink: { out.all.append($0) }, observer: { _, l in out.observed.append(l) }, processCount: { count })
        let c = t.enter(pid: 7, number: 231, args: [0, 0, 0, 0, 0, 0], memory: FakeMemory(), userStack: 0)
        t.exited(pid: 7, status: 0)
        t.exit(pid: 7, c, rax: 0, returns: false)
        #expect(out.all == ["exit_group(0)                           = ?", "+++ exited with 0 +++"])
        count = 2
        let d = t.enter(pid: 17825, number: 231, args: [0, 0, 0, 0, 0, 0], memory: FakeMemory(), userStack: 0)
        t.exit(pid: 17825, d, rax: 0, returns: false)
        t.signal(pid: 3, 11, info: SignalInfo.fault(11, code: 1, address: 0x10))
        t.killed(pid: 3, signal: 11)
        #expect(out.all.suffix(3) == ["[pid 17825] exit_group(0)               = ?",
                                      "[pid     3] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---",
                                      "[pid     3] +++ killed by SIGSEGV +++"])
        #expect(out.observed[2] == "exit_group(0)                           = ?")
    }

    /// `strace -f -o FILE`: the PID, `%-5d `, starts every line, even while one process lives
    /// (lines from strace 6.1: `unshare -p -f strace -f -o F sh -c 'exit 3'` and
    /// `strace -f -o F sh -c '/bin/true; /bin/true'`).
    @Test func filePrefixes() {
        final class Lines: @unchecked Sendable { var all: [String] = []; var observed: [String] = [] }
        let out = Lines()
        let t = StraceTracer(sink: { out.all.append($0) }, observer: { _, l in out.observed.append(l) },
                             pidPrefix: .always, processCount: { 1 })
        let b = t.enter(pid: 21439, number: 12, args: [0, 0, 0, 0, 0, 0], memory: FakeMemory(), userStack: 0)
        t.exit(pid: 21439, b, rax: 0x55EC_FD48_8000, returns: true)
        let c = t.enter(pid: 4, number: 231, args: [3, 0, 0, 0, 0, 0], memory: FakeMemory(), userStack: 0)
        t.exited(pid: 4, status: 3)
        t.exit(pid: 4, c, rax: 0, returns: false)
        #expect(out.all == ["21439 brk(NULL)                         = 0x55ecfd488000",
                            "4     exit_group(3)                     = ?",
                            "4     +++ exited with 3 +++"])
        #expect(out.observed == ["brk(NULL)                               = 0x55ecfd488000",
                                 "exit_group(3)                           = ?", "+++ exited with 3 +++"])
    }
}
