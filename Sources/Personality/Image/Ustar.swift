// SPDX-License-Identifier: MIT
// The POSIX ustar archive format, read and written from its specification: POSIX.1-2017, XCU
// pax(1), EXTENDED DESCRIPTION, "ustar Interchange Format" (cited below as "ustar"). What emu
// accepts beyond or below the specification is listed in docs/boot-image.md.

/// The ustar archive codec: members are directories, regular files and symbolic links.
public enum Ustar {
    /// One archive member. `name` is normalised: no leading "./", no trailing "/", never empty.
    public struct Member: Equatable, Sendable {
        public var name: String
        public var kind: ImageEntry.Kind
        public var mode: UInt32
        public var uid: UInt32
        public var gid: UInt32
        public var mtime: Int64

        public init(name: String, kind: ImageEntry.Kind, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, mtime: Int64 = 0) {
            self.name = name
            self.kind = kind
            self.mode = mode
            self.uid = uid
            self.gid = gid
            self.mtime = mtime
        }
    }

    /// ustar: "a header logical record" and the data records are 512 octets each.
    static let block = 512

    /// ustar: the header fields, as (offset, length).
    enum Field {
        static let name = (0, 100), mode = (100, 8), uid = (108, 8), gid = (116, 8)
        static let size = (124, 12), mtime = (136, 12), chksum = (148, 8), typeflag = 156
        static let linkname = (157, 100), magic = (257, 6), version = (263, 2)
        static let uname = (265, 32), gname = (297, 32), devmajor = (329, 8), devminor = (337, 8)
        static let prefix = (345, 155)
    }

    /// ustar: magic "ustar" followed by NUL, version "00".
    static let magic: [UInt8] = Array("ustar\0".utf8)
    static let version: [UInt8] = Array("00".utf8)

    /// The largest values the octal fields hold: 7 digits in the 8-octet fields, 11 in the
    /// 12-octet ones (each followed by a NUL terminator, ustar: "terminated by one or more
    /// <space> or <NUL> characters").
    static let maxID: UInt64 = 0o7777777
    static let maxSize: UInt64 = 0o77777777777
    /// ustar: the mode field "provides 12 access permission bits" (TSUID 04000 … TOEXEC 00001).
    static let modeBits: UInt32 = 0o7777

    /// ustar: the checksum is "the simple sum of all octets in the header logical record", each
    /// unsigned, with the chksum field "treated as if it were all <space> characters".
    static func checksum(_ header: ArraySlice<UInt8>) -> UInt64 {
        let base = header.startIndex
        var sum: UInt64 = 0
        for i in 0..<block {
            let inChksum = i >= Field.chksum.0 && i < Field.chksum.0 + Field.chksum.1
            sum += UInt64(inChksum ? 0x20 : header[base + i])
        }
        return sum
    }

    /// Why `member` cannot be written as a ustar header, or nil.
    public static func encodingProblem(_ member: Member) -> String? {
        if member.name.isEmpty { return "an empty member name" }
        if member.name.utf8.contains(0) { return "'\(member.name)': a NUL byte in the name" }
        if splitName(headerName(member)) == nil {
            return "'\(member.name)': the name does not fit ustar's name and prefix fields (at most 255 bytes, split at a '/' into at most 155 + 100)"
        }
        if case .symlink(let target) = member.kind {
            let n = target.utf8.count
            if n == 0 || n > 100 || target.utf8.contains(0) {
                return "'\(member.name)': a symbolic link target must be 1 to 100 bytes without NUL (it is \(n))"
            }
        }
        if case .regular(let data) = member.kind, UInt64(data.count) > maxSize {
            return "'\(member.name)': larger than ustar's 8 GiB limit"
        }
        if member.mode & ~modeBits != 0 { return "'\(member.name)': mode \(String(member.mode, radix: 8)) has bits above 07777" }
        if UInt64(member.uid) > maxID || UInt64(member.gid) > maxID {
            return "'\(member.name)': uid or gid above ustar's limit 2097151"
        }
        if member.mtime < 0 || UInt64(member.mtime) > maxSize {
            return "'\(member.name)': mtime \(member.mtime) is outside ustar's range 0...\(maxSize)"
        }
        return nil
    }

    /// The name as written: a directory's gets a trailing "/", as GNU tar and pax write them.
    static func headerName(_ member: Member) -> [UInt8] {
        Array(member.name.utf8) + (member.kind == .directory ? [UInt8(ascii: "/")] : [])
    }

    /// ustar: "A new pathname shall be formed, if prefix is not an empty string (its first
    /// character is not <NUL>), by concatenating prefix (up to the first <NUL> character), a
    /// <slash> character, and name". Splits at the leftmost '/' that makes both parts fit.
    static func splitName(_ path: [UInt8]) -> (prefix: ArraySlice<UInt8>, name: ArraySlice<UInt8>)? {
        if path.count <= Field.name.1 { return (path[0..<0], path[...]) }
        for (i, b) in path.enumerated() where b == UInt8(ascii: "/") && i > 0 {
            if i > Field.prefix.1 { break }
            let rest = path.count - i - 1
            if rest > 0 && rest <= Field.name.1 { return (path[..<i], path[(i + 1)...]) }
        }
        return nil
    }
}
