// SPDX-License-Identifier: MIT
// The CPUID model: an Intel Ivy Bridge (family 6, model 58, stepping 9) that advertises exactly
// what emu implements (SDM Vol. 2A "CPUID", Tables 3-8 … 3-20). A feature bit is set here only
// in the change that implements the feature.

public enum CPUIDModel {
    public struct Result: Equatable, Sendable { public var eax, ebx, ecx, edx: UInt32 }

    public static let maxBasicLeaf: UInt32 = 0xD
    public static let maxExtendedLeaf: UInt32 = 0x8000_0008

    /// Leaf 1 EDX: FPU TSC MSR PAE CX8 PGE CMOV PAT CLFSH MMX FXSR SSE SSE2.
    public static let leaf1EDX: UInt32 = 1 << 0 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 8 | 1 << 13 | 1 << 15 | 1 << 16
        | 1 << 19 | 1 << 23 | 1 << 24 | 1 << 25 | 1 << 26
    /// Leaf 1 ECX: CMPXCHG16B.
    public static let leaf1ECX: UInt32 = 1 << 13
    /// Leaf 7 EBX: SMEP.
    public static let leaf7EBX: UInt32 = 1 << 7
    /// 0x80000001 EDX: SYSCALL NX Page1GB RDTSCP LM; ECX: LAHF/SAHF in 64-bit mode.
    public static let ext1EDX: UInt32 = 1 << 11 | 1 << 20 | 1 << 26 | 1 << 27 | 1 << 29
    public static let ext1ECX: UInt32 = 1 << 0

    public static let brand = "emu x86-64 interpreter (Ivy Bridge model)"

    static func str(_ s: String) -> UInt32 {
        var v: UInt32 = 0
        for (k, b) in s.utf8.prefix(4).enumerated() { v |= UInt32(b) << (8 * UInt32(k)) }
        return v
    }

    public static func query(leaf: UInt32, subleaf: UInt32) -> Result {
        var leaf = leaf
        // Leaves above the maximum return the highest basic leaf's data (Intel behaviour).
        if (leaf > maxBasicLeaf && leaf < 0x8000_0000) || leaf > maxExtendedLeaf { leaf = maxBasicLeaf }
        switch leaf {
        case 0: return Result(eax: maxBasicLeaf, ebx: str("Genu"), ecx: str("ntel"), edx: str("ineI"))
        case 1: return Result(eax: 0x0003_06A9, ebx: 0x0001_0800, ecx: leaf1ECX, edx: leaf1EDX)
        case 2: return Result(eax: 0x7603_6301, ebx: 0x00F0_B5FF, ecx: 0, edx: 0x00C1_0000)
        case 4:
            switch subleaf {
            case 0: return Result(eax: 0x121, ebx: 0x01C0_003F, ecx: 63, edx: 0)      // L1d 32 KiB 8-way
            case 1: return Result(eax: 0x122, ebx: 0x01C0_003F, ecx: 63, edx: 0)      // L1i 32 KiB 8-way
            case 2: return Result(eax: 0x143, ebx: 0x01C0_003F, ecx: 511, edx: 0)     // L2 256 KiB 8-way
            case 3: return Result(eax: 0x163, ebx: 0x03C0_003F, ecx: 8191, edx: 6)    // L3 8 MiB 16-way
            default: return Result(eax: 0, ebx: 0, ecx: 0, edx: 0)
            }
        case 7: return subleaf == 0 ? Result(eax: 0, ebx: leaf7EBX, ecx: 0, edx: 0) : Result(eax: 0, ebx: 0, ecx: 0, edx: 0)
        case 0xB:
            switch subleaf {
            case 0: return Result(eax: 0, ebx: 1, ecx: 0x100, edx: 0)                 // SMT level, 1 thread
            case 1: return Result(eax: 0, ebx: 1, ecx: 0x201, edx: 0)                 // core level, 1 core
            default: return Result(eax: 0, ebx: 0, ecx: subleaf & 0xFF, edx: 0)
            }
        case 0x8000_0000: return Result(eax: maxExtendedLeaf, ebx: 0, ecx: 0, edx: 0)
        case 0x8000_0001: return Result(eax: 0, ebx: 0, ecx: ext1ECX, edx: ext1EDX)
        case 0x8000_0002, 0x8000_0003, 0x8000_0004:
            var bytes = Array(brand.utf8.prefix(47)); bytes += [UInt8](repeating: 0, count: 48 - bytes.count)
            let base = Int(leaf - 0x8000_0002) * 16
            func word(_ k: Int) -> UInt32 {
                (0..<4).reduce(0) { $0 | UInt32(bytes[base + 4 * k + $1]) << (8 * UInt32($1)) }
            }
            return Result(eax: word(0), ebx: word(1), ecx: word(2), edx: word(3))
        case 0x8000_0006: return Result(eax: 0, ebx: 0, ecx: 0x0100_6040, edx: 0)      // L2: 256 KiB, 8-way, 64 B
        case 0x8000_0007: return Result(eax: 0, ebx: 0, ecx: 0, edx: 1 << 8)          // invariant TSC
        case 0x8000_0008: return Result(eax: 0x3024, ebx: 0, ecx: 0, edx: 0)          // 36-bit physical, 48-bit linear
        default: return Result(eax: 0, ebx: 0, ecx: 0, edx: 0)
        }
    }
}
