// SPDX-License-Identifier: MIT
// Capstone (libcapstone-dev, pkg-config "capstone") for Swift: the disassembler the Debugger
// module and the decoder fuzz tests use as a second opinion (DESIGN.md §3, §7).
#ifndef EMU_CCAPSTONE_SHIM_H
#define EMU_CCAPSTONE_SHIM_H
#include <capstone/capstone.h>
#endif
