// SPDX-License-Identifier: MIT
// The clocks of clock_gettime(2). Virtual (default): CLOCK_MONOTONIC is the TSC, which counts
// retired guest instructions at a nominal 1 GHz (HIP freq_tsc), plus the time programs slept;
// CLOCK_REALTIME is that plus a fixed epoch, so every run sees the same times. Host mode
// (`--realtime`): the host's clocks.
import Glibc
import Hypervisor

final class Clock {
    /// CLOCK_REALTIME at boot in virtual mode: 2026-01-01T00:00:00Z.
    static let virtualEpoch: UInt64 = 1_767_225_600 * 1_000_000_000
    let api: RootAPI
    let host: Bool
    private var slept: UInt64 = 0
    private let bootTSC: UInt64

    init(api: RootAPI, host: Bool) {
        self.api = api
        self.host = host
        bootTSC = api.tsc
    }

    var monotonicNanoseconds: UInt64 {
        if host { return Clock.hostNanoseconds(CLOCK_MONOTONIC) }
        return (api.tsc &- bootTSC) &+ slept      // 1 tick = 1 ns at freq_tsc 1,000,000 kHz
    }

    var realtimeNanoseconds: UInt64 {
        host ? Clock.hostNanoseconds(CLOCK_REALTIME) : Clock.virtualEpoch &+ monotonicNanoseconds
    }

    /// The time of clock `id` (clock_gettime(2) clock IDs 0–11), nil for an unknown clock.
    func read(clockID id: Int32) -> UInt64? {
        switch id {
        case 0, 5, 8, 11: return realtimeNanoseconds             // REALTIME, _COARSE, _ALARM, TAI
        case 1, 4, 6, 7, 9: return monotonicNanoseconds          // MONOTONIC, _RAW, _COARSE, BOOTTIME(_ALARM)
        case 2, 3: return host ? Clock.hostNanoseconds(CLOCK_PROCESS_CPUTIME_ID) : api.tsc &- bootTSC
        default: return nil
        }
    }

    /// A sleep: virtual time moves on by `nanoseconds`; host mode really sleeps.
    func sleep(nanoseconds: UInt64) {
        if host {
            var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
            var left = timespec()
            while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
        } else {
            slept &+= nanoseconds
        }
    }

    static func hostNanoseconds(_ id: clockid_t) -> UInt64 {
        var ts = timespec()
        clock_gettime(id, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
