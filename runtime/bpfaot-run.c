// SPDX-License-Identifier: MIT
/*
 * bpfaot-run: runs one program of an object the way `bpftool prog run`
 * does, on any engine, and prints its return value, the output packet and
 * the maps. The same printer serves every engine, so outputs can be diffed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"
#include "rt_kernel.h"
#include "tool.h"
#include "le.h"	/* the name and entry of the llvm engines' plugin */

#define LOG_SIZE (1u << 20) /* room for a verifier log */
#define MAX_INPUT (RT_MAX_PKT)

/* CLI flags: the one place with mutable file-scope state, as bpftool. */
struct cli {
	const char *path;
	const char *engine_name;
	enum bpfaot_engine engine;
	bool engine_set;
	const char *prog;
	const char *type;
	const char *bytecode;	/* --bytecode: OBJECT is a native object for it */
	const char *data_in, *ctx_in, *data_out, *ctx_out;
	const char **map_sets;
	size_t nr_map_sets;
	bool dump_maps, json, list, verify_kernel;
	const char *pcap_in, *pcap_out;	/* capture replay (tools/replay.c) */
	bool compare_set;
	enum bpfaot_engine compare;
	const char *maps_shm;		/* maps in POSIX shared memory */
	uint32_t repeat;
	bool repeat_set;	/* --repeat given: print the timings */
	uint64_t budget;
};

static const char *progname = "bpfaot-run";

__attribute__((format(printf, 1, 2))) static void p_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: error: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [OPTIONS] OBJECT\n"
		"Runs a program of OBJECT (BPF ELF, fat object, native object, or conformance\n"
		".data file).\n"
		"\n"
		"  --engine=ENGINE      aot|interp|jit|llvm-jit|llvm-aot|kernel (default: aot when\n"
		"                       the object has native code, else interp)\n"
		"  --prog=NAME          the program to run (default: the first)\n"
		"  --bytecode=FILE      OBJECT is a native object (bpftime-vm build's bpf_main.o)\n"
		"                       for the program of the BPF ELF FILE: its maps and type\n"
		"  --type=TYPE          program type for legacy section names (xdp, tc, socket,\n"
		"                       raw_tracepoint, kprobe, ...)\n"
		"  --data-in=FILE       packet or memory input\n"
		"  --ctx-in=FILE        context input (struct __sk_buff, xdp_md, pt_regs, args)\n"
		"  --data-out=FILE      write the packet after the run\n"
		"  --ctx-out=FILE       write the context after the run\n"
		"  --map-set=MAP:KEYHEX=VALHEX  set a map entry before the run (repeatable)\n"
		"  --dump-maps          print every map after the run\n"
		"  --repeat=N           run N times and print the average duration\n"
		"  --budget=N           interpreter instruction budget (interp only)\n"
		"  --verify=kernel      have the kernel's verifier check the bytecode first\n"
		"  --pcap-in=FILE       run a packet program over every packet of a capture\n"
		"                       (pcap or pcapng, Ethernet) and count the verdicts\n"
		"  --pcap-out=FILE      with --pcap-in: write the packets the program keeps\n"
		"  --compare=ENGINE     with --pcap-in: run ENGINE beside the first and stop at\n"
		"                       the first packet on which they differ\n"
		"  --maps-shm=NAME      keep the maps in POSIX shared memory NAME (created, or\n"
		"                       attached when the maps match), shared live with other\n"
		"                       processes and bpfaot-map\n"
		"  --json               machine-readable output\n"
		"  --list               list programs, maps and the engines each can use\n"
		"  -h, --help           this help\n",
		progname);
}

/* ------------------------------------------------------------- input */

static int read_file(const char *path, uint8_t **out, uint32_t *size, uint32_t limit)
{
	struct stat st;
	uint8_t *buf;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		p_err("cannot open '%s': %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		p_err("cannot read '%s': not a regular file", path);
		fclose(f);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > limit) {
		p_err("'%s' is %lld bytes, over the limit of %u", path, (long long)st.st_size,
		      limit);
		fclose(f);
		return -E2BIG;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf || fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		p_err("cannot read '%s'", path);
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*out = buf;
	*size = (uint32_t)st.st_size;
	return 0;
}

static int write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size) {
		p_err("cannot write '%s': %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -EIO;
	}
	fclose(f);
	return 0;
}

/* ------------------------------------------------------------ output */

static void print_printk(void *cookie, const char *text, size_t len)
{
	fwrite(text, 1, len, stderr);
	if (len && text[len - 1] != '\n')
		fputc('\n', stderr);
}

/* ------------------------------------------------------------ engines */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* What each engine does once before its runs (bpfaot_run_opts.prepare_ns). */
static const char *const prepare_names[BPFAOT_ENGINE__COUNT] = {
	[BPFAOT_ENGINE_AOT] = "link",
	[BPFAOT_ENGINE_INTERP] = "none",
	[BPFAOT_ENGINE_JIT] = "compile",
	[BPFAOT_ENGINE_LLVM_JIT] = "compile",
	[BPFAOT_ENGINE_LLVM_AOT] = "compile and link",
	[BPFAOT_ENGINE_KERNEL] = "load and verify",
};

static void print_result(const struct cli *cli, const struct bpfaot_run_opts *opts)
{
	if (cli->json) {
		printf("\"retval\":%" PRIu64 ",\"repeat\":%u,\"duration_ns\":%.3f,\"prepare_ns\":%" PRIu64,
		       opts->retval, cli->repeat, opts->duration_avg_ns, opts->prepare_ns);
		return;
	}
	printf("retval: %" PRIu64 "\n", opts->retval);
	if (cli->repeat_set) {
		printf("duration (average): %" PRIu64 " ns\n", opts->duration_ns);
		printf("prepare (%s): %" PRIu64 " ns\n", prepare_names[cli->engine], opts->prepare_ns);
	}
}

static int write_outputs(const struct cli *cli, const struct bpfaot_run_opts *opts)
{
	int err = 0;

	if (cli->data_out)
		err = write_file(cli->data_out, opts->data_out, opts->data_size_out);
	if (!err && cli->ctx_out)
		err = write_file(cli->ctx_out, opts->ctx_out, opts->ctx_size_out);
	return err;
}

static int run_kernel(const struct cli *cli, struct rt_object *obj, struct tool_map_set *sets,
		      struct bpfaot_run_opts *opts, char *log_buf)
{
	struct rt_log log = { .buf = log_buf, .size = LOG_SIZE };
	struct rt_kernel *k;
	uint64_t start, prepared;
	char why[256];
	int err;

	if (!rt_kernel__available(why, sizeof(why))) {
		p_err("engine 'kernel': %s", why);
		return -ENOTSUP;
	}
	k = rt_kernel__open(cli->path, cli->type, &log);
	if (!k) {
		p_err("%s", log_buf);
		return -errno;
	}
	err = tool_map_sets__apply_kernel(k, sets, cli->nr_map_sets, &log);
	if (err)
		goto out_free;
	err = tool_kernel_select(k, cli->prog, obj, &log);
	if (err)
		goto out_free;
	start = now_ns();
	err = rt_kernel__load(k, &log);
	prepared = now_ns() - start;
	if (err)
		goto out_free;
	err = rt_kernel__run(k, cli->prog, opts, &log);
	opts->duration_avg_ns = (double)opts->duration_ns;
	opts->prepare_ns = prepared;
	if (err)
		goto out_free;
	print_result(cli, opts);
	err = write_outputs(cli, opts);
	if (err)
		goto out_free;
	if (cli->dump_maps)
		err = tool_dump_kernel_maps(k, obj, cli->json);
out_free:
	if (err && log.set)
		p_err("%s", log_buf);
	rt_kernel__free(k);
	return err;
}

/* A conformance file carries its verdict: compare with -- result/-- error. */
static int check_conformance(const struct rt_object *obj, int run_err, uint64_t retval)
{
	const struct rt_conf *c = obj->conf;

	if (run_err) {
		if (c->has_error)
			return 0; /* the expected failure; its message is printed */
		return run_err;
	}
	if (c->has_error) {
		p_err("%s: expected an error ('%s'), but the program returned 0x%" PRIx64,
		      obj->path, c->error ? c->error : "", retval);
		return -EINVAL;
	}
	if (c->has_result && c->result != retval) {
		p_err("%s: result 0x%" PRIx64 " differs from the expected 0x%" PRIx64, obj->path,
		      retval, c->result);
		return -EINVAL;
	}
	return 0;
}

/* ------------------------------------------------- the llvm plugin */

#define EXE_PATH_MAX 4096
#define PLUGIN_PATH_MAX (EXE_PATH_MAX + 64)

/* Where the llvm engines' plugin is: $BPFAOT_LLVM_PLUGIN, else
 * ../lib/libbpfaot-llvm.so beside this program (build/bin and build/lib,
 * PREFIX/bin and PREFIX/lib). */
static void llvm_plugin_path(char *buf, size_t size)
{
	const char *env = getenv("BPFAOT_LLVM_PLUGIN");
	char exe[EXE_PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, size, "%s/../lib/%s", slash ? exe : ".", LE_PLUGIN_FILE);
}

static bool llvm_plugin_present(void)
{
	char path[PLUGIN_PATH_MAX];

	llvm_plugin_path(path, sizeof(path));
	return access(path, R_OK) == 0;
}

static bool is_llvm_engine(enum bpfaot_engine engine)
{
	return engine == BPFAOT_ENGINE_LLVM_JIT || engine == BPFAOT_ENGINE_LLVM_AOT;
}

/*
 * Opens the plugin and registers llvm-jit and llvm-aot: only a run on one
 * of them pays for libLLVM (startup and memory). The plugin stays open
 * until exit: programs keep its code and state.
 */
static int load_llvm_engines(void)
{
	BPFAOT_OPTS(bpfaot_engine_ops, jit);
	BPFAOT_OPTS(bpfaot_engine_ops, aot);
	char path[PLUGIN_PATH_MAX];
	le_plugin_ops_fn ops;
	void *h;
	int err;

	llvm_plugin_path(path, sizeof(path));
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		p_err("the llvm engines need their plugin: %s (set BPFAOT_LLVM_PLUGIN to its path)",
		      dlerror());
		return -ENOENT;
	}
	*(void **)&ops = dlsym(h, LE_PLUGIN_ENTRY);
	if (!ops) {
		p_err("'%s' is not the llvm engines' plugin (no '%s')", path, LE_PLUGIN_ENTRY);
		return -ENOEXEC;
	}
	err = ops(BPFAOT_RT_ABI, &jit, &aot);
	if (err) {
		p_err("'%s' was built from another version of the runtime", path);
		return err;
	}
	err = bpfaot_engine__register(BPFAOT_ENGINE_LLVM_JIT, &jit);
	if (!err)
		err = bpfaot_engine__register(BPFAOT_ENGINE_LLVM_AOT, &aot);
	if (err)
		p_err("cannot register the llvm engines: %s", strerror(-err));
	return err;
}

/* How a program's native code stands against its bytecode (--list). */
static void print_native_tie(const struct rt_object *obj, const struct rt_prog *p)
{
	char buf[256];
	struct rt_log log = { .buf = buf, .size = sizeof(buf) };
	struct rt_manifest *mf;

	if (!p->native || !p->nr_insns)
		return;
	mf = rt_manifest__from_native(p->native, p->native_size, obj->path, &log);
	if (!mf)
		printf("  native code: no manifest, not checked against the bytecode\n");
	else if (!mf->has_bytecode_hash || !p->has_bytecode_hash)
		printf("  native code: no bytecode hash (an older bpfaot-cc), not checked against "
		       "the bytecode\n");
	else if (mf->bytecode_hash != p->bytecode_hash)
		printf("  native code: stale, built from other bytecode (hash %016llx, the "
		       "object's %016llx): aot refuses it\n",
		       (unsigned long long)mf->bytecode_hash, (unsigned long long)p->bytecode_hash);
	else
		printf("  native code: built from this bytecode (hash %016llx)\n",
		       (unsigned long long)mf->bytecode_hash);
	rt_manifest__free(mf);
}

static void list_object(const struct rt_object *obj, bool json)
{
	size_t i;

	if (json)
		printf("{\"programs\":[");
	for (i = 0; i < obj->nr_progs; i++) {
		const struct rt_prog *p = &obj->progs[i];
		/* a program the runtime refused (validator, link) still runs in
		 * the kernel, which has its own verifier */
		bool bytecode = p->nr_insns > 0 && !p->invalid;
		bool kernel = (p->nr_insns > 0 || p->invalid) && !obj->is_conformance &&
			      p->ctx_kind != RT_CTX_MEM;
		char engines[128];

		snprintf(engines, sizeof(engines), "%s%s%s", p->native ? " aot" : "",
			 bytecode ? " interp jit" : "", kernel ? " kernel" : "");
		if (bytecode && llvm_plugin_present())
			strcat(engines, " llvm-jit llvm-aot");
		if (json) {
			char *e, list[192] = "";

			for (e = strtok(engines, " "); e; e = strtok(NULL, " "))
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s\"%s\"",
					 list[0] ? "," : "", e);
			printf("%s{\"name\":\"%s\",\"section\":\"%s\",\"insns\":%zu,\"engines\":[%s]}",
			       i ? "," : "", p->name, p->sec_name, p->nr_insns, list);
		} else {
			printf("prog '%s' section '%s' (%zu insns) engines:%s\n", p->name,
			       p->sec_name, p->nr_insns, engines);
			print_native_tie(obj, p);
			if (p->invalid)
				printf("  refused by the bytecode engines: %s\n", p->invalid_msg);
		}
	}
	if (json)
		printf("],\"maps\":[");
	for (i = 0; i < obj->nr_maps; i++) {
		const struct rt_map_def *d = rt_map__def(obj->maps[i]);

		if (json)
			printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u}",
			       i ? "," : "", d->name, tool_map_type_name(d->type), d->key_size,
			       d->value_size, d->max_entries);
		else
			printf("map '%s' %s key %u value %u max %u\n", d->name,
			       tool_map_type_name(d->type), d->key_size, d->value_size, d->max_entries);
	}
	if (json)
		printf("]}\n");
}

static int run_local(const struct cli *cli, struct rt_object *obj, struct tool_map_set *sets,
		     struct bpfaot_run_opts *opts, char *log_buf)
{
	struct rt_prog *prog = cli->prog ? rt_object__find_prog(obj, cli->prog) : &obj->progs[0];
	int err;

	if (!prog) {
		p_err("no program '%s' in '%s'", cli->prog, cli->path);
		return -ENOENT;
	}
	err = tool_map_sets__apply(obj, sets, cli->nr_map_sets);
	if (err)
		return err;
	err = bpfaot_prog__run((struct bpfaot_prog *)prog, opts);
	if (obj->is_conformance) {
		if (err)
			p_err("%s", log_buf);
		err = check_conformance(obj, err, opts->retval);
		if (err)
			return err;
		if (obj->conf->has_error)
			return -EINVAL; /* failed as expected: still a failure */
	} else if (err) {
		p_err("%s", log_buf[0] ? log_buf : strerror(-err));
		return err;
	}
	print_result(cli, opts);
	err = write_outputs(cli, opts);
	if (err || !cli->dump_maps)
		return err;
	return tool_dump_rt_maps(obj, cli->json);
}

static int verify_kernel(const struct cli *cli, const struct rt_object *obj, char *log_buf)
{
	struct rt_log log = { .buf = log_buf, .size = LOG_SIZE };
	struct rt_kernel *k;
	char why[256];
	int err;

	if (!rt_kernel__available(why, sizeof(why))) {
		p_err("--verify=kernel: %s", why);
		return -ENOTSUP;
	}
	k = rt_kernel__open(cli->path, cli->type, &log);
	if (!k) {
		p_err("--verify=kernel: %s", log_buf);
		return -errno;
	}
	err = tool_kernel_select(k, cli->prog, obj, &log);
	if (!err)
		err = rt_kernel__load(k, &log);
	if (err)
		p_err("--verify=kernel: the kernel's verifier refused '%s':\n%s", cli->path, log_buf);
	rt_kernel__free(k);
	return err;
}

/* ------------------------------------------------------------- main */

static int parse_u64(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end || s[0] == '-' || v > max) {
		p_err("bad value '%s' for %s", s, opt);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

enum { OPT_ENGINE = 256, OPT_BYTECODE, OPT_PROG, OPT_TYPE, OPT_DATA_IN, OPT_CTX_IN, OPT_DATA_OUT,
       OPT_CTX_OUT, OPT_MAP_SET, OPT_DUMP_MAPS, OPT_REPEAT, OPT_VERIFY, OPT_JSON, OPT_LIST, OPT_BUDGET,
       OPT_PCAP_IN, OPT_PCAP_OUT, OPT_COMPARE, OPT_MAPS_SHM };

static const struct option long_opts[] = {
	{ "engine", required_argument, NULL, OPT_ENGINE },
	{ "prog", required_argument, NULL, OPT_PROG },
	{ "bytecode", required_argument, NULL, OPT_BYTECODE },
	{ "type", required_argument, NULL, OPT_TYPE },
	{ "data-in", required_argument, NULL, OPT_DATA_IN },
	{ "ctx-in", required_argument, NULL, OPT_CTX_IN },
	{ "data-out", required_argument, NULL, OPT_DATA_OUT },
	{ "ctx-out", required_argument, NULL, OPT_CTX_OUT },
	{ "map-set", required_argument, NULL, OPT_MAP_SET },
	{ "dump-maps", no_argument, NULL, OPT_DUMP_MAPS },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "pcap-in", required_argument, NULL, OPT_PCAP_IN },
	{ "pcap-out", required_argument, NULL, OPT_PCAP_OUT },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "maps-shm", required_argument, NULL, OPT_MAPS_SHM },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* --pcap-in replaces the one-packet options; its own need it. */
static int check_replay_args(const struct cli *cli)
{
	const char *clash = cli->data_in ? "--data-in" : cli->data_out ? "--data-out" :
			    cli->ctx_out ? "--ctx-out" : cli->json ? "--json" :
			    cli->repeat_set ? "--repeat" : NULL;

	if (cli->maps_shm && cli->engine_set && cli->engine == BPFAOT_ENGINE_KERNEL) {
		p_err("--maps-shm does not go with --engine=kernel (the kernel keeps its maps)");
		return -EINVAL;
	}
	if (!cli->pcap_in) {
		clash = cli->pcap_out ? "--pcap-out" : cli->compare_set ? "--compare" : NULL;
		if (clash) {
			p_err("%s needs --pcap-in", clash);
			return -EINVAL;
		}
		return 0;
	}
	if (clash) {
		p_err("%s does not go with --pcap-in", clash);
		return -EINVAL;
	}
	return 0;
}

static int run_replay(const struct cli *cli, const struct tool_map_set *sets,
		      const uint8_t *ctx_in, uint32_t ctx_sz)
{
	struct tool_replay_opts ro = {
		.path = cli->path, .prog = cli->prog, .type = cli->type,
		.engine = cli->engine, .compare = cli->compare_set,
		.compare_engine = cli->compare,
		.pcap_in = cli->pcap_in, .pcap_out = cli->pcap_out,
		.sets = sets, .nr_sets = cli->nr_map_sets,
		.ctx_in = ctx_in, .ctx_size_in = ctx_sz, .budget = cli->budget,
		.dump_maps = cli->dump_maps, .progress = isatty(STDERR_FILENO),
		.maps_shm = cli->maps_shm,
	};

	return tool_replay(&ro);
}

static int parse_args(int argc, char **argv, struct cli *cli)
{
	uint64_t v;
	int c;

	cli->repeat = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_ENGINE:
			if (bpfaot_engine__by_name(optarg, &cli->engine)) {
				p_err("unknown engine '%s' (aot, interp, jit, llvm-jit, llvm-aot, kernel)",
				      optarg);
				return -EINVAL;
			}
			cli->engine_set = true;
			break;
		case OPT_PROG:
			cli->prog = optarg;
			break;
		case OPT_BYTECODE:
			cli->bytecode = optarg;
			break;
		case OPT_TYPE: {
			uint32_t t;

			if (rt_prog_type_by_name(optarg, &t)) {
				p_err("unknown program type '%s'", optarg);
				return -EINVAL;
			}
			cli->type = optarg;
			break;
		}
		case OPT_DATA_IN:
			cli->data_in = optarg;
			break;
		case OPT_CTX_IN:
			cli->ctx_in = optarg;
			break;
		case OPT_DATA_OUT:
			cli->data_out = optarg;
			break;
		case OPT_CTX_OUT:
			cli->ctx_out = optarg;
			break;
		case OPT_MAP_SET: {
			const char **p = realloc(cli->map_sets, (cli->nr_map_sets + 1) * sizeof(*p));

			if (!p)
				return -ENOMEM;
			cli->map_sets = p;
			p[cli->nr_map_sets++] = optarg;
			break;
		}
		case OPT_DUMP_MAPS:
			cli->dump_maps = true;
			break;
		case OPT_REPEAT:
			if (parse_u64("--repeat", optarg, 100000000, &v))
				return -EINVAL;
			if (v == 0) {
				p_err("bad value '%s' for --repeat", optarg);
				return -EINVAL;
			}
			cli->repeat = (uint32_t)v;
			cli->repeat_set = true;
			break;
		case OPT_BUDGET:
			if (parse_u64("--budget", optarg, UINT64_MAX, &cli->budget))
				return -EINVAL;
			break;
		case OPT_VERIFY:
			if (strcmp(optarg, "kernel")) {
				p_err("bad value '%s' for --verify (only 'kernel')", optarg);
				return -EINVAL;
			}
			cli->verify_kernel = true;
			break;
		case OPT_JSON:
			cli->json = true;
			break;
		case OPT_LIST:
			cli->list = true;
			break;
		case OPT_PCAP_IN:
			cli->pcap_in = optarg;
			break;
		case OPT_PCAP_OUT:
			cli->pcap_out = optarg;
			break;
		case OPT_MAPS_SHM:
			cli->maps_shm = optarg;
			break;
		case OPT_COMPARE:
			if (bpfaot_engine__by_name(optarg, &cli->compare)) {
				p_err("unknown engine '%s' for --compare", optarg);
				return -EINVAL;
			}
			cli->compare_set = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			p_err("unknown option '%s' (see --help)", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind != argc - 1) {
		p_err(optind >= argc ? "no object given (see --help)" : "more than one object given");
		return -EINVAL;
	}
	cli->path = argv[optind];
	return check_replay_args(cli);
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct tool_map_set *sets = NULL;
	uint8_t *data_in = NULL, *ctx_in = NULL, *data_out = NULL, *ctx_out = NULL;
	uint32_t data_sz = 0, ctx_sz = 0, data_out_sz = 0;
	struct rt_object *obj = NULL;
	char *log_buf;
	size_t i;
	int err;

	log_buf = calloc(1, LOG_SIZE);
	if (!log_buf)
		return 1;
	err = parse_args(argc, argv, &cli);
	if (err)
		goto out;
	sets = calloc(cli.nr_map_sets + 1, sizeof(*sets));
	if (!sets) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < cli.nr_map_sets; i++) {
		err = tool_map_set__parse(&sets[i], cli.map_sets[i]);
		if (err)
			goto out;
	}
	/* the engine refuses a packet over RT_MAX_PKT; a `mem` input may be big */
	if (cli.data_in && (err = read_file(cli.data_in, &data_in, &data_sz, RT_MAX_MEM)))
		goto out;
	if (cli.ctx_in && (err = read_file(cli.ctx_in, &ctx_in, &ctx_sz, MAX_INPUT)))
		goto out;
	data_out_sz = (data_sz > RT_MAX_PKT ? data_sz : RT_MAX_PKT) + RT_XDP_HEADROOM + RT_PKT_TAILROOM;
	data_out = malloc(data_out_sz);
	ctx_out = malloc(MAX_INPUT);
	if (!data_out || !ctx_out) {
		err = -ENOMEM;
		goto out;
	}
	{
		struct bpfaot_open_opts oo = { .sz = sizeof(oo), .prog_type = cli.type,
					       .log_buf = log_buf, .log_size = LOG_SIZE,
					       /* replay opens its own */
					       .maps_shm = cli.pcap_in ? NULL : cli.maps_shm };
		struct rt_log log = { .buf = log_buf, .size = LOG_SIZE };

		obj = rt_object__open(cli.bytecode ? cli.bytecode : cli.path, &oo, &log);
		if (obj && cli.bytecode &&
		    (err = rt_object__attach_native(obj, cli.prog, cli.path, &log))) {
			p_err("%s", log_buf);
			goto out;
		}
		/* the kernel engine never sits behind the runtime's loader:
		 * libbpf opens the file itself (obj only names map types) */
		if (!obj && !(cli.engine_set && cli.engine == BPFAOT_ENGINE_KERNEL && !cli.list)) {
			err = -errno;
			p_err("%s", log_buf);
			goto out;
		}
		if (obj && obj->note && !cli.json)
			fprintf(stderr, "bpfaot-run: note: %s\n", obj->note);
	}
	if (cli.list) {
		list_object(obj, cli.json);
		goto out;
	}
	if (!cli.engine_set) {
		struct rt_prog *p = cli.prog ? rt_object__find_prog(obj, cli.prog) : &obj->progs[0];

		/* a budget is the interpreter's: it runs the program then */
		cli.engine = p && p->native && !cli.budget ? BPFAOT_ENGINE_AOT : BPFAOT_ENGINE_INTERP;
	}
	if (cli.budget && cli.engine != BPFAOT_ENGINE_INTERP) {
		p_err("--budget counts bytecode instructions, which only the interpreter does: "
		      "engine '%s' cannot apply it (use --engine=interp)",
		      bpfaot_engine__name(cli.engine));
		err = -ENOTSUP;
		goto out;
	}
	if (is_llvm_engine(cli.engine) || (cli.compare_set && is_llvm_engine(cli.compare))) {
		err = load_llvm_engines();
		if (err)
			goto out;
	}
	if (cli.verify_kernel) {
		if (obj && obj->is_conformance) {
			p_err("--verify=kernel: conformance files have no kernel program type");
			err = -ENOTSUP;
			goto out;
		}
		err = verify_kernel(&cli, obj, log_buf);
		if (err)
			goto out;
	}
	if (cli.pcap_in) {
		err = run_replay(&cli, sets, ctx_in, ctx_sz);
		goto out;
	}
	{
		struct bpfaot_run_opts opts = {
			.sz = sizeof(opts), .engine = cli.engine,
			.data_in = data_in, .data_size_in = data_sz,
			.data_out = data_out, .data_size_out = data_out_sz,
			.ctx_in = ctx_in, .ctx_size_in = ctx_sz,
			.ctx_out = cli.ctx_out ? ctx_out : NULL,
			.ctx_size_out = cli.ctx_out ? MAX_INPUT : 0,
			.repeat = cli.repeat, .budget = cli.budget,
			.print = print_printk, .log_buf = log_buf, .log_size = LOG_SIZE,
		};

		if (cli.json)
			printf("{\"engine\":\"%s\",", bpfaot_engine__name(cli.engine));
		if (cli.engine == BPFAOT_ENGINE_KERNEL) {
			if (obj && obj->is_conformance) {
				p_err("engine 'kernel': conformance files take raw memory, which no kernel program type does");
				err = -ENOTSUP;
			} else {
				err = run_kernel(&cli, obj, sets, &opts, log_buf);
			}
		} else {
			err = run_local(&cli, obj, sets, &opts, log_buf);
		}
		if (cli.json)
			printf("}\n");
	}
out:
	for (i = 0; sets && i < cli.nr_map_sets; i++)
		tool_map_set__free(&sets[i]);
	free(sets);
	free(cli.map_sets);
	rt_object__free(obj);
	free(data_in);
	free(ctx_in);
	free(data_out);
	free(ctx_out);
	free(log_buf);
	return err ? 1 : 0;
}
