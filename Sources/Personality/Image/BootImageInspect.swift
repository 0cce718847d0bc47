// SPDX-License-Identifier: MIT
// `emu inspect`: what an image holds, as text (docs/boot-image.md, "emu inspect").

extension BootImage {
    /// The programs, one line each, then an `ls -l`-like listing of the root file system:
    /// type and permissions, uid/gid, size, mtime (UTC), path (and a link's target).
    public func inspect() -> String {
        var lines: [String] = []
        let n = config.programs.count
        lines.append("boot.json: \(n) program\(n == 1 ? "" : "s")")
        for p in config.programs {
            lines.append("  \(p.isInit ? "init" : "    ") \(p.abi.rawValue.padding(6)) \(p.path)")
            lines.append("       argv \(quoted(p.argv))")
            lines.append("       env  \(quoted(p.env))")
            lines.append("       cwd  \(p.cwd)")
        }
        var files = 0, bytes = 0
        for e in entries { if case .regular(let d) = e.kind { files += 1; bytes += d.count } }
        lines.append("root: \(entries.count) entries, \(files) regular file\(files == 1 ? "" : "s") of \(bytes) bytes")
        let sizes = entries.map { e -> String in
            if case .regular(let d) = e.kind { return String(d.count) }
            if case .symlink(let t) = e.kind { return String(t.utf8.count) }
            return "0"
        }
        let owners = entries.map { "\($0.uid)/\($0.gid)" }
        let sizeWidth = sizes.map(\.count).max() ?? 1, ownerWidth = owners.map(\.count).max() ?? 3
        for (i, e) in entries.enumerated() {
            var line = "\(Self.modeString(e)) \(owners[i].padding(ownerWidth)) \(String(repeating: " ", count: sizeWidth - sizes[i].count))\(sizes[i]) \(Self.utcString(e.mtime)) \(e.path)"
            if case .symlink(let t) = e.kind { line += " -> \(t)" }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func quoted(_ list: [String]) -> String {
        "[" + list.map { s in
            "\"" + s.unicodeScalars.map { c -> String in
                switch c {
                case "\"": "\\\""
                case "\\": "\\\\"
                case "\n": "\\n"
                case "\t": "\\t"
                default: c.value < 0x20 || c.value == 0x7F ? "\\u{\(String(c.value, radix: 16))}" : String(c)
                }
            }.joined() + "\""
        }.joined(separator: ", ") + "]"
    }

    /// As ls -l: the type letter, then rwx for user, group and others with s/S, t/T.
    static func modeString(_ e: ImageEntry) -> String {
        let type: Character = switch e.kind { case .directory: "d"; case .regular: "-"; case .symlink: "l" }
        var s = String(type)
        let special: [(UInt32, Character)] = [(0o4000, "s"), (0o2000, "s"), (0o1000, "t")]
        for who in 0..<3 {
            let bits = (e.mode >> UInt32(6 - 3 * who)) & 7
            s.append(bits & 4 != 0 ? "r" : "-")
            s.append(bits & 2 != 0 ? "w" : "-")
            let (mask, letter) = special[who]
            let x = bits & 1 != 0
            if e.mode & mask != 0 { s.append(x ? letter : Character(letter.uppercased())) } else { s.append(x ? "x" : "-") }
        }
        return s
    }

    /// "YYYY-MM-DD HH:MM" in UTC (the days-to-civil conversion of H. Hinnant's date algorithms).
    static func utcString(_ t: Int64) -> String {
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        let secs = t - days * 86400
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(secs / 3600)):\(two(secs % 3600 / 60))"
    }
}

private extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
