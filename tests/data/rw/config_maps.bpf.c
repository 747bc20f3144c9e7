// configuration maps: which maps the programs only read (rw_map_usage()).
// Read only: cfg_const (a const pointer), cfg_plain (members and elements
// read, compared, used as a key), cfg_hash (a hash read the same way),
// unused. Written: w_member (p->x = ...), w_inc (p->n++), w_atomic
// (__sync_fetch_and_add(&p->n, 1)), w_update (bpf_map_update_elem),
// w_call (p passed to a function), w_alias (copied into q, written
// through q), w_deref (*p = ...), w_ret (returned). Not a configuration
// type: jmp (a prog array).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct cfg {
	__u32 x;
	__u32 n;
	__u32 arr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} cfg_const SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} cfg_plain SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} unused SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} w_member SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} w_inc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} w_atomic SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} w_update SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} w_call SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} w_alias SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} w_deref SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct cfg);
} w_ret SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u32);
} cfg_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} jmp SEC(".maps");

static __attribute__((noinline)) int touch(struct cfg *c)
{
	return c->x;
}

static __attribute__((noinline)) struct cfg *give(__u32 k)
{
	return bpf_map_lookup_elem(&w_ret, &k);
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 k = 0, one = 1;
	const struct cfg *cc = bpf_map_lookup_elem(&cfg_const, &k);
	struct cfg *c = bpf_map_lookup_elem(&cfg_plain, &k), *pm, *pi, *pa, *pc, *p, *q;
	__u32 *h, *d;
	int r = 0;

	if (!cc || !c)
		return 0;
	r += cc->x + c->arr[1];
	if (c->n > 3 && c != (void *)0)
		r++;
	h = bpf_map_lookup_elem(&cfg_hash, &c->x);
	if (h)
		r += *h;
	pm = bpf_map_lookup_elem(&w_member, &k);
	if (pm)
		pm->x = r;
	pi = bpf_map_lookup_elem(&w_inc, &k);
	if (pi)
		pi->n++;
	pa = bpf_map_lookup_elem(&w_atomic, &k);
	if (pa)
		__sync_fetch_and_add(&pa->n, 1);
	bpf_map_update_elem(&w_update, &k, c, BPF_ANY);
	pc = bpf_map_lookup_elem(&w_call, &one);
	if (pc)
		r += touch(pc);
	p = bpf_map_lookup_elem(&w_alias, &k);
	q = p;
	if (q)
		q->arr[2] = 7;
	d = bpf_map_lookup_elem(&w_deref, &k);
	if (d)
		*d = 1;
	p = give(k);
	if (p)
		r += p->x;
	bpf_tail_call(ctx, &jmp, 0);
	return r;
}

char LICENSE[] SEC("license") = "GPL";
