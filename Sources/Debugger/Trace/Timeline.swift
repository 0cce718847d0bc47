// SPDX-License-Identifier: MIT
// `--timeline FILE`: the trace as Chrome trace-event JSON (the "Trace Event Format" document,
// which Perfetto's UI and chrome://tracing open): a process per PD and a thread per EC ("M"
// metadata events process_name/thread_name), complete "X" events for user execution, the kernel
// path of each trap and its parts, and "i" instants for exceptions and kills. Times are host
// microseconds since the trace started; guest instruction counts are in each event's args.

public struct Timeline {
    let doc: TraceDocument
    let analysis: TraceAnalysis

    public init(document: TraceDocument) {
        doc = document
        analysis = TraceAnalysis(document: document)
    }

    /// The JSON object `{"traceEvents": [...], "displayTimeUnit": "ns"}`.
    public func json() -> String {
        var events: [String] = []
        var named = Set<UInt32>()
        func track(_ ec: UInt32) -> (pid: UInt32, tid: UInt32) {
            let pd = doc.objects[ec]?.pd ?? 0
            if named.insert(ec).inserted {
                let (pdName, ecName) = doc.names(ec)
                if named.insert(0x8000_0000 | pd).inserted {
                    events.append(#"{"name":"process_name","ph":"M","pid":\#(pd),"args":{"name":"\#(JSON.escape(pdName.isEmpty ? "pd \(pd)" : pdName))"}}"#)
                }
                events.append(#"{"name":"thread_name","ph":"M","pid":\#(pd),"tid":\#(ec),"args":{"name":"\#(JSON.escape(ecName.isEmpty ? "ec \(ec)" : ecName))"}}"#)
            }
            return (pd, ec)
        }
        for s in analysis.spans {
            let (pid, tid) = track(s.ec)
            events.append(#"{"name":"\#(JSON.escape(s.name))","cat":"\#(s.kind.rawValue)","ph":"X","ts":\#(Timeline.micros(s.startNanos)),"dur":\#(Timeline.micros(s.endNanos - s.startNanos)),"pid":\#(pid),"tid":\#(tid),"args":{"first_instruction":\#(s.startIndex),"guest_instructions":\#(s.endIndex - s.startIndex)}}"#)
        }
        for i in analysis.instants {
            let (pid, tid) = track(i.ec)
            events.append(#"{"name":"\#(JSON.escape(i.name))","ph":"i","s":"t","ts":\#(Timeline.micros(i.nanos)),"pid":\#(pid),"tid":\#(tid),"args":{"instruction":\#(i.index)}}"#)
        }
        return "{\"traceEvents\":[\n" + events.joined(separator: ",\n") + "\n],\"displayTimeUnit\":\"ns\"}\n"
    }

    /// Nanoseconds as microseconds with three decimals (the format's `ts` unit).
    static func micros(_ ns: UInt64) -> String {
        let frac = ns % 1000
        return "\(ns / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + String(frac)
    }
}

/// JSON text helpers (RFC 8259 §7 string escaping).
enum JSON {
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func hex(_ v: UInt64) -> String { "\"0x" + String(v, radix: 16) + "\"" }
}
