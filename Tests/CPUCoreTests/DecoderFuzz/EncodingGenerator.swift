// SPDX-License-Identifier: MIT
// Random instruction byte strings biased toward real encodings (SDM Vol. 2A §2.1, Figure 2-1):
// legacy prefixes, an optional REX, a one-byte or 0F-map opcode, then ModRM/SIB/displacement/
// immediate bytes, always padded to the 15-byte architectural limit.

/// The legacy prefixes of SDM Vol. 2A §2.1.1, in group order.
let legacyPrefixes: [UInt8] = [0xF0, 0xF2, 0xF3, 0x2E, 0x36, 0x3E, 0x26, 0x64, 0x65, 0x66, 0x67]

struct EncodingGenerator {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// One 15-byte input. About 15 % are uniform noise, 10 % carry long prefix runs (the 15-byte
    /// limit), and the rest are prefixes + REX + opcode + a ModRM biased toward SIB, RIP-relative
    /// and displacement forms.
    mutating func next() -> [UInt8] {
        let kind = rng.next() % 100
        if kind < 15 { return rng.bytes(15) }
        var out: [UInt8] = []
        let prefixCount: Int
        if kind < 25 {
            prefixCount = 8 + Int(rng.next() % 8)
        } else {
            let r = rng.next() % 100
            prefixCount = r < 40 ? 0 : r < 70 ? 1 : r < 85 ? 2 : r < 95 ? 3 : 4
        }
        for _ in 0..<prefixCount {
            // A REX that is not last is ignored (SDM Vol. 2A §2.2.1); put one in now and then.
            if rng.chance(5) { out.append(0x40 | rng.byte() & 0xF) }
            out.append(rng.pick(legacyPrefixes))
        }
        if rng.chance(50) { out.append(0x40 | rng.byte() & 0xF) }
        if rng.chance(55) {
            out.append(rng.byte())
        } else {
            out.append(0x0F)
            let m = rng.next() % 100
            if m < 6 { out.append(0x38) } else if m < 10 { out.append(0x3A) }
            out.append(rng.byte())
        }
        out.append(modrm())
        if out.last! & 0xC7 == 0x04 || (out.last! & 0xC0 != 0xC0 && out.last! & 7 == 4) {
            // SIB: base 5 (no base with mod 0) one time in four.
            out.append(rng.chance(25) ? (rng.byte() & 0xF8) | 5 : rng.byte())
        }
        while out.count < 15 { out.append(rng.byte()) }
        return Array(out.prefix(15))
    }

    /// ModRM with mod uniform and rm = 4 (SIB) or 5 (RIP-relative with mod 0) more often than chance.
    mutating func modrm() -> UInt8 {
        let mod = UInt8(rng.next() % 4) << 6
        let reg = (rng.byte() & 7) << 3
        let r = rng.next() % 100
        let rm: UInt8 = r < 25 ? 4 : r < 40 ? 5 : rng.byte() & 7
        return mod | reg | rm
    }
}

/// Prefixes, REX and opcode of a byte string, as a decoder of SDM Vol. 2A §2.1 sees them; used to
/// match documented exceptions and to group disagreements in reports.
struct EncodingShape: Hashable, CustomStringConvertible {
    var prefixes: [UInt8] = []
    var rex: UInt8 = 0
    /// 0 = one-byte map, 0x0F, 0x0F38, 0x0F3A.
    var map: UInt16 = 0
    var opcode: UInt8 = 0
    /// Index of the opcode byte (the last byte of the opcode).
    var opcodeIndex = 0

    init(_ bytes: [UInt8]) {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if legacyPrefixes.contains(b) { prefixes.append(b); rex = 0; i += 1; continue }
            if b & 0xF0 == 0x40 { rex = b; i += 1; continue }
            break
        }
        guard i < bytes.count else { return }
        if bytes[i] == 0x0F, i + 1 < bytes.count {
            if (bytes[i + 1] == 0x38 || bytes[i + 1] == 0x3A), i + 2 < bytes.count {
                map = 0x0F00 | UInt16(bytes[i + 1]); i += 2
            } else {
                map = 0x0F; i += 1
            }
        }
        opcodeIndex = min(i, bytes.count - 1)
        opcode = bytes[opcodeIndex]
    }

    func has(_ prefix: UInt8) -> Bool { prefixes.contains(prefix) }
    var rexW: Bool { rex & 8 != 0 }
    /// The ModRM byte, if the input has one after the opcode.
    func modrm(_ bytes: [UInt8]) -> UInt8? { opcodeIndex + 1 < bytes.count ? bytes[opcodeIndex + 1] : nil }

    var description: String {
        let m = map == 0 ? "" : map == 0x0F ? "0F " : "0F \(hex2(UInt8(map & 0xFF))) "
        return m + hex2(opcode)
    }
}

func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}

func hex(_ bytes: [UInt8]) -> String { bytes.map(hex2).joined(separator: " ") }
