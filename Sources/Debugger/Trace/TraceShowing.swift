// SPDX-License-Identifier: MIT
// `emu trace show FILE`: load, filter, format, write to standard output.
import Glibc

public enum TraceShowing {
    /// Records per piece: a long trace is decoded, filtered and printed a piece at a time, so
    /// memory stays bounded whatever the trace's length.
    static let piece = 1 << 16

    public static func show(path: String, filter: TraceFilter, syntax: Disassembler.Syntax, jsonl: Bool) throws(TraceError) {
        let d = try Disassembler(syntax: syntax)
        // --path N: a first pass finds the path's records.
        var range: Range<Int>?
        if let n = filter.path {
            var reader = try TraceReader(path: path)
            var finder = PathFinder(n)
            var k = 0
            while let e = try reader.next() {
                if let r = finder.feed(e, at: k) { range = r; break }
                k += 1
            }
            if range == nil { range = try finder.end(count: k) }
        }
        var rest = filter
        rest.path = nil
        var reader = try TraceReader(path: path)
        var objects: [UInt32: TraceObject] = [:]
        var context: UInt32 = 0
        var entries: [TraceEntry] = []
        var out = ""
        out.reserveCapacity(1 << 16)
        func printPiece() throws(TraceError) {
            let doc = TraceDocument(entries: entries, objects: objects, context: context)
            objects = doc.objects
            context = doc.context
            let selected = try rest.select(doc)
            let json = JSONLFormat(document: doc, disassembler: d)
            for line in jsonl ? selected.compactMap(json.line) : TextFormat(document: doc, disassembler: d).lines(selected) {
                out += line
                out += "\n"
                if out.utf8.count >= 1 << 16 { writeOut(out); out.removeAll(keepingCapacity: true) }
            }
            entries.removeAll(keepingCapacity: true)
        }
        var k = 0
        while let e = try reader.next() {
            defer { k += 1 }
            if let r = range {
                if k >= r.upperBound { break }
                if k < r.lowerBound {
                    // Before the path only the names and the context matter.
                    if case .object(let o) = e { objects[o.id] = o }
                    if case .context(let ec) = e { context = ec }
                    continue
                }
            }
            // Pieces end before an instruction: a hypercall stays with its foreign check and
            // status, and a run of port accesses stays whole.
            if case .instruction = e, entries.count >= piece { try printPiece() }
            entries.append(e)
        }
        try printPiece()
        writeOut(out)
    }

    /// Writes `s` to standard output (fd 1), all of it.
    static func writeOut(_ s: String) {
        var s = s
        s.withUTF8 { b in
            var off = 0
            while off < b.count {
                let n = write(1, b.baseAddress! + off, b.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}
