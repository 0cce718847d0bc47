// SPDX-License-Identifier: MIT
// UART16550Tests: the 16550A registers as a guest driver sees them through the port bus,
// checked against the PC16550D datasheet's register and interrupt tables.

import Testing
import Devices

private typealias R = UART16550.Register

/// COM1 on a bus, with its output recorded and its input fed from a queue.
private final class COM1 {
    let bus = PortBus()
    let uart = UART16550()
    var sent: [UInt8] = []
    var pending: [UInt8] = []
    var polls = 0

    init(input: String = "") {
        pending = Array(input.utf8)
        uart.output = { [unowned self] in sent.append($0) }
        uart.input = { [unowned self] in
            polls += 1
            return pending.isEmpty ? nil : pending.removeFirst()
        }
        bus.register(uart, base: UART16550.base, count: UART16550.portCount)
    }

    func outb(_ register: UInt16, _ value: UInt8) {
        bus.write(port: 0x3F8 + register, size: 1, value: UInt32(value))
    }

    func inb(_ register: UInt16) -> UInt8 {
        UInt8(bus.read(port: 0x3F8 + register, size: 1))
    }
}

@Suite struct UART16550Tests {
    @Test func divisorLatchRoundTrip() {
        let com = COM1()
        com.outb(R.IER, 0x05)
        com.outb(R.LCR, 0x80)  // DLAB
        com.outb(R.DLL, 0x01)  // 115200 baud
        com.outb(R.DLM, 0x02)
        #expect(com.inb(R.DLL) == 0x01)
        #expect(com.inb(R.DLM) == 0x02)
        #expect(com.sent.isEmpty)  // DLL is not THR
        com.outb(R.LCR, 0x03)  // 8N1, DLAB off
        #expect(com.inb(R.IER) == 0x05)  // IER was not overwritten by DLM
        com.outb(R.LCR, 0x83)
        #expect(com.inb(R.DLL) == 0x01)
        #expect(com.inb(R.DLM) == 0x02)
    }

    @Test func divisorResetsToNineSixHundredBaud() {
        let com = COM1()
        com.outb(R.LCR, 0x80)
        #expect(com.inb(R.DLL) == 0x0C)
        #expect(com.inb(R.DLM) == 0x00)
    }

    @Test(arguments: [0x00, 0x03, 0x1B, 0x7F, 0xFF] as [UInt8])
    func lcrAndScratchRoundTrip(value: UInt8) {
        let com = COM1()
        com.outb(R.LCR, value)
        com.outb(R.SCR, ~value)
        #expect(com.inb(R.LCR) == value)
        #expect(com.inb(R.SCR) == ~value)
    }

    @Test func onlyLowFourIERBitsAreWritable() {
        let com = COM1()
        com.outb(R.IER, 0xFF)
        #expect(com.inb(R.IER) == 0x0F)
    }

    @Test func mcrKeepsItsFiveBits() {
        let com = COM1()
        com.outb(R.MCR, 0xEB)
        #expect(com.inb(R.MCR) == 0x0B)
    }

    @Test func thrBytesGoToOutput() {
        let com = COM1()
        for byte in "OK\n".utf8 { com.outb(R.THR, byte) }
        #expect(com.sent == Array("OK\n".utf8))
        #expect(com.polls == 0)
    }

    @Test func lsrShowsTransmitterAlwaysEmpty() {
        let com = COM1()
        #expect(com.inb(R.LSR) == 0x60)  // THRE | TEMT
        com.outb(R.THR, 0x41)
        #expect(com.inb(R.LSR) == 0x60)
    }

    @Test func receiveThroughInputSetsDR() {
        let com = COM1(input: "ab")
        #expect(com.polls == 0)  // input is only asked when the guest reads
        #expect(com.inb(R.LSR) == 0x61)  // DR
        #expect(com.inb(R.LSR) == 0x61)  // still the same byte waiting
        #expect(com.polls == 1)
        #expect(com.inb(R.RBR) == UInt8(ascii: "a"))
        #expect(com.inb(R.LSR) == 0x61)
        #expect(com.inb(R.RBR) == UInt8(ascii: "b"))
        #expect(com.inb(R.LSR) == 0x60)
        #expect(com.inb(R.RBR) == UInt8(ascii: "b"))  // an empty RBR repeats its last byte
    }

    @Test func noInputClosureMeansNoData() {
        let uart = UART16550()
        #expect(uart.read(port: 0x3FD, offset: R.LSR, size: 1) == 0x60)
    }

    @Test func thrEmptyInterruptClearsOnIIRRead() {
        let com = COM1()
        #expect(com.inb(R.IIR) == 0x01)
        com.outb(R.IER, 0x02)  // ETBEI: THR is empty, so the interrupt is raised at once
        #expect(com.uart.interruptLine)
        #expect(com.inb(R.IIR) == 0x02)
        #expect(com.inb(R.IIR) == 0x01)  // reading IIR cleared it
        #expect(!com.uart.interruptLine)
        com.outb(R.THR, 0x41)  // clears it, and the instant transmission empties THR again
        #expect(com.inb(R.IIR) == 0x02)
        com.outb(R.IER, 0x00)
        com.outb(R.IER, 0x02)  // enabling ETBEI again re-arms it too
        #expect(com.inb(R.IIR) == 0x02)
    }

    @Test func receivedDataOutranksTHREmpty() {
        let com = COM1(input: "x")
        com.outb(R.IER, 0x03)  // ERBFI | ETBEI
        #expect(com.inb(R.LSR) & 0x01 == 0x01)
        #expect(com.inb(R.IIR) == 0x04)  // received data available
        #expect(com.inb(R.IIR) == 0x04)  // reading IIR does not clear it; reading RBR does
        #expect(com.inb(R.RBR) == UInt8(ascii: "x"))
        #expect(com.inb(R.IIR) == 0x02)  // THRE was not cleared while outranked
        #expect(com.inb(R.IIR) == 0x01)
    }

    @Test func pollInputFillsTheReceiverForInterruptDrivenGuests() {
        let com = COM1(input: String(repeating: "z", count: 20))
        com.outb(R.IER, 0x01)
        #expect(!com.uart.interruptLine)
        com.uart.pollInput()
        #expect(com.uart.interruptLine)
        #expect(com.pending.count == 19)  // one holding register without FIFOs
        com.outb(R.FCR, 0x01)
        com.uart.pollInput()
        #expect(com.pending.count == 3)  // sixteen with them
    }

    @Test func fcrEnablesFIFOsInIIR() {
        let com = COM1()
        com.outb(R.FCR, 0xC7)  // enable, clear both, trigger level 14
        #expect(com.inb(R.IIR) == 0xC1)
        com.outb(R.IER, 0x02)
        #expect(com.inb(R.IIR) == 0xC2)
        com.outb(R.FCR, 0x00)
        #expect(com.inb(R.IIR) == 0x01)
    }

    @Test func fcrClearsTheReceiverFIFO() {
        let com = COM1()
        com.outb(R.FCR, 0x01)
        com.outb(R.MCR, 0x10)
        com.outb(R.THR, 1)
        com.outb(R.THR, 2)
        com.outb(R.FCR, 0x01)  // no reset bit: kept
        #expect(com.inb(R.LSR) & 0x01 == 0x01)
        com.outb(R.FCR, 0x03)  // RCVR FIFO reset
        #expect(com.inb(R.LSR) == 0x60)
    }

    @Test func loopbackReceivesTransmittedBytes() {
        let com = COM1(input: "host")
        com.outb(R.FCR, 0x01)
        com.outb(R.MCR, 0x10)
        for byte in "ping".utf8 { com.outb(R.THR, byte) }
        #expect(com.sent.isEmpty)
        var echoed: [UInt8] = []
        while com.inb(R.LSR) & 0x01 != 0 { echoed.append(com.inb(R.RBR)) }
        #expect(echoed == Array("ping".utf8))
        #expect(com.polls == 0)  // the receiver is disconnected from the host in loopback
        com.outb(R.MCR, 0x00)
        com.outb(R.THR, 0x21)
        #expect(com.sent == [0x21])
    }

    @Test func loopbackOverrunWithoutFIFOsKeepsTheNewByte() {
        let com = COM1()
        com.outb(R.MCR, 0x10)
        com.outb(R.THR, 1)
        com.outb(R.THR, 2)
        #expect(com.inb(R.LSR) == 0x63)  // DR | OE
        #expect(com.inb(R.LSR) == 0x61)  // OE clears on read
        #expect(com.inb(R.RBR) == 2)
    }

    @Test func loopbackOverrunWithFIFOsKeepsTheFirstSixteen() {
        let com = COM1()
        com.outb(R.FCR, 0x01)
        com.outb(R.MCR, 0x10)
        com.outb(R.IER, 0x04)  // ELSI
        for byte in 0..<17 as Range<UInt8> { com.outb(R.THR, byte) }
        #expect(com.inb(R.IIR) == 0xC6)  // receiver line status
        var received: [UInt8] = []
        while com.inb(R.LSR) & 0x01 != 0 { received.append(com.inb(R.RBR)) }
        #expect(received == Array(0..<16))
    }

    @Test func msrReflectsMCRInLoopback() {
        let com = COM1()
        #expect(com.inb(R.MSR) == 0xB0)  // DCD | DSR | CTS, no deltas
        com.outb(R.MCR, 0x10)  // loopback with every modem output off
        #expect(com.inb(R.MSR) == 0x0B)  // DDCD | DDSR | DCTS
        #expect(com.inb(R.MSR) == 0x00)  // deltas clear on read
        com.outb(R.MCR, 0x1F)  // DTR RTS OUT1 OUT2 → DSR CTS RI DCD
        #expect(com.inb(R.MSR) == 0xFB)  // RI rose: no TERI
        com.outb(R.MCR, 0x1B)  // OUT1 off: RI falls
        #expect(com.inb(R.MSR) == 0xB4)  // TERI
        com.outb(R.MCR, 0x11)  // DTR only
        #expect(com.inb(R.MSR) == 0x29)  // DSR, DDCD | DCTS
        com.outb(R.MCR, 0x00)
        #expect(com.inb(R.MSR) == 0xB9)
    }

    @Test func modemStatusInterruptHasLowestPriority() {
        let com = COM1()
        com.outb(R.IER, 0x0A)  // EDSSI | ETBEI
        com.outb(R.MCR, 0x10)
        #expect(com.inb(R.IIR) == 0x02)
        #expect(com.inb(R.IIR) == 0x00)  // modem status
        #expect(com.uart.interruptLine)
        _ = com.inb(R.MSR)
        #expect(com.inb(R.IIR) == 0x01)
    }

    @Test func wideAccessesTouchConsecutiveRegisters() {
        let com = COM1()
        com.outb(R.LCR, 0x03)
        com.outb(R.MCR, 0x0B)
        #expect(com.bus.read(port: 0x3FB, size: 2) == 0x0B03)
        com.bus.write(port: 0x3FE, size: 2, value: 0x5A00)  // MSR ignores, SCR takes 0x5A
        #expect(com.inb(R.SCR) == 0x5A)
        #expect(com.bus.read(port: 0x3FF, size: 2) == 0xFF5A)  // past the UART floats high
    }
}
