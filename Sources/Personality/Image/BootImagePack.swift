// SPDX-License-Identifier: MIT
// Building a boot image from a host directory (`emu pack DIR`) and reading one from a host file,
// through lstat(2), readdir(3), readlink(2) and read(2): what is stored is what lstat reports.
import Glibc

extension BootImage {
    /// The image of `directory`, which holds boot.json and root/. Other files in it are ignored.
    /// Symbolic links are stored as links (never followed), hard-linked files as separate copies;
    /// devices, FIFOs and sockets are refused.
    public static func pack(directory: String) throws(ImageError) -> BootImage {
        let dir = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        let json = try readHostFile(dir + "/" + configMember)
        let config: BootConfig
        do { config = try BootConfig.decode(json) } catch { throw ImageError("\(dir)/" + error.message) }
        let root = dir + "/" + rootMember
        let st = try lstatHost(root)
        guard st.st_mode & S_IFMT == S_IFDIR else { throw ImageError("\(root) is not a directory") }
        var entries: [ImageEntry] = []
        try walk(host: root, guest: "/", into: &entries)
        let image = BootImage(config: config, entries: completed(entries))
        try image.validate()
        return image
    }

    /// Reads and parses the image file at `path`; errors name the file.
    public static func load(path: String) throws(ImageError) -> BootImage {
        let bytes = try readHostFile(path)
        do { return try parse(bytes) } catch { throw ImageError("\(path): \(error.message)") }
    }

    /// Writes `serialize()` to `path` through a temporary file in the same directory, renamed
    /// over `path` when complete.
    public func save(path: String) throws(ImageError) {
        let bytes = serialize()
        let temporary = path + ".tmp\(getpid())"
        func fail(_ err: Int32 = errno) -> ImageError {
            ImageError("cannot write \(path): \(String(cString: strerror(err)))", kind: .unwritable)
        }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail() }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let err = errno
                close(fd)
                unlink(temporary)
                throw fail(err)
            }
            done += n
        }
        guard close(fd) == 0 else { let err = errno; unlink(temporary); throw fail(err) }
        guard rename(temporary, path) == 0 else { let err = errno; unlink(temporary); throw fail(err) }
    }

    /// Appends the entry of `host` and, for a directory, of everything below it (names sorted by
    /// their bytes, so the result does not depend on the order readdir returns them in).
    static func walk(host: String, guest: String, into entries: inout [ImageEntry]) throws(ImageError) {
        let st = try lstatHost(host)
        let kind: ImageEntry.Kind
        switch st.st_mode & S_IFMT {
        case S_IFDIR: kind = .directory
        case S_IFREG: kind = .regular(try readHostFile(host))
        case S_IFLNK: kind = .symlink(try readHostLink(host))
        default:
            throw ImageError("\(host): a device, FIFO or socket; images hold only directories, regular files and symbolic links")
        }
        entries.append(ImageEntry(path: guest, kind: kind, mode: UInt32(st.st_mode) & Ustar.modeBits,
                                  uid: st.st_uid, gid: st.st_gid, mtime: Int64(st.st_mtim.tv_sec)))
        guard kind == .directory else { return }
        for name in try listHostDirectory(host) {
            try walk(host: host + "/" + name, guest: guest == "/" ? "/" + name : guest + "/" + name, into: &entries)
        }
    }
}

/// An ImageError of kind `.unreadable` for a failed call on `path`, with errno's text.
private func unreadable(_ path: String, _ err: Int32 = errno) -> ImageError {
    ImageError("cannot read \(path): \(String(cString: strerror(err)))", kind: .unreadable)
}

private func lstatHost(_ path: String) throws(ImageError) -> stat {
    var st = stat()
    guard lstat(path, &st) == 0 else { throw unreadable(path) }
    return st
}

/// The contents of a regular file (following symbolic links, as open(2) does).
func readHostFile(_ path: String) throws(ImageError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw unreadable(path) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw unreadable(path) }
    guard st.st_mode & S_IFMT == S_IFREG else { throw ImageError("\(path) is not a regular file") }
    var out: [UInt8] = []
    out.reserveCapacity(Int(st.st_size))
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n == 0 { return out }
        if n < 0 {
            if errno == EINTR { continue }
            throw unreadable(path)
        }
        out += buffer[0..<n]
    }
}

private func readHostLink(_ path: String) throws(ImageError) -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buffer, buffer.count - 1)
    guard n >= 0 else { throw unreadable(path) }
    let bytes = buffer[0..<n].map { UInt8(bitPattern: $0) }
    guard let target = Ustar.utf8(bytes) else { throw ImageError("\(path): the link target is not UTF-8") }
    return target
}

/// The names in a directory, without "." and "..", sorted by their bytes.
private func listHostDirectory(_ path: String) throws(ImageError) -> [String] {
    guard let d = opendir(path) else { throw unreadable(path) }
    defer { closedir(d) }
    var names: [[UInt8]] = []
    errno = 0
    while let ent = readdir(d) {
        let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
        if name != [0x2E] && name != [0x2E, 0x2E] { names.append(name) }
        errno = 0
    }
    if errno != 0 { throw unreadable(path) }
    var out: [String] = []
    for n in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        guard let s = Ustar.utf8(n) else { throw ImageError("\(path): a file name that is not UTF-8") }
        out.append(s)
    }
    return out
}
