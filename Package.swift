// swift-tools-version:6.0
// emu — a full-system x86-64 emulator. Module boundaries follow DESIGN.md §3;
// the compiler enforces them through these target dependencies.
import PackageDescription

// Exclusivity checks cost a call per property access on the interpreter's hot path.
// The CPU is single-threaded by construction, so they are off in the hot modules.
let hot: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "emu",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "emu", targets: ["emu-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "MMU", swiftSettings: hot),
        // Capstone, for disassembly in the Debugger (DESIGN.md §3); for now only the decoder fuzz tests use it.
        .systemLibrary(name: "CCapstone", pkgConfig: "capstone", providers: [.apt(["libcapstone-dev"])]),
        // The host-FPU instructions Swift cannot emit, as C inline assembly; CPUCore's one
        // exception to DESIGN.md §3 (docs/architecture-notes.md, "CPUCore's C shim").
        // -gdwarf-4: clang defaults to DWARF 5, whose forms the valgrind 3.19 of Debian 12 cannot
        // read; that one C unit made callgrind (DESIGN.md §6, scripts/bench.sh) give up on emu.
        .target(name: "CHostFPU", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        .target(name: "CPUCore", dependencies: ["MMU", "CHostFPU"], swiftSettings: hot),
        .target(name: "Devices"),
        .target(name: "Machine", dependencies: ["CPUCore", "MMU", "Devices"], swiftSettings: hot),
        // The hosted microhypervisor (docs/hypervisor.md): Machine and what it re-exports, never Personality.
        .target(name: "Hypervisor", dependencies: ["Machine", "CPUCore", "MMU"], swiftSettings: hot),
        // libelf, for the Personality's ELF loader (DESIGN.md §3).
        .systemLibrary(name: "CLibElf", pkgConfig: "libelf", providers: [.apt(["libelf-dev"])]),
        // The roottask and the Linux personality: the kernel interface only (RootAPI), never hypervisor internals.
        .target(name: "Personality", dependencies: ["Hypervisor", "CLibElf"], swiftSettings: hot),
        // Traces, their formats and disassembly, the gdb stub (DESIGN.md §3): never on the untraced hot path.
        .target(name: "Debugger", dependencies: ["Machine", "Hypervisor", "CCapstone"], swiftSettings: hot),
        .executableTarget(
            name: "emu-cli",
            dependencies: [
                "Machine", "CPUCore", "MMU", "Devices", "Hypervisor", "Personality", "Debugger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "MMUTests", dependencies: ["MMU"]),
        .testTarget(name: "CPUCoreTests", dependencies: ["CPUCore", "MMU", "CCapstone"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices"]),
        .testTarget(name: "MachineTests", dependencies: ["Machine", "CPUCore", "MMU", "Devices"]),
        .testTarget(name: "HypervisorTests", dependencies: ["Hypervisor", "Machine", "CPUCore", "MMU"]),
        .testTarget(name: "PersonalityTests", dependencies: ["Personality", "Hypervisor", "Machine"]),
        .testTarget(name: "DebuggerTests", dependencies: ["Debugger", "Hypervisor", "Machine", "CPUCore", "MMU"]),
    ]
)
