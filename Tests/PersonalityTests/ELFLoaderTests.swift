// SPDX-License-Identifier: MIT
// The ELF loader on real executables: musl-gcc -static (ET_EXEC) and -static-pie, checked
// against readelf and against what the host kernel itself reports (AT_PHDR, AT_ENTRY); and a
// gcc-built dynamic executable, which must be refused.
import Testing
@testable import Personality

@Suite struct ELFLoaderTests {
    /// The PT_LOAD list readelf shows, relocated by `bias`, as LoadSegments.
    private func expectedSegments(_ view: ReadelfView, bias: UInt64) -> [LoadSegment] {
        view.programHeaders.filter { $0.type == "LOAD" && $0.memsz > 0 }.map {
            LoadSegment(vaddr: $0.vaddr + bias, memsz: $0.memsz, fileOffset: $0.offset, filesz: $0.filesz,
                        readable: $0.flags.contains("R"), writable: $0.flags.contains("W"),
                        executable: $0.flags.contains("E"))
        }
    }

    /// AT_PHDR computed independently from readelf's numbers (the PT_LOAD covering e_phoff).
    private func expectedPhdr(_ view: ReadelfView, bias: UInt64) -> UInt64? {
        if let ph = view.programHeaders.first(where: { $0.type == "PHDR" }) { return ph.vaddr + bias }
        guard let l = view.programHeaders.first(where: { $0.type == "LOAD" && $0.offset <= view.phoff && view.phoff < $0.offset + $0.filesz }) else { return nil }
        return view.phoff - l.offset + l.vaddr + bias
    }

    @Test func staticExecutableMatchesReadelfAndTheKernel() throws {
        let path = try NativePrograms.staticDump.get()
        let file = try NativeToolchain.bytes(path)
        let image = try ELFLoader.parse(file)
        let view = try ReadelfView(path: path)
        #expect(view.type == "EXEC")
        #expect(image.type == .executable)
        #expect(image.loadBias == 0)
        #expect(image.entry == view.entry)
        #expect(image.segments == expectedSegments(view, bias: 0))
        #expect(image.phnum == UInt64(view.programHeaders.count))
        #expect(image.phent == 56)
        #expect(image.phdrAddress == expectedPhdr(view, bias: 0))
        let stack = view.programHeaders.first { $0.type == "GNU_STACK" }
        #expect(image.hasGNUStack == (stack != nil))
        #expect(image.executableStack == (stack?.flags.contains("E") ?? false))
        for s in image.segments {
            #expect(Array(image.bytes(of: s)) == Array(file[Int(s.fileOffset)..<Int(s.fileOffset + s.filesz)]))
        }
        // The host kernel's own answer for the same file.
        let native = try NativePrograms.run(path, argv: [path], envp: [])
        #expect(native.aux(3) == image.phdrAddress)       // AT_PHDR
        #expect(native.aux(4) == image.phent)             // AT_PHENT
        #expect(native.aux(5) == image.phnum)             // AT_PHNUM
        #expect(native.aux(9) == image.entry)             // AT_ENTRY
    }

    @Test func staticPIEIsRelocatedToTheFixedBase() throws {
        let path = try NativePrograms.staticPIEDump.get()
        let file = try NativeToolchain.bytes(path)
        let view = try ReadelfView(path: path)
        #expect(view.type == "DYN")
        #expect(!view.programHeaders.contains { $0.type == "INTERP" }, "the build recipe must give a static PIE")
        let image = try ELFLoader.parse(file)
        let firstLoad = try #require(view.programHeaders.first { $0.type == "LOAD" })
        let bias = (ELFLoader.defaultPIEBase - firstLoad.vaddr) & ~0xFFF
        #expect(ELFLoader.defaultPIEBase == 0x5555_5555_4000)
        #expect(image.type == .staticPIE)
        #expect(image.loadBias == bias)
        #expect(image.entry == view.entry + bias)
        #expect(image.segments == expectedSegments(view, bias: bias))
        #expect(image.phdrAddress == expectedPhdr(view, bias: bias))
        // The kernel puts it elsewhere (the mmap area), but relative to its load address the
        // program headers and the entry are where ours are.
        let native = try NativePrograms.run(path, argv: [path], envp: [])
        let nativeEntry = try #require(native.aux(9)), nativePhdr = try #require(native.aux(3))
        let nativeBias = nativeEntry - view.entry
        #expect(nativePhdr - nativeBias == image.phdrAddress - image.loadBias)
        #expect(native.aux(5) == image.phnum)

        // Another base moves everything by the difference.
        let moved = try ELFLoader.parse(file, pieBase: 0x10_0000_0000)
        #expect(moved.loadBias == 0x10_0000_0000 - (firstLoad.vaddr & ~0xFFF))
        #expect(moved.entry - moved.loadBias == image.entry - image.loadBias)
    }

    @Test func dynamicExecutableIsRefused() throws {
        let path = try NativePrograms.dynamicDump.get()
        let view = try ReadelfView(path: path)
        #expect(view.programHeaders.contains { $0.type == "INTERP" })
        #expect(throws: ELFLoadError("dynamic executables are not supported")) {
            try ELFLoader.parse(try NativeToolchain.bytes(path))
        }
        #expect(ELFLoadError("dynamic executables are not supported").description == "dynamic executables are not supported")
    }
}
