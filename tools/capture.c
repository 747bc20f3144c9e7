// SPDX-License-Identifier: MIT
/*
 * Captures for --pcap-in/--pcap-out, through libpcap: pcap and pcapng in,
 * pcap out. Apart from the replay because <pcap/pcap.h> defines classic
 * BPF's struct bpf_insn, which clashes with <linux/bpf.h>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <pcap/pcap.h>

#include "capture.h"

struct tool_capture {
	pcap_t *p;
	FILE *f;
	off_t size;
	bool nano_out;
};

struct tool_capture_out {
	pcap_t *dead;
	pcap_dumper_t *d;
	bool nano;
};

/* Whether the input's timestamps need nanoseconds: all but a microsecond
 * pcap file (pcapng resolutions all fit in nanoseconds). */
static bool input_is_nano(FILE *f)
{
	uint8_t m[4];
	uint32_t le, be;
	size_t n = fread(m, 1, sizeof(m), f);

	rewind(f);
	if (n != sizeof(m))
		return true;
	le = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
	be = (uint32_t)m[3] | (uint32_t)m[2] << 8 | (uint32_t)m[1] << 16 | (uint32_t)m[0] << 24;
	return le != 0xa1b2c3d4 && be != 0xa1b2c3d4;
}

struct tool_capture *tool_capture__open(const char *path, char *err, size_t err_sz)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct tool_capture *c = calloc(1, sizeof(*c));
	struct stat st;
	int dlt;

	if (!c) {
		snprintf(err, err_sz, "out of memory");
		return NULL;
	}
	c->f = fopen(path, "rb");
	if (!c->f) {
		snprintf(err, err_sz, "cannot open '%s': %s", path, strerror(errno));
		goto out_free;
	}
	c->nano_out = input_is_nano(c->f);
	c->size = fstat(fileno(c->f), &st) ? 0 : st.st_size;
	/* timestamps in nanoseconds whatever the file has: nothing is lost */
	c->p = pcap_fopen_offline_with_tstamp_precision(c->f, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!c->p) {
		snprintf(err, err_sz, "cannot read capture '%s': %s", path, errbuf);
		fclose(c->f);
		goto out_free;
	}
	dlt = pcap_datalink(c->p);
	if (dlt != DLT_EN10MB) {
		const char *name = pcap_datalink_val_to_name(dlt);

		snprintf(err, err_sz,
			 "capture '%s': link type %s (%d) is not Ethernet; --pcap-in takes Ethernet captures",
			 path, name ? name : "unknown", dlt);
		pcap_close(c->p);
		goto out_free;
	}
	return c;

out_free:
	free(c);
	errno = EINVAL;
	return NULL;
}

int tool_capture__next(struct tool_capture *c, struct tool_packet *pkt, char *err, size_t err_sz)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(c->p, &h, &data);

	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		snprintf(err, err_sz, "%s", pcap_geterr(c->p));
		return -EIO;
	}
	pkt->ts_sec = (int64_t)h->ts.tv_sec;
	pkt->ts_nsec = (uint32_t)h->ts.tv_usec; /* nanoseconds: see open */
	pkt->caplen = h->caplen;
	pkt->len = h->len;
	pkt->data = data;
	return 1;
}

bool tool_capture__is_nano(const struct tool_capture *c)
{
	return c->nano_out;
}

int tool_capture__percent(const struct tool_capture *c)
{
	long pos = ftell(c->f);
	int pct = c->size > 0 && pos > 0 ? (int)(100.0 * (double)pos / (double)c->size) : 0;

	return pct > 100 ? 100 : pct;
}

void tool_capture__close(struct tool_capture *c)
{
	if (!c)
		return;
	pcap_close(c->p); /* closes c->f */
	free(c);
}

struct tool_capture_out *tool_capture_out__open(const char *path, bool nano, char *err,
						size_t err_sz)
{
	struct tool_capture_out *o = calloc(1, sizeof(*o));

	if (!o) {
		snprintf(err, err_sz, "out of memory");
		return NULL;
	}
	o->nano = nano;
	o->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144,
						       nano ? PCAP_TSTAMP_PRECISION_NANO
							    : PCAP_TSTAMP_PRECISION_MICRO);
	o->d = o->dead ? pcap_dump_open(o->dead, path) : NULL;
	if (!o->d) {
		snprintf(err, err_sz, "cannot write '%s': %s", path,
			 o->dead ? pcap_geterr(o->dead) : "out of memory");
		tool_capture_out__close(o);
		errno = EIO;
		return NULL;
	}
	return o;
}

void tool_capture_out__write(struct tool_capture_out *o, const struct tool_packet *pkt)
{
	struct pcap_pkthdr h = { .caplen = pkt->caplen, .len = pkt->len };

	h.ts.tv_sec = (time_t)pkt->ts_sec;
	/* in the dumper's precision: exact, see tool_capture__is_nano() */
	h.ts.tv_usec = (suseconds_t)(o->nano ? pkt->ts_nsec : pkt->ts_nsec / 1000);
	pcap_dump((u_char *)o->d, &h, pkt->data);
}

int tool_capture_out__flush(struct tool_capture_out *o)
{
	return pcap_dump_flush(o->d) ? -EIO : 0;
}

void tool_capture_out__close(struct tool_capture_out *o)
{
	if (!o)
		return;
	if (o->d)
		pcap_dump_close(o->d);
	if (o->dead)
		pcap_close(o->dead);
	free(o);
}
