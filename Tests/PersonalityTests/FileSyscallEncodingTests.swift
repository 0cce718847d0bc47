// SPDX-License-Identifier: MIT
// The byte layouts the file syscalls copy out that the native comparison (guests/linux) does
// not print: statx(2)'s struct statx with STATX_MNT_ID, and getdents(2)'s struct linux_dirent.
import Testing
@testable import Personality

@Suite struct FileSyscallEncodingTests {
    func u16(_ b: [UInt8], _ o: Int) -> UInt16 { b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt16.self) } }
    func u32(_ b: [UInt8], _ o: Int) -> UInt32 { b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt32.self) } }
    func u64(_ b: [UInt8], _ o: Int) -> UInt64 { b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: o, as: UInt64.self) } }

    @Test func statxOfAFileHasTheBasicFieldsAndTheMountID() throws {
        let vfs = makeVFS()
        let f = try vfs.open(b("/tmp/x"), at: vfs.root, flags: LinuxFS.O_CREAT | LinuxFS.O_RDWR, mode: 0o640, as: .root)
        _ = try f.write(b("twelve bytes"))
        let st = try vfs.stat(b("/tmp/x"), at: vfs.root, as: .root)
        let x = FileAttributeSyscalls.statxBytes(st)
        #expect(x.count == 256)
        #expect(u32(x, 0) == 0x17FF, "STATX_BASIC_STATS | STATX_MNT_ID")
        #expect(u32(x, 16) == 1 && u32(x, 20) == 0 && u32(x, 24) == 0)      // nlink, uid, gid
        #expect(u16(x, 28) == UInt16(LinuxFS.S_IFREG | 0o640))
        #expect(u64(x, 32) == st.ino && u64(x, 40) == 12)
        #expect(u64(x, 112) == UInt64(st.mtime.sec) && u32(x, 120) == UInt32(st.mtime.nsec))
        #expect(u32(x, 136) == LinuxFS.major(st.dev) && u32(x, 140) == LinuxFS.minor(st.dev))
        #expect(u64(x, 144) == UInt64(LinuxFS.minor(st.dev)))
        // The x86-64 struct stat of the same file agrees.
        let s = st.x86_64Bytes
        #expect(u64(s, 8) == st.ino && u32(s, 24) == LinuxFS.S_IFREG | 0o640 && u64(s, 48) == 12)
    }

    @Test func statxOfADeviceCarriesItsNumberAndAnotherMount() throws {
        let vfs = makeVFS()
        let null = FileAttributeSyscalls.statxBytes(try vfs.stat(b("/dev/null"), at: vfs.root, as: .root))
        let tmp = FileAttributeSyscalls.statxBytes(try vfs.stat(b("/tmp"), at: vfs.root, as: .root))
        #expect(u32(null, 128) == 1 && u32(null, 132) == 3, "rdev 1:3")
        #expect(u64(null, 144) != u64(tmp, 144), "/dev is a mount of its own")
    }

    @Test func legacyDirentRecordsMatchTheGetdents64Listing() throws {
        let vfs = makeVFS()
        try vfs.mkdir(b("/tmp/d"), at: vfs.root, mode: 0o755, as: .root)
        for name in ["a", "abcdef", "a-name-of-13"] {
            _ = try vfs.open(b("/tmp/d/" + name), at: vfs.root, flags: LinuxFS.O_CREAT | LinuxFS.O_WRONLY, mode: 0o644, as: .root)
        }
        try vfs.mkdir(b("/tmp/d/sub"), at: vfs.root, mode: 0o755, as: .root)
        let dir = try vfs.open(b("/tmp/d"), at: vfs.root, flags: LinuxFS.O_DIRECTORY, as: .root)
        let entries = try dir.directoryEntries()
        #expect(entries.count == 6)
        for e in entries {
            let r = FileSyscalls.legacyDirent(e)
            let reclen = Int(u16(r, 16))
            #expect(reclen == r.count && reclen % 8 == 0 && reclen >= 18 + e.name.count + 2)
            #expect(u64(r, 0) == e.ino && Int64(bitPattern: u64(r, 8)) == e.cookie)
            #expect(Array(r[18 ..< 18 + e.name.count]) == e.name && r[18 + e.name.count] == 0)
            #expect(r[reclen - 1] == e.type.direntType)
        }
        #expect(FileSyscalls.legacyDirent(entries.first { $0.name == b("a") }!).count == 24)
        #expect(entries.first { $0.name == b("sub") }?.type == .directory)
    }
}
