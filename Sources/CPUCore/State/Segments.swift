// SPDX-License-Identifier: MIT
// Segment registers and descriptor-table registers: SDM Vol. 3A §3.4 (selectors, descriptors),
// §3.4.5 (descriptor format) and §5.2 (64-bit mode segment use).

/// The six segment registers in encoding order (ModRM.reg of MOV Sreg).
public enum Segment: Int, CaseIterable, Sendable {
    case es = 0, cs, ss, ds, fs, gs
}

/// A segment register: the visible selector and the hidden descriptor cache.
@frozen public struct SegmentRegister: Equatable, Sendable {
    public var selector: UInt16
    public var base: UInt64
    public var limit: UInt32
    /// Descriptor bits 40–55 of the descriptor (type, S, DPL, P, AVL, L, D/B, G) as loaded.
    public var attributes: UInt16

    public init(selector: UInt16 = 0, base: UInt64 = 0, limit: UInt32 = 0xFFFF_FFFF, attributes: UInt16 = 0) {
        self.selector = selector; self.base = base; self.limit = limit; self.attributes = attributes
    }

    public var dpl: UInt8 { UInt8((attributes >> 5) & 3) }
    public var present: Bool { attributes & 0x80 != 0 }
    /// CS.L: 64-bit code segment.
    public var long: Bool { attributes & 0x2000 != 0 }
}

/// GDTR or IDTR.
public struct DescriptorTableRegister: Equatable, Sendable {
    public var base: UInt64 = 0
    public var limit: UInt16 = 0
    public init(base: UInt64 = 0, limit: UInt16 = 0) { self.base = base; self.limit = limit }
}
