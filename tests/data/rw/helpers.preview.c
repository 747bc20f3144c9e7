/* bpfaot-cc: native source of program 'entry' of tests/data/rw/helpers.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
#line 1 "tests/data/rw/helpers.bpf.c"
// helper rewrite: direct calls, a call in a macro argument, a helper spelled
// in a macro body (#define fallback), bpf_tail_call in and outside a program
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LOOKUP(m, k) bpf_map_lookup_elem(m, k)
#define PID() bpf_get_current_pid_tgid()
#define CHECKED(x) ((x) ? 1 : 0)

/* bpfaot: map 'counts' (type 2, key 4, value 8, max_entries 1) is the runtime's */
extern struct bpfaot_map counts;
#line 16 "tests/data/rw/helpers.bpf.c"

/* bpfaot: map 'progs' (type 3, key 4, value 4, max_entries 2) is the runtime's */
extern struct bpfaot_map progs;
#line 23 "tests/data/rw/helpers.bpf.c"

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

static
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

static char LICENSE[] = "GPL";

/* bpfaot: the native entry of program 'entry' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return entry(ctx);
}
/* diagnostics:
tests/data/rw/helpers.bpf.c:26:2: warning: bpf_tail_call() outside a program's own body: natively the caller continues after a successful tail call [-Waot]
        bpf_tail_call(ctx, &progs, 1);
        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
*/
