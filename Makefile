# SPDX-License-Identifier: MIT
# bpfaot build. `make` builds the tools and libraries into build/;
# `make test` runs every Check suite; `make demo` runs the samples;
# `make deps` installs the Debian packages the build needs.

PREFIX ?= /usr/local
BUILD  ?= build
CC     ?= cc
BPF_CLANG ?= clang-14

# Debian 12 packages the build, the tests and the demo need.
DEB_PKGS := make gcc clang-14 llvm-14-dev libclang-14-dev libbpf-dev bpftool libelf-dev \
	    zlib1g-dev check pkg-config linux-libc-dev libc6-dev python3 libpcap-dev

WERROR ?=
SAN    ?=
CFLAGS_BASE := -std=gnu11 -Wall -Wextra -Wno-unused-parameter -O2 -g -Iinclude -D_GNU_SOURCE
ifeq ($(WERROR),1)
CFLAGS_BASE += -Werror
endif
ifeq ($(SAN),1)
CFLAGS_BASE += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
BUILD := build/san
endif
# LTO=1: the runtime, the tools and the compiler with link-time optimisation
# (gcc -flto), into their own build folder; archives through gcc-ar, objects
# fat so that a link without LTO still takes them.
AR_TOOL := ar
ifeq ($(LTO),1)
CFLAGS_BASE += -flto=auto -ffat-lto-objects
LDFLAGS_SAN += -flto=auto
AR_TOOL := gcc-ar
BUILD := $(BUILD)/lto
endif
CFLAGS ?=
CFLAGS += $(CFLAGS_BASE)
# -fPIC: the llvm engines' plugin (a shared object) carries the runtime too
RT_CFLAGS := $(CFLAGS) -fvisibility=hidden -fPIC -Iruntime

CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
RT_LIBS      := -lbpf -lelf -lz -lpthread

RT_SRCS := $(filter-out runtime/bpfaot-run.c,$(wildcard runtime/*.c))
RT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(RT_SRCS))
RT_LIB  := $(BUILD)/lib/libbpfaot.a
RUN_BIN := $(BUILD)/bin/bpfaot-run

# tools/: what the command-line tools share (map printer, capture replay);
# never part of libbpfaot. Only bpfaot-run links libpcap.
TOOL_SRCS := $(filter-out tools/bpfaot-map.c,$(wildcard tools/*.c))
TOOL_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(TOOL_SRCS))
PCAP_LIBS := -lpcap
# bpfaot-map: shared-memory maps, the map printer; no libpcap, no LLVM
MAP_BIN := $(BUILD)/bin/bpfaot-map
MAP_TOOL_OBJS := $(BUILD)/obj/tools/tool.o $(BUILD)/obj/tools/mapdump.o

SAMPLE_SRCS := $(wildcard samples/*.bpf.c)
SAMPLE_OBJS := $(patsubst samples/%.bpf.c,$(BUILD)/samples/%.bpf.o,$(SAMPLE_SRCS))
BPF_CFLAGS  := -target bpf -O2 -g -D__TARGET_ARCH_x86 -Isamples -I/usr/include/x86_64-linux-gnu

# The compiler: frontend (libclang), rewriters, backend (clang, LLVM-C: the semantics pass).
LLVM_CONFIG ?= llvm-config-14
LLVM_PREFIX := $(shell $(LLVM_CONFIG) --prefix 2>/dev/null)
CLANG_CFLAGS := -I$(LLVM_PREFIX)/include
CLANG_LIBS   := -L$(LLVM_PREFIX)/lib -Wl,-rpath,$(LLVM_PREFIX)/lib -lclang
LLVM_LIBS    := $(shell $(LLVM_CONFIG) --ldflags 2>/dev/null) $(shell $(LLVM_CONFIG) --libs 2>/dev/null) \
		-Wl,-rpath,$(LLVM_PREFIX)/lib
CC_CFLAGS    := $(CFLAGS) $(CLANG_CFLAGS) -Ifrontend -Irewriters -Ibackend \
		-DBPFAOT_CLANG='"$(BPF_CLANG)"' -DBPFAOT_LLVM_OBJCOPY='"llvm-objcopy-14"'

FE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard frontend/*.c))
RW_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard rewriters/*.c))
BE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out backend/bpfaot-cc.c,$(wildcard backend/*.c)))
# The inlinable helpers (runtime/inline/helpers.c): LLVM bitcode built with
# the native compile's own target and flags (so that its module links into
# a program's), embedded in bpfaot-cc by backend/helpers_bc.c. -fno-ident:
# the program's module names the compiler already (.comment), and a
# program's object must not depend on which other programs of its file
# call an inlined helper (the shared native front end, backend/compile.c).
INLINE_BC := $(BUILD)/lib/bpfaot-helpers.bc
INLINE_BC_CFLAGS := -target x86_64-unknown-linux-gnu -O2 -fno-stack-protector \
		    -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-exceptions -ffreestanding \
		    -fPIC -fno-plt -fno-common -fwrapv -fno-strict-aliasing -Wall -Wextra \
		    -Wno-unused-parameter -fno-ident -Iinclude -Iruntime
FE_LIB  := $(BUILD)/lib/libbpfaot-fe.a
RW_LIB  := $(BUILD)/lib/libbpfaot-rw.a
BE_LIB  := $(BUILD)/lib/libbpfaot-be.a
CC_BIN  := $(BUILD)/bin/bpfaot-cc
CC_HDRS := $(wildcard frontend/*.h rewriters/*.h backend/*.h) include/bpfaot/abi.h include/bpfaot/helpers.h \
	include/bpfaot/sections.h

# llvm/: the llvm-jit and llvm-aot engines (LLVM-C, ORC LLJIT). They work
# on the runtime's run state, so they see its private header; the runtime
# never links them. libbpfaot-llvm.so is the plugin bpfaot-run opens only
# when one of them is asked for: the engines, a private copy of the runtime
# they call (hidden, --exclude-libs) and libLLVM; it exports le_plugin_ops
# alone. RT_ABI names the runtime's layout, so that a plugin of another
# build is refused. libbpfaot-llvm.a serves hosts that link statically (and
# the tests).
LLVM_ENGINE_SRCS := $(wildcard llvm/*.c)
# backend/ir_sem.c (BPF's integer semantics in IR) serves both the native
# compile and the translator: its object goes into both archives and the plugin.
LLVM_ENGINE_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(LLVM_ENGINE_SRCS))
SEM_OBJ := $(BUILD)/obj/backend/ir_sem.o
LLVM_ENGINE_LIB  := $(BUILD)/lib/libbpfaot-llvm.a
LLVM_PLUGIN      := $(BUILD)/lib/libbpfaot-llvm.so
RT_ABI := $(shell cat runtime/*.h include/bpfaot/*.h llvm/le.h 2>/dev/null | cksum | cut -d' ' -f1)
LLVM_ENGINE_CFLAGS := $(CFLAGS) -fvisibility=hidden -fPIC $(shell $(LLVM_CONFIG) --cflags 2>/dev/null) \
		      -Iruntime -Illvm -Ibackend -DBPFAOT_RT_ABI='"$(RT_ABI)"'

TEST_SRCS := $(wildcard tests/check_*.c)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all deps deps-check test demo bench bench-peers bench-deps install clean format samples difftest lto-tools corpus
all: deps-check $(RT_LIB) $(LLVM_ENGINE_LIB) $(LLVM_PLUGIN) $(RUN_BIN) $(MAP_BIN) samples $(if $(wildcard backend/bpfaot-cc.c),$(CC_BIN))

# Installs the Debian packages $(1) when any is missing: apt-get as root, sudo otherwise.
define install_debs
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "$@: all Debian packages present"; exit 0; fi; \
	echo "$@: installing$$missing"; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	else echo "$@: missing packages:$$missing; run 'make $@' as root or install them with apt-get" >&2; exit 1; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing
endef
deps:
	$(call install_debs,$(DEB_PKGS))

# Only `make bench` needs these: rsvg-convert turns the chart's SVG into a PNG,
# valgrind counts instructions for the peer comparison (bench/peers.py).
BENCH_DEB_PKGS := librsvg2-bin python3 valgrind
bench-deps:
	$(call install_debs,$(BENCH_DEB_PKGS))

# Quietly checks that the tool chain is there; points at `make deps` otherwise.
deps-check:
	@command -v pkg-config >/dev/null 2>&1 && pkg-config --exists check libbpf libelf libpcap || \
		{ echo "missing build dependencies: run 'make deps' (installs Debian packages)" >&2; exit 1; }

$(BUILD)/obj/runtime/%.o: runtime/%.c runtime/rt_internal.h $(wildcard include/bpfaot/*.h) $(wildcard runtime/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) -c $< -o $@

$(RT_LIB): $(RT_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR_TOOL) rcs $@ $^

$(MAP_BIN): tools/bpfaot-map.c $(MAP_TOOL_OBJS) $(RT_LIB) tools/tool.h
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) -Itools $< -o $@ $(MAP_TOOL_OBJS) $(RT_LIB) $(RT_LIBS) $(LDFLAGS_SAN)

$(BUILD)/obj/tools/%.o: tools/%.c tools/tool.h runtime/rt_internal.h runtime/rt_kernel.h \
		include/bpfaot/bpfaot.h
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) -Itools -c $< -o $@

# no LLVM here: the llvm engines come from $(LLVM_PLUGIN), opened on demand
$(RUN_BIN): runtime/bpfaot-run.c $(TOOL_OBJS) $(RT_LIB) llvm/le.h tools/tool.h
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) -Illvm -Itools -DBPFAOT_RT_ABI='"$(RT_ABI)"' $< -o $@ $(TOOL_OBJS) \
		$(RT_LIB) $(RT_LIBS) $(PCAP_LIBS) -ldl $(LDFLAGS_SAN)

# every header RT_ABI sums: a plugin built before a change of them is refused
$(LLVM_ENGINE_OBJS): $(BUILD)/obj/llvm/%.o: llvm/%.c llvm/le.h backend/be_sem.h $(wildcard runtime/*.h include/bpfaot/*.h) \
		runtime/rt_insn.h include/bpfaot/bpfaot.h include/bpfaot/abi.h
	@mkdir -p $(dir $@)
	$(CC) $(LLVM_ENGINE_CFLAGS) -c $< -o $@
# the plugin exports le_plugin_ops alone: the shared pass is hidden there
# (and position-independent, as every object of a shared library)
$(SEM_OBJ): CC_CFLAGS += -fvisibility=hidden -fPIC
$(LLVM_ENGINE_LIB): $(LLVM_ENGINE_OBJS) $(SEM_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR_TOOL) rcs $@ $^
$(LLVM_PLUGIN): $(LLVM_ENGINE_OBJS) $(SEM_OBJ) $(RT_LIB)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-z,defs -Wl,--exclude-libs,ALL -o $@ $(LLVM_ENGINE_OBJS) $(SEM_OBJ) $(RT_LIB) \
		$(LLVM_LIBS) $(RT_LIBS) $(LDFLAGS_SAN)

$(BUILD)/obj/frontend/%.o: frontend/%.c $(CC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CC_CFLAGS) -c $< -o $@
$(BUILD)/obj/rewriters/%.o: rewriters/%.c $(CC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CC_CFLAGS) -c $< -o $@
$(BUILD)/obj/backend/%.o: backend/%.c $(CC_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CC_CFLAGS) -c $< -o $@

$(INLINE_BC): runtime/inline/helpers.c runtime/rt_inline.h
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(INLINE_BC_CFLAGS) -emit-llvm -c $< -o $@
# .incbin: the object changes when the bitcode does; no LTO for a top-level asm
$(BUILD)/obj/backend/helpers_bc.o: $(INLINE_BC)
$(BUILD)/obj/backend/helpers_bc.o: CC_CFLAGS += -DBPFAOT_HELPERS_BC='"$(INLINE_BC)"' -fno-lto

$(FE_LIB): $(FE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR_TOOL) rcs $@ $^
$(RW_LIB): $(RW_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR_TOOL) rcs $@ $^
$(BE_LIB): $(BE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR_TOOL) rcs $@ $^

# bpfaot-cc: backend -> rewriters -> frontend -> libclang (link order = dependency order)
$(CC_BIN): backend/bpfaot-cc.c $(BE_LIB) $(RW_LIB) $(FE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CC_CFLAGS) $< -o $@ $(BE_LIB) $(RW_LIB) $(FE_LIB) $(CLANG_LIBS) $(LLVM_LIBS) $(LDFLAGS_SAN)

# The same samples through bpfaot-cc, as a libbpf Makefile would use it (CLANG=bpfaot-cc).
SAMPLE_FATS := $(patsubst samples/%.bpf.c,$(BUILD)/samples-aot/%.bpf.o,$(SAMPLE_SRCS))
$(BUILD)/samples-aot/%.bpf.o: samples/%.bpf.c $(wildcard samples/*.h) $(CC_BIN)
	@mkdir -p $(dir $@)
	$(CC_BIN) $(BPF_CFLAGS) -c $< -o $@

samples: $(SAMPLE_OBJS) $(if $(wildcard backend/bpfaot-cc.c),$(SAMPLE_FATS))
$(BUILD)/samples/%.bpf.o: samples/%.bpf.c $(wildcard samples/*.h)
	@mkdir -p $(dir $@)
	$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@

# Each suite links only its module and what that module may depend on.
$(BUILD)/tests/check_rt_%: tests/check_rt_%.c tests/testutil.h tests/spec.h tests/randprog.h $(RT_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) $(CHECK_CFLAGS) -Itests $< -o $@ $(RT_LIB) $(RT_LIBS) $(CHECK_LIBS) $(LDFLAGS_SAN)
FE_TESTS := $(filter $(BUILD)/tests/check_fe%,$(TEST_BINS))
RW_TESTS := $(filter $(BUILD)/tests/check_rw%,$(TEST_BINS))
BE_TESTS := $(filter $(BUILD)/tests/check_be%,$(TEST_BINS))
$(FE_TESTS): $(BUILD)/tests/%: tests/%.c tests/testutil.h $(FE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CC_CFLAGS) $(CHECK_CFLAGS) -Itests $< -o $@ $(FE_LIB) $(CLANG_LIBS) $(CHECK_LIBS) $(LDFLAGS_SAN)
$(RW_TESTS): $(BUILD)/tests/%: tests/%.c tests/testutil.h $(RW_LIB) $(FE_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CC_CFLAGS) $(CHECK_CFLAGS) -Itests $< -o $@ $(RW_LIB) $(FE_LIB) $(CLANG_LIBS) $(CHECK_LIBS) $(LDFLAGS_SAN)
$(BE_TESTS): $(BUILD)/tests/%: tests/%.c tests/testutil.h $(BE_LIB) $(RW_LIB) $(FE_LIB) $(CC_BIN)
	@mkdir -p $(dir $@)
	$(CC) $(CC_CFLAGS) $(CHECK_CFLAGS) -Itests $< -o $@ $(BE_LIB) $(RW_LIB) $(FE_LIB) $(CLANG_LIBS) $(LLVM_LIBS) \
		$(CHECK_LIBS) $(LDFLAGS_SAN)
# the llvm engines need the runtime they plug into, and the samples they run
$(BUILD)/tests/check_llvm: tests/check_llvm.c tests/testutil.h tests/spec.h tests/randprog.h $(LLVM_ENGINE_LIB) $(RT_LIB) \
		$(SAMPLE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LLVM_ENGINE_CFLAGS) $(CHECK_CFLAGS) -Itests $< -o $@ $(LLVM_ENGINE_LIB) $(RT_LIB) \
		$(LLVM_LIBS) $(RT_LIBS) $(CHECK_LIBS) $(LDFLAGS_SAN)
# end-to-end suites drive the built tools (bpfaot-cc, bpfaot-run) and the runtime
$(BUILD)/tests/check_e2e%: tests/check_e2e%.c tests/testutil.h $(RT_LIB) $(RUN_BIN) $(MAP_BIN) $(CC_BIN) \
		$(LLVM_PLUGIN)
	@mkdir -p $(dir $@)
	$(CC) $(RT_CFLAGS) $(CHECK_CFLAGS) -Itests $< -o $@ $(RT_LIB) $(RT_LIBS) $(CHECK_LIBS) $(LDFLAGS_SAN)

# The differential test (tests/difftest/): generator, checker and driver,
# linked with the runtime and the llvm engines like bpfaot-run.
DT_SRCS := tests/difftest/gen.c tests/difftest/dt.c
DT_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(DT_SRCS))
DT_BIN  := $(BUILD)/tests/difftest
DT_CFLAGS := $(RT_CFLAGS) -Illvm -Itests/difftest
$(DT_OBJS): $(BUILD)/obj/%.o: %.c tests/difftest/gen.h tests/difftest/dt.h runtime/rt_kernel.h \
		include/bpfaot/bpfaot.h
	@mkdir -p $(dir $@)
	$(CC) $(DT_CFLAGS) -c $< -o $@
$(DT_BIN): tests/difftest/difftest.c $(DT_OBJS) $(LLVM_ENGINE_LIB) $(RT_LIB) llvm/le.h
	@mkdir -p $(dir $@)
	$(CC) $(DT_CFLAGS) $< -o $@ $(DT_OBJS) $(LLVM_ENGINE_LIB) $(RT_LIB) $(LLVM_LIBS) $(RT_LIBS) \
		$(LDFLAGS_SAN)
$(BUILD)/tests/check_difftest: tests/check_difftest.c tests/testutil.h $(DT_OBJS) $(LLVM_ENGINE_LIB) \
		$(RT_LIB) $(CC_BIN)
	@mkdir -p $(dir $@)
	$(CC) $(DT_CFLAGS) $(CHECK_CFLAGS) -Itests $< -o $@ $(DT_OBJS) $(LLVM_ENGINE_LIB) $(RT_LIB) \
		$(LLVM_LIBS) $(RT_LIBS) $(CHECK_LIBS) $(LDFLAGS_SAN)

# `make difftest N=20000 SEED=7`: N generated programs on every engine and
# the kernel (docs/reliability.md); DIFFTEST_FLAGS adds driver options
# (--div-zero, --wide-shift, --no-kernel, --batch=B, --first=I).
N    ?= 256
SEED ?= 1
difftest: deps-check
	@$(MAKE) --no-print-directory all $(DT_BIN)
	$(DT_BIN) -n $(N) --seed=$(SEED) --cc=$(CC_BIN) $(DIFFTEST_FLAGS)

# Runs every suite; tests/run-checks prints Check's summary line for the whole run.
test: deps
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@BUILD=$(BUILD) sh bench/smoke.sh
	@BUILD=$(BUILD) sh tests/run-checks $(TEST_BINS)

# The corpus harness (not part of `make test`): every eBPF source under CORPUS,
# compiled by clang and by bpfaot-cc with the same flags (docs/compatibility.md).
corpus: all
	@test -n "$(CORPUS)" || { echo "usage: make corpus CORPUS=DIR [CORPUS_CFLAGS=...]" >&2; exit 2; }
	@python3 tests/corpus/run.py "$(CORPUS)" --cflags "$(CORPUS_CFLAGS)" \
		--bpfaot-cc $(CC_BIN) --bpfaot-run $(RUN_BIN)

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh samples/demo.sh

# BENCH_QUICK=1 for a smoke run (1 round, short batches); bench/README.md says what is measured.
# the tools again with LTO=1, for the bench's LTO on/off comparison (the
# llvm engines' plugin too: bpfaot-run opens it beside itself)
lto-tools: $(RUN_BIN) $(MAP_BIN) $(LLVM_PLUGIN)

bench: deps
	@$(MAKE) --no-print-directory bench-deps || echo "bench: no librsvg2-bin: the chart will be SVG only" >&2
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory LTO=1 lto-tools
	@BUILD=$(BUILD) BENCH_LTO_BUILD=$(BUILD)/lto python3 bench/run.py
	@$(MAKE) --no-print-directory bench-peers

# Our bytecode engines against ubpf and llvmbpf on the same bytecode, when
# PEERS names a folder holding their builds (bench/README.md); skipped with a
# message otherwise.
bench-peers: all
	@BUILD=$(BUILD) PEERS=$(PEERS) python3 bench/peers.py

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/bpfaot
	install -m 755 $(RUN_BIN) $(MAP_BIN) $(DESTDIR)$(PREFIX)/bin/
	if [ -x $(CC_BIN) ]; then install -m 755 $(CC_BIN) $(DESTDIR)$(PREFIX)/bin/; fi
	install -m 644 $(RT_LIB) $(LLVM_ENGINE_LIB) $(LLVM_PLUGIN) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/bpfaot/*.h $(DESTDIR)$(PREFIX)/include/bpfaot/
	sed -e 's|@PREFIX@|$(PREFIX)|' libbpfaot.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libbpfaot.pc

include fuzz/fuzz.mk

format:
	clang-format -i $(wildcard runtime/*.[ch] frontend/*.[ch] rewriters/*.[ch] backend/*.[ch] llvm/*.[ch]) \
		tools/*.[ch] include/bpfaot/*.h tests/*.c tests/*.h

clean:
	rm -rf build
