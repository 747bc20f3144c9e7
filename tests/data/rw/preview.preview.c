/* bpfaot-cc: native source of program 'xdp_count' of tests/data/rw/preview.bpf.c (x86-64; maps, globals and helpers are the runtime's) */
/* bpfaot: inlined array maps: value i of M is at __bpfaot_map_values_M + i * stride (docs/object-format.md) */
extern char __bpfaot_map_values_xdp_stats[];
/* bpfaot: CO-RE relocations have no native meaning: the access itself */
#define __builtin_preserve_access_index(x) (x)
# 1 "tests/data/rw/preview.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/preview.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 9 "tests/data/rw/preview.bpf.c" 2
/* bpfaot: 474 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
{ /* bpfaot: inline BPF assembly */ __builtin_trap(); }
/* bpfaot: 13 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 10 "tests/data/rw/preview.bpf.c" 2

struct datarec {
 __u64 packets;
 __u64 bytes;
};

/* bpfaot: map 'xdp_stats' (type 2, key 4, value 16, max_entries 5) is the runtime's; not a configuration map: an atomic operation writes into its values (line 32) */ extern struct bpfaot_map xdp_stats;

static inline __attribute__((always_inline)) __u32 account(struct xdp_md *ctx, __u32 action)
{
 void *data_end = (void *)(long)ctx->data_end;
 void *data = (void *)(long)ctx->data;
 struct datarec *rec;

 rec = ({ unsigned int __bpfaot_key = *(&action); __bpfaot_key < 5u ? (void *)(__bpfaot_map_values_xdp_stats + (__SIZE_TYPE__)__bpfaot_key * 16) : (void *)0; });
 if (!rec)
  return XDP_ABORTED;
 __sync_fetch_and_add(&rec->packets, 1);
 __sync_fetch_and_add(&rec->bytes, (__u64)(data_end - data));
 return action;
}

#pragma GCC diagnostic push
# 37 "tests/data/rw/preview.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 37 "tests/data/rw/preview.bpf.c"
 static
# 37 "tests/data/rw/preview.bpf.c"
#pragma GCC diagnostic pop
int xdp_count(struct xdp_md *ctx)
{
 return account(ctx, XDP_PASS);
}

static char LICENSE[]
# 43 "tests/data/rw/preview.bpf.c"
#pragma GCC diagnostic push
# 43 "tests/data/rw/preview.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 43 "tests/data/rw/preview.bpf.c"

# 43 "tests/data/rw/preview.bpf.c"
#pragma GCC diagnostic pop
# 43 "tests/data/rw/preview.bpf.c"
                              = "GPL";

/* bpfaot: the native entry of program 'xdp_count' (SEC("xdp")), see include/bpfaot/abi.h */
unsigned long long bpf_main(void *ctx, unsigned long long ctx_size)
{
	(void)ctx_size;
	return xdp_count(ctx);
}
