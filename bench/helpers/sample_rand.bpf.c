// SPDX-License-Identifier: MIT
/*
 * sample_rand: packet sampling and jitter the way tracing and AQM programs
 * do it: 32 bpf_get_prandom_u32() draws (keep 1 in 4), a bpf_ktime_get_ns()
 * timestamp before and after, and the CPU id for a per-CPU slot. Returns
 * the number of draws kept plus 64 times the CPU (0): deterministic, since
 * every run starts from the runtime's seed.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int sample_rand(struct xdp_md *ctx)
{
	__u64 t0 = bpf_ktime_get_ns(), t1;
	__u32 kept = 0;
	int i;

	for (i = 0; i < 32; i++)
		kept += (bpf_get_prandom_u32() & 3) == 0;
	t1 = bpf_ktime_get_ns();
	if (t1 < t0)
		return -1;
	return kept + 64 * bpf_get_smp_processor_id();
}

char LICENSE[] SEC("license") = "GPL";
