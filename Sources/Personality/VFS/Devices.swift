// SPDX-License-Identifier: MIT
// Character devices of /dev: null(4), zero(4), urandom (random(4), here a seeded deterministic
// generator), tty(4) and console(4) (both the roottask's console service).

/// What a read of the console returns: bytes (empty at end of input) or nothing yet.
public enum ConsoleInput: Equatable, Sendable {
    case bytes([UInt8])
    /// No input now: read(2) gets EAGAIN; a blocking reader waits and retries.
    case wouldBlock
}

/// The console service the roottask implements (/dev/tty, /dev/console, and the standard
/// streams the process manager opens on them).
public protocol ConsoleDevice: AnyObject {
    func read(maxBytes: Int) -> ConsoleInput
    /// Writes the bytes and returns how many were taken.
    func write(_ bytes: [UInt8]) -> Int
}

/// The behaviour of a character device node.
protocol CharacterDevice: AnyObject {
    func read(count: Int) throws(Errno) -> [UInt8]
    func write(_ bytes: [UInt8]) throws(Errno) -> Int
    /// lseek(2) on null(4)/zero(4) succeeds and leaves the position 0; on terminals it is ESPIPE.
    var seekable: Bool { get }
    /// Whether this is a terminal (for TCGETS/TIOCGWINSZ; isatty(3)).
    var isTerminal: Bool { get }
}

/// /dev/null: reads give end of file, writes vanish.
final class NullDevice: CharacterDevice {
    func read(count: Int) throws(Errno) -> [UInt8] { [] }
    func write(_ bytes: [UInt8]) throws(Errno) -> Int { bytes.count }
    var seekable: Bool { true }
    var isTerminal: Bool { false }
}

/// /dev/zero: reads give zeros, writes vanish.
final class ZeroDevice: CharacterDevice {
    func read(count: Int) throws(Errno) -> [UInt8] { [UInt8](repeating: 0, count: count) }
    func write(_ bytes: [UInt8]) throws(Errno) -> Int { bytes.count }
    var seekable: Bool { true }
    var isTerminal: Bool { false }
}

/// /dev/urandom and /dev/random: a SplitMix64 stream from the seed given at VFS creation, so
/// runs are reproducible. Writes are accepted and ignored (random(4): writing mixes entropy).
final class RandomDevice: CharacterDevice {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    func read(count: Int) throws(Errno) -> [UInt8] {
        var out = [UInt8](); out.reserveCapacity(count)
        while out.count < count {
            var v = next()
            for _ in 0..<min(8, count - out.count) { out.append(UInt8(truncatingIfNeeded: v)); v >>= 8 }
        }
        return out
    }
    func write(_ bytes: [UInt8]) throws(Errno) -> Int { bytes.count }
    var seekable: Bool { true }
    var isTerminal: Bool { false }
}

/// /dev/tty and /dev/console: the roottask's console; without one, reads are end of file and
/// writes are discarded.
final class ConsoleCharacterDevice: CharacterDevice {
    let console: ConsoleDevice?
    init(_ console: ConsoleDevice?) { self.console = console }
    func read(count: Int) throws(Errno) -> [UInt8] {
        guard let console else { return [] }
        switch console.read(maxBytes: count) {
        case .bytes(let b): return b
        case .wouldBlock: throw .EAGAIN
        }
    }
    func write(_ bytes: [UInt8]) throws(Errno) -> Int { console?.write(bytes) ?? bytes.count }
    var seekable: Bool { false }
    var isTerminal: Bool { true }
}

/// A character-device node in the memory file system (as devtmpfs's).
final class DeviceNode: MemoryNode {
    let device: CharacterDevice
    init(fs: FileSystem, device: CharacterDevice, rdev: UInt64, mode: UInt32) {
        self.device = device
        super.init(fs: fs, type: .characterDevice, mode: mode, uid: 0, gid: 0)
        self.rdev = rdev
    }
    override func read(_ file: OpenFile, at offset: Int64, count: Int) throws(Errno) -> [UInt8] {
        try device.read(count: count)
    }
    override func write(_ file: OpenFile, at offset: Int64, _ bytes: [UInt8]) throws(Errno) -> Int {
        try device.write(bytes)
    }
    override func truncate(to size: Int64) throws(Errno) {}
    override var seekable: Bool { device.seekable }
    override func seekData(from offset: Int64, hole: Bool) throws(Errno) -> Int64 { throw .ENXIO }
}
