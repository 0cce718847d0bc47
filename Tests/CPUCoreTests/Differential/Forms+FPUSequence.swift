// SPDX-License-Identifier: MIT
// Random sequences of x87, MMX and SSE instructions, so the state they share is exercised across
// instructions: x87 pushes and pops around MMX instructions (which set TOP = 0 and tag every
// register valid) and EMMS (all empty), stack faults that follow from earlier instructions, the
// status word read back by FNSTSW and FXSAVE mid-sequence, SSE instructions in between.
// x87 and SSE exceptions are all masked and memory operands never fault (the single-instruction
// forms cover #MF, #XM and faults), so every sequence runs to its end, the stack evolves
// predictably, and the generator can track which condition codes are undefined (SDM Vol. 1
// Table 8-1) or legitimately differ between the host and emu (Forms+X87Compare.swift,
// Forms+X87Transfer.swift); such bits are masked wherever they end up.

extension Forms {
    static var fpuSequences: [Form] {
        (0..<6).map { k in
            Form("x87/mmx/sse sequence \(k) (\(3 + 2 * (k % 3)) steps\(k >= 3 ? ", with memory" : ""))") { b in
                var sequence = FPUSequence(b, memory: k >= 3)
                sequence.run(steps: 3 + 2 * (k % 3))
            }
        }
    }
}

/// The generator's model of the x87 stack and of the condition codes that may differ.
struct FPUSequence {
    let b: CaseBuilder
    let memory: Bool
    var top: Int
    var used: UInt8
    /// FSW condition-code bits whose value is undefined or vendor-specific at this point.
    var undefined: UInt16 = 0
    /// Two 8-byte operands in the first half of the data page, and a 512-byte FXSAVE area in the
    /// second (so no load reads back FXSAVE's masked pointer fields).
    var scalars: [MemOperand] = []
    var image: MemOperand? = nil

    init(_ b: CaseBuilder, memory: Bool) {
        self.b = b
        self.memory = memory
        b.x87State(unmaskPercent: 0, pendingPercent: 0)
        b.sseState(unmaskPercent: 0)
        for r in 0..<16 { b.setXMM(r, .mixed) }
        // RAX receives FNSTSW AX and MOVD r32, mm: never an address or a source register.
        b.set(0, b.get(0))
        top = b.x87Top
        used = b.state.fxsave[4]
        if memory {
            b.highBytes = false
            for lanes in [Lanes.f64, .f32] {
                let o = b.rng.below(2048 - 8)
                scalars.append(b.mem(size: 8, offset: o))
                b.fillMemory(o, bytes: 8, lanes)
            }
            image = b.mem(size: 512, offset: 2048 + 16 * b.rng.below(96))
        }
    }

    func isEmpty(_ st: Int) -> Bool { used & (1 << UInt8((top + st) & 7)) == 0 }
    mutating func setUsed(_ st: Int, _ u: Bool) {
        let bit = UInt8(1) << UInt8((top + st) & 7)
        used = u ? used | bit : used & ~bit
    }
    mutating func push() { top = (top - 1) & 7; setUsed(0, true) }
    mutating func pop() { setUsed(0, false); top = (top + 1) & 7 }
    /// Most x87 instructions: C1 defined, C0 C2 C3 undefined.
    mutating func arithmeticCodes(c1Unknown: Bool = false) {
        undefined = X87CC.c023 | (c1Unknown ? X87CC.c1 : 0)
    }

    /// One of the two 8-byte memory operands.
    func mem() -> RMOperand { .mem(b.rng.pick(scalars)) }

    mutating func run(steps: Int) {
        for _ in 0..<steps { step() }
        b.undefineFSW(undefined)
    }

    mutating func step() {
        let b = self.b
        let i = b.rng.below(8)
        func rng(_ n: Int) -> Int { b.rng.below(n) }
        switch b.rng.below(20) {
        case 0, 1:                                                      // FLD m32fp / m64fp / FLD1 / FILD m32
            if memory && b.rng.chance(60) {
                b.emit(Instr([b.rng.pick([0xD9, 0xDD, 0xDB])], ext: 0, rm: mem()))
            } else {
                b.emit([0xD9, 0xE8 + UInt8(rng(7))])
            }
            push(); arithmeticCodes()
        case 2:                                                         // FLD ST(i)
            let both = isEmpty(i) && !isEmpty(7)                        // underflow and overflow: vendors differ in C1
            b.emit([0xD9, 0xC0 + UInt8(i)])
            push(); arithmeticCodes(c1Unknown: both)
        case 3, 4:                                                      // FADD/FMUL/FSUB/FDIV ST(0),ST(i) or m64
            let op = UInt8(b.rng.pick([0, 1, 4, 5, 6, 7]))
            if memory && b.rng.chance(40) {
                b.emit(Instr([0xDC], ext: Int(op), rm: mem()))
            } else {
                b.emit([0xD8, 0xC0 + op << 3 + UInt8(i)])
            }
            setUsed(0, true); arithmeticCodes()                         // an empty operand: ST(0) ← indefinite
        case 5:                                                         // FADDP/FMULP ST(i),ST(0)
            b.emit([0xDE, 0xC0 + UInt8(b.rng.pick([0, 1])) << 3 + UInt8(i)])
            setUsed(i, true); pop(); arithmeticCodes()
        case 6:                                                         // FSTP m32fp/m64fp, FST ST(i), FSTP ST(i)
            if memory && b.rng.chance(60) {
                b.emit(Instr([b.rng.pick([0xD9, 0xDD])], ext: 3, rm: mem()))
                pop()
            } else if b.rng.chance(50) {
                b.emit([0xDD, 0xD0 + UInt8(i)]); setUsed(i, true)
            } else {
                b.emit([0xDD, 0xD8 + UInt8(i)]); setUsed(i, true); pop()
            }
            arithmeticCodes()
        case 7:                                                         // FXCH ST(i)
            b.emit([0xD9, 0xC8 + UInt8(i)])
            setUsed(i, true); setUsed(0, true); arithmeticCodes()
        case 8:                                                         // FCOM ST(i), FCOMP ST(i), FUCOM ST(i)
            let (esc, row, pops): (UInt8, UInt8, Bool) = b.rng.pick([(0xD8, 0xD0, false), (0xD8, 0xD8, true), (0xDD, 0xE0, false)])
            b.emit([esc, row + UInt8(i)])
            if pops { pop() }
            undefined = 0
        case 9:                                                         // FCOMI/FUCOMI(P): C1 differs without a stack fault
            let pops = b.rng.chance(40)
            b.emit([pops ? 0xDF : 0xDB, b.rng.pick([0xF0, 0xE8]) + UInt8(i)])
            arithmeticCodes(c1Unknown: !isEmpty(0) && !isEmpty(i))
            if pops { pop() }
        case 10:                                                        // FNSTSW AX: the codes land in AX
            b.emit([0xDF, 0xE0])
            b.ignore(reg: 0, bits: UInt64(undefined))
            undefined = X87CC.all
        case 11:                                                        // FINCSTP FDECSTP FFREE
            switch rng(3) {
            case 0: b.emit([0xD9, 0xF7]); top = (top + 1) & 7; arithmeticCodes()
            case 1: b.emit([0xD9, 0xF6]); top = (top - 1) & 7; arithmeticCodes()
            default: b.emit([0xDD, 0xC0 + UInt8(i)]); setUsed(i, false); undefined = X87CC.all
            }
        case 12, 13:                                                    // MMX: TOP = 0, every register valid
            let mm = UInt8(rng(8)), src = UInt8(rng(8))
            switch rng(4) {
            case 0: b.emit(Instr([0x0F, b.rng.pick([0xFD, 0xEF, 0xD5, 0x63])], reg: Int(mm), rm: .reg(Int(src))))
            case 1 where memory: b.emit(Instr([0x0F, 0x6F], reg: Int(mm), rm: mem()))
            case 2: b.emit(Instr([0x0F, 0x7E], reg: Int(mm), rm: .reg(0)))                       // MOVD eax, mm
            default: b.emit(Instr([0x0F, 0x6E], reg: Int(mm), rm: .reg(b.gpr(avoid: [0]))))     // MOVD mm, r32
            }
            top = 0; used = 0xFF
        case 14:                                                        // EMMS
            b.emit([0x0F, 0x77]); top = 0; used = 0
        case 15, 16:                                                    // SSE arithmetic and conversions
            let x = rng(16), y = rng(16)
            switch rng(4) {
            case 0: b.emit(Instr([0x0F, b.rng.pick([0x58, 0x59, 0x5C, 0x5E])], reg: x, rm: .reg(y), prefixes: [b.rng.pick([0xF3, 0xF2, 0x66])]))
            case 1: b.emit(Instr([0x0F, 0x2A], size: b.rng.pick([4, 8]), reg: x, rm: .reg(b.gpr(avoid: [0])), prefixes: [0xF2]))
            case 2 where memory: b.emit(Instr([0x0F, 0x59], reg: x, rm: mem(), prefixes: [0xF2]))
            default: b.emit(Instr([0x0F, 0xD6], reg: rng(8), rm: .reg(y), prefixes: [0xF2]))      // MOVDQ2Q mm, xmm: MMX too
                top = 0; used = 0xFF
            }
        case 17 where memory:                                           // FXSAVE64 mid-sequence
            let m = image!
            if let o = m.offset {
                for r in Comparison.fxMasked { b.ignore(memory: (o + r.lowerBound)..<(o + r.upperBound)) }
                if undefined != 0 { b.ignore(memory: (o + 2)..<(o + 4)) }
            }
            b.emit(Instr([0x0F, 0xAE], size: 8, ext: 0, rm: .mem(m)))
        case 18:                                                        // FWAIT
            b.emit([0x9B])
        default:                                                        // FSQRT FCHS FABS FRNDINT
            b.emit([0xD9, b.rng.pick([0xFA, 0xE0, 0xE1, 0xFC])])
            setUsed(0, true); arithmeticCodes()
        }
    }
}
