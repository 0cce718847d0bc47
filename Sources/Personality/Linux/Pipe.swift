// SPDX-License-Identifier: MIT
// Pipes (pipe(7), pipe(2)/pipe2(2)): a 64 KiB buffer between a read end and a write end. Reading
// an empty pipe whose write ends are all closed gives end of file; writing to a pipe without
// readers is EPIPE. The ends count the descriptors that refer to them.

final class PipeBuffer {
    static let capacity = 65_536
    var bytes: [UInt8] = []
    var head = 0
    var readers = 0, writers = 0
    var count: Int { bytes.count - head }
}

final class PipeEnd: FileObject, FileControl {
    let buffer: PipeBuffer
    let isWriteEnd: Bool
    var statusFlags: Int32

    init(_ buffer: PipeBuffer, writeEnd: Bool, flags: Int32) {
        self.buffer = buffer
        isWriteEnd = writeEnd
        statusFlags = (writeEnd ? 1 : 0) | flags
    }

    var isTerminal: Bool { false }
    var describe: String { "pipe:[\(ObjectIdentifier(buffer).hashValue & 0xFFFFFF)]" }
    var nonBlocking: Bool { statusFlags & 0o4000 != 0 }

    func descriptorOpened() { if isWriteEnd { buffer.writers += 1 } else { buffer.readers += 1 } }
    func descriptorClosed() { if isWriteEnd { buffer.writers -= 1 } else { buffer.readers -= 1 } }

    func readBytes(count: Int) -> Result<[UInt8], Errno> {
        guard !isWriteEnd else { return .failure(.EBADF) }
        if buffer.count == 0 {
            // With writers left a reader waits (pipe(7)): EAGAIN here, which the syscall turns
            // into a wait unless the end is O_NONBLOCK (Descriptors.swift `failure`).
            return buffer.writers == 0 ? .success([]) : .failure(.EAGAIN)
        }
        let n = min(count, buffer.count)
        let out = Array(buffer.bytes[buffer.head ..< buffer.head + n])
        buffer.head += n
        if buffer.head == buffer.bytes.count { buffer.bytes = []; buffer.head = 0 }
        return .success(out)
    }

    func unread(_ bytes: [UInt8]) {
        buffer.bytes = bytes + buffer.bytes[buffer.head...]
        buffer.head = 0
    }

    func writeBytes(_ bytes: [UInt8]) -> Result<Int, Errno> {
        guard isWriteEnd else { return .failure(.EBADF) }
        guard buffer.readers > 0 else { return .failure(.EPIPE) }
        let room = PipeBuffer.capacity - buffer.count
        guard room > 0 || bytes.isEmpty else { return .failure(.EAGAIN) }
        let n = min(room, bytes.count)
        buffer.bytes += bytes[..<n]
        return .success(n)
    }

    /// fcntl(2) F_GETFL 3 / F_SETFL 4 (O_NONBLOCK is what matters here).
    func fileControl(command: UInt64, argument: UInt64) -> SyscallResult {
        switch command {
        case 3: return .int(Int(statusFlags))
        case 4: statusFlags = (statusFlags & 3) | (Int32(truncatingIfNeeded: argument) & 0o4000); return .zero
        default: return .error(.EINVAL)
        }
    }
}

enum PipeSyscalls {
    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[22] = { c in pipe(c, flags: 0) }                  // pipe
        t[293] = { c in pipe(c, flags: c.arg(1)) }          // pipe2: O_CLOEXEC 0o2000000, O_NONBLOCK 0o4000
    }

    static func pipe(_ c: SyscallContext, flags: UInt64) -> SyscallResult {
        guard flags & ~UInt64(0o2000000 | 0o4000 | 0o40000) == 0 else { return .error(.EINVAL) }
        let buffer = PipeBuffer()
        let status = Int32(flags & 0o4000)
        let r = PipeEnd(buffer, writeEnd: false, flags: status), w = PipeEnd(buffer, writeEnd: true, flags: status)
        let p = c.process
        let fr = p.lowestFreeDescriptor()
        p.install(FileDescriptor(r, closeOnExec: flags & 0o2000000 != 0), at: fr)
        let fw = p.lowestFreeDescriptor()
        p.install(FileDescriptor(w, closeOnExec: flags & 0o2000000 != 0), at: fw)
        var out = [UInt8](repeating: 0, count: 8)
        withUnsafeBytes(of: fr.littleEndian) { for i in 0..<4 { out[i] = $0[i] } }
        withUnsafeBytes(of: fw.littleEndian) { for i in 0..<4 { out[4 + i] = $0[i] } }
        guard c.memory.write(c.arg(0), out) else {
            p.closeDescriptor(fr); p.closeDescriptor(fw)
            return .error(.EFAULT)
        }
        return .zero
    }
}
