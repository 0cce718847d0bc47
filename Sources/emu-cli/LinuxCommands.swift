// SPDX-License-Identifier: MIT
// `emu run ./prog args…` and `emu boot image.img`: the composition of a machine whose ring 0 is the
// hypervisor and whose roottask is the Personality's (DESIGN.md §3: emu-cli is the composition
// root). Exit status: init's exit status; 128 + signal when init is killed by a signal.
import ArgumentParser
import Debugger
import Foundation
import Hypervisor
import Machine
import Personality

enum LinuxBoot {
    /// Boots `image` (ustar bytes) as the first boot module and runs it to the end.
    static func run(image: [UInt8], configuration: Configuration, options: RoottaskOptions,
                    gdb: GDBSession? = nil, prepare: ((Hypervisor) -> Void)? = nil) -> RunResult {
        let stderr = FileHandle.standardError
        let result = HostedBoot.runHost(modules: [BootModule(bytes: image, commandLine: "image")], configuration: configuration,
                                        log: { stderr.write(($0 + "\n").data(using: .utf8)!) },
                                        prepare: { machine, hv in
                                            prepare?(hv)
                                            gdb?.attach(machine: machine, hypervisor: hv)
                                        }) { stop in
            Roottask(options: options, log: { stderr.write(($0 + "\n").data(using: .utf8)!) }, stop: stop,
                     input: { readHostStdin() }, inputReady: { hostStdinReady(timeout: $0) }).main
        }
        gdb?.finish(result)
        return result
    }

    /// Up to 4 KiB from the host's stdin (blocking); nil at end of input.
    static func readHostStdin() -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(0, &buf, buf.count)
        return n > 0 ? Array(buf[..<n]) : nil
    }

    /// Whether a read of the host's stdin would not block (data or end of input), waiting up
    /// to `timeout` ms (-1: indefinitely); poll(2) on fd 0.
    static func hostStdinReady(timeout: Int32) -> Bool {
        var p = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, timeout) > 0
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a static Linux program on the hosted hypervisor's Linux personality.",
        discussion: """
        The program is packed into a one-program boot image in memory (/bin/NAME) and booted as \\
        `emu boot` boots an image. Exit status: the program's, 128 + signal if a signal killed \\
        it, 65 for a bad program file, 66 for an unreadable one; with --gdb, 71 when the port \
        cannot be bound and 137 when gdb kills the program.
        """)

    @Argument(help: "The program: a static ELF64 x86-64 executable.") var program: String
    @Argument(parsing: .captureForPassthrough, help: "Arguments for the program.") var arguments: [String] = []
    @Option(name: .customLong("env"), help: "An environment variable K=V (repeatable).") var environment: [String] = []
    @Option(help: "Working directory of the program.") var cwd: String = "/"
    @Option(help: "Guest RAM (e.g. 1G, 512M).") var memory: String = "1G"
    @Option(help: "Stop after this many instructions (status 126).") var maxInstructions: UInt64?
    @Option(help: "Stop after this many seconds (status 124).") var timeout: Double?
    @Option(help: "File receiving a copy of stdout and stderr through debugcon (port 0xE9).") var debugcon: String?
    @Option(name: .customLong("mount"), help: "Mount a host directory: HOST:GUEST[:ro] (repeatable).") var mounts: [String] = []
    @Flag(help: "Use the host's clocks instead of virtual time.") var realtime = false
    @Flag(help: "Print every Linux system call, signal and exit in strace(1)'s format to stderr; --strace=FILE writes them to FILE.")
    var strace = false
    @Option(name: .customLong("strace-file"), help: ArgumentHelp("The FILE of --strace=FILE.", valueName: "FILE"))
    var straceFile: String?
    @Flag(help: "Print retired instructions, host seconds and MIPS to stderr at the end.") var stats = false
    @OptionGroup(title: "Debugging") var gdb: GDBOptions
    @OptionGroup(title: "Tracing") var tracing: TraceArguments

    func run() throws {
        guard let data = FileManager.default.contents(atPath: program) else {
            FileHandle.standardError.write("emu: cannot read \(program)\n".data(using: .utf8)!)
            throw ExitCode(ExitStatus.noInput)
        }
        let name = (program as NSString).lastPathComponent
        let image = BootImage.singleProgram(executable: [UInt8](data), name: name, argv: [name] + arguments,
                                            env: environment, cwd: cwd)
        let c = try machineConfiguration(memory: memory, minimum: 128 << 20, serial: "stdio", debugcon: debugcon,
                                         maxInstructions: maxInstructions, timeout: timeout)
        var options = RoottaskOptions()
        options.realtime = realtime
        try StraceOption.apply(flag: strace, file: straceFile, to: &options)
        for m in mounts {
            let parts = m.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || (parts.count == 3 && parts[2] == "ro"), !parts[0].isEmpty, parts[1].hasPrefix("/") else {
                throw ValidationError("--mount: '\(m)' is not HOST:GUEST or HOST:GUEST:ro with an absolute GUEST path")
            }
            options.mounts.append((parts[0], parts[1], parts.count == 3))
        }
        options.mirrorToDebugcon = debugcon != nil
        let start = Date()
        let session = try gdb.session()
        let r = traced(tracing) { attach in
            LinuxBoot.run(image: image.serialize(), configuration: c, options: options, gdb: session,
                          prepare: { attach($0.cpu, $0) })
        }
        try finish(r, stats: stats, start: start)
    }
}

struct Syscalls: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the Linux system calls the personality implements (the rest return -ENOSYS).")
    @Flag(help: "List every x86-64 system call, marking the implemented ones.") var all = false

    func run() throws {
        if all {
            for s in SyscallCoverage.all() { print("\(s.implemented ? "yes" : "no ") \(s.number) \(s.name)") }
        } else {
            for s in SyscallCoverage.implemented() { print("\(s.number) \(s.name)") }
        }
    }
}
