#include "qmp.h"

#include <string.h>
#include <unistd.h>
#include <gio/gunixfdmessage.h>

#include "mwb-error.h"
#include "qmp-frame.h"

typedef struct {
	MwbQmpReplyFunc func;
	gpointer data;
	GDestroyNotify destroy;
} Pending;

static void
pending_free (gpointer p)
{
	Pending *pd = p;

	if (pd->destroy)
		pd->destroy (pd->data);
	g_free (pd);
}

struct _MwbQmp {
	GIOStream *stream;
	GCancellable *cancel;
	MwbQmpFramer *framer;
	MwbQmpCallbacks cb;
	gpointer data;
	GHashTable *pending;	/* id -> Pending */
	guint64 next_id;
	GQueue out;		/* Out waiting to be written */
	gboolean writing;
	gboolean open;
	char buf[65536];
};

/* A message to send, with a file descriptor to pass along it (or -1). */
typedef struct {
	GBytes *bytes;
	int fd;
} Out;

static void
out_free (gpointer p)
{
	Out *o = p;

	g_bytes_unref (o->bytes);
	if (o->fd >= 0)
		close (o->fd);
	g_free (o);
}

static void read_more (MwbQmp *q);
static void write_more (MwbQmp *q);

JsonNode *
mwb_json_object (const char *first_key, ...)
{
	JsonObject *o = json_object_new ();
	JsonNode *n = json_node_new (JSON_NODE_OBJECT);
	va_list ap;

	va_start (ap, first_key);
	for (const char *k = first_key; k; k = va_arg (ap, const char *))
		json_object_set_member (o, k, va_arg (ap, JsonNode *));
	va_end (ap);
	json_node_take_object (n, o);
	return n;
}

/* Everything that ends the connection goes through here, once. */
static void
close_with (MwbQmp *q, const char *why)
{
	GHashTableIter it;
	gpointer id, val;
	g_autoptr (GHashTable) pending = NULL;

	if (!q->open)
		return;
	q->open = FALSE;
	g_cancellable_cancel (q->cancel);
	pending = g_steal_pointer (&q->pending);
	q->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pending_free);
	g_hash_table_iter_init (&it, pending);
	while (g_hash_table_iter_next (&it, &id, &val)) {
		Pending *p = val;

		if (p->func)
			p->func (q, NULL, "mwb.Closed", why, p->data);
	}
	/* g_autoptr frees the table, and with it each Pending's data. */
	if (q->cb.closed)
		q->cb.closed (q, why, q->data);
}

static void
handle_reply (MwbQmp *q, JsonObject *msg)
{
	JsonNode *idn = json_object_get_member (msg, "id");
	const char *id = idn && JSON_NODE_HOLDS_VALUE (idn) ? json_node_get_string (idn) : NULL;
	Pending *p;
	gpointer key;

	if (!id || !g_hash_table_steal_extended (q->pending, id, &key, (gpointer *) &p))
		return;	/* not ours: already logged, nothing waits for it */
	g_free (key);
	if (p->func && json_object_has_member (msg, "error")) {
		JsonObject *e = json_object_get_object_member (msg, "error");

		p->func (q, NULL, e ? json_object_get_string_member_with_default (e, "class", "?") : "?",
			 e ? json_object_get_string_member_with_default (e, "desc", "?") : "?", p->data);
	} else if (p->func) {
		p->func (q, json_object_get_member (msg, "return"), NULL, NULL, p->data);
	}
	pending_free (p);
}

static void
on_frame (const char *frame, gsize len, gpointer data)
{
	MwbQmp *q = data;
	g_autoptr (JsonParser) parser = json_parser_new_immutable ();
	g_autoptr (GError) err = NULL;
	JsonNode *root;
	JsonObject *msg;

	if (!q->open)
		return;
	if (q->cb.message)
		q->cb.message (q, MWB_LOG_IN, frame, q->data);
	if (!json_parser_load_from_data (parser, frame, len, &err)
	    || !(root = json_parser_get_root (parser)) || !JSON_NODE_HOLDS_OBJECT (root)) {
		g_autofree char *why = g_strdup_printf ("QMP message is not a JSON object: %s",
							err ? err->message : "wrong type");
		close_with (q, why);
		return;
	}
	msg = json_node_get_object (root);
	if (json_object_has_member (msg, "QMP")) {
		if (q->cb.greeting)
			q->cb.greeting (q, msg, q->data);
	} else if (json_object_has_member (msg, "event")) {
		JsonNode *d = json_object_get_member (msg, "data");

		if (q->cb.event)
			q->cb.event (q, json_object_get_string_member_with_default (msg, "event", "?"),
				     d && JSON_NODE_HOLDS_OBJECT (d) ? json_node_get_object (d) : NULL,
				     q->data);
	} else {
		handle_reply (q, msg);
	}
}

static void
on_read (GObject *src, GAsyncResult *res, gpointer data)
{
	MwbQmp *q = data;
	g_autoptr (GError) err = NULL;
	gssize n = g_input_stream_read_finish (G_INPUT_STREAM (src), res, &err);

	if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;	/* q may be gone */
	if (n < 0) {
		close_with (q, err->message);
		return;
	}
	if (n == 0) {
		close_with (q, "connection closed by QEMU");
		return;
	}
	if (!mwb_qmp_framer_push (q->framer, q->buf, n, &err)) {
		close_with (q, err->message);
		return;
	}
	if (q->open)
		read_more (q);
}

static void
read_more (MwbQmp *q)
{
	g_input_stream_read_async (g_io_stream_get_input_stream (q->stream), q->buf, sizeof q->buf,
				   G_PRIORITY_DEFAULT, q->cancel, on_read, q);
}

static void
on_written (GObject *src, GAsyncResult *res, gpointer data)
{
	MwbQmp *q = data;
	g_autoptr (GError) err = NULL;

	if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (src), res, NULL, &err)) {
		if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			return;
		close_with (q, err->message);
		return;
	}
	out_free (g_queue_pop_head (&q->out));
	q->writing = FALSE;
	write_more (q);
}

/* SCM_RIGHTS rides on the command's own bytes (QEMU's getfd/add-fd). Sent
 * synchronously: nothing else is being written, and a command is short. */
static gboolean
send_with_fd (MwbQmp *q, Out *o, GError **error)
{
	GSocket *sock = G_IS_SOCKET_CONNECTION (q->stream)
		? g_socket_connection_get_socket (G_SOCKET_CONNECTION (q->stream)) : NULL;
	g_autoptr (GSocketControlMessage) msg = NULL;
	GOutputVector vec = { g_bytes_get_data (o->bytes, NULL), g_bytes_get_size (o->bytes) };
	GSocketControlMessage *msgs[1];
	gssize n;

	if (!sock) {
		g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "cannot pass a file descriptor on this stream");
		return FALSE;
	}
	msg = g_unix_fd_message_new ();
	if (!g_unix_fd_message_append_fd (G_UNIX_FD_MESSAGE (msg), o->fd, error))
		return FALSE;
	msgs[0] = msg;
	n = g_socket_send_message (sock, NULL, &vec, 1, msgs, 1, 0, q->cancel, error);
	if (n < 0)
		return FALSE;
	if ((gsize) n < vec.size)
		return g_output_stream_write_all (g_io_stream_get_output_stream (q->stream),
						  (const char *) vec.buffer + n, vec.size - n, NULL, q->cancel, error);
	return TRUE;
}

static void
write_more (MwbQmp *q)
{
	Out *o;

	while (!q->writing && q->open && (o = g_queue_peek_head (&q->out)) && o->fd >= 0) {
		g_autoptr (GError) err = NULL;

		if (!send_with_fd (q, o, &err)) {
			close_with (q, err->message);
			return;
		}
		out_free (g_queue_pop_head (&q->out));
	}
	if (q->writing || !q->open || !(o = g_queue_peek_head (&q->out)))
		return;
	q->writing = TRUE;
	g_output_stream_write_all_async (g_io_stream_get_output_stream (q->stream),
					 g_bytes_get_data (o->bytes, NULL), g_bytes_get_size (o->bytes),
					 G_PRIORITY_DEFAULT, q->cancel, on_written, q);
}

MwbQmp *
mwb_qmp_new (GIOStream *stream, const MwbQmpCallbacks *cb, gpointer data)
{
	MwbQmp *q = g_new0 (MwbQmp, 1);

	q->stream = g_object_ref (stream);
	q->cancel = g_cancellable_new ();
	q->framer = mwb_qmp_framer_new (on_frame, q);
	q->cb = *cb;
	q->data = data;
	q->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pending_free);
	q->open = TRUE;
	g_queue_init (&q->out);
	read_more (q);
	return q;
}

void
mwb_qmp_free (MwbQmp *q)
{
	if (!q)
		return;
	q->open = FALSE;
	g_cancellable_cancel (q->cancel);
	g_queue_clear_full (&q->out, out_free);
	g_hash_table_unref (q->pending);
	mwb_qmp_framer_free (q->framer);
	g_io_stream_close (q->stream, NULL, NULL);
	g_object_unref (q->stream);
	g_object_unref (q->cancel);
	g_free (q);
}

gboolean
mwb_qmp_is_open (MwbQmp *q)
{
	return q->open;
}

static void
send_object (MwbQmp *q, JsonObject *cmd, int fd, MwbQmpReplyFunc func, gpointer data, GDestroyNotify destroy)
{
	g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
	g_autofree char *id = g_strdup_printf ("mwb-%" G_GUINT64_FORMAT, ++q->next_id);
	Pending *p = g_new (Pending, 1);
	char *text;

	json_object_set_string_member (cmd, "id", id);
	json_node_set_object (node, cmd);
	text = json_to_string (node, FALSE);
	p->func = func;
	p->data = data;
	p->destroy = destroy;
	if (!q->open) {
		if (q->cb.message)
			q->cb.message (q, MWB_LOG_OUT, text, q->data);
		if (func)
			func (q, NULL, "mwb.Closed", "QMP connection is closed", data);
		pending_free (p);
		g_free (text);
		if (fd >= 0)
			close (fd);
		return;
	}
	g_hash_table_insert (q->pending, g_steal_pointer (&id), p);
	if (q->cb.message)
		q->cb.message (q, MWB_LOG_OUT, text, q->data);
	{
		gsize len = strlen (text);

		text = g_realloc (text, len + 2);
		text[len] = '\n';
		text[len + 1] = '\0';
		Out *o = g_new (Out, 1);

		o->bytes = g_bytes_new_take (text, len + 1);
		o->fd = fd;
		g_queue_push_tail (&q->out, o);
	}
	write_more (q);
}

void
mwb_qmp_execute_full (MwbQmp *q, const char *command, JsonNode *args, MwbQmpReplyFunc func,
		      gpointer data, GDestroyNotify destroy)
{
	g_autoptr (JsonObject) cmd = json_object_new ();

	json_object_set_string_member (cmd, "execute", command);
	if (args)
		json_object_set_member (cmd, "arguments", args);
	send_object (q, cmd, -1, func, data, destroy);
}

void
mwb_qmp_execute_with_fd (MwbQmp *q, const char *command, JsonNode *args, int fd, MwbQmpReplyFunc func,
			 gpointer data, GDestroyNotify destroy)
{
	g_autoptr (JsonObject) cmd = json_object_new ();

	json_object_set_string_member (cmd, "execute", command);
	if (args)
		json_object_set_member (cmd, "arguments", args);
	send_object (q, cmd, fd, func, data, destroy);
}

void
mwb_qmp_execute (MwbQmp *q, const char *command, JsonNode *args, MwbQmpReplyFunc func,
		 gpointer data)
{
	mwb_qmp_execute_full (q, command, args, func, data, NULL);
}

/* "query-status", "migrate-set-parameters {\"downtime-limit\": 100}" or a
 * whole {"execute": ..., "arguments": ...} object. */
gboolean
mwb_qmp_parse_user_command (const char *text, char **command, JsonNode **args, GError **error)
{
	g_autoptr (JsonParser) parser = json_parser_new ();
	g_autofree char *name = NULL;
	const char *rest;
	JsonObject *obj;

	text += strspn (text, " \t");
	if (*text == '{') {
		if (!json_parser_load_from_data (parser, text, -1, error))
			return FALSE;
		obj = json_node_get_object (json_parser_get_root (parser));
		if (!obj || !json_object_has_member (obj, "execute")
		    || json_node_get_value_type (json_object_get_member (obj, "execute")) != G_TYPE_STRING) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE,
				     "a QMP command object needs an \"execute\" string");
			return FALSE;
		}
		*command = g_strdup (json_object_get_string_member (obj, "execute"));
		*args = json_object_has_member (obj, "arguments")
			? json_node_copy (json_object_get_member (obj, "arguments")) : NULL;
		return TRUE;
	}
	rest = text + strcspn (text, " \t");
	name = g_strndup (text, rest - text);
	if (!*name) {
		g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE, "which QMP command?");
		return FALSE;
	}
	rest += strspn (rest, " \t");
	*args = NULL;
	if (*rest) {
		if (!json_parser_load_from_data (parser, rest, -1, error))
			return FALSE;
		if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))) {
			g_set_error (error, MWB_ERROR, MWB_ERROR_USAGE,
				     "the arguments of %s must be a JSON object", name);
			return FALSE;
		}
		*args = json_node_copy (json_parser_get_root (parser));
	}
	*command = g_steal_pointer (&name);
	return TRUE;
}
