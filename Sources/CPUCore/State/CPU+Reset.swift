// SPDX-License-Identifier: MIT
// Putting the CPU into a defined state without executing guest code: the state a boot loader
// leaves behind (docs/boot-protocol.md) and the register setters supervisors and tests use.

extension CPU {
    /// Enters 64-bit mode at CPL `cpl` with the given paging root and flat segments, as a boot
    /// loader that did the real-mode to long-mode switch would leave the machine.
    public func enterLongMode(cr3: UInt64, gdt: DescriptorTableRegister, idt: DescriptorTableRegister = DescriptorTableRegister(),
                              codeSelector: UInt16 = 0x08, dataSelector: UInt16 = 0x10, cpl: UInt8 = 0) {
        cr0 = 0x8001_0033
        cr4 = 0x620
        efer = 0xD01
        self.cr3 = cr3
        mmu.cr0 = cr0; mmu.cr3 = cr3; mmu.cr4 = cr4; mmu.efer = efer
        gdtr = gdt
        idtr = idt
        let codeAttrs: UInt16 = cpl == 3 ? 0xA0FB : 0xA09B
        let dataAttrs: UInt16 = cpl == 3 ? 0xC0F3 : 0xC093
        segs[Segment.cs.rawValue] = SegmentRegister(selector: codeSelector, base: 0, limit: 0xFFFF_FFFF, attributes: codeAttrs)
        for s in [Segment.ds, .es, .ss] {
            segs[s.rawValue] = SegmentRegister(selector: dataSelector, base: 0, limit: 0xFFFF_FFFF, attributes: dataAttrs)
        }
        segs[Segment.fs.rawValue] = SegmentRegister(limit: 0)
        segs[Segment.gs.rawValue] = SegmentRegister(limit: 0)
        for k in 0..<8 { segBase[k] = 0 }
        setCPL(cpl)
        rflags = 0x2
        x87.reset()
        sse.mxcsr = 0x1F80
        mmu.flushTLB()
        flushDecodedCode()
    }

    /// Sets a control register as MOV CRn would, without privilege checks. Returns false if the value is invalid.
    @discardableResult
    public func setControlRegister(_ n: Int, _ value: UInt64) -> Bool { writeCR(n, value) }

    /// Sets EFER as WRMSR would. Returns false if the value is invalid.
    @discardableResult
    public func setEFER(_ value: UInt64) -> Bool { writeMSR(MSR.efer, value, retired: 0) }

    /// Reads or writes an MSR as RDMSR/WRMSR would (nil / false for #GP).
    public func msr(_ n: UInt32) -> UInt64? { readMSR(n, retired: 0) }
    @discardableResult
    public func setMSR(_ n: UInt32, _ v: UInt64) -> Bool { writeMSR(n, v, retired: 0) }

    /// Sets the current privilege level and CS/SS for it (supervisors switching to a ring-3 context).
    public func setPrivilege(_ level: UInt8, codeSelector: UInt16, stackSelector: UInt16) {
        segs[Segment.cs.rawValue] = SegmentRegister(selector: codeSelector, base: 0, limit: 0xFFFF_FFFF,
                                                    attributes: level == 3 ? 0xA0FB : 0xA09B)
        segs[Segment.ss.rawValue] = SegmentRegister(selector: stackSelector, base: 0, limit: 0xFFFF_FFFF,
                                                    attributes: level == 3 ? 0xC0F3 : 0xC093)
        setCPL(level)
    }
}
