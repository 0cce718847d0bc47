// SPDX-License-Identifier: MIT
// Buffered encoding of trace records (docs/trace-format.md): little-endian fixed-width fields,
// LEB128 lengths, 1 MiB buffers handed to a writer thread when they fill (FileWriterThread.swift:
// the CPU goes on filling the other one). The recorder
// encodes instruction records itself through `reserve` (the hot part); everything else goes
// through the typed encoders below.
import Glibc

/// Appends encoded records to a file or to memory.
public final class TraceWriter {
    /// Where the bytes go: a file (through its writer thread), or `bytes` in memory (tests,
    /// windows kept back).
    enum Sink { case file(FileWriterThread), memory }

    static let capacity = 1 << 20
    let sink: Sink
    /// The buffer being filled; a file writer alternates between it and `spare`.
    var buffer: UnsafeMutableRawPointer
    var spare: UnsafeMutableRawPointer?
    var used = 0
    /// The memory sink's contents (what was flushed from the buffer).
    private var stored: [UInt8] = []
    /// A write(2) failed: the error number (later writes are dropped).
    public private(set) var failure: Int32?
    /// The RIP after the last instruction record: the next one leaves its RIP out if it is this
    /// (`.max`: none yet).
    public var nextRIP: UInt64 = .max
    /// Bytes handed to the sink so far.
    public private(set) var written: UInt64 = 0

    /// A writer creating (or truncating) `path`, starting with the file header.
    public init(path: String) throws(TraceError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw TraceError("cannot create \(path): \(String(cString: strerror(errno)))") }
        sink = .file(FileWriterThread(fd: fd))
        buffer = .allocate(byteCount: TraceWriter.capacity, alignment: 16)
        spare = .allocate(byteCount: TraceWriter.capacity, alignment: 16)
        header()
    }

    /// A writer keeping the bytes in memory; `header` false for a fragment to be copied into
    /// another writer.
    public init(header withHeader: Bool = true) {
        sink = .memory
        buffer = .allocate(byteCount: TraceWriter.capacity, alignment: 16)
        if withHeader { header() }
    }

    deinit {
        close()
        buffer.deallocate()
        spare?.deallocate()
    }

    private var closed = false

    /// Writes everything out; a file is complete and closed afterwards (later records are lost).
    public func close() {
        guard !closed else { return }
        flush()
        if case .file(let thread) = sink {
            closed = true
            if let e = thread.stop(), failure == nil { failure = e }
        }
    }

    private func header() {
        bytes(TraceFormat.magic)
        u32(TraceFormat.version)
        u32(0)
    }

    /// The bytes written so far (memory sink).
    public var contents: [UInt8] {
        flush()
        return stored
    }

    /// Forgets what a memory sink holds.
    func reset() {
        used = 0
        written = 0
        nextRIP = .max
        stored.removeAll(keepingCapacity: true)
    }

    /// Bytes written so far, buffered or not.
    public var position: Int { Int(written) + used }

    /// Hands the buffer to the sink.
    public func flush() {
        guard used > 0 else { return }
        switch sink {
        case .memory:
            stored.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: used))
        case .file(let thread):
            guard !closed else { used = 0; return }
            // The thread writes this buffer while the CPU fills the spare one.
            thread.submit(buffer, count: used)
            swap(&buffer, &spare!)
        }
        written &+= UInt64(used)
        used = 0
    }

    /// Makes room for `n` more bytes and returns where they go; the caller stores them and calls
    /// `commit(n)` (records larger than the buffer go through `bytes`).
    @inline(__always)
    func reserve(_ n: Int) -> UnsafeMutableRawPointer {
        if _slowPath(used &+ n > TraceWriter.capacity) { flush() }
        return buffer + used
    }

    @inline(__always) func commit(_ n: Int) { used &+= n }

    // MARK: - Fields

    @inline(__always) func u8(_ v: UInt8) { reserve(1).storeBytes(of: v, as: UInt8.self); used &+= 1 }
    @inline(__always) func u16(_ v: UInt16) { reserve(2).storeBytes(of: v.littleEndian, as: UInt16.self); used &+= 2 }
    @inline(__always) func u32(_ v: UInt32) { reserve(4).storeBytes(of: v.littleEndian, as: UInt32.self); used &+= 4 }
    @inline(__always) func u64(_ v: UInt64) { reserve(8).storeBytes(of: v.littleEndian, as: UInt64.self); used &+= 8 }

    /// A value as its low bytes: stores `header | (n - 1) << valueLengthShift` at `p` and the
    /// value's low `n` bytes after it, n = 1…8 its significant bytes (at least one); always
    /// writes 9 bytes (reserve them), returns 1 + n (docs/trace-format.md).
    @inline(__always)
    static func storeValue(_ v: UInt64, header: UInt8, at p: UnsafeMutableRawPointer) -> Int {
        let n = (71 &- (v | 1).leadingZeroBitCount) &>> 3     // 1…8
        p.storeBytes(of: header | UInt8(truncatingIfNeeded: n &- 1) &<< TraceFormat.valueLengthShift, as: UInt8.self)
        (p + 1).storeBytes(of: v.littleEndian, as: UInt64.self)
        return 1 &+ n
    }

    /// Bytes of a value whose header has length code `c`.
    static func valueBytes(code c: UInt8) -> Int { Int(c) + 1 }

    /// Significant bytes of `v` (0…8).
    @inline(__always) static func significantBytes(_ v: UInt64) -> Int { (71 &- v.leadingZeroBitCount) &>> 3 }

    /// A memory access's header byte (docs/trace-format.md: address byte count, log2 of the
    /// size, run, write) and its address's low bytes at `q` (always writes 9 bytes; reserve
    /// them); returns how many belong to the access. Its value or run follows.
    @inline(__always)
    static func storeAccessHead(at q: UnsafeMutableRawPointer, address: UInt64, size: Int, isWrite: Bool, run: Bool) -> Int {
        let n = significantBytes(address)
        var h = UInt8(truncatingIfNeeded: n) | UInt8(truncatingIfNeeded: size.trailingZeroBitCount) << TraceFormat.AccessFlag.sizeShift
        if run { h |= TraceFormat.AccessFlag.run }
        if isWrite { h |= TraceFormat.AccessFlag.write }
        q.storeBytes(of: h, as: UInt8.self)
        q.storeBytes(of: address.littleEndian, toByteOffset: 1, as: UInt64.self)
        return 1 &+ n
    }

    /// Unsigned LEB128 (one byte, inline, below 128).
    @inline(__always)
    func varint(_ v: UInt64) {
        if _fastPath(v < 0x80) { u8(UInt8(truncatingIfNeeded: v)) } else { longVarint(v) }
    }

    func longVarint(_ v: UInt64) {
        var v = v
        repeat {
            let b = UInt8(v & 0x7F)
            v >>= 7
            u8(v == 0 ? b : b | 0x80)
        } while v != 0
    }

    func bytes(_ b: [UInt8]) {
        b.withUnsafeBytes { bytes($0) }
    }

    func bytes(_ raw: UnsafeRawBufferPointer) {
        var off = 0
        while off < raw.count {
            let n = min(raw.count - off, TraceWriter.capacity - used)
            if n == 0 { flush(); continue }
            (buffer + used).copyMemory(from: raw.baseAddress! + off, byteCount: n)
            used += n
            off += n
        }
    }

    func string(_ s: String) {
        let utf8 = Array(s.utf8)
        varint(UInt64(utf8.count))
        bytes(utf8)
    }
}

/// A trace file that cannot be written or read.
public struct TraceError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
