// SPDX-License-Identifier: MIT
// `monitor` commands (gdb manual §E.4 `qRcmd`): the hypervisor's objects as a kernel debugger
// shows them. `pds` lists the protection domains with their ECs; `caps PD` a PD's object
// capabilities (selector, kind, permissions, what they name); `utcb EC` an EC's UTCB as Hedron
// lays it out (include/utcb.hpp: header, then the exception layout `Utcb_data`); `trace on|off`
// the hypervisor trace; `hv-step on|off` the narration of a stepped syscall's path
// (HVStepNarration.swift).
import Hypervisor

extension GDBSession {
    static let monitorHelp = """
    monitor commands:
      pds               protection domains and their execution contexts
      caps PD           object capabilities of PD (a name from `pds` or its number)
      utcb EC           the UTCB of EC (thread number, NAME or PD/NAME)
      trace on|off      the hypervisor's trace of hypercalls and IPC
      hv-step on|off    stepping over a forwarded syscall prints its path as `emu trace show` does
    """

    public func monitor(_ command: String, output: (String) -> Void) {
        let words = command.split(separator: " ").map(String.init)
        switch (words.first ?? "", words.count) {
        case ("pds", 1):
            for line in pdLines() { output(line) }
        case ("caps", 2):
            guard let pd = findPD(words[1]) else { output("no PD \(words[1]) (see `monitor pds`)"); return }
            for line in capabilityLines(pd) { output(line) }
        case ("utcb", 2):
            guard let ec = findEC(words[1]) else { output("no EC \(words[1]) (thread number, NAME or PD/NAME)"); return }
            for line in utcbLines(ec) { output(line) }
        case ("trace", 2) where words[1] == "on" || words[1] == "off":
            output(traceControl?.setTracing(words[1] == "on") ?? "no trace control")
        case ("hv-step", 2) where words[1] == "on" || words[1] == "off":
            hvStep = words[1] == "on"
            output(hvStep ? "hv-step on: stepping over a forwarded syscall prints its hypervisor events"
                          : "hv-step off")
        default:
            output(GDBSession.monitorHelp)
        }
    }

    var pds: [ProtectionDomain] { hypervisor.debug.objects.all(ProtectionDomain.self) }

    func name(_ o: KernelObject) -> String { o.debugName.isEmpty ? "-" : o.debugName }

    func pdLines() -> [String] {
        let ecs = hypervisor.debug.objects.all(ExecutionContext.self)
        return pds.enumerated().map { n, pd in
            var kind: [String] = []
            if pd.isPrivileged { kind.append("privileged") }
            if pd.isForeign { kind.append("foreign, syscall portals at event base + 0x\(String(pd.foreignSyscallBase, radix: 16))") }
            let members = ecs.filter { $0.pd === pd }.map { ec -> String in
                let what = ec.isHost ? "host" : ec.isDead ? "dead" : "thread \(threadID(ec))"
                return "\(name(ec)) (\(what))"
            }
            return "PD \(n + 1) \(name(pd))\(kind.isEmpty ? "" : " [" + kind.joined(separator: "; ") + "]"): "
                + "\(pd.objects.count) capabilities, ECs: \(members.isEmpty ? "none" : members.joined(separator: ", "))"
        }
    }

    func findPD(_ s: String) -> ProtectionDomain? {
        let all = pds
        if let n = Int(s), n >= 1, n <= all.count { return all[n - 1] }
        return all.first { $0.debugName == s }
    }

    func findEC(_ s: String) -> ExecutionContext? {
        if let n = Int(s) { return threads.ec(n) }
        let all = hypervisor.debug.objects.all(ExecutionContext.self).filter { !$0.isDead }
        let parts = s.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2 { return all.first { $0.pd.debugName == parts[0] && $0.debugName == parts[1] } }
        return all.first { $0.debugName == s }
    }

    func capabilityLines(_ pd: ProtectionDomain) -> [String] {
        var lines = ["capabilities of PD \(name(pd)): \(pd.objects.count)"]
        pd.objects.forEach(base: 0, order: 26) { selector, cap in
            guard let o = cap.object else { return }
            var what: String
            switch o {
            case let target as ProtectionDomain: what = "PD \(name(target))"
            case let ec as ExecutionContext:
                what = "EC \(name(ec.pd))/\(name(ec))\(ec.isHost ? " (host)" : "")"
            case let sc as SchedulingContext: what = "SC of \(name(sc.ec.pd))/\(name(sc.ec)) prio \(sc.priority)"
            case let pt as Portal:
                what = "PT -> EC \(name(pt.ec.pd))/\(name(pt.ec)) id 0x\(String(pt.id, radix: 16)) mtd 0x\(String(pt.mtd.rawValue, radix: 16))"
            case let sm as Semaphore: what = "SM counter \(sm.counter)\(sm.isSignal ? " (signal)" : "")"
            default: what = "\(o.kind)"
            }
            lines.append("  0x\(String(selector, radix: 16))  perms 0x\(String(cap.permissions, radix: 16))  \(what)")
        }
        return lines
    }

    func utcbLines(_ ec: ExecutionContext) -> [String] {
        let u = ec.utcb
        func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        var lines = [
            "UTCB of EC \(name(ec.pd))/\(name(ec)): frame \(hex(u.address)), user address \(hex(ec.utcbAddress))",
            "  flags \(hex(UInt64(u.systemCallFlags))) (NSCT \(u.nsct ? 1 : 0))  items \(hex(UInt64(u.items))) "
                + "(untyped \(u.untypedCount), typed \(u.typedCount))  xlt \(u.xlt)  del \(u.del)",
            "  mtd \(hex(u.mtd.rawValue))  rip \(hex(u.rip))  rflags \(hex(u.rflags))  inst_len \(hex(u.instLen))",
        ]
        let names = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                     "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
        for row in 0..<4 {
            lines.append("  " + (0..<4).map { k in
                let n = row * 4 + k
                return names[n].padding(toLength: 4, withPad: " ", startingAt: 0) + hex(u[gpr: n])
            }.joined(separator: "  "))
        }
        let (q0, q1) = u.qualification
        lines.append("  qual \(hex(q0)) \(hex(q1))  fs_base \(hex(u.fsBase))  gs_base \(hex(u.gsBase))")
        return lines
    }
}
