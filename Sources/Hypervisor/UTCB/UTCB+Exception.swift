// SPDX-License-Identifier: MIT
// Exception-style transfer between an EC's saved state and a UTCB: one block per MTD group.
// Hedron: src/utcb.cpp (`Utcb::load_exc`, `Utcb::save_exc`, with the fork's FS_GS block).

/// The registers `load_exc`/`save_exc` move: an EC's saved `UserState`, or the CPU itself on the
/// forwarded-syscall fast path (Engine/FastForward.swift). One implementation of the MTD groups
/// serves both; each conformance gets its own specialisation.
public protocol ExceptionRegisters {
    var rax: UInt64 { get set }
    var rcx: UInt64 { get set }
    var rdx: UInt64 { get set }
    var rbx: UInt64 { get set }
    var rsp: UInt64 { get set }
    var rbp: UInt64 { get set }
    var rsi: UInt64 { get set }
    var rdi: UInt64 { get set }
    var r8: UInt64 { get set }
    var r9: UInt64 { get set }
    var r10: UInt64 { get set }
    var r11: UInt64 { get set }
    var r12: UInt64 { get set }
    var r13: UInt64 { get set }
    var r14: UInt64 { get set }
    var r15: UInt64 { get set }
    var rip: UInt64 { get set }
    var rflags: UInt64 { get set }
    var fsBase: UInt64 { get set }
    var gsBase: UInt64 { get set }
    var errorCode: UInt64 { get }
    var cr2: UInt64 { get }
}

extension UserState: ExceptionRegisters {}

extension UTCB {
    /// RFLAGS bits `save_exc` clears: VIP, VIF, VM, RF and IOPL (`Cpu::EFL_*`).
    public static let rflagsCleared: UInt64 = 1 << 20 | 1 << 19 | 1 << 17 | 1 << 16 | 3 << 12
    /// RFLAGS bits `save_exc` forces: IF.
    public static let rflagsForced: UInt64 = 1 << 9

    /// `load_exc`: copies the groups `mtd` selects from `state` into this UTCB, then sets the
    /// `mtd` word and `items` = 79 (the exception layout's words, no typed items).
    ///
    /// Returns true if `mtd` has FPU: the FPU state is then *lent* to the handler (Hedron's
    /// `transfer_fpu`), never copied into the UTCB; the caller moves it between ECs.
    @discardableResult
    @inline(__always)
    public func loadExc<R: ExceptionRegisters>(from state: borrowing R, mtd: MTD) -> Bool {
        // The UTCB frame is kernel memory, always in RAM: one pointer, plain stores (this runs
        // on every forwarded syscall).
        let p = page
        @inline(__always) func w(_ offset: UInt64, _ v: UInt64) {
            p.storeBytes(of: v, toByteOffset: Int(offset), as: UInt64.self)
        }
        if mtd.contains(.gprACDB) {
            w(Offset.rax, state.rax); w(Offset.rcx, state.rcx); w(Offset.rdx, state.rdx); w(Offset.rbx, state.rbx)
        }
        if mtd.contains(.gprBSD) {
            w(Offset.rbp, state.rbp); w(Offset.rsi, state.rsi); w(Offset.rdi, state.rdi)
        }
        if mtd.contains(.gprR8R15) {
            w(Offset.r8, state.r8); w(Offset.r8 + 8, state.r9); w(Offset.r8 + 16, state.r10); w(Offset.r8 + 24, state.r11)
            w(Offset.r8 + 32, state.r12); w(Offset.r8 + 40, state.r13); w(Offset.r8 + 48, state.r14); w(Offset.r8 + 56, state.r15)
        }
        if mtd.contains(.rsp) { w(Offset.rsp, state.rsp) }
        if mtd.contains(.ripLength) { w(Offset.rip, state.rip) }
        if mtd.contains(.rflags) { w(Offset.rflags, state.rflags) }
        if mtd.contains(.qualification) {
            w(Offset.qual0, state.errorCode)
            w(Offset.qual1, state.cr2)
        }
        if mtd.contains(.fsGS) {
            w(Offset.gsBase, state.gsBase)
            w(Offset.fsBase, state.fsBase)
        }
        w(Offset.mtd, mtd.rawValue)
        p.storeBytes(of: UInt32(UTCB.exceptionWordCount), toByteOffset: Int(Offset.items), as: UInt32.self)
        return mtd.contains(.fpu)
    }

    /// `save_exc`: copies the groups this UTCB's own `mtd` word selects (what the handler set
    /// for its reply) into `state`. RFLAGS is sanitised: VIP, VIF, VM, RF and IOPL cleared, IF
    /// set. Returns true if the MTD has FPU (the lent FPU state goes back to the caller).
    @discardableResult
    public func saveExc<R: ExceptionRegisters>(into state: inout R) -> Bool {
        saveExc(into: &state, mtd: mtd)
    }

    /// `save_exc` with an explicit MTD instead of the UTCB's word.
    @discardableResult @inline(__always)
    public func saveExc<R: ExceptionRegisters>(into state: inout R, mtd: MTD) -> Bool {
        let p = page
        @inline(__always) func r(_ offset: UInt64) -> UInt64 {
            p.load(fromByteOffset: Int(offset), as: UInt64.self)
        }
        if mtd.contains(.gprACDB) {
            state.rax = r(Offset.rax); state.rcx = r(Offset.rcx); state.rdx = r(Offset.rdx); state.rbx = r(Offset.rbx)
        }
        if mtd.contains(.gprBSD) {
            state.rbp = r(Offset.rbp); state.rsi = r(Offset.rsi); state.rdi = r(Offset.rdi)
        }
        if mtd.contains(.gprR8R15) {
            state.r8 = r(Offset.r8); state.r9 = r(Offset.r8 + 8); state.r10 = r(Offset.r8 + 16); state.r11 = r(Offset.r8 + 24)
            state.r12 = r(Offset.r8 + 32); state.r13 = r(Offset.r8 + 40); state.r14 = r(Offset.r8 + 48); state.r15 = r(Offset.r8 + 56)
        }
        if mtd.contains(.rsp) { state.rsp = r(Offset.rsp) }
        if mtd.contains(.ripLength) { state.rip = r(Offset.rip) }
        if mtd.contains(.rflags) {
            state.rflags = r(Offset.rflags) & ~UTCB.rflagsCleared | UTCB.rflagsForced
        }
        if mtd.contains(.fsGS) {
            state.gsBase = r(Offset.gsBase)
            state.fsBase = r(Offset.fsBase)
        }
        return mtd.contains(.fpu)
    }
}
