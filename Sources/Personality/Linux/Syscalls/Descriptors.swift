// SPDX-License-Identifier: MIT
// Calls on file descriptors whatever they refer to: read(2), write(2), readv(2)/writev(2),
// close(2), dup(2)/dup2/dup3, fcntl(2) descriptor flags, ioctl(2) on terminals (ioctl_tty(2):
// TCGETS, TCSETS*, TIOCGWINSZ; ENOTTY elsewhere).

enum ConsoleSyscalls {
    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[0] = read
        t[1] = write
        t[19] = readv
        t[20] = writev
        t[3] = close
        t[32] = { c in dup(c, c.int32(0), minimum: 0, closeOnExec: false) }
        t[33] = { c in dup2(c, c.int32(0), c.int32(1), flags: 0, isDup3: false) }
        t[292] = { c in dup2(c, c.int32(0), c.int32(1), flags: c.arg(2), isDup3: true) }
        t[72] = fcntl
        t[16] = ioctl
    }

    static func descriptor(_ c: SyscallContext, _ fd: Int32) -> FileDescriptor? { c.process.fds[fd] }

    /// At most this much is moved per call (Linux caps a transfer at MAX_RW_COUNT, 2 GiB − 4 KiB).
    static let maxTransfer = 0x7FFF_F000

    /// A transfer's error: EAGAIN from a pipe end without O_NONBLOCK means the call waits
    /// (pipe(7) "I/O on pipes and FIFOs"); it runs again after a signal, or with SA_RESTART.
    static func failure(_ d: FileDescriptor, _ e: Errno) -> SyscallResult {
        if e == .EAGAIN, let pipe = d.object as? PipeEnd, !pipe.nonBlocking { return .block(restartable: true) }
        return .error(e)
    }

    static func read(_ c: SyscallContext) -> SyscallResult {
        guard let d = descriptor(c, c.int32(0)) else { return .error(.EBADF) }
        let count = Int(min(c.arg(2), UInt64(maxTransfer)))
        switch d.object.readBytes(count: count) {
        case .failure(let e): return failure(d, e)
        case .success(let bytes):
            guard c.memory.write(c.arg(1), bytes) else { d.object.unread(bytes); return .error(.EFAULT) }
            return .int(bytes.count)
        }
    }

    static func write(_ c: SyscallContext) -> SyscallResult {
        guard let d = descriptor(c, c.int32(0)) else { return .error(.EBADF) }
        let count = Int(min(c.arg(2), UInt64(maxTransfer)))
        guard let bytes = c.memory.read(c.arg(1), count: count) else { return .error(.EFAULT) }
        switch d.object.writeBytes(bytes) {
        case .failure(let e): return failure(d, e)
        case .success(let n): return .int(n)
        }
    }

    /// The iovec array of readv/writev: (base, length) pairs; EINVAL beyond IOV_MAX (1024).
    static func iovecs(_ c: SyscallContext) -> Result<[(UInt64, Int)], Errno> {
        let n = c.arg(2)
        guard n <= 1024 else { return .failure(.EINVAL) }
        var out: [(UInt64, Int)] = []
        var total = 0
        for i in 0..<n {
            guard let base = c.memory.load64(c.arg(1) + 16 * i), let len = c.memory.load64(c.arg(1) + 16 * i + 8) else {
                return .failure(.EFAULT)
            }
            guard len <= UInt64(Int.max - total) else { return .failure(.EINVAL) }
            total += Int(len)
            out.append((base, Int(len)))
        }
        return .success(out)
    }

    static func writev(_ c: SyscallContext) -> SyscallResult {
        guard let d = descriptor(c, c.int32(0)) else { return .error(.EBADF) }
        let vecs: [(UInt64, Int)]
        switch iovecs(c) { case .failure(let e): return .error(e); case .success(let v): vecs = v }
        var bytes: [UInt8] = []
        for (base, len) in vecs where len > 0 {
            guard let b = c.memory.read(base, count: len) else { return bytes.isEmpty ? .error(.EFAULT) : flush(d, bytes) }
            bytes += b
        }
        return flush(d, bytes)
    }

    static func flush(_ d: FileDescriptor, _ bytes: [UInt8]) -> SyscallResult {
        switch d.object.writeBytes(bytes) {
        case .failure(let e): return failure(d, e)
        case .success(let n): return .int(n)
        }
    }

    static func readv(_ c: SyscallContext) -> SyscallResult {
        guard let d = descriptor(c, c.int32(0)) else { return .error(.EBADF) }
        let vecs: [(UInt64, Int)]
        switch iovecs(c) { case .failure(let e): return .error(e); case .success(let v): vecs = v }
        var done = 0
        for (base, len) in vecs where len > 0 {
            switch d.object.readBytes(count: len) {
            case .failure(let e): return done > 0 ? .int(done) : failure(d, e)
            case .success(let bytes):
                guard c.memory.write(base, bytes) else { d.object.unread(bytes); return done > 0 ? .int(done) : .error(.EFAULT) }
                done += bytes.count
                if bytes.count < len { return .int(done) }
            }
        }
        return .int(done)
    }

    static func close(_ c: SyscallContext) -> SyscallResult {
        guard c.process.closeDescriptor(c.int32(0)) else { return .error(.EBADF) }
        return .zero
    }

    static func dup(_ c: SyscallContext, _ fd: Int32, minimum: Int32, closeOnExec: Bool) -> SyscallResult {
        guard let d = descriptor(c, fd) else { return .error(.EBADF) }
        guard minimum >= 0, minimum < 1024 else { return .error(.EINVAL) }
        let new = c.process.lowestFreeDescriptor(from: minimum)
        guard new < 1024 else { return .error(.EMFILE) }
        c.process.install(FileDescriptor(d.object, closeOnExec: closeOnExec), at: new)
        return .int(Int(new))
    }

    /// dup2(2)/dup3(2): dup3 with equal descriptors is EINVAL, dup2 returns the descriptor.
    static func dup2(_ c: SyscallContext, _ old: Int32, _ new: Int32, flags: UInt64, isDup3: Bool) -> SyscallResult {
        guard let d = descriptor(c, old) else { return .error(.EBADF) }
        guard flags & ~UInt64(0o2000000) == 0 else { return .error(.EINVAL) }      // O_CLOEXEC only
        if old == new { return isDup3 ? .error(.EINVAL) : .int(Int(new)) }
        guard new >= 0, new < 1024 else { return .error(.EBADF) }
        c.process.install(FileDescriptor(d.object, closeOnExec: flags != 0), at: new)
        return .int(Int(new))
    }

    /// fcntl(2): F_DUPFD 0, F_GETFD 1, F_SETFD 2, F_DUPFD_CLOEXEC 1030; the rest go to the file.
    static func fcntl(_ c: SyscallContext) -> SyscallResult {
        let fd = c.int32(0)
        guard let d = descriptor(c, fd) else { return .error(.EBADF) }
        switch c.arg(1) {
        case 0: return dup(c, fd, minimum: c.int32(2), closeOnExec: false)
        case 1030: return dup(c, fd, minimum: c.int32(2), closeOnExec: true)
        case 1: return .int(d.closeOnExec ? 1 : 0)
        case 2: d.closeOnExec = c.arg(2) & 1 != 0; return .zero
        default: return c.personality.fileControl(c, d)
        }
    }

    /// ioctl(2): TCGETS 0x5401, TCSETS/TCSETSW/TCSETSF 0x5402–0x5404, TIOCGWINSZ 0x5413 on a
    /// terminal (the console: 80×24); ENOTTY on anything else.
    static func ioctl(_ c: SyscallContext) -> SyscallResult {
        guard let d = descriptor(c, c.int32(0)) else { return .error(.EBADF) }
        guard d.object.isTerminal else { return .error(.ENOTTY) }
        switch c.arg(1) {
        case 0x5401:
            // struct termios (asm-generic/termbits.h): c_iflag ICRNL|IXON, c_oflag OPOST|ONLCR,
            // c_cflag B38400|CS8|CREAD, c_lflag ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN, c_line 0,
            // c_cc as Linux's defaults (19 bytes), then the speeds of termios2 are not written.
            var t = [UInt8](repeating: 0, count: 36)
            func put32(_ o: Int, _ v: UInt32) { for i in 0..<4 { t[o + i] = UInt8((v >> (8 * UInt32(i))) & 0xFF) } }
            put32(0, 0o2400); put32(4, 0o5); put32(8, 0o277); put32(12, 0o105073)
            let cc: [UInt8] = [3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0]
            for (i, v) in cc.enumerated() { t[17 + i] = v }
            return c.memory.write(c.arg(2), t) ? .zero : .error(.EFAULT)
        case 0x5402, 0x5403, 0x5404:
            return c.memory.read(c.arg(2), count: 36) != nil ? .zero : .error(.EFAULT)
        case 0x5413:
            let ws: [UInt8] = [24, 0, 80, 0, 0, 0, 0, 0]     // ws_row 24, ws_col 80
            return c.memory.write(c.arg(2), ws) ? .zero : .error(.EFAULT)
        default:
            return .error(.ENOTTY)
        }
    }
}
