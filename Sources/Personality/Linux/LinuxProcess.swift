// SPDX-License-Identifier: MIT
// A Linux process as the personality keeps it: its identity, its PD and EC (selectors in the root
// PD), its memory, open files, working directory and the thread state the syscalls touch
// (set_tid_address(2), set_robust_list(2), arch_prctl(2), prctl(2) PR_SET_NAME).
import Hypervisor

/// Something a file descriptor refers to (the console until the VFS supplies files).
protocol FileObject: AnyObject {
    /// read(2): up to `count` bytes; empty at end of file.
    func readBytes(count: Int) -> Result<[UInt8], Errno>
    /// write(2): the number of bytes written.
    func writeBytes(_ bytes: [UInt8]) -> Result<Int, Errno>
    /// True for a terminal (isatty, TCGETS).
    var isTerminal: Bool { get }
    /// What /proc/PID/fd/N points to.
    var describe: String { get }
    /// A descriptor now refers to this object / no longer does (pipes count their ends).
    func descriptorOpened()
    func descriptorClosed()
    /// Gives back bytes a read took but could not copy out (EFAULT): Linux consumes nothing
    /// then (pipe(7) data stays in the pipe; a file's offset does not move).
    func unread(_ bytes: [UInt8])
}

extension FileObject {
    func descriptorOpened() {}
    func descriptorClosed() {}
    func unread(_ bytes: [UInt8]) {}
}

final class FileDescriptor {
    let object: FileObject
    var closeOnExec: Bool
    init(_ object: FileObject, closeOnExec: Bool = false) {
        self.object = object
        self.closeOnExec = closeOnExec
    }
}

final class LinuxProcess {
    enum State: Equatable { case running, exited(Int32), killed(signal: Int32) }

    let pid: Int32
    let parent: Int32
    /// Selectors in the root PD's object space.
    let pdSelector: UInt64, ecSelector: UInt64, scSelector: UInt64
    /// The semaphore a waiting call blocks on (`reply` with it); upped by `wake`.
    let wakeSM: UInt64
    /// Blocked in a call that waits (SyscallResult.block) until `wake`.
    var waiting = false
    let memory: AddressSpace
    let isInit: Bool
    var state = State.running
    var fds: [Int32: FileDescriptor] = [:]
    /// The working directory (a VFS node; getcwd(2) asks the VFS for its path).
    var cwd: Node
    var umask: UInt32 = 0o022
    /// The program as started: path, argv, environment.
    let executable: String
    let argv: [String]
    let env: [String]
    /// Entry point and initial stack pointer, for the startup exception.
    var entry: UInt64 = 0
    var initialStackPointer: UInt64 = 0
    /// set_tid_address(2): cleared (and futex-woken) when the thread exits.
    var clearChildTID: UInt64 = 0
    var robustList: UInt64 = 0
    /// prctl(PR_SET_NAME): the thread name (16 bytes with the NUL).
    var name: [UInt8]
    /// Actions, masks, pending signals, the alternate stack (Linux/Signals).
    let signals = SignalState()

    init(pid: Int32, parent: Int32, selectors base: UInt64, memory: AddressSpace, isInit: Bool,
         executable: String, argv: [String], env: [String], cwd: Node) {
        self.cwd = cwd
        self.pid = pid
        self.parent = parent
        pdSelector = base
        ecSelector = base + 1
        scSelector = base + 2
        wakeSM = base + 3
        self.memory = memory
        self.isInit = isInit
        self.executable = executable
        self.argv = argv
        self.env = env
        name = Array((executable.split(separator: "/").last.map(String.init) ?? executable).utf8.prefix(15))
    }

    /// Puts `d` at `fd`, closing what was there.
    func install(_ d: FileDescriptor, at fd: Int32) {
        closeDescriptor(fd)
        d.object.descriptorOpened()
        fds[fd] = d
    }

    /// close(2) of `fd`; false if it was not open.
    @discardableResult
    func closeDescriptor(_ fd: Int32) -> Bool {
        guard let d = fds.removeValue(forKey: fd) else { return false }
        d.object.descriptorClosed()
        return true
    }

    /// Closes every descriptor (exit).
    func closeAll() { for fd in fds.keys.sorted() { closeDescriptor(fd) } }

    /// The lowest free descriptor at or above `minimum` (open(2): "the lowest-numbered file
    /// descriptor not currently open").
    func lowestFreeDescriptor(from minimum: Int32 = 0) -> Int32 {
        var fd = minimum
        while fds[fd] != nil { fd += 1 }
        return fd
    }
}
