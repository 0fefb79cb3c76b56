# nsinit: the init of zdtm's ns and uns flavors (guestcode/nsinit/nsinit.c).
# Static: it re-executes itself from inside the test's root, where no
# libraries are. Included from the top-level Makefile.

build/zdtm/nsinit: guestcode/nsinit/nsinit.c guestcode/nsinit/nsinit.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -static -o $@ $<
