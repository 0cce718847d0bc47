/*
 * Tiny runtime for the emu benchmark kernels: COM1 output, number printing,
 * the isa-debug-exit port, and boot command line parsing.
 */
#ifndef BENCH_RT_H
#define BENCH_RT_H

#include <stddef.h>
#include <stdint.h>

#define EMU_BOOT_MAGIC 0x31544F4F42554D45ULL /* "EMUBOOT1" */

struct emu_boot_info {
	uint64_t magic;
	uint32_t version;
	uint32_t mmap_count;
	uint64_t mmap_addr;
	uint64_t cmdline_addr;
	uint64_t modules_count;
	uint64_t modules_addr;
	uint64_t ram_size;
};

#define EXIT_SUCCESS_CODE 0x10 /* emu exit status 33 */
#define EXIT_FAILURE_CODE 0x11 /* emu exit status 35 */

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void rt_putc(char c);
void rt_puts(const char *s);
void rt_put_dec(uint64_t v);
void rt_put_hex(uint64_t v, int digits); /* "0x" + digits (1..16) */
__attribute__((noreturn)) void rt_exit(uint32_t v);

/* Looks for "key=N" (decimal or 0x hex) as a whitespace-separated word of
   cmdline.  Returns 1 and stores N if present and well formed, else 0. */
int rt_cmdline_u64(const char *cmdline, const char *key, uint64_t *out);

/* 1 if word (e.g. "iters=short") is a whitespace-separated word of cmdline */
int rt_cmdline_has(const char *cmdline, const char *word);

#endif
