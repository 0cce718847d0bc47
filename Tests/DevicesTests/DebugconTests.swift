// SPDX-License-Identifier: MIT
// DebugconTests: the port 0xE9 debug console through the port bus.

import Testing
import Devices

@Suite struct DebugconTests {
    @Test func writesGoToOutput() {
        let bus = PortBus()
        var bytes: [UInt8] = []
        let debugcon = Debugcon { bytes.append($0) }
        bus.register(debugcon, base: Debugcon.base, count: Debugcon.portCount)
        for byte in "hi\n".utf8 { bus.write(port: 0xE9, size: 1, value: UInt32(byte)) }
        bus.write(port: 0xE9, size: 2, value: 0x4121)  // only the low byte, like QEMU
        #expect(bytes == Array("hi\n!".utf8))
    }

    @Test(arguments: [1, 2, 4])
    func readsReturnE9(size: Int) {
        let bus = PortBus()
        bus.register(Debugcon(), base: Debugcon.base, count: Debugcon.portCount)
        #expect(bus.read(port: 0xE9, size: size) == 0xE9)
    }
}
