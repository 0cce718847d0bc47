// SPDX-License-Identifier: MIT
// The hypervisor as the stub's target: threads are guest-code ECs (Threads.swift), registers and
// memory are an EC's wherever they are (Hypervisor/Debug/), breakpoints are the CPU's
// (`CPU.breakpoints`: linear addresses, whichever PD runs there), watchpoints the MMU's observed
// accesses (Watchpoints.swift).
import CPUCore
import Hypervisor

extension GDBSession: GDBTarget {
    /// The EC of `thread`; 0 and -1 mean the one in the CPU.
    func ec(_ thread: Int) -> ExecutionContext? {
        thread > 0 ? threads.ec(thread) : hypervisor.current
    }

    public func threadIDs() -> [Int] { threads.live(in: hypervisor).map(\.id) }

    public func threadExtraInfo(_ thread: Int) -> String? { ec(thread).map(ThreadTable.describe) }

    public func registers(of thread: Int) -> GDBRegisterValues? {
        guard let ec = ec(thread) else { return nil }
        var v = GDBRegisterValues(machine: hypervisor.debugRegisters(of: ec),
                                  origRAX: origRAX[ObjectIdentifier(ec)] ?? UInt64.max)
        // At a syscall-entry stop Linux shows RAX = -ENOSYS (arch/x86/entry/common.c
        // do_syscall_64 sets it before the tracer runs) and the number in orig_rax.
        if entryStop === ec { v.machine.gprs[Reg.rax] = UInt64(bitPattern: -38) }
        return v
    }

    public func setRegisters(_ values: GDBRegisterValues, of thread: Int) -> Bool {
        guard let ec = ec(thread) else { return false }
        var m = values.machine
        if entryStop === ec && m.gprs[Reg.rax] == UInt64(bitPattern: -38) {
            m.gprs[Reg.rax] = cpu.regs[Reg.rax]   // the -ENOSYS shown is not the syscall number
        }
        hypervisor.debugSetRegisters(m, of: ec)
        return true
    }

    public func readMemory(thread: Int, address: UInt64, count: Int) -> [UInt8] {
        guard let ec = ec(thread) else { return [] }
        return hypervisor.debugRead(ec.pd, address, count: count)
    }

    public func writeMemory(thread: Int, address: UInt64, bytes: [UInt8]) -> Bool {
        guard let ec = ec(thread) else { return false }
        return hypervisor.debugWrite(ec.pd, address, bytes)
    }

    public func insertBreakpoint(_ kind: BreakpointKind, address: UInt64, length: UInt64, thread: Int) -> Bool {
        switch kind {
        case .software: softwareBreakpoints.insert(address)
        case .hardware: hardwareBreakpoints.insert(address)
        case .write, .read, .access:
            guard let pd = ec(thread)?.pd,
                  watchpoints.insert(.init(kind: kind, address: address, length: length, pd: ObjectIdentifier(pd))) else {
                return false
            }
            machine.mmu.observed.removeAll()
            if !machine.mmu.observing { machine.mmu.observing = true }
            return true
        }
        cpu.breakpoints = softwareBreakpoints.union(hardwareBreakpoints)
        return true
    }

    public func removeBreakpoint(_ kind: BreakpointKind, address: UInt64, length: UInt64, thread: Int) -> Bool {
        switch kind {
        case .software: softwareBreakpoints.remove(address)
        case .hardware: hardwareBreakpoints.remove(address)
        case .write, .read, .access:
            let removed = watchpoints.remove(kind: kind, address: address, length: length)
            if watchpoints.isEmpty && machine.mmu.observing { machine.mmu.observing = false }
            return removed
        }
        cpu.breakpoints = softwareBreakpoints.union(hardwareBreakpoints)
        return true
    }

    public func setSyscallCatch(_ syscalls: SyscallCatch) {
        syscallCatch = syscalls
    }
}
