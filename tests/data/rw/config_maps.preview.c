/* bpfaot-cc: native source of program 'prog' of tests/data/rw/config_maps.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern const char __bpfaot_map_values_cfg_const[]; /* a configuration map: only read */
extern const char __bpfaot_map_values_cfg_plain[]; /* a configuration map: only read */
extern char __bpfaot_map_values_w_member[];
extern char __bpfaot_map_values_w_inc[];
extern char __bpfaot_map_values_w_atomic[];
extern char __bpfaot_map_values_w_update[];
extern char __bpfaot_map_values_w_call[];
extern char __bpfaot_map_values_w_alias[];
extern char __bpfaot_map_values_w_deref[];
extern char __bpfaot_map_values_w_ret[];
/* bpfaot: inlined hash maps: lookups walk the table of M through __bpfaot_htab_v1_M (docs/object-format.md) */
void *__bpfaot_inline_htab_lookup(const void *, const void *, unsigned int);
extern char __bpfaot_htab_v1_cfg_hash[];
/* bpfaot: CO-RE relocations have no native meaning: the access itself */
#define __builtin_preserve_access_index(x) (x)
# 1 "tests/data/rw/config_maps.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/config_maps.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 10 "tests/data/rw/config_maps.bpf.c" 2
/* bpfaot: 71 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
extern long bpf_tail_call(void *ctx, void *prog_array_map, __u32 index) __asm__("_bpf_helper_ext_0012");
/* bpfaot: 402 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
{ /* bpfaot: inline BPF assembly */ __builtin_trap(); }
/* bpfaot: 13 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 11 "tests/data/rw/config_maps.bpf.c" 2

struct cfg {
 __u32 x;
 __u32 n;
 __u32 arr[4];
};

/* bpfaot: map 'cfg_const' (type 2, key 4, value 24, max_entries 2) is the runtime's; a configuration map: only read by the programs */ extern struct bpfaot_map cfg_const;

/* bpfaot: map 'cfg_plain' (type 2, key 4, value 24, max_entries 2) is the runtime's; a configuration map: only read by the programs */ extern struct bpfaot_map cfg_plain;

/* bpfaot: map 'unused' (type 2, key 4, value 24, max_entries 2) is the runtime's; a configuration map: only read by the programs */ extern struct bpfaot_map unused;

/* bpfaot: map 'w_member' (type 2, key 4, value 24, max_entries 2) is the runtime's; not a configuration map: the program writes into its values (line 138) */ extern struct bpfaot_map w_member;

/* bpfaot: map 'w_inc' (type 2, key 4, value 24, max_entries 2) is the runtime's; not a configuration map: the program writes into its values (line 141) */ extern struct bpfaot_map w_inc;

/* bpfaot: map 'w_atomic' (type 2, key 4, value 24, max_entries 2) is the runtime's; not a configuration map: an atomic operation writes into its values (line 144) */ extern struct bpfaot_map w_atomic;

/* bpfaot: map 'w_update' (type 2, key 4, value 24, max_entries 2) is the runtime's; not a configuration map: bpf_map_update_elem() takes it (line 145) */ extern struct bpfaot_map w_update;

/* bpfaot: map 'w_call' (type 2, key 4, value 24, max_entries 2) is the runtime's; not a configuration map: a pointer into its values is passed to 'touch' (line 148) */ extern struct bpfaot_map w_call;

/* bpfaot: map 'w_alias' (type 2, key 4, value 24, max_entries 2) is the runtime's; not a configuration map: the program writes into its values (line 152) */ extern struct bpfaot_map w_alias;

/* bpfaot: map 'w_deref' (type 2, key 4, value 4, max_entries 2) is the runtime's; not a configuration map: the program writes into its values (line 155) */ extern struct bpfaot_map w_deref;

/* bpfaot: map 'w_ret' (type 2, key 4, value 24, max_entries 2) is the runtime's; not a configuration map: a pointer into its values is stored or returned (line 116) */ extern struct bpfaot_map w_ret;

/* bpfaot: map 'cfg_hash' (type 1, key 4, value 4, max_entries 8) is the runtime's; a configuration map: only read by the programs */ extern struct bpfaot_map cfg_hash;

/* bpfaot: map 'jmp' (type 3, key 4, value 4, max_entries 2) is the runtime's; not a configuration map: its type (3) is not an array or a hash */ extern struct bpfaot_map jmp;

static __attribute__((noinline)) int touch(struct cfg *c)
{
 return c->x;
}

static __attribute__((noinline)) struct cfg *give(__u32 k)
{
 return ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_w_ret + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; });
}

#pragma GCC diagnostic push
# 119 "tests/data/rw/config_maps.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 119 "tests/data/rw/config_maps.bpf.c"
 static
# 119 "tests/data/rw/config_maps.bpf.c"
#pragma GCC diagnostic pop
int prog(struct xdp_md *ctx)
{
 __u32 k = 0, one = 1;
 const struct cfg *cc = ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_cfg_const + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; });
 struct cfg *c = ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_cfg_plain + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; }), *pm, *pi, *pa, *pc, *p, *q;
 __u32 *h, *d;
 int r = 0;

 if (!cc || !c)
  return 0;
 r += cc->x + c->arr[1];
 if (c->n > 3 && c != (void *)0)
  r++;
 h = ((void *)__bpfaot_inline_htab_lookup(__bpfaot_htab_v1_cfg_hash, (const void *)(&c->x), 4u));
 if (h)
  r += *h;
 pm = ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_w_member + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; });
 if (pm)
  pm->x = r;
 pi = ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_w_inc + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; });
 if (pi)
  pi->n++;
 pa = ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_w_atomic + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; });
 if (pa)
  __sync_fetch_and_add(&pa->n, 1);
 ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (__builtin_memcpy(__bpfaot_map_values_w_update + (__SIZE_TYPE__)__bpfaot_key * 24, (c), 24), 0L) : -7L; });
 pc = ({ unsigned int __bpfaot_key = *(&one); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_w_call + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; });
 if (pc)
  r += touch(pc);
 p = ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_w_alias + (__SIZE_TYPE__)__bpfaot_key * 24) : (void *)0; });
 q = p;
 if (q)
  q->arr[2] = 7;
 d = ({ unsigned int __bpfaot_key = *(&k); __bpfaot_key < 2u ? (void *)(__bpfaot_map_values_w_deref + (__SIZE_TYPE__)__bpfaot_key * 8) : (void *)0; });
 if (d)
  *d = 1;
 p = give(k);
 if (p)
  r += p->x;
 ({ long __r = bpf_tail_call(ctx, &jmp, 0); if (!__r) return 0; __r; });
 return r;
}

static char LICENSE[]
# 163 "tests/data/rw/config_maps.bpf.c"
#pragma GCC diagnostic push
# 163 "tests/data/rw/config_maps.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 163 "tests/data/rw/config_maps.bpf.c"

# 163 "tests/data/rw/config_maps.bpf.c"
#pragma GCC diagnostic pop
# 163 "tests/data/rw/config_maps.bpf.c"
                              = "GPL";

/* bpfaot: the native entry of program 'prog' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return prog(ctx);
}
