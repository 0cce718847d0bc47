// SPDX-License-Identifier: MIT
// Services for native (Hedron-ABI) programs, called with `call` through portals the roottask
// delegates into them at the thesis's selectors (digest §3.2, §3.5): stdout 36, stderr 37, echo
// 39, raw echo 40 — and exit 41, emu's addition (the thesis's native apps never ended). The
// message is untyped UTCB words, not the thesis's postcard encoding:
//   stdout/stderr: word 0 = byte count n (at most 8 × 507), words 1… = the bytes, packed
//                  little-endian; the reply's word 0 = bytes written (untyped count 1).
//   echo/raw echo: the words come back unchanged.
//   exit:          word 0 = the status; no reply (the program is torn down).
// The allocator (35) and file-server (38) services of the thesis are not provided.
import Hypervisor

enum NativeService: UInt64, CaseIterable {
    case stdout = 36, stderr = 37, echo = 39, rawEcho = 40, exit = 41

    /// Service → the selector it is delegated to in the program's object space.
    static var layout: [(NativeService, UInt64)] { allCases.map { ($0, $0.rawValue) } }

    /// Portal IDs of services: bit 40 set, then the PID and the service.
    static func portalID(pid: Int32, _ s: NativeService) -> UInt64 { 1 << 40 | UInt64(pid) << 8 | s.rawValue }
}

extension LinuxPersonality {
    func handleService(_ handler: ExecutionContext, portalID: UInt64) -> HostReply {
        let u = handler.utcb
        guard let service = NativeService(rawValue: portalID & 0xFF),
              let process = processes[Int32(truncatingIfNeeded: (portalID >> 8) & 0xFFFF_FFFF)], process.state == .running else {
            return .noReply
        }
        let words = u.transferredUntyped
        switch service {
        case .stdout, .stderr:
            let n = words > 0 ? Int(min(u[word: 0], UInt64(8 * (words - 1)))) : 0
            var bytes: [UInt8] = []
            bytes.reserveCapacity(n)
            for i in 0 ..< n { bytes.append(UInt8(truncatingIfNeeded: u[word: 1 + i / 8] >> (8 * UInt64(i % 8)))) }
            let written = console.write(bytes, uart: service == .stdout ? Console.com1 : Console.com2) ? n : 0
            u[word: 0] = UInt64(written)
            u.items = 1
            return .reply
        case .echo, .rawEcho:
            return .reply          // the caller's words are still in the UTCB (Utcb::save copied them)
        case .exit:
            exit(process, status: Int32(truncatingIfNeeded: words > 0 ? u[word: 0] : 0))
            return .noReply
        }
    }
}
