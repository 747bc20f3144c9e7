# 1 "tests/data/rw/globals.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/globals.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 3 "tests/data/rw/globals.bpf.c" 2
/* bpfaot: 498 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 4 "tests/data/rw/globals.bpf.c" 2

extern const __u32 limit;
extern const __u8 table[5];
extern __u64 hits;
extern __u32 first, second;
extern __u64 custom
# 12 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic push
# 12 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 12 "tests/data/rw/globals.bpf.c"
             __attribute__((section(".data.custom"), used))
# 12 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic pop
# 12 "tests/data/rw/globals.bpf.c"
;
extern int zero;

#pragma GCC diagnostic push
# 15 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 15 "tests/data/rw/globals.bpf.c"
 __attribute__((section("xdp"), used))
# 15 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic pop
int use_globals(struct xdp_md *ctx)
{
 hits++;
 return table[first % sizeof(table)] + second + custom + zero < limit;
}

static char LICENSE[]
# 22 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic push
# 22 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 22 "tests/data/rw/globals.bpf.c"

# 22 "tests/data/rw/globals.bpf.c"
#pragma GCC diagnostic pop
# 22 "tests/data/rw/globals.bpf.c"
                              = "GPL";
