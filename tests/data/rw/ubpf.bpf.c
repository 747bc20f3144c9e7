// the ubpf convention: no SEC(), each global function of .text is a
// raw-memory program; the file spells uint64_t itself, so the entry must
// not include <stdint.h>
typedef unsigned long long uint64_t;

static uint64_t twice(uint64_t x)
{
	return x * 2;
}

uint64_t sum(void *mem, uint64_t len)
{
	unsigned char *p = mem;
	uint64_t r = 0, i;

	for (i = 0; i < len && i < 64; i++)
		r += p[i];
	return twice(r);
}

uint64_t first(void *mem)
{
	return *(unsigned char *)mem;
}

uint64_t seven(void)
{
	return 7;
}
