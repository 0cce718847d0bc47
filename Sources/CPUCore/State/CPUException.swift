// SPDX-License-Identifier: MIT
// Exceptions as values (STYLE.md: a throw would add a prologue to every handler). Vectors and
// error-code rules: SDM Vol. 3A §6.3 and Table 6-1.

/// An exception raised by an instruction, with the exact vector, error code and CR2.
public struct CPUException: Error, Equatable, Sendable, CustomStringConvertible {
    public var vector: UInt8
    public var errorCode: UInt32?
    /// Faulting linear address for #PF.
    public var address: UInt64

    public init(_ vector: UInt8, errorCode: UInt32? = nil, address: UInt64 = 0) {
        self.vector = vector; self.errorCode = errorCode; self.address = address
    }

    public static let DE: UInt8 = 0, DB: UInt8 = 1, NMI: UInt8 = 2, BP: UInt8 = 3, OF: UInt8 = 4
    public static let BR: UInt8 = 5, UD: UInt8 = 6, NM: UInt8 = 7, DF: UInt8 = 8, TS: UInt8 = 10
    public static let NP: UInt8 = 11, SS: UInt8 = 12, GP: UInt8 = 13, PF: UInt8 = 14, MF: UInt8 = 16
    public static let AC: UInt8 = 17, MC: UInt8 = 18, XM: UInt8 = 19

    public static func gp(_ code: UInt32 = 0) -> CPUException { CPUException(GP, errorCode: code) }
    public static var ud: CPUException { CPUException(UD) }

    /// Mnemonic of the vector ("#PF").
    public static func name(_ v: UInt8) -> String {
        let names = ["#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#MF9", "#TS", "#NP",
                     "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE"]
        return Int(v) < names.count ? names[Int(v)] : "vector \(v)"
    }

    /// Vectors that push an error code (Table 6-1).
    public static func hasErrorCode(_ v: UInt8) -> Bool {
        [8, 10, 11, 12, 13, 14, 17].contains(v)
    }

    public var description: String {
        var s = CPUException.name(vector)
        if let e = errorCode { s += "(\(String(e, radix: 16)))" }
        if vector == CPUException.PF { s += " at 0x\(String(address, radix: 16))" }
        return s
    }
}
