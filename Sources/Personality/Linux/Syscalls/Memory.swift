// SPDX-License-Identifier: MIT
// Memory calls: brk(2), mmap(2), munmap(2), mprotect(2), mremap(2), madvise(2). Areas are kept by
// the process's AddressSpace; pages arrive on first touch (demand paging), so a PROT_NONE
// reservation of hundreds of MiB commits nothing.

enum MemorySyscalls {
    static let page: UInt64 = 4096
    static func pageAlign(_ n: UInt64) -> UInt64? { n > UInt64.max - 4095 ? nil : (n + 4095) & ~4095 }

    static func register(_ t: inout [UInt64: SyscallHandler]) {
        t[12] = brk
        t[9] = mmap
        t[11] = munmap
        t[10] = mprotect
        t[25] = mremap
        t[28] = madvise
    }

    /// brk(2): the kernel call returns the new break, or the old one if it cannot move.
    static func brk(_ c: SyscallContext) -> SyscallResult {
        let m = c.memory
        let want = c.arg(0)
        guard want >= m.brkStart, let newEnd = pageAlign(want), let oldEnd = pageAlign(m.brk) else { return .value(m.brk) }
        if newEnd > oldEnd {
            guard newEnd <= AddressSpace.mmapTop, m.isFree(oldEnd, newEnd) else { return .value(m.brk) }
            if let i = m.vmas.firstIndex(where: { $0.name == "[heap]" && $0.end == oldEnd }) {
                var heap = m.vmas[i]
                heap.end = newEnd
                m.replace(m.vmas[i], with: heap)
            } else {
                m.insert(VMA(start: oldEnd, end: newEnd, protection: [.read, .write], content: .anonymous, name: "[heap]"))
            }
        } else if newEnd < oldEnd {
            m.remove(newEnd, oldEnd)
        }
        m.brk = want
        return .value(want)
    }

    /// mmap(2). MAP_SHARED 0x1, MAP_PRIVATE 0x2, MAP_FIXED 0x10, MAP_ANONYMOUS 0x20,
    /// MAP_FIXED_NOREPLACE 0x100000.
    static func mmap(_ c: SyscallContext) -> SyscallResult {
        let (addr, len, prot, flags, offset) = (c.arg(0), c.arg(1), c.arg(2), c.arg(3), c.arg(5))
        let fd = c.int32(4)
        let type = flags & 0x3
        guard len != 0, type == 1 || type == 2 || type == 3, offset & 0xFFF == 0 else { return .error(.EINVAL) }
        guard prot & ~UInt64(0x7) == 0 || prot & 0x0100_0000 != 0 else { return .error(.EINVAL) }
        guard let length = pageAlign(len), length <= AddressSpace.userTop else { return .error(.ENOMEM) }
        let fixed = flags & 0x10 != 0, noReplace = flags & 0x10_0000 != 0
        let m = c.memory
        var content = VMA.Content.anonymous
        var name = ""
        if flags & 0x20 == 0 {
            switch c.personality.mappableBytes(c.process, fd: fd) {
            case .failure(let e): return .error(e)
            case .success(let (bytes, path)):
                guard offset <= UInt64(bytes.count) else { return .error(.EINVAL) }
                let available = UInt64(bytes.count) - offset
                content = .file(bytes: bytes, offset: offset, fileSize: min(available, length))
                name = path
            }
        }
        let start: UInt64
        if fixed || noReplace {
            guard addr & 0xFFF == 0 else { return .error(.EINVAL) }
            guard addr >= AddressSpace.minimumAddress, addr &+ length <= AddressSpace.userTop, addr &+ length > addr else {
                return .error(noReplace && !fixed ? .EEXIST : .ENOMEM)
            }
            if noReplace && !m.isFree(addr, addr + length) { return .error(.EEXIST) }
            m.remove(addr, addr + length)
            start = addr
        } else if addr != 0, let hint = pageAlign(addr), hint >= AddressSpace.minimumAddress,
                  hint &+ length <= AddressSpace.mmapTop, m.isFree(hint, hint + length) {
            start = hint
        } else {
            guard let s = m.findFree(length: length) else { return .error(.ENOMEM) }
            start = s
        }
        var vma = VMA(start: start, end: start + length, protection: Protection(rawValue: UInt8(prot & 7)),
                      content: content, name: name)
        vma.pastEndIsBusError = flags & 0x20 == 0
        m.insert(vma)
        return .value(start)
    }

    static func munmap(_ c: SyscallContext) -> SyscallResult {
        let addr = c.arg(0)
        guard addr & 0xFFF == 0, c.arg(1) != 0, let length = pageAlign(c.arg(1)), addr &+ length >= addr else {
            return .error(.EINVAL)
        }
        c.memory.remove(addr, min(addr + length, AddressSpace.userTop))
        return .zero
    }

    /// mprotect(2): ENOMEM if part of the range is not mapped.
    static func mprotect(_ c: SyscallContext) -> SyscallResult {
        let addr = c.arg(0)
        guard addr & 0xFFF == 0, c.arg(2) & ~UInt64(0x7) == 0 || c.arg(2) & 0x0300_0000 != 0,
              let length = pageAlign(c.arg(1)), addr &+ length >= addr else { return .error(.EINVAL) }
        if length == 0 { return .zero }
        guard covered(c.memory, addr, addr + length) else { return .error(.ENOMEM) }
        c.memory.protect(addr, addr + length, Protection(rawValue: UInt8(c.arg(2) & 7)))
        return .zero
    }

    static func covered(_ m: AddressSpace, _ start: UInt64, _ end: UInt64) -> Bool {
        var a = start
        for v in m.vmas where v.end > a && v.start < end {
            if v.start > a { return false }
            a = v.end
            if a >= end { return true }
        }
        return a >= end
    }

    /// mremap(2): MREMAP_MAYMOVE 1, MREMAP_FIXED 2. Growing in place when the space after the
    /// area is free; otherwise moving the area (its pages go with it) if allowed.
    static func mremap(_ c: SyscallContext) -> SyscallResult {
        let (old, flags, newAddr) = (c.arg(0), c.arg(3), c.arg(4))
        guard old & 0xFFF == 0, flags & ~UInt64(0x7) == 0, flags & 2 == 0 || flags & 1 != 0,
              let oldLen = pageAlign(c.arg(1)), let newLen = pageAlign(c.arg(2)), newLen != 0 else { return .error(.EINVAL) }
        let m = c.memory
        guard let vma = m.area(containing: old), old + oldLen <= vma.end || oldLen == 0 else { return .error(.EFAULT) }
        if flags & 2 == 0 {
            if newLen <= oldLen {
                if newLen < oldLen { m.remove(old + newLen, old + oldLen) }
                return .value(old)
            }
            if old + oldLen == vma.end, m.isFree(vma.end, old + newLen), old + newLen <= AddressSpace.mmapTop {
                var grown = vma
                grown.end = old + newLen
                m.replace(vma, with: grown)
                return .value(old)
            }
            guard flags & 1 != 0 else { return .error(.ENOMEM) }
        }
        let target: UInt64
        if flags & 2 != 0 {
            guard newAddr & 0xFFF == 0, newAddr + newLen <= AddressSpace.userTop else { return .error(.EINVAL) }
            guard newAddr + newLen <= old || newAddr >= old + oldLen else { return .error(.EINVAL) }
            m.remove(newAddr, newAddr + newLen)
            target = newAddr
        } else {
            guard let t = m.findFree(length: newLen) else { return .error(.ENOMEM) }
            target = t
        }
        m.move(from: old, length: min(oldLen, newLen), to: target, newLength: newLen, template: vma)
        return .value(target)
    }

    /// madvise(2): MADV_DONTNEED (4) drops the pages of private anonymous memory (they read as
    /// zero again); other advice is accepted and ignored.
    static func madvise(_ c: SyscallContext) -> SyscallResult {
        let addr = c.arg(0)
        guard addr & 0xFFF == 0, let length = pageAlign(c.arg(1)) else { return .error(.EINVAL) }
        if c.arg(2) == 4 {
            guard covered(c.memory, addr, addr + length) else { return .error(.ENOMEM) }
            c.memory.discard(addr, addr + length)
        }
        return .zero
    }
}
