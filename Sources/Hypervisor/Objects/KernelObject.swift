// SPDX-License-Identifier: MIT
// The kinds of kernel object and their common base. Hedron: include/kobject.hpp (`Kobject::Type`,
// `Typed_kobject`); thesis Table 2.1.

/// Kernel object (`Kobject`): what an object capability points at. The kind is stored, not
/// derived by a dynamic cast, so a capability check is one compare (`capability_cast`).
public class KernelObject {
    /// Object kind (`Kobject::Type`), in Hedron's order.
    public enum Kind: UInt8, Sendable, CaseIterable {
        case pd, ec, sc, pt, sm
    }

    /// The kind, fixed at creation.
    public let kind: Kind
    /// A name for debuggers and traces ("hello", "main"): not part of Hedron's interface, and
    /// nothing in the kernel reads it. The roottask sets it with `RootAPI.setDebugName`.
    public var debugName = ""

    init(kind: Kind) { self.kind = kind }
}

/// A concrete kernel-object class (`Typed_kobject<T>`): its kind and its permission set, which
/// `Capability.validate` uses to check a capability statically typed.
public protocol TypedKernelObject: KernelObject {
    associatedtype Permissions: CapabilityPermissions
    /// The kind every instance has (`kobject_type`).
    static var objectKind: KernelObject.Kind { get }
}
