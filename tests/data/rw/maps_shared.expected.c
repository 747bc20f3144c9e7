# 1 "tests/data/rw/maps_shared.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/maps_shared.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 3 "tests/data/rw/maps_shared.bpf.c" 2
/* bpfaot: 498 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 4 "tests/data/rw/maps_shared.bpf.c" 2

/* bpfaot: map 'one' (type 2, key 4, value 4, max_entries 1) is the runtime's */ /* bpfaot: map 'two' (type 2, key 4, value 4, max_entries 1) is the runtime's */ extern struct bpfaot_map one, two;

#pragma GCC diagnostic push
# 12 "tests/data/rw/maps_shared.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 12 "tests/data/rw/maps_shared.bpf.c"
 __attribute__((section("xdp"), used))
# 12 "tests/data/rw/maps_shared.bpf.c"
#pragma GCC diagnostic pop
int prog(struct xdp_md *ctx)
{
 return 1;
}
