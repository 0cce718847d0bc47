// SPDX-License-Identifier: MIT
// The `emu` command: parsing only; every decision lives in the modules (STYLE.md).
import ArgumentParser

// `--strace=FILE` becomes `--strace-file FILE` first (StraceOption.swift).
EmuCommand.main(StraceOption.rewrite(Array(CommandLine.arguments.dropFirst())))
