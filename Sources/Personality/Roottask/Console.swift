// SPDX-License-Identifier: MIT
// The console service: programs' stdout and stderr go to the UARTs by port I/O from the roottask
// (COM1 → the host's stdout, COM2 → the host's stderr), so the serial devices really carry them;
// debugcon (port 0xE9) mirrors both as the thesis's roottask did when `mirror` is set. A 16550 is
// written by polling LSR bit 5 (THR empty) and writing THR (PC16550D data sheet, §8.4).
import Hypervisor

final class Console {
    static let com1: UInt16 = 0x3F8, com2: UInt16 = 0x2F8, debugcon: UInt16 = 0xE9
    let api: RootAPI
    let mirrorToDebugcon: Bool
    /// Host standard input for reads from the console (fd 0): nil at end of input.
    let input: () -> [UInt8]?
    /// Whether `input` would return without blocking (data or end of input), waiting up to
    /// this many milliseconds (-1: until it would): poll(2)/select(2) on the console.
    let inputReady: (Int32) -> Bool

    init(api: RootAPI, mirrorToDebugcon: Bool, input: @escaping () -> [UInt8]?,
         inputReady: @escaping (Int32) -> Bool = { _ in true }) {
        self.api = api
        self.mirrorToDebugcon = mirrorToDebugcon
        self.input = input
        self.inputReady = inputReady
    }

    /// Writes `bytes` to the UART at `base`; false if the roottask does not hold its ports.
    @discardableResult
    func write(_ bytes: [UInt8], uart base: UInt16) -> Bool {
        for b in bytes {
            var spins = 0
            while let lsr = api.portRead(base + 5), lsr & 0x20 == 0, spins < 1000 { spins += 1 }
            guard api.portWrite(base, UInt32(b)) else { return false }
            if mirrorToDebugcon { api.portWrite(Console.debugcon, UInt32(b)) }
        }
        return true
    }
}

/// stdin, stdout or stderr on the console.
final class ConsoleFile: FileObject {
    let console: Console
    let uart: UInt16?
    init(console: Console, uart: UInt16?) {
        self.console = console
        self.uart = uart
    }

    func readBytes(count: Int) -> Result<[UInt8], Errno> {
        guard uart == nil else { return .failure(.EBADF) }
        guard count > 0 else { return .success([]) }
        guard let bytes = console.input() else { return .success([]) }
        return .success(Array(bytes.prefix(count)))
    }

    func writeBytes(_ bytes: [UInt8]) -> Result<Int, Errno> {
        guard let uart else { return .failure(.EBADF) }
        return console.write(bytes, uart: uart) ? .success(bytes.count) : .failure(.EIO)
    }

    var isTerminal: Bool { true }
    var describe: String { "/dev/console" }
}
