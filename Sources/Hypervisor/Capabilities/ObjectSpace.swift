// SPDX-License-Identifier: MIT
// A PD's object space: selector → capability for 2^26 selectors, stored sparsely.
// Hedron: include/space_obj.hpp (`Space_obj`, `caps = 2^26`); thesis digest §2.4.

/// Object space (`Space_obj`): the capabilities a PD names by selector.
///
/// Selectors are grouped in leaves of 512; the leaf table grows only as far as the highest
/// leaf in use, so a PD using selectors 0…200 costs one leaf, and a lookup is two array loads
/// (the forwarding path does one per foreign syscall).
public final class ObjectSpace {
    /// Number of selectors (`Space_obj::caps`, HIP `sel_num`): 2^26.
    public static let selectorCount: UInt64 = 1 << 26
    static let leafBits: UInt64 = 9
    static let leafSize = 1 << leafBits

    final class Leaf {
        var slots = [Capability](repeating: .null, count: ObjectSpace.leafSize)
        var used = 0
    }

    var leaves: [Leaf?] = []
    /// Number of non-null capabilities.
    public private(set) var count = 0
    /// Changes with every `replace` (insertions and removals too): a lookup remembered together
    /// with the version is still right while the version is the same.
    public private(set) var version: UInt64 = 0

    public init() {}

    /// The capability at `selector`; null when empty or out of range (`Space_obj::lookup`).
    @inline(__always)
    public func lookup(_ selector: UInt64) -> Capability {
        let leaf = Int(truncatingIfNeeded: selector >> ObjectSpace.leafBits)
        guard selector < ObjectSpace.selectorCount, leaf < leaves.count, let l = leaves[leaf] else { return .null }
        return l.slots[Int(selector & UInt64(ObjectSpace.leafSize - 1))]
    }

    public subscript(selector: UInt64) -> Capability { lookup(selector) }

    /// Puts `capability` at an empty `selector`. False if the selector is out of range or taken
    /// (`Space_obj::insert_root` failing: create_* answers BAD_CAP).
    @discardableResult
    public func insert(_ capability: Capability, at selector: UInt64) -> Bool {
        guard selector < ObjectSpace.selectorCount, lookup(selector).isNull else { return false }
        return replace(selector, with: capability).isNull
    }

    /// Sets `selector` to `capability` (null clears it) and returns what was there; out-of-range
    /// selectors are ignored.
    @discardableResult
    public func replace(_ selector: UInt64, with capability: Capability) -> Capability {
        guard selector < ObjectSpace.selectorCount else { return .null }
        version &+= 1
        let leafIndex = Int(selector >> ObjectSpace.leafBits)
        let slot = Int(selector & UInt64(ObjectSpace.leafSize - 1))
        if leafIndex >= leaves.count {
            if capability.isNull { return .null }
            leaves.append(contentsOf: repeatElement(nil, count: leafIndex + 1 - leaves.count))
        }
        let leaf: Leaf
        if let l = leaves[leafIndex] {
            leaf = l
        } else {
            if capability.isNull { return .null }
            leaf = Leaf()
            leaves[leafIndex] = leaf
        }
        let old = leaf.slots[slot]
        leaf.slots[slot] = capability
        let delta = (capability.isNull ? 0 : 1) - (old.isNull ? 0 : 1)
        leaf.used += delta
        count += delta
        if leaf.used == 0 { leaves[leafIndex] = nil }
        return old
    }

    /// Clears `selector` and returns what was there.
    @discardableResult
    public func remove(_ selector: UInt64) -> Capability { replace(selector, with: .null) }

    /// Calls `body` for every non-null capability with selector in `[base, base + 2^order)`, in
    /// selector order; empty leaves are skipped whole. The range is clipped to the space.
    public func forEach(base: UInt64, order: UInt8, _ body: (UInt64, Capability) -> Void) {
        guard order < 64, base < ObjectSpace.selectorCount else { return }
        let end = min(base &+ (1 << UInt64(order)), ObjectSpace.selectorCount)
        var selector = base
        while selector < end {
            let leafIndex = Int(selector >> ObjectSpace.leafBits)
            let leafEnd = min((UInt64(leafIndex) + 1) << ObjectSpace.leafBits, end)
            guard leafIndex < leaves.count else { return }
            if let leaf = leaves[leafIndex] {
                while selector < leafEnd {
                    let c = leaf.slots[Int(selector & UInt64(ObjectSpace.leafSize - 1))]
                    if !c.isNull { body(selector, c) }
                    selector += 1
                }
            }
            selector = leafEnd
        }
    }

    /// The non-null capabilities in `[base, base + 2^order)` as (selector, capability) pairs.
    public func capabilities(base: UInt64, order: UInt8) -> [(selector: UInt64, capability: Capability)] {
        var result: [(selector: UInt64, capability: Capability)] = []
        forEach(base: base, order: order) { result.append((selector: $0, capability: $1)) }
        return result
    }

    /// Removes every capability in `[base, base + 2^order)`; returns what was removed.
    @discardableResult
    public func removeAll(base: UInt64, order: UInt8) -> [(selector: UInt64, capability: Capability)] {
        let removed = capabilities(base: base, order: order)
        for (s, _) in removed { remove(s) }
        return removed
    }

    /// The capability at `selector` as a CRD (`pd_ctrl_lookup`): order 0 with its permissions, or
    /// null if the selector is empty.
    public func crd(at selector: UInt64) -> CRD {
        let c = lookup(selector)
        return c.isNull ? .null : .object(selector: selector, permissions: c.permissions)
    }
}
