// SPDX-License-Identifier: MIT
// Which records `emu trace show` prints: by PD or EC name, by instruction count, only the
// syscall-level events, or the complete path of the Nth syscall (its `syscall` instruction, every
// hypervisor and personality step, the resume and the next user instruction).

public struct TraceFilter: Sendable {
    /// Only records of ECs of the PD with this name.
    public var pd: String?
    /// Only records of the EC with this name ("main") or label ("hello/main").
    public var ec: String?
    /// Only records at or after this instruction count.
    public var from: UInt64?
    /// Only records before this instruction count.
    public var to: UInt64?
    /// Only the forwarded calls a host EC dispatched and the native hypercalls, with their status.
    public var syscalls = false
    /// Only the path of the Nth syscall (1-based, in trace order).
    public var path: Int?
    public init() {}

    /// The indices into `doc.entries` to show, in order.
    public func select(_ doc: TraceDocument) throws(TraceError) -> [Int] {
        var range = doc.entries.indices
        if let n = path { range = try TraceFilter.path(n, in: doc) }
        // --syscalls: a hypercall counts (with its status) when guest code made it: it follows
        // the foreign check of a `syscall` trap; a host EC's RootAPI calls have none.
        var guestHypercall = false
        return range.filter { k in
            let e = doc.entries[k]
            switch e {
            case .object, .sync, .context: return false
            case .instruction where syscalls, .registers where syscalls: return false
            case .event(let r) where syscalls:
                switch r.payload {
                case .dispatch: break
                case .hypercall:
                    guard k > 0, case .event(let p) = doc.entries[k - 1], case .foreignCheck = p.payload, p.ec == r.ec else { return false }
                    guestHypercall = true
                case .status:
                    guard guestHypercall else { return false }
                    guestHypercall = false
                default: return false
                }
            default: break
            }
            if let from, TraceFilter.index(e) < from { return false }
            if let to, TraceFilter.index(e) >= to { return false }
            if pd != nil || ec != nil {
                let owner = doc.owners[k]
                let (p, c) = doc.names(owner)
                if let pd, p != pd { return false }
                if let ec, c != ec && doc.label(owner) != ec { return false }
            }
            return true
        }
    }

    /// The instruction count a record belongs to.
    static func index(_ e: TraceEntry) -> UInt64 {
        switch e {
        case .instruction(let r): r.index
        case .event(let r): r.index
        case .registers(let i, _): i
        case .sync(let i, _): i
        default: 0
        }
    }

    /// The records of the Nth `syscall` trap: from the instruction before it to the first
    /// instruction after the trapping EC resumes (or the end of the trace if it never does).
    public static func path(_ n: Int, in doc: TraceDocument) throws(TraceError) -> Range<Int> {
        var finder = PathFinder(n)
        for (k, e) in doc.entries.enumerated() {
            if let r = finder.feed(e, at: k) { return r }
        }
        return try finder.end(count: doc.entries.count)
    }
}

/// Finds the records of the Nth `syscall` trap while the records go by one at a time (for
/// `TraceFilter.path` and the streaming `emu trace show --path N`).
public struct PathFinder {
    let n: Int
    var seen = 0
    /// The last instruction record with no event after it yet.
    var lastInstruction: Int?
    var start: Int?
    var trapEC: UInt32 = 0
    var resumed = false

    public init(_ n: Int) { self.n = n }

    /// Takes record `k`; returns the path's range once it is complete.
    public mutating func feed(_ e: TraceEntry, at k: Int) -> Range<Int>? {
        switch e {
        case .instruction:
            if let s = start, resumed { return s..<(k + 1) }
            lastInstruction = k
        case .event(let r):
            if start == nil, case .entry(cause: 0, _, _) = r.payload {
                seen += 1
                if seen == n { start = lastInstruction ?? k; trapEC = r.ec }
            } else if start != nil, case .resume = r.payload, r.ec == trapEC {
                resumed = true
            }
            lastInstruction = nil
        default: break
        }
        return nil
    }

    /// The range at the end of the records (`count` of them): to the end if the trap was found.
    public func end(count: Int) throws(TraceError) -> Range<Int> {
        guard let s = start else { throw TraceError("the trace has \(seen) syscall\(seen == 1 ? "" : "s"), not \(n)") }
        return s..<count
    }
}
