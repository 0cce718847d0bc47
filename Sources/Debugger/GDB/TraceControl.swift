// SPDX-License-Identifier: MIT
// Who receives the hypervisor's trace lines while gdb is attached: `monitor trace on|off` (a
// `TraceControl` the composition root may supply: the trace recorder), through the hypervisor's
// string `trace` hook; it is set only while someone listens, because a set hook takes the
// forwarded-syscall fast path out of use (Engine/FastForward.swift). `monitor hv-step` records
// structured events instead (HVStepNarration.swift).
import Glibc
import Hypervisor

/// `monitor trace on|off`: starts or stops recording the hypervisor's events.
public protocol TraceControl: AnyObject {
    /// Returns the line gdb prints.
    func setTracing(_ on: Bool) -> String
}

/// The hypervisor's string trace hook, shared by its listeners.
final class HypervisorTraceHook {
    unowned let hypervisor: Hypervisor
    /// Lines go to standard error (the default `TraceControl`).
    var toStderr = false { didSet { update() } }

    init(hypervisor: Hypervisor) { self.hypervisor = hypervisor }

    func update() {
        guard toStderr else { hypervisor.trace = nil; return }
        hypervisor.trace = { line in FileOutput.standardError("emu: hv: " + line + "\n") }
    }
}

/// The default `monitor trace`: the hypervisor's trace lines on standard error, as
/// `emu hedron --trace-hypercalls` prints them.
final class StderrTraceControl: TraceControl {
    let hook: HypervisorTraceHook
    init(hook: HypervisorTraceHook) { self.hook = hook }

    func setTracing(_ on: Bool) -> String {
        hook.toStderr = on
        return on ? "hypervisor trace on (standard error)" : "hypervisor trace off"
    }
}

enum FileOutput {
    static func standardError(_ s: String) {
        let bytes = Array(s.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
