// SPDX-License-Identifier: MIT
// The native oracle: Tests/Native/snippet_runner.c, compiled once per test process into a temp
// directory and kept running; requests are pipelined in batches that fit the pipe buffers, so
// neither side can block the other (Tests/Native/README.md, "Protocol").
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

final class NativeRunner: @unchecked Sendable {
    /// The runner of this test process, or why it could not be built or started.
    static let shared: Result<NativeRunner, HarnessError> = {
        do { return .success(try NativeRunner()) } catch let e as HarnessError { return .failure(e) } catch {
            return .failure(HarnessError("\(error)"))
        }
    }()

    private let process: Process
    private let toRunner: Int32
    private let fromRunner: Int32
    /// Requests per batch: a batch and its answers both fit the pipe buffers.
    let batchLimit: Int
    /// Serialises use by concurrently running tests.
    let lock = NSLock()
    private var buffer: UnsafeMutableRawBufferPointer

    static var sourceDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Native")
    }

    private init() throws {
        signal(SIGPIPE, SIG_IGN)
        let dir = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("emu-diff-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let exe = dir.appendingPathComponent("snippet_runner")
        let source = NativeRunner.sourceDirectory.appendingPathComponent("snippet_runner.c")
        let cc = ProcessInfo.processInfo.environment["CC"] ?? "gcc"
        try NativeRunner.compile(cc: cc, source: source, output: exe)

        process = Process()
        process.executableURL = exe
        process.arguments = ["-t", "5"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        do { try process.run() } catch { throw HarnessError("cannot start \(exe.path): \(error)") }
        toRunner = input.fileHandleForWriting.fileDescriptor
        fromRunner = output.fileHandleForReading.fileDescriptor
        // Bigger pipes give bigger batches (Linux F_SETPIPE_SZ = 1031, F_GETPIPE_SZ = 1032).
        _ = fcntl(toRunner, 1031, Int32(1 << 20))
        _ = fcntl(fromRunner, 1031, Int32(1 << 20))
        let capacity = min(Int(fcntl(toRunner, 1032)), Int(fcntl(fromRunner, 1032)))
        batchLimit = max(1, min(256, (capacity > 0 ? capacity : 65536) / SnippetState.size - 1))
        buffer = .allocate(byteCount: SnippetState.size * batchLimit, alignment: 16)
    }

    private static func compile(cc: String, source: URL, output: URL) throws {
        guard FileManager.default.fileExists(atPath: source.path) else {
            throw HarnessError("native runner source not found at \(source.path)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [cc, "-O2", "-Wall", "-o", output.path, source.path]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = err
        do { try p.run() } catch { throw HarnessError("cannot run \(cc) to build the native runner: \(error)") }
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            throw HarnessError("building the native runner failed: \(cc) \(source.path) exited with \(p.terminationStatus)\n\(text)")
        }
    }

    /// Writes a batch of at most `batchLimit` requests; the answers are read by `receive`.
    func send(_ states: ArraySlice<SnippetState>) throws {
        precondition(states.count <= batchLimit)
        for (k, s) in states.enumerated() {
            s.encode(into: UnsafeMutableRawBufferPointer(rebasing: buffer[(k * SnippetState.size)..<((k + 1) * SnippetState.size)]))
        }
        var done = 0
        let total = states.count * SnippetState.size
        while done < total {
            let n = write(toRunner, buffer.baseAddress! + done, total - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HarnessError("native runner stopped reading (errno \(errno)); \(exitStatus)") }
            done += n
        }
    }

    /// Reads `count` answers.
    func receive(_ count: Int) throws -> [SnippetState] {
        var out: [SnippetState] = []
        out.reserveCapacity(count)
        let one = UnsafeMutableRawBufferPointer.allocate(byteCount: SnippetState.size, alignment: 16)
        defer { one.deallocate() }
        for _ in 0..<count {
            var got = 0
            while got < SnippetState.size {
                let n = read(fromRunner, one.baseAddress! + got, SnippetState.size - got)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw HarnessError("native runner closed its output; \(exitStatus)") }
                got += n
            }
            out.append(SnippetState(decoding: UnsafeRawBufferPointer(one)))
        }
        return out
    }

    private var exitStatus: String {
        process.isRunning ? "runner still running" : "runner exited with status \(process.terminationStatus)"
    }
}
