# SPDX-License-Identifier: Apache-2.0
#
# beamprobe - plain GNU make.
#
#   make            build build/beamprobe (installs missing build packages)
#   make test       unit tests (plain and ASan+UBSan), fuzz corpora, integration tests
#   make demo       start the bundled Lasso demo target and show beamprobe on it
#   make unit       unit tests only        make asan   unit tests under sanitizers
#   make fuzz       run every fuzz target for a bounded time (clang libFuzzer)
#   make bench      benchmarks (bench/)    make clean
#
# libei (erl_interface, Debian erlang-dev), ncurses and jansson are linked
# statically, so build/beamprobe needs no Erlang installation (and none of
# those libraries) on the host it runs on.

CC      ?= gcc
BUILD   := build
OBJDIR  := $(BUILD)/obj
GENDIR  := $(BUILD)/gen

ERL_ROOT := $(shell erl -noshell -eval 'io:put_chars(code:root_dir()), halt().' 2>/dev/null)
EI_DIR   := $(or $(shell erl -noshell -eval 'io:put_chars(code:lib_dir(erl_interface)), halt().' 2>/dev/null),$(lastword $(sort $(wildcard /usr/lib/erlang/lib/erl_interface-*))))
EI_INC   := $(EI_DIR)/include
EI_LIB   := $(EI_DIR)/lib/libei.a

NCURSES_A := $(firstword $(wildcard /usr/lib/$(shell $(CC) -dumpmachine)/libncursesw.a /usr/lib/libncursesw.a))
TINFO_A   := $(firstword $(wildcard /usr/lib/$(shell $(CC) -dumpmachine)/libtinfo.a /usr/lib/libtinfo.a))
JANSSON_A := $(firstword $(wildcard /usr/lib/$(shell $(CC) -dumpmachine)/libjansson.a /usr/lib/libjansson.a))

WARN     := -Wall -Wextra -Werror -pedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -D_REENTRANT -Isrc -I$(GENDIR) -isystem $(EI_INC)
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN)
LDLIBS   := $(EI_LIB) $(NCURSES_A) $(TINFO_A) $(JANSSON_A) -lpthread -lm

SRC      := $(sort $(shell find src -name '*.c'))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
REMOTE   := $(sort $(wildcard src/remote/*.erl))
GEN_C    := $(GENDIR)/remote_exprs.c
GEN_H    := $(GENDIR)/remote_exprs.h

OBJ      := $(patsubst src/%.c,$(OBJDIR)/%.o,$(SRC)) $(OBJDIR)/gen/remote_exprs.o
LIB_OBJ  := $(patsubst src/%.c,$(OBJDIR)/%.o,$(LIB_SRC)) $(OBJDIR)/gen/remote_exprs.o

UNIT_SRC := $(sort $(wildcard tests/unit/*.c)) tests/lib/unit_main.c

.PHONY: all deps drivers test unit asan integration fuzz fuzz-corpus-build bench demo demo-target clean check-style

all: deps $(BUILD)/beamprobe

deps:
	@scripts/deps.sh build

V ?= 0
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/beamprobe: $(OBJ)
	@echo "  LINK $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

$(OBJDIR)/gen/remote_exprs.o: $(GEN_C) $(GEN_H)
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Objects depend on the generated header only through -MMD dependencies.
$(OBJDIR)/%.o: src/%.c | $(GEN_H)
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(GEN_C) $(GEN_H) &: tools/gen_remote.escript $(REMOTE)
	@mkdir -p $(GENDIR)
	@echo "  GEN  $(GEN_C)"
	$(Q)escript tools/gen_remote.escript $(GEN_C) $(GEN_H) $(REMOTE)

-include $(OBJ:.o=.d)

# ---------------------------------------------------------------- tests

$(BUILD)/unit: $(LIB_OBJ) $(UNIT_SRC)
	@echo "  LINK $@"
	$(Q)$(CC) $(CPPFLAGS) -Itests/lib $(CFLAGS) -o $@ $(UNIT_SRC) $(LIB_OBJ) $(LDLIBS)

# The same unit tests, every source rebuilt with ASan + UBSan.
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
$(BUILD)/unit-asan: $(LIB_SRC) $(GEN_C) $(UNIT_SRC) $(shell find src tests/lib -name '*.h')
	@echo "  CC   $@ (ASan+UBSan)"
	$(Q)$(CC) $(CPPFLAGS) -Itests/lib -std=c11 $(WARN) $(SAN_FLAGS) -o $@ $(LIB_SRC) $(GEN_C) $(UNIT_SRC) $(LDLIBS)

# The whole program under ASan + UBSan, for the fault-injection tests.
$(BUILD)/beamprobe-asan: $(SRC) $(GEN_C) $(shell find src -name '*.h')
	@echo "  CC   $@ (ASan+UBSan)"
	$(Q)$(CC) $(CPPFLAGS) -std=c11 $(WARN) $(SAN_FLAGS) -o $@ $(SRC) $(GEN_C) $(LDLIBS)

# Small programs the integration tests drive (tests/drivers/).
DRIVERS := $(patsubst tests/drivers/%.c,$(BUILD)/drivers/%,$(sort $(wildcard tests/drivers/*.c)))
drivers: $(DRIVERS)
$(BUILD)/drivers/%: tests/drivers/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  CC   $@"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

unit: deps $(BUILD)/unit
	$(BUILD)/unit

asan: deps $(BUILD)/unit-asan
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(BUILD)/unit-asan

test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all demo-target $(BUILD)/unit $(BUILD)/unit-asan $(BUILD)/beamprobe-asan drivers fuzz-corpus-build
	@BUILD=$(BUILD) tests/run.sh

integration: all
	@BUILD=$(BUILD) tests/run.sh --integration-only

# ---------------------------------------------------------------- fuzzing

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/replay_%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 60

# Corpus replay binaries: each fuzz target linked with a main() that feeds
# it every file of its corpus, under ASan + UBSan (run by make test).
fuzz-corpus-build: $(FUZZ_REPLAY)

$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB_SRC) $(GEN_C)
	@mkdir -p $(dir $@)
	@echo "  CC   $@ (ASan+UBSan)"
	$(Q)$(CC) $(CPPFLAGS) -std=c11 $(WARN) $(SAN_FLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB_SRC) $(GEN_C) $(LDLIBS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_SRC) $(GEN_C)
	@mkdir -p $(dir $@)
	@echo "  CLANG $@ (libFuzzer)"
	$(Q)clang $(CPPFLAGS) -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) $(GEN_C) $(LDLIBS)

fuzz: deps $(FUZZ_BIN)
	@scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# ---------------------------------------------------------------- demo target

# The bundled Lasso demo target (plain Erlang, see demo/lasso_target/).
DEMO_SRC  := $(sort $(wildcard demo/lasso_target/src/*.erl))
DEMO_EBIN := $(BUILD)/lasso_target/ebin

demo-target: $(DEMO_EBIN)/lasso_target.app

$(DEMO_EBIN)/lasso_target.app: $(DEMO_SRC) demo/lasso_target/src/lasso_target.app.src
	@mkdir -p $(DEMO_EBIN)
	erlc -Werror -o $(DEMO_EBIN) $(DEMO_SRC)
	cp demo/lasso_target/src/lasso_target.app.src $@

# ---------------------------------------------------------------- demo, bench

demo:
	@scripts/deps.sh demo
	@$(MAKE) --no-print-directory all demo-target
	@demo/run-demo.sh

bench: all
	@bench/run.sh

check-style:
	@scripts/check-style.sh

clean:
	rm -rf $(BUILD)
