// SPDX-License-Identifier: MIT
// The C programs the ELF tests build, and the binaries built from them once per test process.

enum NativePrograms {
    /// Prints what the kernel gave it: every auxv pair, the initial RSP (argv - 8: musl's _start
    /// passes the entry RSP to _start_c, which takes argc from [rsp] and argv from rsp + 8), the
    /// stack top (the word after AT_EXECFN's string, fs/exec.c) and the bytes in between. It first
    /// re-executes itself with ADDR_NO_RANDOMIZE (personality(2)) so that the layout is the
    /// deterministic one InitialStack reproduces.
    static let stackDump = #"""
    #include <stdio.h>
    #include <string.h>
    #include <unistd.h>
    #include <sys/personality.h>
    int main(int argc, char **argv, char **envp) {
        if (!(personality(0xffffffff) & ADDR_NO_RANDOMIZE)) {
            if (personality(ADDR_NO_RANDOMIZE) == -1) { perror("personality"); return 98; }
            execve(argv[0], argv, envp);
            perror("execve");
            return 99;
        }
        unsigned long *sp = (unsigned long *)argv - 1;
        char **e = envp;
        while (*e) e++;
        const char *execfn = 0;
        for (unsigned long *q = (unsigned long *)(e + 1); ; q += 2) {
            printf("aux %lu %lx\n", q[0], q[1]);
            if (q[0] == 31) execfn = (const char *)q[1];
            if (q[0] == 0) break;
        }
        if (!execfn) { printf("no AT_EXECFN\n"); return 97; }
        unsigned long top = (unsigned long)execfn + strlen(execfn) + 1 + 8;
        printf("rsp %lx\ntop %lx\nstack ", (unsigned long)sp, top);
        for (unsigned char *b = (unsigned char *)sp; (unsigned long)b < top; b++) printf("%02x", *b);
        printf("\n");
        return 0;
    }
    """#

    /// Built once; a build failure (e.g. no musl-gcc) fails every test that needs it.
    static let staticDump: Result<String, ToolError> = build(.staticMusl, "stackdump")
    static let staticPIEDump: Result<String, ToolError> = build(.staticPIEMusl, "stackdump-pie")
    static let dynamicDump: Result<String, ToolError> = build(.dynamicGCC, "stackdump-dyn")

    private static func build(_ kind: NativeToolchain.Kind, _ name: String) -> Result<String, ToolError> {
        do { return .success(try NativeToolchain.build(stackDump, name: name, kind: kind)) }
        catch let e as ToolError { return .failure(e) }
        catch { return .failure(ToolError("\(error)")) }
    }

    /// One native run of a stackDump binary.
    struct Run {
        var auxv: [(key: UInt64, value: UInt64)]
        var rsp: UInt64
        var top: UInt64
        var stack: [UInt8]
        func aux(_ key: UInt64) -> UInt64? { auxv.first { $0.key == key }?.value }
    }

    /// Runs `path` with exactly `argv` (argv[0] must be `path`) and `envp`, through env -i.
    static func run(_ path: String, argv: [String], envp: [String]) throws -> Run {
        let env = try NativeToolchain.find("env", package: "coreutils")
        let out = try NativeToolchain.run(env, ["-i"] + envp + argv)
        guard out.status == 0 else { throw ToolError("\(path) exited \(out.status): \(out.stdout) \(out.stderr)") }
        var run = Run(auxv: [], rsp: 0, top: 0, stack: [])
        for line in out.stdout.split(separator: "\n") {
            let t = line.split(separator: " ")
            switch t.first {
            case "aux": run.auxv.append((UInt64(t[1])!, UInt64(t[2], radix: 16)!))
            case "rsp": run.rsp = UInt64(t[1], radix: 16)!
            case "top": run.top = UInt64(t[1], radix: 16)!
            case "stack":
                let hex = Array(t[1].utf8)
                run.stack = stride(from: 0, to: hex.count, by: 2).map { UInt8(String(decoding: hex[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
            default: throw ToolError("unexpected output line \(line)")
            }
        }
        if run.auxv.last?.key == 0 { run.auxv.removeLast() }
        return run
    }
}
