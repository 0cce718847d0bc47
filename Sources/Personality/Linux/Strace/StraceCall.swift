// SPDX-License-Identifier: MIT
// One traced system call: the arguments strace decodes on entry (before the call can change or
// free what they point to), a closure for the ones it decodes on exit, and the finished line
// (strace 6.1 src/syscall.c syscall_entering_trace / syscall_exiting_trace).

final class StraceCall {
    /// How the return value prints (strace's RVAL_*).
    enum ReturnStyle { case decimal, hex, octal, unsigned, none }

    let number: UInt64
    let args: [UInt64]
    let memory: StraceMemory
    /// Arguments decoded so far.
    var decoded: [String] = []
    /// Decodes the remaining arguments once the call has returned.
    var onExit: ((StraceCall) -> Void)?
    var style = ReturnStyle.decimal
    /// Text after the return value: ` (flags O_RDONLY)`, ` ([{fd=0, revents=POLLIN}])`.
    var auxiliary: String?
    /// The raw return register, set before `onExit` runs.
    private(set) var returnValue: UInt64 = 0
    /// The line has been written (a call that ends the process is finished early).
    var finished = false
    /// The user RSP at the call (rt_sigreturn's frame).
    var userStack: UInt64 = 0
    /// The kernel's internal restart code strace shows instead of EINTR (`= ? ERESTARTNOHAND
    /// (To be restarted if no handler)`): what a tracer sees of an interrupted pause/sigsuspend.
    var restart: String?

    init(number: UInt64, args: [UInt64], memory: StraceMemory) {
        self.number = number
        self.args = args
        self.memory = memory
    }

    var name: String {
        SyscallNames.byNumber[number] ?? "syscall_" + StraceFormat.hex(number)
    }

    /// is_negated_errno: -4095…-1 is an error.
    var isError: Bool { returnValue > UInt64.max - 4095 }
    var errno: Int32 { Int32(truncatingIfNeeded: 0 &- returnValue) }
    var result: UInt64 { returnValue }

    func returned(_ rax: UInt64) { returnValue = rax }

    // MARK: - Argument printers (strace's PRINT_VAL_*, printfd, printpath, …)

    func add(_ s: String) { decoded.append(s) }
    func fd(_ i: Int) { add(StraceFormat.int32(args[i])) }
    func dirfd(_ i: Int) { add(Int32(truncatingIfNeeded: args[i]) == -100 ? "AT_FDCWD" : StraceFormat.int32(args[i])) }
    func int(_ i: Int) { add(StraceFormat.int32(args[i])) }
    func long(_ i: Int) { add(StraceFormat.signed(args[i])) }
    func unsigned(_ i: Int) { add(String(args[i])) }
    func hex(_ i: Int) { add(StraceFormat.hex(args[i])) }
    func pointer(_ i: Int) { add(StraceFormat.address(args[i])) }
    func octal(_ i: Int) { add(StraceFormat.octal(args[i])) }
    func path(_ i: Int) { add(StraceQuote.path(memory, args[i])) }
    func string(_ i: Int) { add(StraceQuote.cString(memory, args[i])) }
    func buffer(_ i: Int, length: UInt64) { add(StraceQuote.buffer(memory, args[i], length)) }
    func flags(_ i: Int, _ t: XLat, _ dflt: String?, width32: Bool = false) {
        add(StraceFormat.flags(width32 ? args[i] & 0xFFFF_FFFF : args[i], t, dflt))
    }
    func xval(_ i: Int, _ t: XLat, _ dflt: String, width32: Bool = true) {
        add(StraceFormat.xval(width32 ? args[i] & 0xFFFF_FFFF : args[i], t, dflt))
    }
    func signal(_ i: Int) { add(StraceSignals.signal(args[i])) }

    /// umove_or_printaddr: NULL, the address (on a failed call's exit, or unreadable), or `body`.
    func structure(_ address: UInt64, size: Int, exiting: Bool = true, _ body: ([UInt8]) -> String) -> String {
        if address == 0 { return "NULL" }
        if exiting && isError { return StraceFormat.address(address) }
        guard let b = memory.read(address, count: size) else { return StraceFormat.address(address) }
        return body(b)
    }

    /// Decodes the rest on exit.
    func later(_ f: @escaping (StraceCall) -> Void) { onExit = f }

    // MARK: - The line

    /// `name(args) = result` with the result column padded to 40 from `column` (the width of what
    /// precedes the line: the `[pid N] ` prefix), as strace's tabto().
    func line(column: Int) -> String {
        let head = name + "(" + decoded.joined(separator: ", ") + ") "
        let pad = String(repeating: " ", count: max(0, StraceFormat.resultColumn - column - head.count))
        return head + pad + resultText
    }

    var resultText: String {
        if let r = restart { return "= ? " + r }
        if style == .none { return "= ?" }
        if isError {
            let e = errno
            let (name, text) = StraceErrnos.table[e] ?? ("ERRNO_\(e)", "Unknown error \(e)")
            return "= -1 \(name) (\(text))"
        }
        let v: String = switch style {
        case .hex: StraceFormat.hex(returnValue)
        case .octal: StraceFormat.octal(returnValue)
        case .unsigned: String(returnValue)
        default: StraceFormat.signed(returnValue)
        }
        return "= " + v + (auxiliary.map { " (" + $0 + ")" } ?? "")
    }
}

extension StraceFormat {
    /// strace's default -a: results start in column 40.
    static let resultColumn = 40
}
