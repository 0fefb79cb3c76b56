/* Unit tests for the QMP framing push parser. */
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "../qmp-frame.h"

#define QEMU_GREETING \
	"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, " \
	"\"package\": \"Debian 1:7.2+dfsg-7+deb12u18\"}, \"capabilities\": [\"oob\"]}}"
#define QEMU_EVENT \
	"{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 1}, " \
	"\"event\": \"MIGRATION\", \"data\": {\"status\": \"completed\"}}"

/* Awkward on purpose: braces, brackets and quotes inside strings, escapes
 * of every kind, multi-byte UTF-8, and empty containers, so that splitting
 * it at every byte lands mid-string, mid-escape and mid-character. */
static const char *const tricky_objects[] = {
	QEMU_GREETING,
	QEMU_EVENT,
	"{\"a\": \"}\"}",
	"{\"a\": \"{{[[\", \"b\": \"]]}}\"}",
	"{\"q\": \"\\\"\", \"bs\": \"\\\\\", \"both\": \"\\\\\\\"}\"}",
	"{\"esc\": \"\\/\\b\\f\\n\\r\\t\\u007d\\u0022\"}",
	"{\"utf8\": \"h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80\", \"\xc3\xa9\": 1}",
	"{\"n\": [[[], {}], [{\"x\": [1, 2, {\"y\": null}]}]], \"e\": {}}",
	"{}",
	"{\"return\": {}}",
};

typedef struct {
	GPtrArray *frames;   /* GBytes, one per frame */
	MwbQmpFramer *framer;
} Collector;

static void
collect (const char *frame, gsize len, gpointer user_data)
{
	Collector *c = user_data;
	g_autoptr(JsonParser) parser = json_parser_new_immutable ();
	g_autoptr(GError) error = NULL;
	JsonNode *root;

	g_assert_nonnull (frame);
	g_assert_cmpint (frame[len], ==, '\0');
	g_assert_cmpint (frame[0], ==, '{');
	g_assert_cmpint (frame[len - 1], ==, '}');
	if (c->framer != NULL)
		g_assert_cmpuint (mwb_qmp_framer_pending (c->framer), ==, 0);

	/* every frame we hand on must be something a real JSON parser takes */
	json_parser_load_from_data (parser, frame, (gssize) len, &error);
	g_assert_no_error (error);
	root = json_parser_get_root (parser);
	g_assert_nonnull (root);
	g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

	g_ptr_array_add (c->frames, g_bytes_new (frame, len));
}

static void
collector_init (Collector *c)
{
	c->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
	c->framer = mwb_qmp_framer_new (collect, c);
}

static void
collector_clear (Collector *c)
{
	g_clear_pointer (&c->framer, mwb_qmp_framer_free);
	g_clear_pointer (&c->frames, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Collector, collector_clear)

static void
push_ok (Collector *c, const char *data, gsize len)
{
	g_autoptr(GError) error = NULL;

	g_assert_true (mwb_qmp_framer_push (c->framer, data, len, &error));
	g_assert_no_error (error);
}

static void
push_str_ok (Collector *c, const char *data)
{
	push_ok (c, data, strlen (data));
}

static void
assert_frame (Collector *c, guint i, const char *expected)
{
	GBytes *frame;
	gsize len;
	const char *data;

	g_assert_cmpuint (i, <, c->frames->len);
	frame = c->frames->pdata[i];
	data = g_bytes_get_data (frame, &len);
	g_assert_cmpmem (data, len, expected, strlen (expected));
}

static void
assert_same_frames (GPtrArray *a, GPtrArray *b)
{
	guint i;

	g_assert_cmpuint (a->len, ==, b->len);
	for (i = 0; i < a->len; i++)
		g_assert_true (g_bytes_equal (a->pdata[i], b->pdata[i]));
}

/* The objects of tricky_objects[] with varied whitespace between them. */
static GString *
tricky_stream (void)
{
	static const char *const gaps[] = { "", "\r\n", " ", "\n\n\t ", "\r\n\r\n" };
	GString *s = g_string_new (NULL);
	gsize i;

	for (i = 0; i < G_N_ELEMENTS (tricky_objects); i++) {
		g_string_append (s, tricky_objects[i]);
		g_string_append (s, gaps[i % G_N_ELEMENTS (gaps)]);
	}
	return s;
}

static void
test_single (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	push_str_ok (&c, "{\"execute\": \"qmp_capabilities\"}");
	g_assert_cmpuint (c.frames->len, ==, 1);
	assert_frame (&c, 0, "{\"execute\": \"qmp_capabilities\"}");
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 0);
}

static void
test_two_in_one_push (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	push_str_ok (&c, "{\"return\": {}}\r\n{\"return\": {\"status\": \"active\"}}\r\n");
	g_assert_cmpuint (c.frames->len, ==, 2);
	assert_frame (&c, 0, "{\"return\": {}}");
	assert_frame (&c, 1, "{\"return\": {\"status\": \"active\"}}");
}

static void
test_split_everywhere (void)
{
	g_autoptr(GString) stream = tricky_stream ();
	g_auto(Collector) whole = { 0 };
	gsize split;
	gsize i;

	collector_init (&whole);
	push_ok (&whole, stream->str, stream->len);
	g_assert_cmpuint (whole.frames->len, ==, G_N_ELEMENTS (tricky_objects));
	for (i = 0; i < G_N_ELEMENTS (tricky_objects); i++)
		assert_frame (&whole, i, tricky_objects[i]);

	for (split = 0; split <= stream->len; split++) {
		g_auto(Collector) c = { 0 };

		collector_init (&c);
		push_ok (&c, stream->str, split);
		push_ok (&c, stream->str + split, stream->len - split);
		assert_same_frames (whole.frames, c.frames);
	}

	/* and one byte at a time, so every byte is a split point at once */
	{
		g_auto(Collector) c = { 0 };

		collector_init (&c);
		for (i = 0; i < stream->len; i++)
			push_ok (&c, stream->str + i, 1);
		assert_same_frames (whole.frames, c.frames);
	}
}

/* Every pair of split points, on a short stream dense with escapes: a
 * backslash and the byte it escapes may land in three different pushes. */
static void
test_escapes_at_splits (void)
{
	static const char stream[] =
		"{\"a\": \"\\\\\", \"b\": \"\\\"}{\", \"c\": \"\\\\\\\"]\"}"
		"{\"d\": \"x\\\\\"}";
	const gsize len = sizeof stream - 1;
	gsize i, j;

	for (i = 0; i <= len; i++) {
		for (j = i; j <= len; j++) {
			g_auto(Collector) c = { 0 };

			collector_init (&c);
			push_ok (&c, stream, i);
			push_ok (&c, stream + i, j - i);
			push_ok (&c, stream + j, len - j);
			g_assert_cmpuint (c.frames->len, ==, 2);
			assert_frame (&c, 0, "{\"a\": \"\\\\\", \"b\": \"\\\"}{\", \"c\": \"\\\\\\\"]\"}");
			assert_frame (&c, 1, "{\"d\": \"x\\\\\"}");
		}
	}
}

static void
test_braces_in_strings (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	push_str_ok (&c, "{\"a\": \"}}}]]]\"}");
	push_str_ok (&c, "{\"{\": \"[\"}");
	g_assert_cmpuint (c.frames->len, ==, 2);
	assert_frame (&c, 0, "{\"a\": \"}}}]]]\"}");
	assert_frame (&c, 1, "{\"{\": \"[\"}");

	/* an unclosed brace inside a string must not hold the frame open */
	push_str_ok (&c, "{\"a\": \"{\"}");
	g_assert_cmpuint (c.frames->len, ==, 3);
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 0);
}

static void
test_escaped_quotes (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	/* "\\" ends the string; "\"" does not */
	push_str_ok (&c, "{\"a\": \"\\\\\"}");
	g_assert_cmpuint (c.frames->len, ==, 1);
	push_str_ok (&c, "{\"a\": \"\\\"}\"}");
	g_assert_cmpuint (c.frames->len, ==, 2);
	assert_frame (&c, 1, "{\"a\": \"\\\"}\"}");

	/* split right after the backslash */
	push_str_ok (&c, "{\"a\": \"\\");
	g_assert_cmpuint (c.frames->len, ==, 2);
	push_str_ok (&c, "\"}");
	g_assert_cmpuint (c.frames->len, ==, 2);
	push_str_ok (&c, "\"}");
	g_assert_cmpuint (c.frames->len, ==, 3);
	assert_frame (&c, 2, "{\"a\": \"\\\"}\"}");
}

static void
test_nested (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	push_str_ok (&c, "{\"a\": [{\"b\": [[{}]]}, [], {\"c\": {\"d\": [1, [2, [3]]]}}]}");
	g_assert_cmpuint (c.frames->len, ==, 1);
	assert_frame (&c, 0, "{\"a\": [{\"b\": [[{}]]}, [], {\"c\": {\"d\": [1, [2, [3]]]}}]}");
}

static void
test_deep_nesting (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GString) deep = g_string_new ("{\"a\": ");
	const guint depth = 500;
	guint i;

	/* many bytes of the bracket bit stack, with both kinds interleaved,
	 * yet shallow enough for json-glib to accept */
	for (i = 0; i < depth; i++)
		g_string_append (deep, i % 3 == 0 ? "{\"x\": " : "[");
	g_string_append (deep, "1");
	for (i = depth; i-- > 0;)
		g_string_append (deep, i % 3 == 0 ? "}" : "]");
	g_string_append (deep, "}");

	collector_init (&c);
	/* in two halves, so the stack has to survive between pushes */
	push_ok (&c, deep->str, deep->len / 2);
	g_assert_cmpuint (c.frames->len, ==, 0);
	push_ok (&c, deep->str + deep->len / 2, deep->len - deep->len / 2);
	g_assert_cmpuint (c.frames->len, ==, 1);
	assert_frame (&c, 0, deep->str);
}

static void
test_whitespace_between (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	push_str_ok (&c, " \t\r\n{\"a\": 1}\r\n\r\n \t{\"b\": 2}\n");
	push_str_ok (&c, "\r");
	push_str_ok (&c, "\n");
	push_str_ok (&c, "   ");
	g_assert_cmpuint (c.frames->len, ==, 2);
	assert_frame (&c, 0, "{\"a\": 1}");
	assert_frame (&c, 1, "{\"b\": 2}");
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 0);

	/* whitespace inside a frame belongs to the frame */
	push_str_ok (&c, "{\r\n\"c\"\t:\n3 }");
	assert_frame (&c, 2, "{\r\n\"c\"\t:\n3 }");
}

static void
test_garbage (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) error = NULL;

	collector_init (&c);
	push_str_ok (&c, "{\"a\": 1}\r\n");
	/* stream offsets run across pushes: the x is byte 10 of the stream */
	g_assert_false (mwb_qmp_framer_push (c.framer, "x{}", 3, &error));
	g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
	g_assert_cmpstr (error->message, ==,
	                 "QMP stream: unexpected byte 0x78 ('x') at offset 10 outside a JSON object");
	g_assert_cmpuint (c.frames->len, ==, 1);
	g_assert_true (mwb_qmp_framer_failed (c.framer));
}

static void
test_garbage_after_frame_same_push (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) error = NULL;

	collector_init (&c);
	/* the frame before the bad byte is still delivered */
	g_assert_false (mwb_qmp_framer_push (c.framer, "{}\x01", 3, &error));
	g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
	g_assert_cmpstr (error->message, ==,
	                 "QMP stream: unexpected byte 0x01 at offset 2 outside a JSON object");
	g_assert_cmpuint (c.frames->len, ==, 1);
	assert_frame (&c, 0, "{}");
}

static void
test_non_object_top_level (void)
{
	static const char *const bad[] = { "[1]", "\"s\"", "1", "null", "\xef\xbb\xbf{}", "\f{}", "\0{}" };
	gsize i;

	/* QMP only ever sends objects; anything else means we are not talking
	 * to QMP (or are out of sync), so it is refused, not framed */
	for (i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_auto(Collector) c = { 0 };
		g_autoptr(GError) error = NULL;
		gsize len = bad[i][0] == '\0' ? 3 : strlen (bad[i]);

		collector_init (&c);
		g_assert_false (mwb_qmp_framer_push (c.framer, bad[i], len, &error));
		g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
		g_assert_nonnull (strstr (error->message, "at offset 0 "));
		g_assert_cmpuint (c.frames->len, ==, 0);
	}
}

static void
test_stray_close (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) error = NULL;

	collector_init (&c);
	push_str_ok (&c, "{\"a\": [1]}");
	g_assert_false (mwb_qmp_framer_push (c.framer, "]", 1, &error));
	g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
	g_assert_cmpstr (error->message, ==,
	                 "QMP stream: unexpected byte 0x5d (']') at offset 10 outside a JSON object");
	g_assert_cmpuint (c.frames->len, ==, 1);
}

static void
test_stray_close_brace (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) error = NULL;

	collector_init (&c);
	g_assert_false (mwb_qmp_framer_push (c.framer, "\r\n}", 3, &error));
	g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
	g_assert_cmpstr (error->message, ==,
	                 "QMP stream: unexpected byte 0x7d ('}') at offset 2 outside a JSON object");
}

static void
test_mismatched_close (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) error = NULL;

	collector_init (&c);
	push_str_ok (&c, "{\"a\": [1");
	g_assert_false (mwb_qmp_framer_push (c.framer, "}", 1, &error));
	g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
	g_assert_cmpstr (error->message, ==,
	                 "QMP stream: mismatched closing byte 0x7d ('}') at offset 8 (expected ']')");
	g_assert_cmpuint (c.frames->len, ==, 0);
	g_clear_error (&error);

	{
		g_auto(Collector) d = { 0 };

		collector_init (&d);
		g_assert_false (mwb_qmp_framer_push (d.framer, "{\"a\": {]", 8, &error));
		g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
		g_assert_cmpstr (error->message, ==,
		                 "QMP stream: mismatched closing byte 0x5d (']') at offset 7 (expected '}')");
	}
}

static void
test_too_large (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) error = NULL;

	collector_init (&c);
	mwb_qmp_framer_set_limit (c.framer, 10);
	/* exactly the limit is fine, whitespace around does not count */
	push_str_ok (&c, "  {\"a\": 12}\r\n{\"a\": 123}\r\n");
	g_assert_cmpuint (c.frames->len, ==, 2);

	/* 25 bytes so far, so the "}" at stream offset 35 is the 11th byte
	 * of this frame */
	push_str_ok (&c, "{\"a\": ");
	push_str_ok (&c, "123");
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 9);
	g_assert_false (mwb_qmp_framer_push (c.framer, "4}", 2, &error));
	g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_TOO_LARGE);
	g_assert_cmpstr (error->message, ==,
	                 "QMP stream: frame larger than 10 bytes at offset 35 (byte 0x7d ('}'))");
	g_assert_cmpuint (c.frames->len, ==, 2);
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 0);
}

static void
test_too_large_one_push (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) big = g_string_new ("{\"a\": \"");
	gsize i;

	collector_init (&c);
	mwb_qmp_framer_set_limit (c.framer, 4096);
	for (i = 0; i < 8192; i++)
		g_string_append_c (big, 'x');
	g_string_append (big, "\"}");
	g_assert_false (mwb_qmp_framer_push (c.framer, big->str, big->len, &error));
	g_assert_error (error, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_TOO_LARGE);
	g_assert_cmpstr (error->message, ==,
	                 "QMP stream: frame larger than 4096 bytes at offset 4096 (byte 0x78 ('x'))");
	g_assert_cmpuint (c.frames->len, ==, 0);
}

static void
test_failed_state_sticks (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GError) first = NULL;
	guint i;

	collector_init (&c);
	g_assert_false (mwb_qmp_framer_push (c.framer, "{}garbage", 9, &first));
	g_assert_error (first, MWB_QMP_FRAME_ERROR, MWB_QMP_FRAME_ERROR_GARBAGE);
	g_assert_cmpuint (c.frames->len, ==, 1);

	/* valid input, whitespace, and nothing at all: all refused, alike */
	for (i = 0; i < 3; i++) {
		static const char *const inputs[] = { "{\"a\": 1}", "\r\n", "" };
		g_autoptr(GError) again = NULL;

		g_assert_false (mwb_qmp_framer_push (c.framer, inputs[i], strlen (inputs[i]), &again));
		g_assert_error (again, first->domain, first->code);
		g_assert_cmpstr (again->message, ==, first->message);
	}
	g_assert_false (mwb_qmp_framer_push (c.framer, NULL, 0, NULL));
	g_assert_cmpuint (c.frames->len, ==, 1);
	g_assert_true (mwb_qmp_framer_failed (c.framer));
}

static void
test_pending (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 0);
	push_str_ok (&c, "\r\n  ");
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 0);
	push_str_ok (&c, "{\"a\"");
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 4);
	push_str_ok (&c, ": \"}");
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 8);
	/* completes one frame and starts the next in the same push */
	push_str_ok (&c, "\"}\r\n{\"b\":");
	g_assert_cmpuint (c.frames->len, ==, 1);
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 5);
	push_str_ok (&c, " 2}");
	g_assert_cmpuint (c.frames->len, ==, 2);
	g_assert_cmpuint (mwb_qmp_framer_pending (c.framer), ==, 0);
	assert_frame (&c, 0, "{\"a\": \"}\"}");
	assert_frame (&c, 1, "{\"b\": 2}");
}

static void
test_qemu_greeting (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(JsonParser) parser = json_parser_new_immutable ();
	JsonObject *qmp;

	collector_init (&c);
	push_str_ok (&c, QEMU_GREETING "\r\n");
	g_assert_cmpuint (c.frames->len, ==, 1);
	assert_frame (&c, 0, QEMU_GREETING);

	g_assert_true (json_parser_load_from_data (parser, QEMU_GREETING, -1, NULL));
	qmp = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "QMP");
	g_assert_nonnull (qmp);
	g_assert_cmpint (json_object_get_int_member (
		json_object_get_object_member (json_object_get_object_member (qmp, "version"), "qemu"),
		"major"), ==, 7);
}

static void
test_qemu_event (void)
{
	g_auto(Collector) c = { 0 };

	collector_init (&c);
	push_str_ok (&c, QEMU_GREETING "\r\n" QEMU_EVENT "\r\n");
	g_assert_cmpuint (c.frames->len, ==, 2);
	assert_frame (&c, 0, QEMU_GREETING);
	assert_frame (&c, 1, QEMU_EVENT);
}

static void
test_default_limit (void)
{
	g_auto(Collector) c = { 0 };
	g_autoptr(GString) big = g_string_new ("{\"a\": \"");

	/* a 1 MiB reply is far below the default and must go through */
	collector_init (&c);
	while (big->len < 1024 * 1024)
		g_string_append (big, "0123456789abcdef");
	g_string_append (big, "\"}");
	push_ok (&c, big->str, big->len);
	g_assert_cmpuint (c.frames->len, ==, 1);
	assert_frame (&c, 0, big->str);
}

static void
push_from_callback (const char *frame, gsize len, gpointer user_data)
{
	MwbQmpFramer **framer = user_data;

	(void) frame;
	(void) len;
	g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*!framer->emitting*");
	g_assert_false (mwb_qmp_framer_push (*framer, "{}", 2, NULL));
	g_test_assert_expected_messages ();
}

static void
test_push_from_callback_refused (void)
{
	g_autoptr(MwbQmpFramer) framer = NULL;
	g_autoptr(GError) error = NULL;

	/* a frame may not be cut short by pushing into the framer delivering
	 * it; it is refused loudly rather than corrupting the buffer */
	framer = mwb_qmp_framer_new (push_from_callback, &framer);
	g_assert_true (mwb_qmp_framer_push (framer, "{}", 2, &error));
	g_assert_no_error (error);
	g_assert_false (mwb_qmp_framer_failed (framer));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/qmp-frame/single", test_single);
	g_test_add_func ("/qmp-frame/two-in-one-push", test_two_in_one_push);
	g_test_add_func ("/qmp-frame/split-everywhere", test_split_everywhere);
	g_test_add_func ("/qmp-frame/escapes-at-splits", test_escapes_at_splits);
	g_test_add_func ("/qmp-frame/braces-in-strings", test_braces_in_strings);
	g_test_add_func ("/qmp-frame/escaped-quotes", test_escaped_quotes);
	g_test_add_func ("/qmp-frame/nested", test_nested);
	g_test_add_func ("/qmp-frame/deep-nesting", test_deep_nesting);
	g_test_add_func ("/qmp-frame/whitespace-between", test_whitespace_between);
	g_test_add_func ("/qmp-frame/garbage", test_garbage);
	g_test_add_func ("/qmp-frame/garbage-after-frame", test_garbage_after_frame_same_push);
	g_test_add_func ("/qmp-frame/non-object-top-level", test_non_object_top_level);
	g_test_add_func ("/qmp-frame/stray-close", test_stray_close);
	g_test_add_func ("/qmp-frame/stray-close-brace", test_stray_close_brace);
	g_test_add_func ("/qmp-frame/mismatched-close", test_mismatched_close);
	g_test_add_func ("/qmp-frame/too-large", test_too_large);
	g_test_add_func ("/qmp-frame/too-large-one-push", test_too_large_one_push);
	g_test_add_func ("/qmp-frame/failed-state-sticks", test_failed_state_sticks);
	g_test_add_func ("/qmp-frame/pending", test_pending);
	g_test_add_func ("/qmp-frame/qemu-greeting", test_qemu_greeting);
	g_test_add_func ("/qmp-frame/qemu-event", test_qemu_event);
	g_test_add_func ("/qmp-frame/default-limit", test_default_limit);
	g_test_add_func ("/qmp-frame/push-from-callback-refused", test_push_from_callback_refused);

	return g_test_run ();
}
