// SPDX-License-Identifier: MIT
// Boot errors: what `Hypervisor.boot(roottask:)` refuses (Hedron src/ec.cpp `Ec::root_invoke`:
// "Bad ELF" unless every PT_LOAD has p_filesz == p_memsz and p_vaddr ≡ p_offset mod 4 KiB) and
// the statuses `HostedBoot.run` maps input errors to (66 unreadable, 65 bad roottask).
import Foundation
import Testing
import Machine
@testable import Hypervisor

@Suite struct EngineBootTests {
    /// A static ELF64 x86-64 executable with one PT_LOAD of the whole file (0x80 bytes) at
    /// `vaddr`, entry at its code (`jmp $` at file offset 0x78).
    static func elf(fileSize: UInt64 = 0x80, memSize: UInt64 = 0x80, vaddr: UInt64 = 0x40_0000,
                    offset: UInt64 = 0) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 0x80)
        func put<T: FixedWidthInteger>(_ at: Int, _ v: T) {
            withUnsafeBytes(of: v.littleEndian) { for (i, x) in $0.enumerated() { b[at + i] = x } }
        }
        b[0...3] = [0x7F, 0x45, 0x4C, 0x46]
        b[4] = 2; b[5] = 1; b[6] = 1                 // ELFCLASS64, little-endian, EV_CURRENT
        put(16, UInt16(2)); put(18, UInt16(62))      // ET_EXEC, EM_X86_64
        put(20, UInt32(1))
        put(24, vaddr + 0x78)                        // e_entry
        put(32, UInt64(64))                          // e_phoff
        put(52, UInt16(64)); put(54, UInt16(56)); put(56, UInt16(1))
        // Program header: PT_LOAD, R-X.
        put(64, UInt32(1)); put(68, UInt32(5))
        put(72, offset); put(80, vaddr); put(88, vaddr)
        put(96, fileSize); put(104, memSize); put(112, UInt64(0x1000))
        b[0x78] = 0xEB; b[0x79] = 0xFE
        return b
    }

    private func boot(_ bytes: [UInt8]) throws -> BootError? {
        let m = try HostedMachine()
        do {
            try m.hv.boot(roottask: BootModule(bytes: bytes))
            return nil
        } catch {
            return error
        }
    }

    @Test func aWellFormedELFBoots() throws {
        #expect(try boot(EngineBootTests.elf()) == nil)
    }

    @Test func notAnELF() throws {
        let e = try boot(Array("#!/bin/sh\necho hello\n".utf8) + [UInt8](repeating: 0, count: 64))
        #expect(e?.message.contains("not an ELF file") == true, "\(String(describing: e))")
        #expect(try boot([]) != nil, "an empty file")
    }

    @Test func fileSizeMustEqualMemorySize() throws {
        // p_filesz < p_memsz is a valid ELF (a .bss) but Hedron's loader refuses it.
        let e = try boot(EngineBootTests.elf(fileSize: 0x80, memSize: 0x2000))
        #expect(e?.message.contains("p_filesz != p_memsz") == true, "\(String(describing: e))")
    }

    @Test func vaddrAndOffsetMustAgreeModulo4K() throws {
        let e = try boot(EngineBootTests.elf(vaddr: 0x40_0800))
        #expect(e != nil)
    }

    @Test func hostedBootStatuses() throws {
        var c = Configuration()
        c.memory = 128 << 20
        c.serial = .none
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emu-boot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        var log: [String] = []
        let missing = HostedBoot.run(roottask: dir.appendingPathComponent("nope.elf").path, configuration: c,
                                     log: { log.append($0) })
        #expect(missing.status == ExitStatus.noInput && missing.status == 66)
        #expect(missing.report?.contains("cannot read") == true)

        let text = dir.appendingPathComponent("text.elf")
        try Data("not an executable".utf8).write(to: text)
        let bad = HostedBoot.run(roottask: text.path, configuration: c, log: { log.append($0) })
        #expect(bad.status == ExitStatus.badInput && bad.status == 65)

        let bss = dir.appendingPathComponent("bss.elf")
        try Data(EngineBootTests.elf(memSize: 0x2000)).write(to: bss)
        #expect(HostedBoot.run(roottask: bss.path, configuration: c, log: { log.append($0) }).status == 65)

        let good = dir.appendingPathComponent("good.elf")
        try Data(EngineBootTests.elf()).write(to: good)
        let missingModule = HostedBoot.run(roottask: good.path, modules: [.init(path: dir.appendingPathComponent("m").path)],
                                           configuration: c, log: { log.append($0) })
        #expect(missingModule.status == 66)
        #expect(log.isEmpty)
    }
}
