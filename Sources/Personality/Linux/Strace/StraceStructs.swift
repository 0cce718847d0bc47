// SPDX-License-Identifier: MIT
// Structures as strace(1) prints them without -v (strace 6.1 src/print_struct_stat.c,
// print_timespec.c, uname.c, signal.c decode_new_sigaction, sigaltstack.c, resource.c,
// term.c, io.c tprint_iov_upto, util.c print_array_ex). Offsets are x86-64's.

enum StraceStructs {
    /// struct stat, abbreviated: st_mode, then st_rdev (devices) or st_size, then `...`.
    static func stat(_ b: [UInt8]) -> String {
        let mode = StraceBytes.u32(b, 24)
        let type = UInt64(mode) & 0o170000
        var s = "{st_mode=" + fileMode(mode) + ", "
        if type == 0o20000 || type == 0o60000 {
            s += "st_rdev=" + device(StraceBytes.u64(b, 40))
        } else {
            s += "st_size=\(Int64(bitPattern: StraceBytes.u64(b, 48)))"
        }
        return s + ", ...}"
    }

    /// print_symbolic_mode_t: `S_IFREG|0644`, with S_ISUID/S_ISGID/S_ISVTX spelled out.
    static func fileMode(_ mode: UInt32) -> String {
        let m = UInt64(mode)
        guard m & 0o170000 != 0, let type = StraceTables.fileTypes.name(m & 0o170000) else { return StraceFormat.octal(m) }
        return type + "|" + (m & 0o4000 != 0 ? "S_ISUID|" : "") + (m & 0o2000 != 0 ? "S_ISGID|" : "")
            + (m & 0o1000 != 0 ? "S_ISVTX|" : "") + StraceFormat.octal(m & 0o777)
    }

    /// PRINT_FIELD_DEV: `makedev(0x1, 0x3)` (glibc's major/minor split of a dev_t).
    static func device(_ d: UInt64) -> String {
        let major = ((d >> 8) & 0xFFF) | ((d >> 32) & ~0xFFF)
        let minor = (d & 0xFF) | ((d >> 12) & ~0xFF)
        return "makedev(\(StraceFormat.hex(major)), \(StraceFormat.hex(minor)))"
    }

    /// struct timespec / timeval: `{tv_sec=1, tv_nsec=5}`.
    static func timespec(_ b: [UInt8], usec: Bool = false) -> String {
        "{tv_sec=\(Int64(bitPattern: StraceBytes.u64(b, 0))), \(usec ? "tv_usec" : "tv_nsec")=\(Int64(bitPattern: StraceBytes.u64(b, 8)))}"
    }

    /// struct utsname, abbreviated after nodename.
    static func utsname(_ b: [UInt8]) -> String {
        "{sysname=" + StraceQuote.field(b[0 ..< 65]) + ", nodename=" + StraceQuote.field(b[65 ..< 130]) + ", ...}"
    }

    /// The kernel's struct sigaction (sa_handler, sa_flags, sa_restorer, sa_mask).
    static func sigaction(_ b: [UInt8]) -> String {
        let handler = StraceBytes.u64(b, 0), flags = StraceBytes.u64(b, 8)
        let h = switch handler {
        case 0: "SIG_DFL"
        case 1: "SIG_IGN"
        case UInt64.max: "SIG_ERR"
        default: StraceFormat.address(handler)
        }
        var s = "{sa_handler=" + h + ", sa_mask=" + StraceSignals.mask(StraceBytes.u64(b, 24))
        s += ", sa_flags=" + StraceFormat.flags(flags, StraceTables.saFlags, "SA_???")
        if flags & 0x0400_0000 != 0 { s += ", sa_restorer=" + StraceFormat.address(StraceBytes.u64(b, 16)) }
        return s + "}"
    }

    /// stack_t: `{ss_sp=0x…, ss_flags=0, ss_size=65536}`.
    static func stack(_ b: [UInt8]) -> String {
        "{ss_sp=" + StraceFormat.address(StraceBytes.u64(b, 0)) + ", ss_flags="
            + StraceFormat.flags(UInt64(StraceBytes.u32(b, 8)), StraceTables.ssFlags, "SS_???")
            + ", ss_size=\(StraceBytes.u64(b, 16))}"
    }

    /// struct rlimit: `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}` (resource.c sprint_rlim64).
    static func rlimit(_ b: [UInt8]) -> String {
        func lim(_ v: UInt64) -> String {
            if v == .max { return "RLIM64_INFINITY" }
            if v > 1024 && v % 1024 == 0 { return "\(v / 1024)*1024" }
            return String(v)
        }
        return "{rlim_cur=" + lim(StraceBytes.u64(b, 0)) + ", rlim_max=" + lim(StraceBytes.u64(b, 8)) + "}"
    }

    /// struct winsize (TIOCGWINSZ).
    static func winsize(_ b: [UInt8]) -> String {
        "{ws_row=\(StraceBytes.u16(b, 0)), ws_col=\(StraceBytes.u16(b, 2)), ws_xpixel=\(StraceBytes.u16(b, 4)), ws_ypixel=\(StraceBytes.u16(b, 6))}"
    }

    /// tprint_iov_upto: an array of `{iov_base=…, iov_len=N}`, the bases as buffers of at most
    /// `data` bytes in all (nil: addresses, for a failed readv).
    static func iovec(_ c: StraceCall, _ address: UInt64, count: UInt64, data: UInt64?) -> String {
        var remaining = data ?? 0
        return array(c.memory, address, count: count, size: 16) { b in
            let base = StraceBytes.u64(b, 0), len = StraceBytes.u64(b, 8)
            let shown: String
            if let _ = data {
                let n = min(len, remaining)
                if remaining != .max { remaining -= n }
                shown = StraceQuote.buffer(c.memory, base, n)
            } else {
                shown = StraceFormat.address(base)
            }
            return "{iov_base=" + shown + ", iov_len=\(len)}"
        }
    }

    /// print_array_ex without -v: at most -s elements, then `...`; an unreadable first element
    /// prints the address, a later one `... /* 0x… */`.
    static func array(_ m: StraceMemory, _ address: UInt64, count: UInt64, size: Int, _ element: ([UInt8]) -> String) -> String {
        if address == 0 { return "NULL" }
        if count == 0 { return "[]" }
        let (total, overflow) = count.multipliedReportingOverflow(by: UInt64(size))
        if overflow || address &+ total <= address { return StraceFormat.address(address) }
        var items: [String] = []
        var a = address
        for i in 0 ..< count {
            guard let b = m.read(a, count: size) else {
                if i == 0 { return StraceFormat.address(address) }
                items.append("... /* " + StraceFormat.hex(a) + " */")
                break
            }
            if i == UInt64(StraceQuote.maxStringLength) { items.append("..."); break }
            items.append(element(b))
            a &+= UInt64(size)
        }
        return "[" + items.joined(separator: ", ") + "]"
    }

    /// struct pollfd array; `revents`: the out form (only the fds with events, poll.c).
    static func pollfds(_ m: StraceMemory, _ address: UInt64, count: UInt64, revents: Bool) -> String {
        array(m, address, count: count, size: 8) { b in
            let fd = Int32(truncatingIfNeeded: StraceBytes.u32(b, 0))
            let ev = UInt64(StraceBytes.u16(b, revents ? 6 : 4))
            return "{fd=\(fd), \(revents ? "revents" : "events")=" + StraceFormat.flags(ev, StraceTables.pollEvents, "POLL???") + "}"
        }
    }
}
