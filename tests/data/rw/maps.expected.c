# 1 "tests/data/rw/maps.bpf.c"
/* bpfaot: 5 unchanged lines of system headers (<built-in>, ...) */
# 1 "tests/data/rw/maps.bpf.c" 2

/* bpfaot: 1863 unchanged lines of system headers (linux/bpf.h, ...) */
# 3 "tests/data/rw/maps.bpf.c" 2
/* bpfaot: 498 unchanged lines of system headers (bpf/bpf_helpers.h, ...) */
# 4 "tests/data/rw/maps.bpf.c" 2

struct bpf_map_def {
 unsigned int type;
 unsigned int key_size;
 unsigned int value_size;
 unsigned int max_entries;
 unsigned int map_flags;
};

/* bpfaot: map 'by_id' (type 1, key 8, value 4, max_entries 128) is the runtime's */ extern struct bpfaot_map by_id;

/* bpfaot: map 'legacy' (type 2, key 4, value 8, max_entries 4) is the runtime's */ extern struct bpfaot_map legacy;

#pragma GCC diagnostic push
# 28 "tests/data/rw/maps.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 28 "tests/data/rw/maps.bpf.c"
 __attribute__((section("xdp"), used))
# 28 "tests/data/rw/maps.bpf.c"
#pragma GCC diagnostic pop
int use_maps(struct xdp_md *ctx)
{
 __u64 id = 1;
 __u32 k = 0, *v = bpf_map_lookup_elem(&by_id, &id);

 bpf_map_lookup_elem(&legacy, &k);
 return v ? *v : 0;
}

char LICENSE[]
# 38 "tests/data/rw/maps.bpf.c"
#pragma GCC diagnostic push
# 38 "tests/data/rw/maps.bpf.c"
#pragma GCC diagnostic ignored "-Wignored-attributes"
# 38 "tests/data/rw/maps.bpf.c"
               __attribute__((section("license"), used))
# 38 "tests/data/rw/maps.bpf.c"
#pragma GCC diagnostic pop
# 38 "tests/data/rw/maps.bpf.c"
                              = "GPL";
