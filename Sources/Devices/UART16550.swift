// SPDX-License-Identifier: MIT
// UART16550: COM1, a 16550A serial port with 16-byte FIFOs at ports 0x3F8–0x3FF. Source of truth:
// the National Semiconductor PC16550D datasheet; transmission completes the instant THR is written.

/// A 16550A UART. Bytes the guest transmits go to ``output``; bytes it receives come from
/// ``input``, asked only when the guest reads RBR or LSR or the run loop calls ``pollInput()``.
public final class UART16550: PortDevice {
    /// COM1's base port.
    public static let base: UInt16 = 0x3F8
    /// COM2's base port.
    public static let com2: UInt16 = 0x2F8
    /// The number of ports the UART decodes.
    public static let portCount: UInt16 = 8

    /// Register offsets from the base port (PC16550D Table II). DLL and DLM replace RBR/THR and
    /// IER while LCR.DLAB (bit 7) is set.
    package enum Register {
        package static let RBR: UInt16 = 0  // Receiver Buffer (read)
        package static let THR: UInt16 = 0  // Transmitter Holding (write)
        package static let DLL: UInt16 = 0  // Divisor Latch, low byte
        package static let IER: UInt16 = 1  // Interrupt Enable
        package static let DLM: UInt16 = 1  // Divisor Latch, high byte
        package static let IIR: UInt16 = 2  // Interrupt Identification (read)
        package static let FCR: UInt16 = 2  // FIFO Control (write)
        package static let LCR: UInt16 = 3  // Line Control
        package static let MCR: UInt16 = 4  // Modem Control
        package static let LSR: UInt16 = 5  // Line Status
        package static let MSR: UInt16 = 6  // Modem Status
        package static let SCR: UInt16 = 7  // Scratch
    }

    /// Receives every byte the guest transmits (outside loopback mode).
    public var output: (UInt8) -> Void
    /// Supplies a received byte, or nil when none is waiting. It must not block.
    public var input: (() -> UInt8?)?

    private var ier: UInt8 = 0
    private var lcr: UInt8 = 0
    private var mcr: UInt8 = 0
    private var scr: UInt8 = 0
    private var divisorLatch: UInt16 = 0x000C  // 9600 baud, as after QEMU's reset
    private var fifoEnabled = false
    private var rx: [UInt8] = []
    private var lastReceived: UInt8 = 0
    private var overrun = false
    /// The THRE interrupt's own latch: set when THR becomes empty (or ETBEI is enabled while
    /// it is), cleared by reading IIR while THRE is the reported source (Table IV).
    private var thrInterruptPending = false
    private var modemDeltas: UInt8 = 0  // MSR bits 3:0

    public init(output: @escaping (UInt8) -> Void = { _ in }, input: (() -> UInt8?)? = nil) {
        self.output = output
        self.input = input
    }

    /// Whether the UART asserts its interrupt output, i.e. IIR does not read "no interrupt".
    public var interruptLine: Bool { pendingInterrupt != IIRID.none }

    /// Moves waiting input into the receiver FIFO until it is full or ``input`` returns nil, so
    /// an interrupt-driven guest sees data without reading LSR first.
    public func pollInput() {
        guard !loopback, let input else { return }
        while rx.count < rxCapacity, let byte = input() { rx.append(byte) }
    }

    // MARK: - PortDevice

    /// The 16550 decodes bytes; a wider access touches consecutive registers, low byte first.
    public func read(port: UInt16, offset: UInt16, size: Int) -> UInt32 {
        var value: UInt32 = 0
        for i in 0..<size { value |= UInt32(readRegister(offset &+ UInt16(i))) << (8 * i) }
        return value
    }

    public func write(port: UInt16, offset: UInt16, size: Int, value: UInt32) {
        for i in 0..<size {
            writeRegister(offset &+ UInt16(i), UInt8(truncatingIfNeeded: value >> (8 * i)))
        }
    }

    // MARK: - Registers

    private var dlab: Bool { lcr & 0x80 != 0 }
    private var loopback: Bool { mcr & MCR.LOOP != 0 }
    private var rxCapacity: Int { fifoEnabled ? 16 : 1 }

    private func readRegister(_ offset: UInt16) -> UInt8 {
        switch offset {
        case Register.RBR: return dlab ? UInt8(truncatingIfNeeded: divisorLatch) : receive()
        case Register.IER: return dlab ? UInt8(divisorLatch >> 8) : ier
        case Register.IIR: return readIIR()
        case Register.LCR: return lcr
        case Register.MCR: return mcr
        case Register.LSR: return readLSR()
        case Register.MSR: return readMSR()
        case Register.SCR: return scr
        default: return 0xFF
        }
    }

    private func writeRegister(_ offset: UInt16, _ value: UInt8) {
        switch offset {
        case Register.THR:
            if dlab { setDivisor(low: value) } else { transmit(value) }
        case Register.IER:
            if dlab { setDivisor(high: value) } else { writeIER(value) }
        case Register.FCR: writeFCR(value)
        case Register.LCR: lcr = value
        case Register.MCR: writeMCR(value)
        case Register.SCR: scr = value
        default: break  // LSR and MSR are status registers; writes are for factory test only
        }
    }

    private func setDivisor(low: UInt8) { divisorLatch = divisorLatch & 0xFF00 | UInt16(low) }
    private func setDivisor(high: UInt8) { divisorLatch = divisorLatch & 0xFF | UInt16(high) << 8 }

    private func transmit(_ byte: UInt8) {
        if loopback { enqueue(byte) } else { output(byte) }
        // Writing THR clears the THRE interrupt, but the byte leaves at once, so THR is empty
        // again and the interrupt re-arms, as it would once a real transmitter shifted it out.
        thrInterruptPending = true
    }

    private func receive() -> UInt8 {
        if rx.isEmpty { pollOne() }
        if !rx.isEmpty { lastReceived = rx.removeFirst() }
        return lastReceived
    }

    private func pollOne() {
        guard !loopback, let byte = input?() else { return }
        enqueue(byte)
    }

    /// Overrun (LSR.OE): a full FIFO keeps its bytes and loses the new one; without FIFOs the
    /// new byte overwrites RBR (PC16550D LSR bit 1). Host input is only taken when there is room.
    private func enqueue(_ byte: UInt8) {
        if rx.count < rxCapacity {
            rx.append(byte)
        } else {
            overrun = true
            if !fifoEnabled { rx[0] = byte }
        }
    }

    private func writeIER(_ value: UInt8) {
        let enabling = value & IER.ETBEI != 0 && ier & IER.ETBEI == 0
        ier = value & 0x0F  // bits 7:4 are always 0
        if enabling { thrInterruptPending = true }  // THR is always empty
    }

    private func writeFCR(_ value: UInt8) {
        let enable = value & 0x01 != 0
        // Changing FCR0 empties both FIFOs (as QEMU does); FCR1 resets the receiver FIFO. FCR2
        // (transmitter FIFO reset) has nothing to clear, and the trigger level (bits 7:6) is
        // not modelled: data interrupts as soon as one byte waits.
        if enable != fifoEnabled || (enable && value & 0x02 != 0) { rx.removeAll() }
        fifoEnabled = enable
    }

    private func writeMCR(_ value: UInt8) {
        let old = modemLines
        mcr = value & 0x1F  // bits 7:5 are always 0
        let new = modemLines
        let changed = old ^ new
        if changed & MSR.CTS != 0 { modemDeltas |= MSR.DCTS }
        if changed & MSR.DSR != 0 { modemDeltas |= MSR.DDSR }
        if old & MSR.RI != 0 && new & MSR.RI == 0 { modemDeltas |= MSR.TERI }
        if changed & MSR.DCD != 0 { modemDeltas |= MSR.DDCD }
    }

    /// MSR bits 7:4. Outside loopback the host end is always ready and never rings; in loopback
    /// DTR drives DSR, RTS drives CTS, OUT1 drives RI and OUT2 drives DCD (MCR bit 4).
    private var modemLines: UInt8 {
        guard loopback else { return MSR.CTS | MSR.DSR | MSR.DCD }
        var lines: UInt8 = 0
        if mcr & MCR.DTR != 0 { lines |= MSR.DSR }
        if mcr & MCR.RTS != 0 { lines |= MSR.CTS }
        if mcr & MCR.OUT1 != 0 { lines |= MSR.RI }
        if mcr & MCR.OUT2 != 0 { lines |= MSR.DCD }
        return lines
    }

    private func readLSR() -> UInt8 {
        if rx.isEmpty { pollOne() }
        var lsr = LSR.THRE | LSR.TEMT  // transmission is instant
        if !rx.isEmpty { lsr |= LSR.DR }
        if overrun { lsr |= LSR.OE }
        overrun = false  // error bits clear when LSR is read
        return lsr
    }

    private func readMSR() -> UInt8 {
        let msr = modemLines | modemDeltas
        modemDeltas = 0
        return msr
    }

    private func readIIR() -> UInt8 {
        let id = pendingInterrupt
        if id == IIRID.thrEmpty { thrInterruptPending = false }
        return id | (fifoEnabled ? 0xC0 : 0)
    }

    /// IIR bits 3:0, highest priority first (PC16550D Table IV).
    private var pendingInterrupt: UInt8 {
        if ier & IER.ELSI != 0 && overrun { return IIRID.lineStatus }
        if ier & IER.ERBFI != 0 && !rx.isEmpty { return IIRID.receivedData }
        if ier & IER.ETBEI != 0 && thrInterruptPending { return IIRID.thrEmpty }
        if ier & IER.EDSSI != 0 && modemDeltas != 0 { return IIRID.modemStatus }
        return IIRID.none
    }
}

// Register bits, in datasheet names.
private enum IER {
    static let ERBFI: UInt8 = 0x01, ETBEI: UInt8 = 0x02, ELSI: UInt8 = 0x04, EDSSI: UInt8 = 0x08
}
private enum IIRID {
    static let none: UInt8 = 0x01, lineStatus: UInt8 = 0x06, receivedData: UInt8 = 0x04
    static let thrEmpty: UInt8 = 0x02, modemStatus: UInt8 = 0x00
}
private enum MCR {
    static let DTR: UInt8 = 0x01, RTS: UInt8 = 0x02, OUT1: UInt8 = 0x04, OUT2: UInt8 = 0x08
    static let LOOP: UInt8 = 0x10
}
private enum LSR {
    static let DR: UInt8 = 0x01, OE: UInt8 = 0x02, THRE: UInt8 = 0x20, TEMT: UInt8 = 0x40
}
private enum MSR {
    static let DCTS: UInt8 = 0x01, DDSR: UInt8 = 0x02, TERI: UInt8 = 0x04, DDCD: UInt8 = 0x08
    static let CTS: UInt8 = 0x10, DSR: UInt8 = 0x20, RI: UInt8 = 0x40, DCD: UInt8 = 0x80
}
