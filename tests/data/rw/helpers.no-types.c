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

/* bpfaot: helpers are calls into the runtime (include/bpfaot/abi.h), untyped (--aot-no-types): 5 x u64 in, u64 out */
typedef __UINT64_TYPE__ __bpfaot_u64;
extern __bpfaot_u64 _bpf_helper_ext_0001(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0001(a1, a2) ((void *)_bpf_helper_ext_0001((__bpfaot_u64)(a1), (__bpfaot_u64)(a2), 0, 0, 0))
extern __bpfaot_u64 _bpf_helper_ext_0012(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0012(a1, a2, a3) ((long)_bpf_helper_ext_0012((__bpfaot_u64)(a1), (__bpfaot_u64)(a2), (__bpfaot_u64)(a3), 0, 0))
extern __bpfaot_u64 _bpf_helper_ext_0014(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0014() ((__u64)_bpf_helper_ext_0014(0, 0, 0, 0, 0))
#define bpf_map_lookup_elem __bpfaot_call_0001
#define bpf_get_current_pid_tgid __bpfaot_call_0014
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_counts[];
#line 24 "tests/data/rw/helpers.bpf.c"
static void jump(void *ctx)
{
	__bpfaot_call_0012(ctx, &progs, 1);
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = LOOKUP(&counts, &key);

	if (CHECKED(({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 1u ? (void *)(__bpfaot_map_values_counts + (__SIZE_TYPE__)__bpfaot_key * 8) : (void *)0; })) && v)
		*v += PID();
	({ long __r = __bpfaot_call_0012(ctx, &progs, 0); if (!__r) return 0; __r; });
	jump(ctx);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
/* diagnostics:
tests/data/rw/helpers.bpf.c:26:2: warning: bpf_tail_call() outside a program's own body: natively the caller continues after a successful tail call [-Waot]
        bpf_tail_call(ctx, &progs, 1);
        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
*/
