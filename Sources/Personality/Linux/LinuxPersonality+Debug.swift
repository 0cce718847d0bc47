// SPDX-License-Identifier: MIT
// The roottask's answers to debuggers. Its pager (RootAPI.setDebugPager): a gdb read of a page a
// process has not touched yet maps it as the process's own first access would, as Linux's ptrace
// access (mm/memory.c access_process_vm → get_user_pages) faults it in; only inside an existing
// area: a debugger's access never grows the stack. Its fault signals (RootAPI.setDebugFaultSignals):
// the signal an exception of a process will get, decided as `handleException` decides it, so gdb
// can stop before delivery as it does under ptrace (the tracee's signal-delivery-stop, ptrace(2)).
import CPUCore
import Hypervisor

extension LinuxPersonality {
    func debugFault(_ pd: ProtectionDomain, _ address: UInt64, write: Bool) -> Bool {
        guard let process = runningProcess(pd), process.memory.area(containing: address) != nil else { return false }
        return process.memory.fault(at: address, write: write, execute: false)
    }

    /// The signal `exception` of `ec` will get from `handleException`; nil for a #PF the memory
    /// manager resolves (or an EC that is not a running process's).
    func debugSignal(_ ec: ExecutionContext, _ exception: CPUException) -> Int32? {
        guard let process = runningProcess(ec.pd) else { return nil }
        guard exception.vector == CPUException.PF else {
            return LinuxPersonality.exceptionSignal(vector: UInt64(exception.vector)).signal
        }
        // #PF error code (SDM Vol. 3A §4.7): bit 1 write, bit 4 instruction fetch.
        let error = exception.errorCode ?? 0
        if process.memory.faultResolves(at: exception.address, write: error & 2 != 0, execute: error & 0x10 != 0) {
            return nil
        }
        return process.memory.faultKind(at: exception.address) == .pastEndOfFile ? Signal.SIGBUS : Signal.SIGSEGV
    }

    /// The running process whose address space is `pd`.
    func runningProcess(_ pd: ProtectionDomain) -> LinuxProcess? {
        let root = api.ec.pd.objects
        return processes.values.first { $0.state == .running && root[$0.pdSelector].object === pd }
    }
}
