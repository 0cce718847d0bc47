// SPDX-License-Identifier: MIT
// `--strace[=FILE]` (docs/strace.md): swift-argument-parser has no option with an optional
// value, so main.swift rewrites `--strace=FILE` into `--strace-file FILE` before parsing — only
// in the part of the command line that emu parses, never in a program's own arguments.
import ArgumentParser
import Foundation
import Personality

enum StraceOption {
    /// Options of `emu run` that take a separate value, so the program is the first other word.
    static let runValueOptions: Set<String> = ["--env", "--cwd", "--memory", "--max-instructions", "--timeout",
                                               "--debugcon", "--mount", "--strace-file"]

    /// argv without the executable's name, with emu's own `--strace=FILE` rewritten.
    static func rewrite(_ argv: [String]) -> [String] {
        var out: [String] = []
        var i = 0
        let isRun = argv.first == "run"
        while i < argv.count {
            let a = argv[i]
            if a == "--" { out += argv[i...]; break }
            if a.hasPrefix("--strace=") {
                out += ["--strace-file", String(a.dropFirst("--strace=".count))]
            } else {
                out.append(a)
                // `emu run [options] PROGRAM args…`: everything from PROGRAM on is the program's.
                if isRun && i > 0 && !a.hasPrefix("-") {
                    out += argv[(i + 1)...]
                    break
                }
                if isRun && runValueOptions.contains(a) && i + 1 < argv.count {
                    out.append(argv[i + 1])
                    i += 1
                }
            }
            i += 1
        }
        return out
    }

    /// Sets the roottask's strace output: stderr for `--strace`, FILE for `--strace=FILE`.
    static func apply(flag: Bool, file: String?, to options: inout RoottaskOptions) throws {
        if let file {
            guard FileManager.default.createFile(atPath: file, contents: nil), let h = FileHandle(forWritingAtPath: file) else {
                throw ValidationError("--strace=\(file): cannot create the file")
            }
            let out = LineFile(h)
            options.straceSink = { out.write($0) }
            // `strace -f -o FILE`: the PID starts every line (docs/strace.md).
            options.stracePIDPrefix = .always
        } else if flag {
            options.strace = true
        }
    }
}

/// A file that strace lines are appended to.
final class LineFile: @unchecked Sendable {
    let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle }
    func write(_ line: String) { handle.write((line + "\n").data(using: .utf8)!) }
}
