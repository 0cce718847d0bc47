// SPDX-License-Identifier: MIT
// `emu` runs a composed machine deterministically (issue 3): the same roottask gives the same
// schedule, step for step. Virtual time (one TSC tick per retired instruction) drives the
// scheduler, so two runs of a preemption-heavy guest must produce identical hypervisor traces
// and instruction counts.
import Foundation
import Testing
import Machine
@testable import Hypervisor

@Suite struct EngineDeterminismTests {
    private struct Run {
        var result: RunResult
        var trace: [String]
        var log: [String]
        var statistics: Hypervisor.Statistics
    }

    private func run(_ elf: URL) -> Run {
        var c = Configuration()
        c.memory = 128 << 20
        c.serial = .none
        c.maxInstructions = 2_000_000_000
        var trace: [String] = []
        var log: [String] = []
        var statistics = Hypervisor.Statistics()
        var hypervisor: Hypervisor?
        let r = HostedBoot.run(roottask: elf.path, configuration: c, log: { log.append($0) },
                               trace: { trace.append($0) }, prepare: { hypervisor = $0 })
        if let hv = hypervisor { statistics = hv.statistics }
        return Run(result: r, trace: trace, log: log, statistics: statistics)
    }

    @Test(arguments: ["scheduling", "semaphores"])
    func twoRunsGiveTheSameSchedule(_ program: String) throws {
        let elf = try hedronGuest(program)
        let a = run(elf)
        let b = run(elf)
        #expect(a.result.status == 33, "\(program) passes: \(a.result.report ?? "")")
        #expect(a.result == b.result, "same status and instruction count")
        #expect(a.result.instructions > 0)
        #expect(a.trace.count > 100, "the trace records every hypercall and IPC step")
        #expect(a.trace.count == b.trace.count)
        if let i = a.trace.indices.first(where: { $0 < b.trace.count && a.trace[$0] != b.trace[$0] }) {
            Issue.record("traces differ at line \(i): \(a.trace[i]) vs \(b.trace[i])")
        }
        #expect(a.log == b.log)
        #expect(a.statistics == b.statistics)
        #expect(a.statistics.contextSwitches > 0)
    }
}
