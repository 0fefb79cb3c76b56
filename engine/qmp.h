/* An asynchronous QMP client on the GLib main loop. Every command carries an
 * id; replies are matched by it; events are handed over whether or not anyone
 * waits for them; every message in and out is passed to a logger. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sink.h"

typedef struct _MwbQmp MwbQmp;

/* ret is the reply's "return" member, or NULL with error_class/error_desc set.
 * error_class is "mwb.Closed" when the connection went away first. */
typedef void (*MwbQmpReplyFunc) (MwbQmp *qmp, JsonNode *ret, const char *error_class,
				 const char *error_desc, gpointer data);

typedef struct {
	void (*greeting) (MwbQmp *qmp, JsonObject *greeting, gpointer data);
	void (*event) (MwbQmp *qmp, const char *event, JsonObject *event_data, gpointer data);
	/* text is one JSON message, as sent or received */
	void (*message) (MwbQmp *qmp, MwbLogDir dir, const char *text, gpointer data);
	void (*closed) (MwbQmp *qmp, const char *why, gpointer data);
} MwbQmpCallbacks;

MwbQmp *mwb_qmp_new (GIOStream *stream, const MwbQmpCallbacks *cb, gpointer data);
/* Pending replies are dropped without their callbacks. */
void mwb_qmp_free (MwbQmp *qmp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbQmp, mwb_qmp_free)

/* args: an object node or NULL; taken over. */
void mwb_qmp_execute (MwbQmp *qmp, const char *command, JsonNode *args,
		      MwbQmpReplyFunc func, gpointer data);
/* The same; destroy(data) runs once the reply is handled or will never come
 * (connection closed, client freed). */
void mwb_qmp_execute_full (MwbQmp *qmp, const char *command, JsonNode *args,
			   MwbQmpReplyFunc func, gpointer data, GDestroyNotify destroy);
/* The same, passing fd (taken over, closed once sent) by SCM_RIGHTS with
 * the command, as getfd and add-fd want. */
void mwb_qmp_execute_with_fd (MwbQmp *qmp, const char *command, JsonNode *args, int fd,
			      MwbQmpReplyFunc func, gpointer data, GDestroyNotify destroy);
gboolean mwb_qmp_is_open (MwbQmp *qmp);

/* Builds {"k": v, ...} from pairs of (const char *key, JsonNode *value), NULL-terminated. */
JsonNode *mwb_json_object (const char *first_key, ...) G_GNUC_NULL_TERMINATED;

/* A command as a user types it: "query-status", "migrate-set-parameters
 * {\"downtime-limit\": 100}" or a whole {"execute": ..., "arguments": ...}
 * object. args is NULL when there are none. */
gboolean mwb_qmp_parse_user_command (const char *text, char **command, JsonNode **args, GError **error);
