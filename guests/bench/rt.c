/* Runtime for the emu benchmark kernels; see rt.h. */
#include "rt.h"

#define COM1 0x3F8
#define COM1_LSR (COM1 + 5)
#define LSR_THRE 0x20
#define EXIT_PORT 0xF4

void rt_putc(char c)
{
	/* poll "transmit holding register empty"; bounded so that a UART
	   model that never sets THRE cannot hang the benchmark */
	for (int i = 0; i < 100000; i++)
		if (inb(COM1_LSR) & LSR_THRE)
			break;
	outb(COM1, (uint8_t)c);
}

void rt_puts(const char *s)
{
	while (*s) {
		if (*s == '\n')
			rt_putc('\r');
		rt_putc(*s++);
	}
}

void rt_put_dec(uint64_t v)
{
	char buf[21];
	int i = 20;

	buf[i] = 0;
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	rt_puts(&buf[i]);
}

void rt_put_hex(uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char buf[19];
	int i;

	if (digits < 1)
		digits = 1;
	if (digits > 16)
		digits = 16;
	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < digits; i++)
		buf[2 + i] = hex[(v >> (4 * (digits - 1 - i))) & 0xF];
	buf[2 + digits] = 0;
	rt_puts(buf);
}

void rt_exit(uint32_t v)
{
	outl(EXIT_PORT, v);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int rt_cmdline_u64(const char *s, const char *key, uint64_t *out)
{
	while (*s) {
		while (is_space(*s))
			s++;
		const char *w = s;
		while (*s && !is_space(*s))
			s++;
		/* word is [w, s) */
		const char *k = key, *p = w;
		while (*k && p < s && *p == *k)
			p++, k++;
		if (*k || p >= s || *p != '=')
			continue;
		p++;
		uint64_t v = 0;
		int base = 10, nd = 0;
		if (s - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			base = 16;
			p += 2;
		}
		for (; p < s; p++, nd++) {
			int d;
			if (*p >= '0' && *p <= '9')
				d = *p - '0';
			else if (base == 16 && *p >= 'a' && *p <= 'f')
				d = *p - 'a' + 10;
			else if (base == 16 && *p >= 'A' && *p <= 'F')
				d = *p - 'A' + 10;
			else
				break;
			v = v * base + d;
		}
		if (p != s || nd == 0)
			return 0;
		*out = v;
		return 1;
	}
	return 0;
}

int rt_cmdline_has(const char *s, const char *word)
{
	while (*s) {
		while (is_space(*s))
			s++;
		const char *w = word;
		while (*s && !is_space(*s) && *s == *w)
			s++, w++;
		if (!*w && (!*s || is_space(*s)))
			return 1;
		while (*s && !is_space(*s))
			s++;
	}
	return 0;
}
