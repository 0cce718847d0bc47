// SPDX-License-Identifier: MIT
// Instruction bytes once per instruction, not once per execution. An instruction record carries
// its bytes only if the reader does not already have them: the reader keeps, per PD (of the
// current context) and RIP, the bytes of the last record that carried them
// (docs/trace-format.md). The recorder marks each hook record whose bytes it wrote with a code
// tag (`DecodedInstruction.hookCodeTag`) that stands for the current PD in the current epoch; a
// hook with the current tag needs no bytes. A new epoch (new tags, so every hook writes its bytes
// once more) begins when different bytes are written for a (PD, RIP) that already had some — two
// decoded instructions at one address, after a remap — and when held records
// (`--trace-syscall`) join the file.
import CPUCore

/// A (PD, RIP) pair in the reader's table of instruction bytes.
struct CodeKey: Hashable {
    var pd: UInt32
    var rip: UInt64
}

/// The code-tag state of a recorder.
struct CodeTags {
    /// Not a tag: hooks start with 0, and `none` is the recorder's while it has no tag to give
    /// (before the first context record, after all tags are used); neither is ever a hook's mark.
    static let none: UInt16 = 0xFFFF
    /// Tags of this epoch by PD trace ID.
    var byPD: [UInt32: UInt16] = [:]
    /// The next unused tag.
    var next: UInt16 = 1
    /// Bytes written for each (PD, RIP) in this epoch.
    var written: [CodeKey: (UInt64, UInt64)] = [:]
}

extension TraceRecorder {
    /// The current context's PD changed (a context record was written), or a new epoch began:
    /// `codeTag` becomes that PD's tag in this epoch (`CodeTags.none` once all 65,534 tags are
    /// used up: from then on every record carries its bytes).
    func contextChanged() {
        currentPD = pdOfEC[writtenContext] ?? 0
        if let t = code.byPD[currentPD] { codeTag = t; return }
        guard code.next != CodeTags.none else { codeTag = CodeTags.none; return }
        codeTag = code.next
        code.byPD[currentPD] = code.next
        code.next &+= 1
    }

    /// A record carried the bytes of `hook`'s instruction to the file.
    func codeWritten(_ hook: UnsafePointer<DecodedInstruction>) {
        guard codeTag != CodeTags.none else { return }
        let key = CodeKey(pd: currentPD, rip: hook.pointee.next)
        let bytes = hook.pointee.hookBytes
        if let old = code.written[key], old != bytes { newCodeEpoch() }
        code.written[key] = bytes
        if codeTag != CodeTags.none { UnsafeMutablePointer(mutating: hook).pointee.hookCodeTag = codeTag }
    }

    /// Every hook writes its bytes once more (the reader's table may differ from what hooks
    /// marked with the old tags assume).
    func newCodeEpoch() {
        code.byPD.removeAll()
        code.written.removeAll()
        contextChanged()
    }
}
