// SPDX-License-Identifier: MIT
// The `emu` command: parsing only; every decision lives in the modules (STYLE.md).
import ArgumentParser

EmuCommand.main()
