// SPDX-License-Identifier: MIT
// path_resolution(7) edge cases.
import Testing
@testable import Personality

@Suite struct VFSPathResolutionTests {
    @Test func dotDotAtRootAndAbsoluteRelative() throws {
        let h = Harness()
        #expect(h.mkdir("/x") == 0 && h.mkdir("/x/y") == 0)
        #expect(try h.stat("/..").ino == h.stat("/").ino)
        #expect(try h.stat("/../../x/./y/..").ino == h.stat("/x").ino)
        h.cwd = try h.vfs.directory(b("/x/y"))
        #expect(try h.stat("..").ino == h.stat("/x").ino)
        #expect(try h.vfs.absolutePath(of: h.cwd) == b("/x/y"))
        #expect(try h.stat("//x///y//").ino == h.stat("/x/y").ino)
    }

    @Test func symlinkLimitIsForty() throws {
        let h = Harness()
        #expect(h.open("/t0", LinuxFS.O_CREAT | LinuxFS.O_WRONLY) == 0)
        for i in 1...41 { #expect(h.symlink("/t\(i - 1)", "/t\(i)") == 0) }
        #expect(h.size("/t40") == 0)               // 40 links followed: fine
        #expect(h.size("/t41") == -Int64(Errno.ELOOP.rawValue))
        #expect(h.nlink("/t41") == 1)              // lstat does not follow
        #expect(h.readlinkLen("/t41") == 4)
    }

    @Test func lengthLimits() {
        let h = Harness()
        let long = "/" + Array(repeating: "a", count: 2100).joined(separator: "/")   // 4200 bytes
        #expect(h.size(long) == -Int64(Errno.ENAMETOOLONG.rawValue))
        #expect(h.size("/" + String(repeating: "n", count: 255)) == -Int64(Errno.ENOENT.rawValue))
        #expect(h.size("/" + String(repeating: "n", count: 256)) == -Int64(Errno.ENAMETOOLONG.rawValue))
        #expect(h.size("") == -Int64(Errno.ENOENT.rawValue))
    }

    @Test func intermediateSymlinksAndNotDirectories() throws {
        let h = Harness()
        #expect(h.mkdir("/d") == 0 && h.symlink("d", "/ld") == 0 && h.symlink("/d/", "/ld2") == 0)
        #expect(h.open("/d/f", LinuxFS.O_CREAT | LinuxFS.O_WRONLY) == 0)
        #expect(try h.stat("/ld/f").ino == h.stat("/d/f").ino)
        #expect(try h.stat("/ld2/f").ino == h.stat("/d/f").ino)
        #expect(h.size("/d/f/g") == -Int64(Errno.ENOTDIR.rawValue))
        #expect(h.size("/d/missing/g") == -Int64(Errno.ENOENT.rawValue))
        // lstat with a trailing slash follows the link (path_resolution(7)).
        #expect(try h.stat("/ld/", LinuxFS.AT_SYMLINK_NOFOLLOW).type == .directory)
        #expect(try h.stat("/ld", LinuxFS.AT_SYMLINK_NOFOLLOW).type == .symlink)
        // A relative path from a non-directory base.
        let f = try h.file("/d/f")
        expectErrno(.ENOTDIR) { _ = try h.vfs.stat(b("x"), at: f.node, as: .root) }
        // AT_EMPTY_PATH names the base itself.
        #expect(try h.vfs.stat([], at: f.node, flags: LinuxFS.AT_EMPTY_PATH, as: .root).ino == h.stat("/d/f").ino)
        expectErrno(.ENOENT) { _ = try h.vfs.stat([], at: f.node, as: .root) }
        expectErrno(.EINVAL) { _ = try h.vfs.stat(b("/d"), at: f.node, flags: 0x10, as: .root) }
    }

    @Test func searchPermissionOnEveryComponent() {
        let h = Harness()
        #expect(h.mkdir("/p", 0o700) == 0 && h.mkdir("/p/q") == 0)
        h.caller = Caller(uid: 1000, gid: 1000)
        #expect(h.size("/p/q") == -Int64(Errno.EACCES.rawValue))
        #expect(h.size("/p/../p") == -Int64(Errno.EACCES.rawValue))
        #expect(h.size("/p") == 4096)   // stat of the directory itself needs no search of it
    }

    @Test func getcwdOfRemovedDirectoryIsENOENT() throws {
        let h = Harness()
        #expect(h.mkdir("/gone") == 0)
        let d = try h.vfs.directory(b("/gone"))
        #expect(h.rmdir("/gone") == 0)
        expectErrno(.ENOENT) { _ = try h.vfs.absolutePath(of: d) }
        expectErrno(.ENOENT) { try h.vfs.mkdir(b("x"), at: d, mode: 0o755, as: .root) }
        expectErrno(.ENOENT) { _ = try h.vfs.open(b("x"), at: d, flags: LinuxFS.O_CREAT | LinuxFS.O_WRONLY, as: .root) }
    }
}
