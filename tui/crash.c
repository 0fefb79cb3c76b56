#define _GNU_SOURCE
#include "crash.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

/* The local-only flavour of libunwind (libunwind.so, the _UL symbols). */
#define UNW_LOCAL_ONLY
#include <libunwind.h>

#define MAX_FRAMES 64
#define ALT_STACK_SIZE (256 * 1024)

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };

/* What was there before: ASan's handlers, or SIG_DFL. */
static struct sigaction previous[G_N_ELEMENTS (fatal_signals)];
static gboolean installed;
static void (*restore_fn) (void);
static char crash_dir[PATH_MAX];
static char crash_file[PATH_MAX + 32];
/* The thread writing the report, 0 before any crash. */
static pid_t crashing_tid;

/* Everything below until mwb_crash_install runs in the signal handler: no
 * malloc, no stdio, no locks of ours. Text is put together in a Line. */
typedef struct {
	char buf[PATH_MAX + 64];
	size_t len;
} Line;

static void
line_add (Line *l, const char *s)
{
	while (*s && l->len < sizeof l->buf - 1)
		l->buf[l->len++] = *s++;
}

static void
line_dec (Line *l, unsigned long v)
{
	char digits[24];
	int n = 0;

	do
		digits[n++] = (char) ('0' + v % 10);
	while ((v /= 10));
	while (n && l->len < sizeof l->buf - 1)
		l->buf[l->len++] = digits[--n];
}

static void
line_hex (Line *l, unsigned long v, int width)
{
	char digits[16];
	int n = 0;

	do
		digits[n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4));
	while (n < width && n < (int) sizeof digits)
		digits[n++] = '0';
	line_add (l, "0x");
	while (n && l->len < sizeof l->buf - 1)
		l->buf[l->len++] = digits[--n];
}

/* NUL-terminated, for open(2). */
static const char *
line_str (Line *l)
{
	l->buf[l->len] = '\0';
	return l->buf;
}

static void
write_all (int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write (fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/* Writes the line and a newline to both fds (-1: none) and empties it. */
static void
line_emit (Line *l, int fd1, int fd2)
{
	l->buf[l->len++] = '\n';
	if (fd1 >= 0)
		write_all (fd1, l->buf, l->len);
	if (fd2 >= 0)
		write_all (fd2, l->buf, l->len);
	l->len = 0;
}

static const char *
signal_name (int sig)
{
	switch (sig) {
	case SIGSEGV: return "SIGSEGV";
	case SIGBUS: return "SIGBUS";
	case SIGILL: return "SIGILL";
	case SIGFPE: return "SIGFPE";
	case SIGABRT: return "SIGABRT";
	default: return "?";
	}
}

static gboolean
is_fault (int sig, const siginfo_t *info)
{
	/* si_code > 0: sent by the kernel for an instruction, not by kill() or
	 * raise() (abort() raises SIGABRT). */
	return info && info->si_code > 0 && sig != SIGABRT;
}

/* See the same function in backtrace.c. */
static gboolean
name_is_this_function (unw_cursor_t *cursor, unw_word_t ip, unw_word_t off)
{
	unw_proc_info_t pi;

	if (unw_get_proc_info (cursor, &pi) < 0 || !pi.start_ip)
		return TRUE;
	return ip - off >= pi.start_ip;
}

/* How many frames lie above the one the signal interrupted: this handler's
 * own and the signal trampoline. libunwind 1.6 calls the interrupted frame
 * the signal frame (it reached it through the trampoline's signal context),
 * not the trampoline. 0 when there is none in sight: all frames are shown. */
static int
frames_before_fault (unw_context_t *context)
{
	unw_cursor_t cursor;

	if (unw_init_local (&cursor, context) < 0)
		return 0;
	for (int i = 0; i < 16; i++) {
		if (unw_is_signal_frame (&cursor) > 0)
			return i;
		if (unw_step (&cursor) <= 0)
			break;
	}
	return 0;
}

static void
write_backtrace (int fd1, int fd2)
{
	unw_context_t context;
	unw_cursor_t cursor;
	Line l = { .len = 0 };
	int skip, n = 0;

	if (unw_getcontext (&context) < 0 || unw_init_local (&cursor, &context) < 0) {
		line_add (&l, "(no backtrace: libunwind cannot start)");
		line_emit (&l, fd1, fd2);
		return;
	}
	skip = frames_before_fault (&context);
	for (int i = 0; i < skip; i++)
		if (unw_step (&cursor) <= 0)
			return;
	do {
		unw_word_t ip = 0, off = 0;
		char name[256] = "";
		int r;

		if (unw_get_reg (&cursor, UNW_REG_IP, &ip) < 0 || (n > 0 && ip == 0))
			break;
		r = unw_get_proc_name (&cursor, name, sizeof name, &off);
		if ((r < 0 && r != -UNW_ENOMEM) || !name_is_this_function (&cursor, ip, off))
			name[0] = '\0';
		name[sizeof name - 1] = '\0';
		line_add (&l, "#");
		line_dec (&l, n);
		line_add (&l, n < 10 ? "  " : " ");
		line_hex (&l, ip, 16);
		line_add (&l, " in ");
		if (name[0]) {
			line_add (&l, name);
			line_add (&l, "+");
			line_hex (&l, off, 1);
		} else {
			line_add (&l, "??");
		}
		line_emit (&l, fd1, fd2);
	} while (++n < MAX_FRAMES && unw_step (&cursor) > 0);
}

static void
copy_maps (int fd)
{
	char buf[4096];
	int in = open ("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (in < 0)
		return;
	while ((n = read (in, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			write_all (fd, buf, n);
	close (in);
}

/* Puts back what handled the fatal signals before, all of them: once one
 * report is out, an abort() from ASan's report, say, must not start
 * another. Then lets what handled sig before have it. */
static void
pass_on (int sig, const siginfo_t *info)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct sigaction *old = &dfl;
	gboolean old_handles;
	sigset_t set;

	for (guint i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
		if (sigaction (fatal_signals[i], &previous[i], NULL) == 0 && fatal_signals[i] == sig)
			old = &previous[i];
	old_handles = (old->sa_flags & SA_SIGINFO) ? old->sa_sigaction != NULL
		: old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN;
	/* Returning makes the instruction fault again, and the handler from
	 * before (ASan's) gets the real siginfo, with the fault address. */
	if (old_handles && is_fault (sig, info))
		return;
	/* Under SIG_DFL: dies here, in the handler, so a core dump shows it. */
	sigemptyset (&set);
	sigaddset (&set, sig);
	raise (sig);
	sigprocmask (SIG_UNBLOCK, &set, NULL);
	/* Still alive: the old handler returned, or ignored it. */
	sigaction (sig, &dfl, NULL);
	raise (sig);
}

static void
crash_handler (int sig, siginfo_t *info, void *ucontext)
{
	Line l = { .len = 0 };
	int fd = -1, open_errno = 0;
	pid_t self = gettid (), first = 0;

	(void) ucontext;
	if (!__atomic_compare_exchange_n (&crashing_tid, &first, self, FALSE, __ATOMIC_SEQ_CST,
					  __ATOMIC_SEQ_CST)) {
		/* This handler crashed (an abort() in restore_terminal, say):
		 * what was written is all there will be. */
		if (first == self) {
			pass_on (sig, info);
			return;
		}
		/* Another thread crashed first and is writing the report: it
		 * will end the process. */
		for (;;)
			pause ();
	}
	if (restore_fn)
		restore_fn ();
	if (crash_dir[0]) {
		line_add (&l, crash_dir);
		line_add (&l, "/crash-");
		line_dec (&l, (unsigned long) getpid ());
		line_add (&l, ".txt");
		fd = open (line_str (&l), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
		open_errno = errno;
		l.len = 0;
	}
	line_add (&l, "mwb: fatal signal ");
	line_dec (&l, (unsigned long) sig);
	line_add (&l, " (");
	line_add (&l, signal_name (sig));
	line_add (&l, ")");
	if (is_fault (sig, info)) {
		line_add (&l, " at address ");
		line_hex (&l, (unsigned long) info->si_addr, 1);
	} else if (info && (info->si_code == SI_USER || info->si_code == SI_TKILL
			    || info->si_code == SI_QUEUE) && info->si_pid != getpid ()) {
		line_add (&l, " sent by pid ");
		line_dec (&l, (unsigned long) info->si_pid);
	}
	line_emit (&l, STDERR_FILENO, fd);
	write_backtrace (STDERR_FILENO, fd);

	if (crash_dir[0]) {
		line_add (&l, fd >= 0 ? "mwb: crash report written to " : "mwb: could not write ");
		line_add (&l, crash_dir);
		line_add (&l, "/crash-");
		line_dec (&l, (unsigned long) getpid ());
		line_add (&l, ".txt");
		if (fd < 0) {
			line_add (&l, " (errno ");
			line_dec (&l, (unsigned long) open_errno);
			line_add (&l, ")");
		}
	}
	if (fd >= 0) {
		/* The program is a PIE and libraries move: the map turns the
		 * addresses above into file offsets for addr2line. */
		write_all (fd, "\nMemory map:\n", 13);
		copy_maps (fd);
		close (fd);
	}
	if (l.len)
		line_emit (&l, STDERR_FILENO, -1);
	pass_on (sig, info);
}

/* One per thread that installs: two threads on one alternate stack would
 * write over each other. */
static void
set_up_alt_stack (void)
{
	long page = sysconf (_SC_PAGESIZE);
	stack_t ss = { 0 };
	char *p;

	if (sigaltstack (NULL, &ss) == 0 && !(ss.ss_flags & SS_DISABLE) && ss.ss_size >= ALT_STACK_SIZE)
		return;
	p = mmap (NULL, ALT_STACK_SIZE + page, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return;
	/* A guard page below: a handler that runs out of stack faults rather
	 * than write over whatever is mapped there. */
	mprotect (p, page, PROT_NONE);
	ss.ss_sp = p + page;
	ss.ss_size = ALT_STACK_SIZE;
	ss.ss_flags = 0;
	if (sigaltstack (&ss, NULL) < 0)
		munmap (p, ALT_STACK_SIZE + page);
}

/* libunwind sets itself up on first use, and may allocate then: better
 * now than in the handler. */
static void
warm_up_libunwind (void)
{
	unw_context_t context;
	unw_cursor_t cursor;
	unw_word_t off;
	char name[64];

	if (unw_getcontext (&context) == 0 && unw_init_local (&cursor, &context) == 0) {
		unw_get_proc_name (&cursor, name, sizeof name, &off);
		unw_step (&cursor);
	}
}

void
mwb_crash_install (void (*restore_terminal) (void), const char *dir)
{
	struct sigaction sa = { 0 };

	restore_fn = restore_terminal;
	crash_dir[0] = '\0';
	if (dir && *dir) {
		/* Absolute: the program may chdir before it crashes. */
		g_autofree char *abs = g_canonicalize_filename (dir, NULL);

		if (strlen (abs) < sizeof crash_dir && g_mkdir_with_parents (abs, 0700) == 0)
			g_strlcpy (crash_dir, abs, sizeof crash_dir);
	}
	set_up_alt_stack ();
	warm_up_libunwind ();

	sa.sa_sigaction = crash_handler;
	/* SA_RESETHAND: a crash inside the handler kills at once. The fatal
	 * signals are blocked in it, so a second one cannot nest either. */
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
	sigemptyset (&sa.sa_mask);
	for (guint i = 0; i < G_N_ELEMENTS (fatal_signals); i++)
		sigaddset (&sa.sa_mask, fatal_signals[i]);
	for (guint i = 0; i < G_N_ELEMENTS (fatal_signals); i++) {
		struct sigaction old;

		/* Installed twice: what came before is still the first one's. */
		if (sigaction (fatal_signals[i], &sa, &old) == 0 && !installed)
			previous[i] = old;
	}
	installed = TRUE;
}

const char *
mwb_crash_file (void)
{
	if (!crash_dir[0])
		return NULL;
	g_snprintf (crash_file, sizeof crash_file, "%s/crash-%d.txt", crash_dir, (int) getpid ());
	return crash_file;
}
