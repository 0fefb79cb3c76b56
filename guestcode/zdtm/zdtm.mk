# mwb's ZDTM-style test programs (CRIU checkpoint/restore tests).
# Included from the top-level Makefile; paths are relative to the repo root.
# Works standalone too: make -f guestcode/zdtm/zdtm.mk zdtm
#
#   build/zdtm/NAME        the test: NAME --pidfile=PATH --outfile=PATH
#   build/zdtm/NAME.desc   what it covers, its flavors, excludes and needs
#
# The flags are fixed (not $(CFLAGS)): an ASan build of mwb must not turn the
# tests into something CRIU has to dump with a sanitizer runtime inside.

CC ?= cc

ZDTM_SRCDIR   := guestcode/zdtm
ZDTM_BUILDDIR := build/zdtm
ZDTM_CFLAGS   := -std=gnu11 -Wall -Wextra -Werror -O2 -g
ZDTM_LDLIBS   := -lpthread -lrt

ZDTM_TESTS := env00 environ00 maps00 maps_file00 file_offset00 unlink_fstat00 \
	pipe00 fifo00 sockets00 cwd00 sigaltstack00 itimer00 pthread00 zombie00 \
	shm00 eventfd00 mem256m
ZDTM_BINS  := $(ZDTM_TESTS:%=$(ZDTM_BUILDDIR)/%)
ZDTM_DESCS := $(ZDTM_TESTS:%=$(ZDTM_BUILDDIR)/%.desc)
ZDTM_LIBOBJ := $(ZDTM_BUILDDIR)/obj/lib/zdtmtst.o

.PHONY: zdtm
zdtm: $(ZDTM_BINS) $(ZDTM_DESCS)

$(ZDTM_BUILDDIR)/obj/%.o: $(ZDTM_SRCDIR)/%.c $(ZDTM_SRCDIR)/lib/zdtmtst.h $(ZDTM_SRCDIR)/zdtm.mk
	@mkdir -p $(@D)
	$(CC) $(ZDTM_CFLAGS) -I$(ZDTM_SRCDIR)/lib -c -o $@ $<

$(ZDTM_BINS): $(ZDTM_BUILDDIR)/%: $(ZDTM_BUILDDIR)/obj/%.o $(ZDTM_LIBOBJ)
	$(CC) $(ZDTM_CFLAGS) -o $@ $^ $(ZDTM_LDLIBS)

$(ZDTM_DESCS): $(ZDTM_BUILDDIR)/%.desc: $(ZDTM_SRCDIR)/%.desc
	@mkdir -p $(@D)
	cp $< $@
