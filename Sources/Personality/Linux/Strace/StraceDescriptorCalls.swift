// SPDX-License-Identifier: MIT
// --strace decoders of descriptor calls (strace 6.1 src/desc.c close/dup*, fcntl.c print_fcntl,
// ioctl.c and term.c, pipe.c, poll.c).

enum StraceDescriptorCalls {
    static func register(_ t: inout [UInt64: StraceDecoder]) {
        t[3] = { c in c.fd(0) }                                                            // close
        t[32] = { c in c.fd(0) }                                                           // dup
        t[33] = { c in c.fd(0); c.fd(1) }                                                  // dup2
        t[292] = { c in c.fd(0); c.fd(1); c.flags(2, StraceTables.pipeFlags, "O_???", width32: true) } // dup3
        t[72] = fcntl
        t[16] = ioctl
        t[22] = { c in c.later { c in pipeFds(c) } }                                      // pipe
        t[293] = { c in c.later { c in pipeFds(c); c.flags(1, StraceTables.pipeFlags, "O_???", width32: true) } } // pipe2
        t[7] = { c in                                                                     // poll
            c.add(StraceStructs.pollfds(c.memory, c.args[0], count: c.args[1], revents: false))
            c.unsigned(1); c.int(2)
            c.later { c in pollResult(c) }
        }
    }

    /// pipe's out array `[3, 4]`.
    static func pipeFds(_ c: StraceCall) {
        c.add(c.structure(c.args[0], size: 8) {
            "[\(Int32(truncatingIfNeeded: StraceBytes.u32($0, 0))), \(Int32(truncatingIfNeeded: StraceBytes.u32($0, 4)))]"
        })
    }

    /// poll's result: ` ([{fd=0, revents=POLLIN}])`, or `Timeout`.
    static func pollResult(_ c: StraceCall) {
        guard !c.isError else { return }
        if c.result == 0 { c.auxiliary = "Timeout"; return }
        var items: [String] = []
        for i in 0 ..< min(c.args[1], 1024) {
            guard let b = c.memory.read(c.args[0] + i * 8, count: 8) else { break }
            let rev = UInt64(StraceBytes.u16(b, 6))
            if rev != 0 {
                items.append("{fd=\(Int32(truncatingIfNeeded: StraceBytes.u32(b, 0))), revents="
                             + StraceFormat.flags(rev, StraceTables.pollEvents, "POLL???") + "}")
            }
        }
        c.auxiliary = "[" + items.joined(separator: ", ") + "]"
    }

    /// print_fcntl: the command, then its argument as the command reads it.
    static func fcntl(_ c: StraceCall) {
        c.fd(0)
        let cmd = c.args[1] & 0xFFFF_FFFF
        c.xval(1, StraceTables.fcntl, "F_???")
        switch cmd {
        case 2: c.flags(2, StraceTables.fdFlags, "FD_???")                              // F_SETFD
        case 4: c.add(StraceFileCalls.openFlags(c.args[2] & 0xFFFF_FFFF))                // F_SETFL
        case 0, 1030, 1031: c.int(2)                                                     // F_DUPFD, F_DUPFD_CLOEXEC, F_SETPIPE_SZ
        case 10: c.signal(2)                                                             // F_SETSIG
        case 1: c.later { c in                                                           // F_GETFD
            if !c.isError, c.result != 0, let a = StraceFormat.flagsAux("flags", c.result, StraceTables.fdFlags) {
                c.style = .hex; c.auxiliary = a
            }
        }
        case 3: c.later { c in                                                           // F_GETFL
            if !c.isError { c.style = .hex; c.auxiliary = "flags " + StraceFileCalls.openFlags(c.result & 0xFFFF_FFFF) }
        }
        case 9, 11, 1025, 1032, 1034: break                                              // the F_GET* without an argument
        default: c.hex(2)
        }
    }

    /// ioctl: the request by name, its argument decoded for the terminal requests.
    static func ioctl(_ c: StraceCall) {
        c.fd(0)
        let request = c.args[1] & 0xFFFF_FFFF
        c.add(StraceTables.ioctls.name(request) ?? StraceFormat.hex(request))
        switch request {
        case 0x5413: c.later { c in c.add(c.structure(c.args[2], size: 8) { StraceStructs.winsize($0) }) }  // TIOCGWINSZ
        case 0x5414: c.add(c.structure(c.args[2], size: 8, exiting: false) { StraceStructs.winsize($0) })   // TIOCSWINSZ
        case 0x540F: c.later { c in                                                                       // TIOCGPGRP
            c.add(c.structure(c.args[2], size: 4) { "[\(Int32(truncatingIfNeeded: StraceBytes.u32($0, 0)))]" })
        }
        case 0x5410, 0x5421, 0x5452: c.add(c.structure(c.args[2], size: 4, exiting: false) {               // TIOCSPGRP, FIONBIO, FIOASYNC
            "[\(Int32(truncatingIfNeeded: StraceBytes.u32($0, 0)))]"
        })
        case 0x541B: c.later { c in                                                                       // FIONREAD
            c.add(c.structure(c.args[2], size: 4) { "[\(Int32(truncatingIfNeeded: StraceBytes.u32($0, 0)))]" })
        }
        case 0x5450, 0x5451: break                                                                        // FIONCLEX, FIOCLEX
        // TCGETS/TCSETS*: strace prints the termios flags (term.c decode_termios); not decoded
        // here (the programs we trace never have a terminal), so the address as in -e raw.
        default: c.hex(2)
        }
    }
}
