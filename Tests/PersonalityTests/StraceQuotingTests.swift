// SPDX-License-Identifier: MIT
// String quoting and cutting (strace 6.1 util.c string_quote, printstr_ex, printpathn).
import Testing
@testable import Personality

@Suite struct StraceQuotingTests {
    /// python3 os.write(1, b"\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\"\\\x7f\x80\xff\x0018") under strace.
    @Test func escapes() {
        let bytes: [UInt8] = [0, 1, 7, 8, 9, 10, 11, 12, 13, 0x1B, 0x22, 0x5C, 0x7F, 0x80, 0xFF, 0, 0x31, 0x38]
        var m = FakeMemory()
        m.put(0x1000, bytes)
        #expect(straceLine(1, [1, 0x1000, 18], rax: 18, memory: m)
                == #"write(1, "\0\1\7\10\t\n\v\f\r\33\"\\\177\200\377\00018", 18) = 18"#)
    }

    /// -s 32: 32 bytes print whole, 33 are cut with `...`; an empty buffer is "".
    @Test func cutAtThirtyTwo() {
        var m = FakeMemory()
        m.put(0x1000, Array(repeating: UInt8(ascii: "a"), count: 32))
        m.put(0x2000, Array(repeating: UInt8(ascii: "b"), count: 33))
        #expect(StraceQuote.buffer(m, 0x1000, 32) == "\"" + String(repeating: "a", count: 32) + "\"")
        #expect(StraceQuote.buffer(m, 0x2000, 33) == "\"" + String(repeating: "b", count: 32) + "\"...")
        #expect(straceLine(1, [1, 0x1000, 0], rax: 0, memory: m) == #"write(1, "", 0)                         = 0"#)
        #expect(StraceQuote.buffer(m, 0, 5) == "NULL")
        #expect(StraceQuote.buffer(m, 0x9000, 5) == "0x9000")
    }

    /// Paths are not cut at -s: 33 characters print whole; past PATH_MAX - 1 they end in `...`.
    @Test func paths() {
        var m = FakeMemory()
        m.put(0x1000, string: String(repeating: "y", count: 33))
        m.put(0x2000, string: "tab\there")
        m.put(0x3000, Array("caf\u{e9}".utf8) + [0])
        m.put(0x4000, string: String(repeating: "z", count: 4200))
        #expect(straceLine(257, [UInt64(bitPattern: -100), 0x1000, 0o2000000], rax: errno(2), memory: m)
                == #"openat(AT_FDCWD, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)"#)
        #expect(StraceQuote.path(m, 0x2000) == #""tab\there""#)
        #expect(StraceQuote.path(m, 0x3000) == #""caf\303\251""#)
        let long = straceLine(257, [UInt64(bitPattern: -100), 0x4000, 0o2000000], rax: errno(36), memory: m)
        #expect(long == "openat(AT_FDCWD, \"" + String(repeating: "z", count: 4095)
                + "\"..., O_RDONLY|O_CLOEXEC) = -1 ENAMETOOLONG (File name too long)")
        #expect(long.count == 4177)
    }

    /// A C string argument (printstr) is cut at -s.
    @Test func cString() {
        var m = FakeMemory()
        m.put(0x1000, string: String(repeating: "c", count: 32))
        m.put(0x2000, string: String(repeating: "c", count: 40))
        #expect(StraceQuote.cString(m, 0x1000) == "\"" + String(repeating: "c", count: 32) + "\"")
        #expect(StraceQuote.cString(m, 0x2000) == "\"" + String(repeating: "c", count: 32) + "\"...")
    }
}
