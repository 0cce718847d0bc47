// SPDX-License-Identifier: MIT
// One instruction form of the differential harness (mnemonic, operand form, size) and the case
// generator that exercises it, plus the driver that runs its cases natively and in emu.
import Foundation
import Testing

/// An instruction form: `build` writes one random case into a `CaseBuilder`.
struct Form: Sendable, CustomStringConvertible, CustomTestStringConvertible {
    let name: String
    let build: @Sendable (CaseBuilder) -> Void

    init(_ name: String, _ build: @escaping @Sendable (CaseBuilder) -> Void) {
        self.name = name
        self.build = build
    }

    var description: String { name }
    var testDescription: String { name }
}

enum Differential {
    /// Cases per form: `EMU_FUZZ_CASES` (make fuzz-cpu N=…), else the bounded default.
    static let casesPerForm: Int = {
        if let s = ProcessInfo.processInfo.environment["EMU_FUZZ_CASES"], let n = Int(s), n > 0 { return n }
        return 500
    }()

    /// Mixed into every form's seed (`EMU_FUZZ_SEED`), 0 by default so runs are reproducible.
    static let seedSalt: UInt64 = {
        if let s = ProcessInfo.processInfo.environment["EMU_FUZZ_SEED"], let n = UInt64(s) { return n }
        return 0
    }()

    /// Emu's machine, shared by all forms and used only while the runner's lock is held.
    nonisolated(unsafe) static let machine = HarnessMachine()

    /// Runs `casesPerForm` cases of `form` on the host CPU and in emu and expects no difference.
    static func check(_ form: Form) throws {
        let runner = try NativeRunner.shared.get()
        runner.lock.lock()
        defer { runner.lock.unlock() }
        var formRNG = CaseRandom(name: form.name, salt: seedSalt)
        let total = casesPerForm
        var done = 0, mismatches = 0
        var exceptions: [UInt32: Int] = [:]
        var firstReport: String? = nil
        while done < total {
            let k = min(total - done, runner.batchLimit)
            var cases: [(seed: UInt64, builder: CaseBuilder)] = []
            for _ in 0..<k {
                let seed = formRNG.next()
                let b = CaseBuilder(seed: seed)
                form.build(b)
                cases.append((seed, b))
            }
            try runner.send(cases.map { $0.builder.state }[...])
            let emu = cases.map { machine.run($0.builder.state) }
            let native = try runner.receive(k)
            for j in 0..<k {
                let b = cases[j].builder
                if native[j].exception == SnippetState.badRequest {
                    throw HarnessError("\(form.name): the native runner rejected case \(done + j) (bad request)")
                }
                if native[j].exception != SnippetState.ranToEnd { exceptions[native[j].exception, default: 0] += 1 }
                let diffs = Comparison.differences(native: native[j], emu: emu[j], case: b)
                if !diffs.isEmpty {
                    mismatches += 1
                    if firstReport == nil {
                        firstReport = Comparison.report(form: form.name, index: done + j, seed: cases[j].seed,
                                                        builder: b, native: native[j], emu: emu[j], diffs: diffs)
                    }
                }
            }
            done += k
        }
        let raised = exceptions.keys.sorted().map { "\(exceptions[$0]!) \(Comparison.exceptionName($0))" }
        print("differential \(form.name): \(total) cases\(raised.isEmpty ? "" : " (" + raised.joined(separator: ", ") + ")"), \(mismatches) mismatches")
        #expect(mismatches == 0, "\(form.name): \(mismatches) of \(total) cases differ from the host CPU\n\(firstReport ?? "")")
    }
}
