# vfnode - the one build. GNU make, pkg-config, no autotools.
#
#   make              release build of every program into build/bin/
#   make test         install missing Debian packages, build with ASan+UBSan,
#                     run every unit test and replay the fuzz corpora
#   make check-faults the fault tests (tests/test_faults_*, test_hostile) in
#                     their long form under ASan, one table (docs/FAULTS.md)
#   make demo         install, build, run the demo (tools/demo.sh)
#   make bench        benchmarks against their ceilings (tools/bench/)
#   make fuzz         libFuzzer targets (clang) into build/fuzz/
#   make fuzz-long    run each fuzz target for FUZZ_SECONDS (default 60)
#   make format / format-check
#   make install PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= release
FUZZ_SECONDS ?= 60

PKGS := libczmq libzmq lmdb libsodium msgpack jansson
TEST_PKGS := cmocka

ifeq ($(BUILD),release)
  OUT := build
  OPT := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
else ifeq ($(BUILD),asan)
  OUT := build/asan
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
else ifeq ($(BUILD),fuzz)
  OUT := build/fuzz
  CC  := clang
  OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
         -fno-sanitize-recover=all -DVF_FUZZING
  LDSAN := -fsanitize=fuzzer,address,undefined
else
  $(error BUILD must be release, asan or fuzz)
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
        -Wmissing-prototypes -Wpointer-arith -Wvla -Wundef -Wwrite-strings \
        -Wimplicit-fallthrough -Wno-unused-parameter
INCS := -Icommon -Icrypto -Iprotocol -Istore -Inode
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  ?=
CFLAGS  += -std=gnu11 -D_GNU_SOURCE $(OPT) $(WARN) $(INCS) $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(LDSAN)
LDLIBS  += $(PKG_LIBS) -lpthread

LIB_SRC   := $(wildcard common/*.c crypto/*.c protocol/*.c store/*.c node/*.c)
LIB_SRC   := $(filter-out node/vfnode.c,$(LIB_SRC))
VFCTL_SRC := $(wildcard tools/vfctl/*.c)
BENCH_SRC := $(wildcard tools/bench/*.c)
TEST_SRC  := $(wildcard tests/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))

obj = $(patsubst %.c,$(OUT)/obj/%.o,$(1))
LIB_OBJ   := $(call obj,$(LIB_SRC))
LIB_A     := $(OUT)/libvf.a
VFCTL     := $(OUT)/bin/vfctl
VFBENCH   := $(OUT)/bin/vfbench
VFNODE    := $(OUT)/bin/vfnode
PROGRAMS  := $(VFCTL) $(VFNODE)
TESTS     := $(patsubst tests/%.c,$(OUT)/tests/%,$(TEST_SRC))
REPLAYS   := $(patsubst %,$(OUT)/tests/replay_%,$(FUZZ_NAMES))
FUZZERS   := $(patsubst %,$(OUT)/fuzz_%,$(FUZZ_NAMES))

.PHONY: bench all deps test check check-faults demo fuzz fuzz-build fuzz-long format format-check \
        install uninstall clean need-pkgs tests-build
.DEFAULT_GOAL := all
.SECONDARY:

all: need-pkgs $(PROGRAMS)

need-pkgs:
	@pkg-config --exists $(PKGS) || { \
	  echo "vfnode: missing build libraries; run 'make deps' (as root) or tools/install-deps.sh" >&2; \
	  exit 1; }

deps:
	@tools/install-deps.sh

# The README's test command: install what is missing, then build and run
# everything under AddressSanitizer + UndefinedBehaviorSanitizer.
test: deps
	@$(MAKE) --no-print-directory BUILD=asan check

check: need-pkgs tests-build
	@tests/run-tests.sh $(OUT)/tests

tests-build: $(TESTS) $(REPLAYS) $(PROGRAMS)

# The fault tests in their long form (VF_FAULTS_LONG=1), one after the
# other, and one table of what each tried and lost (docs/FAULTS.md).
check-faults: deps
	@$(MAKE) --no-print-directory BUILD=asan tests-build
	@tools/check-faults.sh build/asan/tests

# Benchmarks: optimised build, each figure next to its ceiling (no asserts);
# figures 4, 5 and 7 run real vfnode processes, so those are built too.
bench: deps
	@$(MAKE) --no-print-directory BUILD=release build/bin/vfbench build/bin/vfnode build/bin/vfctl
	@build/bin/vfbench $(BENCH_ARGS)

demo: deps
	@$(MAKE) --no-print-directory BUILD=release all
	@tools/demo.sh build/bin

fuzz: deps
	@$(MAKE) --no-print-directory BUILD=fuzz fuzz-build

fuzz-build: $(FUZZERS)

fuzz-long: fuzz
	@for t in $(FUZZ_NAMES); do \
	  mkdir -p build/fuzz/new/$$t; \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    build/fuzz/new/$$t tests/fuzz/corpus/$$t 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY'; \
	done

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c $< -o $@

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

$(VFCTL): $(call obj,$(VFCTL_SRC)) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(VFNODE): $(call obj,node/vfnode.c) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(VFBENCH): $(call obj,$(BENCH_SRC)) $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/tests/test_%: $(OUT)/obj/tests/test_%.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs $(TEST_PKGS))

$(OUT)/tests/replay_%: $(OUT)/obj/tests/fuzz/fuzz_%.o $(OUT)/obj/tests/fuzz/replay.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(OUT)/fuzz_%: $(OUT)/obj/tests/fuzz/fuzz_%.o $(LIB_A)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

FORMAT_SRC = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
format:
	clang-format -i --style=file $(FORMAT_SRC)
format-check:
	@bad=$$(for f in $(FORMAT_SRC); do \
	    clang-format --dry-run --Werror --style=file "$$f" >/dev/null 2>&1 || echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "format-check: not clang-formatted (run make format):"; \
	    echo "$$bad" | sed 's/^/  /'; exit 1; fi; echo "format-check: clean"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' tools/vfnode.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/vfnode.service
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/systemd/system/vfnode.service

uninstall:
	rm -f $(patsubst %,$(DESTDIR)$(PREFIX)/bin/%,$(notdir $(PROGRAMS)))
	rm -f $(DESTDIR)$(PREFIX)/lib/systemd/system/vfnode.service

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
