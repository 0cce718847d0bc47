#!/bin/sh
# check-elf.sh ELF...: each file must be what Hedron's roottask loader accepts
# (src/ec.cpp Ec::root_invoke, digest §2.10): ELF64, little endian, ET_EXEC,
# x86-64, entry inside the image at 0x400000+, and every PT_LOAD with
# p_filesz == p_memsz and p_vaddr % 4096 == p_offset % 4096.
fail=0
for f in "$@"; do
    h=$(readelf -h "$f") || { echo "$f: not an ELF"; fail=1; continue; }
    echo "$h" | grep -q 'Class:.*ELF64' || { echo "$f: not ELF64"; fail=1; }
    echo "$h" | grep -q "Data:.*little endian" || { echo "$f: not little endian"; fail=1; }
    echo "$h" | grep -q 'Type:.*EXEC' || { echo "$f: not ET_EXEC"; fail=1; }
    echo "$h" | grep -q 'Machine:.*X86-64' || { echo "$f: not x86-64"; fail=1; }
    entry=$(echo "$h" | awk '/Entry point/ {print $4}')
    [ $((entry)) -ge $((0x400000)) ] || { echo "$f: entry $entry below 0x400000"; fail=1; }
    n=0
    readelf -lW "$f" | awk '$1 == "LOAD" {print $2, $3, $5, $6}' > /tmp/check-elf.$$
    while read off vaddr filesz memsz; do
        n=$((n + 1))
        [ $((filesz)) -eq $((memsz)) ] || { echo "$f: PT_LOAD at $vaddr: filesz $filesz != memsz $memsz"; fail=1; }
        [ $((vaddr % 4096)) -eq $((off % 4096)) ] || { echo "$f: PT_LOAD at $vaddr: vaddr/offset not congruent"; fail=1; }
        [ $((vaddr)) -ge $((0x400000)) ] || { echo "$f: PT_LOAD at $vaddr below 0x400000"; fail=1; }
    done < /tmp/check-elf.$$
    rm -f /tmp/check-elf.$$
    [ $n -gt 0 ] || { echo "$f: no PT_LOAD"; fail=1; }
    [ $fail -eq 0 ] && echo "ok $(basename "$f"): ET_EXEC, $n PT_LOAD, filesz == memsz"
done
exit $fail
