// SPDX-License-Identifier: MIT
// Open file descriptions: read/write/pread/pwrite, O_APPEND, O_TRUNC, lseek, sparse files,
// getdents64 (stable while the directory changes), F_GETFL/F_SETFL, timestamps, populate.
import Testing
@testable import Personality

@Suite struct VFSFileTests {
    @Test func readWriteAppendTruncate() throws {
        let h = Harness()
        let w = try h.file("/f", LinuxFS.O_CREAT | LinuxFS.O_RDWR)
        #expect(try w.write(b("hello")) == 5 && w.offset == 5)
        #expect(try w.pread(count: 10, at: 1) == b("ello") && w.offset == 5)
        #expect(try w.seek(0, whence: LinuxFS.SEEK_SET) == 0)
        #expect(try w.read(count: 3) == b("hel") && w.offset == 3)
        let a = try h.file("/f", LinuxFS.O_WRONLY | LinuxFS.O_APPEND)
        #expect(try a.write(b("!")) == 1 && a.offset == 6)
        #expect(try a.pwrite(b("?"), at: 0) == 1)   // Linux appends anyway (pwrite(2) BUGS)
        #expect(try w.pread(count: 10, at: 0) == b("hello!?"))
        _ = try h.file("/f", LinuxFS.O_WRONLY | LinuxFS.O_TRUNC)
        #expect(h.size("/f") == 0)
        expectErrno(.EBADF) { _ = try a.read(count: 1) }
        let p = try h.file("/f", LinuxFS.O_PATH)
        expectErrno(.EBADF) { _ = try p.read(count: 1) }
        expectErrno(.EBADF) { try p.truncate(to: 0) }
        #expect(try p.stat().size == 0)
    }

    @Test func statusFlags() throws {
        let h = Harness()
        let f = try h.file("/f", LinuxFS.O_CREAT | LinuxFS.O_WRONLY | LinuxFS.O_CLOEXEC | LinuxFS.O_EXCL)
        #expect(f.statusFlags == LinuxFS.O_WRONLY | LinuxFS.O_LARGEFILE)
        f.setStatusFlags(LinuxFS.O_APPEND | LinuxFS.O_NONBLOCK | LinuxFS.O_RDWR | LinuxFS.O_TRUNC)
        #expect(f.statusFlags == LinuxFS.O_WRONLY | LinuxFS.O_LARGEFILE | LinuxFS.O_APPEND | LinuxFS.O_NONBLOCK)
        #expect(!f.canRead && f.canWrite)
    }

    @Test func sparseWritesZeroFill() throws {
        let h = Harness()
        let f = try h.file("/big", LinuxFS.O_CREAT | LinuxFS.O_RDWR)
        let far: Int64 = 5 << 30   // 5 GiB: only the written page is stored
        #expect(try f.pwrite(b("end"), at: far) == 3)
        let st = try f.stat()
        #expect(st.size == far + 3 && st.blocks == 8)
        #expect(try f.pread(count: 4, at: far - 1) == [0] + b("end"))
        #expect(try f.pread(count: 8192, at: 1 << 20) == [UInt8](repeating: 0, count: 8192))
        #expect(try f.seek(0, whence: LinuxFS.SEEK_DATA) == far & ~4095)
        #expect(try f.seek(0, whence: LinuxFS.SEEK_HOLE) == 0)
        #expect(try f.seek(far, whence: LinuxFS.SEEK_HOLE) == far + 3)
        expectErrno(.ENXIO) { _ = try f.seek(far + 3, whence: LinuxFS.SEEK_DATA) }
        // A write across a page boundary and a shrink that cuts a page.
        #expect(try f.pwrite([UInt8](repeating: 7, count: 5000), at: 4000) == 5000)
        try f.truncate(to: 4100)
        #expect(try f.pread(count: 200, at: 3990) == [UInt8](repeating: 0, count: 10) + [UInt8](repeating: 7, count: 100))
        try f.truncate(to: 8000)
        #expect(try f.pread(count: 10, at: 4100) == [UInt8](repeating: 0, count: 10))
        expectErrno(.EFBIG) { _ = try f.pwrite(b("x"), at: Int64.max) }
        expectErrno(.EINVAL) { _ = try f.pwrite(b("x"), at: -1) }
    }

    @Test func getdentsWhileDeleting() throws {
        let h = Harness()
        #expect(h.mkdir("/d") == 0)
        for i in 0..<50 { #expect(h.open("/d/f\(i)", LinuxFS.O_CREAT | LinuxFS.O_WRONLY) == 0) }
        let d = try h.file("/d", LinuxFS.O_RDONLY | LinuxFS.O_DIRECTORY)
        var seen: [String] = []
        // Read in small batches, deleting every entry just returned and one not yet returned.
        while true {
            let buf = try d.getdents64(bufferSize: 100)
            if buf.isEmpty { break }
            var off = 0
            while off < buf.count {
                let reclen = Int(buf[off + 16]) | Int(buf[off + 17]) << 8
                let name = String(decoding: buf[(off + 19)...].prefix { $0 != 0 }, as: UTF8.self)
                seen.append(name)
                if name.hasPrefix("f"), let n = Int(name.dropFirst()) {
                    _ = h.unlink("/d/\(name)")
                    if n + 25 < 50 { _ = h.unlink("/d/f\(n + 25)") }
                }
                off += reclen
            }
        }
        #expect(seen.prefix(2) == [".", ".."])
        #expect(Set(seen).count == seen.count)              // no entry twice
        #expect(seen.contains("f0") && !seen.contains("f49"))
        #expect(try h.names("/d") == [".", ".."])
        // A buffer too small for one record is EINVAL; rewinding lists again.
        #expect(h.open("/d/x", LinuxFS.O_CREAT | LinuxFS.O_WRONLY) == 0)
        #expect(try d.seek(0, whence: LinuxFS.SEEK_SET) == 0)
        expectErrno(.EINVAL) { _ = try d.getdents64(bufferSize: 10) }
        expectErrno(.EINVAL) { _ = try d.seek(0, whence: LinuxFS.SEEK_END) }
        #expect(try d.directoryEntries().map(\.name) == [b("."), b(".."), b("x")])
        #expect(h.unlink("/d/x") == 0 && h.rmdir("/d") == 0)
        expectErrno(.ENOENT) { _ = try d.getdents64(bufferSize: 4096) }
        let f = try h.file("/", LinuxFS.O_RDONLY)
        #expect(try f.directoryEntries().map(\.name) == [b("."), b(".."), b("dev"), b("tmp"), b("proc")])
    }

    @Test func timestampsAndNlink() throws {
        let h = Harness()
        #expect(h.mkdir("/d") == 0)
        let before = try h.stat("/d")
        #expect(h.mkdir("/d/sub") == 0)
        let after = try h.stat("/d")
        #expect(after.mtime > before.mtime && after.nlink == 3)
        let f = try h.file("/d/f", LinuxFS.O_CREAT | LinuxFS.O_RDWR)
        let s0 = try f.stat()
        _ = try f.write(b("x"))
        let s1 = try f.stat()
        #expect(s1.mtime > s0.mtime && s1.ctime > s0.ctime && s1.atime == s0.atime)
        #expect(h.chmod("/d/f", 0o600) == 0)
        let s2 = try f.stat()
        #expect(s2.mtime == s1.mtime && s2.ctime > s1.ctime && s2.mode == LinuxFS.S_IFREG | 0o600)
        try h.vfs.utimens(b("/d/f"), at: h.cwd, times: (Timespec(sec: 5, nsec: 6), Timespec(sec: 0, nsec: LinuxFS.UTIME_OMIT)), as: .root)
        let s3 = try f.stat()
        #expect(s3.atime == Timespec(sec: 5, nsec: 6) && s3.mtime == s2.mtime)
        expectErrno(.EINVAL) { try h.vfs.utimens(b("/d/f"), at: h.cwd, times: (Timespec(sec: 0, nsec: 1_000_000_000), Timespec(sec: 0)), as: .root) }
        #expect(h.link("/d/f", "/d/g") == 0 && h.nlink("/d/f") == 2)
        #expect(h.unlink("/d/f") == 0 && h.nlink("/d/g") == 1)
        #expect(try f.pread(count: 1, at: 0) == b("x"))      // the open file outlives its name
        let raw = try f.stat().x86_64Bytes
        #expect(raw.count == 144 && raw[16] == 1 && raw[24..<28] == [0x80, 0x81, 0, 0])
        #expect(try f.stat().statxBytes.count == 256)
    }

    @Test func populateFromImage() throws {
        let h = Harness()
        try h.vfs.populate([
            VFSEntry(path: "bin", kind: .directory, mode: 0o755, mtime: 100),
            VFSEntry(path: "bin/hello", kind: .file, mode: 0o755, uid: 5, gid: 6, mtime: 200, bytes: b("ELF")),
            VFSEntry(path: "/usr/lib/x", kind: .file, mode: 0o644, mtime: 300, bytes: b("deep")),
            VFSEntry(path: "bin/sh", kind: .symlink, mode: 0o777, mtime: 400, bytes: b("hello")),
        ])
        let st = try h.stat("/bin/sh")
        #expect(st.size == 3 && st.uid == 5 && st.gid == 6 && st.mode == LinuxFS.S_IFREG | 0o755)
        #expect(st.mtime == Timespec(sec: 200))
        #expect(try h.stat("/bin").mtime == Timespec(sec: 100))
        #expect(try h.stat("/usr/lib").mode == LinuxFS.S_IFDIR | 0o755)
        let f = try h.file("/bin/hello", LinuxFS.O_RDWR)
        #expect(try f.write(b("X")) == 1 && f.pread(count: 3, at: 0) == b("XLF"))
        expectErrno(.EINVAL) { try h.vfs.populate([VFSEntry(path: "a/../b", kind: .file, mode: 0o644)]) }
        expectErrno(.EBUSY) { try h.vfs.populate([VFSEntry(path: "proc/x", kind: .file, mode: 0o644)]) }
    }
}
