// SPDX-License-Identifier: MIT
// Write tracking of physical pages that hold decoded code, so self-modifying code is seen at the
// next instruction (SDM Vol. 3A §11.6). Granule: 64-byte chunks, one 64-bit mask per 4 KiB page.
// A page with any code chunk gets no write-TLB entry, so every write to it takes the slow path
// and is checked against the mask; writes to its data chunks cost a slow write but no flush.

/// Per-page bitmaps of 64-byte chunks that decoded instructions came from.
public struct CodePageTracking {
    @usableFromInline let chunks: UnsafeMutablePointer<UInt64>
    @usableFromInline let pageCount: Int
    /// Pages with a non-zero mask, so clearing touches only those.
    var marked: [UInt32] = []

    init(pageCount: Int) {
        self.pageCount = pageCount
        chunks = .allocate(capacity: max(pageCount, 1))
        chunks.initialize(repeating: 0, count: max(pageCount, 1))
    }

    func deallocate() { chunks.deallocate() }

    /// Mask of the chunks `[offset, offset+length)` touch within one page.
    @inlinable static func mask(offset: UInt64, length: UInt64) -> UInt64 {
        let first = offset >> 6
        let last = min((offset + max(length, 1) - 1) >> 6, 63)
        let n = last - first + 1
        return (n >= 64 ? ~0 : ((1 << n) - 1)) << first
    }

    @inlinable func isCode(page: UInt64) -> Bool {
        page < UInt64(pageCount) && chunks[Int(page)] != 0
    }

    func overlaps(_ pa: UInt64, length: UInt64) -> Bool {
        let page = pa >> 12
        guard page < UInt64(pageCount) else { return false }
        return chunks[Int(page)] & CodePageTracking.mask(offset: pa & 0xFFF, length: length) != 0
    }

    /// Marks `[pa, pa+length)` (within one page) as code; returns true if the page was not a code page before.
    mutating func mark(_ pa: UInt64, length: UInt64) -> Bool {
        let page = pa >> 12
        guard page < UInt64(pageCount) else { return false }
        let old = chunks[Int(page)]
        chunks[Int(page)] = old | CodePageTracking.mask(offset: pa & 0xFFF, length: length)
        if old == 0 { marked.append(UInt32(page)) }
        return old == 0
    }

    /// Forgets all code (after the block cache was flushed).
    mutating func clear() {
        for p in marked { chunks[Int(p)] = 0 }
        marked.removeAll(keepingCapacity: true)
    }
}
