// SPDX-License-Identifier: MIT
// Helpers for the VFS tests: a fresh namespace with a fixed clock, byte paths, errno checks,
// and a harness whose calls mirror the C helpers of the native comparison (each returns the
// value or -errno, as a syscall does).
import Testing
@testable import Personality

/// A path as the guest passes it.
func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// A clock that moves one second per reading, so timestamp changes are visible.
final class TestClock: @unchecked Sendable {
    var now = Timespec(sec: 1_000_000, nsec: 0)
    func read() -> Timespec { now.sec += 1; return now }
}

func makeVFS(seed: UInt64 = 42, console: ConsoleDevice? = nil, proc: ProcFS = ProcFS()) -> VFS {
    let clock = TestClock()
    return VFS(clock: { clock.read() }, randomSeed: seed, console: console, proc: proc)
}

/// Expects `body` to fail with `errno`.
func expectErrno(_ errno: Errno, sourceLocation: SourceLocation = #_sourceLocation,
                 _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(errno), but it succeeded", sourceLocation: sourceLocation)
    } catch {
        #expect(error as? Errno == errno, sourceLocation: sourceLocation)
    }
}

/// Syscall-shaped calls on a VFS: each returns the result or -errno.
final class Harness {
    let vfs: VFS
    var cwd: Node
    var caller = Caller.root

    init(_ vfs: VFS = makeVFS(), cwd: String = "/") {
        self.vfs = vfs
        self.cwd = try! vfs.directory(b(cwd))
    }

    func r(_ body: () throws(Errno) -> Int64) -> Int64 {
        do { return try body() } catch { return -Int64(error.rawValue) }
    }
    func open(_ p: String, _ flags: Int32, _ mode: UInt32 = 0o644) -> Int64 {
        r { () throws(Errno) -> Int64 in _ = try vfs.open(b(p), at: cwd, flags: flags, mode: mode, as: caller); return 0 }
    }
    func file(_ p: String, _ flags: Int32 = LinuxFS.O_RDONLY, _ mode: UInt32 = 0o644) throws(Errno) -> OpenFile {
        try vfs.open(b(p), at: cwd, flags: flags, mode: mode, as: caller)
    }
    func mkdir(_ p: String, _ mode: UInt32 = 0o755) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.mkdir(b(p), at: cwd, mode: mode, as: caller); return 0 } }
    func rmdir(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.rmdir(b(p), at: cwd, as: caller); return 0 } }
    func unlink(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.unlink(b(p), at: cwd, as: caller); return 0 } }
    func rename(_ a: String, _ c: String, _ flags: UInt32 = 0) -> Int64 {
        r { () throws(Errno) -> Int64 in try vfs.rename(b(a), at: cwd, to: b(c), at: cwd, flags: flags, as: caller); return 0 }
    }
    func link(_ a: String, _ c: String) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.link(b(a), at: cwd, to: b(c), at: cwd, as: caller); return 0 } }
    func symlink(_ target: String, _ p: String) -> Int64 {
        r { () throws(Errno) -> Int64 in try vfs.symlink(target: b(target), at: b(p), base: cwd, as: caller); return 0 }
    }
    func readlinkLen(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in Int64(try vfs.readlink(b(p), at: cwd, as: caller).count) } }
    func stat(_ p: String, _ flags: Int32 = 0) throws(Errno) -> Stat { try vfs.stat(b(p), at: cwd, flags: flags, as: caller) }
    func statOK(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in _ = try stat(p); return 0 } }
    func size(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in try stat(p).size } }
    func nlink(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in Int64(try stat(p, LinuxFS.AT_SYMLINK_NOFOLLOW).nlink) } }
    func mode(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in Int64(try stat(p, LinuxFS.AT_SYMLINK_NOFOLLOW).mode) } }
    func access(_ p: String, _ m: Int32) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.access(b(p), at: cwd, mode: m, as: caller); return 0 } }
    func chmod(_ p: String, _ m: UInt32) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.chmod(b(p), at: cwd, mode: m, as: caller); return 0 } }
    func truncate(_ p: String, _ n: Int64) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.truncate(b(p), at: cwd, length: n, as: caller); return 0 } }
    func utimesNow(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in try vfs.utimens(b(p), at: cwd, times: nil, as: caller); return 0 } }
    func utimesSet(_ p: String) -> Int64 {
        r { () throws(Errno) -> Int64 in try vfs.utimens(b(p), at: cwd, times: (Timespec(sec: 1), Timespec(sec: 2)), as: caller); return 0 }
    }
    func seekAt(_ p: String, _ off: Int64, _ whence: Int32) -> Int64 { r { () throws(Errno) -> Int64 in try file(p).seek(off, whence: whence) } }
    func preadAt(_ p: String, _ off: Int64) -> Int64 { r { () throws(Errno) -> Int64 in Int64(try file(p).pread(count: 4, at: off).count) } }
    func readDir(_ p: String) -> Int64 {
        r { () throws(Errno) -> Int64 in Int64(try file(p, LinuxFS.O_RDONLY | LinuxFS.O_DIRECTORY).read(count: 16).count) }
    }
    func ftruncRO(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in try file(p).truncate(to: 0); return 0 } }
    func writeRO(_ p: String) -> Int64 { r { () throws(Errno) -> Int64 in Int64(try file(p).write([0x78])) } }
    func writeAt(_ p: String, _ off: Int64, _ n: Int) -> Int64 {
        r { () throws(Errno) -> Int64 in
            Int64(try file(p, LinuxFS.O_WRONLY | LinuxFS.O_CREAT).pwrite([UInt8](repeating: 0x61, count: n), at: off))
        }
    }
    func names(_ p: String) throws(Errno) -> [String] {
        try file(p, LinuxFS.O_RDONLY | LinuxFS.O_DIRECTORY).directoryEntries().map { String(decoding: $0.name, as: UTF8.self) }
    }
}
