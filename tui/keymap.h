/* Key bindings: the key notation of keymap files and scripts, and the maps
 * from (pane, key) to an action, read from `bind PANE KEY ACTION` lines
 * (tig's tigrc model). The format is described in keymaps/README.md.
 *
 * A key is an int as ncurses delivers it, so that the input loop can look up
 * what it read without translating: a character is its code point, a control
 * key <C-a>..<C-z> is 1..26, a special key is its KEY_* code from
 * <curses.h>. The one exception is the characters U+0101..U+01FF, which
 * wget_wch() returns as the same numbers as the key codes KEY_MIN..KEY_MAX
 * (0401..0777; U+0102 is KEY_DOWN): they live MWB_KEY_CHAR_SHIFT higher.
 * mwb_key_from_wch() turns what wget_wch() returned into a key. */
#pragma once

#include <glib.h>
#include <wchar.h>

#include "actions.h"

#define MWB_KEY_CHAR_SHIFT 0x110000

/* The panes a binding may name, NULL-terminated, "generic" first. A look-up
 * tries the pane's own map, then "generic". */
extern const char *const mwb_keymap_panes[];

/* The default keymap, keymaps/default.keys as a C string; the build
 * compiles it into the binary. */
extern const char mwb_default_keys[];

/* ---- key notation ---- */

/* Parses one key at the start of text: a character ("s", "N", "/", "é"), or
 * a name in angle brackets, case-insensitive inside them: <C-a>..<C-z>,
 * <Tab>, <S-Tab>, <Enter> (<CR>, <Return>), <Esc>, <Space>, <Lt> for '<',
 * <Hash> for '#', <BS>, <Del>, <Ins>, <Up>, <Down>, <Left>, <Right>,
 * <PgUp>, <PgDn>, <Home>, <End>, <F1>..<F63>, or <0xHEX> for any key code.
 * A '<' that no '>' closes is the character '<'.
 * With end, sets *end just past the key and leaves the rest of the text
 * alone, so that "<Down>jj" can be read key by key; without end, the text
 * must be exactly one key. Returns -1 when there is no valid key (*end is
 * then text). */
int mwb_key_parse (const char *text, const char **end);
/* The same, and on failure sets *error (if given) to a static message saying
 * why, e.g. "unknown key name '<Foo>'". */
int mwb_key_parse_full (const char *text, const char **end, const char **error);

/* The canonical notation of a key: "s", "<Tab>", "<C-l>", "<PgDn>", "<Lt>",
 * "<Hash>", "<F10>", "<0x19a>" for a key code without a name. Names the key as
 * a look-up sees it (mwb_key_normalize), so 13 and KEY_ENTER are "<Enter>" and
 * 127 is "<BS>". NULL for an int that is no key (ERR, 0, beyond Unicode). */
char *mwb_key_name (int key) G_GNUC_WARN_UNUSED_RESULT;

/* What bindings and look-ups use in place of a key: 13 (<C-m>) and KEY_ENTER
 * become 10 (<Enter>), 127 becomes KEY_BACKSPACE (<BS>). Other keys are
 * unchanged. */
int mwb_key_normalize (int key);

/* The key for what wget_wch() returned: rc is its result (OK or KEY_CODE_YES)
 * and wch what it stored. -1 for ERR. */
int mwb_key_from_wch (int rc, wint_t wch);

/* ---- keymaps ---- */

typedef struct _MwbKeymap MwbKeymap;

/* An empty keymap: every key unbound. */
MwbKeymap *mwb_keymap_new (void);
void mwb_keymap_free (MwbKeymap *km);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MwbKeymap, mwb_keymap_free)

/* Binds key in pane (NULL is "generic"). MWB_ACT_NONE unbinds: from
 * "generic" the binding goes; in another pane it hides generic's binding of
 * that key there. FALSE, binding nothing, for an unknown pane or a key that
 * mwb_key_name() rejects. */
gboolean mwb_keymap_bind (MwbKeymap *km, const char *pane, int key, MwbAction action);

/* The action of key in pane (NULL is "generic"; a pane not in
 * mwb_keymap_panes[] uses "generic" alone), or MWB_ACT_NONE. 13 and KEY_ENTER
 * find <Enter>'s binding, 127 <BS>'s. */
MwbAction mwb_keymap_lookup (const MwbKeymap *km, const char *pane, int key);

/* Reads keymap lines from data (a C string) into km, on top of what it holds.
 * Lines are `bind PANE KEY ACTION`; a `#` that starts a word starts a comment,
 * blank lines and comments are skipped. A line that cannot be used adds
 * "FILE:LINE: message" to warnings (char*, freed with g_free; may be NULL to
 * ignore them) and is skipped; later lines still count. TRUE when every line
 * was used. */
gboolean mwb_keymap_load_data (MwbKeymap *km, const char *data, const char *filename,
			       GPtrArray *warnings);
/* The same for a file; a file that cannot be read is one warning,
 * "PATH: reason", and FALSE. */
gboolean mwb_keymap_load_file (MwbKeymap *km, const char *path, GPtrArray *warnings);

/* A keymap holding mwb_default_keys. Warnings name it "default.keys"; there
 * are none unless the build is broken (a test checks). */
MwbKeymap *mwb_keymap_new_default (GPtrArray *warnings);

/* The default keymap with a named one loaded on top: NULL, "" or "default"
 * is the builtin alone; a name with a '/' is a file; any other name is
 * keymaps_dir/NAME.keys ("vi", "emacs"). A keymap that cannot be read is a
 * warning and leaves the defaults. Never NULL.
 * The user's own file is not read here: call mwb_keymap_load_user() next, so
 * that it overrides both and tests can leave it out. */
MwbKeymap *mwb_keymap_load_named (const char *name_or_file, const char *keymaps_dir,
				  GPtrArray *warnings);

/* $XDG_CONFIG_HOME/mwb/keys, or ~/.config/mwb/keys when XDG_CONFIG_HOME is
 * unset, empty or relative (the XDG rule). */
char *mwb_keymap_user_path (void) G_GNUC_WARN_UNUSED_RESULT;
/* Loads mwb_keymap_user_path() into km when the file exists; a missing file
 * is not a warning. TRUE when there were no warnings. */
gboolean mwb_keymap_load_user (MwbKeymap *km, GPtrArray *warnings);

/* ---- what the keymap says, for people ---- */

/* The names of the keys that run action in pane (NULL is "generic"), a pane's
 * own bindings and generic's that it does not hide, sorted: characters, named
 * keys, function keys, control keys, then key codes. char*, owned by the
 * array. */
GPtrArray *mwb_keymap_keys_for (const MwbKeymap *km, const char *pane, MwbAction action);

/* The help overlay: every action in mwb_actions[] order with its generic keys
 * ("-" when none), "keys  action-name  help", then a section for each pane
 * with bindings of its own. Lines are at most width columns (help text wraps,
 * anything else is cut); width <= 0 is no limit. Ends with a newline. */
char *mwb_keymap_help_text (const MwbKeymap *km, int width) G_GNUC_WARN_UNUSED_RESULT;

/* An mdoc list of km's bindings for docs/mwb.1, `.Bl -tag -width Ds` to
 * `.El`: one `.It Ic KEY , Ic KEY` item per action and pane, with the action's
 * name and help. The same keymap always gives the same text. */
char *mwb_keymap_mdoc_table (const MwbKeymap *km) G_GNUC_WARN_UNUSED_RESULT;

/* km as keymap lines that load back into the same bindings: generic first,
 * then each pane, keys sorted as in mwb_keymap_keys_for(). */
char *mwb_keymap_to_text (const MwbKeymap *km) G_GNUC_WARN_UNUSED_RESULT;
