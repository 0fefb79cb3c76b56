/* qemu.probe: asks the host whether it can do what the rest of the scenario
 * needs, and makes the scenario a SKIP with the probe's own answer when it
 * cannot (migration-test's kvm_dirty_ring_supported() and ufd_version_check(),
 * as visible steps). */
#include "qemu-backend.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <linux/userfaultfd.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static gboolean
uses_tcg (const MwbRunConfig *cfg)
{
	return cfg->accel && g_str_equal (cfg->accel, "tcg");
}

/* KVM_CHECK_EXTENSION(KVM_CAP_DIRTY_LOG_RING): the ring's largest size, or 0. */
static gboolean
probe_dirty_ring (const MwbRunConfig *cfg, char **answer)
{
	int fd, r;

	if (uses_tcg (cfg)) {
		*answer = g_strdup ("--accel tcg: the dirty ring is a KVM feature");
		return FALSE;
	}
	fd = open ("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		*answer = g_strdup_printf ("/dev/kvm: %s", g_strerror (errno));
		return FALSE;
	}
	r = ioctl (fd, KVM_CHECK_EXTENSION, KVM_CAP_DIRTY_LOG_RING);
	close (fd);
	if (r <= 0) {
		*answer = g_strdup ("KVM_CHECK_EXTENSION(KVM_CAP_DIRTY_LOG_RING) says this KVM has no dirty ring");
		return FALSE;
	}
	*answer = g_strdup_printf ("KVM_CAP_DIRTY_LOG_RING: rings of up to %d bytes", r);
	return TRUE;
}

/* The dirty ring as a migration's dirty tracking: the capability, and a
 * KVM that keeps what it tracks. On kvm_pvm (nested, software-assisted)
 * the source's ring loses dirty pages: about one migration in three ended
 * with a memory inconsistency here, with QEMU 7.2 and 10.0 alike, while the
 * dirty bitmap never did. A SKIP that says so beats a FAIL that blames
 * QEMU; MWB_TRUST_DIRTY_RING=1 runs it anyway. */
static gboolean
probe_dirty_ring_migration (const MwbRunConfig *cfg, char **answer)
{
	if (!probe_dirty_ring (cfg, answer))
		return FALSE;
	if (g_file_test ("/sys/module/kvm_pvm", G_FILE_TEST_EXISTS) && !g_getenv ("MWB_TRUST_DIRTY_RING")) {
		g_free (*answer);
		*answer = g_strdup ("KVM here is kvm_pvm (nested, software-assisted), whose dirty ring loses dirty pages: "
				    "about one migration in three ends with a memory inconsistency (QEMU 7.2 and 10.0 "
				    "alike); MWB_TRUST_DIRTY_RING=1 runs it anyway");
		return FALSE;
	}
	return TRUE;
}

/* What postcopy needs on the destination: a userfaultfd with the API QEMU asks for. */
static gboolean
probe_userfaultfd (char **answer)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = (int) syscall (__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	const char *how = "userfaultfd(2)";

	if (fd < 0) {
		int e = errno;

		int dev = open ("/dev/userfaultfd", O_RDWR | O_CLOEXEC);

		if (dev >= 0) {
			fd = ioctl (dev, USERFAULTFD_IOC_NEW, O_CLOEXEC | O_NONBLOCK);
			close (dev);
		}
		if (fd < 0) {
			*answer = g_strdup_printf ("userfaultfd(2): %s; /dev/userfaultfd: %s (see sysctl "
						   "vm.unprivileged_userfaultfd)", g_strerror (e), g_strerror (errno));
			return FALSE;
		}
		how = "/dev/userfaultfd";
	}
	if (ioctl (fd, UFFDIO_API, &api) < 0) {
		*answer = g_strdup_printf ("%s: UFFDIO_API: %s", how, g_strerror (errno));
		close (fd);
		return FALSE;
	}
	close (fd);
	*answer = g_strdup_printf ("%s works (API %llu)", how, (unsigned long long) api.api);
	return TRUE;
}

static gboolean
probe_live (const MwbRunConfig *cfg, char **answer)
{
	if (cfg->stop_and_copy) {
		*answer = g_strdup ("this scenario needs the guest running while it migrates, and --live off was given");
		return FALSE;
	}
	*answer = g_strdup ("live migration (the default)");
	return TRUE;
}

void
qemu_action_probe (MwbBackend *mb, MwbStepRun *sr)
{
	QemuBackend *be = (QemuBackend *) mb;
	const char *what = mwb_step_run_arg (sr, "what");
	g_autofree char *answer = NULL;
	gboolean ok;

	be->sr = sr;
	if (g_str_equal (what, "kvm-dirty-ring"))
		ok = probe_dirty_ring (be->cfg, &answer);
	else if (g_str_equal (what, "kvm-dirty-ring-migration"))
		ok = probe_dirty_ring_migration (be->cfg, &answer);
	else if (g_str_equal (what, "userfaultfd"))
		ok = probe_userfaultfd (&answer);
	else if (g_str_equal (what, "live"))
		ok = probe_live (be->cfg, &answer);
	else {
		qemu_finish_error (be, "what= is kvm-dirty-ring, kvm-dirty-ring-migration, userfaultfd or live, not '%s'", what);
		return;
	}
	be->sr = NULL;
	if (ok)
		mwb_step_run_ok (sr, "%s", answer);
	else
		mwb_step_run_skip (sr, "%s", answer);
}
