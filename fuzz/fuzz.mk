# SPDX-License-Identifier: MIT
# libFuzzer targets (issue 4); included by the top-level Makefile.
#
#   make fuzz-build               builds every target into build/fuzz/
#   make fuzz FUZZ_SECONDS=N      builds, writes the seed corpora, runs each
#                                 target N seconds (default 60); fails on a crash
#   make fuzz-corpus              (re)writes fuzz/corpus/<target>/ only
#
# Each target compiles the runtime sources itself (clang-14,
# -fsanitize=fuzzer-no-link,address,undefined), into build/fuzz/obj, apart
# from the normal and SAN=1 builds. New inputs go to build/fuzz/corpus/<t>/,
# crashes to build/fuzz/artifacts/, the exec counts to build/fuzz/summary.txt.
# See docs/reliability.md.
#
# fuzz_link covers the native path (manifest.c, link.c, the bare and fat
# objects of object.c); its seeds come from bpfaot-cc when it is built.
# fuzz_cc_cli covers bpfaot-cc's option parser (the driver included whole,
# linked against the normal compiler archives and libclang); fuzz_skim the
# skim of the preprocessed unit (frontend/skim.c).

FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := build/fuzz
# nonnull-attribute and pointer-overflow are recoverable so that
# fuzz/ubsan.supp can silence the known, reported, harmless cases (NULL with
# length 0); halt_on_error=1 still stops on any other report.
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fsanitize-recover=nonnull-attribute,pointer-overflow
FUZZ_ENV     := UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/fuzz/ubsan.supp
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer -Iinclude -Iruntime -Ifuzz -D_GNU_SOURCE \
		-Wall -Wno-unused-parameter $(FUZZ_SAN)
FUZZ_LIBS    := -lbpf -lelf -lz -lpthread

FUZZ_RT_SRCS := $(filter-out runtime/bpfaot-run.c,$(wildcard runtime/*.c))
FUZZ_RT_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(FUZZ_RT_SRCS))
FUZZ_TARGETS := fuzz_elf fuzz_conf fuzz_interp fuzz_cli fuzz_link fuzz_cc_cli fuzz_skim
FUZZ_BINS    := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_MKSEEDS := $(FUZZ_BUILD)/mkseeds
# per-target libFuzzer flags: bpfaot-run prints on both streams
FUZZ_OPTS_fuzz_cli := -close_fd_mask=3
FUZZ_OPTS_fuzz_cc_cli := -close_fd_mask=2

.PHONY: fuzz fuzz-build fuzz-corpus

$(FUZZ_BUILD)/obj/runtime/%.o: runtime/%.c runtime/rt_internal.h include/bpfaot/bpfaot.h $(wildcard runtime/*.h) \
		fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

# bpfaot-run's main, renamed so that fuzz_cli can call it, and the tools'
# code it uses (tools/: capture, replay, map printing)
FUZZ_TOOL_OBJS := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(TOOL_SRCS))

$(FUZZ_BUILD)/obj/tools/%.o: tools/%.c $(wildcard tools/*.h) $(wildcard runtime/*.h) fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itools -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_BUILD)/obj/bpfaot-run.o: runtime/bpfaot-run.c runtime/rt_internal.h include/bpfaot/bpfaot.h \
		tools/tool.h llvm/le.h fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itools -Illvm -DBPFAOT_RT_ABI='"$(RT_ABI)"' -fsanitize=fuzzer-no-link \
		-Dmain=bpfaot_run_main -c $< -o $@

$(FUZZ_BUILD)/fuzz_cli: fuzz/fuzz_cli.c $(FUZZ_BUILD)/obj/bpfaot-run.o $(FUZZ_TOOL_OBJS) $(FUZZ_RT_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_CLI_OBJDIR='"$(CURDIR)/fuzz/corpus/cli-objs"' \
		$^ -o $@ $(FUZZ_LIBS) $(PCAP_LIBS) -ldl

$(FUZZ_BUILD)/fuzz_cc_cli: fuzz/fuzz_cc_cli.c backend/bpfaot-cc.c $(BE_LIB) $(RW_LIB) $(FE_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CLANG_CFLAGS) -Ifrontend -Irewriters -Ibackend -DBPFAOT_CLANG='"$(BPF_CLANG)"' -fsanitize=fuzzer \
		$< -o $@ $(BE_LIB) $(RW_LIB) $(FE_LIB) $(CLANG_LIBS) $(LLVM_LIBS)

# the skim, compiled in alone (it calls nothing of libclang's)
$(FUZZ_BUILD)/fuzz_skim: fuzz/fuzz_skim.c frontend/skim.c frontend/fe.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CLANG_CFLAGS) -Ifrontend -fsanitize=fuzzer fuzz/fuzz_skim.c frontend/skim.c \
		-o $@

$(FUZZ_BUILD)/fuzz_link: fuzz/fuzz_link.c $(FUZZ_RT_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -DFUZZ_CLI_OBJDIR='"$(CURDIR)/fuzz/corpus/cli-objs"' \
		$^ -o $@ $(FUZZ_LIBS)

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) $(FUZZ_RT_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_RT_OBJS) -o $@ $(FUZZ_LIBS)

$(FUZZ_MKSEEDS): fuzz/mkseeds.c fuzz/fuzz_interp.h $(FUZZ_RT_OBJS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_RT_OBJS) -o $@ $(FUZZ_LIBS)

fuzz-build: $(FUZZ_BINS) $(FUZZ_MKSEEDS)

fuzz-corpus: $(FUZZ_MKSEEDS) samples $(if $(wildcard backend/bpfaot-cc.c),$(CC_BIN))
	python3 fuzz/mkcorpus.py $(BUILD) $(FUZZ_MKSEEDS)

# Runs every target even when one crashes, then fails if any did.
fuzz: fuzz-build fuzz-corpus
	@mkdir -p $(FUZZ_BUILD)/artifacts; : > $(FUZZ_BUILD)/summary.txt; status=0; \
	for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		opts=""; [ "$$t" = fuzz_cli ] && opts="$(FUZZ_OPTS_fuzz_cli)"; \
		$(FUZZ_ENV) $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=4200 \
			-print_final_stats=1 $$opts -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
			$(FUZZ_BUILD)/corpus/$$t fuzz/corpus/$$t > $(FUZZ_BUILD)/$$t.log 2>&1; rc=$$?; \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_BUILD)/$$t.log); \
		echo "$$t: rc=$$rc execs=$${execs:-?} seconds=$(FUZZ_SECONDS)" | tee -a $(FUZZ_BUILD)/summary.txt; \
		if [ $$rc -ne 0 ]; then status=1; tail -n 40 $(FUZZ_BUILD)/$$t.log; fi; \
	done; exit $$status
