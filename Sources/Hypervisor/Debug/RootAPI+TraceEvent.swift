// SPDX-License-Identifier: MIT
// Personality events in the hypervisor's trace: a roottask says what it did with a message (the
// Linux personality: which syscall, its arguments and result) between the IPC steps the
// hypervisor traces itself, so `monitor hv-step` and `--trace` show the whole path. An emu
// extension outside Hedron's ABI, like `setDebugName`; free while nobody traces.

extension RootAPI {
    /// Adds `line` (built only while tracing) to the hypervisor's trace as a personality event.
    public func traceEvent(_ line: @autoclosure () -> String) {
        hypervisor.note("personality: " + line())
    }
}
