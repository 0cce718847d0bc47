// SPDX-License-Identifier: MIT
// The roottask's pager for debuggers (RootAPI.setDebugPager): a gdb read of a page a process has
// not touched yet maps it as the process's own first access would, as Linux's ptrace access
// (mm/memory.c access_process_vm → get_user_pages) faults it in. Only inside an existing area:
// a debugger's access never grows the stack.
import Hypervisor

extension LinuxPersonality {
    func debugFault(_ pd: ProtectionDomain, _ address: UInt64, write: Bool) -> Bool {
        let root = api.ec.pd.objects
        guard let process = processes.values.first(where: { $0.state == .running && root[$0.pdSelector].object === pd }),
              process.memory.area(containing: address) != nil else { return false }
        return process.memory.fault(at: address, write: write, execute: false)
    }
}
