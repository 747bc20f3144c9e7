// SPDX-License-Identifier: MIT
/*
 * Packet helpers: XDP head/tail/metadata adjustment, skb byte loads and
 * stores, the checksum helpers with the x86-64 kernel's exact arithmetic,
 * redirects and tunnel keys. The table in helpers.c points here; the
 * checked-mode rules are the ones described there.
 *
 * The packet is run->pkt_buf[0..pkt_cap), allocated by the engine in the low
 * 4 GiB so that the 32-bit data/data_end/data_meta fields of struct xdp_md
 * and struct __sk_buff hold real addresses. pkt_buf plays the kernel's
 * data_hard_start. Helpers that move the packet's edges update run->data,
 * run->data_end and run->data_meta and rewrite the context's fields.
 *
 * The reference is a BPF_PROG_TEST_RUN skb: linear, ip_summed ==
 * CHECKSUM_NONE, so checksum helpers never touch skb->csum and
 * bpf_csum_update returns -ENOTSUPP, as the kernel does for such an skb.
 * The expected values in tests/check_rt_helpers.c come from the kernel.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "rt_helpers.h"
#include "rt_inline.h"
#include "rt_internal.h"

#define ETH_HLEN 14
#define XDP_FRAME_SZ 40		/* sizeof(struct xdp_frame), kept free at the head */
#define XDP_META_MAX 255	/* type_max(skb_shared_info.meta_len) */
#define ENOTSUPP 524		/* the kernel's internal "not supported", seen by programs */
#define TC_ACT_SHOT 2
#define TC_ACT_REDIRECT 7

/* Newer than the uapi headers we build against. */
#ifndef BPF_F_NO_TUNNEL_KEY
#define BPF_F_NO_TUNNEL_KEY (1ULL << 4)
#endif



/* Bytes of packet between data and data_end; 0 without a packet. */
static size_t pkt_len(const struct rt_run *run)
{
	return run && run->data ? (size_t)(run->data_end - run->data) : 0;
}

/* ------------------------------------------------------------- XDP */

/*
 * The context argument of a packet helper (of a socket-buffer helper with
 * skb). The kernel's verifier proves it is the context; in checked mode we
 * require the run's own, elsewhere we trust the native caller.
 */
static void *pkt_ctx(struct rt_run *run, const char *helper, uint64_t r1, bool skb)
{
	void *ctx = (void *)(uintptr_t)r1;

	if (!run || !run->pkt_buf || !run->data || (skb && run->prog->ctx_kind != RT_CTX_SKB)) {
		rt_run__fail(run, -EINVAL, "helper %s: the program has no %s", helper,
			     skb ? "socket buffer" : "packet");
		return NULL;
	}
	if (run->checked && ctx != run->ctx) {
		rt_run__fail(run, -EFAULT, "helper %s: %p is not the program's context", helper, ctx);
		return NULL;
	}
	return ctx;
}

static struct xdp_md *xdp_ctx(struct rt_run *run, const char *helper, uint64_t r1)
{
	return pkt_ctx(run, helper, r1, false);
}

/* Rewrites the 32-bit address fields after data, data_end or data_meta moved. */
static void xdp_sync(const struct rt_run *run, struct xdp_md *md)
{
	md->data = (uint32_t)(uintptr_t)run->data;
	md->data_end = (uint32_t)(uintptr_t)run->data_end;
	md->data_meta = (uint32_t)(uintptr_t)(run->data_meta ? run->data_meta : run->data);
}

/*
 * Addresses are compared as integers: a delta may point far outside the
 * buffer, and forming such a pointer is undefined behaviour.
 */
uint64_t rt_helper_xdp_adjust_head(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct xdp_md *md = xdp_ctx(run, "bpf_xdp_adjust_head", r1);
	int delta = (int)r2;
	uintptr_t data, start;
	size_t metalen;

	if (!md)
		return -EINVAL;
	metalen = run->data_meta ? (size_t)(run->data - run->data_meta) : 0;
	start = (uintptr_t)run->pkt_buf + XDP_FRAME_SZ + metalen;
	data = (uintptr_t)run->data + (intptr_t)delta;
	if (data < start || data > (uintptr_t)run->data_end - ETH_HLEN)
		return -EINVAL;
	if (metalen)
		memmove(run->data_meta + delta, run->data_meta, metalen);
	if (run->data_meta)
		run->data_meta += delta;
	run->data = (uint8_t *)data;
	xdp_sync(run, md);
	return 0;
}

uint64_t rt_helper_xdp_adjust_meta(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct xdp_md *md = xdp_ctx(run, "bpf_xdp_adjust_meta", r1);
	int delta = (int)r2;
	uintptr_t meta;
	size_t metalen;

	if (!md)
		return -EINVAL;
	if (!run->data_meta)
		return -ENOTSUPP;
	meta = (uintptr_t)run->data_meta + (intptr_t)delta;
	if (meta < (uintptr_t)run->pkt_buf + XDP_FRAME_SZ || meta > (uintptr_t)run->data)
		return -EINVAL;
	metalen = (uintptr_t)run->data - meta;
	if ((metalen & 3) || metalen > XDP_META_MAX)
		return -EACCES;
	run->data_meta = (uint8_t *)meta;
	xdp_sync(run, md);
	return 0;
}

/* Growth is bounded by the engine's buffer (the kernel's frame size). */
uint64_t rt_helper_xdp_adjust_tail(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct xdp_md *md = xdp_ctx(run, "bpf_xdp_adjust_tail", r1);
	int delta = (int)r2;
	uintptr_t end;

	if (!md)
		return -EINVAL;
	end = (uintptr_t)run->data_end + (intptr_t)delta;
	if (end > (uintptr_t)run->pkt_buf + run->pkt_cap || end < (uintptr_t)run->data + ETH_HLEN)
		return -EINVAL;
	/* new tail bytes are zero, as the kernel clears them */
	if (delta > 0)
		memset(run->data_end, 0, (size_t)delta);
	run->data_end = (uint8_t *)end;
	xdp_sync(run, md);
	return 0;
}

/* ------------------------------------------------------------- skb */

uint64_t rt_helper_skb_load_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				  uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	void *to = (void *)(uintptr_t)r3;

	if (!rt_helper_mem_ok(run, "bpf_skb_load_bytes", "to", to, (uint32_t)r4, true))
		return -EFAULT;
	return rt_inl_skb_load_bytes(run ? run->data : NULL, pkt_len(run), (uint32_t)r2, to,
				     (uint32_t)r4);
}

/* The packet is linear: everything up to skb->len is already readable and
 * writable. Like skb_ensure_writable(), len 0 means the head, and more
 * than the packet is -ENOMEM. */
uint64_t rt_helper_skb_pull_data(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				 uint64_t r5)
{
	return (uint32_t)r2 <= pkt_len(rt_run__current()) ? 0 : (uint64_t)-ENOMEM;
}

uint64_t rt_helper_skb_store_bytes(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	const void *from = (const void *)(uintptr_t)r3;

	/* the flags first, as the kernel checks them */
	if (r5 & ~(uint64_t)(BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH))
		return -EINVAL;
	if (!rt_helper_mem_ok(run, "bpf_skb_store_bytes", "from", from, (uint32_t)r4, false))
		return -EFAULT;
	return rt_inl_skb_store_bytes(run ? run->data : NULL, pkt_len(run), (uint32_t)r2, from,
				      (uint32_t)r4, r5);
}

/*
 * bpf_skb_adjust_room (net/core/filter.c): room is made or removed at the
 * MAC layer (after the Ethernet header) or the network layer (after the
 * IPv4 or IPv6 header of the packet's protocol); the bytes before that
 * point move, new room is zeroed. The reference is the kernel's test run:
 * a linear IPv4 or IPv6 skb, no GSO, not encapsulated until a call with an
 * ENCAP flag made it so (then another such call is -EALREADY), data at the
 * Ethernet header for tc. The DECAP flags are newer than our uapi headers.
 */
#define ADJ_ROOM_DECAP_L3_IPV4 (1ULL << 7)
#define ADJ_ROOM_DECAP_L3_IPV6 (1ULL << 8)
#define ADJ_ROOM_DECAP_L3_MASK (ADJ_ROOM_DECAP_L3_IPV4 | ADJ_ROOM_DECAP_L3_IPV6)
#define ADJ_ROOM_ENCAP_L3_MASK (BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6)
#define ADJ_ROOM_MASK                                                                              \
	(BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ROOM_ENCAP_L3_MASK | BPF_F_ADJ_ROOM_ENCAP_L4_GRE |         \
	 BPF_F_ADJ_ROOM_ENCAP_L4_UDP | BPF_F_ADJ_ROOM_ENCAP_L2_ETH |                               \
	 BPF_F_ADJ_ROOM_ENCAP_L2(BPF_ADJ_ROOM_ENCAP_L2_MASK) | ADJ_ROOM_DECAP_L3_MASK)
/* BPF_SKB_MAX_LEN = SKB_MAX_ALLOC: 4 pages less an aligned skb_shared_info
 * (320 bytes on x86-64) */
#define SKB_MAX_LEN (4 * 4096 - 320)
#define ETH_P_IP_BE 0x0008	/* htons(ETH_P_IP), as __sk_buff.protocol holds it */
#define ETH_P_IPV6_BE 0xdd86	/* htons(ETH_P_IPV6) */

/* Inserts len zero bytes at off (bpf_skb_net_grow). */
static int skb_grow(struct rt_run *run, struct __sk_buff *skb, uint32_t off, uint32_t len,
		    uint64_t flags)
{
	uint32_t inner_mac_len = (uint32_t)(flags >> BPF_ADJ_ROOM_ENCAP_L2_SHIFT);
	size_t head = (size_t)(run->data - run->pkt_buf);
	size_t tail = (size_t)(run->pkt_buf + run->pkt_cap - run->data_end);

	if (flags & ADJ_ROOM_ENCAP_L3_MASK) {
		if ((flags & ADJ_ROOM_ENCAP_L3_MASK) == ADJ_ROOM_ENCAP_L3_MASK)
			return -EINVAL;
		if ((flags & BPF_F_ADJ_ROOM_ENCAP_L4_GRE) && (flags & BPF_F_ADJ_ROOM_ENCAP_L4_UDP))
			return -EINVAL;
		if ((flags & BPF_F_ADJ_ROOM_ENCAP_L2_ETH) && inner_mac_len < ETH_HLEN)
			return -EINVAL;
		if (run->skb_encap)
			return -EALREADY;
		if (inner_mac_len > len)
			return -EINVAL;
	}
	if (head < len) {
		/* the kernel reallocates the head; here the packet moves
		 * back into the buffer's tail room */
		if (head + tail < len)
			return -ENOMEM;
		memmove(run->data + (len - head), run->data, pkt_len(run));
		run->data += len - head;
		run->data_end += len - head;
	}
	run->data -= len;
	memmove(run->data, run->data + len, off);
	memset(run->data + off, 0, len);
	if (flags & ADJ_ROOM_ENCAP_L3_MASK) {
		run->skb_encap = true;
		skb->protocol = flags & BPF_F_ADJ_ROOM_ENCAP_L3_IPV6 ? ETH_P_IPV6_BE : ETH_P_IP_BE;
	}
	return 0;
}

/* Removes len bytes at off (bpf_skb_net_shrink). */
static int skb_shrink(struct rt_run *run, struct __sk_buff *skb, uint32_t off, uint32_t len,
		      uint64_t flags)
{
	if (flags & ~(BPF_F_ADJ_ROOM_FIXED_GSO | ADJ_ROOM_DECAP_L3_MASK |
		      BPF_F_ADJ_ROOM_NO_CSUM_RESET))
		return -EINVAL;
	if ((size_t)off + len > pkt_len(run))
		return -ENOMEM;
	memmove(run->data + len, run->data, off);
	run->data += len;
	if (flags & ADJ_ROOM_DECAP_L3_IPV4)
		skb->protocol = ETH_P_IP_BE;
	else if (flags & ADJ_ROOM_DECAP_L3_IPV6)
		skb->protocol = ETH_P_IPV6_BE;
	return 0;
}

uint64_t rt_helper_skb_adjust_room(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct __sk_buff *skb = pkt_ctx(run, "bpf_skb_adjust_room", r1, true);
	int32_t len_diff = (int32_t)r2;
	uint32_t mode = (uint32_t)r3, diff = len_diff < 0 ? -(uint32_t)len_diff : (uint32_t)len_diff;
	uint64_t flags = r4;
	bool shrink = len_diff < 0;
	uint32_t mac_len, base, len_min, len_cur, off;
	int err;

	if (!skb)
		return -EINVAL;
	/* data starts at the Ethernet header for tc, after it for the rest */
	mac_len = rt_run__skb_is_l2(run->prog->type) ? ETH_HLEN : 0;
	base = (skb->protocol & 0xffff) == ETH_P_IP_BE ? 20 :
	       (skb->protocol & 0xffff) == ETH_P_IPV6_BE ? 40 : 0;
	len_min = base;
	if (flags & ~(ADJ_ROOM_MASK | BPF_F_ADJ_ROOM_NO_CSUM_RESET))
		return -EINVAL;
	if (diff > 0xfff)
		return -EFAULT;
	if (!base)
		return -ENOTSUPP;
	off = mac_len;
	if (mode == BPF_ADJ_ROOM_NET)
		off += base;
	else if (mode != BPF_ADJ_ROOM_MAC)
		return -ENOTSUPP;
	if (flags & ADJ_ROOM_DECAP_L3_MASK) {
		if (!shrink)
			return -EINVAL;
		if ((flags & ADJ_ROOM_DECAP_L3_MASK) == ADJ_ROOM_DECAP_L3_MASK)
			return -EINVAL;
		len_min = flags & ADJ_ROOM_DECAP_L3_IPV4 ? 20 : 40;
	}
	/* the kernel's test run has the whole IP header; a shorter packet
	 * (the runtime takes one) has no such layer */
	if (pkt_len(run) < (size_t)off)
		return -ENOTSUPP;
	len_cur = (uint32_t)pkt_len(run) - mac_len;
	if ((shrink && (diff >= len_cur || len_cur - diff < len_min)) ||
	    (!shrink && pkt_len(run) + diff > SKB_MAX_LEN))
		return -ENOTSUPP;
	err = shrink ? skb_shrink(run, skb, off, diff, flags) : skb_grow(run, skb, off, diff, flags);
	run->data_meta = run->data;
	rt_run__sync_ctx(run);
	return (uint64_t)(int64_t)err;
}

/*
 * bpf_skb_change_proto (net/core/filter.c, bpf_skb_proto_xlat): IPv4 to
 * IPv6 inserts 20 zero bytes after the MAC header, IPv6 to IPv4 removes
 * the 20 bytes there (-ENOMEM when the packet has not that many after
 * it); the program writes the new header itself. Any other pair, the same
 * protocol included, is -ENOTSUPP; flags must be 0. A tc program's data
 * starts at the Ethernet header, the helper is tc's only.
 */
uint64_t rt_helper_skb_change_proto(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				    uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct __sk_buff *skb = pkt_ctx(run, "bpf_skb_change_proto", r1, true);
	uint16_t from, to = (uint16_t)r2;
	const uint32_t len_diff = 40 - 20, off = ETH_HLEN;
	int err;

	(void)r4;
	(void)r5;
	if (!skb)
		return -EINVAL;
	if (r3)
		return -EINVAL;
	from = (uint16_t)skb->protocol;
	if (from == ETH_P_IP_BE && to == ETH_P_IPV6_BE) {
		err = skb_grow(run, skb, off, len_diff, 0);
	} else if (from == ETH_P_IPV6_BE && to == ETH_P_IP_BE) {
		/* pskb_may_pull(skb, off + len_diff) */
		if (pkt_len(run) < (size_t)off + len_diff)
			return -ENOMEM;
		err = skb_shrink(run, skb, off, len_diff, 0);
	} else {
		return -ENOTSUPP;
	}
	if (!err)
		skb->protocol = to;
	run->data_meta = run->data;
	rt_run__sync_ctx(run);
	return (uint64_t)(int64_t)err;
}

/* ---------------------------------------------------- socket cookies */

/*
 * bpf_get_socket_cookie: a non-zero number unique to a socket, the same
 * every time it is asked (the kernel's sock_gen_cookie()). A socket-buffer
 * program asks of its skb's socket: the kernel's test run gives each run a
 * fresh socket, so each bpfaot_prog__run() gets a fresh cookie, the same
 * for all its repeats. A tracing program passes a struct sock pointer: NULL
 * has cookie 0, every other pointer one of its own, kept by the object.
 * Cookies count from 1 per object (the kernel's are larger and global).
 */
uint64_t rt_helper_get_socket_cookie(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				     uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct rt_object *obj;
	uint64_t cookie = 0;
	size_t i;

	if (!run)
		return 0;
	obj = run->obj;
	if (run->prog->ctx_kind == RT_CTX_SKB) {
		if (!run->sock_cookie)
			run->sock_cookie = __atomic_add_fetch(&obj->last_cookie, 1, __ATOMIC_RELAXED);
		return run->sock_cookie;
	}
	if (!r1)
		return 0;
	while (__atomic_test_and_set(&obj->cookie_lock, __ATOMIC_ACQUIRE))
		;
	for (i = 0; i < obj->nr_cookies && !cookie; i++)
		if (obj->cookies[i].sk == (uintptr_t)r1)
			cookie = obj->cookies[i].cookie;
	if (!cookie && !rt_ensure_mem((void **)&obj->cookies, &obj->cookie_cap,
				      sizeof(*obj->cookies), obj->nr_cookies + 1)) {
		cookie = __atomic_add_fetch(&obj->last_cookie, 1, __ATOMIC_RELAXED);
		obj->cookies[obj->nr_cookies++] = (struct rt_cookie){ (uintptr_t)r1, cookie };
	}
	__atomic_clear(&obj->cookie_lock, __ATOMIC_RELEASE);
	if (!cookie)
		rt_run__fail(run, -ENOMEM, "helper bpf_get_socket_cookie: out of memory");
	return cookie;
}

/* ------------------------------------------------------- checksums */

/* The arithmetic is rt_inline.h's, shared with the inlinable bodies that
 * bpfaot-cc links into native code (runtime/inline/helpers.c). */

uint64_t rt_helper_csum_diff(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	const uint8_t *from = (const uint8_t *)(uintptr_t)r1, *to = (const uint8_t *)(uintptr_t)r3;
	uint32_t from_size = (uint32_t)r2, to_size = (uint32_t)r4;

	if (!rt_helper_mem_ok(run, "bpf_csum_diff", "from", from, from_size, false) ||
	    !rt_helper_mem_ok(run, "bpf_csum_diff", "to", to, to_size, false))
		return -EFAULT;
	return rt_inl_csum_diff(from, from_size, to, to_size, (uint32_t)r5);
}

uint64_t rt_helper_l3_csum_replace(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct rt_run *run = rt_run__current();

	return rt_inl_l3_csum_replace(run ? run->data : NULL, pkt_len(run), (uint32_t)r2, r3, r4,
				      r5);
}

uint64_t rt_helper_l4_csum_replace(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				   uint64_t r5)
{
	struct rt_run *run = rt_run__current();

	return rt_inl_l4_csum_replace(run ? run->data : NULL, pkt_len(run), (uint32_t)r2, r3, r4,
				      r5);
}

uint64_t rt_helper_csum_update(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	return -ENOTSUPP;
}

/* -------------------------------------------------------- redirects */

static bool run_is_xdp(const struct rt_run *run)
{
	return run && run->prog && run->prog->type == BPF_PROG_TYPE_XDP;
}

/* bpf_xdp_redirect for XDP programs, bpf_redirect for the others. */
uint64_t rt_helper_redirect(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	bool xdp = run_is_xdp(run);

	if (xdp ? r2 != 0 : (r2 & ~(uint64_t)BPF_F_INGRESS) != 0)
		return xdp ? XDP_ABORTED : TC_ACT_SHOT;
	if (run)
		run->redirect = (struct rt_redirect){
			.set = true,
			.ifindex = (uint32_t)r1,
			.flags = r2,
			.map_idx = -1,
		};
	return xdp ? XDP_REDIRECT : TC_ACT_REDIRECT;
}

/* Map types bpf_redirect_map accepts, with the flags each allows. */
static const struct {
	uint32_t type;
	uint64_t flags;
	bool value_is_ifindex;	/* struct bpf_devmap_val starts with the ifindex */
} redirect_maps[] = {
	{ BPF_MAP_TYPE_DEVMAP, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS, true },
	{ BPF_MAP_TYPE_DEVMAP_HASH, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS, true },
	{ BPF_MAP_TYPE_CPUMAP, 0, false },
	{ BPF_MAP_TYPE_XSKMAP, 0, false },
};

static int map_index(const struct rt_run *run, const struct rt_map *map)
{
	size_t i;

	for (i = 0; run->obj && i < run->obj->nr_maps; i++)
		if (run->obj->maps[i] == map)
			return (int)i;
	return -1;
}

/*
 * __bpf_xdp_redirect_map(): the low two bits of flags are the action to
 * return when the key is missing, which also forgets an earlier redirect.
 */
uint64_t rt_helper_redirect_map(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	const uint64_t action_mask = XDP_ABORTED | XDP_DROP | XDP_PASS | XDP_TX;
	struct rt_run *run = rt_run__current();
	struct rt_map *map = (struct rt_map *)(uintptr_t)r1;
	uint32_t key = (uint32_t)r2, type, ifindex = 0;
	size_t i;
	void *value;

	if (!run || !map)
		return XDP_ABORTED;
	/* in checked mode the pointer must be one of our maps before it is
	 * dereferenced at all */
	i = sizeof(redirect_maps) / sizeof(redirect_maps[0]);
	if (!run->checked || map_index(run, map) >= 0) {
		type = rt_map__def(map)->type;
		for (i = 0; i < sizeof(redirect_maps) / sizeof(redirect_maps[0]); i++)
			if (redirect_maps[i].type == type)
				break;
	}
	if (i == sizeof(redirect_maps) / sizeof(redirect_maps[0])) {
		rt_run__fail(run, -EINVAL,
			     "helper bpf_redirect_map: %p is not a devmap, cpumap or xskmap of this object",
			     (void *)map);
		return XDP_ABORTED;
	}
	if (r3 & ~(action_mask | redirect_maps[i].flags))
		return XDP_ABORTED;
	value = rt_map__lookup(map, &key);
	if (!value && !(r3 & BPF_F_BROADCAST)) {
		run->redirect.set = false;
		return r3 & action_mask;
	}
	if (value && redirect_maps[i].value_is_ifindex)
		memcpy(&ifindex, value, sizeof(ifindex));
	run->redirect = (struct rt_redirect){
		.set = true,
		.ifindex = ifindex,
		.flags = r3 & BPF_F_BROADCAST ? r3 : 0,
		.map_idx = map_index(run, map),
		.key = key,
	};
	return XDP_REDIRECT;
}

/* ------------------------------------------------------ tunnel keys */

/*
 * Older, shorter layouts of struct bpf_tunnel_key that the kernel still
 * accepts (the missing tail reads as zero).
 */
static bool tunnel_key_compat_size(uint32_t size)
{
	return size == offsetof(struct bpf_tunnel_key, local_ipv4) ||
	       size == offsetof(struct bpf_tunnel_key, tunnel_label) ||
	       size == offsetof(struct bpf_tunnel_key, tunnel_ext) ||
	       size == offsetof(struct bpf_tunnel_key, remote_ipv6[1]);
}

/*
 * Records the key in run->tunnel_key as the program gave it (remote =
 * destination, local = source), IPv4 addresses' unused words cleared, the
 * label cut to its 20 bits. tunnel_flags, which a valid key leaves 0, keeps
 * the BPF_F_* flags of the call (host order) so that the engine and
 * bpf_skb_get_tunnel_key know the address family.
 */
uint64_t rt_helper_skb_set_tunnel_key(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				      uint64_t r5)
{
	const uint64_t valid = BPF_F_TUNINFO_IPV6 | BPF_F_ZERO_CSUM_TX | BPF_F_DONT_FRAGMENT |
			       BPF_F_SEQ_NUMBER | BPF_F_NO_TUNNEL_KEY;
	struct rt_run *run = rt_run__current();
	const void *from = (const void *)(uintptr_t)r2;
	uint32_t size = (uint32_t)r3;
	struct bpf_tunnel_key key = { 0 };

	if (r4 & ~valid)
		return -EINVAL;
	if (size != sizeof(key) && !tunnel_key_compat_size(size))
		return -EINVAL;
	if (!rt_helper_mem_ok(run, "bpf_skb_set_tunnel_key", "key", from, size, false))
		return -EFAULT;
	memcpy(&key, from, size);
	if ((!(r4 & BPF_F_TUNINFO_IPV6) && key.tunnel_label) || key.tunnel_ext)
		return -EINVAL;
	if (!run)
		return 0;
	if (r4 & BPF_F_TUNINFO_IPV6) {
		key.tunnel_label &= 0xfffff;
	} else {
		memset(&key.remote_ipv6[1], 0, 3 * sizeof(uint32_t));
		memset(&key.local_ipv6[1], 0, 3 * sizeof(uint32_t));
	}
	key.tunnel_flags = (uint16_t)r4;
	run->tunnel_key = key;
	run->tunnel_key_set = true;
	return 0;
}

/*
 * The key set earlier in this run, seen from the receiving side as the
 * kernel reports it: remote and local swap places. Without one, -EINVAL
 * (a test-run skb has no tunnel info); a family other than the flags ask
 * for, -EPROTO. The destination is cleared on every error.
 */
uint64_t rt_helper_skb_get_tunnel_key(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
				      uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	void *to = (void *)(uintptr_t)r2;
	uint32_t size = (uint32_t)r3;
	struct bpf_tunnel_key key = { 0 };
	bool v6;
	int err = -EINVAL;

	if (!rt_helper_mem_ok(run, "bpf_skb_get_tunnel_key", "key", to, size, true))
		return -EFAULT;
	if (!run || !run->tunnel_key_set || (r4 & ~(uint64_t)BPF_F_TUNINFO_IPV6))
		goto err_clear;
	v6 = run->tunnel_key.tunnel_flags & BPF_F_TUNINFO_IPV6;
	if (v6 != !!(r4 & BPF_F_TUNINFO_IPV6)) {
		err = -EPROTO;
		goto err_clear;
	}
	if (size != sizeof(key) &&
	    (!tunnel_key_compat_size(size) ||
	     (size == offsetof(struct bpf_tunnel_key, remote_ipv6[1]) && v6)))
		goto err_clear;
	key.tunnel_id = run->tunnel_key.tunnel_id;
	key.tunnel_tos = run->tunnel_key.tunnel_tos;
	key.tunnel_ttl = run->tunnel_key.tunnel_ttl;
	memcpy(key.remote_ipv6, run->tunnel_key.local_ipv6, sizeof(key.remote_ipv6));
	memcpy(key.local_ipv6, run->tunnel_key.remote_ipv6, sizeof(key.local_ipv6));
	if (v6)
		key.tunnel_label = run->tunnel_key.tunnel_label;
	memcpy(to, &key, size);
	return 0;
err_clear:
	memset(to, 0, size);
	return err;
}

/* bpf_xdp_get_buff_len(): the packet's length (a run has no fragments). */
uint64_t rt_helper_xdp_get_buff_len(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();

	return run && run->data ? (uint64_t)(run->data_end - run->data) : 0;
}

/*
 * bpf_fib_lookup (69) in the runtime's world: one network device, ifindex
 * 1 (the loopback of the kernel's test run, which the contexts name),
 * which does not forward. So the kernel's answers on a host whose loopback
 * does not forward (forwarding is off on lo by default), in the kernel's
 * order (bpf_xdp_fib_lookup, bpf_ipv4/6_fib_lookup): -EINVAL for a short
 * params or an unknown flag, -EAFNOSUPPORT for a family other than
 * AF_INET and AF_INET6, BPF_FIB_LKUP_RET_NOT_FWDED for IPv6 link-local,
 * loopback or multicast addresses, -ENODEV for any other ifindex, and
 * BPF_FIB_LKUP_RET_FWD_DISABLED for ifindex 1. No route is ever found:
 * a program's forwarding path does not run in user space.
 */
#define FIB_FLAGS 0x3fu		/* DIRECT OUTPUT SKIP_NEIGH TBID SRC MARK (6.10) */

/* ipv6_addr_type() & (MULTICAST | LINKLOCAL | LOOPBACK): rt6_need_strict */
static bool ipv6_strict(const uint32_t *a32)
{
	static const uint8_t loopback[16] = { [15] = 1 };
	const uint8_t *a = (const uint8_t *)a32;

	return a[0] == 0xff || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       !memcmp(a, loopback, sizeof(loopback));
}

uint64_t rt_helper_fib_lookup(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5)
{
	struct rt_run *run = rt_run__current();
	struct bpf_fib_lookup *p = (struct bpf_fib_lookup *)(uintptr_t)r2;
	uint32_t plen = (uint32_t)r3;

	if (!rt_helper_mem_ok(run, "bpf_fib_lookup", "params", p, plen, true))
		return -EFAULT;
	if (plen < sizeof(*p) || ((uint32_t)r4 & ~FIB_FLAGS))
		return -EINVAL;
	if (p->family == AF_INET6) {
		if (ipv6_strict(p->ipv6_dst) || ipv6_strict(p->ipv6_src))
			return BPF_FIB_LKUP_RET_NOT_FWDED;
	} else if (p->family != AF_INET) {
		return -EAFNOSUPPORT;
	}
	return p->ifindex == 1 ? BPF_FIB_LKUP_RET_FWD_DISABLED : (uint64_t)-ENODEV;
}
