// SPDX-License-Identifier: MIT
// A boot image: boot.json and the initial root file system, as one ustar archive
// (docs/boot-image.md is the format's reference).

/// What `emu boot image.img` boots.
public struct BootImage: Equatable, Sendable {
    public var config: BootConfig
    /// The root file system. From `parse`, `pack` and `singleProgram` it is complete and ordered:
    /// "/" first, every directory before what it holds (missing directories of the archive are
    /// added with mode 0755, uid and gid 0, mtime 0), siblings in byte order of their names.
    public var entries: [ImageEntry]

    public init(config: BootConfig, entries: [ImageEntry]) {
        self.config = config
        self.entries = entries
    }

    /// The member holding the configuration, and the directory holding the root file system.
    public static let configMember = "boot.json"
    public static let rootMember = "root"

    /// Reads an image. Members other than boot.json and root/… are refused.
    public static func parse(_ bytes: [UInt8]) throws(ImageError) -> BootImage {
        var config: BootConfig?
        var entries: [ImageEntry] = []
        for m in try Ustar.read(bytes) {
            if m.name == configMember {
                guard case .regular(let json) = m.kind else { throw ImageError("member boot.json is not a regular file") }
                config = try BootConfig.decode(json)
            } else if m.name == rootMember || m.name.hasPrefix(rootMember + "/") {
                if m.name == rootMember && m.kind != .directory { throw ImageError("member root is not a directory") }
                let path = m.name == rootMember ? "/" : String(m.name.dropFirst(rootMember.count))
                entries.append(ImageEntry(path: path, kind: m.kind, mode: m.mode, uid: m.uid, gid: m.gid, mtime: m.mtime))
            } else {
                throw ImageError("unexpected member '\(m.name)': an image holds boot.json and root/ only")
            }
        }
        guard let config else { throw ImageError("no boot.json in the image") }
        let image = BootImage(config: config, entries: completed(entries))
        try image.validate()
        return image
    }

    /// The image as a ustar archive: boot.json (canonical JSON, mode 0644, uid/gid 0, mtime 0),
    /// then the entries in their order. Requires a valid image (`validate()`).
    public func serialize() -> [UInt8] {
        var members = [Ustar.Member(name: Self.configMember, kind: .regular(config.encoded()), mode: 0o644)]
        for e in entries {
            members.append(Ustar.Member(name: e.memberName, kind: e.kind, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime))
        }
        return Ustar.write(members)
    }

    /// Checks the configuration and the entries: valid absolute paths, no path twice, nothing
    /// below a regular file or a symbolic link, and every entry encodable as a ustar member.
    public func validate() throws(ImageError) {
        try config.validate()
        var kinds: [String: ImageEntry.Kind] = [:]
        for e in entries {
            if let problem = ImageEntry.pathProblem(e.path) { throw ImageError("root: \(problem)") }
            guard kinds.updateValue(e.kind, forKey: e.path) == nil else { throw ImageError("root: '\(e.path)' appears twice") }
            let member = Ustar.Member(name: e.memberName, kind: e.kind, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime)
            if let problem = Ustar.encodingProblem(member) { throw ImageError("root: \(problem)") }
        }
        for e in entries {
            var ancestor = ""
            for c in e.components.dropLast() {
                ancestor += "/" + c
                switch kinds[ancestor] {
                case .regular?: throw ImageError("root: '\(e.path)' lies below the regular file '\(ancestor)'")
                case .symlink?: throw ImageError("root: '\(e.path)' lies below the symbolic link '\(ancestor)'")
                case .directory?, nil: break
                }
            }
        }
    }

    /// `entries` with the missing directories added (mode 0755, owned by 0:0, mtime 0) and in
    /// the documented order.
    static func completed(_ entries: [ImageEntry]) -> [ImageEntry] {
        var present = Set(entries.map(\.path))
        var all = entries
        for e in entries {
            var dir = ""
            for c in e.components.dropLast() {
                dir += "/" + c
                if present.insert(dir).inserted { all.append(ImageEntry(path: dir, kind: .directory, mode: 0o755)) }
            }
        }
        if present.insert("/").inserted { all.append(ImageEntry(path: "/", kind: .directory, mode: 0o755)) }
        return all.sorted(by: ImageEntry.precedes)
    }
}
