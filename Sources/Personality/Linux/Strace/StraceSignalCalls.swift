// SPDX-License-Identifier: MIT
// --strace decoders of signal calls (strace 6.1 src/signal.c, sigaltstack.c, sigreturn.c and
// linux/x86_64/arch_sigreturn.c).

enum StraceSignalCalls {
    static func register(_ t: inout [UInt64: StraceDecoder]) {
        t[13] = { c in                                                                    // rt_sigaction
            c.signal(0)
            c.add(c.structure(c.args[1], size: 32, exiting: false) { StraceStructs.sigaction($0) })
            c.later { c in c.add(c.structure(c.args[2], size: 32) { StraceStructs.sigaction($0) }); c.unsigned(3) }
        }
        t[14] = { c in                                                                    // rt_sigprocmask
            c.xval(0, StraceTables.sigprocmask, "SIG_???")
            c.add(StraceSignals.maskAt(c.memory, c.args[1], size: c.args[3]))
            c.later { c in
                c.add(c.isError && c.args[2] != 0 ? StraceFormat.address(c.args[2]) : StraceSignals.maskAt(c.memory, c.args[2], size: c.args[3]))
                c.unsigned(3)
            }
        }
        t[127] = { c in                                                                   // rt_sigpending
            c.later { c in
                c.add(c.isError && c.args[0] != 0 ? StraceFormat.address(c.args[0]) : StraceSignals.maskAt(c.memory, c.args[0], size: c.args[1]))
                c.unsigned(1)
            }
        }
        t[130] = { c in c.add(StraceSignals.maskAt(c.memory, c.args[0], size: c.args[1])); c.unsigned(1) } // rt_sigsuspend
        t[15] = { c in                                                                    // rt_sigreturn
            // The ucontext's uc_sigmask: the handler's `ret` popped pretcode, so RSP is the ucontext.
            let mask = c.userStack &+ UInt64(SignalFrame.ucSigmask - SignalFrame.ucontext)
            c.add("{mask=" + StraceSignals.maskAt(c.memory, mask) + "}")
        }
        t[131] = { c in                                                                   // sigaltstack
            c.add(c.structure(c.args[0], size: 24, exiting: false) { StraceStructs.stack($0) })
            c.later { c in c.add(c.structure(c.args[1], size: 24) { StraceStructs.stack($0) }) }
        }
        t[62] = { c in c.int(0); c.signal(1) }                                            // kill
        t[200] = { c in c.int(0); c.signal(1) }                                           // tkill
        t[234] = { c in c.int(0); c.int(1); c.signal(2) }                                 // tgkill
        t[129] = { c in                                                                   // rt_sigqueueinfo
            c.int(0); c.signal(1)
            c.add(c.structure(c.args[2], size: 128, exiting: false) { StraceSignals.siginfo($0) })
        }
        t[128] = { c in                                                                   // rt_sigtimedwait
            c.add(StraceSignals.maskAt(c.memory, c.args[0], size: c.args[3]))
            c.later { c in
                c.add(c.structure(c.args[1], size: 128) { StraceSignals.siginfo($0) })
                c.add(c.structure(c.args[2], size: 16, exiting: false) { StraceStructs.timespec($0) })
                c.unsigned(3)
                if !c.isError, let n = StraceSignals.name(Int64(c.result)) { c.auxiliary = n }
            }
        }
    }
}
