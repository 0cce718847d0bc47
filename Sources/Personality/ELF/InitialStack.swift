// SPDX-License-Identifier: MIT
// The initial process stack of a new program, byte for byte as Linux builds it for execve
// without address randomisation (System V x86-64 psABI §3.4.1 "Initial Stack and Register
// State", Figure 3.9; Linux fs/exec.c and fs/binfmt_elf.c create_elf_tables).
//
// From the top down:
//   stackTop - 8 .. stackTop   a zero word (fs/exec.c __bprm_mm_init: p = vm_end - sizeof(void *))
//   execfn string              copy_string_kernel(bprm->filename)        → AT_EXECFN
//   envp strings, then argv strings, each copied last-first (copy_strings), so argv[0] is lowest
//   padding to 16 bytes        arch_align_stack (arch/x86/kernel/process.c, no randomisation)
//   "x86_64\0"                 ELF_PLATFORM (arch/x86/include/asm/elf.h)  → AT_PLATFORM
//   16 random bytes                                                      → AT_RANDOM
//   padding                    STACK_ROUND(sp - items, 16) below the tables
//   auxv pairs, AT_NULL pair
//   envp pointers, NULL
//   argv pointers, NULL
//   argc                       ← RSP, 16-byte aligned (psABI: "%rsp ... 16-byte aligned")

public enum InitialStack {
    /// ELF_PLATFORM on x86-64.
    public static let platform = "x86_64"

    /// Builds the stack for `argv`/`envp` below `stackTop`. `random` are AT_RANDOM's 16 bytes.
    /// The result's `bytes` belong at [rsp, stackTop); `rsp` is the initial RSP (argc at [rsp]).
    /// Strings are written as UTF-8 followed by a NUL.
    public static func build(stackTop: UInt64, argv: [String], envp: [String], execfn: String,
                             auxv: AuxiliaryVector, random: [UInt8]) -> (bytes: [UInt8], rsp: UInt64) {
        precondition(random.count == 16, "AT_RANDOM needs 16 bytes")
        var writes: [(address: UInt64, bytes: [UInt8])] = []
        var p = stackTop &- 8
        func pushString(_ s: String) -> UInt64 {
            let b = Array(s.utf8) + [0]
            p &-= UInt64(b.count)
            writes.append((p, b))
            return p
        }
        let execfnAddress = pushString(execfn)
        let envAddresses = envp.reversed().map(pushString).reversed() as [UInt64]
        let argAddresses = argv.reversed().map(pushString).reversed() as [UInt64]
        p &= ~15
        let platformAddress = pushString(platform)
        p &-= 16
        let randomAddress = p
        writes.append((p, random))

        let aux = auxv.entries(random: randomAddress, execfn: execfnAddress, platform: platformAddress)
        var words: [UInt64] = [UInt64(argv.count)] + argAddresses + [0] + envAddresses + [0]
        for (key, value) in aux { words += [key.rawValue, value] }
        words += [AuxiliaryVector.Key.null.rawValue, 0]
        // create_elf_tables: sp = STACK_ADD(p, ei_index); STACK_ROUND(sp, items), i.e. the whole
        // table rounded down to 16 bytes as one block ending at or below p.
        let rsp = (p &- UInt64(words.count) * 8) & ~15
        var table: [UInt8] = []
        table.reserveCapacity(words.count * 8)
        for w in words { withUnsafeBytes(of: w.littleEndian) { table += $0 } }
        writes.append((rsp, table))

        var bytes = [UInt8](repeating: 0, count: Int(stackTop &- rsp))
        for w in writes {
            let o = Int(w.address &- rsp)
            bytes.replaceSubrange(o..<(o + w.bytes.count), with: w.bytes)
        }
        return (bytes, rsp)
    }
}
