// SPDX-License-Identifier: MIT
// Building and running real programs for the ELF tests: musl-gcc (Debian musl-tools) for static
// and static-PIE executables, gcc for a dynamic one, readelf (binutils) as the independent
// reader. A missing tool is a test failure with a message saying what to install, never a skip.
import Foundation

struct ToolError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

enum NativeToolchain {
    /// A private directory for this test process's sources and binaries.
    static let directory: URL = {
        let d = URL(fileURLWithPath: NSTemporaryDirectory())
            .appendingPathComponent("emu-elf-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: NativeToolchain.directory) }
        return d
    }()

    /// `name` looked up in PATH.
    static func find(_ name: String, package: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolError("\(name) is not on PATH: install Debian's \(package) (apt-get install \(package)); the ELF tests build real binaries with it")
    }

    struct Output { var status: Int32; var stdout: String; var stderr: String }

    /// Runs `executable` with exactly `arguments`, LC_ALL=C, and collects its output.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        var env = environment ?? ProcessInfo.processInfo.environment
        env["LC_ALL"] = "C"
        p.environment = env
        let id = UUID().uuidString
        let outURL = directory.appendingPathComponent("out-\(id)"), errURL = directory.appendingPathComponent("err-\(id)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { throw ToolError("cannot run \(executable): \(error)") }
        p.waitUntilExit()
        try? out.close(); try? err.close()
        let o = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let e = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return Output(status: p.terminationStatus, stdout: o, stderr: e)
    }

    enum Kind { case staticMusl, staticPIEMusl, dynamicGCC }

    /// Compiles C `source` into an executable of `kind` and returns its path.
    static func build(_ source: String, name: String, kind: Kind) throws -> String {
        let id = UUID().uuidString.prefix(8)
        let src = directory.appendingPathComponent("\(name)-\(id).c")
        let exe = directory.appendingPathComponent("\(name)-\(id)").path
        try source.write(to: src, atomically: true, encoding: .utf8)
        let args: [String]
        let compiler: String
        switch kind {
        case .staticMusl:
            compiler = try find("musl-gcc", package: "musl-tools")
            args = ["-static", "-O1", "-o", exe, src.path]
        case .staticPIEMusl:
            // Debian's musl-gcc.specs always names Scrt1.o and -dynamic-linker; a static PIE needs
            // musl's rcrt1.o (self-relocating start), libc.a and no PT_INTERP.
            compiler = try find("musl-gcc", package: "musl-tools")
            let lib = try muslLibraryDirectory(compiler)
            let gcc = try find("gcc", package: "gcc")
            let crtBegin = try run(gcc, ["-print-file-name=crtbeginS.o"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let crtEnd = try run(gcc, ["-print-file-name=crtendS.o"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            args = ["-fPIE", "-static-pie", "-nostartfiles", "\(lib)/rcrt1.o", "\(lib)/crti.o", crtBegin,
                    "-O1", src.path, crtEnd, "\(lib)/crtn.o",
                    "-Wl,--no-dynamic-linker", "-Wl,-Bstatic", "-o", exe]
        case .dynamicGCC:
            compiler = try find("gcc", package: "gcc")
            args = ["-O1", "-o", exe, src.path]
        }
        let r = try run(compiler, args)
        guard r.status == 0 else { throw ToolError("\(compiler) \(args.joined(separator: " ")) failed: \(r.stderr)") }
        return exe
    }

    /// The directory of musl's crt files, from the startfile line of the specs musl-gcc uses.
    static func muslLibraryDirectory(_ muslGCC: String) throws -> String {
        let script = (try? String(contentsOfFile: muslGCC, encoding: .utf8)) ?? ""
        guard let r = script.range(of: #"-specs "?([^" ]+\.specs)"#, options: .regularExpression) else {
            throw ToolError("cannot find the specs file in \(muslGCC)")
        }
        let specs = script[r].replacingOccurrences(of: "-specs", with: "")
            .trimmingCharacters(in: CharacterSet(charactersIn: " \""))
        return URL(fileURLWithPath: specs).deletingLastPathComponent().path
    }

    /// Reads a built file.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let d = FileManager.default.contents(atPath: path) else { throw ToolError("cannot read \(path)") }
        return [UInt8](d)
    }
}

/// What `readelf -lhW` says about an executable (binutils readelf, LC_ALL=C).
struct ReadelfView {
    struct ProgramHeader { var type: String; var offset, vaddr, filesz, memsz, align: UInt64; var flags: String }
    var type: String
    var entry: UInt64
    var phoff: UInt64
    var programHeaders: [ProgramHeader]

    init(path: String) throws {
        let readelf = try NativeToolchain.find("readelf", package: "binutils")
        let out = try NativeToolchain.run(readelf, ["-lhW", path])
        guard out.status == 0 else { throw ToolError("readelf failed: \(out.stderr)") }
        func field(_ name: String) throws -> String {
            guard let line = out.stdout.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(name) }) else {
                throw ToolError("readelf output has no \(name)")
            }
            return line.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
        }
        func hex(_ s: Substring) throws -> UInt64 {
            guard s.hasPrefix("0x"), let v = UInt64(s.dropFirst(2), radix: 16) else { throw ToolError("bad readelf number \(s)") }
            return v
        }
        type = String(try field("Type:").split(separator: " ")[0])
        entry = try hex(Substring(try field("Entry point address:")))
        guard let phoff = UInt64(try field("Start of program headers:").split(separator: " ")[0]) else {
            throw ToolError("bad e_phoff in readelf output")
        }
        self.phoff = phoff
        var headers: [ProgramHeader] = []
        var inTable = false
        for line in out.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Program Headers:") { inTable = true; continue }
            guard inTable else { continue }
            let t = line.split(separator: " ")
            if t.isEmpty { break }
            if t[0] == "Type" || t[0].hasPrefix("[") { continue }
            guard t.count >= 8 else { throw ToolError("unexpected readelf line: \(line)") }
            headers.append(ProgramHeader(
                type: String(t[0]), offset: try hex(t[1]), vaddr: try hex(t[2]), filesz: try hex(t[4]),
                memsz: try hex(t[5]), align: try hex(t[t.count - 1]), flags: t[6..<(t.count - 1)].joined()))
        }
        programHeaders = headers
    }
}
