# mwb: the migration workbench. Plain GNU make with pkg-config.
#
#   make            build ./mwb
#   make deps       install what is missing (Debian 12, as root), fast when all is there
#   make run        deps, build, the default scenario: in the workbench on a terminal, batch otherwise
#   make check      deps, build, run every test; ends with "N passed, N failed, N skipped"
#   make asan       the same tests against an ASan+UBSan build (clang)
#   make fuzz       every parser's fuzz target for FUZZ_TIME seconds each (clang, libFuzzer)
#   make bench      bench/precopy.sh, bench/inspect.sh, bench/catalogue.sh, bench/criu.sh, bench/libvirt.sh
#   make deps-qemu-next  Debian 13's QEMU 10.0 in $(QEMU_NEXT_PREFIX), for cross-version runs
#   make deps-criu  a CRIU 4.x that works here (with crit) in $(CRIU_PREFIX) unless the system's does

BUILD    ?= build/default
CFLAGS   ?= -O2 -g
LDFLAGS  ?=
PKGS     := glib-2.0 gio-2.0 gio-unix-2.0 json-glib-1.0 libvirt libvirt-qemu
WARN     := -std=gnu11 -Wall -Wextra -Werror
# Recursive (=): evaluated when a recipe runs, after `make deps` installed pkg-config.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
ENGINE_CFLAGS = $(WARN) $(CFLAGS) -DG_LOG_DOMAIN=\"mwb\" -Iengine $(PKG_CFLAGS)
# The workbench (tui/) adds curses, readline and libunwind; the engine never links them.
TUI_PKGS  := ncursesw readline libunwind-ptrace libunwind-generic
TUI_CFLAGS = $(ENGINE_CFLAGS) -Itui $(shell pkg-config --cflags $(TUI_PKGS))
TUI_LIBS   = $(shell pkg-config --libs $(TUI_PKGS))
DEFAULT_SCENARIO := /x86_64/migration/precopy/unix/plain
FUZZ_TIME ?= 20

include guestcode/guestcode.mk
include guestcode/zdtm/zdtm.mk
include guestcode/nsinit/nsinit.mk

ENGINE_SRC := $(wildcard engine/*.c)
ENGINE_OBJ := $(ENGINE_SRC:%.c=$(BUILD)/%.o) $(BUILD)/engine/guest-blob.o
UNIT_SRC   := $(wildcard engine/tests/test-*.c)
UNIT_BIN   := $(UNIT_SRC:engine/tests/%.c=$(BUILD)/tests/%)
TUI_SRC    := $(filter-out tui/main.c,$(wildcard tui/*.c))
TUI_OBJ    := $(TUI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/tui/default-keys.o
TUI_UNIT_SRC := $(wildcard tui/tests/test-*.c)
TUI_UNIT_BIN := $(TUI_UNIT_SRC:tui/tests/%.c=$(BUILD)/tests/%)
FUZZ_SRC   := $(wildcard engine/fuzz/fuzz-*.c) $(wildcard tui/tests/fuzz-*.c)

.PHONY: deps-criu deps-qemu-next all deps run check check-layering unit asan fuzz bench clean
.DEFAULT_GOAL := all

all: mwb zdtm build/zdtm/nsinit

mwb: $(BUILD)/mwb
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/libengine.a: $(ENGINE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/engine/%.o: engine/%.c engine/*.h guestcode/a-b.h guestcode/lvguest.h
	@mkdir -p $(@D)
	$(CC) $(ENGINE_CFLAGS) -c -o $@ $<

$(BUILD)/engine/guest-blob.o: engine/guest-blob.S $(GUEST_IMAGES)
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<

$(BUILD)/tui/%.o: tui/%.c tui/*.h tui/actions.def engine/*.h
	@mkdir -p $(@D)
	$(CC) $(TUI_CFLAGS) -c -o $@ $<

$(BUILD)/tui/default-keys.o: tui/default-keys.S keymaps/default.keys
	@mkdir -p $(@D)
	$(CC) -c -o $@ $<

$(BUILD)/libtui.a: $(TUI_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/mwb: $(BUILD)/tui/main.o $(BUILD)/libtui.a $(BUILD)/libengine.a
	$(CC) $(CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(TUI_LIBS) $(PKG_LIBS)

# Unit tests link the engine with GLib alone: a curses symbol there fails the link.
$(BUILD)/tests/%: engine/tests/%.c $(BUILD)/libengine.a
	@mkdir -p $(@D)
	$(CC) $(ENGINE_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libengine.a $(PKG_LIBS)

# The workbench's own unit tests link the TUI library too.
$(BUILD)/tests/%: tui/tests/%.c $(BUILD)/libtui.a $(BUILD)/libengine.a
	@mkdir -p $(@D)
	$(CC) $(TUI_CFLAGS) $(LDFLAGS) -rdynamic -o $@ $< $(BUILD)/libtui.a $(BUILD)/libengine.a $(TUI_LIBS) $(PKG_LIBS) -lpthread

unit: $(UNIT_BIN) $(TUI_UNIT_BIN)

# The engine never sees curses or readline.
check-layering:
	@if grep -rnE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|readline/|term\.h)' engine; then \
		echo "check-layering: engine/ must not include curses or readline" >&2; exit 1; fi
	@echo "check-layering: engine/ includes neither curses nor readline"

# ---- set-up ----

DEB_PKGS := build-essential pkg-config binutils libglib2.0-dev libjson-glib-dev \
	libncurses-dev libreadline-dev libunwind-dev \
	qemu-system-x86 qemu-utils clang libclang-rt-14-dev procps python3 gdb bsdutils \
	tmux valgrind mandoc gnutls-bin patchelf python3-protobuf iproute2 iptables strace util-linux \
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-dev qemu-system-data tini
CRIU_PREFIX ?= /opt/mwb/criu
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

deps:
	@missing=; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null | grep -qx installed || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "make deps: everything is installed"; exit 0; fi; \
	echo "make deps: installing$$missing"; \
	$(SUDO) apt-get update -q && \
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing
	@CRIU_PREFIX=$(CRIU_PREFIX) scripts/deps-criu.sh

# A second, newer QEMU in a private prefix (its own libc): see scripts/README.md.
QEMU_NEXT_PREFIX ?= /opt/mwb/qemu-next
deps-qemu-next:
	@QEMU_NEXT_PREFIX=$(QEMU_NEXT_PREFIX) scripts/deps-qemu-next.sh

# A CRIU that passes `criu check` here, with crit: the system's, or Debian 13's
# in a private prefix (scripts/README.md). `make deps` does this too.
deps-criu:
	@CRIU_PREFIX=$(CRIU_PREFIX) scripts/deps-criu.sh

# On a terminal the workbench, paused before step 1; otherwise a batch run.
run: deps
	@$(MAKE) --no-print-directory all
	@if [ -t 0 ] && [ -t 1 ]; then \
		echo "./mwb run --tui -p $(DEFAULT_SCENARIO)"; ./mwb run --tui -p $(DEFAULT_SCENARIO); \
	else \
		echo "./mwb run -p $(DEFAULT_SCENARIO)"; ./mwb run -p $(DEFAULT_SCENARIO); \
	fi

check: deps deps-qemu-next
	@$(MAKE) --no-print-directory all unit check-layering
	@MWB=$(CURDIR)/mwb UNIT_DIR=$(CURDIR)/$(BUILD)/tests tests/run.sh

ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

asan: deps deps-qemu-next
	@$(MAKE) --no-print-directory BUILD=build/asan CC=clang CFLAGS="$(ASAN_FLAGS)" \
		build/asan/mwb unit check-layering
	@MWB=$(CURDIR)/build/asan/mwb UNIT_DIR=$(CURDIR)/build/asan/tests \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh

# Each parser's fuzz target links the parser alone: bytes in, records out, no I/O.
FUZZ_BIN := $(patsubst tui/tests/%.c,build/fuzz/%,$(FUZZ_SRC:engine/fuzz/%.c=build/fuzz/%))
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_DEPS_fuzz-qmp-frame := engine/qmp-frame.c
FUZZ_DEPS_fuzz-memcheck := engine/memcheck.c
FUZZ_DEPS_fuzz-scenario := engine/scenario.c engine/mwb-error.c engine/run-config.c engine/libvirt-hosts-spec.c
FUZZ_DEPS_fuzz-hexfmt := engine/hexfmt.c
FUZZ_DEPS_fuzz-stream := engine/stream.c engine/stream-print.c engine/push.c
FUZZ_DEPS_fuzz-criu-image := engine/criu-image.c engine/criu-image-print.c engine/push.c
FUZZ_DEPS_fuzz-criu-log := engine/criu-log.c
FUZZ_DEPS_fuzz-criu-desc := engine/criu-desc.c engine/mwb-error.c
FUZZ_DEPS_fuzz-replay := $(filter-out engine/replay-backend.c,$(wildcard engine/replay*.c)) engine/criu-log.c \
	engine/scenario.c engine/mwb-error.c engine/run-config.c engine/libvirt-hosts-spec.c engine/journal.c engine/sink.c
FUZZ_DEPS_fuzz-report := engine/report.c engine/report-json.c engine/report-tap.c engine/report-junit.c \
	engine/report-html.c engine/report-compare.c engine/known-broken.c engine/mwb-error.c engine/sink.c
FUZZ_DEPS_fuzz-keymap := tui/keymap.c tui/actions.c tui/default-keys.S
FUZZ_DEPS_fuzz-logbook := tui/logbook.c tui/progress.c

.SECONDEXPANSION:
build/fuzz/%: engine/fuzz/%.c $$(FUZZ_DEPS_$$*) engine/*.h
	@mkdir -p $(@D)
	clang $(WARN) $(FUZZ_FLAGS) -Iengine $(PKG_CFLAGS) -o $@ $< $(FUZZ_DEPS_$*) $(PKG_LIBS)

build/fuzz/%: tui/tests/%.c $$(FUZZ_DEPS_$$*) tui/*.h
	@mkdir -p $(@D)
	clang $(WARN) $(FUZZ_FLAGS) -Iengine -Itui $(PKG_CFLAGS) $(shell pkg-config --cflags ncursesw) -o $@ $< \
		$(FUZZ_DEPS_$*) $(PKG_LIBS) $(shell pkg-config --libs ncursesw)

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@set -e; for f in $(FUZZ_BIN); do \
		mkdir -p build/fuzz/corpus-$$(basename $$f); \
		echo "fuzz: $$f for $(FUZZ_TIME) s"; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 build/fuzz/corpus-$$(basename $$f) 2>&1 | \
			grep -E 'stat::number_of_executed_units|ERROR|SUMMARY|Done' ; \
	done

bench: all
	bench/precopy.sh
	bench/inspect.sh
	bench/catalogue.sh
	bench/criu.sh
	bench/libvirt.sh

clean:
	rm -rf build mwb
