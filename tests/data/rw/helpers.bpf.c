// helper rewrite: direct calls, a call in a macro argument, a helper spelled
// in a macro body (a call like any other after -E), bpf_tail_call in and outside a program
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define LOOKUP(m, k) bpf_map_lookup_elem(m, k)
#define PID() bpf_get_current_pid_tgid()
#define CHECKED(x) ((x) ? 1 : 0)

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} progs SEC(".maps");

static void jump(void *ctx)
{
	bpf_tail_call(ctx, &progs, 1);
}

SEC("xdp")
int entry(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = LOOKUP(&counts, &key);

	if (CHECKED(bpf_map_lookup_elem(&counts, &key)) && v)
		*v += PID();
	bpf_tail_call(ctx, &progs, 0);
	jump(ctx);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
