// SPDX-License-Identifier: MIT
// The machine: RAM, one CPU, the port bus with UART, debugcon and the exit port, and a
// supervisor receiving the CPU's exits (DESIGN.md §2). Composition only; no instruction or
// syscall semantics live here.
import CPUCore
import Devices
import Foundation
import Glibc
import MMU

public final class Machine {
    public let configuration: Configuration
    public let ram: PhysicalMemory
    public let mmu: MMU
    public let cpu: CPU
    public let bus: PortBus
    public let uart: UART16550
    /// COM2 at 0x2F8 (the roottask sends programs' stderr there).
    public let uart2: UART16550
    public let debugcon: Debugcon
    public let exitPort: ExitPort
    public var supervisor: Supervisor
    let portAdapter: PortBusAdapter
    var sinks: [FileSink] = []

    public init(configuration: Configuration, supervisor: Supervisor = BareMetalSupervisor()) throws(ELFError) {
        self.configuration = configuration
        guard let ram = PhysicalMemory(size: configuration.memory) else {
            throw ELFError("cannot allocate \(configuration.memory) bytes of guest memory")
        }
        self.ram = ram
        mmu = MMU(ram: ram)
        cpu = CPU(mmu: mmu)
        bus = PortBus()
        uart = UART16550()
        uart2 = UART16550()
        debugcon = Debugcon()
        exitPort = ExitPort()
        self.supervisor = supervisor
        portAdapter = PortBusAdapter(bus: bus)
        cpu.io = portAdapter
        bus.register(uart, base: UART16550.base, count: UART16550.portCount)
        bus.register(uart2, base: UART16550.com2, count: UART16550.portCount)
        bus.register(debugcon, base: Debugcon.base, count: Debugcon.portCount)
        bus.register(exitPort, base: ExitPort.base, count: ExitPort.portCount)
        exitPort.onExit = { [unowned cpu] _ in cpu.stopRequested = true }
        uart.output = try sink(configuration.serial)
        uart2.output = try sink(configuration.serial2)
        debugcon.output = try sink(configuration.debugcon)
        uart.input = { readStdinByte() }
        bus.log = { line in FileHandle.standardError.write(Data(("emu: " + line + "\n").utf8)) }
    }

    func sink(_ o: Configuration.Output) throws(ELFError) -> (UInt8) -> Void {
        switch o {
        case .none: return { _ in }
        case .stdout, .stderr:
            let s = FileSink(fileDescriptor: o == .stdout ? 1 : 2)
            sinks.append(s)
            return { s.write($0) }
        case .file(let path):
            do {
                let s = try FileSink(path: path)
                sinks.append(s)
                return { s.write($0) }
            } catch {
                throw ELFError("cannot open \(path): \(error)")
            }
        }
    }

    /// A status the machine's software asked to end the run with (`requestStop`), if any.
    public private(set) var requestedStatus: Int32?

    /// Ends the run with `status` at the next instruction boundary: how a roottask composed into
    /// the machine reports its init program's exit status (any value, unlike the exit port's odd
    /// ones).
    public func requestStop(status: Int32) {
        requestedStatus = status
        cpu.stopRequested = true
    }

    /// The status the run ends with if it stops now: a requested one, else the exit port's.
    public var stopStatus: Int32? { requestedStatus ?? exitPort.exitStatus }

    /// Flushes every output sink (serial, debugcon).
    public func flushOutput() { for s in sinks { s.flush() } }
}

/// Connects the CPU's port I/O to the device bus.
final class PortBusAdapter: PortIO {
    let bus: PortBus
    init(bus: PortBus) { self.bus = bus }
    func portRead(_ port: UInt16, size: Int) -> UInt32 { bus.read(port: port, size: size) }
    func portWrite(_ port: UInt16, size: Int, value: UInt32) { bus.write(port: port, size: size, value: value) }
}

/// Reads one byte from host stdin without blocking; nil when nothing is ready.
func readStdinByte() -> UInt8? {
    var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
    guard poll(&fds, 1, 0) > 0, fds.revents & Int16(POLLIN) != 0 else { return nil }
    var b: UInt8 = 0
    return read(0, &b, 1) == 1 ? b : nil
}
