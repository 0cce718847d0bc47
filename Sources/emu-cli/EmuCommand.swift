// SPDX-License-Identifier: MIT
// `emu` and its subcommands (swift-argument-parser).
import ArgumentParser
import Foundation
import Hypervisor
import Personality
import Machine

struct EmuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emu",
        abstract: "A full-system x86-64 emulator with a hosted Hedron-style microhypervisor.",
        subcommands: [Boot.self, Run.self, Pack.self, Inspect.self, Syscalls.self, Hedron.self, BenchForwarding.self,
                      TraceCommand.self])
}

/// The machine options `boot` and `hedron` share, as a Configuration.
func machineConfiguration(memory: String, minimum: UInt64, serial: String, debugcon: String?,
                          maxInstructions: UInt64?, timeout: Double?) throws -> Configuration {
    var c = Configuration()
    guard let mem = parseSize(memory), mem >= minimum else {
        throw ValidationError("--memory: '\(memory)' is not a size of at least \(minimum >> 20)M")
    }
    c.memory = mem
    c.serial = serial == "stdio" ? .stdout : serial == "none" ? .none : .file(serial)
    if serial == "none" { c.serial2 = .none }
    if let d = debugcon { c.debugcon = .file(d) }
    c.maxInstructions = maxInstructions
    c.timeout = timeout
    return c
}

/// Ends a command with a run's status: `--stats` and the report line on stderr first.
func finish(_ r: RunResult, stats: Bool, start: Date) throws -> Never {
    if stats {
        let t = Date().timeIntervalSince(start)
        let line = String(format: "emu: %llu instructions in %.3f s (%.1f MIPS)\n", r.instructions, t, Double(r.instructions) / t / 1e6)
        FileHandle.standardError.write(line.data(using: .utf8)!)
    }
    if let report = r.report { FileHandle.standardError.write((report + "\n").data(using: .utf8)!) }
    throw ExitCode(r.status)
}

/// Parses sizes like 1G, 512M, 65536.
func parseSize(_ s: String) -> UInt64? {
    let units: [Character: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    if let last = s.uppercased().last, let u = units[last], let n = UInt64(s.dropLast()) { return n * u }
    return UInt64(s)
}

struct Boot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot a boot image (exit with init's status) or a 64-bit bare-metal kernel (ELF64, exit with its exit-port status).",
        discussion: """
        Boot protocol and exit statuses: docs/boot-protocol.md. Statuses: odd values come from the \
        guest's write to port 0xF4; 64 usage, 65 bad kernel file, 66 unreadable file, 120 triple \
        fault, 122 halted for good, 124 timeout, 126 instruction limit.
        """)

    @Argument(help: "A boot image (docs/boot-image.md) or a kernel: an ELF64 x86-64 executable.") var kernel: String
    @Option(help: "Guest RAM (e.g. 1G, 256M).") var memory: String = "1G"
    @Option(help: "Serial (COM1) output: stdio, none, or a file path.") var serial: String = "stdio"
    @Option(help: "File receiving debugcon (port 0xE9) output.") var debugcon: String?
    @Option(help: "Stop after this many instructions (status 126).") var maxInstructions: UInt64?
    @Option(help: "Stop after this many seconds (status 124).") var timeout: Double?
    @Option(help: "Kernel command line.") var append: String = ""
    @Flag(help: "Print retired instructions, host seconds and MIPS to stderr at the end.") var stats = false
    @Flag(help: "Boot images: print every Linux system call, signal and exit in strace(1)'s format to stderr; --strace=FILE writes them to FILE.")
    var strace = false
    @Option(name: .customLong("strace-file"), help: ArgumentHelp("The FILE of --strace=FILE.", valueName: "FILE"))
    var straceFile: String?
    @OptionGroup(title: "Debugging (boot images)") var gdb: GDBOptions
    @OptionGroup(title: "Tracing") var tracing: TraceArguments

    func run() throws {
        var c = try machineConfiguration(memory: memory, minimum: 2 << 20, serial: serial, debugcon: debugcon,
                                         maxInstructions: maxInstructions, timeout: timeout)
        c.commandLine = append
        let start = Date()
        // A boot image (POSIX ustar: "ustar" at offset 257) boots the Linux personality's
        // roottask; anything else is a bare-metal kernel.
        if let data = FileManager.default.contents(atPath: kernel), data.count > 262,
           Array(data[257..<262]) == Array("ustar".utf8) {
            var options = RoottaskOptions()
            if debugcon != nil { options.mirrorToDebugcon = true }
            try StraceOption.apply(flag: strace, file: straceFile, to: &options)
            let session = try gdb.session()
            let r = traced(tracing) { attach in
                LinuxBoot.run(image: [UInt8](data), configuration: c, options: options, gdb: session,
                              prepare: { attach($0.cpu, $0) })
            }
            try finish(r, stats: stats, start: start)
        }
        if gdb.requested {
            throw ValidationError("--gdb, -s and --wait-gdb need a boot image (the hosted hypervisor), not a bare-metal kernel")
        }
        let r = traced(tracing) { attach in KernelBoot.run(path: kernel, configuration: c, prepare: { attach($0.cpu, nil) }) }
        try finish(r, stats: stats, start: start)
    }
}

struct Hedron: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot a roottask on the hosted microhypervisor (Hedron's kernel interface).",
        discussion: """
        The roottask is a static ELF64 executable started as Hedron starts its roottask \
        (docs/hypervisor.md, guests/hedron/README.md); modules follow it in the HIP. The exit \
        status is the roottask's write to port 0xF4 (as for `emu boot`), 122 when every EC is \
        blocked for good, and the other statuses of `emu boot`.
        """)

    @Argument(help: "The roottask: a static ELF64 x86-64 executable.") var roottask: String
    @Option(name: .customLong("module"), help: "A boot module, FILE or FILE=CMDLINE (repeatable).") var modules: [String] = []
    @Option(help: "Guest RAM (e.g. 1G, 256M).") var memory: String = "256M"
    @Option(help: "Serial (COM1) output: stdio, none, or a file path.") var serial: String = "stdio"
    @Option(help: "File receiving debugcon (port 0xE9) output.") var debugcon: String?
    @Option(help: "Stop after this many instructions (status 126).") var maxInstructions: UInt64?
    @Option(help: "Stop after this many seconds (status 124).") var timeout: Double?
    @Flag(help: "Print every hypercall, IPC and kill to stderr.") var traceHypercalls = false
    @OptionGroup(title: "Tracing") var tracing: TraceArguments
    @Flag(help: "Print retired instructions, host seconds and MIPS to stderr at the end.") var stats = false

    func run() throws {
        let c = try machineConfiguration(memory: memory, minimum: 64 << 20, serial: serial, debugcon: debugcon,
                                         maxInstructions: maxInstructions, timeout: timeout)
        let files = modules.map { m -> HostedBoot.ModuleFile in
            let parts = m.split(separator: "=", maxSplits: 1)
            return HostedBoot.ModuleFile(path: String(parts[0]), commandLine: parts.count > 1 ? String(parts[1]) : "")
        }
        let stderr = FileHandle.standardError
        let start = Date()
        let r = traced(tracing) { attach in
            HostedBoot.run(roottask: roottask, modules: files, configuration: c,
                           log: { stderr.write(($0 + "\n").data(using: .utf8)!) },
                           trace: traceHypercalls ? { stderr.write(("emu: hv: " + $0 + "\n").data(using: .utf8)!) } : nil,
                           prepare: { attach($0.cpu, $0) })
        }
        try finish(r, stats: stats, start: start)
    }
}

struct BenchForwarding: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-forwarding",
        abstract: "Measure the forwarded-syscall round trip: a guest loop of no-op foreign syscalls answered by a host EC.")

    @Option(help: "Round trips to make.") var iterations: UInt64 = 1_000_000

    func run() throws {
        let r = ForwardingBenchmark.run(iterations: iterations)
        guard r.status == 33, r.forwarded == r.roundTrips + 1 else {
            FileHandle.standardError.write("emu: forwarding benchmark failed (status \(r.status), \(r.forwarded) forwarded)\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.internalError)
        }
        let ns = r.roundTrips == 0 ? 0 : r.seconds * 1e9 / Double(r.roundTrips)
        print(String(format: "forwarding: %llu round trips in %.3f s: %.1f ns per round trip (%llu guest instructions)",
                     r.roundTrips, r.seconds, ns, r.instructions))
    }
}
