// SPDX-License-Identifier: MIT
/*
 * Small shared pieces of the runtime: the sticky log that carries the
 * one-line reason for a failure to the caller's log_buf, and the growth
 * helper for (items, cnt, cap) arrays.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"

void rt_log__verr(struct rt_log *log, const char *fmt, va_list ap)
{
	if (!log || log->set)
		return;
	log->set = true;
	if (log->buf && log->size)
		vsnprintf(log->buf, log->size, fmt, ap);
}

void rt_log__err(struct rt_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_log__verr(log, fmt, ap);
	va_end(ap);
}

int rt_ensure_mem(void **data, size_t *cap, size_t elem_sz, size_t need)
{
	size_t new_cap;
	void *p;

	if (need <= *cap)
		return 0;
	new_cap = *cap ? *cap : 16;
	while (new_cap < need) {
		if (new_cap > SIZE_MAX / 2)
			return -ENOMEM;
		new_cap *= 2;
	}
	if (elem_sz && new_cap > SIZE_MAX / elem_sz)
		return -ENOMEM;
	p = realloc(*data, new_cap * elem_sz);
	if (!p)
		return -ENOMEM;
	memset((char *)p + *cap * elem_sz, 0, (new_cap - *cap) * elem_sz);
	*data = p;
	*cap = new_cap;
	return 0;
}

int rt_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Names end up quoted in one-line diagnostics: a newline or an escape
 * sequence must never reach them, so such names are refused where read. */
bool rt_name_is_clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* The x86-64 micro-architecture level of this CPU (x86-64-psABI): 1
 * baseline, 2 (popcnt and SSE4.2 ...), 3 (AVX2, BMI1/2, FMA ...), 4
 * (AVX-512 F/BW/CD/DQ/VL). Each level is tested by the features of it that
 * both gcc and clang name; the ones left out (CMPXCHG16B, LAHF, LZCNT,
 * MOVBE, F16C, XSAVE) come with those in every CPU made. */
uint32_t rt_cpu_march_level(void)
{
	__builtin_cpu_init();
	if (!(__builtin_cpu_supports("popcnt") && __builtin_cpu_supports("sse3") &&
	      __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1") &&
	      __builtin_cpu_supports("sse4.2")))
		return 1;
	if (!(__builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
	      __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
	      __builtin_cpu_supports("fma")))
		return 2;
	if (!(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
	      __builtin_cpu_supports("avx512vl")))
		return 3;
	return 4;
}
