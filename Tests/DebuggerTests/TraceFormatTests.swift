// SPDX-License-Identifier: MIT
// The trace's formats on a real recording: JSON lines and the timeline parse as JSON, the text
// has one line per instruction, the filters select what they say.
import Foundation
import Testing
@testable import Debugger

@Suite struct TraceFormatTests {
    func recorded() throws -> TraceDocument {
        TraceDocument(entries: try traceRoottask("hedron/foreign_forwarding.elf").1)
    }

    @Test func jsonLinesParse() throws {
        let doc = try recorded()
        let f = JSONLFormat(document: doc, disassembler: try Disassembler())
        var types = Set<String>()
        for k in try TraceFilter().select(doc) {
            guard let line = f.line(k) else { continue }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            types.insert(object["type"] as? String ?? "?")
            if object["type"] as? String == "event" { #expect(object["event"] is String) }
        }
        #expect(types.isSuperset(of: ["instruction", "event", "registers"]))
    }

    @Test func timelineIsTraceEventJSON() throws {
        let doc = try recorded()
        let json = Timeline(document: doc).json()
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let events = try #require(root["traceEvents"] as? [[String: Any]])
        let phases = Set(events.compactMap { $0["ph"] as? String })
        #expect(phases.isSuperset(of: ["X", "M"]))
        // A thread name per EC track, and every span on a named track.
        let named = Set(events.filter { $0["name"] as? String == "thread_name" }.compactMap { $0["tid"] as? Int })
        for e in events where e["ph"] as? String == "X" {
            #expect(named.contains(e["tid"] as? Int ?? -1))
            #expect((e["dur"] as? Double ?? -1) >= 0)
        }
        #expect(events.contains { $0["cat"] as? String == "user" })
        #expect(events.contains { $0["cat"] as? String == "forward" })
        #expect(events.contains { $0["cat"] as? String == "handler" })
    }

    @Test func textHasOneLinePerInstruction() throws {
        let doc = try recorded()
        let text = TextFormat(document: doc, disassembler: try Disassembler())
        let lines = text.lines(try TraceFilter().select(doc))
        let insnLines = lines.filter { $0.range(of: #"^ +\d+  \S+ +c[0-3] [0-9a-f]{16}  "#, options: .regularExpression) != nil }
        #expect(insnLines.count == doc.instructionCount)
        #expect(lines.contains { $0.hasPrefix("        hv  trap: syscall") })
    }

    @Test func filters() throws {
        let doc = try recorded()
        var f = TraceFilter()
        f.from = 100
        f.to = 200
        for k in try f.select(doc) {
            if case .instruction(let r) = doc.entries[k] { #expect((100..<200).contains(r.index)) }
        }
        f = TraceFilter()
        f.syscalls = true
        for k in try f.select(doc) {
            guard case .event(let e) = doc.entries[k] else { Issue.record("--syscalls selected a non-event"); continue }
            switch e.payload {
            case .dispatch, .hypercall, .status: break
            default: Issue.record("--syscalls selected \(e.payload)")
            }
        }
        f = TraceFilter()
        f.path = 10_000
        #expect(throws: TraceError.self) { _ = try f.select(doc) }
    }
}
