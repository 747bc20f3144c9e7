// helper rewrite: direct calls, a call in a macro argument, a helper spelled
// in a macro body (#define fallback), bpf_tail_call in and outside a program
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LOOKUP(m, k) bpf_map_lookup_elem(m, k)
#define PID() bpf_get_current_pid_tgid()
#define CHECKED(x) ((x) ? 1 : 0)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} progs SEC(".maps");

/* bpfaot: helpers are calls into the runtime (include/bpfaot/abi.h) */
extern void *_bpf_helper_ext_0001(void *map, const void *key);
extern long _bpf_helper_ext_0012(void *ctx, void *prog_array_map, __u32 index);
extern __u64 _bpf_helper_ext_0014(void);
#define bpf_map_lookup_elem _bpf_helper_ext_0001
#define bpf_get_current_pid_tgid _bpf_helper_ext_0014
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_counts[];
#line 24 "tests/data/rw/helpers.bpf.c"
static void jump(void *ctx)
{
	_bpf_helper_ext_0012(ctx, &progs, 1);
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = LOOKUP(&counts, &key);

	if (CHECKED(({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 1u ? (void *)(__bpfaot_map_values_counts + (__SIZE_TYPE__)__bpfaot_key * 8) : (void *)0; })) && v)
		*v += PID();
	({ long __r = _bpf_helper_ext_0012(ctx, &progs, 0); if (!__r) return 0; __r; });
	jump(ctx);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
/* diagnostics:
tests/data/rw/helpers.bpf.c:26:2: warning: bpf_tail_call() outside a program's own body: natively the caller continues after a successful tail call [-Waot]
        bpf_tail_call(ctx, &progs, 1);
        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
*/
