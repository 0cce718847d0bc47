// SPDX-License-Identifier: MIT
// The one error type of the boot-image code (docs/boot-image.md): a one-line message for the user,
// and whether the input was bad or could not be read at all (emu's statuses 65, 66 and 73).

/// Why a boot image (or the directory it is packed from) was refused.
public struct ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The bytes or the files are not a valid image: emu exits with 65.
        case invalid
        /// A file could not be read at all: emu exits with 66.
        case unreadable
        /// The image file could not be written: emu exits with 73 (sysexits' EX_CANTCREAT).
        case unwritable
    }

    /// One line, without a trailing newline, naming the member or file and what is wrong with it.
    public let message: String
    public let kind: Kind

    public init(_ message: String, kind: Kind = .invalid) {
        self.message = message
        self.kind = kind
    }

    public var description: String { message }
}
