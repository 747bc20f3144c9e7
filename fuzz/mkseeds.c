// SPDX-License-Identifier: MIT
/*
 * Writes seed inputs for fuzz_interp (format in fuzz_interp.h) from
 * conformance files (.data: program and -- mem) and BPF objects (each
 * program, linked, with its packet from samples/NAME.pkt when given).
 * Usage: mkseeds OUTDIR FILE...   Map indexes are folded into the fuzzer's
 * FUZZ_NR_MAPS maps so that most seeds validate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_internal.h"
#include "fuzz_interp.h"

static int write_seed(const char *dir, const char *base, const char *prog, unsigned int kind,
		      const uint8_t *mem, size_t mem_len, const struct rt_insn *insns, size_t n)
{
	char path[4096];
	uint8_t hdr[2];
	struct rt_insn *copy;
	size_t i;
	FILE *f;

	if (n > FUZZ_INTERP_MAX_INSNS)
		return 0;
	if (mem_len > 255)
		mem_len = 255;
	copy = malloc((n ? n : 1) * sizeof(*copy));
	if (!copy)
		return -1;
	memcpy(copy, insns, n * sizeof(*copy));
	for (i = 0; i + 1 < n; i++) {
		if (copy[i].code == (BPF_LD | BPF_IMM | BPF_DW) &&
		    (copy[i].src == BPF_PSEUDO_MAP_FD || copy[i].src == BPF_PSEUDO_MAP_VALUE)) {
			copy[i].imm = (int32_t)((uint32_t)copy[i].imm % FUZZ_NR_MAPS);
			if (copy[i].src == BPF_PSEUDO_MAP_VALUE)
				copy[i].imm = 0, copy[i + 1].imm = 0;
		}
	}
	snprintf(path, sizeof(path), "%s/%s%s%s.bin", dir, base, prog ? "." : "", prog ? prog : "");
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		free(copy);
		return -1;
	}
	hdr[0] = (uint8_t)kind;
	hdr[1] = (uint8_t)mem_len;
	fwrite(hdr, 1, 2, f);
	fwrite(mem, 1, mem_len, f);
	fwrite(copy, sizeof(*copy), n, f);
	fclose(f);
	free(copy);
	return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL;
	long n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	int i, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s OUTDIR FILE...\n", argv[0]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		char log_buf[512] = "";
		struct rt_log log = { .buf = log_buf, .size = sizeof(log_buf) };
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		struct rt_object *obj = rt_object__open(argv[i], NULL, &log);
		char pkt_path[4096], stem[256];
		uint8_t *pkt = NULL;
		size_t pkt_len = 0, p;

		if (!obj) {
			fprintf(stderr, "mkseeds: skipping %s\n", log_buf);
			continue;
		}
		snprintf(stem, sizeof(stem), "%s", base);
		if (strchr(stem, '.'))
			*strchr(stem, '.') = '\0';
		if (obj->is_conformance) {
			status |= write_seed(argv[1], stem, NULL, 0, obj->conf->mem,
					     obj->conf->mem_size, obj->progs[0].insns,
					     obj->progs[0].nr_insns);
			rt_object__free(obj);
			continue;
		}
		snprintf(pkt_path, sizeof(pkt_path), "samples/%s.pkt", stem);
		pkt = slurp(pkt_path, &pkt_len);
		for (p = 0; p < obj->nr_progs; p++) {
			const struct rt_prog *pr = &obj->progs[p];
			unsigned int kind = pr->ctx_kind == RT_CTX_XDP ? 1 :
					    pr->ctx_kind == RT_CTX_SKB ? 2 : 0;

			status |= write_seed(argv[1], stem, pr->name, kind, pkt, pkt ? pkt_len : 0,
					     pr->insns, pr->nr_insns);
		}
		free(pkt);
		rt_object__free(obj);
	}
	return status ? 1 : 0;
}
