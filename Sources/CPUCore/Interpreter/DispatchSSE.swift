// SPDX-License-Identifier: MIT
// The SSE/SSE2 hot forms (Instructions/SSEFast.swift, SSEFastFP.swift), dispatched out of line:
// one `.sseFast` micro-op whose `sub` picks the form, so MicroOp keeps a one-byte representation
// (more than 256 kinds made the integer budgets of scripts/check-budgets.sh rise 3–7%).

extension CPU {
    /// Runs one SSE hot form. Returns false with `exception` set on a fault.
    @inline(never)
    func executeSSEFast(_ i: Inst) -> Bool {
        let x = sse.xmm
        switch i.pointee.sub {
        case .xmmMovRR: CPU.store128(CPU.xmmPtr(x, i.pointee.r), CPU.load128(CPU.xmmPtr(x, i.pointee.b)))
        case .xmmLoadA, .xmmLoadU:
            guard let v = loadXMMOperand(i, aligned: i.pointee.sub == .xmmLoadA) else { return false }
            CPU.store128(CPU.xmmPtr(x, i.pointee.r), v)
        case .xmmStoreA, .xmmStoreU:
            guard storeXMMOperand(i, CPU.load128(CPU.xmmPtr(x, i.pointee.r)), aligned: i.pointee.sub == .xmmStoreA) else { return false }
        case .xmmLoadQ: guard loadXMMLow(x, i, quad: true) else { return false }
        case .xmmLoadD: guard loadXMMLow(x, i, quad: false) else { return false }
        case .xmmStoreQ: guard storeXMMLow(x, i, quad: true) else { return false }
        case .xmmStoreD: guard storeXMMLow(x, i, quad: false) else { return false }
        case .movsdRR: CPU.xmmPtr(x, i.pointee.r).storeBytes(of: CPU.xmmPtr(x, i.pointee.b).load(as: UInt64.self), as: UInt64.self)
        case .movqRR: CPU.store128(CPU.xmmPtr(x, i.pointee.r), SIMD2(CPU.xmmPtr(x, i.pointee.b).load(as: UInt64.self), 0))
        case .movdXR: movdXR(x, i)
        case .movdRX: movdRX(x, i)
        case .pxorRR: xmmRR(x, i, SIMD2<UInt64>.self) { $0 ^ $1 }
        case .porRR: xmmRR(x, i, SIMD2<UInt64>.self) { $0 | $1 }
        case .pandRR: xmmRR(x, i, SIMD2<UInt64>.self) { $0 & $1 }
        case .pandnRR: xmmRR(x, i, SIMD2<UInt64>.self) { ~$0 & $1 }
        case .paddbRR: xmmRR(x, i, SIMD16<UInt8>.self) { $0 &+ $1 }
        case .paddwRR: xmmRR(x, i, SIMD8<UInt16>.self) { $0 &+ $1 }
        case .padddRR: xmmRR(x, i, SIMD4<UInt32>.self) { $0 &+ $1 }
        case .paddqRR: xmmRR(x, i, SIMD2<UInt64>.self) { $0 &+ $1 }
        case .psubbRR: xmmRR(x, i, SIMD16<UInt8>.self) { $0 &- $1 }
        case .psubwRR: xmmRR(x, i, SIMD8<UInt16>.self) { $0 &- $1 }
        case .psubdRR: xmmRR(x, i, SIMD4<UInt32>.self) { $0 &- $1 }
        case .psubqRR: xmmRR(x, i, SIMD2<UInt64>.self) { $0 &- $1 }
        case .pcmpeqbRR: xmmRR(x, i, SIMD16<UInt8>.self) { SIMD16(repeating: 0).replacing(with: 0xFF, where: $0 .== $1) }
        case .pcmpeqdRR: xmmRR(x, i, SIMD4<UInt32>.self) { SIMD4(repeating: 0).replacing(with: ~0, where: $0 .== $1) }
        case .pmuludqRR: xmmRR(x, i, SIMD2<UInt64>.self) { ($0 & 0xFFFF_FFFF) &* ($1 & 0xFFFF_FFFF) }
        case .punpcklbwRR: xmmRR(x, i, SIMD16<UInt8>.self) { CPU.unpackLow($0, $1) }
        case .punpcklwdRR: xmmRR(x, i, SIMD8<UInt16>.self) { CPU.unpackLow($0, $1) }
        case .punpckldqRR: xmmRR(x, i, SIMD4<UInt32>.self) { CPU.unpackLow($0, $1) }
        case .punpcklqdqRR: xmmRR(x, i, SIMD2<UInt64>.self) { SIMD2($0[0], $1[0]) }
        case .punpckhbwRR: xmmRR(x, i, SIMD16<UInt8>.self) { CPU.unpackHigh($0, $1) }
        case .punpckhwdRR: xmmRR(x, i, SIMD8<UInt16>.self) { CPU.unpackHigh($0, $1) }
        case .punpckhdqRR: xmmRR(x, i, SIMD4<UInt32>.self) { CPU.unpackHigh($0, $1) }
        case .punpckhqdqRR: xmmRR(x, i, SIMD2<UInt64>.self) { SIMD2($0[1], $1[1]) }
        case .pshufdRR: pshufd(x, i)
        case .psrlwI: let c = UInt16(truncatingIfNeeded: i.pointee.imm); xmmR(x, i, SIMD8<UInt16>.self) { $0 &>> c }
        case .psrldI: let c = UInt32(truncatingIfNeeded: i.pointee.imm); xmmR(x, i, SIMD4<UInt32>.self) { $0 &>> c }
        case .psrlqI: let c = i.pointee.imm; xmmR(x, i, SIMD2<UInt64>.self) { $0 &>> c }
        case .psllwI: let c = UInt16(truncatingIfNeeded: i.pointee.imm); xmmR(x, i, SIMD8<UInt16>.self) { $0 &<< c }
        case .pslldI: let c = UInt32(truncatingIfNeeded: i.pointee.imm); xmmR(x, i, SIMD4<UInt32>.self) { $0 &<< c }
        case .psllqI: let c = i.pointee.imm; xmmR(x, i, SIMD2<UInt64>.self) { $0 &<< c }
        case .psrawI: let c = Int16(truncatingIfNeeded: i.pointee.imm); xmmR(x, i, SIMD8<Int16>.self) { $0 &>> c }
        case .psradI: let c = Int32(truncatingIfNeeded: i.pointee.imm); xmmR(x, i, SIMD4<Int32>.self) { $0 &>> c }
        case .psrldqI: byteShiftXMM(x, i, left: false)
        case .pslldqI: byteShiftXMM(x, i, left: true)
        case .xmmZero: CPU.store128(CPU.xmmPtr(x, i.pointee.r), SIMD2<UInt64>())
        case .addpdRR: guard fastPD(x, i, FastFP.Add.self, mem: false) else { return false }
        case .subpdRR: guard fastPD(x, i, FastFP.Sub.self, mem: false) else { return false }
        case .mulpdRR: guard fastPD(x, i, FastFP.Mul.self, mem: false) else { return false }
        case .divpdRR: guard fastPD(x, i, FastFP.Div.self, mem: false) else { return false }
        case .addpdRM: guard fastPD(x, i, FastFP.Add.self, mem: true) else { return false }
        case .subpdRM: guard fastPD(x, i, FastFP.Sub.self, mem: true) else { return false }
        case .mulpdRM: guard fastPD(x, i, FastFP.Mul.self, mem: true) else { return false }
        case .divpdRM: guard fastPD(x, i, FastFP.Div.self, mem: true) else { return false }
        case .addsdRR: guard fastSD(x, i, FastFP.Add.self, mem: false) else { return false }
        case .subsdRR: guard fastSD(x, i, FastFP.Sub.self, mem: false) else { return false }
        case .mulsdRR: guard fastSD(x, i, FastFP.Mul.self, mem: false) else { return false }
        case .divsdRR: guard fastSD(x, i, FastFP.Div.self, mem: false) else { return false }
        case .addsdRM: guard fastSD(x, i, FastFP.Add.self, mem: true) else { return false }
        case .subsdRM: guard fastSD(x, i, FastFP.Sub.self, mem: true) else { return false }
        case .mulsdRM: guard fastSD(x, i, FastFP.Mul.self, mem: true) else { return false }
        case .divsdRM: guard fastSD(x, i, FastFP.Div.self, mem: true) else { return false }
        case .maxsdRR: guard fastMinMaxSD(x, i, max: true) else { return false }
        case .minsdRR: guard fastMinMaxSD(x, i, max: false) else { return false }
        }
        return true
    }
}
