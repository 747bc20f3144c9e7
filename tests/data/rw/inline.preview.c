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

/* bpfaot: helpers are calls into the runtime (include/bpfaot/abi.h) */
extern void *_bpf_helper_ext_0001(void *map, const void *key);
extern long _bpf_helper_ext_0002(void *map, const void *key, const void *value, __u64 flags);
extern __u64 _bpf_helper_ext_0005(void);
extern long _bpf_helper_ext_0006(const char *fmt, __u32 fmt_size, ...);
extern __u32 _bpf_helper_ext_0008(void);
#define bpf_map_lookup_elem _bpf_helper_ext_0001
#define bpf_get_smp_processor_id _bpf_helper_ext_0008
#define bpf_trace_printk _bpf_helper_ext_0006
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_arr[];
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

	a = ({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 4u ? (void *)(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });
	if (a)
		a->last = ((__u32)0) + ((long)0);
	a = ({ unsigned int __bpfaot_key = *(&keys[1]); __bpfaot_key < 4u ? (void *)(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });
	a = LOOKUP(&arr, &key);
	if (_bpf_helper_ext_0001(&arr, &keys[i++]))
		i += CPU();
	a = _bpf_helper_ext_0001(&arr, &wide);
	a = _bpf_helper_ext_0001(&arr, (void *)&key);
	({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 4u ? (__builtin_memcpy(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16, (&r), 16), 0L) : -7L; });
	({ unsigned int __bpfaot_key = *(&keys[0]); __bpfaot_key < 4u ? (__builtin_memcpy(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16, (&r), 16), 0L) : -7L; });
	if (({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 4u ? -17L : -7L; }) == -17)
		i++;
	_bpf_helper_ext_0002(&arr, &key, &r, i);
	_bpf_helper_ext_0002(&lk, &key, &l, BPF_ANY);
	h = _bpf_helper_ext_0001(&hash, &key);
	if (h)
		*h += _bpf_helper_ext_0005();
	h = _bpf_helper_ext_0001(&pcpu, &key);
	if (_bpf_helper_ext_0001(&outer, &key))
		i++;
	_bpf_helper_ext_0002(&hash, &key, &one, BPF_NOEXIST);
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
