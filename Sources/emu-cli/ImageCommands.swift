// SPDX-License-Identifier: MIT
// `emu pack` and `emu inspect`: boot images (docs/boot-image.md).
import ArgumentParser
import Foundation
import Machine
import Personality

/// sysexits' EX_CANTCREAT: the output file cannot be written.
let cannotCreate: Int32 = 73

/// Prints an ImageError's line to stderr; the exit status for its kind: 65 bad input, 66
/// unreadable file, 73 unwritable image.
func imageFailure(_ error: ImageError) -> ExitCode {
    FileHandle.standardError.write("emu: \(error.message)\n".data(using: .utf8)!)
    switch error.kind {
    case .invalid: return ExitCode(ExitStatus.badInput)
    case .unreadable: return ExitCode(ExitStatus.noInput)
    case .unwritable: return ExitCode(cannotCreate)
    }
}

struct Pack: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pack a directory holding boot.json and root/ into a boot image.",
        discussion: """
        The format is in docs/boot-image.md. Statuses: 0 written, 64 usage, 65 invalid directory \
        contents (bad boot.json, a special file, …), 66 unreadable file, 73 the image cannot be written.
        """)

    @Argument(help: "The directory: boot.json and root/.") var directory: String
    @Option(name: .shortAndLong, help: "The image file to write.") var output: String

    func run() throws {
        let image: BootImage
        do { image = try BootImage.pack(directory: directory) } catch { throw imageFailure(error) }
        do { try image.save(path: output) } catch { throw imageFailure(error) }
    }
}

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the programs and the root file system of a boot image.",
        discussion: "Statuses: 0 valid image, 64 usage, 65 invalid image, 66 unreadable file.")

    @Argument(help: "The boot image.") var image: String

    func run() throws {
        let parsed: BootImage
        do { parsed = try BootImage.load(path: image) } catch { throw imageFailure(error) }
        FileHandle.standardOutput.write(parsed.inspect().data(using: .utf8)!)
    }
}
