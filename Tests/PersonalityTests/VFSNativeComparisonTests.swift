// SPDX-License-Identifier: MIT
// The subtle cases checked against the real kernel: the same sequence of calls runs natively
// (a C program compiled with gcc into a temporary directory and run there) and on the VFS;
// every step's result (value or -errno) must agree. The root-only part runs as uid 0 (the
// test machine's user); the non-root part runs in a child that drops to uid/gid 1000.
import Foundation
import Testing
@testable import Personality

private struct Step: Sendable {
    let name: String
    /// A C expression whose value (or -errno when negative) is the step's result.
    let c: String
    let vfs: @Sendable (Harness) -> Int64
}

private let O = LinuxFS.self

private let rootSteps: [Step] = [
    Step(name: "mkdir_a", c: #"mkdir("a", 0755)"#) { $0.mkdir("a") },
    Step(name: "mkdir_a_b", c: #"mkdir("a/b", 0755)"#) { $0.mkdir("a/b") },
    Step(name: "creat_f", c: #"fdok(open("f", O_CREAT|O_WRONLY, 0644))"#) { $0.open("f", O.O_CREAT | O.O_WRONLY) },
    Step(name: "rename_into_own_subdir", c: #"rename("a", "a/b/c")"#) { $0.rename("a", "a/b/c") },
    Step(name: "rename_dir_onto_ancestor", c: #"rename("a/b", "a")"#) { $0.rename("a/b", "a") },
    Step(name: "exchange_into_own_subdir", c: #"rename2("a", "a/b", 2)"#) { $0.rename("a", "a/b", 2) },
    Step(name: "mkdir_d", c: #"mkdir("d", 0755)"#) { $0.mkdir("d") },
    Step(name: "creat_d_f", c: #"fdok(open("d/f", O_CREAT|O_WRONLY, 0644))"#) { $0.open("d/f", O.O_CREAT | O.O_WRONLY) },
    Step(name: "rmdir_nonempty", c: #"rmdir("d")"#) { $0.rmdir("d") },
    Step(name: "rmdir_dot", c: #"rmdir("a/.")"#) { $0.rmdir("a/.") },
    Step(name: "rmdir_dotdot", c: #"rmdir("a/b/..")"#) { $0.rmdir("a/b/..") },
    Step(name: "rmdir_file", c: #"rmdir("f")"#) { $0.rmdir("f") },
    Step(name: "rmdir_root", c: #"rmdir("/")"#) { $0.rmdir("/") },
    Step(name: "unlink_dir", c: #"unlink("a")"#) { $0.unlink("a") },
    Step(name: "unlink_dot", c: #"unlink("a/.")"#) { $0.unlink("a/.") },
    Step(name: "unlink_file_slash", c: #"unlink("f/")"#) { $0.unlink("f/") },
    Step(name: "unlink_missing_slash", c: #"unlink("nope/")"#) { $0.unlink("nope/") },
    Step(name: "symlink_dangling", c: #"symlink("nowhere", "dl")"#) { $0.symlink("nowhere", "dl") },
    Step(name: "creat_excl_dangling", c: #"fdok(open("dl", O_CREAT|O_EXCL|O_WRONLY, 0644))"#) {
        $0.open("dl", O.O_CREAT | O.O_EXCL | O.O_WRONLY)
    },
    Step(name: "stat_dangling_slash", c: #"size_of("dl/")"#) { $0.size("dl/") },
    Step(name: "creat_through_dangling", c: #"fdok(open("dl", O_CREAT|O_WRONLY, 0644))"#) { $0.open("dl", O.O_CREAT | O.O_WRONLY) },
    Step(name: "dangling_target_made", c: #"size_of("nowhere")"#) { $0.size("nowhere") },
    Step(name: "mkdir_on_symlink", c: #"mkdir("dl", 0755)"#) { $0.mkdir("dl") },
    Step(name: "mkdir_on_file", c: #"mkdir("f", 0755)"#) { $0.mkdir("f") },
    Step(name: "mkdir_dotdot", c: #"mkdir("a/..", 0755)"#) { $0.mkdir("a/..") },
    Step(name: "mkdir_trailing_slash", c: #"mkdir("m/", 0755)"#) { $0.mkdir("m/") },
    Step(name: "stat_file_slash", c: #"size_of("f/")"#) { $0.size("f/") },
    Step(name: "open_file_slash", c: #"fdok(open("f/", O_RDONLY))"#) { $0.open("f/", O.O_RDONLY) },
    Step(name: "open_creat_slash", c: #"fdok(open("new/", O_CREAT|O_WRONLY, 0644))"#) { $0.open("new/", O.O_CREAT | O.O_WRONLY) },
    Step(name: "open_creat_directory", c: #"fdok(open("nd", O_CREAT|O_DIRECTORY|O_RDONLY, 0644))"#) {
        $0.open("nd", O.O_CREAT | O.O_DIRECTORY | O.O_RDONLY)
    },
    Step(name: "open_o_directory_file", c: #"fdok(open("f", O_RDONLY|O_DIRECTORY))"#) { $0.open("f", O.O_RDONLY | O.O_DIRECTORY) },
    Step(name: "open_dir_write", c: #"fdok(open("a", O_WRONLY))"#) { $0.open("a", O.O_WRONLY) },
    Step(name: "open_dir_creat", c: #"fdok(open("a", O_CREAT|O_RDONLY, 0644))"#) { $0.open("a", O.O_CREAT | O.O_RDONLY) },
    Step(name: "readlink_file", c: #"readlink_len("f")"#) { $0.readlinkLen("f") },
    Step(name: "readlink_symlink", c: #"readlink_len("dl")"#) { $0.readlinkLen("dl") },
    Step(name: "readlink_empty", c: #"readlink_len("")"#) { $0.readlinkLen("") },
    Step(name: "symlink_empty_target", c: #"symlink("", "emp")"#) { $0.symlink("", "emp") },
    Step(name: "symlink_loop", c: #"symlink("loop", "loop")"#) { $0.symlink("loop", "loop") },
    Step(name: "open_loop", c: #"fdok(open("loop", O_RDONLY))"#) { $0.open("loop", O.O_RDONLY) },
    Step(name: "symlink_to_f", c: #"symlink("f", "sf")"#) { $0.symlink("f", "sf") },
    Step(name: "open_nofollow_symlink", c: #"fdok(open("sf", O_RDONLY|O_NOFOLLOW))"#) { $0.open("sf", O.O_RDONLY | O.O_NOFOLLOW) },
    Step(name: "open_path_nofollow_symlink", c: #"fdok(open("sf", O_PATH|O_NOFOLLOW))"#) { $0.open("sf", O.O_PATH | O.O_NOFOLLOW) },
    Step(name: "name_too_long", c: "size_of(\"a/" + String(repeating: "x", count: 256) + "\")") {
        $0.size("a/" + String(repeating: "x", count: 256))
    },
    Step(name: "file_as_dir", c: #"size_of("f/x")"#) { $0.size("f/x") },
    Step(name: "rename_dir_onto_file", c: #"rename("a", "f")"#) { $0.rename("a", "f") },
    Step(name: "rename_file_onto_dir", c: #"rename("f", "d")"#) { $0.rename("f", "d") },
    Step(name: "mkdir_e", c: #"mkdir("e", 0755)"#) { $0.mkdir("e") },
    Step(name: "rename_onto_nonempty", c: #"rename("e", "d")"#) { $0.rename("e", "d") },
    Step(name: "rename_onto_empty_dir", c: #"rename("a/b", "e")"#) { $0.rename("a/b", "e") },
    Step(name: "rename_file_to_slash", c: #"rename("f", "g/")"#) { $0.rename("f", "g/") },
    Step(name: "rename_noreplace", c: #"rename2("f", "nowhere", 1)"#) { $0.rename("f", "nowhere", 1) },
    Step(name: "rename_exchange_missing", c: #"rename2("f", "missing", 2)"#) { $0.rename("f", "missing", 2) },
    Step(name: "rename_both_flags", c: #"rename2("f", "nowhere", 3)"#) { $0.rename("f", "nowhere", 3) },
    Step(name: "rename_dot", c: #"rename("a/.", "z")"#) { $0.rename("a/.", "z") },
    Step(name: "rename_exchange", c: #"rename2("f", "d", 2)"#) { $0.rename("f", "d", 2) },
    Step(name: "exchanged_is_dir", c: #"mode_of("f")"#) { $0.mode("f") },
    Step(name: "rename_exchange_back", c: #"rename2("f", "d", 2)"#) { $0.rename("f", "d", 2) },
    Step(name: "link_f", c: #"link("f", "f2")"#) { $0.link("f", "f2") },
    Step(name: "nlink_after_link", c: #"nlink_of("f")"#) { $0.nlink("f") },
    Step(name: "rename_onto_own_link", c: #"rename("f", "f2")"#) { $0.rename("f", "f2") },
    Step(name: "both_names_stay", c: #"nlink_of("f2")"#) { $0.nlink("f2") },
    Step(name: "link_dir", c: #"link("a", "a2")"#) { $0.link("a", "a2") },
    Step(name: "link_exists", c: #"link("f", "d")"#) { $0.link("f", "d") },
    Step(name: "link_symlink_itself", c: #"link("dl", "dl2")"#) { $0.link("dl", "dl2") },
    Step(name: "link_symlink_mode", c: #"mode_of("dl2")"#) { $0.mode("dl2") },
    Step(name: "write_10", c: #"write_at("f", 0, 10)"#) { $0.writeAt("f", 0, 10) },
    Step(name: "seek_data_beyond_eof", c: #"seek_at("f", 100, SEEK_DATA)"#) { $0.seekAt("f", 100, O.SEEK_DATA) },
    Step(name: "seek_hole_at_eof", c: #"seek_at("f", 10, SEEK_HOLE)"#) { $0.seekAt("f", 10, O.SEEK_HOLE) },
    Step(name: "seek_hole_in_file", c: #"seek_at("f", 3, SEEK_HOLE)"#) { $0.seekAt("f", 3, O.SEEK_HOLE) },
    Step(name: "seek_negative", c: #"seek_at("f", -1, SEEK_SET)"#) { $0.seekAt("f", -1, O.SEEK_SET) },
    Step(name: "seek_end", c: #"seek_at("f", 5, SEEK_END)"#) { $0.seekAt("f", 5, O.SEEK_END) },
    Step(name: "seek_bad_whence", c: #"seek_at("f", 0, 7)"#) { $0.seekAt("f", 0, 7) },
    Step(name: "sparse_write", c: #"write_at("sp", 1048581, 3)"#) { $0.writeAt("sp", 1_048_581, 3) },
    Step(name: "sparse_size", c: #"size_of("sp")"#) { $0.size("sp") },
    Step(name: "sparse_first_data", c: #"seek_at("sp", 0, SEEK_DATA)"#) { $0.seekAt("sp", 0, O.SEEK_DATA) },
    Step(name: "sparse_first_hole", c: #"seek_at("sp", 0, SEEK_HOLE)"#) { $0.seekAt("sp", 0, O.SEEK_HOLE) },
    Step(name: "pread_negative", c: #"pread_at("f", -1)"#) { $0.preadAt("f", -1) },
    Step(name: "pread_beyond_eof", c: #"pread_at("f", 50)"#) { $0.preadAt("f", 50) },
    Step(name: "read_directory", c: #"read_dir("a")"#) { $0.readDir("a") },
    Step(name: "ftruncate_readonly_fd", c: #"ftrunc_ro("f")"#) { $0.ftruncRO("f") },
    Step(name: "write_readonly_fd", c: #"write_ro("f")"#) { $0.writeRO("f") },
    Step(name: "truncate_negative", c: #"truncate("f", -1)"#) { $0.truncate("f", -1) },
    Step(name: "truncate_dir", c: #"truncate("a", 0)"#) { $0.truncate("a", 0) },
    Step(name: "truncate_grow", c: #"truncate("f", 100000)"#) { $0.truncate("f", 100_000) },
    Step(name: "truncate_grown_size", c: #"size_of("f")"#) { $0.size("f") },
    Step(name: "chmod_644", c: #"chmod("f", 0644)"#) { $0.chmod("f", 0o644) },
    Step(name: "root_exec_no_x", c: #"access("f", X_OK)"#) { $0.access("f", O.X_OK) },
    Step(name: "root_write_0444", c: #"chmod("f", 0444) || access("f", W_OK)"#) {
        $0.chmod("f", 0o444) != 0 ? -1 : $0.access("f", O.W_OK)
    },
    Step(name: "access_bad_mode", c: #"access("f", 8)"#) { $0.access("f", 8) },
    Step(name: "utimens_set", c: #"utimes_set("f")"#) { $0.utimesSet("f") },
]

/// Run by the child after setresuid(1000): /w is 0755 root, so only reading works.
private let nonRootSetup: [Step] = [
    Step(name: "nr_mkdir", c: #"mkdir("nr", 0755)"#) { $0.mkdir("nr") },
    Step(name: "nr_secret", c: #"fdok(open("nr/secret", O_CREAT|O_WRONLY, 0600))"#) { $0.open("nr/secret", O.O_CREAT | O.O_WRONLY, 0o600) },
    Step(name: "nr_shared", c: #"fdok(open("nr/shared", O_CREAT|O_WRONLY, 0666))"#) { $0.open("nr/shared", O.O_CREAT | O.O_WRONLY, 0o666) },
    Step(name: "nr_public", c: #"fdok(open("nr/public", O_CREAT|O_WRONLY, 0644))"#) { $0.open("nr/public", O.O_CREAT | O.O_WRONLY, 0o644) },
    Step(name: "nr_sticky", c: #"mkdir("nr/sticky", 0777) || chmod("nr/sticky", 01777)"#) {
        $0.mkdir("nr/sticky", 0o777) != 0 ? -1 : $0.chmod("nr/sticky", 0o1777)
    },
    Step(name: "nr_sticky_file", c: #"fdok(open("nr/sticky/rootfile", O_CREAT|O_WRONLY, 0666))"#) {
        $0.open("nr/sticky/rootfile", O.O_CREAT | O.O_WRONLY, 0o666)
    },
    Step(name: "nr_closed", c: #"mkdir("nr/closed", 0700)"#) { $0.mkdir("nr/closed", 0o700) },
]

private let nonRootSteps: [Step] = [
    Step(name: "u_read_secret", c: #"fdok(open("nr/secret", O_RDONLY))"#) { $0.open("nr/secret", O.O_RDONLY) },
    Step(name: "u_read_public", c: #"fdok(open("nr/public", O_RDONLY))"#) { $0.open("nr/public", O.O_RDONLY) },
    Step(name: "u_write_public", c: #"fdok(open("nr/public", O_WRONLY))"#) { $0.open("nr/public", O.O_WRONLY) },
    Step(name: "u_access_r_secret", c: #"access("nr/secret", R_OK)"#) { $0.access("nr/secret", O.R_OK) },
    Step(name: "u_access_f_secret", c: #"access("nr/secret", F_OK)"#) { $0.access("nr/secret", O.F_OK) },
    Step(name: "u_create_in_root_dir", c: #"fdok(open("nr/mine", O_CREAT|O_WRONLY, 0644))"#) { $0.open("nr/mine", O.O_CREAT | O.O_WRONLY) },
    Step(name: "u_mkdir_in_root_dir", c: #"mkdir("nr/md", 0755)"#) { $0.mkdir("nr/md") },
    Step(name: "u_unlink_in_root_dir", c: #"unlink("nr/public")"#) { $0.unlink("nr/public") },
    Step(name: "u_search_closed", c: #"size_of("nr/closed/x")"#) { $0.size("nr/closed/x") },
    Step(name: "u_chmod_not_owner", c: #"chmod("nr/public", 0777)"#) { $0.chmod("nr/public", 0o777) },
    Step(name: "u_utimes_now_writable", c: #"utimes_now("nr/shared")"#) { $0.utimesNow("nr/shared") },
    Step(name: "u_utimes_now_readonly", c: #"utimes_now("nr/public")"#) { $0.utimesNow("nr/public") },
    Step(name: "u_utimes_set_not_owner", c: #"utimes_set("nr/shared")"#) { $0.utimesSet("nr/shared") },
    Step(name: "u_sticky_create", c: #"fdok(open("nr/sticky/mine", O_CREAT|O_WRONLY, 0644))"#) { $0.open("nr/sticky/mine", O.O_CREAT | O.O_WRONLY) },
    Step(name: "u_sticky_unlink_other", c: #"unlink("nr/sticky/rootfile")"#) { $0.unlink("nr/sticky/rootfile") },
    Step(name: "u_sticky_rename_other", c: #"rename("nr/sticky/rootfile", "nr/sticky/x")"#) { $0.rename("nr/sticky/rootfile", "nr/sticky/x") },
    Step(name: "u_sticky_unlink_own", c: #"unlink("nr/sticky/mine")"#) { $0.unlink("nr/sticky/mine") },
    Step(name: "u_link_secret", c: #"link("nr/secret", "nr/sticky/l")"#) { $0.link("nr/secret", "nr/sticky/l") },
    Step(name: "u_truncate_public", c: #"truncate("nr/public", 0)"#) { $0.truncate("nr/public", 0) },
    Step(name: "u_rmdir_closed", c: #"rmdir("nr/closed")"#) { $0.rmdir("nr/closed") },
]

private let prelude = #"""
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#define R(name, expr) do { errno = 0; long _r = (long)(expr); printf("%s %ld\n", name, _r < 0 ? -(long)errno : _r); fflush(stdout); } while (0)
static long keep(long r, int fd) { int e = errno; close(fd); errno = e; return r; }
static long fdok(int fd) { if (fd < 0) return -1; close(fd); return 0; }
static long size_of(const char *p) { struct stat st; if (stat(p, &st)) return -1; return st.st_size; }
static long mode_of(const char *p) { struct stat st; if (lstat(p, &st)) return -1; return st.st_mode; }
static long nlink_of(const char *p) { struct stat st; if (lstat(p, &st)) return -1; return st.st_nlink; }
static long readlink_len(const char *p) { char b[256]; return readlink(p, b, sizeof b); }
static long rename2(const char *a, const char *b, unsigned f) { return syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, f); }
static long utimes_now(const char *p) { return utimensat(AT_FDCWD, p, NULL, 0); }
static long utimes_set(const char *p) { struct timespec t[2] = {{1, 0}, {2, 0}}; return utimensat(AT_FDCWD, p, t, 0); }
static long seek_at(const char *p, long off, int wh) { int fd = open(p, O_RDONLY); if (fd < 0) return -1; return keep(lseek(fd, off, wh), fd); }
static long pread_at(const char *p, long off) { char b[4]; int fd = open(p, O_RDONLY); if (fd < 0) return -1; return keep(pread(fd, b, 4, off), fd); }
static long read_dir(const char *p) { char b[16]; int fd = open(p, O_RDONLY | O_DIRECTORY); if (fd < 0) return -1; return keep(read(fd, b, 16), fd); }
static long ftrunc_ro(const char *p) { int fd = open(p, O_RDONLY); if (fd < 0) return -1; return keep(ftruncate(fd, 0), fd); }
static long write_ro(const char *p) { int fd = open(p, O_RDONLY); if (fd < 0) return -1; return keep(write(fd, "x", 1), fd); }
static long write_at(const char *p, long off, int n) {
    char b[4096]; memset(b, 'a', sizeof b);
    int fd = open(p, O_WRONLY | O_CREAT, 0644); if (fd < 0) return -1; return keep(pwrite(fd, b, n, off), fd);
}
int main(int argc, char **argv) {
    umask(0);
    if (chdir(argv[1])) return 2;
"""#

private func cProgram() -> String {
    var s = prelude
    for step in rootSteps + nonRootSetup { s += "    R(\"\(step.name)\", \(step.c));\n" }
    s += """
        pid_t pid = fork();
        if (pid == 0) {
            if (setgroups(0, NULL) || setresgid(1000, 1000, 1000) || setresuid(1000, 1000, 1000)) _exit(3);

    """
    for step in nonRootSteps { s += "        R(\"\(step.name)\", \(step.c));\n" }
    s += "        _exit(0);\n    }\n    int st; waitpid(pid, &st, 0);\n    return 0;\n}\n"
    return s
}

@Suite struct VFSNativeComparisonTests {
    /// Runs the C program natively; nil if gcc or the privilege drop is unavailable.
    private func native() throws -> [String]? {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("vfs-native-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let src = dir.appendingPathComponent("cases.c"), exe = dir.appendingPathComponent("cases")
        try cProgram().write(to: src, atomically: true, encoding: .utf8)
        let cc = Process()
        cc.executableURL = URL(fileURLWithPath: "/usr/bin/gcc")
        cc.arguments = ["-O1", "-o", exe.path, src.path]
        guard (try? cc.run()) != nil else { return nil }
        cc.waitUntilExit()
        guard cc.terminationStatus == 0 else { Issue.record("gcc failed"); return nil }
        let work = dir.appendingPathComponent("w")
        try fm.createDirectory(at: work, withIntermediateDirectories: false)
        chmod(dir.path, 0o755); chmod(work.path, 0o755)
        let run = Process()
        run.executableURL = exe
        run.arguments = [work.path]
        let pipe = Pipe()
        run.standardOutput = pipe
        try run.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func sameResultsAsTheKernel() throws {
        guard getuid() == 0 else { return }   // the non-root half needs setresuid
        guard let nativeLines = try native() else { return }
        let h = Harness()
        #expect(h.mkdir("/w") == 0)
        h.cwd = try h.vfs.directory(b("/w"))
        var ours: [String] = []
        for step in rootSteps + nonRootSetup { ours.append("\(step.name) \(step.vfs(h))") }
        h.caller = Caller(pid: 2, uid: 1000, gid: 1000)
        for step in nonRootSteps { ours.append("\(step.name) \(step.vfs(h))") }
        #expect(nativeLines.count == ours.count)
        for (n, o) in zip(nativeLines, ours) {
            #expect(n == o, "native \(n) vs vfs \(o)")
        }
    }
}
