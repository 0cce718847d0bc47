// SPDX-License-Identifier: MIT
// Hypercall status codes, returned in OUT1[7:0] (rdi). Hedron: include/regs.hpp `Sys_regs::Status`;
// thesis digest §2.3.

/// Status (`Sys_regs::Status`): the result of every hypercall, in OUT1[7:0].
///
/// It is also the error type of the hypervisor's internal operations (typed throws), so a failure
/// deep inside, such as an exhausted frame pool, surfaces as the status the caller returns.
public enum Status: UInt8, Error, CaseIterable, Sendable {
    /// SUCCESS: the operation was performed.
    case success = 0
    /// COM_TIM: timeout; also a non-blocking `call` to a portal whose handler is busy.
    case timeout = 1
    /// COM_ABT: the operation was aborted.
    case abort = 2
    /// BAD_HYP: unknown hypercall number.
    case badHypercall = 3
    /// BAD_CAP: a selector does not name a capability of the required kind and permissions.
    case badCapability = 4
    /// BAD_PAR: a parameter is out of range.
    case badParameter = 5
    /// BAD_FTR: the feature (e.g. vCPUs) is not available.
    case badFeature = 6
    /// BAD_CPU: the portal or EC belongs to another CPU.
    case badCPU = 7
    /// BAD_DEV: no such device (IOMMU hypercalls).
    case badDevice = 8

    /// Hedron's name, as traces print it.
    public var name: String {
        switch self {
        case .success: "SUCCESS"
        case .timeout: "COM_TIM"
        case .abort: "COM_ABT"
        case .badHypercall: "BAD_HYP"
        case .badCapability: "BAD_CAP"
        case .badParameter: "BAD_PAR"
        case .badFeature: "BAD_FTR"
        case .badCPU: "BAD_CPU"
        case .badDevice: "BAD_DEV"
        }
    }
}
