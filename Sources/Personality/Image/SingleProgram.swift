// SPDX-License-Identifier: MIT
// The one-program image `emu run ./prog args…` boots (docs/boot-image.md, "emu run").

extension BootImage {
    /// The directory that holds the program.
    public static let singleProgramDirectory = "/bin"

    /// An image whose only program, the init, is `executable` at /bin/NAME (mode 0755), run as a
    /// Linux program with `argv`, `env` and `cwd`. NAME is `name` if it is a usable file name
    /// (1 to 100 bytes, no '/' or NUL, not "." or ".."), "program" otherwise. The root holds
    /// "/", "/bin", the program and the directories of `cwd` if it is an absolute path; all
    /// owned by 0:0 with mtime 0. The caller checks argv and cwd: `validate()` reports them.
    public static func singleProgram(executable bytes: [UInt8], name: String, argv: [String], env: [String], cwd: String) -> BootImage {
        let usable = !name.isEmpty && name.utf8.count <= 100 && name != "." && name != ".."
            && !name.utf8.contains(UInt8(ascii: "/")) && !name.utf8.contains(0)
        let path = singleProgramDirectory + "/" + (usable ? name : "program")
        var entries = [ImageEntry(path: path, kind: .regular(bytes), mode: 0o755)]
        if ImageEntry.pathProblem(cwd) == nil && cwd != path {
            entries.append(ImageEntry(path: cwd, kind: .directory, mode: 0o755))
        }
        let program = BootConfig.Program(path: path, argv: argv, env: env, cwd: cwd, isInit: true, abi: .linux)
        return BootImage(config: BootConfig(programs: [program]), entries: completed(entries.filter { $0.path != "/" }))
    }
}
