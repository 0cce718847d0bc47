// SPDX-License-Identifier: MIT
// The trace options of `emu run`/`emu boot` and the `emu trace` command group; everything they
// do lives in Sources/Debugger/Trace (docs/trace-format.md).
import ArgumentParser
import Debugger
import Foundation
import Hypervisor
import Machine

/// `--trace FILE`, its windows, and `--timeline FILE`.
struct TraceArguments: ParsableArguments {
    @Option(help: "Record an instruction-level trace to FILE (read it with `emu trace show`).") var trace: String?
    @Option(help: "Record from this retired-instruction count on.") var traceFrom: UInt64?
    @Option(help: "Stop recording at this retired-instruction count.") var traceTo: UInt64?
    @Option(help: "Record only around each forwarded system call of this name (e.g. write).") var traceSyscall: String?
    @Option(help: "Record only while an EC of the PD with this name runs (e.g. hello).") var tracePd: String?
    @Option(help: "Write a Chrome/Perfetto trace-event timeline (JSON) to FILE.") var timeline: String?
    /// The recorder's reference mode (docs/trace-format.md, "How it is recorded"): the same
    /// trace, comparing every register after every instruction; scripts/check-trace-shortcut.sh
    /// checks the two agree.
    @Flag(help: ArgumentHelp("Compare every register after every instruction (slower; the reference for tests).", visibility: .hidden))
    var traceFullCompare = false

    /// The session these options ask for (nil: no tracing).
    func session(cpu: CPU) throws -> TraceSession? {
        var o = TraceOptions()
        if let f = traceFrom { o.from = f }
        if let t = traceTo { o.to = t }
        o.syscall = traceSyscall
        o.pd = tracePd
        o.fullRegisterDiff = traceFullCompare
        do {
            return try TraceSession(tracePath: trace, timelinePath: timeline, options: o, cpu: cpu)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

import CPUCore

/// Runs `body` with a trace session attached by `attach` when tracing is asked for, and finishes
/// the session with the run's result.
func traced(_ args: TraceArguments, _ body: (_ attach: @escaping (CPU, Hypervisor?) -> Void) -> RunResult) -> RunResult {
    var session: TraceSession?
    var failure: String?
    let result = body { cpu, hv in
        do {
            session = try args.session(cpu: cpu)
            session?.attach(hypervisor: hv)
        } catch {
            failure = "\(error)"
        }
    }
    if let failure { return RunResult(status: ExitStatus.usage, report: "emu: \(failure)", instructions: 0) }
    do {
        try session?.finish(result)
    } catch {
        FileHandle.standardError.write("emu: \(error)\n".data(using: .utf8)!)
    }
    return result
}

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Read instruction traces recorded with --trace.",
        subcommands: [TraceShow.self, TraceReport.self])
}

struct TraceShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a trace: one line per instruction, the hypervisor's and the personality's steps indented.")

    @Argument(help: "The trace file.") var file: String
    @Option(help: "Disassembly syntax: intel or att.") var syntax: String = "intel"
    @Option(help: "Only records of the PD with this name.") var pd: String?
    @Option(help: "Only records of the EC with this name (or PD/EC).") var ec: String?
    @Option(help: "Only records at or after this instruction count.") var from: UInt64?
    @Option(help: "Only records before this instruction count.") var to: UInt64?
    @Flag(help: "Only the system calls (the personality's dispatches) and native hypercalls.") var syscalls = false
    @Option(help: "Only the complete path of the Nth syscall (1-based).") var path: Int?
    @Option(help: "Output format: text or jsonl.") var format: String = "text"

    func run() throws {
        guard let syn = Disassembler.Syntax(rawValue: syntax) else { throw ValidationError("--syntax: intel or att") }
        guard format == "text" || format == "jsonl" else { throw ValidationError("--format: text or jsonl") }
        var filter = TraceFilter()
        filter.pd = pd; filter.ec = ec; filter.from = from; filter.to = to
        filter.syscalls = syscalls; filter.path = path
        do {
            try TraceShowing.show(path: file, filter: filter, syntax: syn, jsonl: format == "jsonl")
        } catch {
            FileHandle.standardError.write("emu: \(file): \(error)\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.badInput)
        }
    }
}

struct TraceReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML page: the timeline of every EC and the per-syscall costs.")

    @Argument(help: "The trace file.") var file: String
    @Option(name: .shortAndLong, help: "The HTML file to write.") var output: String

    func run() throws {
        do {
            let doc = try TraceDocument(path: file)
            let html = Report(document: doc).html(title: (file as NSString).lastPathComponent)
            guard FileManager.default.createFile(atPath: output, contents: Data(html.utf8)) else {
                throw TraceError("cannot write \(output)")
            }
        } catch {
            FileHandle.standardError.write("emu: \(file): \(error)\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.badInput)
        }
    }
}
