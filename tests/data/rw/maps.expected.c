// map rewrite: BTF maps (with a .values initialiser) and a legacy map
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

/* bpfaot: map 'by_id' (type 1, key 8, value 4, max_entries 128) is the runtime's */
extern struct bpfaot_map by_id;
#line 20 "tests/data/rw/maps.bpf.c"

/* bpfaot: map 'legacy' (type 2, key 4, value 8, max_entries 4) is the runtime's */
extern struct bpfaot_map legacy;
#line 27 "tests/data/rw/maps.bpf.c"

SEC("xdp")
int use_maps(struct xdp_md *ctx)
{
	__u64 id = 1;
	__u32 k = 0, *v = bpf_map_lookup_elem(&by_id, &id);

	bpf_map_lookup_elem(&legacy, &k);
	return v ? *v : 0;
}

char LICENSE[] SEC("license") = "GPL";
