// SPDX-License-Identifier: MIT
// The user thread control block: one 4 KiB page per EC, read and written at Hedron's exact
// offsets in guest physical memory. Hedron: include/utcb.hpp (`Utcb_head`, `Utcb_data`, `Utcb`);
// thesis digest §2.6.
import MMU

/// User thread control block (UTCB, `Utcb`): the IPC message area of an EC.
///
/// ```
/// 0x000  head: u32 system_call_flags (bit 0 NSCT), u32 items, CRD xlt, CRD del, tls
/// 0x020  untyped words mr(0)… upward; the exception layout overlays them (`Offset`)
/// 0xFF0  typed item 0 (CRD, flags); item i at 0xFF0 − 16·i, downward
/// ```
/// A value names the page by physical address; accesses go straight to RAM, so a guest that
/// maps the page sees every change.
public struct UTCB {
    /// The page in host memory. A plain pointer, not the `PhysicalMemory` object: copying a
    /// UTCB value then costs no reference counting, which matters on the forwarding path. The
    /// RAM outlives every UTCB (both belong to the machine).
    public let page: UnsafeMutableRawPointer
    /// Physical address of the page.
    public let address: UInt64

    /// The UTCB in the 4 KiB frame at `address`, which must lie in `ram` (UTCB frames come from
    /// kernel memory).
    public init(ram: PhysicalMemory, address: UInt64) {
        precondition(address & 0xFFF == 0 && ram.contains(address, length: 4096), "a UTCB frame lies in RAM")
        page = ram.pointer(address)!
        self.address = address
    }

    @inline(__always) func get<T: FixedWidthInteger>(_ offset: UInt64, as: T.Type = T.self) -> T {
        page.load(fromByteOffset: Int(offset), as: T.self)
    }

    @inline(__always) func put<T: FixedWidthInteger>(_ offset: UInt64, _ value: T) {
        page.storeBytes(of: value, toByteOffset: Int(offset), as: T.self)
    }

    /// Offsets in the page, from the struct declarations of include/utcb.hpp.
    public enum Offset {
        // Head (`Utcb_head`, 32 bytes).
        public static let systemCallFlags: UInt64 = 0x00
        public static let items: UInt64 = 0x04
        public static let xlt: UInt64 = 0x08
        public static let del: UInt64 = 0x10
        public static let tls: UInt64 = 0x18
        /// First untyped word, `mr(0)` (`data_begin`).
        public static let data: UInt64 = 0x20

        // Exception / VM layout (`Utcb_data`).
        public static let mtd: UInt64 = 0x20
        public static let instLen: UInt64 = 0x28
        public static let rip: UInt64 = 0x30
        public static let rflags: UInt64 = 0x38
        public static let intrState: UInt64 = 0x40
        public static let actvState: UInt64 = 0x44
        public static let inj: UInt64 = 0x48
        public static let vectInfo: UInt64 = 0x50
        public static let vectError: UInt64 = 0x54
        public static let rax: UInt64 = 0x58
        public static let rcx: UInt64 = 0x60
        public static let rdx: UInt64 = 0x68
        public static let rbx: UInt64 = 0x70
        public static let rsp: UInt64 = 0x78
        public static let rbp: UInt64 = 0x80
        public static let rsi: UInt64 = 0x88
        public static let rdi: UInt64 = 0x90
        /// r8 … r15 at 0x98 … 0xD0.
        public static let r8: UInt64 = 0x98
        /// `qual[0]`: the exception's error code.
        public static let qual0: UInt64 = 0xD8
        /// `qual[1]`: CR2 of a #PF (exit qualification for vCPUs).
        public static let qual1: UInt64 = 0xE0
        public static let ctrl: UInt64 = 0xE8
        public static let xcr0: UInt64 = 0xF0
        public static let cr0: UInt64 = 0xF8
        public static let cr2: UInt64 = 0x100
        public static let cr3: UInt64 = 0x108
        public static let cr4: UInt64 = 0x110
        public static let pdpte: UInt64 = 0x118
        public static let cr8: UInt64 = 0x138
        public static let efer: UInt64 = 0x140
        public static let pat: UInt64 = 0x148
        public static let star: UInt64 = 0x150
        public static let lstar: UInt64 = 0x158
        public static let fmask: UInt64 = 0x160
        public static let kernelGSBase: UInt64 = 0x168
        public static let dr7: UInt64 = 0x170
        public static let sysenterCS: UInt64 = 0x178
        public static let sysenterRSP: UInt64 = 0x180
        public static let sysenterRIP: UInt64 = 0x188
        /// Segments es, cs, ss, ds, fs, gs, ldtr, tr, gdtr, idtr: 16 bytes each,
        /// {u16 sel, u16 ar, u32 limit, u64 base}.
        public static let segments: UInt64 = 0x190
        public static let fs: UInt64 = 0x1D0
        public static let fsBase: UInt64 = 0x1D8
        public static let gs: UInt64 = 0x1E0
        public static let gsBase: UInt64 = 0x1E8
        public static let tscVal: UInt64 = 0x230
        public static let tscOff: UInt64 = 0x238
        public static let tscAux: UInt64 = 0x240
        public static let excBitmap: UInt64 = 0x244
        public static let tprThreshold: UInt64 = 0x248
        public static let eoiBitmap: UInt64 = 0x250
        public static let vintrStatus: UInt64 = 0x270
        public static let cr0Mon: UInt64 = 0x278
        public static let cr4Mon: UInt64 = 0x280
        public static let specCtrl: UInt64 = 0x288
        public static let tscTimeout: UInt64 = 0x290
        /// End of `Utcb_data`.
        public static let dataEnd: UInt64 = 0x298

        /// The last 16-byte slot, typed item 0 (`Utcb::xfer`).
        public static let typedItems: UInt64 = 0xFF0
    }

    /// Untyped words the page holds (`words`): (4096 − 32) / 8 = 508.
    public static let wordCount = 508
    /// Typed items the page holds: `words / 2` = 254.
    public static let typedItemCount = 254
    /// Words of the exception layout (`sizeof(Utcb_data) / 8` = 79): `items` after `load_exc`.
    public static let exceptionWordCount = 79

    // MARK: - Raw access

    @inline(__always) func read(_ offset: UInt64) -> UInt64 { get(offset) }
    @inline(__always) func write(_ offset: UInt64, _ value: UInt64) { put(offset, value) }

    /// Zeroes the page.
    public func clear() { page.initializeMemory(as: UInt8.self, repeating: 0, count: 4096) }

    // MARK: - Head

    /// `system_call_flags` (u32 at 0x0), the fork's addition.
    public var systemCallFlags: UInt32 {
        get { get(Offset.systemCallFlags) }
        nonmutating set { put(Offset.systemCallFlags, newValue) }
    }

    /// Native system call toggle (NSCT, `system_call_flags` bit 0): while set, `syscall` from a
    /// foreign PD is a native hypercall. Only the EC sets and clears it.
    public var nsct: Bool {
        get { systemCallFlags & 1 != 0 }
        nonmutating set { systemCallFlags = newValue ? systemCallFlags | 1 : systemCallFlags & ~1 }
    }

    /// `items` (u32 at 0x4): untyped count in `[15:0]`, typed count in `[31:16]`.
    public var items: UInt32 {
        get { get(Offset.items) }
        nonmutating set { put(Offset.items, newValue) }
    }

    /// Untyped words to transfer, `items[15:0]` (`ucnt`).
    public var untypedCount: UInt16 {
        get { UInt16(truncatingIfNeeded: items) }
        nonmutating set { items = items & 0xFFFF_0000 | UInt32(newValue) }
    }

    /// Typed items to transfer, `items[31:16]` (`tcnt`).
    public var typedCount: UInt16 {
        get { UInt16(truncatingIfNeeded: items >> 16) }
        nonmutating set { items = items & 0xFFFF | UInt32(newValue) << 16 }
    }

    /// Untyped words actually transferred: `min(508, ucnt)` (`ui`).
    public var transferredUntyped: Int { min(UTCB.wordCount, Int(untypedCount)) }
    /// Typed items actually transferred: `min(254, tcnt)` (`ti`).
    public var transferredTyped: Int { min(UTCB.typedItemCount, Int(typedCount)) }

    /// Translate window (`xlt`, 0x8).
    public var xlt: CRD {
        get { CRD(rawValue: read(Offset.xlt)) }
        nonmutating set { write(Offset.xlt, newValue.rawValue) }
    }

    /// Delegation receive window (`del`, 0x10).
    public var del: CRD {
        get { CRD(rawValue: read(Offset.del)) }
        nonmutating set { write(Offset.del, newValue.rawValue) }
    }

    /// Thread-local word (`tls`, 0x18); never written by the kernel.
    public var tls: UInt64 {
        get { read(Offset.tls) }
        nonmutating set { write(Offset.tls, newValue) }
    }

    // MARK: - Data

    /// Untyped word `i` (`mr(i)`), at 0x20 + 8·i; `i` < 508.
    public subscript(word i: Int) -> UInt64 {
        get { precondition(i >= 0 && i < UTCB.wordCount); return read(Offset.data + UInt64(i) * 8) }
        nonmutating set { precondition(i >= 0 && i < UTCB.wordCount); write(Offset.data + UInt64(i) * 8, newValue) }
    }

    /// Offset of typed item `i`: 0xFF0 − 16·i (`xfer() − i`).
    public static func typedItemOffset(_ i: Int) -> UInt64 { Offset.typedItems - UInt64(i) * 16 }

    /// Typed item `i`, counted from the end of the page; `i` < 254.
    public subscript(typedItem i: Int) -> TypedItem {
        get {
            precondition(i >= 0 && i < UTCB.typedItemCount)
            let o = UTCB.typedItemOffset(i)
            return TypedItem(crd: CRD(rawValue: read(o)), flags: DelegateFlags(rawValue: read(o + 8)))
        }
        nonmutating set {
            precondition(i >= 0 && i < UTCB.typedItemCount)
            let o = UTCB.typedItemOffset(i)
            write(o, newValue.crd.rawValue)
            write(o + 8, newValue.flags.rawValue)
        }
    }

    /// Copies the untyped message to `destination` (`Utcb::save`): the whole `items` word, then
    /// `min(508, ucnt)` words.
    public func copyUntyped(to destination: UTCB) {
        destination.items = items
        let n = transferredUntyped
        if n > 0 {
            (destination.page + Int(Offset.data)).copyMemory(from: page + Int(Offset.data), byteCount: n * 8)
        }
    }

    // MARK: - Exception layout

    /// `mtd` (0x20): which groups the exception layout holds.
    public var mtd: MTD {
        get { MTD(rawValue: read(Offset.mtd)) }
        nonmutating set { write(Offset.mtd, newValue.rawValue) }
    }

    /// `inst_len` (0x28).
    public var instLen: UInt64 {
        get { read(Offset.instLen) }
        nonmutating set { write(Offset.instLen, newValue) }
    }

    /// `rip` (0x30).
    public var rip: UInt64 {
        get { read(Offset.rip) }
        nonmutating set { write(Offset.rip, newValue) }
    }

    /// `rflags` (0x38).
    public var rflags: UInt64 {
        get { read(Offset.rflags) }
        nonmutating set { write(Offset.rflags, newValue) }
    }

    /// Offset of GPR `n` by encoding number (0 = rax … 15 = r15): rax, rcx, rdx, rbx, rsp, rbp,
    /// rsi, rdi at 0x58…0x90, then r8…r15.
    public static func gprOffset(_ n: Int) -> UInt64 { Offset.rax + UInt64(n & 15) * 8 }

    /// GPR encoding numbers for `subscript(gpr:)` (rax 0 … r15 15), for code that does not see
    /// CPUCore (the roottask).
    public enum GPR {
        public static let rax = 0, rcx = 1, rdx = 2, rbx = 3, rsp = 4, rbp = 5, rsi = 6, rdi = 7
        public static let r8 = 8, r9 = 9, r10 = 10, r11 = 11, r12 = 12, r13 = 13, r14 = 14, r15 = 15
    }

    /// GPR `n` of the exception layout, by encoding number.
    public subscript(gpr n: Int) -> UInt64 {
        get { read(UTCB.gprOffset(n)) }
        nonmutating set { write(UTCB.gprOffset(n), newValue) }
    }

    /// `qual[0]` (0xD8) and `qual[1]` (0xE0): error code and CR2 for an exception.
    public var qualification: (UInt64, UInt64) {
        get { (read(Offset.qual0), read(Offset.qual1)) }
        nonmutating set { write(Offset.qual0, newValue.0); write(Offset.qual1, newValue.1) }
    }

    /// `fs.base` (0x1D8).
    public var fsBase: UInt64 {
        get { read(Offset.fsBase) }
        nonmutating set { write(Offset.fsBase, newValue) }
    }

    /// `gs.base` (0x1E8).
    public var gsBase: UInt64 {
        get { read(Offset.gsBase) }
        nonmutating set { write(Offset.gsBase, newValue) }
    }
}
