// SPDX-License-Identifier: MIT
// `emu boot kernel.elf` as a function tests can call: read the file, build the machine, run it,
// and map every outcome to the documented exit status (docs/boot-protocol.md).
import Foundation

public enum KernelBoot {
    /// Boots the kernel at `path`. Never traps: bad input becomes a status and a report line.
    /// `prepare` sees the machine before it runs (a trace recorder attaches there).
    public static func run(path: String, configuration: Configuration, prepare: ((Machine) -> Void)? = nil) -> RunResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            return RunResult(status: ExitStatus.noInput, report: "emu: cannot read \(path)", instructions: 0)
        }
        do {
            let machine = try Machine(configuration: configuration)
            try machine.loadKernel([UInt8](data))
            prepare?(machine)
            return machine.run()
        } catch {
            return RunResult(status: ExitStatus.badInput, report: "emu: \(path): \(error.message)", instructions: 0)
        }
    }
}
