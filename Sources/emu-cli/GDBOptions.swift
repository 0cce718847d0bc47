// SPDX-License-Identifier: MIT
// `--gdb PORT`, `-s`, `--wait-gdb`/`-S` for `emu run` and `emu boot` (QEMU's spelling): the gdb
// remote stub (Sources/Debugger/GDB) between the machine and the hypervisor.
import ArgumentParser
import Debugger
import Foundation
import Machine

struct GDBOptions: ParsableArguments {
    @Option(name: .customLong("gdb"), help: ArgumentHelp("Serve gdb's remote protocol on 127.0.0.1:PORT.", valueName: "PORT"))
    var port: UInt16?
    @Flag(name: .customShort("s"), help: "Shorthand for --gdb 1234.") var defaultPort = false
    @Flag(name: [.customLong("wait-gdb"), .customShort("S")],
          help: "Stop before the first instruction until gdb connects (port 1234 unless --gdb is given).")
    var wait = false

    /// The exit status when the port cannot be bound (sysexits.h EX_OSERR): a test picking a
    /// random port retries on it.
    static let cannotListen: Int32 = 71

    /// Some option asks for the stub.
    var requested: Bool { port != nil || defaultPort || wait }

    /// A listening session if any option asks for one; nil otherwise.
    func session() throws -> GDBSession? {
        guard requested else { return nil }
        let p = port ?? 1234
        do {
            let s = try GDBSession(port: p, waitForGDB: wait)
            FileHandle.standardError.write(
                "emu: gdb stub on 127.0.0.1:\(s.port)\(wait ? ", waiting for gdb" : "")\n".data(using: .utf8)!)
            return s
        } catch {
            FileHandle.standardError.write("emu: \(error)\n".data(using: .utf8)!)
            throw ExitCode(GDBOptions.cannotListen)
        }
    }
}
