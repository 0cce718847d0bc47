// SPDX-License-Identifier: MIT
// The hypervisor's steps as structured events (DESIGN.md §4: "every step is a trace event"), for
// instruction traces (Sources/Debugger/Trace) and the gdb stub's `monitor hv-step`. Each case names
// the Hedron code path it stands for (phip1611/hedron src/ec.cpp, src/syscall.cpp, src/utcb.cpp).
import CPUCore

/// One step of the hypervisor. Events refer to live kernel objects: an observer that keeps them
/// past the callback keeps the objects alive.
public enum HypervisorEvent {
    /// The CPU left user mode (`entry_sysenter`, `entry_exc`, the timer): `rip` is where the EC
    /// stopped (for `syscall` the instruction after it).
    case entry(ec: ExecutionContext, cause: EntryCause, rip: UInt64)
    /// `syscall_handler`'s first decision: a foreign PD's syscall is forwarded unless the EC set
    /// NSCT in its UTCB.
    case foreignCheck(ec: ExecutionContext, foreign: Bool, nsct: Bool)
    /// A capability lookup for a portal in `ec`'s PD (`capability_cast<Pt>`); nil: none there.
    case portalLookup(ec: ExecutionContext, selector: UInt64, portal: Portal?)
    /// A native hypercall with its decoded arguments (`Sys_*` views).
    case hypercall(ec: ExecutionContext, call: Hypercall?, registers: HypercallRegisters)
    /// The status a hypercall ends with (`Sys_regs::set_status`).
    case status(ec: ExecutionContext, Status)
    /// An exception of `ec` goes to the portal at `selector` (`Ec::handle_exc` → `send_msg`).
    case exception(ec: ExecutionContext, CPUException, selector: UInt64)
    /// `load_exc` (exception-style message) or `Utcb::save` (a `call`'s untyped words): the
    /// words written into `handler`'s UTCB, by byte offset in the page.
    case utcbLoad(handler: ExecutionContext, mtd: MTD, words: [UTCBWord])
    /// The handler EC starts at the portal (`rdi` = portal ID), on the caller's SC.
    case handlerEntry(handler: ExecutionContext, caller: ExecutionContext, portal: Portal)
    /// What a host EC's Swift code reports about its own work (`RootAPI.trace`).
    case host(ec: ExecutionContext, HostEvent)
    /// `sys_reply`: `save_exc` (or `Utcb::save` to a caller in `call`) with the words read from
    /// the handler's UTCB; `caller` nil when nobody waits.
    case reply(handler: ExecutionContext, caller: ExecutionContext?, mtd: MTD, words: [UTCBWord])
    /// The CPU now holds `ec`'s user state (`ret_user_sysexit` / `ret_user_iret`).
    case resume(ec: ExecutionContext, continuation: ExecutionContext.Continuation, rip: UInt64)
    /// The EC in the CPU changes (`Ec::make_current`); `from` nil after idle or at boot.
    case contextSwitch(from: ExecutionContext?, to: ExecutionContext)
    /// `Ec::die`.
    case kill(ec: ExecutionContext, reason: String)
}

/// Why the CPU entered the hypervisor.
public enum EntryCause: Equatable, Sendable {
    case syscall
    case exception(CPUException)
    /// The SC's budget or a semaphore deadline ran out.
    case timer
}

/// One 64-bit word of a UTCB page.
public struct UTCBWord: Equatable, Sendable {
    /// Byte offset in the page (UTCB.Offset).
    public var offset: UInt16
    public var value: UInt64
    public init(offset: UInt16, value: UInt64) { self.offset = offset; self.value = value }

    /// The register a word of the exception layout holds ("rax", "mtd"), from include/utcb.hpp.
    public var name: String { UTCBWord.names[offset] ?? "0x" + String(offset, radix: 16) }

    static let names: [UInt16: String] = {
        var n: [UInt16: String] = [
            UInt16(UTCB.Offset.mtd): "mtd", UInt16(UTCB.Offset.rip): "rip", UInt16(UTCB.Offset.rflags): "rflags",
            UInt16(UTCB.Offset.rax): "rax", UInt16(UTCB.Offset.rcx): "rcx", UInt16(UTCB.Offset.rdx): "rdx",
            UInt16(UTCB.Offset.rbx): "rbx", UInt16(UTCB.Offset.rsp): "rsp", UInt16(UTCB.Offset.rbp): "rbp",
            UInt16(UTCB.Offset.rsi): "rsi", UInt16(UTCB.Offset.rdi): "rdi",
            UInt16(UTCB.Offset.qual0): "qual0", UInt16(UTCB.Offset.qual1): "qual1",
            UInt16(UTCB.Offset.fsBase): "fs_base", UInt16(UTCB.Offset.gsBase): "gs_base",
        ]
        for k in 0..<8 { n[UInt16(UTCB.Offset.r8) + UInt16(8 * k)] = "r\(8 + k)" }
        return n
    }()
}

/// What a host EC reports through `RootAPI.trace`: policy-free, so a request is a name, a number,
/// argument words and a result word, whatever the personality makes of them.
public enum HostEvent {
    /// The handler dispatched request `number` (`name`) with `arguments`; `result` is what it
    /// returns (nil: it does not return). `text` is the personality's own rendering, if any.
    case dispatch(name: String, number: UInt64, arguments: [UInt64], result: UInt64?, text: String?)
    /// Free text.
    case note(String)
}

/// Receives hypervisor events while set as `Hypervisor.observer`.
public protocol HypervisorObserver: AnyObject {
    func hypervisorEvent(_ event: HypervisorEvent)
}

extension Hypervisor {
    /// Emits an event to the observer. The event is built only when someone observes: the
    /// argument is an autoclosure behind the one `tracing` test.
    @inline(__always)
    func emit(_ event: @autoclosure () -> HypervisorEvent) {
        if _slowPath(tracing), let observer { observer.hypervisorEvent(event()) }
    }

    /// The UTCB words `mtd` selects (what `load_exc` wrote or `save_exc` reads), then the MTD word.
    func utcbWords(_ utcb: UTCB, mtd: MTD) -> [UTCBWord] {
        var offsets: [UInt64] = []
        if mtd.contains(.gprACDB) { offsets += [UTCB.Offset.rax, UTCB.Offset.rcx, UTCB.Offset.rdx, UTCB.Offset.rbx] }
        if mtd.contains(.gprBSD) { offsets += [UTCB.Offset.rbp, UTCB.Offset.rsi, UTCB.Offset.rdi] }
        if mtd.contains(.gprR8R15) { offsets += (0..<8).map { UTCB.Offset.r8 + 8 * $0 } }
        if mtd.contains(.rsp) { offsets.append(UTCB.Offset.rsp) }
        if mtd.contains(.ripLength) { offsets.append(UTCB.Offset.rip) }
        if mtd.contains(.rflags) { offsets.append(UTCB.Offset.rflags) }
        if mtd.contains(.qualification) { offsets += [UTCB.Offset.qual0, UTCB.Offset.qual1] }
        if mtd.contains(.fsGS) { offsets += [UTCB.Offset.gsBase, UTCB.Offset.fsBase] }
        offsets.append(UTCB.Offset.mtd)
        return offsets.map { UTCBWord(offset: UInt16($0), value: utcb.page.load(fromByteOffset: Int($0), as: UInt64.self)) }
    }

    /// The first `count` untyped words of `utcb` (what `Utcb::save` copies for a `call`).
    func untypedWords(_ utcb: UTCB, count: Int) -> [UTCBWord] {
        (0..<min(count, 64)).map {
            let o = Int(UTCB.Offset.data) + 8 * $0
            return UTCBWord(offset: UInt16(o), value: utcb.page.load(fromByteOffset: o, as: UInt64.self))
        }
    }
}

extension RootAPI {
    /// True while the hypervisor has an observer: a host EC can skip building trace text.
    public var tracing: Bool { hypervisor.tracing && hypervisor.observer != nil }

    /// True while anyone follows the hypervisor's steps (an observer or the line trace): a host
    /// EC tests this once before reporting what it did (`trace`, `traceEvent`).
    @inlinable public var observed: Bool { hypervisor.tracing }

    /// Reports what the host EC's Swift code did (a personality's dispatch of a forwarded call) as
    /// a `.host` event; the event is built only when someone observes.
    public func trace(_ event: @autoclosure () -> HostEvent) {
        hypervisor.emit(.host(ec: ec, event()))
    }
}
