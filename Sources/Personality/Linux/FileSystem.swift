// SPDX-License-Identifier: MIT
// The personality's side of the VFS: the namespace made at boot (the image's files, /dev, /tmp,
// /proc with the process table behind it), open files as file-descriptor objects, and the
// standard streams every program starts with.

extension LinuxPersonality {
    /// The VFS with /proc served from the process table (proc(5): self/exe, self/maps,
    /// self/fd, meminfo).
    func makeFileSystem(seed: UInt64) -> VFS {
        let proc = ProcFS()
        proc.processIDs = { [unowned self] in processes.values.filter { $0.state == .running }.map(\.pid).sorted() }
        proc.addProcessSymlink("exe") { [unowned self] pid in processes[pid].map { Array($0.executable.utf8) } }
        proc.addProcessFile("maps") { [unowned self] pid in processes[pid].map { Array(maps(of: $0).utf8) } }
        proc.addProcessDirectory("fd") { [unowned self] pid in
            processes[pid].map { p in p.fds.keys.sorted().map { fd in (Array(String(fd).utf8), Array(p.fds[fd]!.object.describe.utf8)) } }
        }
        proc.addFile("meminfo") { [unowned self] in
            let total = UInt64(frames.total) * 4, free = UInt64(frames.available) * 4
            return Array("MemTotal:       \(total) kB\nMemFree:        \(free) kB\nMemAvailable:   \(free) kB\n".utf8)
        }
        proc.addFile("cpuinfo") { Array(LinuxPersonality.cpuinfo.utf8) }
        let clock = self.clock
        return VFS(clock: { let ns = clock.realtimeNanoseconds; return Timespec(sec: Int64(ns / 1_000_000_000), nsec: Int64(ns % 1_000_000_000)) },
                   randomSeed: seed, console: ConsoleDeviceAdapter(console: console), proc: proc)
    }

    /// /proc/cpuinfo for emu's one CPU, from its CPUID model (Sources/CPUCore/State/CPUIDModel.swift:
    /// vendor, family 6 model 58 stepping 9, the brand string, and the feature flags it advertises
    /// under Linux's names; the Personality does not import CPUCore, so they are repeated here).
    static let cpuinfo = """
        processor	: 0
        vendor_id	: GenuineIntel
        cpu family	: 6
        model		: 58
        model name	: emu x86-64 interpreter (Ivy Bridge model)
        stepping	: 9
        cpu MHz		: 1000.000
        physical id	: 0
        siblings	: 1
        core id		: 0
        cpu cores	: 1
        apicid		: 0
        fpu		: yes
        fpu_exception	: yes
        cpuid level	: 13
        wp		: yes
        flags		: fpu tsc msr pae cx8 pge cmov pat clflush mmx fxsr sse sse2 syscall nx pdpe1gb rdtscp lm constant_tsc nonstop_tsc cx16 lahf_lm smep
        clflush size	: 64
        cache_alignment	: 64
        address sizes	: 36 bits physical, 48 bits virtual

        """

    /// /proc/PID/maps lines (proc(5)): start-end perms offset dev inode name, as fs/proc/task_mmu.c
    /// `show_vma_header_prefix` prints them ("%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", a name
    /// padded to column 73 by `seq_pad`). File mappings show their file offset; dev and inode are 0.
    func maps(of p: LinuxProcess) -> String {
        p.memory.vmas.map { v in
            let perms = (v.protection.contains(.read) ? "r" : "-") + (v.protection.contains(.write) ? "w" : "-")
                + (v.protection.contains(.execute) ? "x" : "-") + "p"
            let offset: UInt64 = if case .file(_, let o, _) = v.content { o } else { 0 }
            var line = String(format: "%08llx-%08llx %@ %08llx 00:00 0 ", v.start, v.end, perms, offset)
            if !v.name.isEmpty {
                line += String(repeating: " ", count: max(0, 73 - line.utf8.count)) + v.name
            }
            return line + "\n"
        }.joined()
    }

    /// Fills the root file system from the boot image.
    func installFileSystem(from entries: [ImageEntry]) throws(Errno) {
        try vfs.populate(entries.map { e in
            switch e.kind {
            case .directory: VFSEntry(path: e.path, kind: .directory, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime)
            case .regular(let b): VFSEntry(path: e.path, kind: .file, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, bytes: b)
            case .symlink(let t): VFSEntry(path: e.path, kind: .symlink, mode: 0o777, uid: e.uid, gid: e.gid, mtime: e.mtime, bytes: Array(t.utf8))
            }
        })
    }

    /// The whole file at `path` (the process manager reading a program).
    func readWholeFile(_ path: String) -> Result<[UInt8], Errno> {
        do throws(Errno) {
            let f = try vfs.open(Array(path.utf8), at: vfs.root, flags: 0, as: .root)
            var out: [UInt8] = []
            while true {
                let b = try f.read(count: 1 << 20)
                if b.isEmpty { return .success(out) }
                out += b
            }
        } catch {
            return .failure(error)
        }
    }

    /// stdin, stdout and stderr on the console (stdout → COM1, stderr → COM2).
    func openStandardFiles(_ p: LinuxProcess) {
        p.install(FileDescriptor(ConsoleFile(console: console, uart: nil)), at: 0)
        p.install(FileDescriptor(ConsoleFile(console: console, uart: Console.com1)), at: 1)
        p.install(FileDescriptor(ConsoleFile(console: console, uart: Console.com2)), at: 2)
    }
}

/// /dev/tty and /dev/console: the console service (writes go to COM1).
final class ConsoleDeviceAdapter: ConsoleDevice {
    let console: Console
    init(console: Console) { self.console = console }
    func read(maxBytes: Int) -> ConsoleInput {
        guard let b = console.input() else { return .bytes([]) }
        return .bytes(Array(b.prefix(maxBytes)))
    }
    func write(_ bytes: [UInt8]) -> Int { console.write(bytes, uart: Console.com1) ? bytes.count : 0 }
}

/// An open file description of the VFS as what a file descriptor refers to.
extension OpenFile: FileObject, MappableFile, FileControl {
    func readBytes(count: Int) -> Result<[UInt8], Errno> {
        do throws(Errno) { return .success(try read(count: count) as [UInt8]) } catch { return .failure(error) }
    }

    func writeBytes(_ bytes: [UInt8]) -> Result<Int, Errno> {
        do throws(Errno) { return .success(try write(bytes) as Int) } catch { return .failure(error) }
    }

    var describe: String { String(decoding: path, as: UTF8.self) }

    func unread(_ bytes: [UInt8]) { if node.seekable { offset -= Int64(bytes.count) } }

    /// A private mapping copies the file as it is now (pread from 0 to the end).
    func mappableContents() -> Result<([UInt8], String), Errno> {
        do throws(Errno) {
            guard canRead else { return .failure(.EACCES) }
            var out: [UInt8] = []
            while true {
                let b = try pread(count: 1 << 20, at: Int64(out.count))
                if b.isEmpty { break }
                out += b
            }
            return .success((out, describe))
        } catch {
            return .failure(error)
        }
    }

    /// fcntl(2) F_GETFL 3, F_SETFL 4.
    func fileControl(command: UInt64, argument: UInt64) -> SyscallResult {
        switch command {
        case 3: return .int(Int(statusFlags))
        case 4: setStatusFlags(Int32(truncatingIfNeeded: argument)); return .zero
        default: return .error(.EINVAL)
        }
    }
}
