// SPDX-License-Identifier: MIT
// What a debugger of a roottask's programs learns of their faults and ends, as ptrace tells a Linux
// debugger about signals: the roottask says which CPU exceptions of its ECs it turns into a
// signal (not a #PF it resolves by mapping a page) and which signal ended the run's program. The
// numbers are the roottask's own (POSIX's for the Linux personality); the hypervisor only passes
// them on. An emu extension outside Hedron's ABI, like `setDebugPager`.
import CPUCore

extension Hypervisor {
    /// The signal `exception` of `ec` becomes, as the roottask that handles `ec`'s exceptions
    /// decides; nil if it resolves the exception without one, or tells debuggers nothing.
    public func debugSignal(of ec: ExecutionContext, for exception: CPUException) -> Int32? {
        debug.faultSignal?(ec, exception)
    }
}

extension RootAPI {
    /// Lets debuggers ask, before an exception reaches its portal, whether the roottask will turn
    /// it into a signal (`signal(ec, exception)`; nil: it resolves it, e.g. a demand-paging #PF).
    /// Asking must not change anything.
    public func setDebugFaultSignals(_ signal: @escaping (ExecutionContext, CPUException) -> Int32?) {
        hypervisor.debug.faultSignal = signal
    }

    /// Tells debuggers that the run is ending because its program was killed by `signal` (call
    /// before ending the run): gdb reports `X` instead of `W` (gdb manual §E.3).
    public func setDebugEndSignal(_ signal: Int32) {
        hypervisor.debug.endSignal = signal
    }
}

extension Hypervisor {
    /// Lets only `ec` (and host ECs, which serve it) run until the next call; nil lets every EC
    /// run again. What gdb's all-stop mode asks for with `vCont;s:T` (gdb manual §E.2 "vCont"):
    /// the other threads stay stopped. The scheduler sets the SCs of the others aside when it
    /// picks them; the EC in the CPU, if held, is switched away at the next exit.
    public func debugHold(allBut ec: ExecutionContext?) {
        debug.runAlone = ec
        if ec == nil {
            _ = debugRelease()
        } else if let c = current, c !== ec {
            scheduler.hazard = true
        }
    }

    /// The EC a debugger's hold lets run alone, if one does.
    public var debugHeldRunner: ExecutionContext? { debug.runAlone }

    /// Puts the SCs a hold set aside back into the ready queues and ends the hold; false if there
    /// was none.
    func debugRelease() -> Bool {
        guard debug.runAlone != nil || !debug.parked.isEmpty else { return false }
        debug.runAlone = nil
        for sc in debug.parked { scheduler.enqueue(sc) }
        debug.parked = []
        return true
    }
}
