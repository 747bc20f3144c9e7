/* bpfaot-cc: native source of program 'prog' of tests/data/rw/inline.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
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
#define bpf_map_lookup_elem __bpfaot_call_0001
#define bpf_map_update_elem __bpfaot_call_0002
#define bpf_ktime_get_ns __bpfaot_call_0005
#define bpf_trace_printk __bpfaot_call_0006
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_arr[];
/* bpfaot: inlined hash maps: lookups walk the table of M through __bpfaot_htab_v1_M (docs/object-format.md) */
void *__bpfaot_inline_htab_lookup(const void *, const void *, unsigned int);
extern char __bpfaot_htab_v1_hash[];
/* bpfaot: inlined per-CPU arrays: lookups index the values of M through __bpfaot_pcpu_array_v1_M (docs/object-format.md) */
void *__bpfaot_inline_pcpu_array_lookup(const void *, const void *, unsigned int);
extern char __bpfaot_pcpu_array_v1_pcpu[];
/* bpfaot: CO-RE relocations have no native meaning: the access itself */
#define __builtin_preserve_access_index(x) (x)
# 1 "tests/data/rw/inline.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/inline.bpf.c" 2
# 10 "tests/data/rw/inline.bpf.c"
/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 11 "tests/data/rw/inline.bpf.c" 2
/* bpfaot: 474 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
{ /* bpfaot: inline BPF assembly */ __builtin_trap(); }
/* bpfaot: 13 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 12 "tests/data/rw/inline.bpf.c" 2

struct rec {
 __u64 packets;
 __u32 last;
};

struct locked {
 struct bpf_spin_lock lock;
 __u64 v;
};

/* bpfaot: map 'arr' (type 2, key 4, value 16, max_entries 4) is the runtime's; not a configuration map: bpf_map_update_elem() takes it (line 85) */ extern struct bpfaot_map arr;

/* bpfaot: map 'hash' (type 1, key 4, value 8, max_entries 64) is the runtime's; not a configuration map: bpf_map_update_elem() takes it (line 97) */ extern struct bpfaot_map hash;

/* bpfaot: map 'pcpu' (type 6, key 4, value 8, max_entries 2) is the runtime's; not a configuration map: the program writes into its values (line 93) */ extern struct bpfaot_map pcpu;

/* bpfaot: map 'lk' (type 2, key 4, value 16, max_entries 1) is the runtime's; not a configuration map: bpf_map_update_elem() takes it (line 90) */ extern struct bpfaot_map lk;

/* bpfaot: map 'outer' (type 12, key 4, value 4, max_entries 1) is the runtime's; not a configuration map: its type (12) is not an array or a hash */ extern struct bpfaot_map outer;

#pragma GCC diagnostic push
# 66 "tests/data/rw/inline.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 66 "tests/data/rw/inline.bpf.c"
 static
# 66 "tests/data/rw/inline.bpf.c"
#pragma GCC diagnostic pop
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
 a = ({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 4u ? (void *)(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });
 if (bpf_map_lookup_elem(&arr, &keys[i++]))
  i += ((__u32)0);
 a = bpf_map_lookup_elem(&arr, &wide);
 a = bpf_map_lookup_elem(&arr, (void *)&key);
 ({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 4u ? (__builtin_memcpy(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16, (&r), 16), 0L) : -7L; });
 ({ unsigned int __bpfaot_key = *(&keys[0]); __bpfaot_key < 4u ? (__builtin_memcpy(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16, (&r), 16), 0L) : -7L; });
 if (({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 4u ? -17L : -7L; }) == -17)
  i++;
 bpf_map_update_elem(&arr, &key, &r, i);
 bpf_map_update_elem(&lk, &key, &l, BPF_ANY);
 h = ((void *)__bpfaot_inline_htab_lookup(__bpfaot_htab_v1_hash, (const void *)(&key), 4u));
 if (h)
  *h += bpf_ktime_get_ns();
 h = ((void *)__bpfaot_inline_pcpu_array_lookup(__bpfaot_pcpu_array_v1_pcpu, (const void *)(&key), 2u));
 if (bpf_map_lookup_elem(&outer, &key))
  i++;
 bpf_map_update_elem(&hash, &key, &one, BPF_NOEXIST);
 ({ static const char ____fmt[] = "i %u"; bpf_trace_printk(____fmt, sizeof(____fmt), i); });
 return a && h ? XDP_PASS : XDP_DROP + i;
}

static char LICENSE[]
# 102 "tests/data/rw/inline.bpf.c"
#pragma GCC diagnostic push
# 102 "tests/data/rw/inline.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 102 "tests/data/rw/inline.bpf.c"

# 102 "tests/data/rw/inline.bpf.c"
#pragma GCC diagnostic pop
# 102 "tests/data/rw/inline.bpf.c"
                              = "GPL";

/* bpfaot: the native entry of program 'prog' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return prog(ctx);
}
