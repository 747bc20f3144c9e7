// the ubpf convention: no SEC() program, so each global function of .text
// is a raw-memory program (type 0, ctx mem); static functions, and a C99
// inline definition (no symbol in the object), are not
typedef unsigned long long uint64_t;

uint64_t scale = 3;

static uint64_t twice(uint64_t x)
{
	return x * 2;
}

static uint64_t hidden(void);

uint64_t hidden(void)
{
	return 1;
}

inline uint64_t inl(uint64_t x)
{
	return x + 1;
}

uint64_t sum(void *mem, uint64_t len)
{
	unsigned char *p = mem;
	uint64_t r = 0, i;

	for (i = 0; i < len && i < 64; i++)
		r += p[i];
	return twice(r) * scale + hidden();
}

uint64_t first(void *mem)
{
	return *(unsigned char *)mem;
}

__attribute__((section(".text"))) uint64_t seven(void)
{
	return 7 + inl(0) - 1;
}
