// SPDX-License-Identifier: MIT
// Reading a ustar archive (POSIX.1-2017 XCU pax(1), "ustar Interchange Format"), strictly: every
// header is checked and every problem is an ImageError naming the member and its offset. Each
// step consumes at least one 512-octet block and never reads past the input, so any input ends
// in a result or an error.

extension Ustar {
    /// The members of `bytes`, in archive order.
    public static func read(_ bytes: [UInt8]) throws(ImageError) -> [Member] {
        var members: [Member] = []
        var seen = Set<String>()
        var offset = 0
        while true {
            let left = bytes.count - offset
            if left == 0 {
                throw ImageError("archive ends at offset \(offset) without the end-of-archive marker (two zero blocks)")
            }
            if left < block {
                throw ImageError("truncated header at offset \(offset): \(left) bytes left, a header is 512")
            }
            let header = bytes[offset..<(offset + block)]
            // ustar: "At the end of the archive file there shall be two 512-octet logical records
            // filled with binary zeros, interpreted as an end-of-archive indicator."
            if isZero(header) {
                let second = offset + block
                guard second + block <= bytes.count, isZero(bytes[second..<(second + block)]) else {
                    throw ImageError("a lone zero block at offset \(offset): the end of an archive is two zero blocks")
                }
                // What follows the marker can only be the zero padding of the last record.
                if let junk = bytes[(second + block)...].firstIndex(where: { $0 != 0 }) {
                    throw ImageError("data at offset \(junk) after the end-of-archive marker at offset \(offset)")
                }
                return members
            }
            let (member, dataLength) = try parseHeader(header, at: offset, following: bytes)
            let headerOffset = offset
            // ustar: the data records, "(size+511)/512" of them, follow the header.
            offset += block + (dataLength + block - 1) / block * block
            if member.name.isEmpty { continue }  // "./", the archive's top directory
            guard seen.insert(member.name).inserted else {
                throw ImageError("duplicate member '\(member.name)' (header at offset \(headerOffset))")
            }
            members.append(member)
        }
    }

    static func isZero(_ b: ArraySlice<UInt8>) -> Bool { !b.contains { $0 != 0 } }

    /// One header (and, for a regular file, its data). Returns the member, whose name is empty
    /// for the archive's top directory ("./"), and the length of its data.
    static func parseHeader(_ h: ArraySlice<UInt8>, at offset: Int, following bytes: [UInt8]) throws(ImageError) -> (Member, Int) {
        let base = h.startIndex
        func field(_ f: (Int, Int)) -> ArraySlice<UInt8> { h[(base + f.0)..<(base + f.0 + f.1)] }
        func fail(_ what: String) -> ImageError { ImageError("header at offset \(offset): \(what)") }

        let magic = field(Field.magic)
        if Array(magic) != Ustar.magic {
            if Array(magic) == Array("ustar ".utf8) {
                throw fail("GNU tar's old format; create the image with tar --format=ustar")
            }
            throw fail("not a ustar header (no \"ustar\" magic at byte 257)")
        }
        guard Array(field(Field.version)) == Ustar.version else { throw fail("ustar version is not \"00\"") }

        let stored = try octal(field(Field.chksum), "chksum", fail)
        let computed = checksum(h)
        guard stored == computed else {
            throw fail("bad checksum (stored 0o\(String(stored, radix: 8)), computed 0o\(String(computed, radix: 8)))")
        }

        let nameBytes = Array(cString(field(Field.name)))
        let prefix = Array(cString(field(Field.prefix)))
        let raw = prefix.isEmpty ? nameBytes : prefix + [UInt8(ascii: "/")] + nameBytes
        guard let rawName = utf8(raw) else { throw fail("the member name is not UTF-8") }
        func failMember(_ what: String) -> ImageError { ImageError("member '\(rawName)' (header at offset \(offset)): \(what)") }
        if rawName.isEmpty { throw fail("an empty member name") }

        // ustar typeflag values. '7' (high-performance attribute): "Implementations without such
        // extensions should treat this file as a regular file (type 0)."
        let kind: ImageEntry.Kind
        var dataLength = 0
        let size = try octal(field(Field.size), "size", { failMember($0) })
        switch h[base + Field.typeflag] {
        case UInt8(ascii: "0"), 0, UInt8(ascii: "7"):
            let start = offset + block
            guard size <= UInt64(bytes.count - start) else {
                throw failMember("truncated data: \(size) bytes declared, \(bytes.count - start) left")
            }
            dataLength = Int(size)
            let padded = (dataLength + block - 1) / block * block
            guard padded <= bytes.count - start else {
                throw failMember("truncated: the data's last 512-byte block is incomplete")
            }
            kind = .regular(Array(bytes[start..<(start + dataLength)]))
        case UInt8(ascii: "5"):
            // ustar: "No data logical records are stored for types 1, 2, or 5."
            kind = .directory
        case UInt8(ascii: "2"):
            // ustar: for a symbolic link "the size field shall be specified as zero".
            guard size == 0 else { throw failMember("a symbolic link with size \(size) (must be 0)") }
            guard let target = utf8(Array(cString(field(Field.linkname)))), !target.isEmpty else {
                throw failMember("a symbolic link without a UTF-8 target")
            }
            kind = .symlink(target)
        case UInt8(ascii: "1"):
            throw failMember("a hard link; images store hard-linked files as copies (tar --hard-dereference)")
        case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"):
            throw failMember("a device or FIFO; images hold only directories, regular files and symbolic links")
        case UInt8(ascii: "x"), UInt8(ascii: "g"):
            throw failMember("a pax extended header; create the image with tar --format=ustar")
        case UInt8(ascii: "L"), UInt8(ascii: "K"):
            throw failMember("a GNU long-name header; create the image with tar --format=ustar")
        case let t:
            let shown = t >= 0x20 && t < 0x7F ? "'\(Character(Unicode.Scalar(t)))'" : "0x\(String(t, radix: 16))"
            throw failMember("unsupported typeflag \(shown)")
        }

        let mode = try octal(field(Field.mode), "mode", { failMember($0) })
        guard mode & ~UInt64(modeBits) == 0 else {
            throw failMember("mode 0o\(String(mode, radix: 8)) has bits above 07777")
        }
        let uid = try octal(field(Field.uid), "uid", { failMember($0) })
        let gid = try octal(field(Field.gid), "gid", { failMember($0) })
        let mtime = try octal(field(Field.mtime), "mtime", { failMember($0) })
        let name = try normalise(rawName, isDirectory: kind == .directory, { failMember($0) })
        let member = Member(name: name, kind: kind, mode: UInt32(mode), uid: UInt32(uid), gid: UInt32(gid), mtime: Int64(mtime))
        if name.isEmpty && kind != .directory { throw failMember("an empty member name") }
        return (member, dataLength)
    }

    /// ustar: numeric fields "are leading zero-filled octal numbers", each "terminated by one or
    /// more <space> or <NUL> characters". At least one digit is required; a field filled with
    /// digits up to its end is accepted as well.
    static func octal(_ f: ArraySlice<UInt8>, _ what: String, _ fail: (String) -> ImageError) throws(ImageError) -> UInt64 {
        var value: UInt64 = 0
        var i = f.startIndex
        while i < f.endIndex, f[i] >= UInt8(ascii: "0"), f[i] <= UInt8(ascii: "7") {
            value = value << 3 | UInt64(f[i] - UInt8(ascii: "0"))  // at most 12 digits: 36 bits
            i += 1
        }
        let terminated = f[i...].allSatisfy { $0 == 0 || $0 == 0x20 }
        guard i > f.startIndex, terminated else {
            let text = f.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\\(String($0, radix: 8))" }.joined()
            throw fail("the \(what) field \"\(text)\" is not an octal number")
        }
        return value
    }

    /// The bytes of a string field up to its first NUL (ustar: name, linkname and prefix are
    /// NUL-terminated unless they fill the field).
    static func cString(_ f: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        f[..<(f.firstIndex(of: 0) ?? f.endIndex)]
    }

    static func utf8(_ b: [UInt8]) -> String? {
        let s = String(decoding: b, as: UTF8.self)
        return s.utf8.elementsEqual(b) ? s : nil
    }

    /// A member name without "." components and without a directory's trailing "/"; refuses
    /// absolute names, ".." and empty components ("a//b"). "./" itself becomes "".
    static func normalise(_ raw: String, isDirectory: Bool, _ fail: (String) -> ImageError) throws(ImageError) -> String {
        if raw.hasPrefix("/") { throw fail("an absolute member name") }
        var parts = raw.split(separator: "/", omittingEmptySubsequences: false)
        if raw.hasSuffix("/") {
            guard isDirectory else { throw fail("the name ends with '/' but the member is not a directory") }
            parts.removeLast()
        }
        var kept: [Substring] = []
        for p in parts {
            if p.isEmpty { throw fail("an empty path component") }
            if p == ".." { throw fail("a '..' component (the member would escape the image)") }
            if p != "." { kept.append(p) }
        }
        return kept.joined(separator: "/")
    }
}
