// SPDX-License-Identifier: MIT
// The metadata word of a delegation: `pd_ctrl_delegate` ARG4 and the second word of a typed item.
// Hedron: include/crd.hpp `Xfer` (`kind`, `subspaces`, `from_kern`, `hotspot`); thesis digest §2.5.

/// Delegate flags (`Xfer` metadata): how a typed item or `pd_ctrl_delegate` transfers a CRD.
///
/// ```
///  63                     12  11   10   9    8   7    2 1  0
/// +-------------------------+----+----+----+----+------+----+
/// | hotspot                 | hv | dev| gst|!hst|  0   |kind|
/// +-------------------------+----+----+----+----+------+----+
/// ```
public struct DelegateFlags: RawRepresentable, Hashable, Sendable {
    /// Transfer kind (`Xfer::Kind`), bits `[1:0]`.
    public enum Kind: UInt8, Sendable, CaseIterable {
        /// `TRANSLATE`: give the receiver its own selector for a capability it already holds.
        case translate = 0
        /// `DELEGATE`: map the capability into the receiver's window.
        case delegate = 1
        /// `TRANS_DELEGATE`: translate if possible, otherwise delegate.
        case translateDelegate = 2
        /// `INVALID`: the item transfers nothing.
        case invalid = 3
    }

    /// Subspace bits as `Xfer::subspaces` returns them (the host bit un-inverted).
    public struct Subspaces: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// `SUBSPACE_HOST`: the host page table (the one the CPU walks).
        public static let host = Subspaces(rawValue: 1 << 0)
        /// `SUBSPACE_GUEST`: the nested (EPT/NPT) page table of vCPUs.
        public static let guest = Subspaces(rawValue: 1 << 1)
        /// `SUBSPACE_DEVICE`: the IOMMU page table.
        public static let device = Subspaces(rawValue: 1 << 2)
    }

    public var rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Builds the word from its fields.
    public init(kind: Kind, noHost: Bool = false, guest: Bool = false, device: Bool = false,
                hypervisor: Bool = false, hotspot: UInt64 = 0) {
        rawValue = hotspot << 12 | (hypervisor ? 1 << 11 : 0) | (device ? 1 << 10 : 0)
            | (guest ? 1 << 9 : 0) | (noHost ? 1 << 8 : 0) | UInt64(kind.rawValue)
    }

    /// Kind, bits `[1:0]` (`Xfer::kind`).
    public var kind: Kind { Kind(rawValue: UInt8(rawValue & 0x3))! }
    /// `!host`, bit `[8]`: do *not* map into the host page table (inverted for compatibility).
    public var noHost: Bool { rawValue & (1 << 8) != 0 }
    /// `guest`, bit `[9]`: map into the guest (nested) page table.
    public var guest: Bool { rawValue & (1 << 9) != 0 }
    /// `device`, bit `[10]`: map into the IOMMU page table.
    public var device: Bool { rawValue & (1 << 10) != 0 }
    /// `hypervisor`, bit `[11]` (`Xfer::from_kern`): the source is the kernel PD. Honoured only
    /// for a privileged (root) PD; this is how the roottask takes RAM and I/O ports.
    public var hypervisor: Bool { rawValue & (1 << 11) != 0 }
    /// Hotspot, bits `[63:12]` (`Xfer::hotspot`): picks the part of the larger of source and
    /// receive window that the smaller one lands on.
    public var hotspot: UInt64 { rawValue >> 12 }
    /// Flags, bits `[11:0]` (`Xfer::flags`).
    public var flags: UInt64 { rawValue & 0xFFF }
    /// The subspaces to map into, `((word >> 8) & 7) ^ 1` (`Xfer::subspaces`).
    public var subspaces: Subspaces { Subspaces(rawValue: UInt8(truncatingIfNeeded: (rawValue >> 8) & 0x7) ^ 1) }
}
