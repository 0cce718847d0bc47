// SPDX-License-Identifier: MIT
// The gdb remote serial protocol's framing (gdb manual, Appendix E "GDB Remote Serial Protocol",
// §E.1 "Overview"): `$data#cs` with a two-digit hex checksum of the data bytes modulo 256, `+`/`-`
// acknowledgments until no-ack mode, `}` escapes (the byte XOR 0x20) for `$`, `#`, `}` and `*` in
// binary data, run-length encoding (`*`) in what gdb sends, and the interrupt byte 0x03.

/// Packet encoding and decoding helpers.
public enum Packet {
    /// Escape byte for binary data (`}`).
    public static let escape: UInt8 = 0x7D
    /// The byte gdb sends alone for ^C.
    public static let interrupt: UInt8 = 0x03

    /// The checksum: the sum of the bytes modulo 256.
    public static func checksum<C: Sequence>(_ bytes: C) -> UInt8 where C.Element == UInt8 {
        bytes.reduce(0) { $0 &+ $1 }
    }

    /// `$payload#cs`.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        let cs = checksum(payload)
        return [UInt8(ascii: "$")] + payload + [UInt8(ascii: "#")] + Array(hex(cs).utf8)
    }

    /// Binary data as sent in a packet: `$`, `#`, `}` and `*` become `}` followed by the byte
    /// XOR 0x20 (§E.1, "Binary data").
    public static func escapeBinary(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            if b == UInt8(ascii: "$") || b == UInt8(ascii: "#") || b == escape || b == UInt8(ascii: "*") {
                out.append(escape)
                out.append(b ^ 0x20)
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// The bytes of escaped binary data (`X` packets).
    public static func unescapeBinary<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out: [UInt8] = []
        var escaped = false
        for b in bytes {
            if escaped {
                out.append(b ^ 0x20)
                escaped = false
            } else if b == escape {
                escaped = true
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// Expands run-length encoding: `X*n` repeats X (n − 29) more times (§E.1, "Run-length
    /// encoding"). gdb itself does not send it, but the protocol allows it.
    public static func expandRunLength(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "*"), let last = out.last, i + 1 < bytes.count {
                out.append(contentsOf: repeatElement(last, count: max(0, Int(bytes[i + 1]) - 29)))
                i += 2
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    // MARK: - Hex

    /// Two lower-case hex digits.
    public static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
    }

    /// Bytes as hex pairs, in order.
    public static func hex<C: Sequence>(_ bytes: C) -> String where C.Element == UInt8 {
        var s = ""
        for b in bytes { s += hex(b) }
        return s
    }

    /// The bytes of a string of hex pairs; nil if it is not one.
    public static func bytes<S: StringProtocol>(hex s: S) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = digit(u[i]), let l = digit(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    static func digit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A hex number as gdb writes addresses, lengths and register numbers (no prefix).
    public static func number<S: StringProtocol>(_ s: S) -> UInt64? {
        guard !s.isEmpty, s.count <= 16 else { return nil }
        return UInt64(s, radix: 16)
    }

    /// `value` as `size` little-endian bytes (target byte order).
    public static func littleEndian(_ value: UInt64, size: Int) -> [UInt8] {
        (0..<size).map { UInt8(truncatingIfNeeded: $0 < 8 ? value >> (8 * UInt64($0)) : 0) }
    }

    /// The value of up to 8 little-endian bytes.
    public static func value<C: Collection>(littleEndian bytes: C) -> UInt64 where C.Element == UInt8 {
        var v: UInt64 = 0
        for (k, b) in bytes.prefix(8).enumerated() { v |= UInt64(b) << (8 * UInt64(k)) }
        return v
    }
}

/// Splits the byte stream gdb sends into packets, acknowledgments and interrupts (§E.1). Feed it
/// bytes; it yields events as they complete.
public struct PacketReader {
    /// What the stream held.
    public enum Event: Equatable, Sendable {
        /// A packet whose checksum matched: its payload, unescaped only of run-length encoding.
        case packet([UInt8])
        /// A packet whose checksum did not match (the peer is owed a `-` in ack mode).
        case corrupt
        case ack
        case nak
        case interrupt
    }

    enum State { case idle, payload, checksum1, checksum2 }
    var state = State.idle
    var payload: [UInt8] = []
    var sum: UInt8 = 0
    var given: UInt8 = 0

    public init() {}

    /// Consumes one byte; returns the event it completes, if any.
    public mutating func feed(_ b: UInt8) -> Event? {
        switch state {
        case .idle:
            switch b {
            case UInt8(ascii: "$"):
                state = .payload
                payload = []
                sum = 0
            case UInt8(ascii: "+"): return .ack
            case UInt8(ascii: "-"): return .nak
            case Packet.interrupt: return .interrupt
            default: break   // noise between packets is ignored
            }
        case .payload:
            if b == UInt8(ascii: "#") {
                state = .checksum1
            } else {
                payload.append(b)
                sum &+= b
            }
        case .checksum1:
            given = (Packet.digit(b) ?? 0xFF) << 4
            state = Packet.digit(b) == nil ? .idle : .checksum2
            if state == .idle { return .corrupt }
        case .checksum2:
            state = .idle
            guard let low = Packet.digit(b), given | low == sum else { return .corrupt }
            return .packet(Packet.expandRunLength(payload))
        }
        return nil
    }
}
