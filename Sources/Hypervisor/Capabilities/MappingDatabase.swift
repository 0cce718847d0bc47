// SPDX-License-Identifier: MIT
// The mapping database: for every delegated range of pages, ports or selectors, who it came from,
// so revocation can find every descendant. NOVA/Hedron: include/mdb.hpp, src/pd.cpp
// (`Pd::delegate`, `Pd::revoke`, `Pd::clamp`).

/// Mapping database (`Mdb`): one delegation tree per resource. A node is a naturally aligned
/// range of `2^order` units (pages, ports or selectors) in one PD's space, with permissions;
/// its children are the ranges delegated from it. Each node's range is contiguous in its
/// tree's root (`origin`): for memory that is the physical frame number, for ports the port,
/// for objects the selector the object was created at.
///
/// The database records and answers; it does not touch page tables, bitmaps or object spaces.
/// `delegate` and `revoke` return the entries whose permissions changed, and the caller applies
/// them to the PD's spaces and flushes TLBs.
///
/// Ranges never partly overlap: two aligned power-of-two ranges are nested or disjoint. When a
/// revocation covers only part of a node, the node is split into buddies first (and so are
/// children that span the split), so every change applies to whole nodes.
///
/// Hedron at 7f934bf keeps no database for memory (its memory revocation clears only the
/// revoker's own page table); emu revokes memory recursively, as NOVA does and issue 3 asks.
public final class MappingDatabase {
    /// The three kinds of delegatable resource (the nonzero CRD kinds).
    public enum Resource: UInt8, Sendable, CaseIterable {
        case memory = 1, io = 2, object = 3
    }

    /// A node of a delegation tree (`Mdb`).
    public final class Node {
        /// The PD whose space holds this range.
        public let pd: ProtectionDomain
        public let resource: Resource
        /// First unit of the range in `pd`'s space.
        public fileprivate(set) var base: UInt64
        /// The range holds `2^order` units.
        public fileprivate(set) var order: UInt8
        /// CRD permission bits (five); always a subset of the parent's.
        public fileprivate(set) var permissions: UInt8
        /// `base` in the tree root's coordinates.
        public fileprivate(set) var origin: UInt64
        /// The node this range was delegated from; nil for a root.
        public fileprivate(set) weak var parent: Node?
        /// Ranges delegated from this one.
        public fileprivate(set) var children: [Node] = []
        /// Distance from the root (`dpth`).
        public let depth: Int

        fileprivate init(pd: ProtectionDomain, resource: Resource, base: UInt64, order: UInt8, permissions: UInt8,
                         origin: UInt64, parent: Node?) {
            self.pd = pd
            self.resource = resource
            self.base = base
            self.order = order
            self.permissions = permissions
            self.origin = origin
            self.parent = parent
            depth = (parent?.depth ?? -1) + 1
        }

        /// Units in the range.
        public var count: UInt64 { 1 << UInt64(order) }
        /// True if `unit` lies in the range.
        public func contains(_ unit: UInt64) -> Bool { unit &- base < count }
        /// The range in the parent's space (`base` of the parent plus this node's offset in it).
        public var parentBase: UInt64? { parent.map { $0.base &+ (origin &- $0.origin) } }
        /// A snapshot.
        public var entry: Entry {
            Entry(pd: pd, resource: resource, base: base, order: order, permissions: permissions, origin: origin,
                  parentBase: parentBase)
        }
    }

    /// A node's state at the moment `delegate` created it or `revoke` changed it.
    public struct Entry {
        public let pd: ProtectionDomain
        public let resource: Resource
        public let base: UInt64
        public let order: UInt8
        /// Permissions now; 0 means the range was removed from `pd`.
        public let permissions: UInt8
        /// `base` in the root's coordinates (the physical frame number for memory).
        public let origin: UInt64
        /// Where the range lies in the parent's space (the source selector of an object
        /// delegation); nil for a root.
        public let parentBase: UInt64?
    }

    /// One PD's nodes of one resource, sorted by base and never overlapping.
    final class Space {
        var nodes: [Node] = []

        /// Index of the first node whose base is at least `unit`.
        func lowerBound(_ unit: UInt64) -> Int {
            var lo = 0, hi = nodes.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if nodes[mid].base < unit { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        /// Indices of the nodes that intersect `[base, base + 2^order)`.
        func overlapping(base: UInt64, order: UInt8) -> Range<Int> {
            let end = base &+ (1 << UInt64(order))
            var first = lowerBound(base)
            if first > 0, nodes[first - 1].contains(base) { first -= 1 }
            var last = first
            while last < nodes.count, nodes[last].base < end || end == 0 { last += 1 }
            return first..<last
        }

        func insert(_ node: Node) -> Bool {
            guard overlapping(base: node.base, order: node.order).isEmpty else { return false }
            nodes.insert(node, at: lowerBound(node.base))
            return true
        }

        func remove(_ node: Node) {
            let i = lowerBound(node.base)
            if i < nodes.count, nodes[i] === node { nodes.remove(at: i) }
        }

        func replace(_ node: Node, with pieces: [Node]) {
            let i = lowerBound(node.base)
            precondition(i < nodes.count && nodes[i] === node, "MappingDatabase: node missing from its space")
            nodes.replaceSubrange(i...i, with: pieces)
        }
    }

    struct SpaceKey: Hashable {
        let pd: ObjectIdentifier
        let resource: Resource
    }

    var spaces: [SpaceKey: Space] = [:]

    public init() {}

    func space(_ pd: ProtectionDomain, _ resource: Resource) -> Space {
        let key = SpaceKey(pd: ObjectIdentifier(pd), resource: resource)
        if let s = spaces[key] { return s }
        let s = Space()
        spaces[key] = s
        return s
    }

    /// The space if it exists; queries use this so they never create one.
    func existingSpace(_ pd: ProtectionDomain, _ resource: Resource) -> Space? {
        spaces[SpaceKey(pd: ObjectIdentifier(pd), resource: resource)]
    }

    static func isAligned(_ base: UInt64, _ order: UInt8) -> Bool {
        order < 64 && base & ((1 << UInt64(order)) - 1) == 0
    }

    // MARK: - Queries

    /// The node of `pd` whose range holds `unit`, or nil.
    public func lookup(_ pd: ProtectionDomain, _ resource: Resource, unit: UInt64) -> Node? {
        guard let s = existingSpace(pd, resource) else { return nil }
        let r = s.overlapping(base: unit, order: 0)
        return r.isEmpty ? nil : s.nodes[r.lowerBound]
    }

    /// The nodes of `pd` that intersect `[base, base + 2^order)`, by base.
    public func nodes(_ pd: ProtectionDomain, _ resource: Resource, base: UInt64 = 0, order: UInt8 = 63) -> [Node] {
        guard let s = existingSpace(pd, resource), order < 64 else { return [] }
        return Array(s.nodes[s.overlapping(base: base, order: order)])
    }

    // MARK: - Roots

    /// Starts a tree: `pd` holds `[base, base + 2^order)` with `permissions`, from nobody (the
    /// kernel PD's memory and ports; a newly created object at its selector, `insert_root`).
    /// Nil if the range is misaligned or overlaps a range `pd` already holds.
    @discardableResult
    public func insertRoot(_ pd: ProtectionDomain, _ resource: Resource, base: UInt64, order: UInt8 = 0,
                           permissions: UInt8 = 0x1F) -> Node? {
        guard MappingDatabase.isAligned(base, order), permissions & 0x1F != 0 else { return nil }
        let node = Node(pd: pd, resource: resource, base: base, order: order, permissions: permissions & 0x1F,
                        origin: base, parent: nil)
        return space(pd, resource).insert(node) ? node : nil
    }

    /// Roots covering `[base, base + count)` of any length, split into the fewest aligned
    /// ranges (the kernel PD's RAM below the hypervisor region, for instance).
    @discardableResult
    public func insertRoots(_ pd: ProtectionDomain, _ resource: Resource, base: UInt64, count: UInt64,
                            permissions: UInt8 = 0x1F) -> [Node] {
        var result: [Node] = []
        var b = base
        let end = base + count
        while b < end {
            var order: UInt8 = b == 0 ? 63 : UInt8(b.trailingZeroBitCount)
            while order > 0 && (order >= 64 || (1 << UInt64(order)) > end - b) { order -= 1 }
            if let n = insertRoot(pd, resource, base: b, order: order, permissions: permissions) { result.append(n) }
            b += 1 << UInt64(order)
        }
        return result
    }

    // MARK: - Delegation

    /// Delegates `[sourceBase, sourceBase + 2^order)` of `source` to `[destinationBase, …)` of
    /// `destination`, each new range with its source node's permissions restricted to
    /// `permissions` (`Pd::delegate`). Every source node in the range yields one child: the
    /// part of it the range covers. Parts without permissions left, and parts whose target
    /// overlaps a range the destination already holds (Hedron's "overmap attempt"), are
    /// skipped. Returns the new entries; empty if a base is not aligned to `order`.
    @discardableResult
    public func delegate(from source: ProtectionDomain, _ resource: Resource, sourceBase: UInt64,
                         to destination: ProtectionDomain, destinationBase: UInt64, order: UInt8,
                         permissions: UInt8) -> [Entry] {
        guard MappingDatabase.isAligned(sourceBase, order), MappingDatabase.isAligned(destinationBase, order),
              let src = existingSpace(source, resource) else { return [] }
        let dst = space(destination, resource)
        var result: [Entry] = []
        for parent in Array(src.nodes[src.overlapping(base: sourceBase, order: order)]) {
            let perms = parent.permissions & permissions & 0x1F
            guard perms != 0 else { continue }
            let child: Node
            if parent.order >= order {
                // The source node holds the whole range.
                child = Node(pd: destination, resource: resource, base: destinationBase, order: order,
                             permissions: perms, origin: parent.origin &+ (sourceBase &- parent.base), parent: parent)
            } else {
                // The range holds the whole source node.
                child = Node(pd: destination, resource: resource, base: destinationBase &+ (parent.base &- sourceBase),
                             order: parent.order, permissions: perms, origin: parent.origin, parent: parent)
            }
            guard dst.insert(child) else { continue }
            parent.children.append(child)
            result.append(child.entry)
        }
        return result
    }

    // MARK: - Revocation

    /// Removes `permissions` from every descendant of `pd`'s nodes in `[base, base + 2^order)`,
    /// and from those nodes too if `includeSelf` (`Pd::revoke`). Ranges left without
    /// permissions are removed with their subtrees. Returns every entry whose permissions
    /// changed, parents before children; permissions 0 means removed.
    @discardableResult
    public func revoke(_ pd: ProtectionDomain, _ resource: Resource, base: UInt64, order: UInt8,
                       permissions: UInt8 = 0x1F, includeSelf: Bool) -> [Entry] {
        guard MappingDatabase.isAligned(base, order), let s = existingSpace(pd, resource) else { return [] }
        var changes: [Entry] = []
        for node in Array(s.nodes[s.overlapping(base: base, order: order)]) {
            let target = node.order > order ? isolate(node, base: base, order: order) : node
            demote(target, mask: permissions & 0x1F, includeSelf: includeSelf, into: &changes)
        }
        return changes
    }

    /// Splits `node` until `[base, base + 2^order)` (inside it) is a node of its own; returns that node.
    func isolate(_ node: Node, base: UInt64, order: UInt8) -> Node {
        var current = node
        while current.order > order {
            let (lo, hi) = split(current)
            current = base < hi.base ? lo : hi
        }
        return current
    }

    /// Replaces `node` by its two halves, in its space and in its parent's children. Children
    /// that span both halves are split the same way; the rest go to the half that holds them.
    @discardableResult
    func split(_ node: Node) -> (Node, Node) {
        precondition(node.order > 0)
        let k = node.order - 1
        let half: UInt64 = 1 << UInt64(k)
        let lo = Node(pd: node.pd, resource: node.resource, base: node.base, order: k, permissions: node.permissions,
                      origin: node.origin, parent: node.parent)
        let hi = Node(pd: node.pd, resource: node.resource, base: node.base &+ half, order: k,
                      permissions: node.permissions, origin: node.origin &+ half, parent: node.parent)
        space(node.pd, node.resource).replace(node, with: [lo, hi])
        if let parent = node.parent, let i = parent.children.firstIndex(where: { $0 === node }) {
            parent.children.replaceSubrange(i...i, with: [lo, hi])
        }
        for child in node.children {
            if child.order == node.order {
                let (clo, chi) = split(child)
                clo.parent = lo; lo.children.append(clo)
                chi.parent = hi; hi.children.append(chi)
            } else {
                // Offset of the child inside `node`, from the shared root coordinates.
                let owner = child.origin &- node.origin < half ? lo : hi
                child.parent = owner
                owner.children.append(child)
            }
        }
        node.children = []
        return (lo, hi)
    }

    /// Applies `mask` to `target` (if `includeSelf`) and to its whole subtree, recording
    /// changes and removing nodes left without permissions.
    func demote(_ target: Node, mask: UInt8, includeSelf: Bool, into changes: inout [Entry]) {
        guard mask != 0 else { return }
        if includeSelf {
            apply(target, mask: mask, into: &changes)
            if target.permissions == 0, let p = target.parent { p.children.removeAll { $0 === target } }
        } else {
            for child in target.children { apply(child, mask: mask, into: &changes) }
            target.children.removeAll { $0.permissions == 0 }
        }
    }

    /// Removes `mask` from `node` and its subtree, parents first. A child never holds a
    /// permission its parent lacks, so when a node loses all, its whole subtree does too.
    private func apply(_ node: Node, mask: UInt8, into changes: inout [Entry]) {
        let new = node.permissions & ~mask
        if new != node.permissions {
            node.permissions = new
            changes.append(node.entry)
        }
        for child in node.children { apply(child, mask: mask, into: &changes) }
        node.children.removeAll { $0.permissions == 0 }
        if new == 0 { space(node.pd, node.resource).remove(node) }
    }
}
