// SPDX-License-Identifier: MIT
// FileSink: a buffered byte sink on a file descriptor, behind --serial (stdout) and --debugcon
// FILE. Source of truth: write(2) and poll(2); it flushes at each newline, on flush() and deinit.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects device output bytes and writes them to a file descriptor a line at a time.
///
/// Bytes are buffered until a newline, until 4 KiB are waiting, or until ``flush()``; the owner
/// calls ``flush()`` before the process exits so no output is lost.
public final class FileSink {
    /// Why ``init(path:)`` could not open its file.
    public struct OpenError: Error, CustomStringConvertible {
        public let path: String
        /// The `errno` from open(2).
        public let code: Int32
        public var description: String { "\(path): \(String(cString: strerror(code)))" }
    }

    private let fileDescriptor: Int32
    private let closeOnDeinit: Bool
    private var buffer: [UInt8] = []
    private static let capacity = 4096

    /// The `errno` of the first failed write(2), after which output is discarded.
    public private(set) var writeError: Int32?

    /// A sink on an open descriptor, such as `STDOUT_FILENO`; it closes it on deinit only if
    /// `closeOnDeinit` is true.
    public init(fileDescriptor: Int32, closeOnDeinit: Bool = false) {
        self.fileDescriptor = fileDescriptor
        self.closeOnDeinit = closeOnDeinit
        buffer.reserveCapacity(Self.capacity)
    }

    /// A sink on the file at `path`, created or truncated, closed on deinit.
    public convenience init(path: String) throws(OpenError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OpenError(path: path, code: errno) }
        self.init(fileDescriptor: fd, closeOnDeinit: true)
    }

    deinit {
        flush()
        if closeOnDeinit { close(fileDescriptor) }
    }

    /// Buffers one byte; writes the buffer out if the byte is a newline or the buffer is full.
    public func write(_ byte: UInt8) {
        buffer.append(byte)
        if byte == UInt8(ascii: "\n") || buffer.count >= Self.capacity { flush() }
    }

    /// Buffers `bytes`, then writes the buffer out if they held a newline or it is full.
    public func write(contentsOf bytes: some Sequence<UInt8>) {
        var sawNewline = false
        for byte in bytes {
            buffer.append(byte)
            sawNewline = sawNewline || byte == UInt8(ascii: "\n")
        }
        if sawNewline || buffer.count >= Self.capacity { flush() }
    }

    /// Writes every buffered byte to the descriptor.
    public func flush() {
        guard !buffer.isEmpty else { return }
        if writeError == nil { writeError = buffer.withUnsafeBytes(writeAll) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Returns nil when every byte was written, else the `errno` that stopped it. EINTR retries;
    /// EAGAIN waits for the descriptor, which may be non-blocking because it shares its open
    /// file description with a non-blocking stdin on a terminal.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fileDescriptor, bytes.baseAddress! + done, bytes.count - done)
            if n > 0 {
                done += n
            } else if n == 0 {
                return EIO  // no progress on a non-empty write: give up rather than spin
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                var waiter = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&waiter, 1, -1)
            } else if errno != EINTR {
                return errno
            }
        }
        return nil
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
