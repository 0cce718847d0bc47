// SPDX-License-Identifier: MIT
// Pathname resolution as path_resolution(7) describes it: absolute paths start at the root,
// relative ones at the working directory or a dirfd's directory; every component before the
// last must be a directory (ENOTDIR) the caller may search (EACCES); `.` stays, `..` goes up
// (at the root it stays; at a mounted file system's root it leaves through the mount point);
// symbolic links before the last component are always followed, the last one as the syscall
// says, and a trailing slash forces it to resolve to a directory; more than 40 links is ELOOP;
// a path of PATH_MAX bytes or more, or a component over NAME_MAX, is ENAMETOOLONG; an empty
// path is ENOENT unless AT_EMPTY_PATH.

/// What the last component of a path was (namei's LAST_NORM, LAST_DOT, LAST_DOTDOT, LAST_ROOT).
enum LastComponent { case normal, dot, dotDot, root }

/// How to treat a symbolic link in the last component.
enum FollowLast {
    /// Follow it (stat, open without O_NOFOLLOW).
    case follow
    /// Do not follow it, unless a trailing slash forces it (lstat, O_NOFOLLOW).
    case noFollow
    /// Resolve only the parent: never look through the last component (mkdir, unlink, rmdir,
    /// rename, link's new path, symlink); the node, if any, is what the directory holds.
    case parentOnly
}

/// The result of resolving a path.
struct Resolution {
    /// The directory holding the last component (after following any final symlink).
    var parent: Node
    var name: [UInt8]
    var last: LastComponent
    /// What the path names, nil if the last component does not exist.
    var node: Node?
    /// The path ended in `/`.
    var trailingSlash: Bool
}

private let slash: UInt8 = 0x2F

extension VFS {
    func resolve(_ path: [UInt8], at base: Node, _ follow: FollowLast, _ caller: Caller,
                 emptyPath: Bool = false) throws(Errno) -> Resolution {
        if path.isEmpty {
            guard emptyPath else { throw .ENOENT }
            return Resolution(parent: parentForDotDot(base), name: [], last: .root, node: base, trailingSlash: false)
        }
        var links = 0
        return try walk(path, at: base, follow, caller, &links)
    }

    private func walk(_ path: [UInt8], at base: Node, _ follow: FollowLast, _ caller: Caller,
                      _ links: inout Int) throws(Errno) -> Resolution {
        if path.count >= LinuxFS.PATH_MAX { throw .ENAMETOOLONG }
        var cur = path.first == slash ? root : base
        let comps = path.split(separator: slash, omittingEmptySubsequences: true)
        let trailing = path.last == slash
        if comps.isEmpty {
            return Resolution(parent: cur, name: [], last: .root, node: cur, trailingSlash: false)
        }
        for (i, slice) in comps.enumerated() {
            let c = Array(slice)
            if c.count > LinuxFS.NAME_MAX { throw .ENAMETOOLONG }
            guard cur.type == .directory else { throw .ENOTDIR }
            try checkAccess(cur, .execute, caller)
            let last = i == comps.count - 1
            if c == [0x2E] {
                if last { return Resolution(parent: cur, name: c, last: .dot, node: cur, trailingSlash: trailing) }
                continue
            }
            if c == [0x2E, 0x2E] {
                let up = parentForDotDot(cur)
                if last { return Resolution(parent: up, name: c, last: .dotDot, node: up, trailingSlash: trailing) }
                cur = up
                continue
            }
            guard var child = try cur.lookup(c) else {
                if last { return Resolution(parent: cur, name: c, last: .normal, node: nil, trailingSlash: trailing) }
                throw .ENOENT
            }
            while let m = child.mounted { child = m }
            let followThis = !last || follow == .follow || (follow == .noFollow && trailing)
            if child.type == .symlink && followThis {
                links += 1
                if links > LinuxFS.MAXSYMLINKS { throw .ELOOP }
                let target = try child.readlink(caller)
                if target.isEmpty { throw .ENOENT }
                if cur.symlinkLeavesMount(target) { throw .EACCES }
                var r = try walk(target, at: cur, .follow, caller, &links)
                if last {
                    r.trailingSlash = r.trailingSlash || trailing
                    return r
                }
                guard let n = r.node else { throw .ENOENT }
                cur = n
                continue
            }
            if last { return Resolution(parent: cur, name: c, last: .normal, node: child, trailingSlash: trailing) }
            cur = child
        }
        fatalError("unreachable: the loop returns at the last component")
    }

    /// `..` of a directory: itself at the root; through the mount point at a mounted root.
    func parentForDotDot(_ dir: Node) -> Node {
        if dir === root { return root }
        var n = dir
        while let covered = n.covered { n = covered }
        if n === root { return root }
        return n.parent ?? n
    }

    /// The caller may `want` on `node`: EROFS for writing a file, directory or symlink of a
    /// read-only file system, then the mode-bit check (EACCES).
    func checkAccess(_ node: Node, _ want: Access, _ caller: Caller) throws(Errno) {
        if want.contains(.write) && node.fs.readOnly && [.regular, .directory, .symlink].contains(node.type) {
            throw .EROFS
        }
        if !caller.permits(try node.stat(), want) { throw .EACCES }
    }

    /// The absolute path of a directory (getcwd(2)); ENOENT once it has been removed.
    public func absolutePath(of dir: Node) throws(Errno) -> [UInt8] {
        var parts: [[UInt8]] = []
        var n = dir
        var steps = 0
        while n !== root {
            while let covered = n.covered { n = covered }
            if n === root { break }
            if (n as? MemoryDirectory)?.removed == true { throw .ENOENT }
            guard let p = n.parent, let name = n.nameInParent else { throw .ENOENT }
            parts.append(name)
            n = p
            steps += 1
            if steps > 4096 { throw .ENOENT }
        }
        if parts.isEmpty { return [slash] }
        var out: [UInt8] = []
        for p in parts.reversed() { out.append(slash); out += p }
        return out
    }

    func absolutePath(parent: Node, name: [UInt8]) -> [UInt8] {
        var p = (try? absolutePath(of: parent)) ?? [slash]
        if name.isEmpty { return p }
        if p != [slash] { p.append(slash) }
        return p + name
    }
}
