// SPDX-License-Identifier: MIT
// `emu trace report FILE -o report.html`: one self-contained HTML page (inline CSS, SVG drawn by
// inline JavaScript, the data as inline JSON; nothing is fetched) with the timeline of every EC
// and a table of per-syscall costs: how often, guest instructions inside the kernel path, host
// time from trap to resume.

public struct Report {
    let doc: TraceDocument
    let analysis: TraceAnalysis

    public init(document: TraceDocument) {
        doc = document
        analysis = TraceAnalysis(document: document)
    }

    /// One row of the cost table.
    public struct SyscallCost: Equatable, Sendable {
        public var name: String
        public var count: Int
        /// Guest instructions retired between trap and resume (a guest-code handler's work).
        public var guestInstructions: UInt64
        public var hostNanos: UInt64
    }

    /// The per-syscall costs, most host time first.
    public var costs: [SyscallCost] {
        var rows: [String: SyscallCost] = [:]
        for s in analysis.spans where s.kind == .syscall || s.kind == .hypercall {
            var row = rows[s.name] ?? SyscallCost(name: s.name, count: 0, guestInstructions: 0, hostNanos: 0)
            row.count += 1
            row.guestInstructions += s.endIndex - s.startIndex
            row.hostNanos += s.endNanos - s.startNanos
            rows[s.name] = row
        }
        return rows.values.sorted { ($0.hostNanos, $1.name) > ($1.hostNanos, $0.name) }
    }

    /// The page.
    public func html(title: String) -> String {
        var tracks: [UInt32] = []
        for s in analysis.spans where !tracks.contains(s.ec) { tracks.append(s.ec) }
        for i in analysis.instants where !tracks.contains(i.ec) { tracks.append(i.ec) }
        let trackJSON = tracks.map { "\"\(JSON.escape(doc.label($0)))\"" }.joined(separator: ",")
        let spanJSON = analysis.spans.map { s in
            "[\(tracks.firstIndex(of: s.ec)!),\"\(s.kind.rawValue)\",\"\(JSON.escape(s.name))\",\(s.startNanos),\(s.endNanos),\(s.endIndex - s.startIndex)]"
        }.joined(separator: ",\n")
        let instantJSON = analysis.instants.map { i in
            "[\(tracks.firstIndex(of: i.ec)!),\"\(JSON.escape(i.name))\",\(i.nanos)]"
        }.joined(separator: ",\n")
        let costJSON = costs.map { c in
            "[\"\(JSON.escape(c.name))\",\(c.count),\(c.guestInstructions),\(c.hostNanos)]"
        }.joined(separator: ",\n")
        let data = "{\"tracks\":[\(trackJSON)],\n\"spans\":[\(spanJSON)],\n\"instants\":[\(instantJSON)],\n\"costs\":[\(costJSON)],\n\"instructions\":\(doc.instructionCount)}"
        // `</` inside the inline script would end it early.
        let safeData = data.replacingOccurrences(of: "</", with: "<\\/")
        return Report.template
            .replacingOccurrences(of: "@TITLE@", with: Report.escapeHTML(title))
            .replacingOccurrences(of: "@DATA@", with: safeData)
    }

    static func escapeHTML(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let template = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <title>emu trace report: @TITLE@</title>
    <style>
      body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2330; background: #fafbfc; }
      h1 { font-size: 20px; margin: 0 0 4px; }
      h2 { font-size: 16px; margin: 24px 0 8px; }
      .summary { color: #555; margin-bottom: 12px; }
      #timeline { background: #fff; border: 1px solid #d0d7de; }
      .legend span { display: inline-block; margin-right: 14px; }
      .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
      table { border-collapse: collapse; background: #fff; min-width: 640px; }
      th, td { border: 1px solid #d0d7de; padding: 4px 10px; text-align: right; }
      th { background: #eef1f4; }
      td:first-child, th:first-child { text-align: left; font-family: ui-monospace, monospace; }
      .bar { display: inline-block; height: 10px; background: #4a7bd0; vertical-align: middle; }
    </style>
    </head>
    <body>
    <h1>emu trace report</h1>
    <div class="summary" id="summary">@TITLE@</div>
    <div class="legend" id="legend"></div>
    <svg id="timeline" width="1100" height="120"></svg>
    <h2>Per-syscall costs</h2>
    <table id="costs"><thead><tr><th>syscall</th><th>count</th><th>guest instructions</th><th>host time (µs)</th><th>µs per call</th><th></th></tr></thead><tbody></tbody></table>
    <script>
    const DATA = @DATA@;
    const COLORS = { user: "#4caf50", syscall: "#f2b134", hypercall: "#e8833a", forward: "#d9534f",
                     handler: "#4a7bd0", back: "#9b59b6", exception: "#555555" };
    const svgNS = "http://www.w3.org/2000/svg";
    function el(name, attrs, parent) {
      const e = document.createElementNS(svgNS, name);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      parent.appendChild(e);
      return e;
    }
    const svg = document.getElementById("timeline");
    const left = 170, right = 20, rowH = 26, top0 = 24;
    const width = +svg.getAttribute("width");
    const height = top0 + rowH * Math.max(DATA.tracks.length, 1) + 24;
    svg.setAttribute("height", height);
    let t0 = Infinity, t1 = 0;
    for (const s of DATA.spans) { t0 = Math.min(t0, s[3]); t1 = Math.max(t1, s[4]); }
    for (const i of DATA.instants) { t0 = Math.min(t0, i[2]); t1 = Math.max(t1, i[2]); }
    if (!isFinite(t0)) { t0 = 0; t1 = 1; }
    const scale = (width - left - right) / Math.max(t1 - t0, 1);
    const x = t => left + (t - t0) * scale;
    DATA.tracks.forEach((name, k) => {
      const y = top0 + k * rowH;
      el("rect", { x: 0, y: y, width: width, height: rowH, fill: k % 2 ? "#f6f8fa" : "#ffffff" }, svg);
      const label = el("text", { x: 8, y: y + 17, "font-size": 12, fill: "#1d2330", class: "track-label" }, svg);
      label.textContent = name;
    });
    // Kernel paths above user time: draw user spans first.
    const order = ["user", "syscall", "hypercall", "exception", "forward", "handler", "back"];
    const spans = DATA.spans.slice().sort((a, b) => order.indexOf(a[1]) - order.indexOf(b[1]));
    for (const s of spans) {
      const inner = s[1] === "forward" || s[1] === "handler" || s[1] === "back";
      const y = top0 + s[0] * rowH + (inner ? 8 : 3);
      const r = el("rect", { x: x(s[3]), y: y, width: Math.max(x(s[4]) - x(s[3]), 1), height: inner ? rowH - 16 : rowH - 6,
                             fill: COLORS[s[1]] || "#999", class: "span span-" + s[1] }, svg);
      const title = el("title", {}, r);
      title.textContent = s[2] + " (" + s[1] + "): " + ((s[4] - s[3]) / 1000).toFixed(1) + " µs, " + s[5] + " guest instructions";
    }
    for (const i of DATA.instants) {
      const cx = x(i[2]), y = top0 + i[0] * rowH;
      const m = el("path", { d: `M${cx} ${y + 2} l5 8 l-10 0 z`, fill: "#c0392b", class: "instant" }, svg);
      el("title", {}, m).textContent = i[1];
    }
    const axisY = top0 + rowH * DATA.tracks.length + 16;
    for (let k = 0; k <= 5; k++) {
      const t = t0 + (t1 - t0) * k / 5;
      const label = el("text", { x: x(t), y: axisY, "font-size": 11, fill: "#555", "text-anchor": k === 0 ? "start" : k === 5 ? "end" : "middle" }, svg);
      label.textContent = ((t - t0) / 1000).toFixed(0) + " µs";
    }
    const legend = document.getElementById("legend");
    for (const k of order) {
      const span = document.createElement("span");
      span.innerHTML = `<i style="background:${COLORS[k]}"></i>${k}`;
      legend.appendChild(span);
    }
    const body = document.querySelector("#costs tbody");
    const most = Math.max(1, ...DATA.costs.map(c => c[3]));
    for (const c of DATA.costs) {
      const tr = document.createElement("tr");
      tr.className = "syscall-row";
      tr.dataset.name = c[0];
      const cells = [c[0], c[1], c[2], (c[3] / 1000).toFixed(1), (c[3] / 1000 / c[1]).toFixed(2)];
      for (const v of cells) { const td = document.createElement("td"); td.textContent = v; tr.appendChild(td); }
      const td = document.createElement("td");
      td.innerHTML = `<span class="bar" style="width:${Math.round(200 * c[3] / most)}px"></span>`;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    document.getElementById("summary").textContent += ` — ${DATA.instructions} instructions recorded, ` +
      `${DATA.tracks.length} execution contexts, ${DATA.costs.reduce((n, c) => n + c[1], 0)} syscalls`;
    </script>
    </body>
    </html>

    """#
}
