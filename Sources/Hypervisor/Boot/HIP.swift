// SPDX-License-Identifier: MIT
// The hypervisor information page handed to the roottask, at the fork's layout (with
// `serial_port` at 0x88). Hedron: include/hip.hpp, src/hip.cpp (`Hip::build`, `Hip::finalize`);
// thesis digest §2.9.
import MMU

/// Hypervisor information page (HIP, `Hip`): the machine as the roottask learns it, one page
/// mapped read-only at `address`.
public enum HIP {
    /// "NOVA", little-endian (`signature`).
    public static let signature: UInt32 = 0x4156_4F4E
    /// `CFG_VER` (include/config.hpp); the fork kept it although it moved `cpu_desc`.
    public static let apiVersion: UInt32 = 5004
    /// emu's TSC frequency in kHz: the virtual TSC advances one tick per retired instruction and
    /// is defined to run at 1 GHz, so `freq_tsc` = 1,000,000 kHz.
    public static let tscFrequencyKHz: UInt32 = 1_000_000
    /// Where the roottask finds the HIP: `USER_ADDR − 4 KiB` (digest §2.10).
    public static let address: UInt64 = 0x7FFF_FFFF_E000
    /// CPU descriptors in the page (`NUM_CPU`).
    public static let cpuSlots = 64
    /// I/O APIC descriptors in the page (`NUM_IOAPIC`).
    public static let ioapicSlots = 9
    /// Memory descriptors that fit after 0xD20 in one page: 30.
    public static let memorySlots = Int((4096 - Offset.memDesc) / 24)

    /// Field offsets (the declarations of include/hip.hpp; `Acpi_gas` is packed, 12 bytes).
    public enum Offset {
        public static let signature: UInt64 = 0x00
        public static let checksum: UInt64 = 0x04
        public static let length: UInt64 = 0x06
        public static let cpuOffs: UInt64 = 0x08
        public static let cpuSize: UInt64 = 0x0A
        public static let ioapicOffs: UInt64 = 0x0C
        public static let ioapicSize: UInt64 = 0x0E
        public static let memOffs: UInt64 = 0x10
        public static let memSize: UInt64 = 0x12
        public static let apiFlg: UInt64 = 0x14
        public static let apiVer: UInt64 = 0x18
        public static let selNum: UInt64 = 0x1C
        public static let selExc: UInt64 = 0x20
        public static let selVmi: UInt64 = 0x24
        public static let selGsi: UInt64 = 0x28
        public static let cfgPage: UInt64 = 0x2C
        public static let cfgUtcb: UInt64 = 0x30
        public static let freqTsc: UInt64 = 0x34
        public static let freqBus: UInt64 = 0x38
        public static let pciBusStart: UInt64 = 0x3C
        public static let mcfgBase: UInt64 = 0x40
        public static let mcfgSize: UInt64 = 0x48
        public static let dmarTable: UInt64 = 0x50
        public static let hpetBase: UInt64 = 0x58
        public static let capVmxSecExec: UInt64 = 0x60
        public static let xsdtRdstTable: UInt64 = 0x68
        public static let pm1aCnt: UInt64 = 0x70
        public static let pm1bCnt: UInt64 = 0x7C
        public static let serialPort: UInt64 = 0x88
        /// `cpu_desc[64]`, 48 bytes each: flags, thread, core, package, acpi_id, 3 reserved,
        /// then `lapic_info` (10 × u32: id, version, svr, reserved, lvt timer, lint0, lint1,
        /// error, perfm, therm).
        public static let cpuDesc: UInt64 = 0x90
        /// `ioapic_desc[9]`, 16 bytes each: id, version, gsi_base, base.
        public static let ioapicDesc: UInt64 = 0xC90
        /// `mem_desc[]`, 24 bytes each: u64 addr, u64 size, u32 type, u32 aux.
        public static let memDesc: UInt64 = 0xD20
    }

    /// A memory descriptor (`Hip_mem`).
    public struct MemoryDescriptor: Hashable, Sendable {
        /// E820 "available RAM".
        public static let available: UInt32 = 1
        /// E820 "reserved".
        public static let reserved: UInt32 = 2
        /// `MB_MODULE` (−2): a boot module; `aux` is the physical address of its command line.
        public static let module: UInt32 = 0xFFFF_FFFE
        /// `HYPERVISOR` (−1): memory the hypervisor keeps.
        public static let hypervisor: UInt32 = 0xFFFF_FFFF

        public var address: UInt64
        public var size: UInt64
        public var type: UInt32
        public var aux: UInt32

        public init(address: UInt64, size: UInt64, type: UInt32, aux: UInt32 = 0) {
            self.address = address; self.size = size; self.type = type; self.aux = aux
        }

        /// An E820 RAM entry.
        public static func ram(address: UInt64, size: UInt64) -> MemoryDescriptor {
            MemoryDescriptor(address: address, size: size, type: available)
        }

        /// A boot module whose NUL-terminated command line is at physical `commandLine`
        /// (0 = none).
        public static func module(address: UInt64, size: UInt64, commandLine: UInt32) -> MemoryDescriptor {
            MemoryDescriptor(address: address, size: size, type: module, aux: commandLine)
        }

        /// The hypervisor region (`add_mhv`).
        public static func hypervisorRegion(address: UInt64, size: UInt64) -> MemoryDescriptor {
            MemoryDescriptor(address: address, size: size, type: hypervisor)
        }
    }

    /// Writes a HIP into the page at physical `page` (`Hip::build` + `Hip::finalize`): one online
    /// CPU (LAPIC id 0), no I/O APIC, IOMMU, VMX or SVM, no ACPI tables, `freq_tsc` =
    /// `tscFrequencyKHz`, and `memory` in the order given (Hedron lists E820 entries, then
    /// modules, then the hypervisor region). The checksum is computed last. BAD_PAR if the
    /// page is not in RAM or more than `memorySlots` descriptors are given.
    public static func build(in ram: PhysicalMemory, page: UInt64, memory: [MemoryDescriptor],
                             serialPort: UInt16 = 0x3F8) throws(Status) {
        guard page & 0xFFF == 0, ram.contains(page, length: 4096), memory.count <= memorySlots else {
            throw .badParameter
        }
        ram.zero(page, length: 4096)
        func w<T: FixedWidthInteger>(_ offset: UInt64, _ value: T) { ram.write(page + offset, value) }
        w(Offset.signature, signature)
        w(Offset.cpuOffs, UInt16(Offset.cpuDesc))
        w(Offset.cpuSize, UInt16(48))
        w(Offset.ioapicOffs, UInt16(Offset.ioapicDesc))
        w(Offset.ioapicSize, UInt16(16))
        w(Offset.memOffs, UInt16(Offset.memDesc))
        w(Offset.memSize, UInt16(24))
        w(Offset.apiFlg, UInt32(0))
        w(Offset.apiVer, apiVersion)
        w(Offset.selNum, UInt32(ObjectSpace.selectorCount))
        w(Offset.selExc, UInt32(ExecutionContext.eventCount))
        w(Offset.selVmi, UInt32(256))                // NUM_VMI
        w(Offset.selGsi, UInt32(192))                // NUM_GSI
        w(Offset.cfgPage, UInt32(4096))
        w(Offset.cfgUtcb, UInt32(4096))
        w(Offset.freqTsc, tscFrequencyKHz)
        // freq_bus, PCI, MCFG, DMAR, HPET, VMX caps, XSDT and PM1 stay 0: the machine has none.
        w(Offset.serialPort, UInt64(serialPort))
        // CPU 0 online (`Hip::add_cpu`): flags bit 0; thread, core, package, ACPI id and LAPIC
        // id all 0.
        w(Offset.cpuDesc, UInt8(1))
        var offset = Offset.memDesc
        for d in memory {
            w(offset, d.address)
            w(offset + 8, d.size)
            w(offset + 16, d.type)
            w(offset + 20, d.aux)
            offset += 24
        }
        w(Offset.length, UInt16(offset))
        w(Offset.checksum, checksum(in: ram, page: page))
    }

    /// The checksum `Hip::finalize` stores: 0 minus the 16-bit words of the first `length`
    /// bytes, the checksum field counted as 0 (so with it in place they sum to 0 mod 2^16).
    public static func checksum(in ram: PhysicalMemory, page: UInt64) -> UInt16 {
        let length: UInt16 = ram.read(page + Offset.length)
        var c: UInt16 = 0
        var o: UInt64 = 0
        while o < UInt64(length) {
            let word: UInt16 = o == Offset.checksum ? 0 : ram.read(page + o)
            c &-= word
            o += 2
        }
        return c
    }

    /// True if the page holds a HIP whose words sum to 0 (what a roottask checks).
    public static func isValid(in ram: PhysicalMemory, page: UInt64) -> Bool {
        let sig: UInt32 = ram.read(page + Offset.signature)
        guard sig == signature else { return false }
        let length: UInt16 = ram.read(page + Offset.length)
        var sum: UInt16 = 0
        var o: UInt64 = 0
        while o < UInt64(length) {
            let word: UInt16 = ram.read(page + o)
            sum &+= word
            o += 2
        }
        return sum == 0
    }
}
