// inline rewrites: what becomes inline code and what must stay a call.
// Inlined: array lookups with a 4-byte key (local, parameter, array element,
// through a macro argument or a macro body), updates with BPF_ANY / BPF_EXIST / BPF_NOEXIST,
// bpf_get_smp_processor_id(), bpf_get_numa_node_id(), lookups in a hash map
// and a per-CPU array (through the map's view). Calls: updates of a hash
// map, an array of maps, a key with side effects, a key of 8
// bytes, a (void *) key, a value holding a bpf_spin_lock, flags not a
// constant, bpf_ktime_get_ns(), bpf_printk
// (variadic: the untyped path counts its arguments).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LOOKUP(m, k) bpf_map_lookup_elem(m, k)
#define CPU() bpf_get_smp_processor_id()

struct rec {
	__u64 packets;
	__u32 last;
};

struct locked {
	struct bpf_spin_lock lock;
	__u64 v;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct rec);
} arr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} pcpu SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct locked);
} lk SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, struct {
		__uint(type, BPF_MAP_TYPE_ARRAY);
		__uint(max_entries, 1);
		__type(key, __u32);
		__type(value, __u64);
	});
} outer SEC(".maps");

SEC("xdp")
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
		a->last = bpf_get_smp_processor_id() + bpf_get_numa_node_id();
	a = bpf_map_lookup_elem(&arr, &keys[1]);
	a = LOOKUP(&arr, &key);
	if (bpf_map_lookup_elem(&arr, &keys[i++]))
		i += CPU();
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
	bpf_printk("i %u", i);
	return a && h ? XDP_PASS : XDP_DROP + i;
}

char LICENSE[] SEC("license") = "GPL";
