// SPDX-License-Identifier: MIT
// Host directories mounted into the namespace: reading and writing through, `..` at the mount
// root, symlink escapes refused (EACCES), read-only mounts (EROFS).
import Foundation
import Testing
@testable import Personality

@Suite struct VFSHostMountTests {
    /// A host tree:  base/outside.txt  base/m/{a.txt, sub/b.txt, in -> sub/b.txt,
    /// abs -> /etc/passwd, up -> ../outside.txt, deep -> sub/../../outside.txt, subup -> sub/..}
    private func makeTree() throws -> URL {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("vfs-host-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let m = base.appendingPathComponent("m")
        try fm.createDirectory(at: m.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: base.appendingPathComponent("outside.txt"))
        try Data("alpha".utf8).write(to: m.appendingPathComponent("a.txt"))
        try Data("beta".utf8).write(to: m.appendingPathComponent("sub/b.txt"))
        for (name, target) in [("in", "sub/b.txt"), ("abs", "/etc/passwd"), ("up", "../outside.txt"),
                               ("deep", "sub/../../outside.txt"), ("subup", "sub/..")] {
            try fm.createSymbolicLink(atPath: m.appendingPathComponent(name).path, withDestinationPath: target)
        }
        return base
    }

    @Test func readWriteAndEscapes() throws {
        let base = try makeTree()
        defer { try? FileManager.default.removeItem(at: base) }
        let h = Harness()
        #expect(h.mkdir("/guest") == 0)
        try h.vfs.mountHost(base.appendingPathComponent("m").path, at: b("/guest/host"))
        #expect(try h.file("/guest/host/a.txt").read(count: 100) == b("alpha"))
        #expect(try h.file("/guest/host/in").read(count: 100) == b("beta"))
        #expect(try h.file("/guest/host/subup/a.txt").read(count: 100) == b("alpha"))
        // `..` at the mount root is the guest parent.
        #expect(try h.stat("/guest/host/..").ino == h.stat("/guest").ino)
        #expect(try h.stat("/guest/host/sub/../..").ino == h.stat("/guest").ino)
        // Symlinks that leave the tree are refused.
        for name in ["abs", "up", "deep"] {
            #expect(h.size("/guest/host/\(name)") == -Int64(Errno.EACCES.rawValue), "\(name)")
        }
        #expect(h.readlinkLen("/guest/host/up") == 14)     // readlink itself is fine
        // Writes go through to the host.
        let f = try h.file("/guest/host/sub/new.txt", LinuxFS.O_CREAT | LinuxFS.O_RDWR, 0o600)
        #expect(try f.write(b("written")) == 7)
        #expect(try String(contentsOf: base.appendingPathComponent("m/sub/new.txt"), encoding: .utf8) == "written")
        #expect(h.mkdir("/guest/host/newdir") == 0)
        #expect(h.rename("/guest/host/sub/new.txt", "/guest/host/newdir/moved") == 0)
        #expect(h.size("/guest/host/newdir/moved") == 7)
        #expect(h.rmdir("/guest/host/newdir") == -Int64(Errno.ENOTEMPTY.rawValue))
        #expect(h.rename("/guest/host/newdir", "/guest/host/newdir/x") == -Int64(Errno.EINVAL.rawValue))
        #expect(h.rename("/guest/host/a.txt", "/tmp/a") == -Int64(Errno.EXDEV.rawValue))
        #expect(h.link("/guest/host/a.txt", "/guest/host/a2") == 0 && h.nlink("/guest/host/a.txt") == 2)
        #expect(h.unlink("/guest/host/a2") == 0 && h.unlink("/guest/host/newdir/moved") == 0)
        #expect(h.rmdir("/guest/host/newdir") == 0)
        #expect(h.rmdir("/guest/host") == -Int64(Errno.EBUSY.rawValue))
        #expect(try h.names("/guest/host") == [".", "..", "a.txt", "abs", "deep", "in", "sub", "subup", "up"])
        #expect(h.truncate("/guest/host/a.txt", 2) == 0)
        #expect(try h.file("/guest/host/a.txt").read(count: 10) == b("al"))
        let dir = try h.vfs.directory(b("/guest/host/sub"))
        #expect(try h.vfs.absolutePath(of: dir) == b("/guest/host/sub"))
        #expect(try h.stat("/guest/host/a.txt").uid == 0)
        #expect(h.symlink("../../escape", "/guest/host/sub/esc") == 0)
        #expect(h.size("/guest/host/sub/esc") == -Int64(Errno.EACCES.rawValue))
    }

    @Test func readOnlyMount() throws {
        let base = try makeTree()
        defer { try? FileManager.default.removeItem(at: base) }
        let h = Harness()
        try h.vfs.mountHost(base.appendingPathComponent("m").path, at: b("/ro"), readOnly: true)
        #expect(try h.file("/ro/a.txt").read(count: 100) == b("alpha"))
        let erofs = -Int64(Errno.EROFS.rawValue)
        #expect(h.open("/ro/a.txt", LinuxFS.O_WRONLY) == erofs)
        #expect(h.open("/ro/n", LinuxFS.O_CREAT | LinuxFS.O_WRONLY) == erofs)
        #expect(h.mkdir("/ro/d") == erofs && h.unlink("/ro/a.txt") == erofs && h.rmdir("/ro/sub") == erofs)
        #expect(h.rename("/ro/a.txt", "/ro/b") == erofs && h.chmod("/ro/a.txt", 0o600) == erofs)
        #expect(h.truncate("/ro/a.txt", 0) == erofs && h.access("/ro/a.txt", LinuxFS.W_OK) == erofs)
        #expect(h.symlink("x", "/ro/s") == erofs && h.utimesNow("/ro/a.txt") == erofs)
        #expect(h.access("/ro/a.txt", LinuxFS.R_OK) == 0)
        expectErrno(.ENOENT) { try h.vfs.mountHost(base.appendingPathComponent("missing").path, at: b("/x")) }
        expectErrno(.EBUSY) { try h.vfs.mountHost(base.path, at: b("/ro")) }
    }
}
