// SPDX-License-Identifier: MIT
// The outer run loop: runs the CPU in slices, hands exits to the supervisor, and enforces the
// instruction limit and the host-time limit (DESIGN.md §8).
import CPUCore
import Glibc

/// How a run ended.
public struct RunResult: Equatable, Sendable {
    public var status: Int32
    public var report: String?
    public var instructions: UInt64

    public init(status: Int32, report: String?, instructions: UInt64) {
        self.status = status
        self.report = report
        self.instructions = instructions
    }
}

extension Machine {
    /// Instructions per slice between checks of the time limit.
    static let slice: UInt64 = 4_000_000

    public func run() -> RunResult {
        let start = monotonicSeconds()
        defer { flushOutput() }
        // Read once: the supervisor is fixed for a run (and a load per exit costs reference
        // counting on the forwarded-syscall path).
        let supervisor = self.supervisor
        while true {
            var budget = Machine.slice
            if let max = configuration.maxInstructions {
                if cpu.instret >= max {
                    return RunResult(status: ExitStatus.instructionLimit,
                                     report: "emu: instruction limit of \(max) reached", instructions: cpu.instret)
                }
                budget = min(budget, max - cpu.instret)
            }
            budget = max(1, min(budget, supervisor.instructionBudget(budget, machine: self)))
            let exit = cpu.run(budget: budget)
            if let status = stopStatus, exit == .stopRequested {
                return RunResult(status: status, report: nil, instructions: cpu.instret)
            }
            if let t = configuration.timeout, monotonicSeconds() - start >= t {
                return RunResult(status: ExitStatus.timeout, report: "emu: timeout after \(t) s", instructions: cpu.instret)
            }
            switch supervisor.handle(exit, machine: self) {
            case .resume: continue
            case .stop(let status, let report):
                return RunResult(status: status, report: report, instructions: cpu.instret)
            }
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
