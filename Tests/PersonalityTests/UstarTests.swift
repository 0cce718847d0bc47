// SPDX-License-Identifier: MIT
// The ustar codec (Sources/Personality/Image/Ustar*.swift) against POSIX pax's "ustar Interchange
// Format": layout, long names, and every refusal of the reader.
import Foundation
import Testing
@testable import Personality

@Suite struct UstarTests {
    typealias F = ImageFixtures
    static let members = [
        Ustar.Member(name: "d", kind: .directory, mode: 0o755, uid: 1, gid: 2, mtime: 3),
        Ustar.Member(name: "d/f", kind: .regular(Array(0..<200).map { UInt8($0) }), mode: 0o644),
        Ustar.Member(name: "d/l", kind: .symlink("../x"), mode: 0o777),
    ]

    @Test func writtenLayoutFollowsTheSpecification() throws {
        let a = Ustar.write(Self.members)
        // Headers at 0, 512 and 1536, d/f's data block at 1024, two zero blocks.
        #expect(a.count == 512 * 6)
        #expect(Array(a[0..<2]) == Array("d/".utf8) && a[2] == 0)
        #expect(Array(a[257..<265]) == Array("ustar\u{0}00".utf8))
        #expect(String(decoding: a[100..<108], as: UTF8.self) == "0000755\u{0}")
        #expect(a[156] == UInt8(ascii: "5") && a[512 + 156] == UInt8(ascii: "0") && a[1536 + 156] == UInt8(ascii: "2"))
        #expect(String(decoding: a[(512 + 124)..<(512 + 136)], as: UTF8.self) == "00000000310\u{0}")
        #expect(a[(a.count - 1024)...].allSatisfy { $0 == 0 })
        // The checksum field: six octal digits, NUL, space, and it matches.
        let stored = Int(String(decoding: a[148..<154], as: UTF8.self), radix: 8)
        #expect(stored.map(UInt64.init) == Ustar.checksum(a[0..<512]) && a[154] == 0 && a[155] == 0x20)
        #expect(try Ustar.read(a) == Self.members)
        #expect(Ustar.write(Self.members) == a, "deterministic")
    }

    @Test func longNamesUsePrefix() throws {
        let dir = String(repeating: "p", count: 150)
        let name = dir + "/" + String(repeating: "n", count: 100)  // 251 bytes: prefix 150, name 100
        let members = [Ustar.Member(name: name, kind: .regular([1, 2, 3]), mode: 0o644)]
        let a = Ustar.write(members)
        #expect(Array(a[345..<495]) == Array(dir.utf8) && a[495] == 0)
        #expect(Array(a[0..<100]) == Array(String(repeating: "n", count: 100).utf8))
        #expect(try Ustar.read(a) == members)
        // Exactly 100 bytes fit the name field alone (no NUL terminator).
        let hundred = String(repeating: "x", count: 100)
        #expect(try Ustar.read(Ustar.write([Ustar.Member(name: hundred, kind: .regular([]), mode: 0)])).first?.name == hundred)
        // Not splittable: a last component over 100 bytes, or a prefix over 155.
        #expect(Ustar.encodingProblem(Ustar.Member(name: "a/" + String(repeating: "y", count: 101), kind: .directory, mode: 0)) != nil)
        #expect(Ustar.encodingProblem(Ustar.Member(name: String(repeating: "z", count: 156) + "/f", kind: .directory, mode: 0)) != nil)
    }

    @Test func readsWhatHostTarWrites() throws {
        let t = TemporaryDirectory()
        let deep = String(repeating: "d", count: 80) + "/" + String(repeating: "e", count: 60)
        t.write("in/a.txt", "hello\n", mode: 0o640)
        t.write("in/\(deep)/" + String(repeating: "f", count: 90), Array(repeating: 7, count: 5000), mode: 0o755)
        t.symlink("in/link", to: "a.txt")
        #expect(hostTar(["--format=ustar", "-cf", "x.tar", "-C", "in", "."], in: t.path).status == 0)
        let members = try Ustar.read(t.read("x.tar"))
        let byName = Dictionary(uniqueKeysWithValues: members.map { ($0.name, $0) })
        #expect(byName["a.txt"]?.kind == .regular(Array("hello\n".utf8)) && byName["a.txt"]?.mode == 0o640)
        #expect(byName["link"]?.kind == .symlink("a.txt"))
        #expect(byName[deep + "/" + String(repeating: "f", count: 90)]?.kind == .regular(Array(repeating: 7, count: 5000)))
        #expect(byName[String(repeating: "d", count: 80)]?.kind == .directory)
        #expect(byName["."] == nil && byName[""] == nil, "the archive's ./ is dropped")
    }

    @Test func hostTarReadsWhatWeWrite() throws {
        let t = TemporaryDirectory()
        let long = String(repeating: "q", count: 120) + "/" + String(repeating: "r", count: 99)
        let members = Self.members + [Ustar.Member(name: long, kind: .regular(Array("x".utf8)), mode: 0o600)]
        t.write("x.tar", Ustar.write(members))
        let listing = hostTar(["tf", "x.tar"], in: t.path)
        #expect(listing.status == 0)
        #expect(listing.output == "d/\nd/f\nd/l\n\(long)\n")
        t.mkdir("out")
        #expect(hostTar(["xf", "x.tar", "-C", "out"], in: t.path).status == 0)
        #expect(t.read("out/d/f") == Array(0..<200).map { UInt8($0) })
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: t.path + "/out/d/l") == "../x")
    }

    @Test func endOfArchive() {
        let a = Ustar.write(Self.members)
        F.expectError("without the end-of-archive marker") { _ = try Ustar.read(Array(a.dropLast(1024))) }
        F.expectError("a lone zero block") { _ = try Ustar.read(Array(a.dropLast(512))) }
        F.expectError("after the end-of-archive marker") { _ = try Ustar.read(a + [0, 0, 1]) }
        F.expectError("without the end-of-archive marker") { _ = try Ustar.read([]) }
        #expect((try? Ustar.read(a + [UInt8](repeating: 0, count: 9000))) == Self.members, "zero padding of a record")
        #expect((try? Ustar.read([UInt8](repeating: 0, count: 1024))) == [], "an empty archive")
    }

    @Test func truncation() {
        let a = Ustar.write(Self.members)
        F.expectError("truncated header at offset 0") { _ = try Ustar.read(Array(a.prefix(100))) }
        F.expectError("truncated header at offset 512: 100 bytes left") { _ = try Ustar.read(Array(a.prefix(612))) }
        F.expectError("truncated data: 200 bytes declared, 100 left") { _ = try Ustar.read(Array(a.prefix(1124))) }
        F.expectError("incomplete") { _ = try Ustar.read(Array(a.prefix(1024 + 300))) }
        var big = a
        F.patch(&big, header: 512, field: (124, 12), "77777777777")
        F.expectError("truncated data: 8589934591 bytes declared") { _ = try Ustar.read(big) }
    }

    @Test func checksumMagicAndNumbers() {
        let a = Ustar.write(Self.members)
        var b = a
        b[512 + 10] ^= 0x01  // in the name of d/f, checksum left stale
        F.expectError("header at offset 512: bad checksum") { _ = try Ustar.read(b) }
        b = a
        F.patch(&b, header: 0, field: (257, 6), "ustar ")
        F.expectError("GNU tar's old format") { _ = try Ustar.read(b) }
        b = a
        F.patch(&b, header: 0, field: (257, 6), "USTAR")
        F.expectError("not a ustar header") { _ = try Ustar.read(b) }
        b = a
        F.patch(&b, header: 0, field: (263, 2), "01")
        F.expectError("version") { _ = try Ustar.read(b) }
        for (field, name) in [((100, 8), "mode"), ((108, 8), "uid"), ((116, 8), "gid"), ((124, 12), "size"), ((136, 12), "mtime")] {
            for bad in ["00008", "", " 12", "12x", "0o12", "1 2"] {
                var c = a
                F.patch(&c, header: 512, field: field, bad)
                F.expectError("the \(name) field") { _ = try Ustar.read(c) }
            }
        }
        b = a
        F.patch(&b, header: 0, field: (148, 8), "12x4", fixChecksum: false)
        F.expectError("the chksum field") { _ = try Ustar.read(b) }
        b = a
        F.patch(&b, header: 512, field: (100, 8), "0100644")
        F.expectError("bits above 07777") { _ = try Ustar.read(b) }
        // Terminated by spaces instead of NUL, and a field full of digits: both accepted.
        b = a
        F.patch(&b, header: 512, field: (108, 8), "0000001 ")
        F.patch(&b, header: 512, field: (136, 12), "000000000017")
        let m = try? Ustar.read(b)[1]
        #expect(m?.uid == 1 && m?.mtime == 0o17)
    }

    @Test func namesThatEscapeOrRepeat() {
        let a = Ustar.write(Self.members)
        let cases: [(String, String)] = [
            ("/etc/passwd", "an absolute member name"), ("d/../../x", "'..' component"), ("..", "'..' component"),
            ("d//f", "an empty path component"), ("d/f/", "ends with '/' but the member is not a directory"),
            (".", "an empty member name"), ("./", "ends with '/' but the member is not a directory"), ("d", "duplicate member 'd' (header at offset 512)"),
        ]
        for (name, message) in cases {
            var b = a
            F.patch(&b, header: 512, field: (0, 100), name)
            F.expectError(message) { _ = try Ustar.read(b) }
        }
        var b = a
        F.patch(&b, header: 512, field: (0, 100), [0xFF, 0xFE])
        F.expectError("not UTF-8") { _ = try Ustar.read(b) }
        b = a
        F.patch(&b, header: 512, field: (0, 100), "")
        F.expectError("an empty member name") { _ = try Ustar.read(b) }
        // "./d/f" and a directory's "d/" normalise; "./d" repeats "d".
        b = a
        F.patch(&b, header: 512, field: (0, 100), "./d/./f")
        #expect((try? Ustar.read(b))?[1].name == "d/f")
        b = a
        F.patch(&b, header: 512, field: (0, 100), "./d")
        F.setTypeflag(&b, header: 512, UInt8(ascii: "5"))
        // The data block of the former file now reads as a header: that is an error too, but the
        // duplicate comes first.
        F.expectError("duplicate member 'd'") { _ = try Ustar.read(b) }
    }

    @Test func typeflags() {
        let a = Ustar.write(Self.members)
        let refused: [(UInt8, String)] = [
            (UInt8(ascii: "1"), "a hard link"), (UInt8(ascii: "3"), "a device or FIFO"), (UInt8(ascii: "4"), "a device or FIFO"),
            (UInt8(ascii: "6"), "a device or FIFO"), (UInt8(ascii: "x"), "pax extended header"), (UInt8(ascii: "g"), "pax extended header"),
            (UInt8(ascii: "L"), "GNU long-name"), (UInt8(ascii: "K"), "GNU long-name"), (UInt8(ascii: "A"), "unsupported typeflag 'A'"),
            (0x80, "unsupported typeflag 0x80"),
        ]
        for (flag, message) in refused {
            var b = a
            F.setTypeflag(&b, header: 1536, flag)  // the symlink: size 0, so the layout stays intact
            F.expectError(message) { _ = try Ustar.read(b) }
        }
        // '\0' (the pre-POSIX regular file) and '7' (contiguous: "treat as a regular file").
        for flag in [UInt8(0), UInt8(ascii: "7")] {
            var b = a
            F.setTypeflag(&b, header: 512, flag)
            #expect((try? Ustar.read(b))?[1].kind == .regular(Array(0..<200).map { UInt8($0) }))
        }
        var b = a
        F.patch(&b, header: 1536, field: (124, 12), "00000000001")
        F.expectError("a symbolic link with size 1") { _ = try Ustar.read(b) }
        b = a
        F.patch(&b, header: 1536, field: (157, 100), "")
        F.expectError("a symbolic link without a UTF-8 target") { _ = try Ustar.read(b) }
    }

    @Test func encodingProblems() {
        func problem(_ m: Ustar.Member) -> String? { Ustar.encodingProblem(m) }
        #expect(problem(Ustar.Member(name: "", kind: .directory, mode: 0)) != nil)
        #expect(problem(Ustar.Member(name: "l", kind: .symlink(String(repeating: "t", count: 101)), mode: 0)) != nil)
        #expect(problem(Ustar.Member(name: "l", kind: .symlink(""), mode: 0)) != nil)
        #expect(problem(Ustar.Member(name: "m", kind: .directory, mode: 0o10000)) != nil)
        #expect(problem(Ustar.Member(name: "u", kind: .directory, mode: 0, uid: 0o10000000)) != nil)
        #expect(problem(Ustar.Member(name: "t", kind: .directory, mode: 0, mtime: -1)) != nil)
        #expect(problem(Ustar.Member(name: "t", kind: .directory, mode: 0o7777, uid: 0o7777777, gid: 0o7777777, mtime: 0o77777777777)) == nil)
    }
}
