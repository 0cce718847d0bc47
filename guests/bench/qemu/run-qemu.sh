#!/bin/sh
# Boot an emu benchmark kernel under QEMU (TCG) through mbstub, which
# implements docs/boot-protocol.md.  Exit status as under emu: 33 = pass,
# 35 = fail (isa-debug-exit: (v << 1) | 1); 253 = mbstub refused the kernel;
# 0 = QEMU stopped otherwise (e.g. a triple fault, with -no-reboot).
#
#   run-qemu.sh MBSTUB.elf KERNEL.elf ["iters=N ..."]
set -u
[ $# -ge 2 ] || { echo "usage: $0 MBSTUB.elf KERNEL.elf [cmdline]" >&2; exit 64; }
exec qemu-system-x86_64 -accel tcg -M pc -cpu qemu64 -m 256 \
	-kernel "$1" -initrd "$2" -append "${3:-}" \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-serial stdio -display none -monitor none -no-reboot
