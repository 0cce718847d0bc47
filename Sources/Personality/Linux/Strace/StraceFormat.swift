// SPDX-License-Identifier: MIT
// strace(1)'s number and symbol printing (strace 6.1 src/xlat.c printxval/printflags, src/util.c
// printaddr): an xlat table is a list of (value, name) in strace's order; flags print as
// `A|B|0x40`, an unknown value as `0x11 /* SEEK_??? */`.

/// A strace xlat table: (value, name) pairs in the order strace prints them.
struct XLat {
    let entries: [(UInt64, String)]
    init(_ entries: [(UInt64, String)]) { self.entries = entries }

    func name(_ v: UInt64) -> String? { entries.first { $0.0 == v }?.1 }
}

enum StraceFormat {
    /// printaddr: NULL or %#lx.
    static func address(_ a: UInt64) -> String { a == 0 ? "NULL" : hex(a) }

    /// %#lx: 0 prints as `0`.
    static func hex(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }

    /// %#03o (PRINT_VAL_03O): a leading 0, at least three digits.
    static func octal(_ v: UInt64) -> String {
        let o = v == 0 ? "0" : "0" + String(v, radix: 8)
        return String(repeating: "0", count: max(0, 3 - o.count)) + o
    }

    static func signed(_ v: UInt64) -> String { String(Int64(bitPattern: v)) }
    static func int32(_ v: UInt64) -> String { String(Int32(truncatingIfNeeded: v)) }

    /// printxval: the name, or `%#x /* DFLT */`.
    static func xval(_ v: UInt64, _ t: XLat, _ dflt: String) -> String {
        t.name(v) ?? "\(hex(v)) /* \(dflt) */"
    }

    /// printflags64: every set flag in table order, then what is left as hex; `0` for none
    /// unless the table names 0; all unknown: `%#x /* DFLT */`.
    static func flags(_ v: UInt64, _ t: XLat, _ dflt: String?) -> String {
        var parts: [String] = []
        var rest = v
        for (value, name) in t.entries {
            if value == 0 { if v == 0 { parts.append(name) }; continue }
            if rest & value == value { parts.append(name); rest &= ~value }
        }
        if parts.isEmpty {
            if rest == 0 { return "0" }
            return dflt.map { "\(hex(rest)) /* \($0) */" } ?? hex(rest)
        }
        if rest != 0 { parts.append(hex(rest)) }
        return parts.joined(separator: "|")
    }

    /// sprintflags with a prefix (fcntl F_GETFD's `flags FD_CLOEXEC`): nil when nothing is named.
    static func flagsAux(_ prefix: String, _ v: UInt64, _ t: XLat) -> String? {
        let f = flags(v, t, nil)
        return f == "0" ? nil : prefix + " " + f
    }
}
