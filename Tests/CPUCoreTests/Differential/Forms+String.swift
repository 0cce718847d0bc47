// SPDX-License-Identifier: MIT
// String instructions MOVS CMPS SCAS LODS STOS (A4–A7, AA–AF), each without a prefix and with
// REP (F3), CMPS/SCAS also with REPE/REPNE, at all four sizes, with DF 0 and 1, small counts and
// now and then a 67 prefix (ESI/EDI/ECX) or a count that runs into a guard page (#PF mid-way:
// RCX/RSI/RDI then reflect the completed iterations, SDM Vol. 2B "REP/REPE/REPZ/REPNE/REPNZ").
// Flags: CMPS/SCAS as CMP; the others change none.

extension Forms {
    static var strings: [Form] {
        var forms: [Form] = []
        let kinds: [(String, UInt8, Bool, Bool)] = [   // name, opcode (byte form), reads RSI, writes/reads RDI
            ("movs", 0xA4, true, true), ("cmps", 0xA6, true, true), ("stos", 0xAA, false, true),
            ("lods", 0xAC, true, false), ("scas", 0xAE, false, true),
        ]
        for (mn, op8, usesSI, usesDI) in kinds {
            let compares = mn == "cmps" || mn == "scas"
            let prefixes: [UInt8?] = compares ? [nil, 0xF3, 0xF2] : [nil, 0xF3]
            for size in sizes {
                for rep in prefixes {
                    let pname = rep == nil ? "" : (rep == 0xF3 ? (compares ? "repe " : "rep ") : "repne ")
                    let op = op8 + (size == 1 ? 0 : 1)
                    let suffix = ["b", "w", "d", "q"][sizes.firstIndex(of: size)!]
                    forms.append(Form("\(rep.map { hex($0) + " " } ?? "")\(hex(op)) \(pname)\(mn)\(suffix)") { b in
                        stringCase(b, op: op, size: size, rep: rep, usesSI: usesSI, usesDI: usesDI, compares: compares)
                    })
                }
            }
        }
        return forms
    }

    static func stringCase(_ b: CaseBuilder, op: UInt8, size: Int, rep: UInt8?, usesSI: Bool, usesDI: Bool, compares: Bool) {
        let down = b.rng.chance(40)
        b.setFlags(b.state.rflags | (down ? CaseBuilder.df : 0))
        let a32 = b.rng.chance(15)
        // Mostly short; some long enough for emu's bulk REP MOVS/STOS path (it copies whole pages
        // with memmove/memset); a few that run into a guard page.
        var count = b.rng.chance(10) ? 0 : b.rng.below(9)
        if rep != nil && b.rng.chance(20) { count = 9 + b.rng.below(4096 / size - 9) }
        let runaway = rep != nil && b.rng.chance(5)
        if runaway { count = 4096 / size + b.rng.below(600) }
        let span = max(count, 1) * size
        func start() -> Int {
            // A single element now and then straddles a guard page.
            if rep == nil && b.rng.chance(3) { return b.pageOffset(size: size, faultPercent: 100) }
            // Leave room for `count` elements in the direction of travel (unless running away).
            let room = runaway ? 0 : span
            var off = down ? room - size + b.rng.below(SnippetState.pageSize - room + 1)
                           : b.rng.below(SnippetState.pageSize - room + 1)
            off = min(max(off, 0), SnippetState.pageSize - size)
            return b.rng.chance(70) ? off & ~(size - 1) : off
        }
        func pointer(_ off: Int) -> UInt64 {
            let p = SnippetState.dataAddress &+ UInt64(bitPattern: Int64(off))
            return a32 ? p | (b.rng.next() << 32) : p
        }
        let si = start()
        var di = start()
        if op & 0xFE == 0xA4 && b.rng.chance(30) {
            // Overlapping MOVS: a forward element-by-element copy re-reads what it wrote.
            let d = si + b.rng.below(8 * size + 1) * (b.rng.chance(70) ? 1 : -1)
            let lo = down ? span - size : 0, hi = down ? SnippetState.pageSize - size : SnippetState.pageSize - span
            if runaway || (d >= lo && d <= hi) { di = min(max(d, 0), SnippetState.pageSize - size) }
        }
        if usesSI { b.set(6, pointer(si)) }
        if usesDI { b.set(7, pointer(di)) }
        b.set(1, UInt64(count) | (a32 ? b.rng.next() << 32 : 0))
        if compares {
            // Equal runs so that REPE/REPNE stop at a random element.
            let equal = b.rng.below(count + 2)
            let step = down ? -size : size
            for k in 0..<equal {
                let d = di + k * step
                if op & 0xFE == 0xA6 {
                    let s = si + k * step
                    b.writeMem(d, size: size, b.readMem(s, size: size))
                } else {
                    b.writeMem(d, size: size, b.read(0, size: size))
                }
            }
            if rep == 0xF2 && b.rng.chance(50) {   // REPNE: a match somewhere ahead
                let k = b.rng.below(count + 1), d = di + k * step
                if op & 0xFE == 0xA6 { b.writeMem(d, size: size, b.readMem(si + k * step, size: size)) } else {
                    b.writeMem(d, size: size, b.read(0, size: size))
                }
            }
        }
        var pfx: [UInt8] = []
        if b.rng.chance(10) { pfx.append(b.rng.pick([0x2E, 0x3E, 0x26, 0x36])) }
        if a32 { pfx.append(0x67) }
        if size == 2 { pfx.append(0x66) }
        if let rep { pfx.append(rep) }
        b.emit(pfx + (size == 8 ? [0x48] : []) + [op])
        b.notes.append("count \(count), DF=\(down ? 1 : 0), \(a32 ? "67 (32-bit addresses)" : "64-bit addresses")")
    }
}
