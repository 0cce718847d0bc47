// SPDX-License-Identifier: MIT
// The byte stream to gdb: a TCP connection accepted on 127.0.0.1 only (gdb's `target remote
// :PORT`), or any pair of file descriptors (a socketpair in tests). Blocking reads with a
// timeout through poll(2); the run loop polls for gdb's interrupt byte without blocking.
import Glibc

/// One connection to gdb.
public final class GDBConnection {
    let readFD: Int32
    let writeFD: Int32
    let ownsDescriptors: Bool
    var buffer: [UInt8] = []
    var position = 0
    /// The peer closed the connection (or an I/O error happened).
    public private(set) var isClosed = false
    var released = false

    /// A connection over `readFD`/`writeFD` (the same descriptor for a socket); `owns`: close
    /// them with the connection.
    public init(readFD: Int32, writeFD: Int32, owns: Bool = true) {
        self.readFD = readFD
        self.writeFD = writeFD
        ownsDescriptors = owns
        // gdb closing the socket must not kill emu with SIGPIPE: writes fail with EPIPE instead.
        signal(SIGPIPE, SIG_IGN)
    }

    deinit { close() }

    /// Closes the descriptors (if owned); later reads report `.closed`.
    public func close() {
        guard !released else { return }
        released = true
        isClosed = true
        if ownsDescriptors {
            Glibc.close(readFD)
            if writeFD != readFD { Glibc.close(writeFD) }
        }
    }

    /// Writes all of `bytes`; false if the peer is gone.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count, !isClosed {
            let n = bytes[done...].withUnsafeBytes { write(writeFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { isClosed = true; return false }
            done += n
        }
        return !isClosed
    }

    public enum ReadResult: Equatable { case byte(UInt8), timeout, closed }

    /// The next byte; waits up to `timeout` ms (-1: forever, 0: not at all).
    public func readByte(timeout: Int32 = -1) -> ReadResult {
        if position < buffer.count {
            position += 1
            return .byte(buffer[position - 1])
        }
        guard !isClosed else { return .closed }
        var p = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
        while true {
            let r = poll(&p, 1, timeout)
            if r < 0 && errno == EINTR { continue }
            if r == 0 { return .timeout }
            break
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        var n: Int
        repeat { n = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) } } while n < 0 && errno == EINTR
        guard n > 0 else { isClosed = true; return .closed }
        buffer = Array(chunk[..<n])
        position = 1
        return .byte(buffer[0])
    }

    /// Puts back the byte the last `readByte` returned, for the next read.
    public func unread() {
        if position > 0 { position -= 1 }
    }

    /// True if a byte can be read at once (buffered or on the descriptor).
    public func hasInput() -> Bool {
        if position < buffer.count { return true }
        guard !isClosed else { return true }
        var p = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0
    }
}

/// A TCP listening socket on 127.0.0.1 (never another interface: the stub gives full control of
/// the machine to whoever connects).
public final class GDBListener {
    let fd: Int32
    /// The port bound (the one asked for, or the kernel's choice for 0).
    public let port: UInt16

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(port: UInt16) throws(Failure) {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard s >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian   // 127.0.0.1
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(s, 1) == 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(s)
            throw Failure(description: "cannot listen on 127.0.0.1:\(port): \(why)")
        }
        var actual = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
        }
        fd = s
        self.port = UInt16(bigEndian: actual.sin_port)
    }

    deinit { Glibc.close(fd) }

    /// The next connection; with `wait` false, nil at once if none is pending.
    public func accept(wait: Bool) -> GDBConnection? {
        if !wait {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 0) > 0 else { return nil }
        }
        var c: Int32
        repeat { c = Glibc.accept(fd, nil, nil) } while c < 0 && errno == EINTR
        guard c >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(c, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return GDBConnection(readFD: c, writeFD: c)
    }
}
