// SPDX-License-Identifier: MIT
// What stat(2), fstat(2), lstat(2), newfstatat(2) and statx(2) report (inode(7)), and the byte
// layouts of x86-64 `struct stat` (arch/x86/include/uapi/asm/stat.h) and `struct statx`
// (include/uapi/linux/stat.h) so the syscall layer can copy them out unchanged.

/// A time as `struct timespec`: seconds and nanoseconds since the epoch.
public struct Timespec: Equatable, Hashable, Comparable, Sendable {
    public var sec: Int64
    public var nsec: Int64
    public init(sec: Int64, nsec: Int64 = 0) { self.sec = sec; self.nsec = nsec }
    public static func < (a: Timespec, b: Timespec) -> Bool { (a.sec, a.nsec) < (b.sec, b.nsec) }
}

/// The kind of a node, as the S_IFMT bits of st_mode say (inode(7)).
public enum FileType: UInt32, Sendable {
    case fifo = 0o010000, characterDevice = 0o020000, directory = 0o040000, blockDevice = 0o060000
    case regular = 0o100000, symlink = 0o120000, socket = 0o140000

    /// getdents64(2)'s d_type for this kind.
    public var direntType: UInt8 {
        switch self {
        case .fifo: LinuxFS.DT_FIFO
        case .characterDevice: LinuxFS.DT_CHR
        case .directory: LinuxFS.DT_DIR
        case .blockDevice: LinuxFS.DT_BLK
        case .regular: LinuxFS.DT_REG
        case .symlink: LinuxFS.DT_LNK
        case .socket: LinuxFS.DT_SOCK
        }
    }
}

/// Every field of `struct stat` (stat(2), inode(7)).
public struct Stat: Equatable, Sendable {
    public var dev: UInt64 = 0
    public var ino: UInt64 = 0
    /// File type and permission bits (S_IFMT | 07777).
    public var mode: UInt32 = 0
    public var nlink: UInt64 = 1
    public var uid: UInt32 = 0
    public var gid: UInt32 = 0
    public var rdev: UInt64 = 0
    public var size: Int64 = 0
    public var blksize: Int64 = 4096
    /// Allocated 512-byte blocks.
    public var blocks: Int64 = 0
    public var atime = Timespec(sec: 0)
    public var mtime = Timespec(sec: 0)
    public var ctime = Timespec(sec: 0)

    public init() {}

    public var type: FileType? { FileType(rawValue: mode & LinuxFS.S_IFMT) }
    public var permissions: UInt32 { mode & 0o7777 }

    /// The 144-byte x86-64 `struct stat` (st_dev, st_ino, st_nlink, st_mode, st_uid, st_gid,
    /// pad, st_rdev, st_size, st_blksize, st_blocks, st_atim, st_mtim, st_ctim, 3 reserved).
    public var x86_64Bytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: 144)
        b.put(dev, at: 0); b.put(ino, at: 8); b.put(nlink, at: 16)
        b.put(mode, at: 24); b.put(uid, at: 28); b.put(gid, at: 32)
        b.put(rdev, at: 40); b.put(UInt64(bitPattern: size), at: 48)
        b.put(UInt64(bitPattern: blksize), at: 56); b.put(UInt64(bitPattern: blocks), at: 64)
        for (i, t) in [atime, mtime, ctime].enumerated() {
            b.put(UInt64(bitPattern: t.sec), at: 72 + 16 * i)
            b.put(UInt64(bitPattern: t.nsec), at: 80 + 16 * i)
        }
        return b
    }

    /// The statx(2) basic fields this VFS fills: STATX_BASIC_STATS (0x7ff).
    public static let statxBasicStats: UInt32 = 0x7FF

    /// The 256-byte `struct statx` with stx_mask = STATX_BASIC_STATS; btime is not reported.
    public var statxBytes: [UInt8] {
        var b = [UInt8](repeating: 0, count: 256)
        b.put(Stat.statxBasicStats, at: 0); b.put(UInt32(truncatingIfNeeded: blksize), at: 4)
        b.put(UInt32(truncatingIfNeeded: nlink), at: 16); b.put(uid, at: 20); b.put(gid, at: 24)
        b.put(UInt16(truncatingIfNeeded: mode), at: 28); b.put(ino, at: 32)
        b.put(UInt64(bitPattern: size), at: 40); b.put(UInt64(bitPattern: blocks), at: 48)
        // stx_atime 64, stx_btime 80 (zero), stx_ctime 96, stx_mtime 112: { i64 sec; u32 nsec; i32 pad }.
        for (t, off) in [(atime, 64), (ctime, 96), (mtime, 112)] {
            b.put(UInt64(bitPattern: t.sec), at: off); b.put(UInt32(truncatingIfNeeded: t.nsec), at: off + 8)
        }
        b.put(LinuxFS.major(rdev), at: 128); b.put(LinuxFS.minor(rdev), at: 132)
        b.put(LinuxFS.major(dev), at: 136); b.put(LinuxFS.minor(dev), at: 140)
        return b
    }
}

extension Array where Element == UInt8 {
    /// Stores `value` little-endian at `offset`.
    mutating func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        var v = value.littleEndian
        Swift.withUnsafeBytes(of: &v) { raw in
            for i in 0..<raw.count { self[offset + i] = raw[i] }
        }
    }
}
