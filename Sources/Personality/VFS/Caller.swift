// SPDX-License-Identifier: MIT
// Who asks: the credentials permission checks use (credentials(7), path_resolution(7)
// "Permissions"), and the process ID /proc/self resolves to.

/// The calling process as the VFS sees it. The process manager fills it from the process.
public struct Caller: Sendable, Equatable {
    public var pid: Int32
    /// The effective (or, for access(2) without AT_EACCESS, the real) user and group IDs.
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary group IDs.
    public var groups: [UInt32]

    public init(pid: Int32 = 1, uid: UInt32 = 0, gid: UInt32 = 0, groups: [UInt32] = []) {
        self.pid = pid; self.uid = uid; self.gid = gid; self.groups = groups
    }

    public static let root = Caller()
    public var isRoot: Bool { uid == 0 }
    public func inGroup(_ g: UInt32) -> Bool { gid == g || groups.contains(g) }
}

/// Access bits as path_resolution(7) and access(2) check them.
struct Access: OptionSet {
    let rawValue: Int32
    static let execute = Access(rawValue: 1)
    static let write = Access(rawValue: 2)
    static let read = Access(rawValue: 4)
}

extension Caller {
    /// The discretionary check of path_resolution(7) "Permissions": the owner class if the
    /// caller owns the file, else the group class if it is in the group, else other. Root
    /// (CAP_DAC_OVERRIDE) may read and write anything, and execute a non-directory only if some
    /// execute bit is set.
    func permits(_ st: Stat, _ want: Access) -> Bool {
        if want.isEmpty { return true }
        if isRoot {
            if want.contains(.execute) && st.type != .directory && st.mode & 0o111 == 0 { return false }
            return true
        }
        let bits: UInt32
        if st.uid == uid { bits = (st.mode >> 6) & 7 }
        else if inGroup(st.gid) { bits = (st.mode >> 3) & 7 }
        else { bits = st.mode & 7 }
        return UInt32(want.rawValue) & ~bits == 0
    }

    /// Whether the caller owns the file or is root (the "owner or CAP_FOWNER" rule of chmod(2),
    /// utimensat(2) and the sticky bit in unlink(2)/rename(2)).
    func ownsOrRoot(_ st: Stat) -> Bool { isRoot || st.uid == uid }
}
