// SPDX-License-Identifier: MIT
import Testing
@testable import Personality

@Suite struct ErrnoTests {
    /// errno(3) numbers of x86-64 Linux, and the register value a failing syscall returns.
    @Test func valuesAndSyscallReturn() {
        #expect(Errno.ENOENT.rawValue == 2 && Errno.EBADF.rawValue == 9 && Errno.ENOSYS.rawValue == 38)
        #expect(Errno.ENOSYS.syscallReturn == UInt64(bitPattern: -38))
        #expect(Errno.EPERM.syscallReturn == 0xFFFF_FFFF_FFFF_FFFF)
    }
}
