// SPDX-License-Identifier: MIT
// --strace decoders of path and file calls (strace 6.1 src/open.c, io.c, stat.c, fstatat64.c,
// access.c, mkdir.c, unlink.c, renameat.c, link.c, readlink.c, chdir.c, getcwd.c, dirent64.c,
// umask.c, lseek.c, sendfile.c).

enum StraceFileCalls {
    static func register(_ t: inout [UInt64: StraceDecoder]) {
        t[2] = { c in open(c, path: 0) }                                                   // open
        t[257] = { c in c.dirfd(0); open(c, path: 1) }                                     // openat
        t[85] = { c in c.path(0); c.octal(1) }                                             // creat
        t[0] = { c in c.fd(0); c.later { c in outBuffer(c, 1); c.unsigned(2) } }            // read
        t[1] = { c in c.fd(0); c.buffer(1, length: c.args[2]); c.unsigned(2) }             // write
        t[17] = { c in c.fd(0); c.later { c in outBuffer(c, 1); c.unsigned(2); c.long(3) } }  // pread64
        t[18] = { c in c.fd(0); c.buffer(1, length: c.args[2]); c.unsigned(2); c.long(3) }    // pwrite64
        t[19] = { c in                                                                     // readv
            c.fd(0)
            c.later { c in c.add(StraceStructs.iovec(c, c.args[1], count: c.args[2], data: c.isError ? nil : c.result)); c.unsigned(2) }
        }
        t[20] = { c in c.fd(0); c.add(StraceStructs.iovec(c, c.args[1], count: c.args[2], data: .max)); c.unsigned(2) } // writev
        t[8] = { c in c.fd(0); c.long(1); c.xval(2, StraceTables.whence, "SEEK_???") }      // lseek
        t[4] = { c in c.path(0); c.later { c in stat(c, 1) } }                              // stat
        t[6] = t[4]                                                                        // lstat
        t[5] = { c in c.fd(0); c.later { c in stat(c, 1) } }                                // fstat
        t[262] = { c in                                                                    // newfstatat
            c.dirfd(0); c.path(1)
            c.later { c in stat(c, 2); c.flags(3, StraceTables.atFlags, "AT_???", width32: true) }
        }
        t[21] = { c in c.path(0); c.flags(1, StraceTables.accessFlags, "?_OK", width32: true) }            // access
        t[269] = { c in c.dirfd(0); c.path(1); c.flags(2, StraceTables.accessFlags, "?_OK", width32: true) } // faccessat
        t[439] = { c in                                                                                   // faccessat2
            c.dirfd(0); c.path(1); c.flags(2, StraceTables.accessFlags, "?_OK", width32: true)
            c.flags(3, StraceTables.atFlags, "AT_???", width32: true)
        }
        t[83] = { c in c.path(0); c.octal(1) }                                             // mkdir
        t[258] = { c in c.dirfd(0); c.path(1); c.octal(2) }                                // mkdirat
        t[84] = { c in c.path(0) }                                                         // rmdir
        t[87] = { c in c.path(0) }                                                         // unlink
        t[263] = { c in c.dirfd(0); c.path(1); c.flags(2, StraceTables.atFlags, "AT_???", width32: true) } // unlinkat
        t[82] = { c in c.path(0); c.path(1) }                                              // rename
        t[264] = { c in c.dirfd(0); c.path(1); c.dirfd(2); c.path(3) }                     // renameat
        t[86] = { c in c.path(0); c.path(1) }                                              // link
        t[265] = { c in c.dirfd(0); c.path(1); c.dirfd(2); c.path(3); c.flags(4, StraceTables.atFlags, "AT_???", width32: true) }
        t[88] = { c in c.path(0); c.path(1) }                                              // symlink
        t[266] = { c in c.path(0); c.dirfd(1); c.path(2) }                                 // symlinkat
        t[89] = { c in c.path(0); c.later { c in outBuffer(c, 1); c.unsigned(2) } }         // readlink
        t[267] = { c in c.dirfd(0); c.path(1); c.later { c in outBuffer(c, 2); c.unsigned(3) } } // readlinkat
        t[80] = { c in c.path(0) }                                                         // chdir
        t[81] = { c in c.fd(0) }                                                           // fchdir
        t[161] = { c in c.path(0) }                                                        // chroot
        t[79] = { c in                                                                     // getcwd
            c.later { c in
                c.add(c.isError ? StraceFormat.address(c.args[0]) : StraceQuote.path(c.memory, c.args[0], limit: Int(min(c.result, 4095))))
                c.unsigned(1)
            }
        }
        t[217] = { c in c.fd(0); c.later { c in dirents(c, legacy: false) } }               // getdents64
        t[78] = { c in c.fd(0); c.later { c in dirents(c, legacy: true) } }                 // getdents
        t[76] = { c in c.path(0); c.long(1) }                                              // truncate
        t[77] = { c in c.fd(0); c.long(1) }                                                // ftruncate
        t[74] = { c in c.fd(0) }                                                           // fsync
        t[75] = { c in c.fd(0) }                                                           // fdatasync
        t[95] = { c in c.octal(0); c.style = .octal }                                      // umask
        t[90] = { c in c.path(0); c.octal(1) }                                             // chmod
        t[91] = { c in c.fd(0); c.octal(1) }                                               // fchmod
        t[268] = { c in c.dirfd(0); c.path(1); c.octal(2) }                                // fchmodat
        t[92] = { c in c.path(0); c.int(1); c.int(2) }                                     // chown
        t[94] = t[92]                                                                      // lchown
        t[93] = { c in c.fd(0); c.int(1); c.int(2) }                                       // fchown
        t[40] = { c in                                                                     // sendfile
            c.fd(0); c.fd(1)
            if c.args[2] == 0 { c.add("NULL"); c.unsigned(3) } else {
                c.add(c.structure(c.args[2], size: 8, exiting: false) { "[\(Int64(bitPattern: StraceBytes.u64($0, 0)))]" })
                c.later { c in
                    if !c.isError, let b = c.memory.read(c.args[2], count: 8) {
                        c.decoded[c.decoded.count - 1] += " => [\(Int64(bitPattern: StraceBytes.u64(b, 0)))]"
                    }
                    c.unsigned(3)
                }
            }
        }
    }

    /// decode_open: path, flags, and the mode with O_CREAT or O_TMPFILE.
    static func open(_ c: StraceCall, path: Int) {
        c.path(path)
        c.add(openFlags(c.args[path + 1] & 0xFFFF_FFFF))
        if c.args[path + 1] & (0o100 | 0o20000000) != 0 { c.octal(path + 2) }
    }

    /// tprint_open_modes: the access mode, then the flags.
    static func openFlags(_ f: UInt64) -> String {
        let mode = StraceTables.accessModes.name(f & 3)!
        return f & ~3 == 0 ? mode : mode + "|" + StraceFormat.flags(f & ~3, StraceTables.openFlags, nil)
    }

    /// read's buffer on exit: the bytes the call returned, or the address if it failed.
    static func outBuffer(_ c: StraceCall, _ i: Int) {
        c.add(c.isError ? StraceFormat.address(c.args[i]) : StraceQuote.buffer(c.memory, c.args[i], c.result))
    }

    static func stat(_ c: StraceCall, _ i: Int) {
        c.add(c.structure(c.args[i], size: 144) { StraceStructs.stat($0) })
    }

    /// getdents64 (non-verbose): the address and a comment with the number of entries.
    static func dirents(_ c: StraceCall, legacy: Bool) {
        if c.isError { c.pointer(1) } else if let b = c.memory.read(c.args[1], count: Int(c.result)) {
            var n = 0, o = 0
            while o + 18 <= b.count {
                let reclen = Int(StraceBytes.u16(b, o + 16))
                if reclen == 0 { break }
                n += 1; o += reclen
            }
            c.add(StraceFormat.address(c.args[1]) + " /* \(n) entries */")
        } else { c.pointer(1) }
        c.unsigned(2)
    }
}
