// SPDX-License-Identifier: MIT
// x87 FPU instructions (SDM Vol. 1 Chapter 8). Not yet implemented: every x87 opcode raises #UD.

extension CPU {
    func executeX87(_ i: Inst) -> Bool {
        exception = .ud
        return false
    }
}
