// SPDX-License-Identifier: MIT
// A traced process's memory for the strace tests: byte regions at addresses, everything else
// unreadable. Expected lines in the Strace*Tests are strace 6.1's own output for the same call
// (native runs of guests/linux programs and of small python3 os.* calls under Debian 12's strace).
@testable import Personality

struct FakeMemory: StraceMemory {
    /// Page-granular like a process's memory: a page that holds any byte is readable whole.
    var pages: [UInt64: [UInt8]] = [:]

    mutating func put(_ address: UInt64, _ bytes: [UInt8]) {
        for (i, b) in bytes.enumerated() {
            let a = address + UInt64(i)
            pages[a & ~0xFFF, default: [UInt8](repeating: 0, count: 4096)][Int(a & 0xFFF)] = b
        }
    }
    mutating func put(_ address: UInt64, string: String) { put(address, Array(string.utf8) + [0]) }
    mutating func put64(_ address: UInt64, _ values: [UInt64]) {
        put(address, values.flatMap { v in (0 ..< 8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } })
    }

    func read(_ address: UInt64, count: Int) -> [UInt8]? {
        var out: [UInt8] = []
        for i in 0 ..< count {
            let a = address &+ UInt64(i)
            guard let page = pages[a & ~0xFFF] else { return nil }
            out.append(page[Int(a & 0xFFF)])
        }
        return out
    }
}

/// The line of one call: entry decoding, the return register, exit decoding.
func straceLine(_ number: UInt64, _ args: [UInt64], rax: UInt64, memory: FakeMemory = FakeMemory(),
                returns: Bool = true, column: Int = 0) -> String {
    var a = args
    while a.count < 6 { a.append(0) }
    let c = StraceCall(number: number, args: a, memory: memory)
    StraceSchema.enter(c)
    c.returned(rax)
    if returns { c.onExit?(c) } else { c.style = .none }
    return c.line(column: column)
}

func errno(_ e: Int) -> UInt64 { UInt64(bitPattern: Int64(-e)) }
