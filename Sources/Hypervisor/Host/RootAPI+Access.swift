// SPDX-License-Identifier: MIT
// What a Swift roottask does with ordinary instructions in a guest-code roottask: read and write
// memory mapped in its own PD, and IN/OUT to ports its PD holds. Both go through the PD's real
// state — its page tables (present, U, R/W as the MMU would check them at CPL 3) and its I/O
// bitmap — so a host EC can touch exactly what a guest EC of the same PD could (DESIGN.md §5:
// the roottask reaches a process's memory only through frames it mapped for itself).

extension RootAPI {
    /// The host pointer of `count` bytes at `address` in the host EC's PD, if every byte is
    /// mapped there (and writable for `write`); the range may not cross a page.
    func pagePointer(_ address: UInt64, write: Bool) -> UnsafeMutableRawPointer? {
        guard let memory = ec.pd.memory, let m = memory.lookup(page: address >> 12), m.user,
              m.permissions.contains(.read), !write || m.permissions.contains(.write) else { return nil }
        return hypervisor.ram.pointer((m.frame << 12) | (address & 0xFFF))
    }

    /// Copies `count` bytes at `address` of the host EC's address space; nil if any page is not
    /// mapped readable (as a guest's load would fault).
    public func read(_ address: UInt64, count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { dst -> Bool in
            forEachPagePiece(address, count: count) { a, done, n in
                guard let p = pagePointer(a, write: false) else { return false }
                (dst.baseAddress! + done).copyMemory(from: p, byteCount: n)
                return true
            } == count
        }
        return ok ? out : nil
    }

    /// Writes `bytes` at `address` of the host EC's address space; false (nothing written
    /// after the first unwritable page) if a page is not mapped writable. The write goes through
    /// the MMU's physical-write path, so decoded code of a rewritten frame is dropped (a frame
    /// the roottask reuses for another program must not run the old program's decoded blocks).
    @discardableResult
    public func write(_ address: UInt64, _ bytes: [UInt8]) -> Bool {
        forEachPagePiece(address, count: bytes.count) { a, done, n in
            guard let memory = ec.pd.memory, let m = memory.lookup(page: a >> 12), m.user,
                  m.permissions.contains(.write) else { return false }
            return hypervisor.cpu.mmu.writePhysical((m.frame << 12) | (a & 0xFFF), bytes: Array(bytes[done ..< done + n]))
        } == bytes.count
    }

    /// A little-endian integer at `address`, if readable.
    public func load<T: FixedWidthInteger>(_ address: UInt64, as: T.Type = T.self) -> T? {
        guard let b = read(address, count: MemoryLayout<T>.size) else { return nil }
        return b.withUnsafeBytes { $0.loadUnaligned(as: T.self) }
    }

    /// OUT: writes `value` to `port` if the host EC's PD holds the port (its I/O bitmap), as OUT
    /// at CPL 3 would; false otherwise (a guest would take #GP).
    @discardableResult
    public func portWrite(_ port: UInt16, _ value: UInt32, size: Int = 1) -> Bool {
        guard let ports = ec.pd.ports, (0..<size).allSatisfy({ ports.isAllowed(port &+ UInt16($0)) }),
              let io = hypervisor.cpu.io else { return false }
        io.portWrite(port, size: size, value: value)
        return true
    }

    /// IN: reads `port` if the host EC's PD holds it; nil otherwise.
    public func portRead(_ port: UInt16, size: Int = 1) -> UInt32? {
        guard let ports = ec.pd.ports, (0..<size).allSatisfy({ ports.isAllowed(port &+ UInt16($0)) }),
              let io = hypervisor.cpu.io else { return nil }
        return io.portRead(port, size: size)
    }

    /// The virtual TSC (what RDTSC returns to the host EC's PD).
    public var tsc: UInt64 { hypervisor.cpu.tsc }
}
