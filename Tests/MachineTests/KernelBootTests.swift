// SPDX-License-Identifier: MIT
// `emu boot` as KernelBoot.run: every outcome maps to its documented exit status
// (docs/boot-protocol.md; DESIGN.md §8): 66 unreadable file, 65 bad kernel file, odd values
// from the exit port, 120 triple fault, 126 instruction limit.
import Foundation
import Testing
@testable import Machine

@Suite struct KernelBootTests {
    /// Writes `bytes` to a fresh temporary file and boots it.
    func boot(_ bytes: [UInt8], _ configure: (inout Configuration) -> Void = { _ in }) throws -> RunResult {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("emu-kernelboot-\(getpid())-\(UUID().uuidString).elf")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return KernelBoot.run(path: url.path, configuration: configuration(configure))
    }

    func configuration(_ configure: (inout Configuration) -> Void = { _ in }) -> Configuration {
        var c = Configuration()
        c.memory = 32 << 20
        c.serial = .none
        c.timeout = 30
        configure(&c)
        return c
    }

    @Test func missingFileIs66() {
        let r = KernelBoot.run(path: "/nonexistent/emu-kernel.elf", configuration: configuration())
        #expect(r.status == ExitStatus.noInput && r.status == 66)
        #expect(r.report?.contains("/nonexistent/emu-kernel.elf") == true)
    }

    @Test func directoryIs66() {
        #expect(KernelBoot.run(path: FileManager.default.temporaryDirectory.path, configuration: configuration()).status == 66)
    }

    @Test(arguments: [[], Array("#!/bin/sh\necho hi\n".utf8), [UInt8](repeating: 0x90, count: 4096)])
    func nonELFIs65(bytes: [UInt8]) throws {
        let r = try boot(bytes)
        #expect(r.status == ExitStatus.badInput && r.status == 65)
        #expect(r.report?.contains("not an ELF file") == true)
    }

    @Test func elf32Is65() throws {
        var b = ELFBuilder.exitKernel
        b.elfClass = 1
        let r = try boot(b.bytes)
        #expect(r.status == 65 && r.report?.contains("not a 64-bit ELF file") == true)
    }

    @Test(arguments: [0, 0x8_0000, 0xF_F000] as [UInt64])
    func segmentBelowOneMiBIs65(paddr: UInt64) throws {
        var b = ELFBuilder.exitKernel
        b.segments[0].paddr = paddr
        b.segments[0].vaddr = paddr
        let r = try boot(b.bytes)
        #expect(r.status == 65 && r.report?.contains("outside RAM above 1 MiB") == true)
        #expect(r.report?.contains("\n") == false)
    }

    @Test func segmentBeyondRAMIs65() throws {
        var b = ELFBuilder.exitKernel
        b.segments[1].memSize = 64 << 20
        #expect(try boot(b.bytes).status == 65)
    }

    @Test func exitPortStatus() throws {
        let r = try boot(ELFBuilder.exitKernel.bytes)
        #expect(r.status == 33 && r.report == nil)
    }

    @Test func tripleFaultIs120() throws {
        var b = ELFBuilder.exitKernel
        b.segments[0].data = [0x0F, 0x0B]                          // ud2 with no IDT
        #expect(try boot(b.bytes).status == ExitStatus.tripleFault)
    }

    @Test func instructionLimitIs126() throws {
        var b = ELFBuilder.exitKernel
        b.segments[0].data = [0xEB, 0xFE]                          // jmp $
        let r = try boot(b.bytes) { $0.maxInstructions = 10_000 }
        #expect(r.status == ExitStatus.instructionLimit && r.instructions == 10_000)
    }
}
