// SPDX-License-Identifier: MIT
// Returning to user mode: pick the SC to run (`Sc::schedule`), follow its EC's partner chain to the
// EC that runs on it (`Ec::activate`), handle its hazards and continuation (`handle_hazard`:
// recall; `send_msg` for the startup exception; `sys_call` restarts) and load it into the CPU.
// When nothing is ready, virtual time jumps to the next deadline (Hedron would halt until its
// timer fires).
import CPUCore
import Machine

extension Hypervisor {
    func resumeUser() -> SupervisorDecision {
        while true {
            for ec in scheduler.expired(at: cpu.tsc) { semaphoreTimeout(ec) }
            if scheduler.hazard || scheduler.current == nil {
                scheduler.schedule(suspend: scheduler.current == nil)
            }
            guard let sc = scheduler.current else {
                if let deadline = scheduler.nextDeadline {
                    // Idle until the deadline: the virtual TSC jumps there.
                    let now = cpu.tsc
                    if deadline > now { cpu.tscOffset &+= deadline - now }
                    lastTSC = cpu.tsc
                    continue
                }
                // A debugger's hold keeps the others from running; if the one it lets run waits
                // for them, they run after all rather than nothing ever again.
                if debugRelease() { continue }
                current = nil
                return .stop(status: ExitStatus.halted,
                             report: "emu: hypervisor: every EC is blocked and no timeout is pending")
            }
            var ec = sc.ec
            while let next = ec.partner { ec = next }
            if _slowPath(debug.runAlone != nil), !ec.isHost, ec !== debug.runAlone {
                debug.parked.append(sc)
                scheduler.current = nil
                continue
            }
            if ec.isDead {
                // The SC's EC died: the SC never runs again (`Sc::schedule(true)` in `reply(dead)`).
                scheduler.current = nil
                continue
            }
            if ec.recallPending && !ec.isHost {
                ec.recallPending = false
                if ec.continuation == .sysret {
                    // `redirect_to_iret`: the recall arrives at the instruction after the syscall.
                    ec.state.rip = ec.state.rcx
                    ec.state.rsp = ec.state.r11
                }
                ec.continuation = .iret
                sendMessage(ec, portal: ec.eventSelector(ExecutionContext.recallEvent))
                continue
            }
            switch ec.continuation {
            case .startup:
                ec.continuation = .iret
                sendMessage(ec, portal: ec.eventSelector(ExecutionContext.startupEvent))
                continue
            case .restartCall:
                ec.continuation = .sysret
                sysCall(ec)
                continue
            case .resend:
                ec.continuation = .iret
                sendMessage(ec, portal: ec.messagePortal)
                continue
            case .dead:
                scheduler.current = nil
                continue
            case .sysret, .iret:
                break
            }
            if ec.isHost {
                runHostProgram(ec)
                continue
            }
            loadUserState(ec)
            return .resume
        }
    }
}
