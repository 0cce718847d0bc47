// SPDX-License-Identifier: MIT
// The virtual file system of the Linux personality: one namespace made of the in-memory root
// file system (the boot image's files, writable), /dev, /tmp, /proc and host-directory mounts.
// It never touches guest memory: the syscall layer passes paths and data as Swift byte arrays
// and copies results out. The operations are in VFS+*.swift, one file per group of syscalls.
//
// Conventions for callers (the syscall layer):
// - Paths are the guest's bytes without the NUL. `at` is the directory relative paths start
//   from: the working directory for AT_FDCWD, else the dirfd's `OpenFile.node` (a non-directory
//   dirfd gives ENOTDIR for a relative path; EBADF for a bad dirfd is the caller's).
// - `Caller` carries the effective IDs (the real ones for access(2) without AT_EACCESS).
// - umask(2) is the caller's: pass `mode & ~umask` to open(O_CREAT), mkdir and friends.
// - Errors are thrown as `Errno`; the syscall returns `-errno`.

public final class VFS {
    /// The largest file size (MAX_LFS_FILESIZE): writes and truncates beyond it are EFBIG.
    public static let maxFileSize: Int64 = Int64.max

    public let root: Node
    let rootFS: FileSystem
    let clock: () -> Timespec
    private var nextDev: UInt32 = 1
    /// The mount points in the order they were made (mount(8) shows them this way).
    public private(set) var mounts: [(path: [UInt8], fsName: String)] = []

    /// Makes the namespace: `/` (0755), `/dev` with null, zero, random, urandom, tty, console
    /// and the stdin/stdout/stderr/fd links, `/tmp` (1777) and `/proc` from `proc`.
    /// - clock: the time for timestamps (virtual or host time, as the roottask decides).
    /// - randomSeed: seeds /dev/urandom and /dev/random, so runs are reproducible.
    /// - console: what /dev/tty and /dev/console read from and write to.
    public init(clock: @escaping () -> Timespec, randomSeed: UInt64 = 0, console: ConsoleDevice? = nil,
                proc: ProcFS = ProcFS()) {
        self.clock = clock
        rootFS = FileSystem(name: "rootfs", dev: LinuxFS.makedev(0, 1), readOnly: false, clock: clock)
        let r = MemoryDirectory(fs: rootFS, mode: 0o755, uid: 0, gid: 0, parent: nil)
        root = r
        nextDev = 2

        let dev = VFS.makeDirectory(r, "dev", 0o755)
        let devFS = FileSystem(name: "devtmpfs", dev: LinuxFS.makedev(0, nextDev), readOnly: false, clock: clock)
        nextDev += 1
        let devRoot = MemoryDirectory(fs: devFS, mode: 0o755, uid: 0, gid: 0, parent: nil)
        let random = RandomDevice(seed: randomSeed)
        let consoleDevice = ConsoleCharacterDevice(console)
        let devices: [(String, CharacterDevice, UInt32, UInt32, UInt32)] = [
            ("null", NullDevice(), 1, 3, 0o666), ("zero", ZeroDevice(), 1, 5, 0o666),
            ("random", random, 1, 8, 0o666), ("urandom", random, 1, 9, 0o666),
            ("tty", consoleDevice, 5, 0, 0o666), ("console", consoleDevice, 5, 1, 0o600),
        ]
        for (name, d, major, minor, mode) in devices {
            devRoot.insert(Array(name.utf8), DeviceNode(fs: devFS, device: d, rdev: LinuxFS.makedev(major, minor), mode: mode))
        }
        for (name, target) in [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                               ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")] {
            devRoot.insert(Array(name.utf8), MemorySymlink(fs: devFS, target: Array(target.utf8), uid: 0, gid: 0))
        }
        attach(devRoot, on: dev, path: "/dev")

        _ = VFS.makeDirectory(r, "tmp", 0o1777)

        let procDir = VFS.makeDirectory(r, "proc", 0o555)
        let procFS = FileSystem(name: "proc", dev: LinuxFS.makedev(0, nextDev), readOnly: false, clock: clock)
        nextDev += 1
        attach(ProcRoot(fs: procFS, proc: proc), on: procDir, path: "/proc")
    }

    private static func makeDirectory(_ parent: MemoryDirectory, _ name: String, _ mode: UInt32) -> MemoryDirectory {
        let d = MemoryDirectory(fs: parent.fs, mode: mode, uid: 0, gid: 0, parent: parent)
        parent.insert(Array(name.utf8), d)
        return d
    }

    func attach(_ fsRoot: Node, on mountPoint: Node, path: String) {
        fsRoot.covered = mountPoint
        mountPoint.mounted = fsRoot
        mounts.append((Array(path.utf8), fsRoot.fs.name))
    }

    func newDevice() -> UInt64 { defer { nextDev += 1 }; return LinuxFS.makedev(0, nextDev) }

    /// A directory node by absolute path, resolved as root (for the roottask: the initial
    /// working directory of a program, mount points).
    public func directory(_ path: [UInt8]) throws(Errno) -> Node {
        try lookupDirectory(path, at: root, as: .root)
    }

    /// Whether `node` is a mount point or a mounted file system's root (rmdir(2), rename(2): EBUSY).
    func isMountBoundary(_ node: Node) -> Bool { node.mounted != nil || node.covered != nil || node === root }

    /// The entries of a directory for getdents64: host directories are listed once per rewind.
    func listing(_ file: OpenFile) throws(Errno) -> [DirectoryEntry] {
        if let host = file.node as? HostNode {
            if let cached = file.hostHandle as? HostListing { return cached.entries }
            let l = HostListing(entries: try host.entries())
            file.hostHandle = l
            return l.entries
        }
        return try file.node.entries()
    }
}

final class HostListing { let entries: [DirectoryEntry]; init(entries: [DirectoryEntry]) { self.entries = entries } }
