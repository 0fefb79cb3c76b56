/* Which kind of log this is, from its first 64 KiB: each format has lines
 * no other one prints. */
#include "replay-priv.h"

#include <string.h>

typedef struct {
	guint meson, journal, zdtm, gtap, tap, criu, lines;
} Votes;

static void
vote (const RpLine *l, gpointer data)
{
	Votes *v = data;
	const char *s = l->s;

	v->lines++;
	if (g_str_has_prefix (s, "Log of Meson test suite run on"))
		v->meson += 100;
	else if (g_str_has_prefix (s, "{\"t\":") && strstr (s, "\"ev\":\"run\""))
		v->journal += 100;
	else if (g_str_has_prefix (s, "{\"t\":") && strstr (s, "\"ev\":\""))
		v->journal++;
	else if ((g_str_has_prefix (s, "=== Run ") && strstr (s, "zdtm/")) || strstr (s, "zdtm.py")
		 || (strstr (s, " Run zdtm/") && strstr (s, " in ")))
		v->zdtm += 10;
	else if (g_str_equal (s, "Start test") || g_str_has_prefix (s, "Run criu ") || g_str_has_prefix (s, "=[log]=> "))
		v->zdtm++;
	else if (g_str_has_prefix (s, "# random seed: ") || g_str_has_prefix (s, "# starting QEMU")
		 || g_str_has_prefix (s, "# Start of "))
		v->gtap += 5;
	else if (s[0] == '(' && l->len > 11 && g_ascii_isdigit (s[1]) && s[3] == '.' && s[10] == ')')
		v->criu++;
	else if (g_str_has_prefix (s, "ok ") || g_str_has_prefix (s, "not ok ") || g_str_has_prefix (s, "1..")
		 || g_str_has_prefix (s, "Bail out!"))
		v->tap++;
}

MwbReplayFormat
rp_detect (const char *buf, gsize len)
{
	Votes v = { 0 };

	rp_each_line (buf, len, 0, vote, &v);
	if (v.meson)
		return MWB_REPLAY_MESON;
	if (v.journal >= 100)
		return MWB_REPLAY_JOURNAL;
	if (v.zdtm >= 10 || (v.zdtm >= 2 && v.zdtm > v.tap))
		return MWB_REPLAY_ZDTM;
	if (v.gtap)
		return MWB_REPLAY_GTAP;
	if (v.criu > v.lines / 2 && v.criu > v.tap)
		return MWB_REPLAY_CRIU;
	return v.tap ? MWB_REPLAY_TAP : MWB_REPLAY_GTAP;
}
