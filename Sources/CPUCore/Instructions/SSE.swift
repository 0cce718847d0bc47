// SPDX-License-Identifier: MIT
// SSE, SSE2 and MMX instructions (SDM Vol. 1 Chapters 9–11). Not yet implemented: #UD.

extension CPU {
    func executeSSE(_ i: Inst) -> Bool {
        exception = .ud
        return false
    }

    func executeMMX(_ i: Inst) -> Bool {
        exception = .ud
        return false
    }
}
