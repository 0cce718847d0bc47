// SPDX-License-Identifier: MIT
// The micro-op kinds: mnemonic + operand form + size (`aluRR64`: ALU op, register ← register,
// 64-bit). One dense UInt16 switched on by Interpreter/Dispatch.swift. Forms: R register,
// M memory, I immediate; the first letter is the destination. Families with many members
// (x87, SSE, MMX, system) carry their own op enum in `aux`.

public enum MicroOp: UInt16 {
    // Invalid / control of the interpreter.
    case invalid = 0        // raises #UD (aux: 0 = undefined encoding)
    case stale              // the block was invalidated (self-modifying code): leave and re-decode
    case blockEnd           // after a block's last record (`next` = fall-through RIP), or where the run budget ends

    // ALU: ADD OR ADC SBB AND SUB XOR CMP, `aux` = AluOp. SDM Vol. 2 Appendix A rows 00–3F, 80–83.
    case aluRR8, aluRR16, aluRR32, aluRR64
    case aluRM8, aluRM16, aluRM32, aluRM64
    case aluMR8, aluMR16, aluMR32, aluMR64
    case aluRI8, aluRI16, aluRI32, aluRI64
    case aluMI8, aluMI16, aluMI32, aluMI64
    // Hot specialisations (measured on the integer benchmarks).
    case addRR64, addRI64, subRR64, subRI64, cmpRR64, cmpRI64, cmpRR32, cmpRI32, addRR32, addRI32
    case xorRR32, andRI32, cmpRM64, cmpRM32
    case xorRR64, andRR64, orRR64, andRI64, subRR32, addRM64, imul2RR64, imul3RR64
    case aluRM32fast, aluRM64fast     // ADD OR AND SUB XOR from memory (no ADC/SBB/CMP)
    case cmpMR32, cmpMR64, cmpMI8, cmpMI32, cmpMI64   // CMP with a memory first operand
    case cmpMR8, cmpRM8, cmpRR8, cmpRI8               // byte CMP (byte loops: memcmp, strlen, parsers)
    case andRR32, orRR32, notR32, notR64              // hash rounds (sha256): with them the rotates' flags die
    case movzxbRM, movzxwRM, movzxbRR, movzxwRR, movsxdRM, movsxdRR  // to a 32/64-bit register
    // Flag-free forms of the above: the block builder's liveness pass picks them when a later
    // instruction of the block overwrites every flag before anything can observe them
    // (Interpreter/FlagLiveness.swift).
    case addRR64nf, addRI64nf, subRR64nf, subRI64nf, addRR32nf, addRI32nf, subRR32nf
    case xorRR64nf, andRR64nf, orRR64nf, andRI64nf, xorRR32nf, andRI32nf
    case shlRI64nf, shrRI64nf, sarRI64nf, shlRI32nf, shrRI32nf, sarRI32nf
    case imul2RR64nf, imul3RR64nf, aluRM64fastNF, aluRM32fastNF
    case andRR32nf, orRR32nf
    // TEST.
    case testRR8, testRR16, testRR32, testRR64
    case testMR8, testMR16, testMR32, testMR64
    case testRI8, testRI16, testRI32, testRI64
    case testMI8, testMI16, testMI32, testMI64

    // MOV.
    case movRR8, movRR16, movRR32, movRR64
    case movRM8, movRM16, movRM32, movRM64
    case movMR8, movMR16, movMR32, movMR64
    case movRI8, movRI16, movRI32, movRI64
    case movMI8, movMI16, movMI32, movMI64
    // MOVZX/MOVSX/MOVSXD: `aux` = source size in bytes, osz = destination size.
    case movzxRR, movzxRM, movsxRR, movsxRM
    case lea16, lea32, lea64

    // Unary group (F6/F7/FE/FF): `aux` = UnaryOp; osz gives the size.
    case unaryR, unaryM
    case incR32, incR64, decR32, decR64
    // MUL IMUL DIV IDIV (F6/F7 /4–/7): `aux` = 4…7.
    case mulDivR, mulDivM
    // IMUL Gv,Ev and IMUL Gv,Ev,imm.
    case imul2RR, imul2RM, imul3RR, imul3RM
    // Shifts and rotates (C0 C1 D0–D3): `aux` = ShiftOp | count source << 8.
    case shiftR, shiftM
    case shlRI64, shrRI64, sarRI64, shlRI32, shrRI32, sarRI32, rolRI32, rorRI32, rolRI64, rorRI64
    // SHLD/SHRD: `aux` bit 0 = right, bit 8 = count in CL.
    case shldR, shldM
    // BT BTS BTR BTC (`aux` = 0…3): register bit offset or immediate.
    case btRR, btRM, btRI, btMI
    case bsfR, bsfM, bsrR, bsrM, bswap
    case xchgRR, xchgRM, xaddRR, xaddRM, cmpxchgRR, cmpxchgRM, cmpxchg8b16b

    // Control transfer.
    case jcc                // `aux` = condition, imm = target
    case jz, jnz            // JE/JNE, the commonest conditions: ZF alone (imm = target)
    case jmp                // imm = target
    case jmpR, jmpM         // indirect
    case call               // imm = target
    case callR, callM
    case ret, retImm        // retImm: imm = bytes to pop
    case loop               // aux: 0 LOOPNE, 1 LOOPE, 2 LOOP, 3 JRCXZ; imm = target
    case cmovRR, cmovRM     // aux = condition
    case setccR, setccM     // aux = condition

    // Stack.
    case pushR, pushI, pushM, popR, popM
    case pushR64, popR64
    case pushSeg, popSeg    // aux = segment register
    case pushf, popf, lahf, sahf
    case enter, leave
    case cbw                // CBW/CWDE/CDQE by osz
    case cwd                // CWD/CDQ/CQO by osz

    // String instructions: `aux` = StringOp; osz = element size; pfx rep bits.
    case string

    // Flags and misc.
    case flagOp             // aux = FlagOp (CLC STC CMC CLD STD)
    case nop
    case xlat
    case ud                 // UD2 and other defined #UD
    case int3, intN, into
    case cpuid, rdtsc, rdtscp
    case hlt
    case cli, sti
    case inOut              // aux = IOOp; osz = size
    case system             // aux = SystemOp
    case movSegR, movSegM   // MOV Sreg, r/m: aux = segment
    case movRSeg, movMSeg   // MOV r/m, Sreg: aux = segment
    case loadFar            // LSS LFS LGS r, m16:16/32/64: aux = segment

    // Families with their own op enums in `aux`.
    case x87                // aux = X87Op
    case sse                // aux = SSEOp
    case mmx                // aux = MMXOp

    // SSE/SSE2 hot forms (Decoder/Specialise+SSE.swift): `sub` = SSEFastOp, `aux` keeps the
    // generic SSEOp/PackedIntOp. One kind, so MicroOp stays within 256 cases (a one-byte enum).
    case sseFast

    /// Traced blocks only (InstructionObserver.swift): announces the record after it to the
    /// instruction observer. Never decoded from guest code.
    case traceHook
}

/// ALU operations in opcode order (bits 5:3 of 00–3F, ModRM.reg of 80–83).
public enum AluOp: UInt16 { case add = 0, or, adc, sbb, and, sub, xor, cmp }

/// Unary group members (F6/F7 /2 /3, FE/FF /0 /1).
public enum UnaryOp: UInt16 { case not = 2, neg = 3, inc = 8, dec = 9 }

/// Shift group members in ModRM.reg order (C0/C1/D0–D3).
public enum ShiftOp: UInt16 { case rol = 0, ror, rcl, rcr, shl, shr, sal, sar }
/// Shift count source, stored in `aux >> 8`.
public enum ShiftCount: UInt16 { case imm = 0, one = 1, cl = 2 }

/// String instructions.
public enum StringOp: UInt16 { case movs, cmps, stos, lods, scas, ins, outs }

/// Flag instructions.
public enum FlagInstr: UInt16 { case clc, stc, cmc, cld, std }

/// IN/OUT forms: imm8 port or DX.
public enum IOOp: UInt16 { case inImm, inDX, outImm, outDX }

/// System instructions (SDM Vol. 3 and the system rows of Vol. 2), executed by Instructions/System.swift.
/// For MOV CR/DR, `r` holds the control/debug register number and `b` the GPR.
public enum SystemOp: UInt16, Sendable {
    case movFromCR, movToCR, movFromDR, movToDR
    case rdmsr, wrmsr
    case lgdt, lidt, sgdt, sidt, lldt, sldt, ltr, str, lmsw, smsw, clts
    case syscall, sysret, swapgs, iretq
    case invlpg, wbinvd, invd
    case lsl, lar, verr, verw
    case rdpmc
    case iret16, iret32     // IRET without REX.W (operand size 16/32), still in 64-bit mode
    case sysretl            // SYSRET without REX.W: returns to compatibility mode (not supported → #GP)
    case retfar, retfarImm  // RETF
    case callfarM, jmpfarM  // FF /3, FF /5
    case rdtscp
}
