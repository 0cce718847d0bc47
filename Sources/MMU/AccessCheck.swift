// SPDX-License-Identifier: MIT
// The kinds of memory access and the fault they can raise: SDM Vol. 3A §4.6 (access rights),
// §4.7 (page-fault error code), §3.3.7.1 (canonical addressing).

/// What a memory access is for; decides which permission bits apply.
public enum AccessKind: UInt8, Sendable {
    case read = 0, write = 1, fetch = 2
}

/// A fault raised by address translation, as the CPU will deliver it.
public struct MemoryFault: Error, Equatable, Sendable {
    /// Exception vector: 14 (#PF), 13 (#GP) or 12 (#SS).
    public var vector: UInt8
    /// Error code pushed with the exception.
    public var errorCode: UInt32
    /// The faulting linear address (CR2 for #PF).
    public var address: UInt64

    public init(vector: UInt8, errorCode: UInt32, address: UInt64) {
        self.vector = vector; self.errorCode = errorCode; self.address = address
    }
}

/// Page-fault error-code bits, SDM Vol. 3A §4.7, Figure 4-12.
public enum PFError {
    public static let present: UInt32 = 1 << 0
    public static let write: UInt32 = 1 << 1
    public static let user: UInt32 = 1 << 2
    public static let reserved: UInt32 = 1 << 3
    public static let fetch: UInt32 = 1 << 4
}

/// Control-register bits the MMU honours.
public enum ControlBits {
    public static let cr0WP: UInt64 = 1 << 16
    public static let cr0PG: UInt64 = 1 << 31
    public static let cr4PSE: UInt64 = 1 << 4
    public static let cr4PAE: UInt64 = 1 << 5
    public static let cr4PGE: UInt64 = 1 << 7
    public static let cr4SMEP: UInt64 = 1 << 20
    public static let eferNXE: UInt64 = 1 << 11
}

/// True when `va` is canonical for 48-bit linear addresses (bits 63:47 all equal).
@inlinable @inline(__always)
public func isCanonical(_ va: UInt64) -> Bool {
    UInt64(bitPattern: Int64(bitPattern: va << 16) >> 16) == va
}
