/* SPDX-License-Identifier: MIT */
/*
 * Capture files for the replay (tools/capture.c, libpcap): kept apart from
 * tool.h because <pcap/pcap.h> and <linux/bpf.h> both define struct
 * bpf_insn. Opens return NULL with errno set and the reason in err.
 */
#ifndef BPFAOT_CAPTURE_H
#define BPFAOT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tool_capture;
struct tool_capture_out;

struct tool_packet {
	int64_t ts_sec;
	uint32_t ts_nsec;
	uint32_t caplen;	/* bytes in data */
	uint32_t len;		/* bytes on the wire */
	const uint8_t *data;	/* borrowed, valid until the next packet */
};

/* A pcap or pcapng file with Ethernet link type (others refused). */
struct tool_capture *tool_capture__open(const char *path, char *err, size_t err_sz);
/* 1 and the next packet, 0 at the end, -EIO on a damaged record (err). */
int tool_capture__next(struct tool_capture *c, struct tool_packet *pkt, char *err, size_t err_sz);
/* Whether the output must keep nanoseconds (all but microsecond pcap). */
bool tool_capture__is_nano(const struct tool_capture *c);
/* How far reading has come, 0-100 (by file offset). */
int tool_capture__percent(const struct tool_capture *c);
void tool_capture__close(struct tool_capture *c);

/* A new pcap file (microsecond or nanosecond timestamps). */
struct tool_capture_out *tool_capture_out__open(const char *path, bool nano, char *err,
						size_t err_sz);
void tool_capture_out__write(struct tool_capture_out *o, const struct tool_packet *pkt);
int tool_capture_out__flush(struct tool_capture_out *o);
void tool_capture_out__close(struct tool_capture_out *o);

#endif /* BPFAOT_CAPTURE_H */
