// SPDX-License-Identifier: MIT
// One request or response of the native runner: Tests/Native/snippet_state.h (5280 bytes, little
// endian, no padding) mirrored field by field. Emu's harness machine fills the same struct.

struct SnippetState {
    static let size = 5280
    static let dataAddress: UInt64 = 0x1000_0000
    static let codeAddress: UInt64 = 0x2000_0000
    static let pageSize = 4096
    static let maxCode = 256

    // `exception` values that are not vectors (snippet_state.h).
    static let ranToEnd: UInt32 = 0xFFFF_FFFF
    static let timeout: UInt32 = 0xFFFF_FFFE
    static let badRequest: UInt32 = 0xFFFF_FFFD
    /// Emu only: `CPU.run` stopped for a reason no snippet should cause.
    static let unexpectedExit: UInt32 = 0xFFFF_FF00

    // Field offsets (snippet_state.h OFF_*).
    static let offRIP = 128, offRFLAGS = 136, offXMM = 144, offMXCSR = 400, offFXSAVE = 408
    static let offMem = 920, offException = 5016, offCodeLen = 5020, offCode = 5024

    var gpr = [UInt64](repeating: 0, count: 16)
    /// Output: RIP − `codeAddress`.
    var rip: UInt64 = 0
    var rflags: UInt64 = 0x202
    var xmm = [UInt8](repeating: 0, count: 256)
    var mxcsr: UInt32 = 0x1F80
    var fxsave = SnippetState.defaultFXSave
    var mem = [UInt8](repeating: 0, count: SnippetState.pageSize)
    var exception: UInt32 = SnippetState.ranToEnd
    var code: [UInt8] = []

    /// FXSAVE64 image of the reset x87 state (FCW 0x37F, everything empty).
    static let defaultFXSave: [UInt8] = {
        var f = [UInt8](repeating: 0, count: 512)
        f[0] = 0x7F; f[1] = 0x03
        return f
    }()

    init() {}

    /// Writes the wire form into `out` (exactly `size` bytes).
    func encode(into out: UnsafeMutableRawBufferPointer) {
        precondition(out.count >= SnippetState.size && code.count <= SnippetState.maxCode)
        for i in 0..<SnippetState.size { out[i] = 0 }
        for i in 0..<16 { out.storeBytes(of: gpr[i].littleEndian, toByteOffset: 8 * i, as: UInt64.self) }
        out.storeBytes(of: rip.littleEndian, toByteOffset: SnippetState.offRIP, as: UInt64.self)
        out.storeBytes(of: rflags.littleEndian, toByteOffset: SnippetState.offRFLAGS, as: UInt64.self)
        for i in 0..<256 { out[SnippetState.offXMM + i] = xmm[i] }
        out.storeBytes(of: mxcsr.littleEndian, toByteOffset: SnippetState.offMXCSR, as: UInt32.self)
        for i in 0..<512 { out[SnippetState.offFXSAVE + i] = fxsave[i] }
        mem.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[SnippetState.offMem..<(SnippetState.offMem + 4096)]).copyMemory(from: $0) }
        out.storeBytes(of: exception.littleEndian, toByteOffset: SnippetState.offException, as: UInt32.self)
        out.storeBytes(of: UInt32(code.count).littleEndian, toByteOffset: SnippetState.offCodeLen, as: UInt32.self)
        for i in 0..<code.count { out[SnippetState.offCode + i] = code[i] }
    }

    /// Reads the wire form from `raw` (exactly `size` bytes).
    init(decoding raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= SnippetState.size)
        for i in 0..<16 { gpr[i] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
        rip = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: SnippetState.offRIP, as: UInt64.self))
        rflags = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: SnippetState.offRFLAGS, as: UInt64.self))
        xmm = Array(raw[SnippetState.offXMM..<(SnippetState.offXMM + 256)])
        mxcsr = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: SnippetState.offMXCSR, as: UInt32.self))
        fxsave = Array(raw[SnippetState.offFXSAVE..<(SnippetState.offFXSAVE + 512)])
        mem = Array(raw[SnippetState.offMem..<(SnippetState.offMem + 4096)])
        exception = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: SnippetState.offException, as: UInt32.self))
        let n = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: SnippetState.offCodeLen, as: UInt32.self)))
        code = Array(raw[SnippetState.offCode..<(SnippetState.offCode + min(n, SnippetState.maxCode))])
    }
}
