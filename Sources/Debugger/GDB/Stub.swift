// SPDX-License-Identifier: MIT
// The gdb remote stub's command loop (gdb manual Appendix E: §E.2 "Packets", §E.3 "Stop Reply
// Packets", §E.4 "General Query Packets", §E.11 "Packet Acknowledgment"): while the target is
// stopped, answer gdb's packets against a `GDBTarget` until gdb resumes, detaches or kills it.
// The wire format is Packet.swift; the binding to the hypervisor is Session.swift.

public final class GDBStub {
    public let connection: GDBConnection
    let target: GDBTarget
    /// `QStartNoAckMode` was accepted: no `+`/`-` either way (§E.11).
    var noAck = false
    /// The thread `Hg` selected for registers and memory (0: the one that stopped).
    var generalThread = 0
    /// The thread `Hc` selected for `s` and `c` (0 or -1: the one that stopped).
    var continueThread = 0
    /// The last stop, for `?`.
    public private(set) var lastStop = StopEvent(thread: 1)
    /// Features gdb announced in `qSupported` (`swbreak+`, `hwbreak+`, …).
    var gdbFeatures: Set<String> = []
    /// Every packet both ways, for `--gdb-log`-style debugging of the stub itself.
    public var packetLog: ((String) -> Void)?

    public init(connection: GDBConnection, target: GDBTarget) {
        self.connection = connection
        self.target = target
    }

    // MARK: - Serving

    /// Serves gdb while the target is stopped at `stop`: sends the stop reply first if
    /// `announce` (gdb is waiting for one after `c`/`s`), then answers packets until gdb resumes.
    /// A closed connection detaches.
    public func serve(stop: StopEvent, announce: Bool) -> ResumeAction {
        lastStop = stop
        if announce { send(stopReply(stop)) }
        while let packet = receive() {
            if let action = handle(packet) { return action }
        }
        return .detach
    }

    /// `O` console output (§E.3): allowed while the target runs and inside `qRcmd`.
    public func console(_ text: String) {
        send("O" + Packet.hex(Array(text.utf8)))
    }

    /// The target ended: `W xx` with the exit status, or `X xx` with the signal that killed it
    /// (gdb's numbering).
    /// Then waits (up to `linger` ms between packets) for gdb to close, answering with errors.
    public func sendExit(status: Int32, signal: UInt8?, linger: Int32 = 5000) {
        if let s = signal {
            send("X" + Packet.hex(s))
        } else {
            send("W" + Packet.hex(UInt8(truncatingIfNeeded: status)))
        }
        while let p = receive(timeout: linger) {
            let s = String(decoding: p, as: UTF8.self)
            send(s.hasPrefix("q") || s.hasPrefix("v") ? "" : "E01")
        }
        connection.close()
    }

    /// The next packet gdb sends (acknowledged unless in no-ack mode); nil when the connection
    /// closes or nothing arrives within `timeout` ms.
    func receive(timeout: Int32 = -1) -> [UInt8]? {
        var reader = PacketReader()
        while true {
            guard case .byte(let b) = connection.readByte(timeout: timeout) else { return nil }
            switch reader.feed(b) {
            case .packet(let p)?:
                if !noAck { connection.send([UInt8(ascii: "+")]) }
                packetLog?("<- " + String(decoding: p, as: UTF8.self))
                return p
            case .corrupt?:
                if !noAck { connection.send([UInt8(ascii: "-")]) }
            case .ack?, .nak?, .interrupt?, nil:
                break   // a stopped target ignores ^C; a `-` is not answered by resending
            }
        }
    }

    func send(_ payload: String) { send(bytes: Array(payload.utf8)) }

    func send(bytes: [UInt8]) {
        packetLog?("-> " + String(decoding: bytes.prefix(200), as: UTF8.self))
        connection.send(Packet.frame(bytes))
        guard !noAck else { return }
        // Take the acknowledgment if it is the next byte (gdb resends on `-`, we do not: a
        // reliable stream); anything else is the start of gdb's next packet and stays unread.
        if case .byte(let b) = connection.readByte(timeout: 2000), b != UInt8(ascii: "+"), b != UInt8(ascii: "-") {
            connection.unread()
        }
    }

    // MARK: - Stop replies

    func stopReply(_ s: StopEvent) -> String {
        var r = "T" + Packet.hex(s.signal)
        switch s.reason {
        case .none: break
        case .softwareBreakpoint: if gdbFeatures.contains("swbreak+") { r += "swbreak:;" }
        case .hardwareBreakpoint: if gdbFeatures.contains("hwbreak+") { r += "hwbreak:;" }
        case .watch(let a): r += "watch:\(String(a, radix: 16));"
        case .readWatch(let a): r += "rwatch:\(String(a, radix: 16));"
        case .accessWatch(let a): r += "awatch:\(String(a, radix: 16));"
        case .syscallEntry(let n): r += "syscall_entry:\(String(n, radix: 16));"
        case .syscallReturn(let n): r += "syscall_return:\(String(n, radix: 16));"
        }
        return r + "thread:\(String(s.thread, radix: 16));"
    }

    // MARK: - Packets

    /// Answers one packet; returns the action if it resumes, detaches or kills.
    func handle(_ bytes: [UInt8]) -> ResumeAction? {
        guard let first = bytes.first else { send(""); return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let rest = String(text.dropFirst())
        switch first {
        case UInt8(ascii: "?"): send(stopReply(lastStop))
        case UInt8(ascii: "g"): readRegisters()
        case UInt8(ascii: "G"): writeRegisters(rest)
        case UInt8(ascii: "p"): readRegister(rest)
        case UInt8(ascii: "P"): writeRegister(rest)
        case UInt8(ascii: "m"): readMemory(rest)
        case UInt8(ascii: "M"): writeMemory(rest)
        case UInt8(ascii: "X"): writeBinary(bytes)
        case UInt8(ascii: "Z"), UInt8(ascii: "z"): breakpoint(insert: first == UInt8(ascii: "Z"), rest)
        case UInt8(ascii: "H"): selectThread(rest)
        case UInt8(ascii: "T"):
            send(parseThread(rest).map { target.threadIDs().contains($0) } == true ? "OK" : "E01")
        case UInt8(ascii: "c"): return .continue()
        case UInt8(ascii: "s"): return .step(thread: resolve(continueThread))
        case UInt8(ascii: "C"), UInt8(ascii: "S"):
            // `C sig[;addr]`, `S sig[;addr]`: resume with a signal (resuming elsewhere is not supported).
            guard let sig = Packet.number(rest.split(separator: ";", maxSplits: 1).first ?? ""), sig < 256 else {
                send("E01"); return nil
            }
            return first == UInt8(ascii: "C") ? .continue(signal: UInt8(sig))
                                              : .step(thread: resolve(continueThread), signal: UInt8(sig))
        case UInt8(ascii: "D"):
            send("OK")
            return .detach
        case UInt8(ascii: "k"): return .kill
        case UInt8(ascii: "q"): query(text)
        case UInt8(ascii: "Q"): set(text)
        case UInt8(ascii: "v"): return verbose(text)
        default: send("")
        }
        return nil
    }

    /// A thread ID gdb sent (hex, `-1` all, `0` any, `pP.T` with multiprocess); nil if malformed.
    func parseThread(_ s: String) -> Int? {
        var t = Substring(s)
        if t.hasPrefix("p"), let dot = t.firstIndex(of: ".") { t = t[t.index(after: dot)...] }
        if t == "-1" { return -1 }
        return Packet.number(t).map { Int(truncatingIfNeeded: $0) }
    }

    /// The thread an `Hg`/`Hc` selection means now.
    func resolve(_ selected: Int) -> Int { selected > 0 ? selected : lastStop.thread }

    func selectThread(_ s: String) {
        guard let kind = s.first, let t = parseThread(String(s.dropFirst())) else { send("E01"); return }
        guard t <= 0 || target.threadIDs().contains(t) else { send("E01"); return }
        if kind == "g" { generalThread = t } else { continueThread = t }
        send("OK")
    }

    func readRegisters() {
        guard let v = target.registers(of: resolve(generalThread)) else { send("E01"); return }
        send(Packet.hex(RegisterLayout.readAll(v)))
    }

    func writeRegisters(_ s: String) {
        let t = resolve(generalThread)
        guard let bytes = Packet.bytes(hex: s), var v = target.registers(of: t),
              RegisterLayout.writeAll(bytes, into: &v), target.setRegisters(v, of: t) else { send("E01"); return }
        send("OK")
    }

    func readRegister(_ s: String) {
        guard let n = Packet.number(s), let v = target.registers(of: resolve(generalThread)),
              let bytes = RegisterLayout.read(Int(n), from: v) else { send("E01"); return }
        send(Packet.hex(bytes))
    }

    func writeRegister(_ s: String) {
        let parts = s.split(separator: "=", maxSplits: 1)
        let t = resolve(generalThread)
        guard parts.count == 2, let n = Packet.number(parts[0]), let bytes = Packet.bytes(hex: parts[1]),
              var v = target.registers(of: t), RegisterLayout.write(Int(n), bytes, into: &v),
              target.setRegisters(v, of: t) else { send("E01"); return }
        send("OK")
    }

    /// `addr,length` of m, M and X packets.
    func parseRange(_ s: Substring) -> (UInt64, Int)? {
        let p = s.split(separator: ",", maxSplits: 1)
        guard p.count == 2, let a = Packet.number(p[0]), let n = Packet.number(p[1]), n <= 1 << 20 else { return nil }
        return (a, Int(n))
    }

    func readMemory(_ s: String) {
        guard let (a, n) = parseRange(Substring(s)) else { send("E01"); return }
        let bytes = target.readMemory(thread: resolve(generalThread), address: a, count: n)
        send(bytes.isEmpty && n > 0 ? "E14" : Packet.hex(bytes))   // EFAULT, as gdbserver answers
    }

    func writeMemory(_ s: String) {
        let p = s.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard p.count == 2, let (a, n) = parseRange(p[0]), let bytes = Packet.bytes(hex: p[1]), bytes.count == n else {
            send("E01"); return
        }
        send(target.writeMemory(thread: resolve(generalThread), address: a, bytes: bytes) ? "OK" : "E14")
    }

    /// `X addr,length:binary` (the data is escaped, not hex).
    func writeBinary(_ packet: [UInt8]) {
        guard let colon = packet.firstIndex(of: UInt8(ascii: ":")),
              let (a, n) = parseRange(Substring(String(decoding: packet[1..<colon], as: UTF8.self))) else {
            send("E01"); return
        }
        let data = Packet.unescapeBinary(packet[(colon + 1)...])
        guard data.count == n else { send("E01"); return }
        send(n == 0 || target.writeMemory(thread: resolve(generalThread), address: a, bytes: data) ? "OK" : "E14")
    }

    func breakpoint(insert: Bool, _ s: String) {
        let p = s.split(separator: ";", maxSplits: 1)[0].split(separator: ",")
        guard p.count == 3, let type = Int(p[0]), let kind = BreakpointKind(rawValue: type),
              let a = Packet.number(p[1]), let length = Packet.number(p[2]) else { send(""); return }
        let t = resolve(generalThread)
        let ok = insert ? target.insertBreakpoint(kind, address: a, length: length, thread: t)
                        : target.removeBreakpoint(kind, address: a, length: length, thread: t)
        send(ok ? "OK" : "")
    }

    // MARK: - Queries

    func query(_ q: String) {
        if q.hasPrefix("qSupported") {
            if let colon = q.firstIndex(of: ":") {
                gdbFeatures = Set(q[q.index(after: colon)...].split(separator: ";").map(String.init))
            }
            send("PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;swbreak+;hwbreak+;QCatchSyscalls+;vContSupported+")
        } else if q.hasPrefix("qXfer:features:read:") {
            let args = q.dropFirst("qXfer:features:read:".count).split(separator: ":")
            guard args.count == 2, let (off, len) = parseRange(args[1]) else { send("E01"); return }
            guard let chunk = TargetDescription.read(annex: String(args[0]), offset: Int(off), length: len) else {
                send("E00"); return
            }
            send(bytes: chunk)
        } else if q == "qfThreadInfo" {
            send("m" + target.threadIDs().map { String($0, radix: 16) }.joined(separator: ","))
        } else if q == "qsThreadInfo" {
            send("l")
        } else if q == "qC" {
            send("QC" + String(lastStop.thread, radix: 16))
        } else if q.hasPrefix("qThreadExtraInfo,") {
            guard let t = parseThread(String(q.dropFirst("qThreadExtraInfo,".count))),
                  let info = target.threadExtraInfo(t) else { send("E01"); return }
            send(Packet.hex(Array(info.utf8)))
        } else if q.hasPrefix("qAttached") {
            // The process existed before gdb came: quitting gdb detaches instead of killing.
            send("1")
        } else if q.hasPrefix("qRcmd,") {
            guard let cmd = Packet.bytes(hex: q.dropFirst("qRcmd,".count)) else { send("E01"); return }
            target.monitor(String(decoding: cmd, as: UTF8.self)) { console($0.hasSuffix("\n") ? $0 : $0 + "\n") }
            send("OK")
        } else if q.hasPrefix("qSymbol") {
            send("OK")
        } else {
            send("")
        }
    }

    func set(_ q: String) {
        if q == "QStartNoAckMode" {
            send("OK")
            noAck = true
        } else if q.hasPrefix("QCatchSyscalls:") {
            let args = q.dropFirst("QCatchSyscalls:".count).split(separator: ";")
            guard let on = args.first, on == "0" || on == "1" else { send("E01"); return }
            if on == "0" {
                target.setSyscallCatch(.none)
            } else if args.count == 1 {
                target.setSyscallCatch(.all)
            } else {
                let numbers = args.dropFirst().compactMap { Packet.number($0) }
                guard numbers.count == args.count - 1 else { send("E01"); return }
                target.setSyscallCatch(.only(Set(numbers)))
            }
            send("OK")
        } else if q.hasPrefix("QPassSignals:") || q.hasPrefix("QProgramSignals:") {
            send("OK")
        } else {
            send("")
        }
    }

    /// One `vCont` action: `c`, `C sig`, `s`, `S sig`, for one thread or (nil) as the default.
    struct VContAction {
        var step: Bool
        var signal: UInt8
        var thread: Int?
    }

    /// `vCont;action[:thread]…` (gdb manual §E.2 "vCont"): each thread takes the leftmost action
    /// naming it, or the default (no thread, or -1). In all-stop mode a thread no action applies
    /// to stays stopped, so `vCont;s:T` steps T alone and `vCont;s:T;c` lets the others run.
    func resume(vCont actions: Substring) -> ResumeAction? {
        var list: [VContAction] = []
        for a in actions.split(separator: ";") {
            let parts = a.split(separator: ":", maxSplits: 1)
            guard let head = parts.first, let kind = head.first, "cCsS".contains(kind) else { return nil }
            var signal: UInt8 = 0
            if kind == "C" || kind == "S" {
                guard let n = Packet.number(head.dropFirst()), n < 256 else { return nil }
                signal = UInt8(n)
            }
            var thread: Int?
            if parts.count == 2 {
                guard let t = parseThread(String(parts[1])) else { return nil }
                thread = t > 0 ? t : nil
            }
            list.append(VContAction(step: kind == "s" || kind == "S", signal: signal, thread: thread))
        }
        func applying(to t: Int) -> VContAction? { list.first { $0.thread == nil || $0.thread == t } }
        // The signal is the stopped thread's: the one whose fault or signal the stop reported.
        let signal = applying(to: lastStop.thread)?.signal ?? 0
        let hasDefault = list.contains { $0.thread == nil }
        if let step = list.first(where: \.step) {
            let t = step.thread ?? resolve(continueThread)
            let othersRun = list.contains { !$0.step && $0.thread != t }
            return .step(thread: t, signal: signal, othersRun: othersRun)
        }
        return .continue(signal: signal, only: hasDefault ? nil : list.first?.thread)
    }

    /// `v` packets: vCont?, vCont, vKill, vMustReplyEmpty and the rest unsupported.
    func verbose(_ v: String) -> ResumeAction? {
        if v == "vCont?" {
            send("vCont;c;C;s;S")
        } else if v.hasPrefix("vCont;") {
            guard let action = resume(vCont: v.dropFirst("vCont;".count)) else { send("E01"); return nil }
            return action
        } else if v.hasPrefix("vKill") {
            send("OK")
            return .kill
        } else {
            send("")
        }
        return nil
    }
}
