// SPDX-License-Identifier: MIT
/*
 * difftest: the differential test at scale (`make difftest N=... SEED=...`).
 * Generates N random programs (gen.h) in batches of --batch, each batch one
 * file compiled once by bpfaot-cc, runs every program on every engine and
 * in the kernel and compares (dt.h). Each program that differs is
 * minimised and saved under --regress-dir as a regression test that the
 * Check suite difftest replays. Exits 1 when any program differed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "le.h"
#include "dt.h"

/* the driver's flags, in one place (STYLE §6) */
struct cli {
	uint64_t seed;
	uint32_t n, first, batch;
	const char *regress_dir;
	bool minimise, keep;
	int emit;		/* >= 0: print this program's source and its packet */
	const char *replay;
	struct dt_opts o;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: difftest [OPTIONS]\n"
		"  -n, --count=N        programs to generate and compare (default 256)\n"
		"  --seed=S             the seed (default 1); program i of seed S is always the same\n"
		"  --first=I            start at program I (to resume a run)\n"
		"  --batch=B            programs per compiled file (default 48)\n"
		"  --cc=PATH            bpfaot-cc (default build/bin/bpfaot-cc)\n"
		"  --workdir=DIR        scratch directory (default: a new one under /tmp)\n"
		"  --regress-dir=DIR    where differences are saved (default tests/difftest/regress)\n"
		"  --no-minimise        save differing programs whole\n"
		"  --div-zero           divisors that may be zero (x/0 = 0, x%%0 = x in BPF)\n"
		"  --wide-shift         shift counts that may reach or pass the width\n"
		"  --stale-pointers     hash updates while a pointer to an element is held\n"
		"  --no-kernel          leave the kernel out\n"
		"  --emit=I             print program I (and its packet) and exit\n"
		"  --replay=FILE        check one saved regression and exit\n"
		"  --keep               keep the scratch directory\n");
}

static int parse_args(int argc, char **argv, struct cli *cli)
{
	enum { O_SEED = 256, O_FIRST, O_BATCH, O_CC, O_WORKDIR, O_REGRESS, O_NO_MIN, O_DIV0,
	       O_WIDE, O_STALE, O_NO_KERNEL, O_EMIT, O_REPLAY, O_KEEP };
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, O_SEED },
		{ "first", required_argument, NULL, O_FIRST },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "cc", required_argument, NULL, O_CC },
		{ "workdir", required_argument, NULL, O_WORKDIR },
		{ "regress-dir", required_argument, NULL, O_REGRESS },
		{ "no-minimise", no_argument, NULL, O_NO_MIN },
		{ "div-zero", no_argument, NULL, O_DIV0 },
		{ "wide-shift", no_argument, NULL, O_WIDE },
		{ "stale-pointers", no_argument, NULL, O_STALE },
		{ "no-kernel", no_argument, NULL, O_NO_KERNEL },
		{ "emit", required_argument, NULL, O_EMIT },
		{ "replay", required_argument, NULL, O_REPLAY },
		{ "keep", no_argument, NULL, O_KEEP },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	cli->seed = 1;
	cli->n = 256;
	cli->batch = 48;
	cli->emit = -1;
	cli->minimise = true;
	cli->regress_dir = "tests/difftest/regress";
	cli->o.cc = "build/bin/bpfaot-cc";
	cli->o.report = stdout;
	while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			cli->n = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case O_SEED:
			cli->seed = strtoull(optarg, NULL, 0);
			break;
		case O_FIRST:
			cli->first = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case O_BATCH:
			cli->batch = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case O_CC:
			cli->o.cc = optarg;
			break;
		case O_WORKDIR:
			cli->o.workdir = optarg;
			break;
		case O_REGRESS:
			cli->regress_dir = optarg;
			break;
		case O_NO_MIN:
			cli->minimise = false;
			break;
		case O_DIV0:
			cli->o.gen.div_zero = true;
			break;
		case O_WIDE:
			cli->o.gen.wide_shift = true;
			break;
		case O_STALE:
			cli->o.gen.stale_ptrs = true;
			break;
		case O_NO_KERNEL:
			cli->o.no_kernel = true;
			break;
		case O_EMIT:
			cli->emit = atoi(optarg);
			break;
		case O_REPLAY:
			cli->replay = optarg;
			break;
		case O_KEEP:
			cli->keep = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (cli->batch == 0 || cli->batch > 256) {
		fprintf(stderr, "difftest: error: --batch must be 1 to 256\n");
		return -EINVAL;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void emit(const struct cli *cli)
{
	uint8_t pkt[DT_GEN_MAX_PKT];
	uint32_t len = dt_gen_packet(cli->seed, (uint32_t)cli->emit, pkt), i;

	printf("// mcpu: %s\n// program: %d\n// packet: ", dt_gen_mcpu(cli->seed, (uint32_t)cli->emit),
	       cli->emit);
	for (i = 0; i < len; i++)
		printf("%02x", pkt[i]);
	printf("\n");
	dt_gen_prologue(stdout);
	dt_gen_program(stdout, &cli->o.gen, cli->seed, (uint32_t)cli->emit, NULL, 0);
}

/* Minimises and saves each differing program of a batch. */
static void save_diffs(const struct cli *cli, uint32_t first, const uint32_t *diffs, size_t n)
{
	char path[4096];
	size_t i;
	int err;

	mkdir(cli->regress_dir, 0755);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/s%" PRIx64 "-p%u.bpf.c", cli->regress_dir,
			 cli->seed, diffs[i]);
		err = dt_save(&cli->o, cli->seed, diffs[i], dt_gen_mcpu(cli->seed, first),
			      cli->minimise, path);
		if (err)
			printf("difftest: cannot save program %u: %s\n", diffs[i], strerror(-err));
		else
			printf("difftest: saved %s\n", path);
	}
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct dt_stats st = { 0 };
	char why[256], workdir[] = "/tmp/difftest.XXXXXX";
	uint32_t *diffs, done;
	uint64_t batches_failed = 0;
	double t0 = now();
	int err;

	if (parse_args(argc, argv, &cli))
		return 2;
	if (cli.emit >= 0) {
		emit(&cli);
		return 0;
	}
	err = le_register();
	if (err) {
		fprintf(stderr, "difftest: error: cannot register the llvm engines: %s\n",
			strerror(-err));
		return 2;
	}
	if (!cli.o.workdir) {
		if (!mkdtemp(workdir)) {
			fprintf(stderr, "difftest: error: mkdtemp: %s\n", strerror(errno));
			return 2;
		}
		cli.o.workdir = workdir;
	}
	if (!dt_kernel_usable(&cli.o, why, sizeof(why)))
		printf("difftest: the kernel is not compared: %s\n", why);
	if (cli.replay) {
		char known[256];

		err = dt_replay(&cli.o, cli.replay, &st, known, sizeof(known));
		printf("difftest: %s: %s%s%s\n", cli.replay,
		       err < 0 ? strerror(-err) : err ? "engines differ" : "engines agree",
		       *known ? "; known: " : "", known);
		return err ? 1 : 0;
	}
	diffs = calloc(cli.batch, sizeof(*diffs));
	if (!diffs)
		return 2;
	printf("difftest: seed 0x%" PRIx64 ", programs %u..%u, batches of %u%s%s%s\n", cli.seed,
	       cli.first, cli.first + cli.n - 1, cli.batch, cli.o.gen.div_zero ? ", --div-zero" : "",
	       cli.o.gen.wide_shift ? ", --wide-shift" : "",
	       cli.o.gen.stale_ptrs ? ", --stale-pointers" : "");
	for (done = 0; done < cli.n; done += cli.batch) {
		uint32_t first = cli.first + done;
		uint32_t count = cli.n - done < cli.batch ? cli.n - done : cli.batch;
		size_t nr_diffs = 0;

		err = dt_batch(&cli.o, cli.seed, first, count, diffs, &nr_diffs, &st);
		if (err) {
			printf("difftest: batch %u..%u not checked: %s\n", first, first + count - 1,
			       strerror(-err));
			batches_failed++;
		}
		if (nr_diffs)
			save_diffs(&cli, first, diffs, nr_diffs);
		printf("difftest: %" PRIu64 " programs, %" PRIu64 " differences, %" PRIu64
		       " with the kernel (%" PRIu64 " refused by its verifier), %.0f s\n",
		       st.programs, st.differences, st.kernel_runs, st.kernel_refused,
		       now() - t0);
		fflush(stdout);
	}
	printf("difftest: done: seed 0x%" PRIx64 ", %" PRIu64 " programs, %" PRIu64
	       " differences, %" PRIu64 " batches not checked, %" PRIu64 " compared with the "
	       "kernel, %" PRIu64 " refused by its verifier, %.0f s (%.1f programs/s)\n",
	       cli.seed, st.programs, st.differences, batches_failed, st.kernel_runs,
	       st.kernel_refused, now() - t0, st.programs / (now() - t0));
	if (!cli.keep && cli.o.workdir == workdir && !st.differences && !batches_failed)
		rmdir(workdir);
	free(diffs);
	return st.differences || batches_failed ? 1 : 0;
}
