// SPDX-License-Identifier: MIT
// `emu trace show FILE`: load, filter, format, write to standard output.
import Glibc

public enum TraceShowing {
    public static func show(path: String, filter: TraceFilter, syntax: Disassembler.Syntax, jsonl: Bool) throws(TraceError) {
        let doc = try TraceDocument(path: path)
        let d = try Disassembler(syntax: syntax)
        let selected = try filter.select(doc)
        let text = TextFormat(document: doc, disassembler: d)
        let json = JSONLFormat(document: doc, disassembler: d)
        var out = ""
        out.reserveCapacity(1 << 16)
        // In slices, so a long trace streams out instead of being built whole in memory.
        var start = 0
        while start < selected.count {
            var end = min(start + 4096, selected.count)
            // Keep a hypercall with its status and a run of port accesses in one slice.
            while end < selected.count, case .event(let e) = doc.entries[selected[end]] {
                if case .status = e.payload {} else if case .port = e.payload {} else { break }
                end += 1
            }
            let slice = Array(selected[start..<end])
            for line in jsonl ? slice.compactMap(json.line) : text.lines(slice) {
                out += line
                out += "\n"
                if out.utf8.count >= 1 << 16 { writeOut(out); out.removeAll(keepingCapacity: true) }
            }
            start = end
        }
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
