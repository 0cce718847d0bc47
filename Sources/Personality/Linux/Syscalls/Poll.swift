// SPDX-License-Identifier: MIT
// poll(2), ppoll(2), select(2), pselect6(2) on pipes, the console and files. Files are always
// ready (DEFAULT_POLLMASK); a pipe's read end is readable with data or without writers (POLLHUP),
// its write end writable with room (POLLERR without readers); console input is ready when the
// console says a read would not block. Pipes are not shared between processes, so while a process
// waits only console input and signals can change anything: a wait without console input
// advances the clock by the timeout and returns 0; an infinite one blocks until a signal is sent
// to the process (SyscallResult.block), then fails with EINTR.

enum PollSyscalls {
    static let POLLIN: Int16 = 0x1, POLLPRI: Int16 = 0x2, POLLOUT: Int16 = 0x4, POLLERR: Int16 = 0x8
    static let POLLHUP: Int16 = 0x10, POLLNVAL: Int16 = 0x20, POLLRDNORM: Int16 = 0x40, POLLWRNORM: Int16 = 0x100
    static let readable = POLLIN | POLLRDNORM, writable = POLLOUT | POLLWRNORM

    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[7] = { c in                                               // poll: timeout in ms, < 0 infinite
            let ms = c.int32(2)
            return run { () throws(Errno) in try poll(c, timeout: ms < 0 ? nil : UInt64(ms) * 1_000_000, update: nil) }
        }
        t[271] = { c in                                             // ppoll
            run { () throws(Errno) in
                try checkSigmask(c, c.arg(3), size: c.arg(4))
                return try poll(c, timeout: try readTimeout(c, c.arg(2), unit: 1), update: c.arg(2))
            }
        }
        t[23] = { c in                                              // select: struct timeval
            run { () throws(Errno) in try select(c, timeout: try readTimeout(c, c.arg(4), unit: 1000), update: c.arg(4), unit: 1000) }
        }
        t[270] = { c in                                             // pselect6: timespec, {sigset*, size}
            run { () throws(Errno) in
                if c.arg(5) != 0 {
                    guard let set = c.memory.load64(c.arg(5)), let size = c.memory.load64(c.arg(5) + 8) else { throw .EFAULT }
                    try checkSigmask(c, set, size: size)
                }
                return try select(c, timeout: try readTimeout(c, c.arg(4), unit: 1), update: c.arg(4), unit: 1)
            }
        }
    }

    /// The signal mask argument: sigsetsize must be 8 (EINVAL). Not applied while waiting (a known
    /// gap, docs/personality.md): a blocked ppoll/pselect6 wakes for any signal sent to the
    /// process and fails with EINTR if one is deliverable under the process's own mask.
    static func checkSigmask(_ c: SyscallContext, _ set: UInt64, size: UInt64) throws(Errno) {
        if set != 0 && size != 8 { throw .EINVAL }
    }

    /// A timespec (unit 1) or timeval (unit 1000) in nanoseconds; nil for a NULL pointer
    /// (infinite). EFAULT, EINVAL for negative or out-of-range fields.
    static func readTimeout(_ c: SyscallContext, _ address: UInt64, unit: UInt64) throws(Errno) -> UInt64? {
        if address == 0 { return nil }
        guard let s = c.memory.load64(address), let f = c.memory.load64(address + 8) else { throw .EFAULT }
        guard Int64(bitPattern: s) >= 0, f < 1_000_000_000 / unit else { throw .EINVAL }
        return s &* 1_000_000_000 &+ f * unit
    }

    /// The events `object` has now (before masking with what was asked).
    static func events(_ c: SyscallContext, _ object: FileObject, wait ms: Int32 = 0) -> Int16 {
        if let p = object as? PipeEnd {
            if p.isWriteEnd {
                return (p.buffer.count < PipeBuffer.capacity ? writable : 0) | (p.buffer.readers == 0 ? POLLERR : 0)
            }
            return (p.buffer.count > 0 ? readable : 0) | (p.buffer.writers == 0 ? POLLHUP : 0)
        }
        if let f = object as? ConsoleFile {
            if f.uart != nil { return writable }
            return c.personality.console.inputReady(ms) ? readable : 0
        }
        if let f = object as? OpenFile, f.isTerminal {
            return (f.canWrite ? writable : 0) | (f.canRead && c.personality.console.inputReady(ms) ? readable : 0)
        }
        return readable | writable
    }

    static func readsConsole(_ object: FileObject) -> Bool {
        if let f = object as? ConsoleFile { return f.uart == nil }
        if let f = object as? OpenFile { return f.isTerminal && f.canRead }
        return false
    }

    /// Waits up to `timeout` (nil: no limit) when nothing was ready: for console input if it is
    /// watched (true when it became ready), else by advancing the clock.
    static func wait(_ c: SyscallContext, timeout: UInt64?, console: Bool) -> Bool {
        if timeout == 0 { return false }
        if console {
            let ms = timeout.map { Int32(clamping: ($0 + 999_999) / 1_000_000) } ?? -1
            if c.personality.console.inputReady(ms) { return true }
        } else if let t = timeout {
            c.personality.clock.sleep(nanoseconds: t)
        }
        return false
    }

    /// ppoll(2)/select(2) write back the time left: all of it when something was ready at once,
    /// none after a timeout.
    static func storeRemaining(_ c: SyscallContext, _ address: UInt64?, left: UInt64?, unit: UInt64) throws(Errno) {
        guard let address, address != 0, let left else { return }
        guard c.memory.store64(address, left / 1_000_000_000), c.memory.store64(address + 8, left % 1_000_000_000 / unit) else {
            throw .EFAULT
        }
    }

    /// poll(2): struct pollfd { int fd; short events; short revents; }. EINVAL for more than
    /// RLIMIT_NOFILE entries; POLLNVAL for a descriptor that is not open; negative fds ignored.
    static func poll(_ c: SyscallContext, timeout: UInt64?, update: UInt64?) throws(Errno) -> SyscallResult {
        let n = c.arg(1)
        guard n <= ProcessSyscalls.limit(7, c.process, c.personality)!.0 else { throw .EINVAL }
        guard var b = c.memory.read(c.arg(0), count: Int(n) * 8) else { throw .EFAULT }
        func scan() -> (Int, Bool) {
            var ready = 0, console = false
            for i in 0..<Int(n) {
                let fd = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: Int32.self) }
                let asked = b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i + 4, as: Int16.self) }
                var revents: Int16 = 0
                if fd >= 0 {
                    if let d = c.process.fds[fd] {
                        revents = events(c, d.object) & (asked | POLLERR | POLLHUP)
                        if asked & readable != 0 && readsConsole(d.object) { console = true }
                    } else {
                        revents = POLLNVAL
                    }
                }
                b.put(revents, at: 8 * i + 6)
                if revents != 0 { ready += 1 }
            }
            return (ready, console)
        }
        var (ready, console) = scan()
        // Nothing ready, no limit, nothing the host can change: wait for a signal.
        if ready == 0 && timeout == nil && !console { return .block(restartable: false) }
        var left = timeout
        if ready == 0 {
            if wait(c, timeout: timeout, console: console) { (ready, _) = scan() }
            if ready == 0 { left = 0 }
        }
        guard c.memory.write(c.arg(0), b) else { throw .EFAULT }
        try storeRemaining(c, update, left: left, unit: 1)
        return .int(ready)
    }

    /// select(2)/pselect6(2): three fd_set bitmaps of nfds bits; EBADF for a set descriptor
    /// that is not open, EINVAL for a negative nfds. Returns the number of bits left set.
    static func select(_ c: SyscallContext, timeout: UInt64?, update: UInt64, unit: UInt64) throws(Errno) -> SyscallResult {
        let nfds = c.int32(0)
        if nfds < 0 { throw .EINVAL }
        let n = Int(min(nfds, 1024))
        let bytes = (n + 63) / 64 * 8
        var sets: [[UInt8]?] = []
        for k in 1...3 {
            if c.arg(k) == 0 { sets.append(nil); continue }
            guard let s = c.memory.read(c.arg(k), count: bytes) else { throw .EFAULT }
            sets.append(s)
        }
        func isSet(_ s: [UInt8]?, _ fd: Int) -> Bool { s.map { $0[fd / 8] & (1 << (fd % 8)) != 0 } ?? false }
        for fd in 0..<n where (0..<3).contains(where: { isSet(sets[$0], fd) }) && c.process.fds[Int32(fd)] == nil {
            throw .EBADF
        }
        func scan() -> ([[UInt8]?], Int, Bool) {
            var out = sets.map { $0.map { [UInt8](repeating: 0, count: $0.count) } }
            var ready = 0, console = false
            for fd in 0..<n {
                guard let d = c.process.fds[Int32(fd)], (0..<3).contains(where: { isSet(sets[$0], fd) }) else { continue }
                let ev = events(c, d.object)
                let wanted: [Int16] = [readable | POLLHUP | POLLERR, writable | POLLERR, POLLPRI]
                for k in 0..<3 where isSet(sets[k], fd) && ev & wanted[k] != 0 {
                    out[k]![fd / 8] |= 1 << (fd % 8)
                    ready += 1
                }
                if isSet(sets[0], fd) && readsConsole(d.object) { console = true }
            }
            return (out, ready, console)
        }
        var (out, ready, console) = scan()
        if ready == 0 && timeout == nil && !console { return .block(restartable: false) }
        var left = timeout
        if ready == 0 {
            if wait(c, timeout: timeout, console: console) { (out, ready, _) = scan() }
            if ready == 0 { left = 0 }
        }
        for k in 0..<3 { if let s = out[k] { guard c.memory.write(c.arg(k + 1), s) else { throw .EFAULT } } }
        try storeRemaining(c, update, left: left, unit: unit)
        return .int(ready)
    }
}
