// SPDX-License-Identifier: MIT
/*
 * The differential test's checker (see dt.h): compile a batch once, run
 * each program on every engine in one process, compare with the
 * interpreter, contain crashes in a forked child, minimise and save
 * differences.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpfaot/bpfaot.h"
#include "dt.h"
#include "rt_kernel.h"

#define ARR_KEYS (DT_GEN_KEYS / 2)
#define VAL_SIZE 24		/* struct dt_val */
#define OUT_ROOM 4096

enum { E_INTERP, E_JIT, E_LLVM_JIT, E_LLVM_AOT, E_AOT, E_KERNEL, E__N };

static const enum bpfaot_engine engine_ids[E__N] = {
	BPFAOT_ENGINE_INTERP,	BPFAOT_ENGINE_JIT, BPFAOT_ENGINE_LLVM_JIT,
	BPFAOT_ENGINE_LLVM_AOT, BPFAOT_ENGINE_AOT, BPFAOT_ENGINE_KERNEL,
};

struct dt_case {
	uint32_t idx;
	uint32_t len;
	uint8_t pkt[DT_GEN_MAX_PKT];
};

/* What one engine made of one program. */
struct result {
	int err;		/* 0, or the run's (or load's) error */
	char why[256];
	uint32_t retval;	/* the program returns int: the kernel gives 32 bits */
	uint32_t out_len;
	uint8_t out[OUT_ROOM];
	int arr_err[ARR_KEYS];
	uint64_t arr[ARR_KEYS];
	int hash_err[DT_GEN_KEYS];
	uint8_t hash[DT_GEN_KEYS][VAL_SIZE];
};

/* The engines' view of one compiled file. */
struct engines {
	struct bpfaot_object *obj[E_KERNEL];
	char open_err[E_KERNEL][256];
	bool kernel;		/* compare with the kernel */
	struct rt_kernel *k;	/* the whole object loaded, or NULL: per program */
	const char *path;
};

bool dt_kernel_usable(const struct dt_opts *o, char *why, size_t why_sz)
{
	if (o->no_kernel) {
		snprintf(why, why_sz, "left out (--no-kernel)");
		return false;
	}
	return rt_kernel__available(why, why_sz);
}

static void report(const struct dt_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void report(const struct dt_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->report)
		return;
	va_start(ap, fmt);
	vfprintf(o->report, fmt, ap);
	va_end(ap);
}

/* Runs bpfaot-cc on src; its messages go to report on failure. */
static int compile(const struct dt_opts *o, const char *src, const char *obj, const char *mcpu)
{
	char cpu[32], logpath[4096];
	const char *argv[] = { o->cc, "-w", "-target", "bpf", "-O2", "-g", cpu,
			       "-I/usr/include/x86_64-linux-gnu", "-c", src, "-o", obj, NULL };
	int status, fd;
	pid_t pid;

	snprintf(cpu, sizeof(cpu), "-mcpu=%s", mcpu);
	snprintf(logpath, sizeof(logpath), "%s.cc.log", obj);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		unlink(logpath);
		return 0;
	}
	report(o, "%s: bpfaot-cc -mcpu=%s failed (status 0x%x); its output is in %s\n", src, mcpu,
	       status, logpath);
	return -EIO;
}

static int engines_open(const struct dt_opts *o, struct engines *en, const char *path)
{
	char why[256];
	int e;

	memset(en, 0, sizeof(*en));
	en->path = path;
	for (e = 0; e < E_KERNEL; e++) {
		BPFAOT_OPTS(bpfaot_open_opts, oo, .log_buf = en->open_err[e],
			    .log_size = sizeof(en->open_err[e]));

		en->obj[e] = bpfaot_object__open(path, &oo);
	}
	en->kernel = dt_kernel_usable(o, why, sizeof(why));
	if (en->kernel) {
		/* one load for the whole batch; a refusal means per program */
		struct rt_log log = { .buf = why, .size = sizeof(why) };

		en->k = rt_kernel__open(path, NULL, &log);
		if (en->k && rt_kernel__load(en->k, &log)) {
			rt_kernel__free(en->k);
			en->k = NULL;
		}
	}
	return 0;
}

static void engines_close(struct engines *en)
{
	int e;

	for (e = 0; e < E_KERNEL; e++)
		bpfaot_object__close(en->obj[e]);
	rt_kernel__free(en->k);
}

static void run_runtime(struct engines *en, int e, const struct dt_case *c, struct result *r)
{
	char name[32];
	struct bpfaot_prog *prog;
	struct bpfaot_map *arr, *hash;
	uint32_t key;
	int err;

	if (!en->obj[e]) {
		r->err = -ENOEXEC;
		snprintf(r->why, sizeof(r->why), "open: %s", en->open_err[e]);
		return;
	}
	snprintf(name, sizeof(name), "p_%u", c->idx);
	prog = bpfaot_object__find_prog(en->obj[e], name);
	{
		BPFAOT_OPTS(bpfaot_run_opts, ro, .engine = engine_ids[e], .data_in = c->pkt,
			    .data_size_in = c->len, .data_out = r->out, .data_size_out = OUT_ROOM,
			    .log_buf = r->why, .log_size = sizeof(r->why));

		err = prog ? bpfaot_prog__run(prog, &ro) : -ENOENT;
		r->err = err;
		if (err)
			return;
		r->retval = (uint32_t)ro.retval;
		r->out_len = ro.data_size_out;
	}
	snprintf(name, sizeof(name), "arr_%u", c->idx);
	arr = bpfaot_object__find_map(en->obj[e], name);
	snprintf(name, sizeof(name), "hash_%u", c->idx);
	hash = bpfaot_object__find_map(en->obj[e], name);
	for (key = 0; key < ARR_KEYS; key++)
		r->arr_err[key] = arr ? bpfaot_map__lookup(arr, &key, &r->arr[key]) : -ENOENT;
	for (key = 0; key < DT_GEN_KEYS; key++)
		r->hash_err[key] = hash ? bpfaot_map__lookup(hash, &key, r->hash[key]) : -ENOENT;
}

static int kernel_map_index(const struct rt_kernel *k, const char *name)
{
	const char *n;
	size_t i;

	for (i = 0; i < rt_kernel__map_cnt(k); i++)
		if (!rt_kernel__map_info(k, i, &n, NULL, NULL, NULL, NULL) && !strcmp(n, name))
			return (int)i;
	return -1;
}

/* Returns true when the kernel ran the program (false: verifier refusal,
 * in r->why). */
static bool run_kernel(struct engines *en, const struct dt_case *c, struct result *r)
{
	struct rt_log log = { .buf = r->why, .size = sizeof(r->why) };
	struct rt_kernel *k = en->k;
	char name[32];
	uint32_t key;
	int arr, hash;
	bool loaded = true;

	snprintf(name, sizeof(name), "p_%u", c->idx);
	if (!k) {
		k = rt_kernel__open(en->path, NULL, &log);
		if (!k || rt_kernel__select(k, name, NULL, 0, &log) || rt_kernel__load(k, &log)) {
			r->err = -EACCES;
			loaded = false;
			goto out_free;
		}
	}
	{
		BPFAOT_OPTS(bpfaot_run_opts, ro, .data_in = c->pkt, .data_size_in = c->len,
			    .data_out = r->out, .data_size_out = OUT_ROOM);

		r->err = rt_kernel__run(k, name, &ro, &log);
		if (r->err)
			goto out_free;
		r->retval = (uint32_t)ro.retval;
		r->out_len = ro.data_size_out;
	}
	snprintf(name, sizeof(name), "arr_%u", c->idx);
	arr = kernel_map_index(k, name);
	snprintf(name, sizeof(name), "hash_%u", c->idx);
	hash = kernel_map_index(k, name);
	for (key = 0; key < ARR_KEYS; key++)
		r->arr_err[key] = arr < 0 ? -ENOENT :
			rt_kernel__map_lookup(k, (size_t)arr, &key, &r->arr[key]);
	for (key = 0; key < DT_GEN_KEYS; key++)
		r->hash_err[key] = hash < 0 ? -ENOENT :
			rt_kernel__map_lookup(k, (size_t)hash, &key, r->hash[key]);
out_free:
	if (k != en->k)
		rt_kernel__free(k);
	return loaded;
}

static void hex(char *buf, size_t sz, const uint8_t *p, size_t n)
{
	size_t i, at = 0;

	buf[0] = '\0';
	for (i = 0; i < n && at + 3 < sz; i++)
		at += (size_t)snprintf(buf + at, sz - at, "%02x", p[i]);
}

/* Describes how got differs from want; returns false when they agree. */
static bool differs(const struct dt_opts *o, uint32_t idx, int e, const struct result *want,
		    const struct result *got)
{
	const char *en = bpfaot_engine__name(engine_ids[e]);
	char a[2 * VAL_SIZE + 1], b[2 * VAL_SIZE + 1];
	uint32_t i;

	if (want->err || got->err) {
		if (want->err == got->err)
			return false;
		report(o, "p_%u: %s: %s (%d), interp: %s (%d)\n", idx, en,
		       got->err ? got->why : "ran", got->err, want->err ? want->why : "ran",
		       want->err);
		return true;
	}
	if (got->retval != want->retval) {
		report(o, "p_%u: %s: retval 0x%x, interp 0x%x\n", idx, en, got->retval,
		       want->retval);
		return true;
	}
	if (got->out_len != want->out_len) {
		report(o, "p_%u: %s: packet out %u bytes, interp %u\n", idx, en, got->out_len,
		       want->out_len);
		return true;
	}
	for (i = 0; i < want->out_len && i < OUT_ROOM; i++) {
		if (got->out[i] != want->out[i]) {
			report(o, "p_%u: %s: packet out byte %u 0x%02x, interp 0x%02x\n", idx, en, i,
			       got->out[i], want->out[i]);
			return true;
		}
	}
	for (i = 0; i < ARR_KEYS; i++) {
		if (got->arr_err[i] != want->arr_err[i] ||
		    (!want->arr_err[i] && got->arr[i] != want->arr[i])) {
			report(o, "p_%u: %s: arr_%u[%u] = 0x%" PRIx64 " (%d), interp 0x%" PRIx64
			       " (%d)\n", idx, en, idx, i, got->arr[i], got->arr_err[i],
			       want->arr[i], want->arr_err[i]);
			return true;
		}
	}
	for (i = 0; i < DT_GEN_KEYS; i++) {
		if (got->hash_err[i] != want->hash_err[i] ||
		    (!want->hash_err[i] && memcmp(got->hash[i], want->hash[i], VAL_SIZE))) {
			hex(a, sizeof(a), got->hash[i], got->hash_err[i] ? 0 : VAL_SIZE);
			hex(b, sizeof(b), want->hash[i], want->hash_err[i] ? 0 : VAL_SIZE);
			report(o, "p_%u: %s: hash_%u[%u] = %s (%d), interp %s (%d)\n", idx, en, idx,
			       i, a, got->hash_err[i], b, want->hash_err[i]);
			return true;
		}
	}
	return false;
}

/* The last non-empty line of text (where the verifier gives its verdict),
 * cut at its newline in place. */
static const char *last_line(char *text)
{
	char *end = text + strlen(text), *p;

	while (end > text && end[-1] == '\n')
		*--end = '\0';
	p = strrchr(text, '\n');
	return p ? p + 1 : text;
}

/*
 * Checks each case in this process, writing one line per case to out:
 * "ok IDX", "diff IDX", each with " kernel" when the kernel ran it or
 * " refused" when its verifier refused it.
 */
static void check_cases(const struct dt_opts *o, const char *path, const struct dt_case *cases,
			size_t n, FILE *out)
{
	struct result *r = calloc(E__N, sizeof(*r));
	struct engines en;
	size_t i;
	int e;

	if (!r)
		return;
	engines_open(o, &en, path);
	for (i = 0; i < n; i++) {
		const struct dt_case *c = &cases[i];
		bool diff = false, kernel_ran = false;

		memset(r, 0, E__N * sizeof(*r));
		for (e = 0; e < E_KERNEL; e++)
			run_runtime(&en, e, c, &r[e]);
		if (en.kernel) {
			kernel_ran = run_kernel(&en, c, &r[E_KERNEL]);
			if (!kernel_ran)
				report(o, "p_%u: the kernel's verifier refused it: %s\n", c->idx,
				       last_line(r[E_KERNEL].why));
		}
		for (e = 1; e < E__N; e++) {
			if (e == E_KERNEL && !kernel_ran)
				continue;
			diff |= differs(o, c->idx, e, &r[E_INTERP], &r[e]);
		}
		fprintf(out, "%s %u%s\n", diff ? "diff" : "ok", c->idx,
			kernel_ran ? " kernel" : en.kernel ? " refused" : "");
		if (o->report)
			fflush(o->report);
		fflush(out);
	}
	engines_close(&en);
	free(r);
}

/*
 * check_cases() in a forked child, again from the next case whenever the
 * child dies (the case it died on is a difference). Fills diff[i] for each
 * case. Returns 0 or -errno.
 */
static int check_forked(const struct dt_opts *o, const char *path, const struct dt_case *cases,
			size_t n, bool *diff, struct dt_stats *st)
{
	size_t done = 0;

	while (done < n) {
		char line[128];
		int fds[2], status;
		FILE *in;
		pid_t pid;

		if (pipe(fds))
			return -errno;
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			FILE *out;

			close(fds[0]);
			out = fdopen(fds[1], "w");
			if (out)
				check_cases(o, path, cases + done, n - done, out);
			fflush(NULL);
			_exit(0);
		}
		close(fds[1]);
		in = fdopen(fds[0], "r");
		while (in && done < n && fgets(line, sizeof(line), in)) {
			diff[done] = !strncmp(line, "diff", 4);
			st->programs++;
			st->differences += diff[done];
			st->kernel_runs += strstr(line, " kernel") != NULL;
			st->kernel_refused += strstr(line, " refused") != NULL;
			done++;
		}
		if (in)
			fclose(in);
		while (waitpid(pid, &status, 0) < 0)
			if (errno != EINTR)
				return -errno;
		if (done < n && (WIFSIGNALED(status) || WEXITSTATUS(status))) {
			report(o, "p_%u: an engine killed the process: %s\n", cases[done].idx,
			       WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exit status");
			diff[done] = true;
			st->programs++;
			st->differences++;
			done++;
		} else if (done < n) {
			return -EPIPE;	/* the child stopped without a reason */
		}
	}
	return 0;
}

static void make_case(struct dt_case *c, uint64_t seed, uint32_t idx)
{
	c->idx = idx;
	c->len = dt_gen_packet(seed, idx, c->pkt);
}

int dt_batch(const struct dt_opts *o, uint64_t seed, uint32_t first, uint32_t count,
	     uint32_t *diffs, size_t *nr_diffs, struct dt_stats *st)
{
	char src[4096], obj[4096];
	struct dt_case *cases = calloc(count, sizeof(*cases));
	bool *diff = calloc(count, sizeof(*diff));
	uint32_t i;
	FILE *f;
	int err;

	*nr_diffs = 0;
	if (!cases || !diff) {
		err = -ENOMEM;
		goto out_free;
	}
	snprintf(src, sizeof(src), "%s/b%u.bpf.c", o->workdir, first);
	snprintf(obj, sizeof(obj), "%s/b%u.o", o->workdir, first);
	f = fopen(src, "w");
	if (!f) {
		err = -errno;
		report(o, "%s: %s\n", src, strerror(errno));
		goto out_free;
	}
	dt_gen_prologue(f);
	for (i = 0; i < count; i++) {
		dt_gen_program(f, &o->gen, seed, first + i, NULL, 0);
		make_case(&cases[i], seed, first + i);
	}
	fclose(f);
	err = compile(o, src, obj, dt_gen_mcpu(seed, first));
	if (err)
		goto out_free;
	err = check_forked(o, obj, cases, count, diff, st);
	for (i = 0; i < count; i++)
		if (diff[i])
			diffs[(*nr_diffs)++] = first + i;
	if (!err && !*nr_diffs) {
		unlink(src);
		unlink(obj);
	}
out_free:
	free(diff);
	free(cases);
	return err;
}

int dt_check_source(const struct dt_opts *o, const char *src, const char *mcpu, uint32_t idx,
		    const uint8_t *pkt, uint32_t len, struct dt_stats *st)
{
	char obj[4096];
	struct dt_case c = { .idx = idx, .len = len };
	bool diff = false;
	int err;

	if (len > DT_GEN_MAX_PKT || len < 14)
		return -EINVAL;
	memcpy(c.pkt, pkt, len);
	snprintf(obj, sizeof(obj), "%s/check.o", o->workdir);
	err = compile(o, src, obj, mcpu);
	if (!err)
		err = check_forked(o, obj, &c, 1, &diff, st);
	unlink(obj);
	return err ? err : diff;
}

/* Program idx without the skipped statements, as text (caller frees);
 * its statement count goes to *n. NULL when out of memory. */
static char *single_text(const struct dt_opts *o, uint64_t seed, uint32_t idx,
			 const uint32_t *skip, size_t nr_skip, int *n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	dt_gen_prologue(f);
	*n = dt_gen_program(f, &o->gen, seed, idx, skip, nr_skip);
	fclose(f);
	return text;
}

/* Writes program idx (without the skipped statements) to path, after
 * header; returns its statement count or -errno. When same is given and
 * equals the text, nothing is written and 0 returned. */
static int write_single(const struct dt_opts *o, const char *path, uint64_t seed, uint32_t idx,
			const uint32_t *skip, size_t nr_skip, const char *header, const char *same)
{
	char *text;
	FILE *f;
	int n = 0;

	text = single_text(o, seed, idx, skip, nr_skip, &n);
	if (!text)
		return -ENOMEM;
	if (same && !strcmp(same, text)) {
		free(text);
		return 0;
	}
	f = fopen(path, "w");
	if (!f) {
		free(text);
		return -errno;
	}
	fprintf(f, "%s%s", header ? header : "", text);
	free(text);
	if (fclose(f) && n >= 0)
		n = -errno;
	return n;
}

int dt_save(const struct dt_opts *o, uint64_t seed, uint32_t idx, const char *mcpu,
	    bool minimise, const char *path)
{
	struct dt_opts quiet = *o;
	struct dt_stats st = { 0 };
	struct dt_case c;
	char src[4096], pkthex[2 * DT_GEN_MAX_PKT + 1], *found = NULL, *header = NULL;
	uint32_t *skip;
	size_t nr_skip = 0, found_len = 0, header_len = 0;
	int n, id, res, err = 0;
	FILE *f;

	quiet.report = NULL;
	make_case(&c, seed, idx);
	snprintf(src, sizeof(src), "%s/min%u.bpf.c", o->workdir, idx);
	n = write_single(o, src, seed, idx, NULL, 0, NULL, NULL);
	if (n < 0)
		return n;
	skip = calloc((size_t)n + 1, sizeof(*skip));
	if (!skip)
		return -ENOMEM;
	for (id = 0; minimise && id < n; id++) {
		char *now = single_text(o, seed, idx, skip, nr_skip, &err);

		skip[nr_skip] = (uint32_t)id;
		/* inside a statement already dropped: nothing changes */
		err = now ? write_single(o, src, seed, idx, skip, nr_skip + 1, NULL, now) : -ENOMEM;
		free(now);
		if (err < 0)
			goto out_free;
		if (err == 0)
			continue;
		res = dt_check_source(&quiet, src, mcpu, idx, c.pkt, c.len, &st);
		if (res == 1)
			nr_skip++;	/* still differs without it: leave it out */
	}
	/* the final program once more, for its description */
	err = write_single(o, src, seed, idx, skip, nr_skip, NULL, NULL);
	if (err < 0)
		goto out_free;
	/* a file, not a memstream: the check writes from a forked child */
	f = tmpfile();
	if (!f) {
		err = -errno;
		goto out_free;
	}
	quiet.report = f;
	res = dt_check_source(&quiet, src, mcpu, idx, c.pkt, c.len, &st);
	found_len = (size_t)ftell(f);
	found = calloc(1, found_len + 1);
	rewind(f);
	if (found && fread(found, 1, found_len, f) != found_len)
		found[0] = '\0';
	fclose(f);
	if (res != 1) {
		/* flaky or gone: keep the whole program */
		nr_skip = 0;
	}
	hex(pkthex, sizeof(pkthex), c.pkt, c.len);
	f = open_memstream(&header, &header_len);
	if (!f) {
		err = -ENOMEM;
		goto out_free;
	}
	fprintf(f, "// difftest regression: program %u of seed 0x%" PRIx64 "%s%s%s, %zu of %d "
		   "statements dropped\n", idx, seed, o->gen.div_zero ? " --div-zero" : "",
		o->gen.wide_shift ? " --wide-shift" : "", o->gen.stale_ptrs ? " --stale-pointers" : "",
		nr_skip, n);
	fprintf(f, "// mcpu: %s\n// program: %u\n// packet: %s\n", mcpu, idx, pkthex);
	if (found) {
		char *line, *save = NULL;

		for (line = strtok_r(found, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			fprintf(f, "// found: %s\n", line);
	}
	fclose(f);
	err = write_single(o, path, seed, idx, skip, nr_skip, header, NULL);
	if (err > 0)
		err = 0;
	unlink(src);
out_free:
	free(header);
	free(found);
	free(skip);
	return err < 0 ? err : 0;
}

int dt_replay(const struct dt_opts *o, const char *path, struct dt_stats *st, char *known,
	      size_t known_sz)
{
	char line[1024], mcpu[16] = "v3";
	uint8_t pkt[DT_GEN_MAX_PKT];
	uint32_t len = 0, idx = 0;
	bool have_idx = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (known && known_sz)
		known[0] = '\0';
	while (fgets(line, sizeof(line), f) && !strncmp(line, "//", 2)) {
		const char *p;

		if (!strncmp(line, "// known: ", 10) && known && known_sz) {
			snprintf(known, known_sz, "%s", line + 10);
			known[strcspn(known, "\n")] = '\0';
			continue;
		}
		if (sscanf(line, "// mcpu: %15s", mcpu) == 1)
			continue;
		if (sscanf(line, "// program: %u", &idx) == 1) {
			have_idx = true;
			continue;
		}
		if (strncmp(line, "// packet: ", 11))
			continue;
		for (p = line + 11; p[0] && p[1] && p[0] != '\n' && len < sizeof(pkt); p += 2) {
			unsigned int b;

			if (sscanf(p, "%2x", &b) != 1)
				break;
			pkt[len++] = (uint8_t)b;
		}
	}
	fclose(f);
	if (!have_idx || len < 14) {
		report(o, "%s: no '// program:' or '// packet:' line\n", path);
		return -EINVAL;
	}
	return dt_check_source(o, path, mcpu, idx, pkt, len, st);
}
