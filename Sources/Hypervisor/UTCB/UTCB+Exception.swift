// SPDX-License-Identifier: MIT
// Exception-style transfer between an EC's saved state and a UTCB: one block per MTD group.
// Hedron: src/utcb.cpp (`Utcb::load_exc`, `Utcb::save_exc`, with the fork's FS_GS block).

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
    public func loadExc(from state: UserState, mtd: MTD) -> Bool {
        if mtd.contains(.gprACDB) {
            write(Offset.rax, state.rax)
            write(Offset.rcx, state.rcx)
            write(Offset.rdx, state.rdx)
            write(Offset.rbx, state.rbx)
        }
        if mtd.contains(.gprBSD) {
            write(Offset.rbp, state.rbp)
            write(Offset.rsi, state.rsi)
            write(Offset.rdi, state.rdi)
        }
        if mtd.contains(.gprR8R15) {
            for n in 8...15 { self[gpr: n] = state[gpr: n] }
        }
        if mtd.contains(.rsp) { write(Offset.rsp, state.rsp) }
        if mtd.contains(.ripLength) { write(Offset.rip, state.rip) }
        if mtd.contains(.rflags) { write(Offset.rflags, state.rflags) }
        if mtd.contains(.qualification) {
            write(Offset.qual0, state.errorCode)
            write(Offset.qual1, state.cr2)
        }
        if mtd.contains(.fsGS) {
            write(Offset.gsBase, state.gsBase)
            write(Offset.fsBase, state.fsBase)
        }
        self.mtd = mtd
        items = UInt32(UTCB.exceptionWordCount)
        return mtd.contains(.fpu)
    }

    /// `save_exc`: copies the groups this UTCB's own `mtd` word selects (what the handler set
    /// for its reply) into `state`. RFLAGS is sanitised: VIP, VIF, VM, RF and IOPL cleared, IF
    /// set. Returns true if the MTD has FPU (the lent FPU state goes back to the caller).
    @discardableResult
    public func saveExc(into state: inout UserState) -> Bool {
        saveExc(into: &state, mtd: mtd)
    }

    /// `save_exc` with an explicit MTD instead of the UTCB's word.
    @discardableResult
    public func saveExc(into state: inout UserState, mtd: MTD) -> Bool {
        if mtd.contains(.gprACDB) {
            state.rax = read(Offset.rax)
            state.rcx = read(Offset.rcx)
            state.rdx = read(Offset.rdx)
            state.rbx = read(Offset.rbx)
        }
        if mtd.contains(.gprBSD) {
            state.rbp = read(Offset.rbp)
            state.rsi = read(Offset.rsi)
            state.rdi = read(Offset.rdi)
        }
        if mtd.contains(.gprR8R15) {
            for n in 8...15 { state[gpr: n] = self[gpr: n] }
        }
        if mtd.contains(.rsp) { state.rsp = read(Offset.rsp) }
        if mtd.contains(.ripLength) { state.rip = read(Offset.rip) }
        if mtd.contains(.rflags) {
            state.rflags = read(Offset.rflags) & ~UTCB.rflagsCleared | UTCB.rflagsForced
        }
        if mtd.contains(.fsGS) {
            state.gsBase = read(Offset.gsBase)
            state.fsBase = read(Offset.fsBase)
        }
        return mtd.contains(.fpu)
    }
}
