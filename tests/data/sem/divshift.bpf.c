// SPDX-License-Identifier: MIT
/*
 * Division, remainder and shifts whose operands come from the packet, so
 * that no compiler can fold them: BPF defines what C leaves undefined
 * (x / 0 = 0, x % 0 = x, shift counts masked), and every engine must give
 * the kernel's answer. The packet (check_e2e_sem.c) is
 *   p[0..3] = 0, p[4] = 65, p[5] = 34, p[6] = 33, p[7] = 66, p[8] = 34,
 *   p[9] = 31, p[10] = 200, the rest 0;
 * the expected values, by hand, are in the test.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

long long res[12];

SEC("xdp")
int divshift(struct xdp_md *ctx)
{
	unsigned char *p = (void *)(long)ctx->data;
	unsigned char *end = (void *)(long)ctx->data_end;
	unsigned long long a = 1000;
	unsigned int b = 77;
	long long sa = -1000;
	int sb = -1000;
	int x, y;

	if (p + 16 > end)
		return 0;
	res[0] = a / p[0];			/* u64 / 0 */
	res[1] = a % p[1];			/* u64 % 0 */
	res[2] = b / p[2];			/* u32 / 0 */
	res[3] = b % p[3];			/* u32 % 0 */
	res[4] = a << p[4];			/* 64-bit shift by 65 */
	res[5] = b >> p[5];			/* 32-bit shift by 34 */
	res[6] = b << p[6];			/* 32-bit shift by 33 */
	res[7] = sa >> p[7];			/* 64-bit arithmetic shift by 66 */
	res[8] = sb >> p[8];			/* 32-bit arithmetic shift by 34 */
	res[9] = (unsigned int)(b << p[9]);	/* in range: 31 */
	/* int / int: signed division in C, which the BPF compile turns into an
	 * unsigned one (both operands are bytes); the native compile sees the
	 * signed one */
	x = p[10];
	y = p[0];
	res[10] = x / y;
	res[11] = x % y;
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
