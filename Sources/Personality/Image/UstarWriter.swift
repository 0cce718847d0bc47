// SPDX-License-Identifier: MIT
// Writing a ustar archive (POSIX.1-2017 XCU pax(1), "ustar Interchange Format"). The output is a
// function of the members alone: no clock, no host user names, fixed field formats.

extension Ustar {
    /// The archive of `members`, in their order, ended by two zero blocks. Every member must be
    /// encodable (`encodingProblem` returns nil); `BootImage.validate()` guarantees that.
    public static func write(_ members: [Member]) -> [UInt8] {
        var out: [UInt8] = []
        var total = 2 * block
        for m in members {
            total += block
            if case .regular(let d) = m.kind { total += (d.count + block - 1) / block * block }
        }
        out.reserveCapacity(total)
        for m in members {
            precondition(encodingProblem(m) == nil, "Ustar.write: \(encodingProblem(m) ?? "")")
            out += header(m)
            if case .regular(let data) = m.kind {
                out += data
                out += [UInt8](repeating: 0, count: (block - data.count % block) % block)
            }
        }
        out += [UInt8](repeating: 0, count: 2 * block)
        return out
    }

    /// One 512-octet header. Numeric fields are zero-filled octal with a NUL terminator; the
    /// checksum is six digits, NUL, space (the form pax and GNU tar write). uname and gname stay
    /// empty, so an extracting tar uses the uid and gid fields.
    static func header(_ m: Member) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: block)
        func put(_ f: (Int, Int), _ bytes: some Collection<UInt8>) {
            precondition(bytes.count <= f.1)
            for (i, b) in bytes.enumerated() { h[f.0 + i] = b }
        }
        func putOctal(_ f: (Int, Int), _ v: UInt64) {
            let digits = String(v, radix: 8)
            put(f, Array((String(repeating: "0", count: f.1 - 1 - digits.count) + digits).utf8) + [0])
        }
        let (prefix, name) = splitName(headerName(m))!
        put(Field.name, name)
        put(Field.prefix, prefix)
        putOctal(Field.mode, UInt64(m.mode))
        putOctal(Field.uid, UInt64(m.uid))
        putOctal(Field.gid, UInt64(m.gid))
        putOctal(Field.mtime, UInt64(m.mtime))
        switch m.kind {
        case .regular(let data):
            putOctal(Field.size, UInt64(data.count))
            h[Field.typeflag] = UInt8(ascii: "0")
        case .directory:
            putOctal(Field.size, 0)
            h[Field.typeflag] = UInt8(ascii: "5")
        case .symlink(let target):
            putOctal(Field.size, 0)
            h[Field.typeflag] = UInt8(ascii: "2")
            put(Field.linkname, Array(target.utf8))
        }
        put(Field.magic, Ustar.magic)
        put(Field.version, Ustar.version)
        putOctal(Field.devmajor, 0)
        putOctal(Field.devminor, 0)
        let sum = String(checksum(h[...]), radix: 8)
        put(Field.chksum, Array((String(repeating: "0", count: 6 - sum.count) + sum).utf8) + [0, 0x20])
        return h
    }
}
