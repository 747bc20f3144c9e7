/* bpfaot-cc: native source of program 'prog' of tests/data/rw/inline.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
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
/* bpfaot: 49 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
extern void *bpf_map_lookup_elem(void *map, const void *key) __asm__("_bpf_helper_ext_0001");
/* bpfaot: 1 unchanged line of system headers (bpf/bpf_helper_defs.h, ...) */
extern long bpf_map_update_elem(void *map, const void *key, const void *value, __u64 flags) __asm__("_bpf_helper_ext_0002");
/* bpfaot: 5 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
extern __u64 bpf_ktime_get_ns(void) __asm__("_bpf_helper_ext_0005");
/* bpfaot: 1 unchanged line of system headers (bpf/bpf_helper_defs.h, ...) */
extern long bpf_trace_printk(const char *fmt, __u32 fmt_size, ...) __asm__("_bpf_helper_ext_0006");
/* bpfaot: 3 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
extern __u32 bpf_get_smp_processor_id(void) __asm__("_bpf_helper_ext_0008");
/* bpfaot: 67 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
extern long bpf_get_numa_node_id(void) __asm__("_bpf_helper_ext_0042");
/* bpfaot: 342 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
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
  a->last = bpf_get_smp_processor_id() + bpf_get_numa_node_id();
 a = ({ unsigned int __bpfaot_key = *(&keys[1]); __bpfaot_key < 4u ? (void *)(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });
 a = ({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 4u ? (void *)(__bpfaot_map_values_arr + (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });
 if (bpf_map_lookup_elem(&arr, &keys[i++]))
  i += bpf_get_smp_processor_id();
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
