// SPDX-License-Identifier: MIT
// OutputSinkTests: FileSink's line buffering, explicit flush and flush on deinit, over a pipe
// and a file.

import Testing
import Devices
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whatever is in the pipe right now without blocking.
private func drain(_ fd: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 256)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return bytes }
        bytes += chunk[0..<n]
    }
}

private func makePipe() -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    #expect(pipe(&fds) == 0)
    _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
    return (fds[0], fds[1])
}

@Suite struct OutputSinkTests {
    @Test func buffersUntilNewline() {
        let (r, w) = makePipe()
        defer { close(r); close(w) }
        let sink = FileSink(fileDescriptor: w)
        for byte in "abc".utf8 { sink.write(byte) }
        #expect(drain(r).isEmpty)
        sink.write(UInt8(ascii: "\n"))
        #expect(drain(r) == Array("abc\n".utf8))
        sink.write(contentsOf: "de".utf8)
        #expect(drain(r).isEmpty)
        sink.flush()
        #expect(drain(r) == Array("de".utf8))
        #expect(sink.writeError == nil)
    }

    @Test func flushesWhenFull() {
        let (r, w) = makePipe()
        defer { close(r); close(w) }
        let sink = FileSink(fileDescriptor: w)
        for _ in 0..<4096 { sink.write(0x2E) }
        #expect(drain(r).count == 4096)
    }

    @Test func deinitFlushesAndClosesItsFile() throws {
        let path = "/tmp/FileSinkTest-\(getpid()).txt"
        defer { unlink(path) }
        do {
            let sink = try FileSink(path: path)
            sink.write(contentsOf: "no newline".utf8)
        }
        let fd = open(path, O_RDONLY)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(drain(fd) == Array("no newline".utf8))
    }

    @Test func openFailureNamesThePath() {
        #expect(throws: FileSink.OpenError.self) { try FileSink(path: "/nonexistent/dir/x") }
        do {
            _ = try FileSink(path: "/nonexistent/dir/x")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.hasPrefix("/nonexistent/dir/x: "))
        }
    }

    @Test func writeErrorIsRecorded() {
        let (r, w) = makePipe()
        close(r)
        defer { close(w) }
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let sink = FileSink(fileDescriptor: w)
        sink.write(UInt8(ascii: "\n"))
        #expect(sink.writeError == EPIPE)
    }
}
