// SPDX-License-Identifier: MIT
// The x87/SSE state a host EC was lent. A portal whose MTD has FPU (bit 31) lends the sender's
// FPU state to the handler for the duration of the message (phip1611/hedron src/syscall.cpp
// `recv_kern` → `Ec::transfer_fpu`, back at `sys_reply`); a guest-code handler then reads and
// changes it with FXSAVE/FXRSTOR. A host EC has no instructions, so these two calls are its
// FXSAVE and FXRSTOR: they act on the lent state where it lies (in the CPU if the sender owns
// it, else in the sender's saved state), so lending costs nothing on the forwarding path.
import CPUCore

extension RootAPI {
    /// FXSAVE for the host EC: the 512-byte image (SDM Vol. 1 §10.5.1) of the x87/SSE state it
    /// was lent by the message it is handling; bytes 464–511 are zero. Nil if it holds none (the
    /// portal's MTD has no FPU, or it is not handling a message).
    public func fxsave() -> [UInt8]? {
        guard let lender = ec.fpuLender?.takeUnretainedValue() else { return nil }
        var image = [UInt8](repeating: 0, count: FXSAVEImage.size)
        if hypervisor.fpuOwner === lender {
            image.withUnsafeMutableBytes { hypervisor.cpu.saveFPUImage(into: $0.baseAddress!) }
        } else {
            image.replaceSubrange(0 ..< 464, with: lender.state.fpu.bytes[0 ..< 464])
        }
        return image
    }

    /// FXRSTOR for the host EC: loads `image` (512 bytes) into the lent x87/SSE state. False,
    /// changing nothing, if it holds none, the image is not 512 bytes, or MXCSR has reserved bits
    /// set (FXRSTOR's #GP(0)).
    @discardableResult
    public func fxrstor(_ image: [UInt8]) -> Bool {
        guard let lender = ec.fpuLender?.takeUnretainedValue(), image.count == FXSAVEImage.size else { return false }
        let mxcsr = UInt32(image[24]) | UInt32(image[25]) << 8 | UInt32(image[26]) << 16 | UInt32(image[27]) << 24
        guard mxcsr & ~SSEState.mxcsrMask == 0 else { return false }
        if hypervisor.fpuOwner === lender {
            return image.withUnsafeBytes { hypervisor.cpu.restoreFPUImage(from: $0.baseAddress!) }
        }
        lender.state.fpu.bytes.replaceSubrange(0 ..< 464, with: image[0 ..< 464])
        return true
    }
}
