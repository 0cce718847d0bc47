// SPDX-License-Identifier: MIT
// The mapping database: delegation trees per resource, recursive revocation two levels down,
// permission-only revocation and revocation of part of a delegated range.
import Testing
@testable import Hypervisor

@Suite struct MappingDatabaseTests {
    typealias Entry = MappingDatabase.Entry

    /// kernel → A → B → C: 16 pages to A, 4 of them to B, 2 of those to C.
    struct Chain {
        let db = MappingDatabase()
        let kernel = barePD(), a = barePD(), b = barePD(), c = barePD()
        init() {
            db.insertRoot(kernel, .memory, base: 0, order: 10, permissions: MemoryPermissions.all.rawValue)
            db.delegate(from: kernel, .memory, sourceBase: 0x100, to: a, destinationBase: 0x400, order: 4, permissions: 0x1F)
            db.delegate(from: a, .memory, sourceBase: 0x404, to: b, destinationBase: 0x10, order: 2, permissions: 0x1F)
            db.delegate(from: b, .memory, sourceBase: 0x12, to: c, destinationBase: 0x80, order: 1,
                        permissions: MemoryPermissions([.read, .write]).rawValue)
        }
    }

    @Test func delegationBuildsATree() throws {
        let t = Chain()
        let na = try #require(t.db.lookup(t.a, .memory, unit: 0x40F))
        #expect(na.base == 0x400 && na.order == 4 && na.origin == 0x100 && na.depth == 1)
        #expect(na.parent === t.db.lookup(t.kernel, .memory, unit: 0))
        let nb = try #require(t.db.lookup(t.b, .memory, unit: 0x13))
        #expect(nb.base == 0x10 && nb.order == 2 && nb.origin == 0x104 && nb.parent === na && nb.depth == 2)
        #expect(nb.parentBase == 0x404)
        let nc = try #require(t.db.lookup(t.c, .memory, unit: 0x81))
        #expect(nc.origin == 0x106 && nc.permissions == 0x3 && nc.parent === nb && nc.depth == 3)
        #expect(nc.parentBase == 0x12)
        #expect(t.db.lookup(t.c, .memory, unit: 0x82) == nil)
        #expect(t.db.lookup(t.a, .memory, unit: 0x410) == nil)
    }

    @Test func revokeTwoLevelsDown() throws {
        let t = Chain()
        let removed = t.db.revoke(t.a, .memory, base: 0x400, order: 4, includeSelf: false)
        // B's range and C's range, parents first, each with no permissions left.
        #expect(removed.map { [$0.pd === t.b, $0.pd === t.c] } == [[true, false], [false, true]])
        #expect(removed.map(\.base) == [0x10, 0x80])
        #expect(removed.map(\.order) == [2, 1])
        #expect(removed.map(\.origin) == [0x104, 0x106])
        #expect(removed.allSatisfy { $0.permissions == 0 })
        #expect(t.db.lookup(t.b, .memory, unit: 0x10) == nil)
        #expect(t.db.lookup(t.c, .memory, unit: 0x80) == nil)
        let na = try #require(t.db.lookup(t.a, .memory, unit: 0x400), "without self, A keeps its range")
        #expect(na.children.isEmpty && na.permissions == 0x7)
    }

    @Test func revokeIncludingSelf() throws {
        let t = Chain()
        let removed = t.db.revoke(t.a, .memory, base: 0x400, order: 4, includeSelf: true)
        #expect(removed.count == 3 && removed[0].pd === t.a)
        #expect(t.db.lookup(t.a, .memory, unit: 0x400) == nil)
        #expect(try #require(t.db.lookup(t.kernel, .memory, unit: 0x100)).children.isEmpty)
    }

    @Test func revokeFromTheMiddle() throws {
        let t = Chain()
        // B revokes what it gave on: C goes, B and A stay.
        let removed = t.db.revoke(t.b, .memory, base: 0x10, order: 2, includeSelf: false)
        #expect(removed.count == 1 && removed[0].pd === t.c)
        #expect(t.db.lookup(t.b, .memory, unit: 0x12) != nil)
    }

    @Test func revokePermissionsOnly() throws {
        let t = Chain()
        let changed = t.db.revoke(t.a, .memory, base: 0x400, order: 4, permissions: MemoryPermissions.write.rawValue,
                                  includeSelf: false)
        #expect(changed.map(\.permissions) == [0x5, 0x1])
        #expect(try #require(t.db.lookup(t.b, .memory, unit: 0x10)).permissions == 0x5)
        #expect(try #require(t.db.lookup(t.c, .memory, unit: 0x80)).permissions == 0x1)
        #expect(try #require(t.db.lookup(t.a, .memory, unit: 0x400)).permissions == 0x7)
        // Revoking a permission nobody holds changes nothing.
        #expect(t.db.revoke(t.a, .memory, base: 0x400, order: 4, permissions: 0x2, includeSelf: false).isEmpty)
    }

    @Test func revokePartOfARangeSplitsIt() throws {
        let db = MappingDatabase()
        let kernel = barePD(), a = barePD(), b = barePD(), c = barePD()
        db.insertRoot(kernel, .memory, base: 0, order: 10)
        db.delegate(from: kernel, .memory, sourceBase: 0x100, to: a, destinationBase: 0x400, order: 4, permissions: 0x7)
        db.delegate(from: a, .memory, sourceBase: 0x400, to: b, destinationBase: 0x10, order: 4, permissions: 0x7)
        db.delegate(from: b, .memory, sourceBase: 0x10, to: c, destinationBase: 0x80, order: 4, permissions: 0x7)
        // Revoke A's pages 0x404…0x407 from B and C: their 16-page ranges lose 4 pages each.
        let removed = db.revoke(a, .memory, base: 0x404, order: 2, includeSelf: false)
        #expect(removed.map(\.base) == [0x14, 0x84])
        #expect(removed.map(\.order) == [2, 2])
        #expect(removed.map(\.origin) == [0x104, 0x104])
        for u: UInt64 in 0x10...0x1F { #expect((db.lookup(b, .memory, unit: u) == nil) == (0x14...0x17).contains(u)) }
        for u: UInt64 in 0x80...0x8F { #expect((db.lookup(c, .memory, unit: u) == nil) == (0x84...0x87).contains(u)) }
        // The pieces keep their origins and parents: C's page 0x8C is physical 0x10C, under B's 0x1C.
        let c8 = try #require(db.lookup(c, .memory, unit: 0x8C))
        #expect(c8.origin &+ (0x8C - c8.base) == 0x10C)
        let b1 = try #require(db.lookup(b, .memory, unit: 0x1C))
        #expect(c8.parent === b1 && b1.children.contains { $0 === c8 })
        #expect(b1.parent === db.lookup(a, .memory, unit: 0x40C))
        // A itself is whole in coverage and permissions.
        #expect(db.nodes(a, .memory).reduce(0) { $0 + $1.count } == 16)
        #expect(db.nodes(a, .memory).allSatisfy { $0.permissions == 0x7 })
        // Revoking the rest from B recursively still finds C's pieces.
        let rest = db.revoke(b, .memory, base: 0x10, order: 4, includeSelf: true)
        #expect(rest.filter { $0.pd === c }.reduce(0) { $0 + (1 << UInt64($1.order)) } == 12)
        #expect(db.nodes(c, .memory).isEmpty && db.nodes(b, .memory).isEmpty)
    }

    @Test func delegateAcrossSeveralSourceNodes() throws {
        let db = MappingDatabase()
        let kernel = barePD(), a = barePD(), b = barePD()
        db.insertRoot(kernel, .memory, base: 0, order: 10)
        db.delegate(from: kernel, .memory, sourceBase: 0x30, to: a, destinationBase: 0x400, order: 0, permissions: 0x7)
        db.delegate(from: kernel, .memory, sourceBase: 0x50, to: a, destinationBase: 0x402, order: 1, permissions: 0x5)
        // A's 0x400…0x403 holds two nodes (0x400, and 0x402…0x403) and a hole at 0x401.
        let made = db.delegate(from: a, .memory, sourceBase: 0x400, to: b, destinationBase: 0x20, order: 2, permissions: 0x3)
        #expect(made.map(\.base) == [0x20, 0x22])
        #expect(made.map(\.order) == [0, 1])
        #expect(made.map(\.origin) == [0x30, 0x50])
        #expect(made.map(\.permissions) == [0x3, 0x1])
        #expect(made.map(\.parentBase) == [0x400, 0x402])
        #expect(db.lookup(b, .memory, unit: 0x21) == nil)
    }

    @Test func delegateRules() throws {
        let db = MappingDatabase()
        let kernel = barePD(), a = barePD()
        db.insertRoot(kernel, .io, base: 0, order: 16, permissions: 1)
        // Misaligned bases deliver nothing.
        #expect(db.delegate(from: kernel, .io, sourceBase: 0x3F9, to: a, destinationBase: 0x3F9, order: 3, permissions: 1).isEmpty)
        // No permission left: nothing.
        #expect(db.delegate(from: kernel, .io, sourceBase: 0x3F8, to: a, destinationBase: 0x3F8, order: 3, permissions: 0x2).isEmpty)
        #expect(db.delegate(from: kernel, .io, sourceBase: 0x3F8, to: a, destinationBase: 0x3F8, order: 3, permissions: 1).count == 1)
        // Overmap: the destination already holds the range.
        #expect(db.delegate(from: kernel, .io, sourceBase: 0x3F8, to: a, destinationBase: 0x3F8, order: 0, permissions: 1).isEmpty)
        // Nothing to delegate from.
        #expect(db.delegate(from: a, .io, sourceBase: 0x60, to: kernel, destinationBase: 0x60, order: 0, permissions: 1).isEmpty)
        // Resources are separate trees.
        #expect(db.lookup(a, .memory, unit: 0x3F8) == nil)
        #expect(db.insertRoot(a, .io, base: 0x3FC, order: 0) == nil, "overlaps a held range")
        #expect(db.insertRoot(a, .io, base: 0x3, order: 2) == nil, "misaligned")
        // Queries about a PD the database has never seen create nothing.
        let spaces = db.spaces.count
        #expect(db.lookup(barePD(), .io, unit: 0) == nil && db.nodes(barePD(), .object).isEmpty)
        #expect(db.revoke(barePD(), .memory, base: 0, order: 0, includeSelf: true).isEmpty)
        #expect(db.spaces.count == spaces)
    }

    @Test func objectDelegationNamesTheSourceSelector() throws {
        let db = MappingDatabase()
        let root = barePD(), child = barePD()
        // Objects created at selectors 64 and 65 of the root.
        db.insertRoot(root, .object, base: 64, permissions: 0x1F)
        db.insertRoot(root, .object, base: 65, permissions: 0x3)
        let made = db.delegate(from: root, .object, sourceBase: 64, to: child, destinationBase: 0, order: 1, permissions: 0x1D)
        #expect(made.map(\.base) == [0, 1])
        #expect(made.map(\.parentBase) == [64, 65])
        #expect(made.map(\.permissions) == [0x1D, 0x1])
        #expect(db.revoke(root, .object, base: 65, order: 0, includeSelf: true).map(\.base) == [65, 1])
        #expect(db.lookup(child, .object, unit: 0) != nil)
    }

    @Test func rootsCoverAnyRange() {
        let db = MappingDatabase()
        let k = barePD()
        let roots = db.insertRoots(k, .memory, base: 3, count: 13)
        #expect(roots.map(\.base) == [3, 4, 8])
        #expect(roots.map(\.order) == [0, 2, 3])
        #expect(db.insertRoots(k, .memory, base: 0x10000, count: 0x6000).map(\.order) == [14, 13])
        #expect(db.nodes(k, .memory, base: 0, order: 4).count == 3)
    }
}
