/* bpfaot: helpers are calls into the runtime (include/bpfaot/abi.h), untyped (--aot-no-types): 5 x u64 in, u64 out */
typedef __UINT64_TYPE__ __bpfaot_u64;
extern __bpfaot_u64 _bpf_helper_ext_0012(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0012(a1, a2, a3) ((long)_bpf_helper_ext_0012((__bpfaot_u64)(a1), (__bpfaot_u64)(a2), (__bpfaot_u64)(a3), 0, 0))
extern __bpfaot_u64 _bpf_helper_ext_0014(__bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64, __bpfaot_u64);
#define __bpfaot_call_0014() ((__u64)_bpf_helper_ext_0014(0, 0, 0, 0, 0))
#define bpf_tail_call __bpfaot_call_0012
#define bpf_get_current_pid_tgid __bpfaot_call_0014
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_counts[];
/* bpfaot: CO-RE relocations have no native meaning: the access itself */
#define __builtin_preserve_access_index(x) (x)
# 1 "tests/data/rw/helpers.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/helpers.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 4 "tests/data/rw/helpers.bpf.c" 2
/* bpfaot: 498 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 5 "tests/data/rw/helpers.bpf.c" 2

struct {
 int (*type)[BPF_MAP_TYPE_ARRAY];
 int (*max_entries)[1];
 typeof(__u32) *key;
 typeof(__u64) *value;
} counts
# 15 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic push
# 15 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 15 "tests/data/rw/helpers.bpf.c"
         __attribute__((section(".maps"), used))
# 15 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic pop
# 15 "tests/data/rw/helpers.bpf.c"
                     ;

struct {
 int (*type)[BPF_MAP_TYPE_PROG_ARRAY];
 int (*max_entries)[2];
 typeof(__u32) *key;
 typeof(__u32) *value;
} progs
# 22 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic push
# 22 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 22 "tests/data/rw/helpers.bpf.c"
        __attribute__((section(".maps"), used))
# 22 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic pop
# 22 "tests/data/rw/helpers.bpf.c"
                    ;

static void jump(void *ctx)
{
 bpf_tail_call(ctx, &progs, 1);
}

#pragma GCC diagnostic push
# 29 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 29 "tests/data/rw/helpers.bpf.c"
 __attribute__((section("xdp"), used))
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

char LICENSE[]
# 42 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic push
# 42 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 42 "tests/data/rw/helpers.bpf.c"
               __attribute__((section("license"), used))
# 42 "tests/data/rw/helpers.bpf.c"
#pragma GCC diagnostic pop
# 42 "tests/data/rw/helpers.bpf.c"
                              = "GPL";
/* diagnostics:
tests/data/rw/helpers.bpf.c:26:2: warning: bpf_tail_call() outside a program's own body and not in a noinline function: natively the caller continues after a successful tail call [-Waot]
        bpf_tail_call(ctx, &progs, 1);
        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
*/
