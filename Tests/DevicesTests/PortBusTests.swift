// SPDX-License-Identifier: MIT
// PortBusTests: dispatch, unclaimed-port behaviour and logging of the I/O port bus.

import Testing
import Devices

/// Records every access and answers reads with a fixed value.
private final class Recorder: PortDevice {
    var reads: [(port: UInt16, offset: UInt16, size: Int)] = []
    var writes: [(port: UInt16, offset: UInt16, size: Int, value: UInt32)] = []
    var answer: UInt32 = 0x1234_5678

    func read(port: UInt16, offset: UInt16, size: Int) -> UInt32 {
        reads.append((port, offset, size))
        return answer
    }

    func write(port: UInt16, offset: UInt16, size: Int, value: UInt32) {
        writes.append((port, offset, size, value))
    }
}

@Suite struct PortBusTests {
    @Test(arguments: [(1, 0xFF), (2, 0xFFFF), (4, 0xFFFF_FFFF)] as [(Int, UInt32)])
    func unclaimedReadsAllOnes(size: Int, expected: UInt32) {
        let bus = PortBus()
        #expect(bus.read(port: 0x80, size: size) == expected)
    }

    @Test func unclaimedWritesAreIgnored() {
        let bus = PortBus()
        let device = Recorder()
        bus.register(device, base: 0x60, count: 1)
        bus.write(port: 0x61, size: 1, value: 0xAB)
        bus.write(port: 0xFFFF, size: 4, value: 1)
        #expect(device.writes.isEmpty)
        #expect(bus.read(port: 0x61, size: 1) == 0xFF)
    }

    @Test func unclaimedPortsAreCountedAndLoggedOnce() {
        let bus = PortBus()
        var lines: [String] = []
        bus.log = { lines.append($0) }
        _ = bus.read(port: 0x80, size: 1)
        bus.write(port: 0x80, size: 1, value: 0)
        _ = bus.read(port: 0x80, size: 2)
        bus.write(port: 0x3FC, size: 2, value: 7)
        #expect(bus.unclaimedAccesses == [0x80: 3, 0x3FC: 1])
        #expect(lines == [
            "io: unclaimed read of port 0x80 (size 1)",
            "io: unclaimed write of port 0x3FC (size 2)",
        ])
    }

    @Test func dispatchesWithOffsetFromBase() {
        let bus = PortBus()
        let low = Recorder(), high = Recorder()
        bus.register(low, base: 0x3F8, count: 8)
        bus.register(high, base: 0xFFFC, count: 4)
        #expect(bus.read(port: 0x3FD, size: 1) == 0x78)  // masked to the access size
        bus.write(port: 0x3F8, size: 2, value: 0xBEEF)
        #expect(bus.read(port: 0xFFFF, size: 4) == 0x1234_5678)
        #expect(low.reads.map(\.offset) == [5])
        #expect(low.reads.map(\.port) == [0x3FD])
        #expect(low.writes.map(\.offset) == [0])
        #expect(low.writes.map(\.value) == [0xBEEF])
        #expect(low.writes.map(\.size) == [2])
        #expect(high.reads.map(\.offset) == [3])
        #expect(high.reads.map(\.size) == [4])
        #expect(bus.unclaimedAccesses.isEmpty)
    }

    @Test func writesAreMaskedToTheAccessSize() {
        let bus = PortBus()
        let device = Recorder()
        bus.register(device, base: 0x70, count: 2)
        bus.write(port: 0x71, size: 1, value: 0x1FF)
        #expect(device.writes.map(\.value) == [0xFF])
        #expect(device.writes.map(\.offset) == [1])
    }
}
