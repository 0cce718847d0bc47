// libelf (Debian libelf-dev, elfutils): the ELF loader of the Personality reads executables
// through it (DESIGN.md §3: Personality may import CLibElf).
#include <libelf.h>
#include <gelf.h>
