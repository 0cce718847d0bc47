// SPDX-License-Identifier: MIT
// `emu hedron roottask.elf` as a function tests can call: build the machine, put the hypervisor in
// ring 0, boot the roottask and run, mapping every outcome to a documented exit status
// (docs/hypervisor.md; the statuses of docs/boot-protocol.md).
import Foundation
import Machine

public enum HostedBoot {
    /// A module file and its command line, as `--module FILE[=CMDLINE]` gives them.
    public struct ModuleFile: Sendable {
        public var path: String
        public var commandLine: String
        public init(path: String, commandLine: String = "") { self.path = path; self.commandLine = commandLine }
    }

    /// Boots `roottask` (a static ELF64 executable) on the hosted hypervisor with `modules`.
    /// Kills and other hypervisor reports go to `log`. Never traps: bad input is a status.
    public static func run(roottask: String, modules: [ModuleFile] = [], configuration: Configuration,
                           log: @escaping (String) -> Void, trace: ((String) -> Void)? = nil,
                           prepare: ((Hypervisor) -> Void)? = nil) -> RunResult {
        guard let data = FileManager.default.contents(atPath: roottask) else {
            return RunResult(status: ExitStatus.noInput, report: "emu: cannot read \(roottask)", instructions: 0)
        }
        var loaded: [BootModule] = []
        for m in modules {
            guard let bytes = FileManager.default.contents(atPath: m.path) else {
                return RunResult(status: ExitStatus.noInput, report: "emu: cannot read module \(m.path)", instructions: 0)
            }
            loaded.append(BootModule(bytes: [UInt8](bytes), commandLine: m.commandLine))
        }
        let machine: Machine, hv: Hypervisor
        switch compose(configuration, log: log, trace: trace) {
        case .failure(let f): return f.result
        case .success(let m): (machine, hv) = m
        }
        prepare?(hv)
        do {
            try hv.boot(roottask: BootModule(bytes: [UInt8](data), commandLine: roottask), modules: loaded)
        } catch {
            return RunResult(status: ExitStatus.badInput, report: "emu: \(roottask): \(error.message)", instructions: 0)
        }
        if case .stop(let status, let report) = hv.start() {
            return RunResult(status: status, report: report, instructions: 0)
        }
        return machine.run()
    }

    /// Boots a roottask written in Swift (a global host EC) with `modules`: `makeRoottask` gets
    /// the function that ends the run with a status (a roottask reports its init program's
    /// exit status through it) and returns the root EC's body. `prepare` sees the hypervisor
    /// before it boots (a trace recorder attaches there).
    public static func runHost(modules: [BootModule], configuration: Configuration,
                               log: @escaping (String) -> Void, trace: ((String) -> Void)? = nil,
                               prepare: ((Machine, Hypervisor) -> Void)? = nil,
                               makeRoottask: (_ stop: @escaping (Int32) -> Void) -> (RootAPI) -> Void) -> RunResult {
        let machine: Machine, hv: Hypervisor
        switch compose(configuration, log: log, trace: trace) {
        case .failure(let f): return f.result
        case .success(let m): (machine, hv) = m
        }
        // A debugger or tracer puts itself between machine and hypervisor here.
        prepare?(machine, hv)
        let body = makeRoottask { [unowned machine] status in machine.requestStop(status: status) }
        do {
            try hv.boot(hostRoottask: body, modules: modules)
        } catch {
            return RunResult(status: ExitStatus.badInput, report: "emu: \(error.message)", instructions: 0)
        }
        if case .stop(let status, let report) = hv.start() {
            return RunResult(status: machine.stopStatus ?? status, report: machine.stopStatus == nil ? report : nil, instructions: 0)
        }
        return machine.run()
    }

    /// A machine whose supervisor is a new hypervisor reporting through `log` and `trace`.
    static func compose(_ configuration: Configuration, log: @escaping (String) -> Void,
                        trace: ((String) -> Void)?) -> Result<(Machine, Hypervisor), RunFailure> {
        do {
            let machine = try Machine(configuration: configuration)
            let hv = try Hypervisor(machine: machine)
            hv.log = log
            hv.trace = trace
            machine.supervisor = hv
            return .success((machine, hv))
        } catch {
            return .failure(RunFailure(RunResult(status: ExitStatus.badInput, report: "emu: cannot build the machine: \(error)",
                                                 instructions: 0)))
        }
    }

    /// A run that ended before it started, as an Error for `Result`.
    struct RunFailure: Error { let result: RunResult; init(_ r: RunResult) { result = r } }
}
