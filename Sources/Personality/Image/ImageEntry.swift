// SPDX-License-Identifier: MIT
// One file of an image's initial root file system (docs/boot-image.md, "The root file system").

/// A directory, regular file or symbolic link of the initial root file system.
public struct ImageEntry: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case directory
        case regular([UInt8])
        /// The target exactly as stored (absolute or relative); the VFS resolves it in the guest.
        case symlink(String)
    }

    /// The absolute guest path: "/" or "/a/b" (no "." or ".." components, no empty components,
    /// no trailing slash).
    public var path: String
    public var kind: Kind
    /// The permission bits, 0o7777 at most (set-user-ID, set-group-ID, sticky, rwx × 3).
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    /// Seconds since the Epoch.
    public var mtime: Int64

    public init(path: String, kind: Kind, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, mtime: Int64 = 0) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.mtime = mtime
    }

    public var isDirectory: Bool { kind == .directory }

    /// The components of `path`: [] for "/", ["a", "b"] for "/a/b".
    var components: [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }

    /// The archive member name that holds this entry: "root" for "/", "root/a/b" for "/a/b".
    var memberName: String { path == "/" ? "root" : "root" + path }

    /// Why `path` is not a valid absolute guest path, or nil.
    static func pathProblem(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "'\(path)' is not an absolute path" }
        if path == "/" { return nil }
        if path.utf8.contains(0) { return "'\(path)' contains a NUL byte" }
        if path.hasSuffix("/") { return "'\(path)' ends with '/'" }
        for c in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            if c.isEmpty { return "'\(path)' has an empty component" }
            if c == "." || c == ".." { return "'\(path)' has a '\(c)' component" }
        }
        return nil
    }

    /// Orders entries so that every directory precedes what it holds: by path components, each
    /// compared as bytes ("/" first, then "/a", "/a/b", "/a-b").
    static func precedes(_ a: ImageEntry, _ b: ImageEntry) -> Bool {
        let x = a.components, y = b.components
        for (p, q) in zip(x, y) where p != q { return p.utf8.lexicographicallyPrecedes(q.utf8) }
        return x.count < y.count
    }
}
