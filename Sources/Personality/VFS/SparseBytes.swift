// SPDX-License-Identifier: MIT
// The contents of an in-memory regular file: 4 KiB pages, absent pages are holes that read as
// zeros (as tmpfs's, so lseek(2) SEEK_DATA/SEEK_HOLE and st_blocks mean what they do there).

struct SparseBytes {
    static let pageSize = 4096
    private(set) var size: Int64 = 0
    private var pages: [Int64: [UInt8]] = [:]

    init() {}
    init(_ bytes: [UInt8]) { write(bytes, at: 0) }

    /// Allocated 512-byte blocks (st_blocks).
    var blocks: Int64 { Int64(pages.count * (SparseBytes.pageSize / 512)) }

    func read(at offset: Int64, count: Int) -> [UInt8] {
        guard offset < size, count > 0 else { return [] }
        let end = min(size, offset + Int64(count))
        var out = [UInt8](repeating: 0, count: Int(end - offset))
        let ps = Int64(SparseBytes.pageSize)
        var pos = offset
        while pos < end {
            let page = pos / ps, inPage = Int(pos % ps)
            let n = Int(min(end - pos, ps - Int64(inPage)))
            if let p = pages[page] {
                let dst = Int(pos - offset)
                out.withUnsafeMutableBufferPointer { o in
                    p.withUnsafeBufferPointer { s in
                        o.baseAddress!.advanced(by: dst).update(from: s.baseAddress!.advanced(by: inPage), count: n)
                    }
                }
            }
            pos += Int64(n)
        }
        return out
    }

    mutating func write(_ bytes: [UInt8], at offset: Int64) {
        guard !bytes.isEmpty else { return }
        let ps = Int64(SparseBytes.pageSize)
        var pos = offset
        let end = offset + Int64(bytes.count)
        while pos < end {
            let page = pos / ps, inPage = Int(pos % ps)
            let n = Int(min(end - pos, ps - Int64(inPage)))
            let src = Int(pos - offset)
            var p = pages.removeValue(forKey: page) ?? [UInt8](repeating: 0, count: SparseBytes.pageSize)
            p.withUnsafeMutableBufferPointer { d in
                bytes.withUnsafeBufferPointer { s in
                    d.baseAddress!.advanced(by: inPage).update(from: s.baseAddress!.advanced(by: src), count: n)
                }
            }
            pages[page] = p
            pos += Int64(n)
        }
        size = max(size, end)
    }

    /// Sets the size; shrinking drops whole pages beyond it and zeroes the tail of the last.
    mutating func truncate(to newSize: Int64) {
        let ps = Int64(SparseBytes.pageSize)
        if newSize < size {
            for key in pages.keys where key * ps >= newSize { pages.removeValue(forKey: key) }
            let last = newSize / ps, inPage = Int(newSize % ps)
            if inPage != 0, var p = pages.removeValue(forKey: last) {
                for i in inPage..<SparseBytes.pageSize { p[i] = 0 }
                pages[last] = p
            }
        }
        size = newSize
    }

    /// lseek(2) SEEK_DATA (`hole == false`) or SEEK_HOLE from `offset` (< size, checked by caller).
    func seek(from offset: Int64, hole: Bool) -> Int64? {
        let ps = Int64(SparseBytes.pageSize)
        var page = offset / ps
        while page * ps < size {
            let present = pages[page] != nil
            if present != hole { return max(offset, page * ps) }
            page += 1
        }
        return hole ? size : nil
    }
}
