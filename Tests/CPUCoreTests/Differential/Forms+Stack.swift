// SPDX-License-Identifier: MIT
// Stack instructions with RSP in the data page: PUSH POP (50+r, 58+r, FF /6, 8F /0, 68, 6A; 64
// and 16 bits), PUSHF POPF (9C, 9D), ENTER LEAVE (C8, C9), and CALL RET JMP (E8, FF /2, FF /4,
// C3, C2) whose targets lie in the code page's INT3 filler, so they end in #BP at a known RIP.
// Flags change only for POPF, which runs at CPL 3 as natively (IOPL and IF are not writable).

extension Forms {
    /// Points RSP into the data page with `room` bytes either side; now and then at an edge so
    /// that pushes or pops run into a guard page.
    static func stackPointer(_ b: CaseBuilder, room: Int = 64, edges: Bool = true) -> Int {
        var off: Int
        switch edges ? b.rng.below(100) : 99 {
        case 0, 1: off = b.rng.below(16)
        case 2, 3: off = SnippetState.pageSize - b.rng.below(16)
        default:
            off = room + b.rng.below(SnippetState.pageSize - 2 * room)
            if b.rng.chance(80) { off &= ~7 }
        }
        b.set(4, SnippetState.dataAddress &+ UInt64(off))
        b.notes.append("rsp at data+0x\(String(off, radix: 16))")
        return off
    }

    /// A branch target in the INT3 filler after the snippet (#BP at target + 1), or sometimes a
    /// non-canonical address (#GP at the branch).
    static func branchTarget(_ b: CaseBuilder) -> UInt64 {
        b.rng.chance(10) ? 0x8000_0000_0000_0000 | b.rng.next() >> 17 : SnippetState.codeAddress + 0xC0 + UInt64(b.rng.below(0x30))
    }

    static func isCanonical(_ a: UInt64) -> Bool { UInt64(bitPattern: Int64(bitPattern: a << 16) >> 16) == a }

    static var stack: [Form] {
        var forms: [Form] = []
        for size in [8, 2] {
            let w = bits(size), osz = size == 8 ? 4 : 2     // PUSH/POP default to 64 bits: no REX.W
            forms.append(Form("50+r push r\(w)") { b in
                _ = stackPointer(b)
                b.emit(Instr([0x50], size: osz, opcodeReg: b.gpr()))
            })
            forms.append(Form("58+r pop r\(w)") { b in
                _ = stackPointer(b)
                b.emit(Instr([0x58], size: osz, opcodeReg: b.gpr()))
            })
            for memory in [false, true] {
                forms.append(Form("ff /6 push \(operand(size, memory: memory))") { b in
                    _ = stackPointer(b)
                    b.emit(Instr([0xFF], size: osz, ext: 6, rm: memory ? .mem(b.mem(size: size)) : .reg(b.gpr())))
                })
                forms.append(Form("8f /0 pop \(operand(size, memory: memory))") { b in
                    let sp = stackPointer(b)
                    var rm: RMOperand = .reg(b.gpr())
                    if memory {
                        let d = b.rng.below(128) - 64, target = sp + size + d
                        // [rsp+disp8] uses RSP after the pop (SDM Vol. 2B "POP").
                        if b.rng.chance(30) && target >= 0 && target + size <= SnippetState.pageSize {
                            rm = .mem(MemOperand(base: 4, disp: Int64(d), dispBytes: 1, offset: target))
                        } else {
                            rm = .mem(b.mem(size: size))
                        }
                    }
                    b.emit(Instr([0x8F], size: osz, ext: 0, rm: rm))
                })
            }
            forms.append(Form("\(size == 2 ? "66 " : "")6a push imm8 (\(w)-bit)") { b in
                _ = stackPointer(b)
                b.emit(Instr([0x6A], size: osz, imm: [b.rng.byte()]))
            })
            forms.append(Form("\(size == 2 ? "66 " : "")68 push imm\(size == 2 ? 16 : 32) (\(w)-bit)") { b in
                _ = stackPointer(b)
                let n = size == 2 ? 2 : 4
                b.emit(Instr([0x68], size: osz, imm: imm(b.rng.value(bits: 8 * n), n)))
            })
            forms.append(Form("\(size == 2 ? "66 " : "")9c pushf (\(w)-bit)") { b in
                _ = stackPointer(b)
                b.emit(Instr([0x9C], size: osz))
            })
            forms.append(Form("\(size == 2 ? "66 " : "")9d popf (\(w)-bit)") { b in
                let sp = stackPointer(b)
                // TF would trap after the snippet; the rest (incl. AC, NT, ID, IOPL, IF) is random.
                b.writeMem(sp, size: size, b.rng.next() & ~0x100)
                b.emit(Instr([0x9D], size: osz))
            })
            forms.append(Form("\(size == 2 ? "66 " : "")c8 enter (\(w)-bit)") { b in
                _ = stackPointer(b, room: 512)
                let rbp = 256 + b.rng.below(SnippetState.pageSize - 512)
                b.set(5, SnippetState.dataAddress + UInt64(b.rng.chance(80) ? rbp & ~(size - 1) : rbp))
                let level = b.rng.chance(50) ? b.rng.below(3) : b.rng.below(32)
                let frame = b.rng.chance(70) ? b.rng.below(64) : b.rng.below(0x10000)
                b.emit(Instr([0xC8], size: osz, imm: imm(UInt64(frame), 2) + [UInt8(b.rng.chance(90) ? level : 32 + level)]))
            })
            forms.append(Form("\(size == 2 ? "66 " : "")c9 leave (\(w)-bit)") { b in
                _ = stackPointer(b)
                // RSP ← RBP uses all 64 bits even for the 16-bit form (StackAddressSize = 64).
                b.set(5, SnippetState.dataAddress &+ UInt64(bitPattern: Int64(b.pageOffset(size: size))))
                b.emit(Instr([0xC9], size: osz))
            })
        }
        forms.append(Form("e8 call rel32") { b in
            _ = stackPointer(b)
            // Natively the 5 bytes after the snippet are `jmp epilogue`: land on its start or past it.
            b.emit([0xE8] + imm(b.rng.chance(30) ? 0 : UInt64(5 + b.rng.below(0x80)), 4))
        })
        for (ext, mn) in [(2, "call"), (4, "jmp")] {
            for memory in [false, true] {
                forms.append(Form("ff /\(ext) \(mn) \(operand(8, memory: memory))") { b in
                    let target = branchTarget(b)
                    // A non-canonical target is #GP before the push (SDM Vol. 2A "CALL", Operation);
                    // AMD pushes first, so a faulting push is not combined with it.
                    _ = stackPointer(b, edges: isCanonical(target))
                    var rm: RMOperand
                    if memory {
                        let m = b.mem(size: 8)
                        if let off = m.offset { b.writeMem(off, size: 8, target) }
                        rm = .mem(m)
                    } else {
                        let r = b.gpr(avoid: [4]); b.set(r, target); rm = .reg(r)
                    }
                    b.emit(Instr([0xFF], size: 4, ext: ext, rm: rm))
                })
            }
        }
        for popImm in [false, true] {
            forms.append(Form(popImm ? "c2 ret imm16" : "c3 ret") { b in
                let sp = stackPointer(b)
                b.writeMem(sp, size: 8, branchTarget(b))
                b.emit(popImm ? [0xC2] + imm(UInt64(b.rng.below(0x10000)), 2) : [0xC3])
            })
        }
        return forms
    }
}
