// SPDX-License-Identifier: MIT
// How strace(1) shows strings and buffers of the traced process (strace 6.1 src/util.c:
// string_quote, printstr_ex, printpathn): C escapes, octal for other unprintable bytes, at most
// `-s 32` bytes of a buffer or string followed by `...`, paths up to PATH_MAX.

/// The traced process's memory as strace reads it (process_vm_readv): nil if any byte is unreadable.
protocol StraceMemory {
    func read(_ address: UInt64, count: Int) -> [UInt8]?
}

extension AddressSpace: StraceMemory {}

enum StraceQuote {
    /// strace's default `-s` (max_strlen).
    static let maxStringLength = 32
    /// PATH_MAX, the limit printpath reads.
    static let pathMax = 4096

    /// string_quote without QUOTE_0_TERMINATED (or with it: stop at the first NUL), in double quotes.
    /// `hex`: QUOTE_FORCE_HEX (every byte as \xNN, getrandom's buffer).
    static func quote(_ bytes: ArraySlice<UInt8>, stopAtNUL: Bool = false, hex: Bool = false) -> String {
        var s = "\""
        let b = Array(bytes)
        for i in b.indices {
            let c = b[i]
            if stopAtNUL && c == 0 { break }
            if hex {
                s += "\\x" + hexByte(c)
                continue
            }
            switch c {
            case 0x22: s += "\\\""
            case 0x5C: s += "\\\\"
            case 0x0C: s += "\\f"
            case 0x0A: s += "\\n"
            case 0x0D: s += "\\r"
            case 0x09: s += "\\t"
            case 0x0B: s += "\\v"
            case 0x20 ..< 0x7F: s.unicodeScalars.append(Unicode.Scalar(c))
            default:
                // sprint_byte_oct: three digits when an octal digit follows, else as few as needed.
                let next = i + 1 < b.count ? b[i + 1] : 0
                let pad = next >= 0x30 && next <= 0x37
                s += "\\"
                if pad || c >> 6 != 0 { s += String(c >> 6) }
                if pad || c >> 3 != 0 { s += String((c >> 3) & 7) }
                s += String(c & 7)
            }
        }
        return s + "\""
    }

    static func hexByte(_ c: UInt8) -> String {
        let d = Array("0123456789abcdef")
        return String([d[Int(c >> 4)], d[Int(c & 15)]])
    }

    /// printstrn / printstr_ex(addr, len, 0): the first `len` bytes, cut at -s with `...`;
    /// NULL for 0, the address if unreadable.
    static func buffer(_ m: StraceMemory, _ address: UInt64, _ length: UInt64, hex: Bool = false) -> String {
        if address == 0 { return "NULL" }
        let size = Int(min(length, UInt64(maxStringLength + 1)))
        guard let bytes = m.read(address, count: size) else { return StraceFormat.address(address) }
        let shown = bytes.prefix(maxStringLength)
        return quote(shown, hex: hex) + (length > UInt64(maxStringLength) ? "..." : "")
    }

    /// Reads a NUL-terminated string as umovestr does: up to `limit` bytes, page by page; nil if
    /// nothing is readable. `terminated`: a NUL was seen.
    static func readString(_ m: StraceMemory, _ address: UInt64, limit: Int) -> (bytes: [UInt8], terminated: Bool)? {
        var out: [UInt8] = []
        var a = address
        while out.count < limit {
            let n = min(limit - out.count, Int((a | 0xFFF) &- a &+ 1))
            guard let chunk = m.read(a, count: n) else {
                if out.isEmpty { return nil }
                return (out, false)
            }
            if let z = chunk.firstIndex(of: 0) { return (out + chunk[..<z], true) }
            out += chunk
            a &+= UInt64(n)
        }
        return (out, false)
    }

    /// printstr (QUOTE_0_TERMINATED): a C string cut at -s with `...`.
    static func cString(_ m: StraceMemory, _ address: UInt64) -> String {
        if address == 0 { return "NULL" }
        guard let (bytes, terminated) = readString(m, address, limit: maxStringLength + 1) else {
            return StraceFormat.address(address)
        }
        // `...` unless a NUL ends the string within -s + 1 bytes (string_quote looks one byte ahead).
        return quote(bytes.prefix(maxStringLength)) + (terminated && bytes.count <= maxStringLength ? "" : "...")
    }

    /// printpathn: a path of at most `limit` bytes (PATH_MAX - 1 by default), `...` if longer.
    static func path(_ m: StraceMemory, _ address: UInt64, limit: Int = pathMax - 1) -> String {
        if address == 0 { return "NULL" }
        let n = min(limit, pathMax - 1)
        guard let (bytes, terminated) = readString(m, address, limit: n + 1) else { return StraceFormat.address(address) }
        // path[n] = !nul_seen is the sentinel print_quoted_cstring looks at: `...` without a NUL.
        return quote(bytes.prefix(n)) + (terminated ? "" : "...")
    }

    /// A fixed-size char array printed as PRINT_FIELD_CSTRING (up to its NUL, `...` if none).
    static func field(_ bytes: ArraySlice<UInt8>) -> String {
        if let z = bytes.firstIndex(of: 0) { return quote(bytes[bytes.startIndex ..< z]) }
        return quote(bytes) + "..."
    }
}
