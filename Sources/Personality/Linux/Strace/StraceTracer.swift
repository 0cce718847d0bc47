// SPDX-License-Identifier: MIT
// The --strace session of a run: one strace(1) line per forwarded Linux syscall, signal delivery
// and process end, written to a sink (stderr or a file) and handed to an observer. Prefixes and
// columns follow strace 6.1 -f (src/strace.c printleader, tabto): on stderr `[pid  N] ` while
// more than one process is alive; with -o FILE the PID on every line (`%-5d `, print_pid_pfx);
// results from column 40, counted from the start of the prefix.

/// How a line names its process (strace's printleader).
public enum StracePIDPrefix: Sendable {
    /// `strace -f` to stderr: `[pid %5u] ` while more than one process is alive.
    case whileSeveral
    /// `strace -f -o FILE`: `%-5d ` on every line, from the first (print_pid_pfx is set when
    /// following forks into one file, "there can be more pids in the future").
    case always
}

final class StraceTracer {
    /// Receives each finished line, prefix included, without the newline.
    let sink: ((String) -> Void)?
    /// Receives each finished line without the pid prefix (as strace prints a lone process's).
    let observer: ((Int32, String) -> Void)?
    /// How many processes are alive now.
    let processCount: () -> Int
    /// The sink's line prefix.
    let pidPrefix: StracePIDPrefix
    /// The call whose line is not written yet.
    private var current: (pid: Int32, call: StraceCall)?

    init(sink: ((String) -> Void)?, observer: ((Int32, String) -> Void)?, pidPrefix: StracePIDPrefix = .whileSeveral,
         processCount: @escaping () -> Int) {
        self.sink = sink
        self.observer = observer
        self.pidPrefix = pidPrefix
        self.processCount = processCount
    }

    /// Decodes the entry of a call (before the personality runs it).
    func enter(pid: Int32, number: UInt64, args: [UInt64], memory: StraceMemory, userStack: UInt64) -> StraceCall {
        let c = StraceCall(number: number, args: args, memory: memory)
        c.userStack = userStack
        StraceSchema.enter(c)
        current = (pid, c)
        lastCallLine = nil
        return c
    }

    /// Finishes the call with its return register and writes its line.
    func exit(pid: Int32, _ c: StraceCall, rax: UInt64, returns: Bool) {
        defer { current = nil }
        guard !c.finished else { return }
        c.returned(rax)
        if !returns { c.style = .none } else {
            // pause, rt_sigsuspend: the kernel's -ERESTARTNOHAND becomes EINTR only at delivery.
            if (c.number == 34 || c.number == 130) && c.isError && c.errno == 4 {
                c.restart = "ERESTARTNOHAND (To be restarted if no handler)"
            }
            c.onExit?(c)
        }
        finish(pid, c)
    }

    /// `--- SIGUSR1 {si_signo=SIGUSR1, …} ---` at delivery.
    func signal(pid: Int32, _ sig: Int32, info: [UInt8]) {
        finishCurrent(pid)
        let name = StraceSignals.name(Int64(sig)) ?? String(sig)
        let text = "--- \(name) " + (info.count >= 32 ? StraceSignals.siginfo(info) : "{si_signo=\(name)}") + " ---"
        emit(pid) { _ in text }
    }

    /// `+++ exited with N +++`.
    func exited(pid: Int32, status: Int32) {
        finishCurrent(pid)
        emit(pid) { _ in "+++ exited with \(status) +++" }
    }

    /// `+++ killed by SIGSEGV +++` (emu writes no core dumps).
    func killed(pid: Int32, signal: Int32) {
        finishCurrent(pid)
        let name = StraceSignals.name(Int64(signal)) ?? String(signal)
        emit(pid) { _ in "+++ killed by \(name) +++" }
    }

    /// A call that ends the process prints `= ?` before the process's last line.
    private func finishCurrent(_ pid: Int32) {
        guard let (p, c) = current, p == pid, !c.finished else { return }
        c.style = .none
        finish(pid, c)
    }

    private func finish(_ pid: Int32, _ c: StraceCall) {
        c.finished = true
        emit(pid) { c.line(column: $0) }
        if recordsLastLine { lastCallLine = c.line(column: 0) }
    }

    /// Keep each finished call's line (without pid prefix or padding) in `lastCallLine`: the
    /// personality's dispatch event in instruction traces carries it.
    var recordsLastLine = false
    /// The line of the call finished last, while `recordsLastLine`.
    private(set) var lastCallLine: String?

    /// Writes one line after printleader's prefix; the result column counts the prefix too.
    private func emit(_ pid: Int32, _ body: (Int) -> String) {
        if let sink {
            let prefix = prefix(pid)
            sink(prefix + body(prefix.count))
        }
        observer?(pid, body(0))
    }

    /// printleader: `%-5d ` with -o FILE, `[pid %5u] ` on stderr while several processes live.
    func prefix(_ pid: Int32) -> String {
        let digits = String(pid)
        let pad = String(repeating: " ", count: max(0, 5 - digits.count))
        switch pidPrefix {
        case .always: return digits + pad + " "
        case .whileSeveral: return processCount() > 1 ? "[pid " + pad + digits + "] " : ""
        }
    }
}
