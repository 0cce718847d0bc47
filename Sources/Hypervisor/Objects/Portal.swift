// SPDX-License-Identifier: MIT
// Portal: an IPC entry point into a local EC. Hedron: include/pt.hpp, src/pt.cpp; digest §1.4.

/// Portal (PT, `Pt`): calls through it run `ec` at `ip`, with `rdi` = `id` and, for
/// exception-style calls, the registers `mtd` selects in the EC's UTCB.
public final class Portal: KernelObject, TypedKernelObject {
    public typealias Permissions = PTPermissions
    public static let objectKind = KernelObject.Kind.pt

    /// The local EC that handles calls (`ec`).
    public let ec: ExecutionContext
    /// Registers transferred on exception-style calls (`mtd`).
    public let mtd: MTD
    /// Handler entry point (`ip`).
    public let ip: UInt64
    /// Portal ID (`id`), set with `pt_ctrl`; passed to the handler in rdi. Starts at 0.
    public var id: UInt64 = 0

    public init(ec: ExecutionContext, mtd: MTD, ip: UInt64) {
        self.ec = ec
        self.mtd = mtd
        self.ip = ip
        super.init(kind: .pt)
    }
}
