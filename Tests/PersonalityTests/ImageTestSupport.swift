// SPDX-License-Identifier: MIT
// Helpers of the boot-image tests: sample images, header surgery, temporary directories, host tar.
import Foundation
import Testing
@testable import Personality

enum ImageFixtures {
    static let config = BootConfig(programs: [
        BootConfig.Program(path: "/bin/hello", argv: ["hello", "a b"], env: ["HOME=/"], cwd: "/", isInit: true, abi: .linux),
        BootConfig.Program(path: "/bin/native", argv: ["native"], abi: .hedron),
    ])

    /// A small valid image: directories, files (one empty, one over a block), a symlink, odd modes.
    static var image: BootImage {
        BootImage(config: config, entries: BootImage.completed([
            ImageEntry(path: "/bin/hello", kind: .regular(Array("\u{7F}ELF hello".utf8)), mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000),
            ImageEntry(path: "/bin/native", kind: .regular([UInt8](repeating: 0xCC, count: 1300)), mode: 0o4755, mtime: 1),
            ImageEntry(path: "/bin/sh", kind: .symlink("hello"), mode: 0o777),
            ImageEntry(path: "/etc/empty", kind: .regular([]), mode: 0o600, uid: 1000, gid: 100, mtime: 0o77777777777),
            ImageEntry(path: "/tmp", kind: .directory, mode: 0o1777),
        ]))
    }

    /// Offsets of every header in a well-formed archive (a regular file's data follows its header).
    static func headerOffsets(_ archive: [UInt8]) -> [Int] {
        var out: [Int] = []
        var off = 0
        while off + 512 <= archive.count, archive[off..<(off + 512)].contains(where: { $0 != 0 }) {
            out.append(off)
            let size = Int(String(decoding: archive[(off + 124)..<(off + 135)], as: UTF8.self), radix: 8) ?? 0
            let type = archive[off + 156]
            off += 512 + ((type == UInt8(ascii: "0") || type == 0) ? (size + 511) / 512 * 512 : 0)
        }
        return out
    }

    /// Overwrites `bytes` at `field` of the header at `header` (the rest of the field becomes NUL)
    /// and, unless told not to, recomputes the checksum so that only the field's content is wrong.
    static func patch(_ archive: inout [UInt8], header: Int, field: (Int, Int), _ bytes: [UInt8], fixChecksum: Bool = true) {
        for i in 0..<field.1 { archive[header + field.0 + i] = i < bytes.count ? bytes[i] : 0 }
        if fixChecksum { refreshChecksum(&archive, header: header) }
    }

    static func patch(_ archive: inout [UInt8], header: Int, field: (Int, Int), _ text: String, fixChecksum: Bool = true) {
        patch(&archive, header: header, field: field, Array(text.utf8), fixChecksum: fixChecksum)
    }

    static func setTypeflag(_ archive: inout [UInt8], header: Int, _ t: UInt8) {
        archive[header + 156] = t
        refreshChecksum(&archive, header: header)
    }

    static func refreshChecksum(_ archive: inout [UInt8], header: Int) {
        let sum = String(Ustar.checksum(archive[header..<(header + 512)]), radix: 8)
        let text = Array((String(repeating: "0", count: 6 - sum.count) + sum).utf8) + [0, 0x20]
        for i in 0..<8 { archive[header + 148 + i] = text[i] }
    }

    /// Expects `body` to throw an ImageError whose message contains `text`.
    static func expectError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("no error; expected one containing \"\(text)\"", sourceLocation: sourceLocation)
        } catch let error as ImageError {
            #expect(error.message.contains(text), "message: \(error.message)", sourceLocation: sourceLocation)
            #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(type(of: error)) thrown, not ImageError", sourceLocation: sourceLocation)
        }
    }
}

/// A temporary directory removed at deinit.
final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "emu-image-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ bytes: [UInt8], mode: Int = 0o644) {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes), attributes: [.posixPermissions: mode])
    }

    func write(_ relative: String, _ text: String, mode: Int = 0o644) { write(relative, Array(text.utf8), mode: mode) }
    func mkdir(_ relative: String) {
        try! FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }
    func symlink(_ relative: String, to target: String) {
        try! FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: target)
    }
    func read(_ relative: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path + "/" + relative) ?? Data()) }
}

/// Runs the host's tar with `arguments` in `directory`; returns its status and stdout.
@discardableResult
func hostTar(_ arguments: [String], in directory: String) -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["tar"] + arguments
    p.currentDirectoryURL = URL(fileURLWithPath: directory)
    let pipe = Pipe()
    p.standardOutput = pipe
    try! p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A fixed-seed generator for the fuzz tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
