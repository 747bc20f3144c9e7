/* SPDX-License-Identifier: MIT */
/*
 * count.c as llvmbpf's `bpftime-vm build` would lower it: no manifest, maps
 * reached through __lddw_helper_map_by_fd (the map's index in the object:
 * counts 0, stats 1, .rodata 2, .bss 3) and __lddw_helper_map_val, helpers
 * as _bpf_helper_ext_NNNN with five u64 arguments. Native only.
 */
typedef unsigned long long u64;
typedef unsigned int u32;
typedef unsigned char u8;

extern u64 __lddw_helper_map_by_fd(u32 fd);
extern u64 __lddw_helper_map_val(u64 map);
extern u64 _bpf_helper_ext_0001(u64, u64, u64, u64, u64);
extern u64 _bpf_helper_ext_0002(u64, u64, u64, u64, u64);

struct xdp_md {
	u32 data, data_end, data_meta, ingress_ifindex, rx_queue_index, egress_ifindex;
};

u64 bpf_main(void *c, u64 size)
{
	struct xdp_md *ctx = c;
	u8 *p = (u8 *)(unsigned long)ctx->data, *end = (u8 *)(unsigned long)ctx->data_end;
	u64 counts = __lddw_helper_map_by_fd(0), stats = __lddw_helper_map_by_fd(1);
	u32 weight = *(u32 *)__lddw_helper_map_val(__lddw_helper_map_by_fd(2));
	u64 *hits = (u64 *)__lddw_helper_map_val(__lddw_helper_map_by_fd(3));
	u64 *v, one = weight;
	u32 key, slot;

	(void)size;
	if (p + 14 > end)
		return 0; /* XDP_ABORTED */
	key = p[12] & 15;
	slot = p[13] & 3;
	v = (u64 *)_bpf_helper_ext_0001(counts, (u64)&key, 0, 0, 0);
	if (v)
		*v += weight;
	else
		_bpf_helper_ext_0002(counts, (u64)&key, (u64)&one, 0, 0);
	++*hits;
	v = (u64 *)_bpf_helper_ext_0001(stats, (u64)&slot, 0, 0, 0);
	if (v)
		*v += *hits;
	return key == 0 ? 1 : 2; /* XDP_DROP : XDP_PASS */
}
