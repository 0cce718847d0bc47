// SPDX-License-Identifier: MIT
// Flags, values, signal masks and errno texts as strace 6.1 prints them (xlat.c printflags and
// printxval, signal.c sprintsigmask_n, glibc strerror). Expected strings are from native traces.
import Testing
@testable import Personality

@Suite struct StraceFlagsTests {
    @Test func openAndMapFlags() {
        #expect(StraceFileCalls.openFlags(0o100000 | 0o2000000 | 0o200000) == "O_RDONLY|O_LARGEFILE|O_CLOEXEC|O_DIRECTORY")
        #expect(StraceFileCalls.openFlags(1 | 0o100 | 0o200 | 0o100000) == "O_WRONLY|O_CREAT|O_EXCL|O_LARGEFILE")
        #expect(StraceFileCalls.openFlags(2 | 0o1000 | 0o100000) == "O_RDWR|O_TRUNC|O_LARGEFILE")
        #expect(StraceMemoryCalls.mapFlags(0x2 | 0x20 | 0x100000) == "MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE")
        #expect(StraceMemoryCalls.mapFlags(0x2 | 0x10 | 0x20) == "MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS")
        #expect(StraceMemoryCalls.mapFlags(0x2 | 0x20 | 0x4000) == "MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE")
        #expect(StraceFormat.flags(0, StraceTables.prot, "PROT_???") == "PROT_NONE")
        #expect(StraceFormat.flags(3, StraceTables.prot, "PROT_???") == "PROT_READ|PROT_WRITE")
    }

    /// Unknown bits after known ones print as hex; an unknown value alone gets its default.
    @Test func unknownValues() {
        #expect(StraceFormat.flags(0xFFFF_FFFF_8400_0000, StraceTables.saFlags, "SA_???")
                == "SA_RESTORER|SA_RESETHAND|0xffffffff00000000")
        #expect(StraceFormat.flags(0, StraceTables.saFlags, "SA_???") == "0")
        #expect(StraceFormat.xval(0x11, StraceTables.whence, "SEEK_???") == "0x11 /* SEEK_??? */")
        #expect(StraceFormat.flags(0x80, StraceTables.mremapFlags, "MREMAP_???") == "0x80 /* MREMAP_??? */")
        #expect(StraceFormat.flags(0x100, StraceTables.accessFlags, "?_OK") == "0x100 /* ?_OK */")
        #expect(StraceFormat.flags(0, StraceTables.accessFlags, "?_OK") == "F_OK")
    }

    @Test func modes() {
        #expect(StraceFormat.octal(0o22) == "022")
        #expect(StraceFormat.octal(0o700) == "0700")
        #expect(StraceFormat.octal(0o1755) == "01755")
        #expect(StraceStructs.fileMode(0o100644) == "S_IFREG|0644")
        #expect(StraceStructs.fileMode(0o40700) == "S_IFDIR|0700")
        #expect(StraceStructs.fileMode(0o120777) == "S_IFLNK|0777")
    }

    /// Masks: names without SIG, RT_n above SIGRTMIN, `~[…]` from two thirds of the bits on.
    @Test func signalMasks() {
        func bits(_ s: [Int]) -> UInt64 { s.reduce(0) { $0 | 1 << UInt64($1 - 1) } }
        #expect(StraceSignals.mask(0) == "[]")
        #expect(StraceSignals.mask(bits([10])) == "[USR1]")
        #expect(StraceSignals.mask(bits([36])) == "[RT_4]")
        #expect(StraceSignals.mask(~bits([32, 33, 34])) == "~[RTMIN RT_1 RT_2]")
        #expect(StraceSignals.mask(~bits([9, 19, 32, 33, 34])) == "~[KILL STOP RTMIN RT_1 RT_2]")
        let errorsProgram = [1, 6, 7, 10, 14, 15, 17, 18, 22, 23, 27, 30, 31, 33, 35, 38, 39, 42, 43, 46, 47, 49, 50, 51, 54, 55, 60, 62, 63]
        #expect(StraceSignals.mask(bits(errorsProgram)) == "[HUP ABRT BUS USR1 ALRM TERM CHLD CONT TTOU URG PROF PWR SYS RT_1 RT_3 RT_6 RT_7 RT_10 RT_11 RT_14 RT_15 RT_17 RT_18 RT_19 RT_22 RT_23 RT_28 RT_30 RT_31]")
        #expect(StraceSignals.signal(36) == "SIGRT_4")
        #expect(StraceSignals.signal(99) == "99")
        #expect(StraceSignals.signal(0) == "0")
    }

    /// `-1 ENAME (strerror text)`.
    @Test func errnoText() {
        let ok: [(Int, String)] = [(2, "ENOENT (No such file or directory)"), (38, "ENOSYS (Function not implemented)"),
                                   (34, "ERANGE (Numerical result out of range)"), (25, "ENOTTY (Inappropriate ioctl for device)"),
                                   (36, "ENAMETOOLONG (File name too long)"), (10, "ECHILD (No child processes)")]
        for (e, text) in ok {
            let c = StraceCall(number: 3, args: [0, 0, 0, 0, 0, 0], memory: FakeMemory())
            c.returned(errno(e))
            #expect(c.resultText == "= -1 " + text)
        }
    }
}
