/* bpfaot-cc: native source of program 'prog' of tests/data/rw/inline.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
#line 1 "tests/data/rw/inline.bpf.c"
// inline rewrites: what becomes inline code and what must stay a call.
// Inlined: array lookups with a 4-byte key (local, parameter, array element,
// through a macro argument), updates with BPF_ANY / BPF_EXIST / BPF_NOEXIST,
// bpf_get_smp_processor_id(), bpf_get_numa_node_id(). Calls: a hash map, a
// per-CPU array, an array of maps, a key with side effects, a key of 8
// bytes, a (void *) key, a value holding a bpf_spin_lock, flags not a
// constant, a helper spelled in a macro body, bpf_ktime_get_ns(), bpf_printk
// (variadic: the untyped path counts its arguments).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LOOKUP(m, k) bpf_map_lookup_elem(m, k)
#define CPU() bpf_get_smp_processor_id()

struct rec {
	__u64 packets;
	__u32 last;
};

struct locked {
	struct bpf_spin_lock lock;
	__u64 v;
};

/* bpfaot: map 'arr' (type 2, key 4, value 16, max_entries 4) is the runtime's */
extern struct bpfaot_map arr;
#line 31 "tests/data/rw/inline.bpf.c"

/* bpfaot: map 'hash' (type 1, key 4, value 8, max_entries 64) is the runtime's */
extern struct bpfaot_map hash;
#line 38 "tests/data/rw/inline.bpf.c"

/* bpfaot: map 'pcpu' (type 6, key 4, value 8, max_entries 2) is the runtime's */
extern struct bpfaot_map pcpu;
#line 45 "tests/data/rw/inline.bpf.c"

/* bpfaot: map 'lk' (type 2, key 4, value 16, max_entries 1) is the runtime's */
extern struct bpfaot_map lk;
#line 52 "tests/data/rw/inline.bpf.c"

/* bpfaot: map 'outer' (type 12, key 4, value 4, max_entries 1) is the runtime's */
extern struct bpfaot_map outer;
#line 64 "tests/data/rw/inline.bpf.c"

/* bpfaot: helpers are calls into the runtime (include/bpfaot/abi.h), untyped (--aot-no-types): 5 x u64 in, u64 out */
typedef __UINT64_TYPE__ __bpfaot_u64;
#define __BPFAOT_U(x) ((__bpfaot_u64)(x))
#define __BPFAOT_A1(a) __BPFAOT_U(a), 0, 0, 0, 0
#define __BPFAOT_A2(a, b) __BPFAOT_U(a), __BPFAOT_U(b), 0, 0, 0
#define __BPFAOT_A3(a, b, c) __BPFAOT_U(a), __BPFAOT_U(b), __BPFAOT_U(c), 0, 0
#define __BPFAOT_A4(a, b, c, d) __BPFAOT_U(a), __BPFAOT_U(b), __BPFAOT_U(c), __BPFAOT_U(d), 0
#define __BPFAOT_A5(a, b, c, d, e) __BPFAOT_U(a), __BPFAOT_U(b), __BPFAOT_U(c), __BPFAOT_U(d), __BPFAOT_U(e)
#define __BPFAOT_N(...) __BPFAOT_N_(__VA_ARGS__, 5, 4, 3, 2, 1, 0)
#define __BPFAOT_N_(a, b, c, d, e, n, ...) n
#define __BPFAOT_CAT(a, b) __BPFAOT_CAT_(a, b)
#define __BPFAOT_CAT_(a, b) a##b
#define __BPFAOT_ARGS(...) __BPFAOT_CAT(__BPFAOT_A, __BPFAOT_N(__VA_ARGS__))(__VA_ARGS__)
extern __bpfaot_u64 _bpf_helper_ext_0001(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0001(a1, a2) ((void *)_bpf_helper_ext_0001((__bpfaot_u64)(a1), (__bpfaot_u64)(a2), 0, 0, 0))
extern __bpfaot_u64 _bpf_helper_ext_0002(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0002(a1, a2, a3, a4) ((long)_bpf_helper_ext_0002((__bpfaot_u64)(a1), (__bpfaot_u64)(a2), (__bpfaot_u64)(a3), (__bpfaot_u64)(a4), 0))
extern __bpfaot_u64 _bpf_helper_ext_0005(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0005() ((__u64)_bpf_helper_ext_0005(0, 0, 0, 0, 0))
extern __bpfaot_u64 _bpf_helper_ext_0006(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0006(...) ((long)_bpf_helper_ext_0006(__BPFAOT_ARGS(__VA_ARGS__)))
extern __bpfaot_u64 _bpf_helper_ext_0008(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0008() ((__u32)_bpf_helper_ext_0008(0, 0, 0, 0, 0))
extern __bpfaot_u64 _bpf_helper_ext_0042(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0042() ((long)_bpf_helper_ext_0042(0, 0, 0, 0, 0))
#define bpf_map_lookup_elem __bpfaot_call_0001
#define bpf_get_smp_processor_id __bpfaot_call_0008
#define bpf_trace_printk __bpfaot_call_0006
#line 65 "tests/data/rw/inline.bpf.c"
static
int prog(struct xdp_md *ctx)
{
	__u32 keys[2] = { 1, 2 }, key = 0, i = 0;
	__u64 wide = 0, one = 1;
	struct rec r = { .packets = 1 };
	struct locked l = { .v = 1 };
	struct rec *a;
	__u64 *h;

	a = __bpfaot_call_0001(&arr, &key);
	if (a)
		a->last = __bpfaot_call_0008() + __bpfaot_call_0042();
	a = __bpfaot_call_0001(&arr, &keys[1]);
	a = LOOKUP(&arr, &key);
	if (__bpfaot_call_0001(&arr, &keys[i++]))
		i += CPU();
	a = __bpfaot_call_0001(&arr, &wide);
	a = __bpfaot_call_0001(&arr, (void *)&key);
	__bpfaot_call_0002(&arr, &key, &r, BPF_ANY);
	__bpfaot_call_0002(&arr, &keys[0], &r, BPF_EXIST);
	if (__bpfaot_call_0002(&arr, &key, &r, BPF_NOEXIST) == -17)
		i++;
	__bpfaot_call_0002(&arr, &key, &r, i);
	__bpfaot_call_0002(&lk, &key, &l, BPF_ANY);
	h = __bpfaot_call_0001(&hash, &key);
	if (h)
		*h += __bpfaot_call_0005();
	h = __bpfaot_call_0001(&pcpu, &key);
	if (__bpfaot_call_0001(&outer, &key))
		i++;
	__bpfaot_call_0002(&hash, &key, &one, BPF_NOEXIST);
	bpf_printk("i %u", i);
	return a && h ? XDP_PASS : XDP_DROP + i;
}

static char LICENSE[] = "GPL";

/* bpfaot: the native entry of program 'prog' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return prog(ctx);
}
