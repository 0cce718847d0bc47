// SPDX-License-Identifier: MIT
// Boot images (docs/boot-image.md): round trips, images made by host tar, packing a directory,
// the one-program image of emu run, inspect, and the image-level errors.
import Foundation
import Testing
@testable import Personality

@Suite struct BootImageTests {
    typealias F = ImageFixtures

    @Test func serializeParseRoundTrip() throws {
        let image = F.image
        let bytes = image.serialize()
        let parsed = try BootImage.parse(bytes)
        #expect(parsed == image)
        #expect(parsed.serialize() == bytes, "deterministic, and parse keeps the order")
        #expect(parsed.entries.map(\.path) == ["/", "/bin", "/bin/hello", "/bin/native", "/bin/sh", "/etc", "/etc/empty", "/tmp"])
        #expect(parsed.entries[0].mode == 0o755 && parsed.entries[5].mode == 0o755, "implied directories")
        let t = TemporaryDirectory()
        t.write("x.img", bytes)
        #expect(hostTar(["tf", "x.img"], in: t.path).output == """
            boot.json
            root/
            root/bin/
            root/bin/hello
            root/bin/native
            root/bin/sh
            root/etc/
            root/etc/empty
            root/tmp/

            """)
    }

    @Test func parsesAnImageMadeByHostTar() throws {
        let t = TemporaryDirectory()
        t.write("img/boot.json", #"{"programs":[{"path":"/bin/sh","argv":["sh","-c","true"],"init":true}]}"#)
        t.write("img/root/bin/busybox", [1, 2, 3], mode: 0o755)
        t.symlink("img/root/bin/sh", to: "busybox")
        let long = String(repeating: "l", count: 70) + "/" + String(repeating: "m", count: 70)
        t.write("img/root/data/\(long)/file", "data\n", mode: 0o600)
        #expect(hostTar(["--format=ustar", "-cf", "x.img", "-C", "img", "boot.json", "root"], in: t.path).status == 0)
        let image = try BootImage.parse(t.read("x.img"))
        #expect(image.config.programs[0].argv == ["sh", "-c", "true"])
        let byPath = Dictionary(uniqueKeysWithValues: image.entries.map { ($0.path, $0) })
        #expect(byPath["/bin/busybox"]?.kind == .regular([1, 2, 3]) && byPath["/bin/busybox"]?.mode == 0o755)
        #expect(byPath["/bin/sh"]?.kind == .symlink("busybox"))
        #expect(byPath["/data/\(long)/file"]?.mode == 0o600)
        #expect(image.entries.first?.path == "/")
        // The same directory through emu pack gives the same image.
        #expect(try BootImage.pack(directory: t.path + "/img") == image)
        // And `tar -C DIR .` (members under ./) too.
        #expect(hostTar(["--format=ustar", "-cf", "y.img", "-C", "img", "."], in: t.path).status == 0)
        #expect(try BootImage.parse(t.read("y.img")) == image)
    }

    @Test func packKeepsMetadataAndRefusesSpecialFiles() throws {
        let t = TemporaryDirectory()
        t.write("d/boot.json", #"{"programs":[{"path":"/p","argv":["p"],"init":true}]}"#)
        t.write("d/README", "ignored")
        t.write("d/root/p", [0x7F], mode: 0o4711)
        t.write("d/root/z/b", "b")
        t.write("d/root/z/a", "a")
        t.symlink("d/root/abs", to: "/etc/passwd")
        let image = try BootImage.pack(directory: t.path + "/d/")
        #expect(image.entries.map(\.path) == ["/", "/abs", "/p", "/z", "/z/a", "/z/b"])
        #expect(image.entries[2].mode == 0o4711 && image.entries[1].kind == .symlink("/etc/passwd"))
        var st = stat()
        #expect(lstat(t.path + "/d/root/p", &st) == 0)
        #expect(image.entries[2].mtime == Int64(st.st_mtim.tv_sec) && image.entries[2].uid == st.st_uid)
        #expect(try BootImage.pack(directory: t.path + "/d").serialize() == image.serialize(), "deterministic")

        #expect(mkfifo(t.path + "/d/root/z/fifo", 0o644) == 0)
        F.expectError("z/fifo: a device, FIFO or socket") { _ = try BootImage.pack(directory: t.path + "/d") }
        unlink(t.path + "/d/root/z/fifo")
        do {
            _ = try BootImage.pack(directory: t.path + "/missing")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .unreadable && error.message.contains("missing/boot.json"))
        }
        t.write("e/boot.json", #"{"programs":[{"path":"/p","argv":["p"],"init":true}]}"#)
        F.expectError("e/root") { _ = try BootImage.pack(directory: t.path + "/e") }
        t.write("e/root", "a file")
        F.expectError("e/root is not a directory") { _ = try BootImage.pack(directory: t.path + "/e") }
        t.write("f/boot.json", #"{"programs":[]}"#)
        F.expectError("f/boot.json: no programs") { _ = try BootImage.pack(directory: t.path + "/f") }
    }

    @Test func saveAndLoad() throws {
        let t = TemporaryDirectory()
        try F.image.save(path: t.path + "/a.img")
        #expect(try BootImage.load(path: t.path + "/a.img") == F.image)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.path) == ["a.img"], "no temporary file left")
        do { try F.image.save(path: t.path + "/no/such/dir/a.img"); Issue.record("no error") } catch {
            #expect(error.kind == .unwritable)
        }
        do { _ = try BootImage.load(path: t.path + "/none.img"); Issue.record("no error") } catch {
            #expect(error.kind == .unreadable && error.message.hasPrefix("cannot read "))
        }
        t.write("bad.img", [UInt8](repeating: 0, count: 512))
        F.expectError("bad.img: a lone zero block") { _ = try BootImage.load(path: t.path + "/bad.img") }
    }

    @Test func singleProgram() throws {
        let image = BootImage.singleProgram(executable: [1, 2], name: "hello", argv: ["./hello", "x"], env: ["A=b"], cwd: "/work/dir")
        try image.validate()
        #expect(image.entries.map(\.path) == ["/", "/bin", "/bin/hello", "/work", "/work/dir"])
        #expect(image.entries[2] == ImageEntry(path: "/bin/hello", kind: .regular([1, 2]), mode: 0o755))
        #expect(image.config.programs == [BootConfig.Program(path: "/bin/hello", argv: ["./hello", "x"], env: ["A=b"], cwd: "/work/dir", isInit: true, abi: .linux)])
        #expect(try BootImage.parse(image.serialize()) == image)
        #expect(BootImage.singleProgram(executable: [], name: "..", argv: ["x"], env: [], cwd: "/").config.programs[0].path == "/bin/program")
        #expect(BootImage.singleProgram(executable: [], name: String(repeating: "n", count: 101), argv: ["x"], env: [], cwd: "/").entries.map(\.path) == ["/", "/bin", "/bin/program"])
        F.expectError("programs[0].cwd") { try BootImage.singleProgram(executable: [], name: "p", argv: ["p"], env: [], cwd: "rel").validate() }
    }

    @Test func inspectListsProgramsAndFiles() {
        #expect(F.image.inspect() == """
            boot.json: 2 programs
              init linux  /bin/hello
                   argv ["hello", "a b"]
                   env  ["HOME=/"]
                   cwd  /
                   hedron /bin/native
                   argv ["native"]
                   env  []
                   cwd  /
            root: 8 entries, 3 regular files of 1310 bytes
            drwxr-xr-x 0/0         0 1970-01-01 00:00 /
            drwxr-xr-x 0/0         0 1970-01-01 00:00 /bin
            -rwxr-xr-x 0/0        10 2023-11-14 22:13 /bin/hello
            -rwsr-xr-x 0/0      1300 1970-01-01 00:00 /bin/native
            lrwxrwxrwx 0/0         5 1970-01-01 00:00 /bin/sh -> hello
            drwxr-xr-x 0/0         0 1970-01-01 00:00 /etc
            -rw------- 1000/100    0 2242-03-16 12:56 /etc/empty
            drwxrwxrwt 0/0         0 1970-01-01 00:00 /tmp

            """)
        #expect(BootImage.modeString(ImageEntry(path: "/x", kind: .directory, mode: 0o3754)) == "drwxr-sr-T")
        #expect(BootImage.utcString(-1) == "1969-12-31 23:59" && BootImage.utcString(951_782_400) == "2000-02-29 00:00")
    }

    @Test func imageLevelErrors() {
        func archive(_ members: [Ustar.Member]) -> [UInt8] { Ustar.write(members) }
        let json = Ustar.Member(name: "boot.json", kind: .regular(F.config.encoded()), mode: 0o644)
        let cases: [([Ustar.Member], String)] = [
            ([], "no boot.json in the image"),
            ([Ustar.Member(name: "root", kind: .directory, mode: 0o755)], "no boot.json"),
            ([Ustar.Member(name: "boot.json", kind: .directory, mode: 0o755)], "member boot.json is not a regular file"),
            ([json, Ustar.Member(name: "root", kind: .regular([]), mode: 0)], "member root is not a directory"),
            ([json, Ustar.Member(name: "etc/passwd", kind: .regular([]), mode: 0)], "unexpected member 'etc/passwd'"),
            ([json, Ustar.Member(name: "rootfs", kind: .directory, mode: 0)], "unexpected member 'rootfs'"),
            ([json, Ustar.Member(name: "root/a", kind: .regular([]), mode: 0), Ustar.Member(name: "root/a/b", kind: .regular([]), mode: 0)],
             "'/a/b' lies below the regular file '/a'"),
            ([json, Ustar.Member(name: "root/l", kind: .symlink("/"), mode: 0), Ustar.Member(name: "root/l/x/y", kind: .regular([]), mode: 0)],
             "lies below the symbolic link '/l'"),
            ([Ustar.Member(name: "boot.json", kind: .regular(Array("{}".utf8)), mode: 0)], "boot.json: programs: missing"),
        ]
        for (members, message) in cases {
            F.expectError(message) { _ = try BootImage.parse(archive(members)) }
        }
        var image = F.image
        image.entries.append(ImageEntry(path: "/tmp", kind: .directory, mode: 0))
        F.expectError("'/tmp' appears twice") { try image.validate() }
        image = F.image
        image.entries.append(ImageEntry(path: "tmp/x", kind: .directory, mode: 0))
        F.expectError("not an absolute path") { try image.validate() }
        image = F.image
        image.entries.append(ImageEntry(path: "/old", kind: .directory, mode: 0, mtime: -1))
        F.expectError("mtime -1") { try image.validate() }
    }
}
