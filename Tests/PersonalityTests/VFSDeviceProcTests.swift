// SPDX-License-Identifier: MIT
// /dev (null(4), zero(4), random(4), tty(4)) and the synthetic /proc (proc(5)).
import Testing
@testable import Personality

final class TestConsole: ConsoleDevice {
    var input: [UInt8] = []
    var output: [UInt8] = []
    var ended = false
    func read(maxBytes: Int) -> ConsoleInput {
        if input.isEmpty { return ended ? .bytes([]) : .wouldBlock }
        let n = min(maxBytes, input.count)
        defer { input.removeFirst(n) }
        return .bytes(Array(input.prefix(n)))
    }
    func write(_ bytes: [UInt8]) -> Int { output += bytes; return bytes.count }
}

@Suite struct VFSDeviceProcTests {
    @Test func nullZeroUrandom() throws {
        let h = Harness(makeVFS(seed: 7))
        let null = try h.file("/dev/null", LinuxFS.O_RDWR)
        #expect(try null.read(count: 10) == [] && null.write(b("gone")) == 4)
        #expect(try null.seek(100, whence: LinuxFS.SEEK_SET) == 0)
        let zero = try h.file("/dev/zero")
        #expect(try zero.read(count: 5) == [0, 0, 0, 0, 0])
        let st = try h.stat("/dev/null")
        #expect(st.mode == LinuxFS.S_IFCHR | 0o666 && st.rdev == LinuxFS.makedev(1, 3))
        #expect(try h.stat("/dev/urandom").rdev == LinuxFS.makedev(1, 9))
        let r1 = try Harness(makeVFS(seed: 7)).file("/dev/urandom").read(count: 32)
        let r2 = try Harness(makeVFS(seed: 7)).file("/dev/urandom").read(count: 32)
        let r3 = try Harness(makeVFS(seed: 8)).file("/dev/urandom").read(count: 32)
        #expect(r1 == r2 && r1 != r3 && Set(r1).count > 10)
        #expect(h.unlink("/dev/null/") == -Int64(Errno.ENOTDIR.rawValue))
        #expect(h.rmdir("/dev") == -Int64(Errno.EBUSY.rawValue))
        #expect(try h.stat("/tmp").mode == LinuxFS.S_IFDIR | 0o1777)
        #expect(h.rename("/tmp", "/tmp2") == 0)      // /tmp is a plain directory of the root fs
        #expect(h.rename("/dev/null", "/null") == -Int64(Errno.EXDEV.rawValue))
    }

    @Test func consoleDevices() throws {
        let console = TestConsole()
        let h = Harness(makeVFS(console: console))
        let tty = try h.file("/dev/tty", LinuxFS.O_RDWR)
        #expect(tty.isTerminal)
        #expect(try tty.write(b("hi\n")) == 3 && console.output == b("hi\n"))
        expectErrno(.EAGAIN) { _ = try tty.read(count: 10) }
        console.input = b("abc")
        #expect(try tty.read(count: 2) == b("ab"))
        expectErrno(.ESPIPE) { _ = try tty.seek(0, whence: LinuxFS.SEEK_CUR) }
        expectErrno(.ESPIPE) { _ = try tty.pread(count: 1, at: 0) }
        console.ended = true
        #expect(try tty.read(count: 5) == b("c") && tty.read(count: 5) == [])
        let c = try h.file("/dev/console", LinuxFS.O_WRONLY)
        #expect(try c.write(b("x")) == 1 && console.output == b("hi\nx"))
        #expect(!(try h.file("/dev/null")).isTerminal)
    }

    @Test func procGeneratedOnOpen() throws {
        let proc = ProcFS()
        var counter = 0
        proc.addFile("meminfo") { counter += 1; return Array("MemTotal: \(counter) kB\n".utf8) }
        proc.addFile("cpuinfo") { b("processor\t: 0\n") }
        proc.addProcessFile("maps") { pid in pid == 7 ? b("00400000-00401000 r-xp 00000000 00:00 0 /bin/x\n") : nil }
        proc.addProcessSymlink("exe") { pid in pid == 7 ? b("/bin/x") : nil }
        proc.addProcessDirectory("fd") { pid in pid == 7 ? [(b("0"), b("/dev/tty")), (b("3"), b("/tmp/f"))] : nil }
        proc.processIDs = { [7] }
        let h = Harness(makeVFS(proc: proc))
        h.caller = Caller(pid: 7)
        let m = try h.file("/proc/meminfo")
        #expect(try m.read(count: 100) == b("MemTotal: 1 kB\n"))
        #expect(try m.pread(count: 100, at: 0) == b("MemTotal: 1 kB\n"))   // fixed for this open
        #expect(try h.file("/proc/meminfo").read(count: 100) == b("MemTotal: 2 kB\n"))
        #expect(try h.stat("/proc/meminfo").size == 0)
        #expect(try h.vfs.readlink(b("/proc/self"), at: h.cwd, as: h.caller) == b("7"))
        #expect(try h.vfs.readlink(b("/proc/self/exe"), at: h.cwd, as: h.caller) == b("/bin/x"))
        #expect(try h.file("/proc/self/maps").read(count: 4096).starts(with: b("00400000")))
        #expect(try h.names("/proc/self/fd") == [".", "..", "0", "3"])
        #expect(try h.vfs.readlink(b("/proc/7/fd/3"), at: h.cwd, as: h.caller) == b("/tmp/f"))
        #expect(try h.stat("/proc/self/fd/0").rdev == LinuxFS.makedev(5, 0))   // followed to /dev/tty
        #expect(try h.stat("/dev/stdin").rdev == LinuxFS.makedev(5, 0))
        #expect(try h.names("/proc") == [".", "..", "7", "cpuinfo", "meminfo", "self"])
        #expect(try h.names("/proc/7") == [".", "..", "exe", "fd", "maps"])
        #expect(h.size("/proc/8/maps") == -Int64(Errno.ENOENT.rawValue))
        // What Linux answers as root (checked on the host): root may open for writing, the
        // write is EIO; names cannot be made (ENOENT) or removed (EPERM).
        let w = try h.file("/proc/meminfo", LinuxFS.O_WRONLY)
        expectErrno(.EIO) { _ = try w.write(b("x")) }
        expectErrno(.EINVAL) { _ = try m.seek(0, whence: LinuxFS.SEEK_END) }
        #expect(h.open("/proc/new", LinuxFS.O_CREAT | LinuxFS.O_WRONLY) == -Int64(Errno.ENOENT.rawValue))
        #expect(h.mkdir("/proc/d") == -Int64(Errno.ENOENT.rawValue))
        #expect(h.symlink("a", "/proc/d") == -Int64(Errno.ENOENT.rawValue))
        #expect(h.unlink("/proc/meminfo") == -Int64(Errno.EPERM.rawValue))
        #expect(h.rmdir("/proc/self/fd") == -Int64(Errno.EPERM.rawValue))
        #expect(h.rename("/proc/meminfo", "/proc/x") == -Int64(Errno.ENOENT.rawValue))
        #expect(h.rmdir("/proc") == -Int64(Errno.EBUSY.rawValue))
        h.caller = Caller(pid: 7, uid: 1000, gid: 1000)
        #expect(h.open("/proc/meminfo", LinuxFS.O_WRONLY) == -Int64(Errno.EACCES.rawValue))
        h.caller = Caller(pid: 7)
        #expect(try h.vfs.absolutePath(of: h.vfs.lookupDirectory(b("/proc/self/fd"), at: h.cwd, as: h.caller)) == b("/proc/7/fd"))
    }

    @Test func permissionsForNonRoot() throws {
        let h = Harness()
        #expect(h.mkdir("/home") == 0 && h.mkdir("/home/u", 0o750) == 0)
        try h.vfs.chown(b("/home/u"), at: h.cwd, uid: 1000, gid: 100, as: .root)
        let u = Caller(uid: 1000, gid: 1000), g = Caller(uid: 1001, gid: 2000, groups: [100]), o = Caller(uid: 1002, gid: 1002)
        h.caller = u
        #expect(h.open("/home/u/f", LinuxFS.O_CREAT | LinuxFS.O_WRONLY, 0o640) == 0)
        #expect(h.open("/home/u/f", LinuxFS.O_RDWR) == 0)
        #expect(h.chmod("/home/u/f", 0o2640) == 0 && h.mode("/home/u/f") == Int64(LinuxFS.S_IFREG | 0o2640))
        try h.vfs.chown(b("/home/u/f"), at: h.cwd, uid: nil, gid: 100, as: .root)
        // chmod(2): outside the file's group, S_ISGID is dropped.
        #expect(h.chmod("/home/u/f", 0o2640) == 0 && h.mode("/home/u/f") == Int64(LinuxFS.S_IFREG | 0o640))
        try h.vfs.chown(b("/home/u/f"), at: h.cwd, uid: nil, gid: 1000, as: .root)
        expectErrno(.EPERM) { try h.vfs.chown(b("/home/u/f"), at: h.cwd, uid: 0, gid: nil, as: u) }
        h.caller = g
        #expect(h.access("/home/u", LinuxFS.R_OK | LinuxFS.X_OK) == 0)
        #expect(h.access("/home/u", LinuxFS.W_OK) == -Int64(Errno.EACCES.rawValue))
        #expect(h.open("/home/u/f", LinuxFS.O_RDONLY) == -Int64(Errno.EACCES.rawValue))   // file group is 1000
        h.caller = o
        #expect(h.size("/home/u/f") == -Int64(Errno.EACCES.rawValue))
        h.caller = .root
        #expect(h.access("/home/u/f", LinuxFS.R_OK | LinuxFS.W_OK) == 0)
        #expect(h.access("/home/u/f", LinuxFS.X_OK) == -Int64(Errno.EACCES.rawValue))
        #expect(h.mkdir("/tmp/rootdir") == 0)
        h.caller = u
        #expect(h.rename("/tmp/rootdir", "/tmp/mine") == -Int64(Errno.EPERM.rawValue))   // sticky /tmp
        #expect(h.open("/tmp/ufile", LinuxFS.O_CREAT | LinuxFS.O_WRONLY) == 0)
        h.caller = o
        #expect(h.unlink("/tmp/ufile") == -Int64(Errno.EPERM.rawValue))
        h.caller = u
        #expect(h.unlink("/tmp/ufile") == 0)
    }
}
