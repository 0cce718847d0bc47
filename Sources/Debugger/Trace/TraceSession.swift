// SPDX-License-Identifier: MIT
// One run's tracing as `emu run`/`emu boot` ask for it (`--trace FILE`, `--timeline FILE`): the
// recorder attached to the machine, and at the end the trace flushed and the timeline written.
// The CLI only parses options and calls this (DESIGN.md §3: emu-cli holds no logic).
import CPUCore
import Foundation
import Hypervisor
import Machine

public final class TraceSession {
    let recorder: TraceRecorder
    let writer: TraceWriter
    let tracePath: String?
    let timelinePath: String?

    /// A session writing the trace to `tracePath` and/or a timeline to `timelinePath`; nil when
    /// neither is asked for. A timeline alone records hypervisor events only (in memory).
    public init?(tracePath: String?, timelinePath: String?, options: TraceOptions, cpu: CPU) throws(TraceError) {
        guard tracePath != nil || timelinePath != nil else { return nil }
        var o = options
        if tracePath == nil { o.instructions = false }
        writer = try tracePath.map { p throws(TraceError) in try TraceWriter(path: p) } ?? TraceWriter()
        recorder = TraceRecorder(cpu: cpu, writer: writer, options: o)
        self.tracePath = tracePath
        self.timelinePath = timelinePath
    }

    /// Starts recording (before the hypervisor boots, so every object and step is seen).
    public func attach(hypervisor: Hypervisor?) { recorder.attach(hypervisor: hypervisor) }

    /// Ends the trace with the run's status and writes the timeline.
    public func finish(_ result: RunResult) throws(TraceError) {
        recorder.finish(status: result.status)
        if let e = writer.failure { throw TraceError("cannot write the trace: \(String(cString: strerror(e)))") }
        guard let timelinePath else { return }
        let entries: [TraceEntry]
        if let tracePath { entries = try TraceReader.entries(path: tracePath) } else { entries = try TraceReader.entries(bytes: writer.contents) }
        let json = Timeline(document: TraceDocument(entries: entries)).json()
        guard FileManager.default.createFile(atPath: timelinePath, contents: Data(json.utf8)) else {
            throw TraceError("cannot write \(timelinePath)")
        }
    }
}
