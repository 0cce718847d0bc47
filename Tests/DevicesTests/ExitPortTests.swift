// SPDX-License-Identifier: MIT
// ExitPortTests: QEMU isa-debug-exit semantics, status (v << 1) | 1, through the port bus.

import Testing
import Devices

@Suite struct ExitPortTests {
    @Test(arguments: [
        (0x10, 1, 0x21, 33),  // the test kernels' success
        (0x11, 1, 0x23, 35),  // and failure
        (0x00, 1, 0x01, 1),
        (0x7F, 2, 0xFF, 255),
        (0x80, 1, 0x101, 1),  // a process exit keeps only the low 8 bits
        (0x1234, 2, 0x2469, 0x69),
        (0xFFFF_FFFF, 4, 0xFFFF_FFFF, 255),
    ] as [(UInt32, Int, UInt32, Int32)])
    func writeRequestsExit(value: UInt32, size: Int, requested: UInt32, status: Int32) {
        let bus = PortBus()
        var reported: [Int32] = []
        let exit = ExitPort { reported.append($0) }
        bus.register(exit, base: ExitPort.base, count: ExitPort.portCount)
        #expect(exit.exitStatus == nil)
        bus.write(port: 0xF4, size: size, value: value)
        #expect(exit.requestedValue == requested)
        #expect(exit.exitStatus == status)
        #expect(reported == [status])
        #expect(status & 1 == 1)
    }

    @Test func readsReturnAllOnes() {
        let bus = PortBus()
        let exit = ExitPort()
        bus.register(exit, base: ExitPort.base, count: ExitPort.portCount)
        #expect(bus.read(port: 0xF4, size: 1) == 0xFF)
        #expect(bus.read(port: 0xF4, size: 4) == 0xFFFF_FFFF)
        #expect(exit.requestedValue == nil)
    }
}
