// SPDX-License-Identifier: MIT
// One input decoded by emu and by capstone, and how the two verdicts relate.
@testable import CPUCore

struct DecoderComparison {
    enum Kind: String, CaseIterable {
        /// Both accept with the same length.
        case agree
        /// Both accept; the lengths differ.
        case length
        /// emu accepts; capstone rejects.
        case emuOnly
        /// capstone accepts; emu rejects (#UD, or longer than 15 bytes).
        case capstoneOnly
        /// Both reject.
        case bothReject
    }

    static let rip: UInt64 = 0x40_1000

    let bytes: [UInt8]
    let shape: EncodingShape
    let emu: Result<DecodedInstruction, DecodeError>
    let capstone: (length: Int, text: String)?

    init(_ bytes: [UInt8], capstone cs: Capstone) {
        self.bytes = bytes
        shape = EncodingShape(bytes)
        emu = bytes.withUnsafeBytes { var d = Decoder($0); return d.decode(at: DecoderComparison.rip) }
        capstone = cs.decode(bytes, at: DecoderComparison.rip)
    }

    var emuLength: Int? { if case .success(let d) = emu { return Int(d.len) } else { return nil } }
    var emuError: DecodeError? { if case .failure(let e) = emu { return e } else { return nil } }
    var emuOsz: UInt8? { if case .success(let d) = emu { return d.osz } else { return nil } }

    var kind: Kind {
        switch (emuLength, capstone) {
        case (let e?, let c?): return e == c.length ? .agree : .length
        case (_?, nil): return .emuOnly
        case (nil, _?): return .capstoneOnly
        case (nil, nil): return .bothReject
        }
    }

    /// The ModRM byte after the opcode, split into mod, reg, rm.
    var modrm: (mod: UInt8, reg: UInt8, rm: UInt8)? {
        guard let m = shape.modrm(bytes) else { return nil }
        return (m >> 6, (m >> 3) & 7, m & 7)
    }

    var report: String {
        let e: String
        switch emu {
        case .success(let d): e = "emu \(d.len) bytes (\(d.op), osz \(d.osz))"
        case .failure(let err): e = "emu \(err)"
        }
        let c = capstone.map { "capstone \($0.length) bytes (\($0.text))" } ?? "capstone rejects"
        return "\(hex(bytes)): \(e); \(c)"
    }
}
