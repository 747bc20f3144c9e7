/* bpfaot-cc: native source of program 'entry' of tests/data/rw/helpers.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_counts[];
/* bpfaot: CO-RE relocations have no native meaning: the access itself */
#define __builtin_preserve_access_index(x) (x)
# 1 "tests/data/rw/helpers.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/helpers.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 4 "tests/data/rw/helpers.bpf.c" 2
/* bpfaot: 71 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
extern long bpf_tail_call(void *ctx, void *prog_array_map, __u32 index) __asm__("_bpf_helper_ext_0012");
/* bpfaot: 3 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
extern __u64 bpf_get_current_pid_tgid(void) __asm__("_bpf_helper_ext_0014");
/* bpfaot: 398 unchanged lines of system headers (bpf/bpf_helper_defs.h, ...) */
{ /* bpfaot: inline BPF assembly */ __builtin_trap(); }
/* bpfaot: 13 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 5 "tests/data/rw/helpers.bpf.c" 2

/* bpfaot: map 'counts' (type 2, key 4, value 8, max_entries 1) is the runtime's; not a configuration map: the program writes into its values (line 36) */ extern struct bpfaot_map counts;

/* bpfaot: map 'progs' (type 3, key 4, value 4, max_entries 2) is the runtime's; not a configuration map: its type (3) is not an array or a hash */ extern struct bpfaot_map progs;

static void jump(void *ctx)
{
 bpf_tail_call(ctx, &progs, 1);
}

#pragma GCC diagnostic push
# 29 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 29 "tests/data/rw/helpers.bpf.c"
 static
# 29 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic pop
int entry(struct xdp_md *ctx)
{
 __u32 key = 0;
 __u64 *v = ({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 1u ? (void *)(__bpfaot_map_values_counts + (__SIZE_TYPE__)__bpfaot_key * 8) : (void *)0; });

 if (((({ unsigned int __bpfaot_key = *(&key); __bpfaot_key < 1u ? (void *)(__bpfaot_map_values_counts + (__SIZE_TYPE__)__bpfaot_key * 8) : (void *)0; })) ? 1 : 0) && v)
  *v += bpf_get_current_pid_tgid();
 ({ long __r = bpf_tail_call(ctx, &progs, 0); if (!__r) return 0; __r; });
 jump(ctx);
 return XDP_PASS;
}

static char LICENSE[]
# 42 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic push
# 42 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 42 "tests/data/rw/helpers.bpf.c"

# 42 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic pop
# 42 "tests/data/rw/helpers.bpf.c"
                              = "GPL";

/* bpfaot: the native entry of program 'entry' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return entry(ctx);
}
/* diagnostics:
tests/data/rw/helpers.bpf.c:26:2: warning: bpf_tail_call() outside a program's own body and not in a noinline function: natively the caller continues after a successful tail call [-Waot]
        bpf_tail_call(ctx, &progs, 1);
        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
*/
