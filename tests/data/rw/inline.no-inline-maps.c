/* bpfaot-cc: native source of program 'prog' of tests/data/rw/inline.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
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
/* bpfaot: 414 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
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

 a = bpf_map_lookup_elem(&arr, &key);
 if (a)
  a->last = ((__u32)0) + ((long)0);
 a = bpf_map_lookup_elem(&arr, &keys[1]);
 a = bpf_map_lookup_elem(&arr, &key);
 if (bpf_map_lookup_elem(&arr, &keys[i++]))
  i += ((__u32)0);
 a = bpf_map_lookup_elem(&arr, &wide);
 a = bpf_map_lookup_elem(&arr, (void *)&key);
 bpf_map_update_elem(&arr, &key, &r, BPF_ANY);
 bpf_map_update_elem(&arr, &keys[0], &r, BPF_EXIST);
 if (bpf_map_update_elem(&arr, &key, &r, BPF_NOEXIST) == -17)
  i++;
 bpf_map_update_elem(&arr, &key, &r, i);
 bpf_map_update_elem(&lk, &key, &l, BPF_ANY);
 h = bpf_map_lookup_elem(&hash, &key);
 if (h)
  *h += bpf_ktime_get_ns();
 h = bpf_map_lookup_elem(&pcpu, &key);
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
