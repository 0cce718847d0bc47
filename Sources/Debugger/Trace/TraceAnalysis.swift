// SPDX-License-Identifier: MIT
// The spans of a trace, from its events: per EC the stretches of user execution (resume to the
// next entry) and per trap the kernel path (entry to resume) with its parts — forwarding to the
// handler, the handler's work, the way back. Timeline and Report draw these.

/// A stretch of time on one EC's track.
public struct TraceSpan: Equatable, Sendable {
    public enum Kind: String, Sendable { case user, syscall, forward, handler, back, hypercall, exception }
    public var kind: Kind
    /// What to call it: "user", the syscall or hypercall name, "forward", …
    public var name: String
    public var ec: UInt32
    public var startNanos: UInt64
    public var endNanos: UInt64
    /// Instructions retired at the start and at the end (guest work inside the span).
    public var startIndex: UInt64
    public var endIndex: UInt64
}

/// A point in time on one EC's track (exceptions, kills).
public struct TraceInstant: Equatable, Sendable {
    public var name: String
    public var ec: UInt32
    public var nanos: UInt64
    public var index: UInt64
}

public struct TraceAnalysis {
    public private(set) var spans: [TraceSpan] = []
    public private(set) var instants: [TraceInstant] = []

    public init(document doc: TraceDocument) {
        var spans: [TraceSpan] = [], instants: [TraceInstant] = []
        var backStart: [UInt32: EventRecord] = [:]
        var userStart: [UInt32: EventRecord] = [:]
        var trap: [UInt32: (entry: EventRecord, name: String, kind: TraceSpan.Kind)] = [:]
        var handler: [UInt32: (start: EventRecord, caller: UInt32, name: String)] = [:]
        /// Handlers between entry and reply, innermost last (a dispatch belongs to the innermost).
        var running: [UInt32] = []
        var lastEnd: EventRecord?
        func span(_ kind: TraceSpan.Kind, _ name: String, _ ec: UInt32, _ a: EventRecord, _ b: EventRecord) {
            spans.append(TraceSpan(kind: kind, name: name, ec: ec, startNanos: a.hostNanos, endNanos: max(a.hostNanos, b.hostNanos),
                                   startIndex: a.index, endIndex: max(a.index, b.index)))
        }
        for case .event(let e) in doc.entries {
            lastEnd = e
            switch e.payload {
            case .entry(let cause, let vector, _):
                if let u = userStart.removeValue(forKey: e.ec) { span(.user, "user", e.ec, u, e) }
                switch cause {
                case 0: trap[e.ec] = (e, "syscall", .syscall)
                case 1: trap[e.ec] = (e, "exception " + cpuExceptionName(vector), .exception)
                default: trap[e.ec] = (e, "timer", .exception)
                }
            case .hypercall(_, _, let decoded):
                if var t = trap[e.ec], t.name == "syscall" {
                    t.name = String(decoded.prefix { $0 != " " }); t.kind = .hypercall; trap[e.ec] = t
                }
            case .handlerEntry(let h, let caller, _):
                handler[h] = (e, caller, "handler")
                running.append(h)
                if let t = trap[caller] { span(.forward, "forward", caller, t.entry, e) }
            case .dispatch(let name, _, _, _, _):
                let owner = handler[e.ec] != nil ? e.ec : running.last ?? e.ec
                if var h = handler[owner] {
                    h.name = name; handler[owner] = h
                    if var t = trap[h.caller] { t.name = name; trap[h.caller] = t }
                }
            case .reply(let h, let caller, _, _):
                if let s = handler.removeValue(forKey: h) { span(.handler, s.name, h, s.start, e) }
                running.removeAll { $0 == h }
                if caller != 0, trap[caller] != nil { backStart[caller] = e }
            case .resume:
                if let t = trap.removeValue(forKey: e.ec) {
                    if let b = backStart.removeValue(forKey: e.ec) { span(.back, "return", e.ec, b, e) }
                    span(t.kind, t.name, e.ec, t.entry, e)
                }
                userStart[e.ec] = e
            case .kill(let reason):
                instants.append(TraceInstant(name: "kill: " + reason, ec: e.ec, nanos: e.hostNanos, index: e.index))
            case .exception(let vector, _, _, _):
                instants.append(TraceInstant(name: cpuExceptionName(vector), ec: e.ec, nanos: e.hostNanos, index: e.index))
            default: break
            }
        }
        if let end = lastEnd {
            for (ec, u) in userStart.sorted(by: { $0.key < $1.key }) { span(.user, "user", ec, u, end) }
        }
        spans.sort { ($0.startNanos, $0.endNanos) < ($1.startNanos, $1.endNanos) }
        self.spans = spans
        self.instants = instants
    }
}
