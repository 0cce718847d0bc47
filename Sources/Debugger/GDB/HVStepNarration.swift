// SPDX-License-Identifier: MIT
// `monitor hv-step`: while gdb steps over a forwarded syscall, the hypervisor's and the
// personality's events of its path (trap, foreign check, portal lookup, UTCB load, handler entry,
// dispatch, reply, resume; DESIGN.md §4) and its port I/O are recorded as `--trace` records them
// (TraceRecorder, no instructions, in memory) and printed as `emu trace show` prints them (TextFormat), as gdb
// console output before the stop the step ends with.
import CPUCore
import Hypervisor
import MMU

final class HVStepNarration: HypervisorObserver {
    unowned let hypervisor: Hypervisor
    let mmu: MMU
    /// The observer that was there (`--trace`'s recorder): it still sees every event.
    let previous: HypervisorObserver?
    let writer = TraceWriter()
    let recorder: TraceRecorder

    /// Starts narrating: the narration observes `hypervisor` until `finish`.
    init(hypervisor: Hypervisor, cpu: CPU) {
        self.hypervisor = hypervisor
        mmu = cpu.mmu
        var options = TraceOptions()
        options.instructions = false
        options.memory = false
        options.xmm = false
        recorder = TraceRecorder(cpu: cpu, writer: writer, options: options)
        previous = hypervisor.observer
        // Attached for its port tap (the UART output of a `write` is part of the path), then
        // put behind this observer.
        keepingObservation { recorder.attach(hypervisor: hypervisor) }
        hypervisor.observer = self
    }

    /// Runs `body` with `MMU.observing` as it was: the recorder switches it for the instruction
    /// records it would write; this one writes none, and gdb's watchpoints own that switch.
    func keepingObservation(_ body: () -> Void) {
        let observing = mmu.observing
        body()
        if mmu.observing != observing { mmu.observing = observing }
    }

    func hypervisorEvent(_ event: HypervisorEvent) {
        previous?.hypervisorEvent(event)
        keepingObservation { recorder.hypervisorEvent(event) }
    }

    /// Ends the narration (the previous observer and port I/O come back) and returns its lines.
    func finish() -> [String] {
        let bytes = writer.contents
        if hypervisor.observer === self { hypervisor.observer = previous }
        keepingObservation { recorder.finish(status: 0) }
        guard let entries = try? TraceReader.entries(bytes: bytes),
              let disassembler = try? Disassembler() else { return [] }
        let doc = TraceDocument(entries: entries)
        let events = doc.entries.indices.filter { if case .event = doc.entries[$0] { true } else { false } }
        return TextFormat(document: doc, disassembler: disassembler).lines(events)
    }
}
