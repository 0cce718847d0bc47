/*
 * Generic main of an emu benchmark kernel.  Compiled once per benchmark with
 * -DBENCH_DESC=bench_<name>; runs that benchmark's self-test, then the
 * benchmark itself with the iteration count from "iters=N" on the boot
 * command line ("iters=short": the short run; default: the long run), and
 * checks the checksum against the natively computed reference when N is one
 * of the two reference counts.
 *
 * Output:  "<name>: iters=N"  then  "<name>: checksum 0x... ok"
 * (or "... unverified" for other N, or "... FAIL ..."), then exit 0x10/0x11.
 */
#include "bench.h"
#include "rt.h"

#ifndef BENCH_DESC
#error "compile with -DBENCH_DESC=bench_<name>"
#endif

extern const struct bench_desc BENCH_DESC;

static int fail(const char *name, const char *msg)
{
	rt_puts(name);
	rt_puts(": FAIL ");
	rt_puts(msg);
	rt_puts("\n");
	return EXIT_FAILURE_CODE;
}

int kmain(struct emu_boot_info *bi)
{
	const struct bench_desc *b = &BENCH_DESC;
	const char *cmdline = "";
	uint64_t iters = b->default_iters, sum = 0;

	if (bi && bi->magic == EMU_BOOT_MAGIC) {
		if (bi->cmdline_addr)
			cmdline = (const char *)(uintptr_t)bi->cmdline_addr;
	} else {
		rt_puts(b->name);
		rt_puts(": warning: bad boot info magic, using defaults\n");
	}
	if (rt_cmdline_has(cmdline, "iters=short"))
		iters = b->short_iters;
	else
		rt_cmdline_u64(cmdline, "iters", &iters);

	if (b->selftest && !b->selftest())
		return fail(b->name, "self-test");

	rt_puts(b->name);
	rt_puts(": iters=");
	rt_put_dec(iters);
	rt_puts("\n");

	int ok = b->run(iters, &sum);

	rt_puts(b->name);
	rt_puts(": checksum ");
	rt_put_hex(sum, 16);
	if (!ok) {
		rt_puts("\n");
		return fail(b->name, "internal check");
	}
	uint64_t want;
	if (iters == b->default_iters)
		want = b->default_sum;
	else if (iters == b->short_iters)
		want = b->short_sum;
	else {
		rt_puts(" unverified (no reference for this iters)\n");
		return EXIT_SUCCESS_CODE;
	}
	if (sum != want) {
		rt_puts(" FAIL expected ");
		rt_put_hex(want, 16);
		rt_puts("\n");
		return EXIT_FAILURE_CODE;
	}
	rt_puts(" ok\n");
	return EXIT_SUCCESS_CODE;
}
