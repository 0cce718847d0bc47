#!/bin/sh
# run.sh STUB KERNEL [TIMEOUT_SECONDS]
# Runs one emu test kernel under QEMU (TCG) through the Multiboot shim, serial on
# stdout, and maps QEMU's isa-debug-exit status the same way emu does
# ((v << 1) | 1): exits 0 when the kernel passed (status 33), 1 otherwise.
# A reference for emu's behaviour, not a replacement for it.
stub=$1
kernel=$2
t=${3:-30}
timeout "$t" qemu-system-x86_64 -machine pc -accel tcg -cpu IvyBridge,+pdpe1gb -m 128M \
    -display none -no-reboot -monitor none \
    -serial stdio -debugcon "file:${kernel%.elf}.qemu-debugcon.txt" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$stub" -initrd "$kernel" 2>"${kernel%.elf}.qemu-stderr.txt"
status=$?
if [ "$status" -eq 33 ]; then
    exit 0
fi
echo "qemu: $(basename "$kernel") exit status $status (33 = pass)" >&2
exit 1
