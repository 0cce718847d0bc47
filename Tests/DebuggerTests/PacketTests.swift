// SPDX-License-Identifier: MIT
// The gdb remote protocol's framing (gdb manual §E.1): checksums, binary escapes, run-length
// encoding, and the reader splitting gdb's byte stream into packets, acks and ^C.
import Testing
@testable import Debugger

@Suite struct PacketTests {
    @Test func framesWithTheChecksumOfThePayload() {
        // §E.1's own example: `$g#67`? 'g' = 0x67.
        #expect(String(decoding: Packet.frame(Array("g".utf8)), as: UTF8.self) == "$g#67")
        #expect(String(decoding: Packet.frame(Array("OK".utf8)), as: UTF8.self) == "$OK#9a")
        #expect(String(decoding: Packet.frame([]), as: UTF8.self) == "$#00")
    }

    @Test func escapesTheFourSpecialBytes() {
        let raw: [UInt8] = [0x24, 0x23, 0x7D, 0x2A, 0x00, 0x41]
        let escaped = Packet.escapeBinary(raw)
        #expect(escaped == [0x7D, 0x04, 0x7D, 0x03, 0x7D, 0x5D, 0x7D, 0x0A, 0x00, 0x41])
        #expect(Packet.unescapeBinary(escaped) == raw)
        let all = (0...255).map { UInt8($0) }
        #expect(Packet.unescapeBinary(Packet.escapeBinary(all)) == all)
    }

    @Test func expandsRunLengthEncoding() {
        // "0* " is '0' repeated 32 − 29 = 3 more times (§E.1).
        #expect(Packet.expandRunLength(Array("0* ".utf8)) == Array("0000".utf8))
        #expect(Packet.expandRunLength(Array("ab".utf8)) == Array("ab".utf8))
    }

    @Test func hexHelpers() {
        #expect(Packet.hex([0x00, 0xAB, 0x7F]) == "00ab7f")
        #expect(Packet.bytes(hex: "00ab7F") == [0x00, 0xAB, 0x7F])
        #expect(Packet.bytes(hex: "abc") == nil)
        #expect(Packet.bytes(hex: "zz") == nil)
        #expect(Packet.number("401030") == 0x401030)
        #expect(Packet.littleEndian(0x0102_0304, size: 4) == [4, 3, 2, 1])
        #expect(Packet.value(littleEndian: [4, 3, 2, 1]) == 0x0102_0304)
    }

    @Test func readerSplitsTheStream() {
        var r = PacketReader()
        var events: [PacketReader.Event] = []
        for b in Array("+$qC#b4-\u{03}noise$m0,1#00$g#67".utf8) {
            if let e = r.feed(b) { events.append(e) }
        }
        #expect(events == [.ack, .packet(Array("qC".utf8)), .nak, .interrupt, .corrupt, .packet(Array("g".utf8))])
    }
}
