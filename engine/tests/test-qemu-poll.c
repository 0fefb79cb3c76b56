/* qemu.poll's condition language and its JSON paths, and the machine-type
 * choice for cross-version runs: the parts that decide a verdict without
 * a QEMU. */
#include <json-glib/json-glib.h>

#include "qemu-backend.h"
#include "qemu-machines.h"

static void
test_parse_until (void)
{
	g_autofree char *path = NULL;
	g_autofree char *value = NULL;
	int op = -1;

	g_assert_true (qemu_poll_parse_until ("ram.dirty-sync-count >= 2", &path, &op, &value));
	g_assert_cmpstr (path, ==, "ram.dirty-sync-count");
	g_assert_cmpstr (value, ==, "2");
	g_clear_pointer (&path, g_free);
	g_clear_pointer (&value, g_free);
	g_assert_true (qemu_poll_parse_until ("status != running", &path, &op, &value));
	g_assert_cmpstr (path, ==, "status");
	g_assert_cmpstr (value, ==, "running");
	g_clear_pointer (&path, g_free);
	g_clear_pointer (&value, g_free);
	g_assert_false (qemu_poll_parse_until ("status", &path, &op, &value));
	g_assert_false (qemu_poll_parse_until ("= 3", &path, &op, &value));
	g_assert_false (qemu_poll_parse_until ("status =", &path, &op, &value));
	g_assert_null (path);
}

static void
test_json_path (void)
{
	g_autoptr (JsonNode) n = json_from_string ("{\"status\":\"active\",\"ram\":{\"dirty-sync-count\":3},"
						   "\"list\":[{\"limit-rate\":1},{\"limit-rate\":2}],\"on\":true,"
						   "\"empty\":[]}", NULL);
	struct {
		const char *path;
		const char *want;
	} cases[] = {
		{ "status", "active" }, { "ram.dirty-sync-count", "3" }, { "list.1.limit-rate", "2" },
		{ "list.#", "2" }, { "empty.#", "0" }, { "on", "true" }, { "list.2.limit-rate", NULL },
		{ "nope", NULL }, { "status.deeper", NULL }, { "list.x", NULL }, { "list.-1", NULL },
	};

	g_assert_nonnull (n);
	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = qemu_json_path (n, cases[i].path);

		g_assert_cmpstr (got, ==, cases[i].want);
	}
}

static void
test_newest_common (void)
{
	char *a_names[] = { "pc-i440fx-2.0", "pc-i440fx-7.1", "pc-i440fx-7.2", "pc-q35-7.2", "none", NULL };
	char *b_names[] = { "pc-i440fx-7.2", "pc-i440fx-10.0", "pc-i440fx-9.2", "pc-q35-10.0", NULL };
	char *c_names[] = { "pc-q35-7.2", NULL };
	QemuMachines a = { "7.2.22", a_names }, b = { "10.0.13", b_names }, c = { "1.0", c_names };
	g_autofree char *ab = qemu_machines_newest_common (&a, &b, "pc-i440fx-");
	g_autofree char *bb = qemu_machines_newest (&b, "pc-i440fx-");
	g_autofree char *ac = qemu_machines_newest_common (&a, &c, "pc-i440fx-");

	/* 10.0 is newer than 9.2 and 7.2: versions compare as numbers. */
	g_assert_cmpstr (ab, ==, "pc-i440fx-7.2");
	g_assert_cmpstr (bb, ==, "pc-i440fx-10.0");
	g_assert_null (ac);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/qemu-poll/parse-until", test_parse_until);
	g_test_add_func ("/qemu-poll/json-path", test_json_path);
	g_test_add_func ("/qemu-machines/newest-common", test_newest_common);
	return g_test_run ();
}
