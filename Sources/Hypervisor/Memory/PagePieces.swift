// SPDX-License-Identifier: MIT
// A range of linear addresses split where pages end: the PD-memory copies (RootAPI's read and
// write, the debugger's) translate and copy page by page.

/// Calls `body(address, offset, length)` for each piece of `address ..< address + count` that lies
/// within one 4 KiB page, in order (`offset` counts from `address`), until `body` returns false.
/// Returns how many bytes the pieces it accepted cover.
@discardableResult
func forEachPagePiece(_ address: UInt64, count: Int, _ body: (UInt64, Int, Int) -> Bool) -> Int {
    var done = 0
    while done < count {
        let a = address &+ UInt64(done)
        let n = min(count - done, 4096 - Int(a & 0xFFF))
        guard body(a, done, n) else { break }
        done += n
    }
    return done
}
