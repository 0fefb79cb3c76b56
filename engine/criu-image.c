/* CRIU image inspector: see criu-image.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

#include "criu-image.h"
#include "push.h"

G_DEFINE_QUARK (mwb-criu-error-quark, mwb_criu_error)

#define FMT_X64 "%" G_GINT64_MODIFIER "x"

/* Limits on what an image can make the index do, far above what CRIU
 * writes, so that garbage cannot ask for gigabytes. */
#define FORMAT_DEPTH_MAX 8          /* nested messages shown in braces */
#define GUESS_FIELD_MAX 256         /* a guessed message's field numbers */
#define DUMP_IMAGES_MAX 100000      /* files of a dump directory */

/* ---- names ---- */

/* criu/include/magic.h as CRIU 4.1.1 has it (pycriu's magic.py is
 * generated from it), in its order. */
static const struct {
	guint32 magic;
	const char *name;
	const char *message;        /* its entries (images/NAME.proto) */
} magics[] = {
	{ MWB_CRIU_IMG_COMMON_MAGIC, "IMG_COMMON", NULL },
	{ MWB_CRIU_IMG_SERVICE_MAGIC, "IMG_SERVICE", NULL },
	{ 0x58313116u, "INVENTORY", "inventory_entry" },
	{ 0x50273030u, "PSTREE", "pstree_entry" },
	{ 0x56213732u, "FDINFO", "fdinfo_entry" },
	{ 0x56084025u, "PAGEMAP", "pagemap_entry" },
	{ 0x55053847u, "CORE", "core_entry" },
	{ 0x54432030u, "IDS", "task_kobj_ids_entry" },
	{ 0x54123737u, "VMAS", "vma_entry" },
	{ 0x56513555u, "PIPES", "pipe_entry" },
	{ 0x56453709u, "PIPES_DATA", "pipe_data_entry" },
	{ 0x58364939u, "FIFO", "fifo_entry" },
	{ 0x59333054u, "FIFO_DATA", "pipe_data_entry" },
	{ 0x55344201u, "SIGACT", "sa_entry" },
	{ 0x54373943u, "UNIXSK", "unix_sk_entry" },
	{ 0x56443851u, "INETSK", "inet_sk_entry" },
	{ 0x60454618u, "PACKETSK", "packet_sock_entry" },
	{ 0x57464056u, "ITIMERS", "itimer_entry" },
	{ 0x52603957u, "POSIX_TIMERS", "posix_timer_entry" },
	{ 0x56264026u, "SK_QUEUES", "sk_packet_entry" },
	{ 0x54473203u, "UTSNS", "utsns_entry" },
	{ 0x54023547u, "CREDS", "creds_entry" },
	{ 0x53115007u, "IPC_VAR", "ipc_var_entry" },
	{ 0x46283044u, "IPCNS_SHM", "ipc_shm_entry" },
	{ 0x55453737u, "IPCNS_MSG", "ipc_msg_entry" },
	{ 0x59573019u, "IPCNS_SEM", "ipc_sem_entry" },
	{ 0x50363636u, "REG_FILES", "reg_file_entry" },
	{ 0x59255641u, "EXT_FILES", "ext_file_entry" },
	{ 0x51403912u, "FS", "fs_entry" },
	{ 0x57492820u, "MM", "mm_entry" },
	{ 0x59133954u, "REMAP_FPATH", "remap_file_path_entry" },
	{ 0x52583605u, "GHOST_FILE", "ghost_file_entry" },
	{ 0x51465506u, "TCP_STREAM", "tcp_stream_entry" },
	{ 0x44523722u, "EVENTFD_FILE", "eventfd_file_entry" },
	{ 0x45023858u, "EVENTPOLL_FILE", "eventpoll_file_entry" },
	{ 0x44433746u, "EVENTPOLL_TFD", "eventpoll_tfd_entry" },
	{ 0x57323820u, "SIGNALFD", "signalfd_entry" },
	{ 0x48424431u, "INOTIFY_FILE", "inotify_file_entry" },
	{ 0x54562009u, "INOTIFY_WD", "inotify_wd_entry" },
	{ 0x55563928u, "MNTS", "mnt_entry" },
	{ 0x57373951u, "NETDEV", "net_device_entry" },
	{ 0x55933752u, "NETNS", "netns_entry" },
	{ 0x59433025u, "TTY_FILES", "tty_file_entry" },
	{ 0x59453036u, "TTY_INFO", "tty_info_entry" },
	{ 0x59413026u, "TTY_DATA", "tty_data_entry" },
	{ 0x54323616u, "FILE_LOCKS", "file_lock_entry" },
	{ 0x57113925u, "RLIMIT", "rlimit_entry" },
	{ 0x55096122u, "FANOTIFY_FILE", "fanotify_file_entry" },
	{ 0x56506035u, "FANOTIFY_MARK", "fanotify_mark_entry" },
	{ 0x59255647u, "SIGNAL", "siginfo_entry" },
	{ 0x58005614u, "NETLINK_SK", "netlink_sk_entry" },
	{ 0x61394011u, "NS_FILES", "ns_file_entry" },
	{ 0x57143751u, "TUNFILE", "tunfile_entry" },
	{ 0x59383330u, "CGROUP", "cgroup_entry" },
	{ 0x50493712u, "TIMERFD", "timerfd_entry" },
	{ 0x61404013u, "CPUINFO", "cpuinfo_entry" },
	{ 0x55474906u, "USERNS", "userns_entry" },
	{ 0x64413049u, "SECCOMP", "seccomp_entry" },
	{ 0x67343323u, "BINFMT_MISC", "binfmt_misc_entry" },
	{ 0x49353943u, "AUTOFS", "autofs_entry" },
	{ 0x56303138u, "FILES", "file_entry" },
	{ 0x48453499u, "MEMFD_INODE", "memfd_inode_entry" },
	{ 0x43114433u, "TIMENS", "timens_entry" },
	{ 0x61157326u, "PIDNS", "pidns_entry" },
	{ 0x57506142u, "BPFMAP_FILE", "bpfmap_file_entry" },
	{ 0x64324033u, "BPFMAP_DATA", "bpfmap_data_entry" },
	{ 0x59423047u, "APPARMOR", "apparmor_entry" },
	{ 0x54435556u, "PIDFD", "pidfd_entry" },
	{ 0x57093306u, "STATS", "stats_entry" },
	{ 0x57004059u, "IRMAP_CACHE", "irmap_cache_entry" },
	{ 0x57023458u, "KDAT", NULL },
};

const char *
mwb_criu_magic_name (guint32 magic)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS (magics); i++)
		if (magics[i].magic == magic)
			return magics[i].name;
	return NULL;
}

guint32
mwb_criu_magic_from_name (const char *name)
{
	gsize i;

	if (name == NULL)
		return 0;
	for (i = 0; i < G_N_ELEMENTS (magics); i++)
		if (strcmp (magics[i].name, name) == 0)
			return magics[i].magic;
	return 0;
}

gboolean
mwb_criu_is_leading_magic (guint32 word)
{
	return word == MWB_CRIU_IMG_COMMON_MAGIC || word == MWB_CRIU_IMG_SERVICE_MAGIC
	       || word == MWB_CRIU_INVENTORY_MAGIC;
}

const char *
mwb_criu_magic_message (guint32 magic)
{
	gsize i;

	for (i = 0; i < G_N_ELEMENTS (magics); i++)
		if (magics[i].magic == magic)
			return magics[i].message;
	return NULL;
}

/* The images CRIU writes with RAW_IMAGE_MAGIC (criu/image-desc.c): other
 * tools' output, or pages, kept as they are. */
static const struct {
	const char *prefix;
	const char *type;
} raw_images[] = {
	{ "pages-", "PAGES" },
	{ "ifaddr-", "IFADDR" },
	{ "route-", "ROUTE" },
	{ "route6-", "ROUTE6" },
	{ "rule-", "RULE" },
	{ "iptables-", "IPTABLES" },
	{ "ip6tables-", "IP6TABLES" },
	{ "nftables-", "NFTABLES" },
	{ "netns-ct-", "NETNF_CT" },
	{ "netns-exp-", "NETNF_EXP" },
	{ "tmpfs-dev-", "TMPFS_DEV" },
	{ "tmpfs-", "TMPFS_IMG" },
};

static const char *
base_name (const char *name)
{
	const char *slash;

	if (name == NULL)
		return NULL;
	slash = strrchr (name, '/');
	return slash != NULL ? slash + 1 : name;
}

/* "PREFIX" then digits (and, for tmpfs, ".tar.gz") then ".img". */
static gboolean
numbered_name (const char *name, const char *prefix, const char *tail)
{
	const char *p;

	if (!g_str_has_prefix (name, prefix))
		return FALSE;
	p = name + strlen (prefix);
	if (!g_ascii_isdigit (*p))
		return FALSE;
	while (g_ascii_isdigit (*p))
		p++;
	return strcmp (p, tail) == 0;
}

const char *
mwb_criu_raw_image_type (const char *name)
{
	gsize i;

	name = base_name (name);
	if (name == NULL)
		return NULL;
	for (i = 0; i < G_N_ELEMENTS (raw_images); i++) {
		const char *tail = g_str_has_prefix (raw_images[i].type, "TMPFS") ? ".tar.gz.img" : ".img";

		if (numbered_name (name, raw_images[i].prefix, tail))
			return raw_images[i].type;
	}
	return NULL;
}

gboolean
mwb_criu_pages_name_id (const char *name, guint32 *pages_id)
{
	guint64 n;

	name = base_name (name);
	if (name == NULL || !numbered_name (name, "pages-", ".img"))
		return FALSE;
	n = g_ascii_strtoull (name + 6, NULL, 10);
	if (n > G_MAXUINT32)
		return FALSE;
	if (pages_id != NULL)
		*pages_id = (guint32) n;
	return TRUE;
}

char *
mwb_criu_pagemap_flags_string (guint32 flags)
{
	static const struct {
		guint32 bit;
		const char *name;
	} names[] = {
		{ MWB_CRIU_PE_PARENT, "PE_PARENT" },
		{ MWB_CRIU_PE_LAZY, "PE_LAZY" },
		{ MWB_CRIU_PE_PRESENT, "PE_PRESENT" },
	};
	GString *s = g_string_new (NULL);
	gsize i;

	for (i = 0; i < G_N_ELEMENTS (names); i++) {
		if ((flags & names[i].bit) == 0)
			continue;
		if (s->len > 0)
			g_string_append_c (s, '|');
		g_string_append (s, names[i].name);
		flags &= ~names[i].bit;
	}
	if (flags != 0)
		g_string_append_printf (s, "%s0x%x", s->len > 0 ? "|" : "", flags);
	if (s->len == 0)
		g_string_append (s, "0");
	return g_string_free (s, FALSE);
}

const char *
mwb_criu_task_state_name (guint32 state)
{
	switch (state) {
	case 0x01:
		return "alive";
	case 0x02:
		return "dead";
	case 0x03:
		return "stopped";
	case 0x06:
		return "zombie";
	case 0x80:
		return "helper";
	case 0x81:
		return "thread";
	default:
		return NULL;
	}
}

static const char *const fd_types[] = {
	"UND", "REG", "PIPE", "FIFO", "INETSK", "UNIXSK", "EVENTFD", "EVENTPOLL", "INOTIFY", "SIGNALFD",
	"PACKETSK", "TTY", "FANOTIFY", "NETLINKSK", "NS", "TUNF", "EXT", "TIMERFD", "MEMFD", "BPFMAP", "PIDFD",
};

const char *
mwb_criu_fd_type_name (guint32 type)
{
	if (type < G_N_ELEMENTS (fd_types))
		return fd_types[type];
	if (type == 65534)
		return "CTL_TTY";
	if (type == 65535)
		return "AUTOFS_PIPE";
	return NULL;
}

/* ---- the protobuf wire format ---- */

static gboolean
read_varint (const guint8 *d, gsize len, gsize *at, guint64 *value)
{
	guint64 v = 0;
	guint shift = 0;

	while (*at < len && shift < 70) {
		guint8 b = d[(*at)++];

		/* the tenth byte holds bit 63 alone */
		if (shift == 63 && (b & 0x7e) != 0)
			return FALSE;
		v |= (guint64) (b & 0x7f) << shift;
		if ((b & 0x80) == 0) {
			*value = v;
			return TRUE;
		}
		shift += 7;
	}
	return FALSE;
}

static guint32
le32 (const guint8 *p)
{
	return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static guint64
le64 (const guint8 *p)
{
	return (guint64) le32 (p) | (guint64) le32 (p + 4) << 32;
}

gboolean
mwb_criu_pb_split (const guint8 *data, gsize len, GArray *fields, gsize *bad_at, const char **reason)
{
	gsize at = 0;

	g_return_val_if_fail (data != NULL || len == 0, FALSE);

	while (at < len) {
		MwbCriuField f = { 0 };
		guint64 key, v;
		const char *why = NULL;

		f.offset = at;
		if (!read_varint (data, len, &at, &key)) {
			why = "a field key runs past the end or past 10 bytes";
		} else if ((key >> 3) == 0 || (key >> 3) > 0x1fffffff) {
			why = key >> 3 == 0 ? "field number 0" : "field number past 2^29";
		} else {
			f.number = (guint32) (key >> 3);
			f.wire = (MwbCriuWire) (key & 7);
			f.value_offset = at;
			switch (key & 7) {
			case MWB_CRIU_WIRE_VARINT:
				if (!read_varint (data, len, &at, &v))
					why = "a varint runs past the end or past 10 bytes";
				f.value = v;
				break;
			case MWB_CRIU_WIRE_FIXED64:
				if (len - at < 8) {
					why = "a fixed64 runs past the end";
					break;
				}
				f.value = le64 (data + at);
				at += 8;
				break;
			case MWB_CRIU_WIRE_FIXED32:
				if (len - at < 4) {
					why = "a fixed32 runs past the end";
					break;
				}
				f.value = le32 (data + at);
				at += 4;
				break;
			case MWB_CRIU_WIRE_BYTES:
				if (!read_varint (data, len, &at, &v)) {
					why = "a length runs past the end or past 10 bytes";
				} else if (v > len - at) {
					why = "a length-delimited field runs past the end";
				} else {
					f.value = v;
					f.value_offset = at;
					at += (gsize) v;
				}
				break;
			default:
				why = (key & 7) == 3 || (key & 7) == 4 ? "a group (wire type 3 or 4)" : "wire type 6 or 7";
				break;
			}
		}
		if (why != NULL) {
			if (bad_at != NULL)
				*bad_at = f.offset;
			if (reason != NULL)
				*reason = why;
			return FALSE;
		}
		f.length = at - f.offset;
		if (fields != NULL)
			g_array_append_val (fields, f);
	}
	return TRUE;
}

/* The last field with that number, as the wire has it: FALSE if none. */
static gboolean
find_field (const guint8 *data, gsize len, guint32 number, MwbCriuField *out)
{
	g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
	gboolean found = FALSE;
	guint i;

	if (!mwb_criu_pb_split (data, len, fields, NULL, NULL))
		return FALSE;
	for (i = 0; i < fields->len; i++) {
		const MwbCriuField *f = &g_array_index (fields, MwbCriuField, i);

		if (f->number == number) {
			*out = *f;
			found = TRUE;
		}
	}
	return found;
}

gboolean
mwb_criu_pb_uint (const guint8 *data, gsize len, guint32 number, guint64 *value)
{
	MwbCriuField f;

	if (!find_field (data, len, number, &f) || f.wire == MWB_CRIU_WIRE_BYTES)
		return FALSE;
	if (value != NULL)
		*value = f.value;
	return TRUE;
}

gboolean
mwb_criu_pb_bytes (const guint8 *data, gsize len, guint32 number, const guint8 **value, gsize *value_len)
{
	MwbCriuField f;

	if (!find_field (data, len, number, &f) || f.wire != MWB_CRIU_WIRE_BYTES)
		return FALSE;
	if (value != NULL)
		*value = data + f.value_offset;
	if (value_len != NULL)
		*value_len = (gsize) f.value;
	return TRUE;
}

guint
mwb_criu_pb_count (const guint8 *data, gsize len, guint32 number)
{
	g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
	guint i, n = 0;

	if (!mwb_criu_pb_split (data, len, fields, NULL, NULL))
		return 0;
	for (i = 0; i < fields->len; i++)
		if (g_array_index (fields, MwbCriuField, i).number == number)
			n++;
	return n;
}

/* Goes down path[0 .. depth-2], leaving the innermost message. */
static gboolean
descend (const guint8 **data, gsize *len, const guint32 *path, guint depth)
{
	guint i;

	for (i = 0; i + 1 < depth; i++)
		if (!mwb_criu_pb_bytes (*data, *len, path[i], data, len))
			return FALSE;
	return TRUE;
}

gboolean
mwb_criu_pb_path_uint (const guint8 *data, gsize len, const guint32 *path, guint depth, guint64 *value)
{
	if (depth == 0 || !descend (&data, &len, path, depth))
		return FALSE;
	return mwb_criu_pb_uint (data, len, path[depth - 1], value);
}

gboolean
mwb_criu_pb_path_bytes (const guint8 *data, gsize len, const guint32 *path, guint depth,
                        const guint8 **value, gsize *value_len)
{
	if (depth == 0 || !descend (&data, &len, path, depth))
		return FALSE;
	return mwb_criu_pb_bytes (data, len, path[depth - 1], value, value_len);
}

/* ---- what the fields are called ---- */

#define U MWB_CRIU_PB_UINT
#define S MWB_CRIU_PB_SINT
#define I MWB_CRIU_PB_INT
#define X MWB_CRIU_PB_HEX
#define B MWB_CRIU_PB_BOOL
#define E MWB_CRIU_PB_ENUM
#define T MWB_CRIU_PB_STRING
#define Y MWB_CRIU_PB_BYTES
#define M MWB_CRIU_PB_MESSAGE

/* From CRIU 4.1.1's .proto files: the messages worth names.  Fields
 * marked (criu).hex there are HEX here. */
static const MwbCriuPbFieldDef field_defs[] = {
	{ "inventory_entry", 1, "img_version", U, NULL, FALSE },
	{ "inventory_entry", 2, "fdinfo_per_id", B, NULL, FALSE },
	{ "inventory_entry", 3, "root_ids", M, "task_kobj_ids_entry", FALSE },
	{ "inventory_entry", 4, "ns_per_id", B, NULL, FALSE },
	{ "inventory_entry", 5, "root_cg_set", U, NULL, FALSE },
	{ "inventory_entry", 6, "lsmtype", E, NULL, FALSE },
	{ "inventory_entry", 8, "dump_uptime", U, NULL, FALSE },
	{ "inventory_entry", 9, "pre_dump_mode", U, NULL, FALSE },
	{ "inventory_entry", 10, "tcp_close", B, NULL, FALSE },
	{ "inventory_entry", 11, "network_lock_method", U, NULL, FALSE },
	{ "inventory_entry", 12, "plugins_entry", M, "plugins_entry", FALSE },
	{ "inventory_entry", 13, "dump_criu_run_id", T, NULL, FALSE },
	{ "plugins_entry", 12, "plugins", T, NULL, TRUE },

	{ "task_kobj_ids_entry", 1, "vm_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 2, "files_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 3, "fs_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 4, "sighand_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 5, "pid_ns_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 6, "net_ns_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 7, "ipc_ns_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 8, "uts_ns_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 9, "mnt_ns_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 10, "user_ns_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 11, "cgroup_ns_id", U, NULL, FALSE },
	{ "task_kobj_ids_entry", 12, "time_ns_id", U, NULL, FALSE },

	{ "pstree_entry", 1, "pid", U, NULL, FALSE },
	{ "pstree_entry", 2, "ppid", U, NULL, FALSE },
	{ "pstree_entry", 3, "pgid", U, NULL, FALSE },
	{ "pstree_entry", 4, "sid", U, NULL, FALSE },
	{ "pstree_entry", 5, "threads", U, NULL, TRUE },

	{ "core_entry", 1, "mtype", E, NULL, FALSE },
	{ "core_entry", 2, "thread_info", M, "thread_info_x86", FALSE },
	{ "core_entry", 3, "tc", M, "task_core_entry", FALSE },
	{ "core_entry", 4, "ids", M, "task_kobj_ids_entry", FALSE },
	{ "core_entry", 5, "thread_core", M, "thread_core_entry", FALSE },
	{ "core_entry", 6, "ti_arm", M, NULL, FALSE },
	{ "core_entry", 8, "ti_aarch64", M, NULL, FALSE },
	{ "core_entry", 9, "ti_ppc64", M, NULL, FALSE },
	{ "core_entry", 10, "ti_s390", M, NULL, FALSE },
	{ "core_entry", 11, "ti_mips", M, NULL, FALSE },
	{ "core_entry", 12, "ti_loongarch64", M, NULL, FALSE },
	{ "core_entry", 13, "ti_riscv64", M, NULL, FALSE },

	{ "thread_info_x86", 1, "clear_tid_addr", X, NULL, FALSE },
	{ "thread_info_x86", 2, "gpregs", M, "user_x86_regs_entry", FALSE },
	{ "thread_info_x86", 3, "fpregs", M, NULL, FALSE },
	{ "thread_info_x86", 4, "tls", M, NULL, TRUE },
	{ "user_x86_regs_entry", 1, "r15", X, NULL, FALSE },
	{ "user_x86_regs_entry", 2, "r14", X, NULL, FALSE },
	{ "user_x86_regs_entry", 3, "r13", X, NULL, FALSE },
	{ "user_x86_regs_entry", 4, "r12", X, NULL, FALSE },
	{ "user_x86_regs_entry", 5, "bp", X, NULL, FALSE },
	{ "user_x86_regs_entry", 6, "bx", X, NULL, FALSE },
	{ "user_x86_regs_entry", 7, "r11", X, NULL, FALSE },
	{ "user_x86_regs_entry", 8, "r10", X, NULL, FALSE },
	{ "user_x86_regs_entry", 9, "r9", X, NULL, FALSE },
	{ "user_x86_regs_entry", 10, "r8", X, NULL, FALSE },
	{ "user_x86_regs_entry", 11, "ax", X, NULL, FALSE },
	{ "user_x86_regs_entry", 12, "cx", X, NULL, FALSE },
	{ "user_x86_regs_entry", 13, "dx", X, NULL, FALSE },
	{ "user_x86_regs_entry", 14, "si", X, NULL, FALSE },
	{ "user_x86_regs_entry", 15, "di", X, NULL, FALSE },
	{ "user_x86_regs_entry", 16, "orig_ax", X, NULL, FALSE },
	{ "user_x86_regs_entry", 17, "ip", X, NULL, FALSE },
	{ "user_x86_regs_entry", 18, "cs", X, NULL, FALSE },
	{ "user_x86_regs_entry", 19, "flags", X, NULL, FALSE },
	{ "user_x86_regs_entry", 20, "sp", X, NULL, FALSE },
	{ "user_x86_regs_entry", 21, "ss", X, NULL, FALSE },
	{ "user_x86_regs_entry", 22, "fs_base", X, NULL, FALSE },
	{ "user_x86_regs_entry", 23, "gs_base", X, NULL, FALSE },
	{ "user_x86_regs_entry", 24, "ds", X, NULL, FALSE },
	{ "user_x86_regs_entry", 25, "es", X, NULL, FALSE },
	{ "user_x86_regs_entry", 26, "fs", X, NULL, FALSE },
	{ "user_x86_regs_entry", 27, "gs", X, NULL, FALSE },
	{ "user_x86_regs_entry", 28, "mode", E, NULL, FALSE },

	{ "task_core_entry", 1, "task_state", E, NULL, FALSE },
	{ "task_core_entry", 2, "exit_code", U, NULL, FALSE },
	{ "task_core_entry", 3, "personality", U, NULL, FALSE },
	{ "task_core_entry", 4, "flags", X, NULL, FALSE },
	{ "task_core_entry", 5, "blk_sigset", X, NULL, FALSE },
	{ "task_core_entry", 6, "comm", T, NULL, FALSE },
	{ "task_core_entry", 7, "timers", M, "task_timers_entry", FALSE },
	{ "task_core_entry", 8, "rlimits", M, "task_rlimits_entry", FALSE },
	{ "task_core_entry", 9, "cg_set", U, NULL, FALSE },
	{ "task_core_entry", 10, "signals_s", M, "signal_queue_entry", FALSE },
	{ "task_core_entry", 11, "old_seccomp_mode", E, NULL, FALSE },
	{ "task_core_entry", 12, "old_seccomp_filter", U, NULL, FALSE },
	{ "task_core_entry", 13, "loginuid", U, NULL, FALSE },
	{ "task_core_entry", 14, "oom_score_adj", I, NULL, FALSE },
	{ "task_core_entry", 15, "sigactions", M, "sa_entry", TRUE },
	{ "task_core_entry", 18, "child_subreaper", B, NULL, FALSE },
	{ "task_core_entry", 20, "blk_sigset_extended", X, NULL, FALSE },
	{ "task_core_entry", 21, "stop_signo", U, NULL, FALSE },
	{ "task_core_entry", 22, "membarrier_registration_mask", X, NULL, FALSE },
	{ "task_timers_entry", 1, "real", M, "itimer_entry", FALSE },
	{ "task_timers_entry", 2, "virt", M, "itimer_entry", FALSE },
	{ "task_timers_entry", 3, "prof", M, "itimer_entry", FALSE },
	{ "task_timers_entry", 4, "posix", M, NULL, TRUE },
	{ "itimer_entry", 1, "isec", U, NULL, FALSE },
	{ "itimer_entry", 2, "iusec", U, NULL, FALSE },
	{ "itimer_entry", 3, "vsec", U, NULL, FALSE },
	{ "itimer_entry", 4, "vusec", U, NULL, FALSE },
	{ "task_rlimits_entry", 1, "rlimits", M, "rlimit_entry", TRUE },
	{ "rlimit_entry", 1, "cur", U, NULL, FALSE },
	{ "rlimit_entry", 2, "max", U, NULL, FALSE },
	{ "signal_queue_entry", 1, "signals", M, "siginfo_entry", TRUE },
	{ "siginfo_entry", 1, "siginfo", Y, NULL, FALSE },
	{ "sa_entry", 1, "sigaction", X, NULL, FALSE },
	{ "sa_entry", 2, "flags", X, NULL, FALSE },
	{ "sa_entry", 3, "restorer", X, NULL, FALSE },
	{ "sa_entry", 4, "mask", X, NULL, FALSE },
	{ "sa_entry", 5, "compat_sigaction", B, NULL, FALSE },
	{ "sa_entry", 6, "mask_extended", X, NULL, FALSE },

	{ "thread_core_entry", 1, "futex_rla", X, NULL, FALSE },
	{ "thread_core_entry", 2, "futex_rla_len", U, NULL, FALSE },
	{ "thread_core_entry", 3, "sched_nice", S, NULL, FALSE },
	{ "thread_core_entry", 4, "sched_policy", U, NULL, FALSE },
	{ "thread_core_entry", 5, "sched_prio", U, NULL, FALSE },
	{ "thread_core_entry", 6, "blk_sigset", X, NULL, FALSE },
	{ "thread_core_entry", 7, "sas", M, "thread_sas_entry", FALSE },
	{ "thread_core_entry", 8, "pdeath_sig", U, NULL, FALSE },
	{ "thread_core_entry", 9, "signals_p", M, "signal_queue_entry", FALSE },
	{ "thread_core_entry", 10, "creds", M, "creds_entry", FALSE },
	{ "thread_core_entry", 11, "seccomp_mode", E, NULL, FALSE },
	{ "thread_core_entry", 12, "seccomp_filter", U, NULL, FALSE },
	{ "thread_core_entry", 13, "comm", T, NULL, FALSE },
	{ "thread_core_entry", 14, "blk_sigset_extended", X, NULL, FALSE },
	{ "thread_core_entry", 15, "rseq_entry", M, "rseq_entry", FALSE },
	{ "thread_core_entry", 16, "cg_set", U, NULL, FALSE },
	{ "thread_sas_entry", 1, "ss_sp", X, NULL, FALSE },
	{ "thread_sas_entry", 2, "ss_size", U, NULL, FALSE },
	{ "thread_sas_entry", 3, "ss_flags", U, NULL, FALSE },
	{ "rseq_entry", 1, "rseq_abi_pointer", X, NULL, FALSE },
	{ "rseq_entry", 2, "rseq_abi_size", U, NULL, FALSE },
	{ "rseq_entry", 3, "signature", X, NULL, FALSE },
	{ "rseq_entry", 4, "rseq_cs_pointer", X, NULL, FALSE },

	{ "creds_entry", 1, "uid", U, NULL, FALSE },
	{ "creds_entry", 2, "gid", U, NULL, FALSE },
	{ "creds_entry", 3, "euid", U, NULL, FALSE },
	{ "creds_entry", 4, "egid", U, NULL, FALSE },
	{ "creds_entry", 5, "suid", U, NULL, FALSE },
	{ "creds_entry", 6, "sgid", U, NULL, FALSE },
	{ "creds_entry", 7, "fsuid", U, NULL, FALSE },
	{ "creds_entry", 8, "fsgid", U, NULL, FALSE },
	{ "creds_entry", 9, "cap_inh", X, NULL, TRUE },
	{ "creds_entry", 10, "cap_prm", X, NULL, TRUE },
	{ "creds_entry", 11, "cap_eff", X, NULL, TRUE },
	{ "creds_entry", 12, "cap_bnd", X, NULL, TRUE },
	{ "creds_entry", 13, "secbits", U, NULL, FALSE },
	{ "creds_entry", 14, "groups", U, NULL, TRUE },
	{ "creds_entry", 15, "lsm_profile", T, NULL, FALSE },
	{ "creds_entry", 16, "lsm_sockcreate", T, NULL, FALSE },
	{ "creds_entry", 17, "apparmor_data", Y, NULL, FALSE },
	{ "creds_entry", 18, "no_new_privs", U, NULL, FALSE },
	{ "creds_entry", 19, "cap_amb", X, NULL, TRUE },

	{ "mm_entry", 1, "mm_start_code", X, NULL, FALSE },
	{ "mm_entry", 2, "mm_end_code", X, NULL, FALSE },
	{ "mm_entry", 3, "mm_start_data", X, NULL, FALSE },
	{ "mm_entry", 4, "mm_end_data", X, NULL, FALSE },
	{ "mm_entry", 5, "mm_start_stack", X, NULL, FALSE },
	{ "mm_entry", 6, "mm_start_brk", X, NULL, FALSE },
	{ "mm_entry", 7, "mm_brk", X, NULL, FALSE },
	{ "mm_entry", 8, "mm_arg_start", X, NULL, FALSE },
	{ "mm_entry", 9, "mm_arg_end", X, NULL, FALSE },
	{ "mm_entry", 10, "mm_env_start", X, NULL, FALSE },
	{ "mm_entry", 11, "mm_env_end", X, NULL, FALSE },
	{ "mm_entry", 12, "exe_file_id", U, NULL, FALSE },
	{ "mm_entry", 13, "mm_saved_auxv", U, NULL, TRUE },
	{ "mm_entry", 14, "vmas", M, "vma_entry", TRUE },
	{ "mm_entry", 15, "dumpable", I, NULL, FALSE },
	{ "mm_entry", 16, "aios", M, NULL, TRUE },
	{ "mm_entry", 17, "thp_disabled", B, NULL, FALSE },
	{ "vma_entry", 1, "start", X, NULL, FALSE },
	{ "vma_entry", 2, "end", X, NULL, FALSE },
	{ "vma_entry", 3, "pgoff", U, NULL, FALSE },
	{ "vma_entry", 4, "shmid", U, NULL, FALSE },
	{ "vma_entry", 5, "prot", X, NULL, FALSE },
	{ "vma_entry", 6, "flags", X, NULL, FALSE },
	{ "vma_entry", 7, "status", X, NULL, FALSE },
	{ "vma_entry", 8, "fd", S, NULL, FALSE },
	{ "vma_entry", 9, "madv", X, NULL, FALSE },
	{ "vma_entry", 10, "fdflags", X, NULL, FALSE },

	{ "pagemap_head", 1, "pages_id", U, NULL, FALSE },
	/* CRIU 4.2 calls field 2 compat_nr_pages and adds a 64-bit
	 * nr_pages as field 5 */
	{ "pagemap_entry", 1, "vaddr", X, NULL, FALSE },
	{ "pagemap_entry", 2, "nr_pages", U, NULL, FALSE },
	{ "pagemap_entry", 3, "in_parent", B, NULL, FALSE },
	{ "pagemap_entry", 4, "flags", E, NULL, FALSE },
	{ "pagemap_entry", 5, "nr_pages64", U, NULL, FALSE },

	{ "fdinfo_entry", 1, "id", U, NULL, FALSE },
	{ "fdinfo_entry", 2, "flags", X, NULL, FALSE },
	{ "fdinfo_entry", 3, "type", E, NULL, FALSE },
	{ "fdinfo_entry", 4, "fd", U, NULL, FALSE },
	{ "fdinfo_entry", 5, "xattr_security_selinux", T, NULL, FALSE },

	{ "file_entry", 1, "type", E, NULL, FALSE },
	{ "file_entry", 2, "id", U, NULL, FALSE },
	{ "file_entry", 3, "reg", M, "reg_file_entry", FALSE },
	{ "file_entry", 4, "isk", M, NULL, FALSE },
	{ "file_entry", 5, "nsf", M, "ns_file_entry", FALSE },
	{ "file_entry", 6, "psk", M, NULL, FALSE },
	{ "file_entry", 7, "nlsk", M, NULL, FALSE },
	{ "file_entry", 8, "efd", M, "eventfd_file_entry", FALSE },
	{ "file_entry", 9, "epfd", M, NULL, FALSE },
	{ "file_entry", 10, "sgfd", M, "signalfd_entry", FALSE },
	{ "file_entry", 11, "tunf", M, NULL, FALSE },
	{ "file_entry", 12, "tfd", M, "timerfd_entry", FALSE },
	{ "file_entry", 13, "ify", M, NULL, FALSE },
	{ "file_entry", 14, "ffy", M, NULL, FALSE },
	{ "file_entry", 15, "ext", M, NULL, FALSE },
	{ "file_entry", 16, "usk", M, "unix_sk_entry", FALSE },
	{ "file_entry", 17, "fifo", M, "fifo_entry", FALSE },
	{ "file_entry", 18, "pipe", M, "pipe_entry", FALSE },
	{ "file_entry", 19, "tty", M, "tty_file_entry", FALSE },
	{ "file_entry", 20, "memfd", M, NULL, FALSE },
	{ "file_entry", 21, "bpf", M, NULL, FALSE },
	{ "file_entry", 22, "pidfd", M, NULL, FALSE },
	{ "reg_file_entry", 1, "id", U, NULL, FALSE },
	{ "reg_file_entry", 2, "flags", X, NULL, FALSE },
	{ "reg_file_entry", 3, "pos", U, NULL, FALSE },
	{ "reg_file_entry", 5, "fown", M, "fown_entry", FALSE },
	{ "reg_file_entry", 6, "name", T, NULL, FALSE },
	{ "reg_file_entry", 7, "mnt_id", S, NULL, FALSE },
	{ "reg_file_entry", 8, "size", U, NULL, FALSE },
	{ "reg_file_entry", 9, "ext", B, NULL, FALSE },
	{ "reg_file_entry", 10, "mode", U, NULL, FALSE },
	{ "reg_file_entry", 11, "build_id", X, NULL, TRUE },
	{ "reg_file_entry", 12, "checksum", U, NULL, FALSE },
	{ "reg_file_entry", 13, "checksum_config", U, NULL, FALSE },
	{ "reg_file_entry", 14, "checksum_parameter", U, NULL, FALSE },
	{ "fown_entry", 1, "uid", U, NULL, FALSE },
	{ "fown_entry", 2, "euid", U, NULL, FALSE },
	{ "fown_entry", 3, "signum", U, NULL, FALSE },
	{ "fown_entry", 4, "pid_type", U, NULL, FALSE },
	{ "fown_entry", 5, "pid", U, NULL, FALSE },
	{ "ns_file_entry", 1, "id", U, NULL, FALSE },
	{ "ns_file_entry", 2, "ns_id", U, NULL, FALSE },
	{ "ns_file_entry", 3, "ns_cflag", X, NULL, FALSE },
	{ "ns_file_entry", 4, "flags", X, NULL, FALSE },
	{ "eventfd_file_entry", 1, "id", U, NULL, FALSE },
	{ "eventfd_file_entry", 2, "flags", X, NULL, FALSE },
	{ "eventfd_file_entry", 3, "fown", M, "fown_entry", FALSE },
	{ "eventfd_file_entry", 4, "counter", U, NULL, FALSE },
	{ "signalfd_entry", 1, "id", U, NULL, FALSE },
	{ "signalfd_entry", 2, "flags", X, NULL, FALSE },
	{ "signalfd_entry", 3, "fown", M, "fown_entry", FALSE },
	{ "signalfd_entry", 4, "sigmask", X, NULL, FALSE },
	{ "timerfd_entry", 1, "id", U, NULL, FALSE },
	{ "timerfd_entry", 2, "flags", X, NULL, FALSE },
	{ "timerfd_entry", 3, "fown", M, "fown_entry", FALSE },
	{ "timerfd_entry", 4, "clockid", U, NULL, FALSE },
	{ "timerfd_entry", 5, "ticks", U, NULL, FALSE },
	{ "timerfd_entry", 6, "settime_flags", X, NULL, FALSE },
	{ "timerfd_entry", 7, "vsec", U, NULL, FALSE },
	{ "timerfd_entry", 8, "vnsec", U, NULL, FALSE },
	{ "timerfd_entry", 9, "isec", U, NULL, FALSE },
	{ "timerfd_entry", 10, "insec", U, NULL, FALSE },
	{ "unix_sk_entry", 1, "id", U, NULL, FALSE },
	{ "unix_sk_entry", 2, "ino", U, NULL, FALSE },
	{ "unix_sk_entry", 3, "type", U, NULL, FALSE },
	{ "unix_sk_entry", 4, "state", U, NULL, FALSE },
	{ "unix_sk_entry", 5, "flags", X, NULL, FALSE },
	{ "unix_sk_entry", 6, "uflags", X, NULL, FALSE },
	{ "unix_sk_entry", 7, "backlog", U, NULL, FALSE },
	{ "unix_sk_entry", 8, "peer", U, NULL, FALSE },
	{ "unix_sk_entry", 9, "fown", M, "fown_entry", FALSE },
	{ "unix_sk_entry", 10, "opts", M, NULL, FALSE },
	{ "unix_sk_entry", 11, "name", Y, NULL, FALSE },
	{ "unix_sk_entry", 12, "shutdown", E, NULL, FALSE },
	{ "unix_sk_entry", 13, "file_perms", M, NULL, FALSE },
	{ "unix_sk_entry", 14, "name_dir", T, NULL, FALSE },
	{ "unix_sk_entry", 15, "deleted", B, NULL, FALSE },
	{ "unix_sk_entry", 16, "ns_id", U, NULL, FALSE },
	{ "unix_sk_entry", 17, "mnt_id", S, NULL, FALSE },
	{ "pipe_entry", 1, "id", U, NULL, FALSE },
	{ "pipe_entry", 2, "pipe_id", U, NULL, FALSE },
	{ "pipe_entry", 3, "flags", X, NULL, FALSE },
	{ "pipe_entry", 4, "fown", M, "fown_entry", FALSE },
	{ "fifo_entry", 1, "id", U, NULL, FALSE },
	{ "fifo_entry", 2, "pipe_id", U, NULL, FALSE },
	{ "fifo_entry", 3, "regf_id", U, NULL, FALSE },
	{ "tty_file_entry", 1, "id", U, NULL, FALSE },
	{ "tty_file_entry", 2, "tty_info_id", U, NULL, FALSE },
	{ "tty_file_entry", 3, "flags", X, NULL, FALSE },
	{ "tty_file_entry", 4, "fown", M, "fown_entry", FALSE },
	{ "tty_file_entry", 6, "regf_id", U, NULL, FALSE },

	{ "pipe_data_entry", 1, "pipe_id", U, NULL, FALSE },
	{ "pipe_data_entry", 2, "bytes", U, NULL, FALSE },
	{ "pipe_data_entry", 3, "size", U, NULL, FALSE },
	{ "sk_packet_entry", 1, "id_for", U, NULL, FALSE },
	{ "sk_packet_entry", 2, "length", U, NULL, FALSE },
	{ "sk_packet_entry", 4, "scm", M, NULL, TRUE },
	{ "tcp_stream_entry", 1, "inq_len", U, NULL, FALSE },
	{ "tcp_stream_entry", 2, "inq_seq", U, NULL, FALSE },
	{ "tcp_stream_entry", 3, "outq_len", U, NULL, FALSE },
	{ "tcp_stream_entry", 4, "outq_seq", U, NULL, FALSE },
	{ "tcp_stream_entry", 5, "opt_mask", X, NULL, FALSE },
	{ "tcp_stream_entry", 6, "snd_wscale", U, NULL, FALSE },
	{ "tcp_stream_entry", 7, "mss_clamp", U, NULL, FALSE },
	{ "tcp_stream_entry", 8, "rcv_wscale", U, NULL, FALSE },
	{ "tcp_stream_entry", 9, "timestamp", U, NULL, FALSE },
	{ "tcp_stream_entry", 10, "cork", B, NULL, FALSE },
	{ "tcp_stream_entry", 11, "nodelay", B, NULL, FALSE },
	{ "tcp_stream_entry", 12, "unsq_len", U, NULL, FALSE },
	{ "tcp_stream_entry", 13, "snd_wl1", U, NULL, FALSE },
	{ "tcp_stream_entry", 14, "snd_wnd", U, NULL, FALSE },
	{ "tcp_stream_entry", 15, "max_window", U, NULL, FALSE },
	{ "tcp_stream_entry", 16, "rcv_wnd", U, NULL, FALSE },
	{ "tcp_stream_entry", 17, "rcv_wup", U, NULL, FALSE },
	{ "ghost_file_entry", 1, "uid", U, NULL, FALSE },
	{ "ghost_file_entry", 2, "gid", U, NULL, FALSE },
	{ "ghost_file_entry", 3, "mode", U, NULL, FALSE },
	{ "ghost_file_entry", 4, "dev", U, NULL, FALSE },
	{ "ghost_file_entry", 5, "ino", U, NULL, FALSE },
	{ "ghost_file_entry", 6, "rdev", U, NULL, FALSE },
	{ "ghost_file_entry", 7, "atim", M, "timeval", FALSE },
	{ "ghost_file_entry", 8, "mtim", M, "timeval", FALSE },
	{ "ghost_file_entry", 9, "chunks", B, NULL, FALSE },
	{ "ghost_file_entry", 10, "size", U, NULL, FALSE },
	{ "ghost_file_entry", 11, "symlnk_target", T, NULL, FALSE },
	{ "ghost_chunk_entry", 1, "len", U, NULL, FALSE },
	{ "ghost_chunk_entry", 2, "off", U, NULL, FALSE },
	{ "timeval", 1, "tv_sec", U, NULL, FALSE },
	{ "timeval", 2, "tv_usec", U, NULL, FALSE },
	{ "timespec", 1, "tv_sec", U, NULL, FALSE },
	{ "timespec", 2, "tv_nsec", U, NULL, FALSE },
	{ "remap_file_path_entry", 1, "orig_id", U, NULL, FALSE },
	{ "remap_file_path_entry", 2, "remap_id", U, NULL, FALSE },
	{ "remap_file_path_entry", 3, "remap_type", E, NULL, FALSE },

	{ "ipc_desc_entry", 1, "key", U, NULL, FALSE },
	{ "ipc_desc_entry", 2, "uid", U, NULL, FALSE },
	{ "ipc_desc_entry", 3, "gid", U, NULL, FALSE },
	{ "ipc_desc_entry", 4, "cuid", U, NULL, FALSE },
	{ "ipc_desc_entry", 5, "cgid", U, NULL, FALSE },
	{ "ipc_desc_entry", 6, "mode", U, NULL, FALSE },
	{ "ipc_desc_entry", 7, "id", U, NULL, FALSE },
	{ "ipc_shm_entry", 1, "desc", M, "ipc_desc_entry", FALSE },
	{ "ipc_shm_entry", 2, "size", U, NULL, FALSE },
	{ "ipc_shm_entry", 3, "in_pagemaps", B, NULL, FALSE },
	{ "ipc_shm_entry", 4, "hugetlb_flag", U, NULL, FALSE },
	{ "ipc_sem_entry", 1, "desc", M, "ipc_desc_entry", FALSE },
	{ "ipc_sem_entry", 2, "nsems", U, NULL, FALSE },
	{ "ipc_msg_entry", 1, "desc", M, "ipc_desc_entry", FALSE },
	{ "ipc_msg_entry", 2, "qbytes", U, NULL, FALSE },
	{ "ipc_msg_entry", 3, "qnum", U, NULL, FALSE },
	{ "ipc_msg", 1, "mtype", U, NULL, FALSE },
	{ "ipc_msg", 2, "msize", U, NULL, FALSE },
	{ "bpfmap_data_entry", 1, "map_id", U, NULL, FALSE },
	{ "bpfmap_data_entry", 2, "keys_bytes", U, NULL, FALSE },
	{ "bpfmap_data_entry", 3, "values_bytes", U, NULL, FALSE },
	{ "bpfmap_data_entry", 4, "count", U, NULL, FALSE },

	{ "stats_entry", 1, "dump", M, "dump_stats_entry", FALSE },
	{ "stats_entry", 2, "restore", M, "restore_stats_entry", FALSE },
	{ "dump_stats_entry", 1, "freezing_time", U, NULL, FALSE },
	{ "dump_stats_entry", 2, "frozen_time", U, NULL, FALSE },
	{ "dump_stats_entry", 3, "memdump_time", U, NULL, FALSE },
	{ "dump_stats_entry", 4, "memwrite_time", U, NULL, FALSE },
	{ "dump_stats_entry", 5, "pages_scanned", U, NULL, FALSE },
	{ "dump_stats_entry", 6, "pages_skipped_parent", U, NULL, FALSE },
	{ "dump_stats_entry", 7, "pages_written", U, NULL, FALSE },
	{ "dump_stats_entry", 8, "irmap_resolve", U, NULL, FALSE },
	{ "dump_stats_entry", 9, "pages_lazy", U, NULL, FALSE },
	{ "dump_stats_entry", 10, "page_pipes", U, NULL, FALSE },
	{ "dump_stats_entry", 11, "page_pipe_bufs", U, NULL, FALSE },
	{ "dump_stats_entry", 12, "shpages_scanned", U, NULL, FALSE },
	{ "dump_stats_entry", 13, "shpages_skipped_parent", U, NULL, FALSE },
	{ "dump_stats_entry", 14, "shpages_written", U, NULL, FALSE },
	{ "restore_stats_entry", 1, "pages_compared", U, NULL, FALSE },
	{ "restore_stats_entry", 2, "pages_skipped_cow", U, NULL, FALSE },
	{ "restore_stats_entry", 3, "forking_time", U, NULL, FALSE },
	{ "restore_stats_entry", 4, "restore_time", U, NULL, FALSE },
	{ "restore_stats_entry", 5, "pages_restored", U, NULL, FALSE },

	{ "fs_entry", 1, "cwd_id", U, NULL, FALSE },
	{ "fs_entry", 2, "root_id", U, NULL, FALSE },
	{ "fs_entry", 3, "umask", U, NULL, FALSE },
	{ "utsns_entry", 1, "nodename", T, NULL, FALSE },
	{ "utsns_entry", 2, "domainname", T, NULL, FALSE },
	{ "timens_entry", 1, "monotonic", M, "timespec", FALSE },
	{ "timens_entry", 2, "boottime", M, "timespec", FALSE },
	{ "seccomp_entry", 1, "seccomp_filters", M, "seccomp_filter", TRUE },
	{ "seccomp_filter", 1, "filter", Y, NULL, FALSE },
	{ "seccomp_filter", 2, "prev", U, NULL, FALSE },
	{ "seccomp_filter", 3, "flags", X, NULL, FALSE },
	{ "pidns_entry", 1, "ext_key", T, NULL, FALSE },
	{ "irmap_cache_entry", 1, "dev", U, NULL, FALSE },
	{ "irmap_cache_entry", 2, "inode", U, NULL, FALSE },
	{ "irmap_cache_entry", 3, "path", T, NULL, FALSE },
	{ "memfd_inode_entry", 1, "name", T, NULL, FALSE },
	{ "memfd_inode_entry", 2, "uid", U, NULL, FALSE },
	{ "memfd_inode_entry", 3, "gid", U, NULL, FALSE },
	{ "memfd_inode_entry", 4, "size", U, NULL, FALSE },
	{ "memfd_inode_entry", 5, "shmid", U, NULL, FALSE },
	{ "memfd_inode_entry", 6, "seals", X, NULL, FALSE },
	{ "memfd_inode_entry", 7, "inode_id", U, NULL, FALSE },
	{ "memfd_inode_entry", 8, "hugetlb_flag", U, NULL, FALSE },
	{ "memfd_inode_entry", 9, "mode", U, NULL, FALSE },
};

#undef U
#undef S
#undef I
#undef X
#undef B
#undef E
#undef T
#undef Y
#undef M

const MwbCriuPbFieldDef *
mwb_criu_pb_field_def (const char *message, guint32 number)
{
	gsize i;

	if (message == NULL)
		return NULL;
	for (i = 0; i < G_N_ELEMENTS (field_defs); i++)
		if (field_defs[i].number == number && strcmp (field_defs[i].message, message) == 0)
			return &field_defs[i];
	return NULL;
}

static const char *
table_name (const char *const *table, gsize n, guint64 value)
{
	return value < n ? table[value] : NULL;
}

const char *
mwb_criu_pb_enum_name (const char *message, guint32 number, guint64 value)
{
	static const char *const march[] = {
		"UNKNOWN", "X86_64", "ARM", "AARCH64", "PPC64", "S390", "MIPS", "LOONGARCH64", "RISCV64",
	};
	static const char *const lsm[] = { "NO_LSM", "SELINUX", "APPARMOR" };
	static const char *const remap[] = { "LINKED", "GHOST", "PROCFS" };
	static const char *const seccomp[] = { "disabled", "strict", "filter" };
	static const char *const shutdown[] = { "NONE", "READ", "WRITE", "BOTH" };
	static const char *const regs_mode[] = { NULL, "NATIVE", "COMPAT" };
	const MwbCriuPbFieldDef *def = mwb_criu_pb_field_def (message, number);

	if (def == NULL || def->type != MWB_CRIU_PB_ENUM)
		return NULL;
	if (strcmp (message, "core_entry") == 0)
		return table_name (march, G_N_ELEMENTS (march), value);
	if (strcmp (message, "fdinfo_entry") == 0 || strcmp (message, "file_entry") == 0)
		return value <= G_MAXUINT32 ? mwb_criu_fd_type_name ((guint32) value) : NULL;
	if (strcmp (message, "task_core_entry") == 0 && number == 1)
		return value <= G_MAXUINT32 ? mwb_criu_task_state_name ((guint32) value) : NULL;
	if (strcmp (message, "inventory_entry") == 0)
		return table_name (lsm, G_N_ELEMENTS (lsm), value);
	if (strcmp (message, "remap_file_path_entry") == 0)
		return table_name (remap, G_N_ELEMENTS (remap), value);
	if (strcmp (message, "unix_sk_entry") == 0)
		return table_name (shutdown, G_N_ELEMENTS (shutdown), value);
	if (strcmp (message, "user_x86_regs_entry") == 0)
		return table_name (regs_mode, G_N_ELEMENTS (regs_mode), value);
	if (strstr (message, "core_entry") != NULL)
		return table_name (seccomp, G_N_ELEMENTS (seccomp), value);
	return NULL;
}

gboolean
mwb_criu_pb_looks_like_text (const guint8 *data, gsize len)
{
	gsize i;

	if (len == 0 || !g_utf8_validate ((const char *) data, (gssize) len, NULL))
		return FALSE;
	for (i = 0; i < len; i++)
		if ((data[i] < 0x20 && data[i] != '\t' && data[i] != '\n') || data[i] == 0x7f)
			return FALSE;
	return TRUE;
}

gboolean
mwb_criu_pb_looks_like_message (const guint8 *data, gsize len)
{
	g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
	guint i;

	if (len == 0 || !mwb_criu_pb_split (data, len, fields, NULL, NULL))
		return FALSE;
	for (i = 0; i < fields->len; i++)
		if (g_array_index (fields, MwbCriuField, i).number >= GUESS_FIELD_MAX)
			return FALSE;
	return TRUE;
}

/* ---- formatting a message ---- */

typedef struct {
	GString *s;
	gsize max;              /* 0: no limit */
	gboolean full;          /* past max: stop adding */
} Out;

static void out_printf (Out *o, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
out_printf (Out *o, const char *format, ...)
{
	va_list args;

	if (o->full)
		return;
	va_start (args, format);
	g_string_append_vprintf (o->s, format, args);
	va_end (args);
	if (o->max > 0 && o->s->len > o->max)
		o->full = TRUE;
}

/* Text in quotes with C escapes, at most 64 characters of it. */
static void
out_quoted (Out *o, const guint8 *d, gsize len)
{
	gsize i, n = MIN (len, (gsize) 64);
	GString *q = g_string_new ("\"");

	for (i = 0; i < n; i++) {
		guint8 c = d[i];

		if (c == '"' || c == '\\')
			g_string_append_printf (q, "\\%c", c);
		else if (c == '\n')
			g_string_append (q, "\\n");
		else if (c == '\t')
			g_string_append (q, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			g_string_append_printf (q, "\\x%02x", c);
		else
			g_string_append_c (q, (char) c);
	}
	g_string_append (q, len > n ? "\"..." : "\"");
	out_printf (o, "%s", q->str);
	g_string_free (q, TRUE);
}

static void
out_hex_bytes (Out *o, const guint8 *d, gsize len)
{
	gsize i, n = MIN (len, (gsize) 16);

	for (i = 0; i < n; i++)
		out_printf (o, "%02x", d[i]);
	if (len > n)
		out_printf (o, "...");
}

static void format_message (Out *o, const char *message, const guint8 *data, gsize len, guint depth);

/* One value, as its definition or else its wire type says. */
static void
format_value (Out *o, const char *message, const MwbCriuPbFieldDef *def, const MwbCriuField *f,
              const guint8 *data, guint depth)
{
	const guint8 *v = data + f->value_offset;
	gsize vlen = (gsize) f->value;

	if (f->wire == MWB_CRIU_WIRE_BYTES) {
		MwbCriuPbType type = def != NULL ? def->type : MWB_CRIU_PB_UNKNOWN;

		if (type == MWB_CRIU_PB_MESSAGE || (type == MWB_CRIU_PB_UNKNOWN && !mwb_criu_pb_looks_like_text (v, vlen)
		                                    && mwb_criu_pb_looks_like_message (v, vlen))) {
			if (depth >= FORMAT_DEPTH_MAX) {
				out_printf (o, "{...}");
				return;
			}
			out_printf (o, "{");
			format_message (o, def != NULL ? def->nested : NULL, v, vlen, depth + 1);
			out_printf (o, "}");
		} else if (type == MWB_CRIU_PB_STRING || (type == MWB_CRIU_PB_UNKNOWN && mwb_criu_pb_looks_like_text (v, vlen))) {
			out_quoted (o, v, vlen);
		} else if (type == MWB_CRIU_PB_UNKNOWN || type == MWB_CRIU_PB_BYTES) {
			out_printf (o, "[%" G_GSIZE_FORMAT "]", vlen);
			out_hex_bytes (o, v, vlen);
		} else {
			/* a packed repeated scalar: varints one after another */
			gsize at = 0;
			guint n = 0;
			guint64 x;

			out_printf (o, "packed[");
			while (at < vlen && read_varint (v, vlen, &at, &x) && !o->full)
				out_printf (o, "%s%" G_GUINT64_FORMAT, n++ > 0 ? "," : "", x);
			out_printf (o, "]");
		}
		return;
	}
	if (def == NULL) {
		switch (f->wire) {
		case MWB_CRIU_WIRE_FIXED64:
			out_printf (o, "0x" FMT_X64, f->value);
			break;
		case MWB_CRIU_WIRE_FIXED32:
			out_printf (o, "0x%x", (guint32) f->value);
			break;
		default:
			out_printf (o, "%" G_GUINT64_FORMAT, f->value);
			break;
		}
		return;
	}
	switch (def->type) {
	case MWB_CRIU_PB_SINT:
		out_printf (o, "%" G_GINT64_FORMAT, (gint64) (f->value >> 1) ^ -(gint64) (f->value & 1));
		break;
	case MWB_CRIU_PB_INT:
		out_printf (o, "%" G_GINT64_FORMAT, (gint64) f->value);
		break;
	case MWB_CRIU_PB_HEX:
		out_printf (o, "0x" FMT_X64, f->value);
		break;
	case MWB_CRIU_PB_BOOL:
		out_printf (o, "%s", f->value == 0 ? "false" : f->value == 1 ? "true" : "true?");
		break;
	case MWB_CRIU_PB_ENUM:
		if (strcmp (message, "pagemap_entry") == 0 && f->value <= G_MAXUINT32) {
			g_autofree char *flags = mwb_criu_pagemap_flags_string ((guint32) f->value);

			out_printf (o, "%" G_GUINT64_FORMAT "(%s)", f->value, flags);
		} else {
			const char *name = mwb_criu_pb_enum_name (message, def->number, f->value);

			out_printf (o, name != NULL ? "%" G_GUINT64_FORMAT "(%s)" : "%" G_GUINT64_FORMAT "%s",
			            f->value, name != NULL ? name : "");
		}
		break;
	default:
		out_printf (o, "%" G_GUINT64_FORMAT, f->value);
		break;
	}
}

static const char *
wire_name (MwbCriuWire wire)
{
	switch (wire) {
	case MWB_CRIU_WIRE_VARINT:
		return "varint";
	case MWB_CRIU_WIRE_FIXED64:
		return "fixed64";
	case MWB_CRIU_WIRE_FIXED32:
		return "fixed32";
	case MWB_CRIU_WIRE_BYTES:
	default:
		return "bytes";
	}
}

static void
format_message (Out *o, const char *message, const guint8 *data, gsize len, guint depth)
{
	g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
	const char *reason = NULL;
	gsize bad_at = 0;
	gboolean ok = mwb_criu_pb_split (data, len, fields, &bad_at, &reason);
	guint i;

	for (i = 0; i < fields->len && !o->full; i++) {
		const MwbCriuField *f = &g_array_index (fields, MwbCriuField, i);
		const MwbCriuField *prev = i > 0 ? &g_array_index (fields, MwbCriuField, i - 1) : NULL;
		const MwbCriuField *next = i + 1 < fields->len ? &g_array_index (fields, MwbCriuField, i + 1) : NULL;
		const MwbCriuPbFieldDef *def = mwb_criu_pb_field_def (message, f->number);
		gboolean run_start = prev == NULL || prev->number != f->number;
		gboolean run_end = next == NULL || next->number != f->number;
		gboolean list = def != NULL ? def->repeated : !(run_start && run_end);

		/* a repeated field's values next to each other go in [ ] */
		if (run_start) {
			if (i > 0)
				out_printf (o, " ");
			if (def != NULL)
				out_printf (o, "%s=", def->name);
			else if (f->wire == MWB_CRIU_WIRE_BYTES)
				out_printf (o, "%u:%s", f->number,
				            mwb_criu_pb_looks_like_text (data + f->value_offset, (gsize) f->value) ? "bytes="
				            : mwb_criu_pb_looks_like_message (data + f->value_offset, (gsize) f->value) ? "msg"
				            : "bytes");
			else
				out_printf (o, "%u:%s=", f->number, wire_name (f->wire));
			if (list)
				out_printf (o, "[");
		} else {
			out_printf (o, ",");
		}
		format_value (o, message, def, f, data, depth);
		if (run_end && list)
			out_printf (o, "]");
	}
	if (!ok)
		out_printf (o, "%s!not protobuf: %s at +0x%" G_GSIZE_MODIFIER "x", fields->len > 0 ? " " : "", reason, bad_at);
}

char *
mwb_criu_pb_format (const char *message, const guint8 *data, gsize len, gsize max_chars)
{
	Out o = { g_string_new (NULL), max_chars, FALSE };

	g_return_val_if_fail (data != NULL || len == 0, NULL);

	format_message (&o, message, data, len, 0);
	if (o.full) {
		/* cut at max_chars, never inside a UTF-8 sequence */
		gsize cut = MIN (o.s->len, max_chars > 3 ? max_chars - 3 : 0);

		while (cut > 0 && ((guint8) o.s->str[cut] & 0xc0) == 0x80)
			cut--;
		g_string_truncate (o.s, cut);
		g_string_append (o.s, "...");
	}
	return g_string_free (o.s, FALSE);
}

/* ---- records ---- */

static const char *const kind_names[MWB_CRIU_KIND_COUNT] = {
	[MWB_CRIU_MAGIC] = "magic",
	[MWB_CRIU_ENTRY] = "entry",
	[MWB_CRIU_EXTRA] = "extra",
	[MWB_CRIU_PAGES] = "pages",
	[MWB_CRIU_UNPARSED] = "unparsed",
	[MWB_CRIU_DAMAGED] = "damaged",
};

const char *
mwb_criu_kind_name (MwbCriuKind kind)
{
	if ((guint) kind >= MWB_CRIU_KIND_COUNT)
		return NULL;
	return kind_names[kind];
}

char *
mwb_criu_record_describe (const MwbCriuRecord *r, gsize max_chars)
{
	g_return_val_if_fail (r != NULL, NULL);

	switch (r->kind) {
	case MWB_CRIU_MAGIC: {
		const char *name = mwb_criu_magic_name (r->magic);

		return name != NULL ? g_strdup_printf ("magic %s 0x%08x", name, r->magic)
		       : g_strdup_printf ("magic 0x%08x, not one CRIU 4.1 knows", r->magic);
	}
	case MWB_CRIU_ENTRY: {
		g_autofree char *fields = mwb_criu_pb_format (r->message, r->data, r->data != NULL ? r->payload_length : 0,
		                                              max_chars);

		return g_strdup_printf ("entry %u: %s, 0x" FMT_X64 " bytes at 0x" FMT_X64 ": %s", r->entry,
		                        r->message != NULL ? r->message : "message", r->payload_length,
		                        r->payload_offset, fields);
	}
	case MWB_CRIU_EXTRA:
		return g_strdup_printf ("%s of entry %u, 0x" FMT_X64 " bytes at 0x" FMT_X64,
		                        r->reason != NULL ? r->reason : "raw data", r->entry, r->length, r->offset);
	case MWB_CRIU_PAGES:
		if (g_strcmp0 (r->image_type, "PAGES") == 0)
			return g_strdup_printf ("pages, 0x" FMT_X64 " bytes (%" G_GUINT64_FORMAT " pages%s) at 0x" FMT_X64,
			                        r->length, r->length / MWB_CRIU_PAGE_SIZE,
			                        r->length % MWB_CRIU_PAGE_SIZE != 0 ? " and a part" : "", r->offset);
		return g_strdup_printf ("raw %s image, 0x" FMT_X64 " bytes at 0x" FMT_X64,
		                        r->image_type != NULL ? r->image_type : "", r->length, r->offset);
	case MWB_CRIU_UNPARSED:
		return g_strdup_printf ("unparsed, 0x" FMT_X64 " bytes at 0x" FMT_X64 ": %s", r->length, r->offset,
		                        r->reason != NULL ? r->reason : "");
	case MWB_CRIU_DAMAGED:
		return g_strdup_printf ("damaged, 0x" FMT_X64 " bytes at 0x" FMT_X64 ": %s", r->length, r->offset,
		                        r->reason != NULL ? r->reason : "");
	case MWB_CRIU_KIND_COUNT:
	default:
		return g_strdup_printf ("record of kind %d", r->kind);
	}
}

/* ---- the parser ---- */

typedef enum {
	ST_MAGIC,       /* the first word */
	ST_MAGIC2,      /* the image's magic after IMG_COMMON or IMG_SERVICE */
	ST_ENTRY,       /* a size word and its message */
	ST_REST,        /* the rest of the file is one record, of rest_kind */
	ST_DONE,        /* the file ends broken: nothing more to say */
} State;

struct _MwbCriuParser {
	MwbCriuOps ops;
	gpointer data;
	const char *raw_type;   /* from the name: an image without magic */

	State state;
	MwbPush push;           /* offset, pending item, want, skip */
	gboolean finished;

	guint32 magic;          /* the image's own */
	const char *type;       /* its name, or NULL */
	guint entry;            /* number of the next entry */

	/* the raw payload being skipped, and its record */
	gboolean has_deferred;
	MwbCriuRecord deferred;

	/* ST_REST */
	guint64 rest_start;
	MwbCriuKind rest_kind;
	guint rest_entry;
	char *rest_reason;

	/* how this image's entries follow each other */
	gboolean ghost_chunks;  /* GHOST_FILE: ghost_chunk_entry after the first */
	guint64 msgs_left;      /* IPCNS_MSG: ipc_msg entries still due */
};

#define NEED_MORE MWB_PUSH_NEED_MORE
#define AGAIN (-1)

static gssize parse_one (MwbCriuParser *p, const guint8 *d, gsize avail, gboolean at_eof);
static void deliver_deferred (MwbCriuParser *p);

static gssize
step (gpointer parser, const guint8 *d, gsize avail, gboolean at_eof)
{
	return parse_one (parser, d, avail, at_eof);
}

static void
skipped (gpointer parser)
{
	deliver_deferred (parser);
}

MwbCriuParser *
mwb_criu_parser_new (const MwbCriuOps *ops, gpointer data, const char *name)
{
	MwbCriuParser *p = g_new0 (MwbCriuParser, 1);

	if (ops != NULL)
		p->ops = *ops;
	p->data = data;
	mwb_push_init (&p->push, step, skipped, p, TRUE);
	p->raw_type = mwb_criu_raw_image_type (name);
	p->state = ST_MAGIC;
	if (p->raw_type != NULL) {
		/* no magic, no entries: the whole file is one record */
		p->type = p->raw_type;
		p->state = ST_REST;
		p->rest_kind = MWB_CRIU_PAGES;
	}
	return p;
}

void
mwb_criu_parser_free (MwbCriuParser *p)
{
	if (p == NULL)
		return;
	mwb_push_clear (&p->push);
	g_free (p->rest_reason);
	g_free (p);
}

guint64
mwb_criu_parser_offset (MwbCriuParser *p)
{
	g_return_val_if_fail (p != NULL, 0);

	return p->push.offset + p->push.pending->len;
}

static void
emit (MwbCriuParser *p, const MwbCriuRecord *r)
{
	if (p->ops.record != NULL)
		p->ops.record (r, p->data);
}

static void
record_init (MwbCriuParser *p, MwbCriuRecord *r, MwbCriuKind kind, guint64 offset, guint64 length)
{
	memset (r, 0, sizeof *r);
	r->kind = kind;
	r->offset = offset;
	r->length = length;
	r->magic = p->magic;
	r->image_type = p->type;
	r->entry = p->entry;
}

static void damaged (MwbCriuParser *p, guint64 offset, guint64 length, const char *format, ...) G_GNUC_PRINTF (4, 5);

static void
damaged (MwbCriuParser *p, guint64 offset, guint64 length, const char *format, ...)
{
	g_autofree char *reason = NULL;
	MwbCriuRecord r;
	va_list args;

	va_start (args, format);
	reason = g_strdup_vprintf (format, args);
	va_end (args);
	record_init (p, &r, MWB_CRIU_DAMAGED, offset, length);
	r.reason = reason;
	emit (p, &r);
}

static gssize enter_rest (MwbCriuParser *p, MwbCriuKind kind, guint64 start, const char *format, ...) G_GNUC_PRINTF (4, 5);

/* From start on, the rest of the file is one record, delivered at the
 * end, when its length is known. */
static gssize
enter_rest (MwbCriuParser *p, MwbCriuKind kind, guint64 start, const char *format, ...)
{
	va_list args;

	g_free (p->rest_reason);
	va_start (args, format);
	p->rest_reason = g_strdup_vprintf (format, args);
	va_end (args);
	p->rest_kind = kind;
	p->rest_start = start;
	p->rest_entry = p->entry;
	p->state = ST_REST;
	return AGAIN;
}

/* The item at the parse position needs n bytes and avail are there. */
#define NEED(n) \
	do { \
		if (avail < (gsize) (n)) { \
			if (!at_eof) { \
				p->push.want = (n); \
				return NEED_MORE; \
			} \
			goto cut; \
		} \
	} while (0)

static gssize
parse_magic (MwbCriuParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbCriuRecord r;
	guint32 word;

	NEED (4);
	word = le32 (d);
	if (!mwb_criu_is_leading_magic (word) && mwb_criu_magic_name (word) == NULL)
		return enter_rest (p, MWB_CRIU_DAMAGED, p->push.offset, "no CRIU magic: the file starts with 0x%08x", word);
	if (word == MWB_CRIU_IMG_COMMON_MAGIC || word == MWB_CRIU_IMG_SERVICE_MAGIC) {
		p->state = ST_MAGIC2;
	} else {
		/* inventory.img, or an image from before IMG_COMMON (v1.0) */
		p->magic = word;
		p->type = mwb_criu_magic_name (word);
		p->state = ST_ENTRY;
	}
	record_init (p, &r, MWB_CRIU_MAGIC, p->push.offset, 4);
	r.magic = word;
	emit (p, &r);
	return 4;

cut:
	damaged (p, p->push.offset, avail, "%s", avail == 0 ? "empty file: no CRIU magic" : "the file ends inside its magic");
	p->state = ST_DONE;
	return (gssize) avail;
}

static gssize
parse_magic2 (MwbCriuParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbCriuRecord r;

	NEED (4);
	p->magic = le32 (d);
	p->type = mwb_criu_magic_name (p->magic);
	if (p->type != NULL && mwb_criu_is_leading_magic (p->magic))
		p->type = NULL;
	p->state = ST_ENTRY;
	record_init (p, &r, MWB_CRIU_MAGIC, p->push.offset, 4);
	if (p->type == NULL)
		r.reason = "not an image magic CRIU 4.1 knows: its entries are read as protobuf messages alone";
	emit (p, &r);
	return 4;

cut:
	damaged (p, p->push.offset, avail, "the file ends inside the image's magic");
	p->state = ST_DONE;
	return (gssize) avail;
}

/* The message type of the entry about to be read. */
static const char *
entry_message (MwbCriuParser *p)
{
	switch (p->magic) {
	case MWB_CRIU_PAGEMAP_MAGIC:
		return p->entry == 0 ? "pagemap_head" : "pagemap_entry";
	case MWB_CRIU_GHOST_FILE_MAGIC:
		return p->ghost_chunks && p->entry > 0 ? "ghost_chunk_entry" : "ghost_file_entry";
	case MWB_CRIU_IPCNS_MSG_MAGIC:
		return p->msgs_left > 0 ? "ipc_msg" : "ipc_msg_entry";
	default:
		return mwb_criu_magic_message (p->magic);
	}
}

static guint64
field_or_zero (const guint8 *msg, gsize len, guint32 number)
{
	guint64 v = 0;

	mwb_criu_pb_uint (msg, len, number, &v);
	return v;
}

static guint64
add_sat (guint64 a, guint64 b)
{
	return a > G_MAXUINT64 - b ? G_MAXUINT64 : a + b;
}

static guint64
round_up (guint64 v, guint64 to)
{
	return v > G_MAXUINT64 - (to - 1) ? G_MAXUINT64 : (v + to - 1) / to * to;
}

/* How many raw bytes follow this entry, and what they are (pycriu's
 * images.py handlers, CRIU's dump code).  May turn the rest of the file into
 * one record (a ghost file's contents). */
static guint64
entry_extra (MwbCriuParser *p, const guint8 *msg, gsize len, const char **what)
{
	switch (p->magic) {
	case MWB_CRIU_PIPES_DATA_MAGIC:
		*what = "pipe data";
		return field_or_zero (msg, len, 2);
	case MWB_CRIU_FIFO_DATA_MAGIC:
		*what = "fifo data";
		return field_or_zero (msg, len, 2);
	case MWB_CRIU_SK_QUEUES_MAGIC:
		*what = "socket queue data";
		return field_or_zero (msg, len, 2);
	case MWB_CRIU_TCP_STREAM_MAGIC:
		*what = "TCP queues (in, then out)";
		return add_sat (field_or_zero (msg, len, 1), field_or_zero (msg, len, 3));
	case MWB_CRIU_BPFMAP_DATA_MAGIC:
		*what = "BPF map keys and values";
		return add_sat (field_or_zero (msg, len, 2), field_or_zero (msg, len, 3));
	case MWB_CRIU_IPCNS_SHM_MAGIC:
		*what = "SysV shared memory";
		return field_or_zero (msg, len, 3) != 0 ? 0 : round_up (field_or_zero (msg, len, 2), 4);
	case MWB_CRIU_IPCNS_SEM_MAGIC:
		*what = "semaphore values";
		return round_up (MIN (field_or_zero (msg, len, 2), G_MAXUINT64 / 2) * 2, 8);
	case MWB_CRIU_IPCNS_MSG_MAGIC:
		if (p->msgs_left > 0) {
			p->msgs_left--;
			*what = "message text";
			return round_up (field_or_zero (msg, len, 2), 8);
		}
		p->msgs_left = field_or_zero (msg, len, 3);
		return 0;
	case MWB_CRIU_GHOST_FILE_MAGIC:
		if (p->entry == 0) {
			p->ghost_chunks = field_or_zero (msg, len, 9) != 0;
			if (!p->ghost_chunks)
				enter_rest (p, MWB_CRIU_EXTRA, p->push.offset + 4 + len, "ghost file contents");
			return 0;
		}
		*what = "ghost file chunk";
		return p->ghost_chunks ? field_or_zero (msg, len, 1) : 0;
	default:
		return 0;
	}
}

static gssize
parse_entry (MwbCriuParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	MwbCriuRecord r;
	const char *reason = NULL, *what = NULL;
	gsize bad_at = 0;
	guint32 size;
	guint64 extra;

	NEED (4);
	size = le32 (d);
	if (size > MWB_CRIU_MESSAGE_MAX) {
		if (p->type == NULL)
			return enter_rest (p, MWB_CRIU_UNPARSED, p->push.offset,
			                   "entry %u's size word says 0x%x, no message: an image this parser does not know may hold raw data here",
			                   p->entry, size);
		return enter_rest (p, MWB_CRIU_DAMAGED, p->push.offset,
		                   "entry %u claims 0x%x bytes, more than any CRIU message (0x%x): the rest is not framed",
		                   p->entry, size, MWB_CRIU_MESSAGE_MAX);
	}
	NEED (4 + (gsize) size);

	record_init (p, &r, MWB_CRIU_ENTRY, p->push.offset, 4 + (guint64) size);
	r.message = entry_message (p);
	r.payload_offset = p->push.offset + 4;
	r.payload_length = size;
	r.data = d + 4;
	if (!mwb_criu_pb_split (d + 4, size, NULL, &bad_at, &reason)) {
		g_autofree char *why = NULL;

		if (p->type == NULL)
			return enter_rest (p, MWB_CRIU_UNPARSED, p->push.offset,
			                   "entry %u is no protobuf message (%s at +0x%" G_GSIZE_MODIFIER "x): an image this parser does not know may hold raw data here",
			                   p->entry, reason, bad_at);
		why = g_strdup_printf ("entry %u is no protobuf message: %s at +0x%" G_GSIZE_MODIFIER "x of it",
		                       p->entry, reason, bad_at);
		r.kind = MWB_CRIU_DAMAGED;
		r.reason = why;
		emit (p, &r);
		p->entry++;
		return 4 + (gssize) size;
	}
	emit (p, &r);
	extra = entry_extra (p, d + 4, size, &what);
	if (extra > 0) {
		record_init (p, &p->deferred, MWB_CRIU_EXTRA, p->push.offset + 4 + size, extra);
		p->deferred.payload_offset = p->deferred.offset;
		p->deferred.payload_length = extra;
		p->deferred.reason = what;
		p->has_deferred = TRUE;
		p->push.skip = extra;
	}
	p->entry++;
	return 4 + (gssize) size;

cut:
	if (avail < 4) {
		damaged (p, p->push.offset, avail, "the file ends inside entry %u's size word", p->entry);
	} else if (p->type == NULL) {
		enter_rest (p, MWB_CRIU_UNPARSED, p->push.offset,
		            "entry %u claims 0x%x bytes, the file ends 0x%" G_GSIZE_MODIFIER "x bytes after its size word: an image this parser does not know may hold raw data here",
		            p->entry, size, avail - 4);
		return AGAIN;
	} else {
		record_init (p, &r, MWB_CRIU_DAMAGED, p->push.offset, avail);
		r.message = entry_message (p);
		r.payload_offset = p->push.offset + 4;
		r.payload_length = avail - 4;
		r.reason = g_strdup_printf ("entry %u claims 0x%x bytes, the file ends 0x%" G_GSIZE_MODIFIER "x bytes after its size word",
		                            p->entry, size, avail - 4);
		emit (p, &r);
		g_free ((char *) r.reason);
	}
	p->state = ST_DONE;
	return (gssize) avail;
}

#undef NEED

static gssize
parse_one (MwbCriuParser *p, const guint8 *d, gsize avail, gboolean at_eof)
{
	switch (p->state) {
	case ST_MAGIC:
		return parse_magic (p, d, avail, at_eof);
	case ST_MAGIC2:
		return parse_magic2 (p, d, avail, at_eof);
	case ST_ENTRY:
		return parse_entry (p, d, avail, at_eof);
	case ST_REST:
	case ST_DONE:
	default:
		return (gssize) avail;
	}
}

static void
deliver_deferred (MwbCriuParser *p)
{
	if (!p->has_deferred)
		return;
	p->has_deferred = FALSE;
	emit (p, &p->deferred);
}

void
mwb_criu_parser_feed (MwbCriuParser *p, const guint8 *buf, gsize len)
{
	g_return_if_fail (p != NULL);
	g_return_if_fail (buf != NULL || len == 0);
	g_return_if_fail (!p->finished);

	mwb_push_feed (&p->push, buf, len);
}

void
mwb_criu_parser_finish (MwbCriuParser *p)
{
	g_return_if_fail (p != NULL);
	g_return_if_fail (!p->finished);

	mwb_push_finish (&p->push);
	p->finished = TRUE;

	if (p->has_deferred) {
		MwbCriuRecord r = p->deferred;
		guint64 got = p->push.offset - r.offset;
		g_autofree char *reason = g_strdup_printf ("%s of entry %u claims 0x" FMT_X64 " bytes, the file ends after 0x" FMT_X64,
		                                           r.reason, r.entry, r.length, got);

		p->has_deferred = FALSE;
		r.kind = MWB_CRIU_DAMAGED;
		r.length = got;
		r.payload_length = got;
		r.reason = reason;
		emit (p, &r);
		return;
	}
	switch (p->state) {
	case ST_MAGIC:
		damaged (p, p->push.offset, 0, "empty file: no CRIU magic");
		break;
	case ST_MAGIC2:
		damaged (p, p->push.offset, 0, "the file ends before the image's magic");
		break;
	case ST_REST:
		if (p->push.offset > p->rest_start) {
			MwbCriuRecord r;

			record_init (p, &r, p->rest_kind, p->rest_start, p->push.offset - p->rest_start);
			r.entry = p->rest_entry;
			r.payload_offset = r.offset;
			r.payload_length = r.length;
			r.reason = p->rest_reason;
			emit (p, &r);
		}
		break;
	case ST_ENTRY:
	case ST_DONE:
	default:
		break;
	}
}

/* ---- one image: the index ---- */

struct _MwbCriuImage {
	char *name;
	GMappedFile *mapped;
	guint8 *copy;
	const guint8 *data;
	gsize len;

	GHashTable *strings;    /* every string of the records, once */
	GArray *records;        /* MwbCriuRecord, in file order */
	GArray *entries;        /* guint: the ENTRY records */
	guint counts[MWB_CRIU_KIND_COUNT];
	guint32 magic;
	const char *type;
};

static const char *
intern (MwbCriuImage *img, const char *s)
{
	char *v;

	if (s == NULL)
		return NULL;
	v = g_hash_table_lookup (img->strings, s);
	if (v == NULL) {
		v = g_strdup (s);
		g_hash_table_add (img->strings, v);
	}
	return v;
}

static void
image_collect (const MwbCriuRecord *r, gpointer data)
{
	MwbCriuImage *img = data;
	MwbCriuRecord copy = *r;

	copy.image_type = intern (img, r->image_type);
	copy.message = intern (img, r->message);
	copy.reason = intern (img, r->reason);
	copy.data = NULL;
	if (r->data != NULL && r->payload_offset <= img->len && r->payload_length <= img->len - r->payload_offset)
		copy.data = img->data + r->payload_offset;
	if (r->kind == MWB_CRIU_ENTRY)
		g_array_append_val (img->entries, img->records->len);
	if ((guint) r->kind < MWB_CRIU_KIND_COUNT)
		img->counts[r->kind]++;
	g_array_append_val (img->records, copy);
}

static MwbCriuImage *
image_new (const char *name)
{
	MwbCriuImage *img = g_new0 (MwbCriuImage, 1);

	img->name = g_strdup (name != NULL ? base_name (name) : "");
	img->strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	img->records = g_array_new (FALSE, FALSE, sizeof (MwbCriuRecord));
	img->entries = g_array_new (FALSE, FALSE, sizeof (guint));
	return img;
}

static void
image_parse (MwbCriuImage *img)
{
	static const MwbCriuOps ops = { image_collect };
	g_autoptr(MwbCriuParser) p = mwb_criu_parser_new (&ops, img, img->name);

	mwb_criu_parser_feed (p, img->data, img->len);
	mwb_criu_parser_finish (p);
	img->magic = p->magic;
	img->type = intern (img, p->type);
}

MwbCriuImage *
mwb_criu_image_new_from_bytes (const guint8 *data, gsize len, const char *name)
{
	MwbCriuImage *img;

	g_return_val_if_fail (data != NULL || len == 0, NULL);

	img = image_new (name);
	img->copy = len > 0 ? g_memdup2 (data, len) : NULL;
	img->data = img->copy;
	img->len = len;
	image_parse (img);
	return img;
}

MwbCriuImage *
mwb_criu_image_load (const char *path, GError **error)
{
	g_autoptr(GError) local = NULL;
	GMappedFile *mapped;
	MwbCriuImage *img;

	g_return_val_if_fail (path != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	mapped = g_mapped_file_new (path, FALSE, &local);
	if (mapped == NULL) {
		g_set_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_IO, "%s", local->message);
		return NULL;
	}
	img = image_new (path);
	img->mapped = mapped;
	img->len = g_mapped_file_get_length (mapped);
	/* an empty file maps to NULL */
	img->data = img->len > 0 ? (const guint8 *) g_mapped_file_get_contents (mapped) : NULL;
	image_parse (img);
	return img;
}

void
mwb_criu_image_free (MwbCriuImage *img)
{
	if (img == NULL)
		return;
	g_array_unref (img->records);
	g_array_unref (img->entries);
	g_hash_table_unref (img->strings);
	g_free (img->copy);
	g_free (img->name);
	if (img->mapped != NULL)
		g_mapped_file_unref (img->mapped);
	g_free (img);
}

const char *
mwb_criu_image_name (MwbCriuImage *img)
{
	g_return_val_if_fail (img != NULL, NULL);

	return img->name;
}

const guint8 *
mwb_criu_image_data (MwbCriuImage *img, gsize *len)
{
	g_return_val_if_fail (img != NULL, NULL);

	if (len != NULL)
		*len = img->len;
	return img->data;
}

guint32
mwb_criu_image_magic (MwbCriuImage *img)
{
	g_return_val_if_fail (img != NULL, 0);

	return img->magic;
}

const char *
mwb_criu_image_type (MwbCriuImage *img)
{
	g_return_val_if_fail (img != NULL, NULL);

	return img->type;
}

guint
mwb_criu_image_n_records (MwbCriuImage *img)
{
	g_return_val_if_fail (img != NULL, 0);

	return img->records->len;
}

const MwbCriuRecord *
mwb_criu_image_record (MwbCriuImage *img, guint i)
{
	g_return_val_if_fail (img != NULL, NULL);
	g_return_val_if_fail (i < img->records->len, NULL);

	return &g_array_index (img->records, MwbCriuRecord, i);
}

guint
mwb_criu_image_n_entries (MwbCriuImage *img)
{
	g_return_val_if_fail (img != NULL, 0);

	return img->entries->len;
}

const MwbCriuRecord *
mwb_criu_image_entry (MwbCriuImage *img, guint i)
{
	g_return_val_if_fail (img != NULL, NULL);
	g_return_val_if_fail (i < img->entries->len, NULL);

	return &g_array_index (img->records, MwbCriuRecord, g_array_index (img->entries, guint, i));
}

guint
mwb_criu_image_count (MwbCriuImage *img, MwbCriuKind kind)
{
	g_return_val_if_fail (img != NULL, 0);

	return (guint) kind < MWB_CRIU_KIND_COUNT ? img->counts[kind] : 0;
}

/* Records starting at offset or before: the index past the last of them. */
static guint
records_upto (MwbCriuImage *img, guint64 offset)
{
	guint lo = 0, hi = img->records->len;

	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index (img->records, MwbCriuRecord, mid).offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const MwbCriuRecord *
mwb_criu_image_record_at (MwbCriuImage *img, guint64 offset)
{
	guint j;

	g_return_val_if_fail (img != NULL, NULL);

	/* records follow each other: the one holding offset is the last
	 * one starting at or before it that is not empty */
	for (j = records_upto (img, offset); j-- > 0;) {
		const MwbCriuRecord *r = &g_array_index (img->records, MwbCriuRecord, j);

		if (r->length == 0)
			continue;
		return offset - r->offset < r->length ? r : NULL;
	}
	return NULL;
}

const MwbCriuRecord *
mwb_criu_image_next_entry (MwbCriuImage *img, guint64 offset)
{
	guint j;

	g_return_val_if_fail (img != NULL, NULL);

	for (j = records_upto (img, offset); j < img->records->len; j++) {
		const MwbCriuRecord *r = &g_array_index (img->records, MwbCriuRecord, j);

		if (r->length > 0)
			return r;
	}
	return mwb_criu_image_prev_entry (img, offset);
}

const MwbCriuRecord *
mwb_criu_image_prev_entry (MwbCriuImage *img, guint64 offset)
{
	guint j;

	g_return_val_if_fail (img != NULL, NULL);

	for (j = records_upto (img, offset); j-- > 0;) {
		const MwbCriuRecord *r = &g_array_index (img->records, MwbCriuRecord, j);

		if (r->length > 0 && r->offset < offset)
			return r;
	}
	return NULL;
}

/* ---- a pagemap ---- */

struct _MwbCriuPagemap {
	guint32 pages_id;
	GArray *runs;           /* MwbCriuPageRun in image order */
	GArray *present;        /* guint: PE_PRESENT runs, by pages_offset */
	GArray *by_vaddr;       /* guint: runs by vaddr */
	guint64 n_pages, present_pages, parent_pages, lazy_pages;
};

static const GArray *sort_runs;

static gint
run_vaddr_compare (gconstpointer pa, gconstpointer pb)
{
	const MwbCriuPageRun *a = &g_array_index (sort_runs, MwbCriuPageRun, *(const guint *) pa);
	const MwbCriuPageRun *b = &g_array_index (sort_runs, MwbCriuPageRun, *(const guint *) pb);

	if (a->vaddr != b->vaddr)
		return a->vaddr < b->vaddr ? -1 : 1;
	return *(const guint *) pa < *(const guint *) pb ? -1 : *(const guint *) pa > *(const guint *) pb;
}

MwbCriuPagemap *
mwb_criu_pagemap_new (MwbCriuImage *img)
{
	MwbCriuPagemap *pm;
	const MwbCriuRecord *head;
	guint64 v, at = 0;
	guint i;

	g_return_val_if_fail (img != NULL, NULL);

	if (img->magic != MWB_CRIU_PAGEMAP_MAGIC || img->entries->len == 0)
		return NULL;
	head = mwb_criu_image_entry (img, 0);
	if (head->entry != 0 || head->data == NULL)
		return NULL;
	pm = g_new0 (MwbCriuPagemap, 1);
	pm->runs = g_array_new (FALSE, FALSE, sizeof (MwbCriuPageRun));
	pm->present = g_array_new (FALSE, FALSE, sizeof (guint));
	pm->by_vaddr = g_array_new (FALSE, FALSE, sizeof (guint));
	if (mwb_criu_pb_uint (head->data, head->payload_length, 1, &v))
		pm->pages_id = (guint32) v;
	for (i = 1; i < img->entries->len; i++) {
		const MwbCriuRecord *r = mwb_criu_image_entry (img, i);
		MwbCriuPageRun run = { 0 };
		guint64 flags, in_parent = 0;

		if (r->data == NULL)
			continue;
		run.entry = r->entry;
		run.vaddr = field_or_zero (r->data, r->payload_length, 1);
		/* CRIU 4.2 writes a 64-bit nr_pages as field 5 */
		if (!mwb_criu_pb_uint (r->data, r->payload_length, 5, &run.nr_pages))
			run.nr_pages = field_or_zero (r->data, r->payload_length, 2);
		/* criu/pagemap.c init_compat_pagemap_entry() */
		mwb_criu_pb_uint (r->data, r->payload_length, 3, &in_parent);
		if (!mwb_criu_pb_uint (r->data, r->payload_length, 4, &flags))
			flags = in_parent ? 0 : MWB_CRIU_PE_PRESENT;
		run.flags = (guint32) flags | (in_parent ? MWB_CRIU_PE_PARENT : 0);
		/* a run past the top of the address space is cut there */
		run.nr_pages = MIN (run.nr_pages, (G_MAXUINT64 - run.vaddr) / MWB_CRIU_PAGE_SIZE + 1);
		run.pages_offset = G_MAXUINT64;
		if (run.flags & MWB_CRIU_PE_PRESENT) {
			guint index = pm->runs->len;

			run.pages_offset = at;
			at = add_sat (at, run.nr_pages > G_MAXUINT64 / MWB_CRIU_PAGE_SIZE ? G_MAXUINT64
			              : run.nr_pages * MWB_CRIU_PAGE_SIZE);
			pm->present_pages = add_sat (pm->present_pages, run.nr_pages);
			g_array_append_val (pm->present, index);
		}
		if (run.flags & MWB_CRIU_PE_PARENT)
			pm->parent_pages = add_sat (pm->parent_pages, run.nr_pages);
		if (run.flags & MWB_CRIU_PE_LAZY)
			pm->lazy_pages = add_sat (pm->lazy_pages, run.nr_pages);
		pm->n_pages = add_sat (pm->n_pages, run.nr_pages);
		g_array_append_val (pm->runs, run);
		g_array_append_val (pm->by_vaddr, i);
	}
	for (i = 0; i < pm->by_vaddr->len; i++)
		g_array_index (pm->by_vaddr, guint, i) = i;
	sort_runs = pm->runs;
	g_array_sort (pm->by_vaddr, run_vaddr_compare);
	sort_runs = NULL;
	return pm;
}

void
mwb_criu_pagemap_free (MwbCriuPagemap *pm)
{
	if (pm == NULL)
		return;
	g_array_unref (pm->runs);
	g_array_unref (pm->present);
	g_array_unref (pm->by_vaddr);
	g_free (pm);
}

guint32
mwb_criu_pagemap_pages_id (MwbCriuPagemap *pm)
{
	g_return_val_if_fail (pm != NULL, 0);

	return pm->pages_id;
}

guint
mwb_criu_pagemap_n_runs (MwbCriuPagemap *pm)
{
	g_return_val_if_fail (pm != NULL, 0);

	return pm->runs->len;
}

const MwbCriuPageRun *
mwb_criu_pagemap_run (MwbCriuPagemap *pm, guint i)
{
	g_return_val_if_fail (pm != NULL, NULL);
	g_return_val_if_fail (i < pm->runs->len, NULL);

	return &g_array_index (pm->runs, MwbCriuPageRun, i);
}

guint64
mwb_criu_pagemap_n_pages (MwbCriuPagemap *pm)
{
	g_return_val_if_fail (pm != NULL, 0);

	return pm->n_pages;
}

guint64
mwb_criu_pagemap_present_pages (MwbCriuPagemap *pm)
{
	g_return_val_if_fail (pm != NULL, 0);

	return pm->present_pages;
}

guint64
mwb_criu_pagemap_parent_pages (MwbCriuPagemap *pm)
{
	g_return_val_if_fail (pm != NULL, 0);

	return pm->parent_pages;
}

guint64
mwb_criu_pagemap_lazy_pages (MwbCriuPagemap *pm)
{
	g_return_val_if_fail (pm != NULL, 0);

	return pm->lazy_pages;
}

static guint64
run_bytes (const MwbCriuPageRun *run)
{
	return run->nr_pages > G_MAXUINT64 / MWB_CRIU_PAGE_SIZE ? G_MAXUINT64 : run->nr_pages * MWB_CRIU_PAGE_SIZE;
}

const MwbCriuPageRun *
mwb_criu_pagemap_run_at_offset (MwbCriuPagemap *pm, guint64 offset, guint64 *vaddr)
{
	guint lo = 0, hi;
	const MwbCriuPageRun *run;

	g_return_val_if_fail (pm != NULL, NULL);

	/* the present runs' offsets only grow: the last at or before offset */
	hi = pm->present->len;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index (pm->runs, MwbCriuPageRun, g_array_index (pm->present, guint, mid)).pages_offset <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* empty runs share their offset with the next: step back past them */
	while (lo > 0) {
		run = &g_array_index (pm->runs, MwbCriuPageRun, g_array_index (pm->present, guint, lo - 1));
		if (offset - run->pages_offset < run_bytes (run)) {
			if (vaddr != NULL)
				*vaddr = run->vaddr + (offset - run->pages_offset);
			return run;
		}
		if (run->nr_pages > 0)
			break;
		lo--;
	}
	return NULL;
}

MwbCriuPageWhere
mwb_criu_pagemap_find_vaddr (MwbCriuPagemap *pm, guint64 vaddr, guint64 *offset, const MwbCriuPageRun **out)
{
	guint lo = 0, hi, j;

	g_return_val_if_fail (pm != NULL, MWB_CRIU_PAGE_NOT_DUMPED);

	if (out != NULL)
		*out = NULL;
	hi = pm->by_vaddr->len;
	while (lo < hi) {
		guint mid = lo + (hi - lo) / 2;

		if (g_array_index (pm->runs, MwbCriuPageRun, g_array_index (pm->by_vaddr, guint, mid)).vaddr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* runs do not overlap in CRIU's images; in others, the nearest
	 * below that holds vaddr, looking back a few */
	for (j = lo; j-- > 0 && lo - j <= 16;) {
		const MwbCriuPageRun *run = &g_array_index (pm->runs, MwbCriuPageRun, g_array_index (pm->by_vaddr, guint, j));

		if (vaddr - run->vaddr >= run_bytes (run))
			continue;
		if (out != NULL)
			*out = run;
		if (run->flags & MWB_CRIU_PE_PRESENT) {
			if (offset != NULL)
				*offset = run->pages_offset + (vaddr - run->vaddr);
			return MWB_CRIU_PAGE_IN_PAGES;
		}
		return run->flags & MWB_CRIU_PE_PARENT ? MWB_CRIU_PAGE_IN_PARENT : MWB_CRIU_PAGE_NOT_PRESENT;
	}
	return MWB_CRIU_PAGE_NOT_DUMPED;
}

const char *
mwb_criu_page_where_name (MwbCriuPageWhere where)
{
	switch (where) {
	case MWB_CRIU_PAGE_IN_PAGES:
		return "in the pages image";
	case MWB_CRIU_PAGE_IN_PARENT:
		return "in the parent dump";
	case MWB_CRIU_PAGE_NOT_PRESENT:
		return "in no image (lazy, from a page server)";
	case MWB_CRIU_PAGE_NOT_DUMPED:
	default:
		return "not dumped";
	}
}

/* ---- a dump directory ---- */

typedef struct {
	guint32 pid;            /* from pagemap-PID.img, 0 for others */
	MwbCriuPagemap *pm;
	const char *name;       /* the image's */
} DumpPagemap;

struct _MwbCriuDump {
	char *dir;
	char *parent;
	GPtrArray *images;      /* MwbCriuImage, sorted */
	GPtrArray *others;      /* char *, NULL-terminated */
	GArray *processes;      /* MwbCriuProcess */
	GPtrArray *threads;     /* guint32 arrays the processes point into */
	GPtrArray *comms;       /* char * */
	GArray *pagemaps;       /* DumpPagemap */
};

/* inventory, pstree, core-*, mm-*, pagemap-*, pages-*, then the rest */
static int
image_rank (const char *name)
{
	if (strcmp (name, "inventory.img") == 0)
		return 0;
	if (strcmp (name, "pstree.img") == 0)
		return 1;
	if (g_str_has_prefix (name, "core-"))
		return 2;
	if (g_str_has_prefix (name, "mm-"))
		return 3;
	if (g_str_has_prefix (name, "pagemap-"))
		return 4;
	if (g_str_has_prefix (name, "pages-"))
		return 5;
	return 6;
}

/* Names with their numbers compared as numbers: core-99 before core-100. */
static int
natural_compare (const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b)) {
			const char *ea = a, *eb = b;
			gsize la, lb;
			int c;

			while (*a == '0' && g_ascii_isdigit (a[1]))
				a++;
			while (*b == '0' && g_ascii_isdigit (b[1]))
				b++;
			for (ea = a; g_ascii_isdigit (*ea); ea++)
				;
			for (eb = b; g_ascii_isdigit (*eb); eb++)
				;
			la = ea - a;
			lb = eb - b;
			if (la != lb)
				return la < lb ? -1 : 1;
			c = strncmp (a, b, la);
			if (c != 0)
				return c;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (guchar) *a < (guchar) *b ? -1 : 1;
		a++;
		b++;
	}
	return (guchar) *a < (guchar) *b ? -1 : (guchar) *a > (guchar) *b;
}

static gint
image_compare (gconstpointer pa, gconstpointer pb)
{
	MwbCriuImage *a = *(MwbCriuImage *const *) pa, *b = *(MwbCriuImage *const *) pb;
	int ra = image_rank (a->name), rb = image_rank (b->name);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return natural_compare (a->name, b->name);
}

static gint
string_compare (gconstpointer pa, gconstpointer pb)
{
	return natural_compare (*(const char *const *) pa, *(const char *const *) pb);
}

/* "PREFIX" then a number then ".img": the number, else FALSE. */
static gboolean
name_number (const char *name, const char *prefix, guint32 *n)
{
	guint64 v;

	if (!numbered_name (name, prefix, ".img"))
		return FALSE;
	v = g_ascii_strtoull (name + strlen (prefix), NULL, 10);
	if (v > G_MAXUINT32)
		return FALSE;
	*n = (guint32) v;
	return TRUE;
}

/* A file whose first word says CRIU, without its name ending in .img. */
static gboolean
starts_with_magic (const char *path)
{
	guint8 word[4];
	FILE *f = fopen (path, "rb");
	gboolean yes;

	if (f == NULL)
		return FALSE;
	yes = fread (word, 1, 4, f) == 4 && mwb_criu_is_leading_magic (le32 (word));
	fclose (f);
	return yes;
}

static void
dump_processes (MwbCriuDump *dump)
{
	MwbCriuImage *pstree = mwb_criu_dump_image_by_name (dump, "pstree.img");
	g_autoptr(GHashTable) children = g_hash_table_new (g_direct_hash, g_direct_equal);
	guint i;

	if (pstree == NULL)
		return;
	for (i = 0; i < pstree->entries->len; i++) {
		const MwbCriuRecord *r = mwb_criu_image_entry (pstree, i);
		MwbCriuProcess proc = { 0 };
		g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (MwbCriuField));
		GArray *threads = g_array_new (FALSE, FALSE, sizeof (guint32));
		g_autofree char *core_name = NULL;
		MwbCriuImage *core;
		guint k;

		if (r->data == NULL || !mwb_criu_pb_split (r->data, r->payload_length, fields, NULL, NULL)) {
			g_array_unref (threads);
			continue;
		}
		proc.pid = (guint32) field_or_zero (r->data, r->payload_length, 1);
		proc.ppid = (guint32) field_or_zero (r->data, r->payload_length, 2);
		proc.pgid = (guint32) field_or_zero (r->data, r->payload_length, 3);
		proc.sid = (guint32) field_or_zero (r->data, r->payload_length, 4);
		for (k = 0; k < fields->len; k++) {
			const MwbCriuField *f = &g_array_index (fields, MwbCriuField, k);
			guint32 tid = (guint32) f->value;

			if (f->number == 5 && f->wire == MWB_CRIU_WIRE_VARINT)
				g_array_append_val (threads, tid);
		}
		proc.n_threads = threads->len;
		proc.threads = (const guint32 *) (gpointer) threads->data;
		g_ptr_array_add (dump->threads, threads);

		core_name = g_strdup_printf ("core-%u.img", proc.pid);
		core = mwb_criu_dump_image_by_name (dump, core_name);
		if (core != NULL && core->entries->len > 0) {
			const MwbCriuRecord *c = mwb_criu_image_entry (core, 0);
			static const guint32 comm_path[] = { 3, 6 }, state_path[] = { 3, 1 };
			const guint8 *comm;
			gsize comm_len;
			guint64 state;

			if (c->data != NULL && mwb_criu_pb_path_bytes (c->data, c->payload_length, comm_path, 2, &comm, &comm_len)) {
				char *s = g_strndup ((const char *) comm, MIN (comm_len, (gsize) 256));

				g_strdelimit (s, "\n\t\r", ' ');
				if (!g_utf8_validate (s, -1, NULL)) {
					g_free (s);
					s = g_utf8_make_valid ((const char *) comm, (gssize) MIN (comm_len, (gsize) 256));
				}
				g_ptr_array_add (dump->comms, s);
				proc.comm = s;
			}
			if (c->data != NULL && mwb_criu_pb_path_uint (c->data, c->payload_length, state_path, 2, &state)) {
				proc.has_state = TRUE;
				proc.state = (guint32) state;
			}
		}
		g_array_append_val (dump->processes, proc);
	}
	/* depth in the tree, from the parents listed before */
	for (i = 0; i < dump->processes->len; i++) {
		MwbCriuProcess *proc = &g_array_index (dump->processes, MwbCriuProcess, i);
		gpointer parent_depth;

		if (proc->ppid != 0 && proc->ppid != proc->pid
		    && g_hash_table_lookup_extended (children, GUINT_TO_POINTER (proc->ppid), NULL, &parent_depth))
			proc->depth = GPOINTER_TO_UINT (parent_depth) + 1;
		if (!g_hash_table_contains (children, GUINT_TO_POINTER (proc->pid)))
			g_hash_table_insert (children, GUINT_TO_POINTER (proc->pid), GUINT_TO_POINTER (proc->depth));
	}
}

static void
dump_pagemaps (MwbCriuDump *dump)
{
	guint i;

	for (i = 0; i < dump->images->len; i++) {
		MwbCriuImage *img = dump->images->pdata[i];
		DumpPagemap d = { 0 };

		if (img->magic != MWB_CRIU_PAGEMAP_MAGIC)
			continue;
		d.pm = mwb_criu_pagemap_new (img);
		if (d.pm == NULL)
			continue;
		if (!name_number (img->name, "pagemap-", &d.pid))
			d.pid = 0;
		d.name = img->name;
		g_array_append_val (dump->pagemaps, d);
	}
}

MwbCriuDump *
mwb_criu_dump_load (const char *dir, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) d = NULL;
	g_autoptr(MwbCriuDump) dump = NULL;
	g_autofree char *link = NULL;
	const char *name;

	g_return_val_if_fail (dir != NULL, NULL);
	g_return_val_if_fail (error == NULL || *error == NULL, NULL);

	d = g_dir_open (dir, 0, &local);
	if (d == NULL) {
		g_set_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_IO, "%s", local->message);
		return NULL;
	}
	dump = g_new0 (MwbCriuDump, 1);
	dump->dir = g_strdup (dir);
	dump->images = g_ptr_array_new_with_free_func ((GDestroyNotify) mwb_criu_image_free);
	dump->others = g_ptr_array_new_with_free_func (g_free);
	dump->processes = g_array_new (FALSE, FALSE, sizeof (MwbCriuProcess));
	dump->threads = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
	dump->comms = g_ptr_array_new_with_free_func (g_free);
	dump->pagemaps = g_array_new (FALSE, FALSE, sizeof (DumpPagemap));

	link = g_build_filename (dir, "parent", NULL);
	dump->parent = g_file_read_link (link, NULL);

	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		MwbCriuImage *img;

		if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK)) {
			if (strcmp (name, "parent") != 0)
				g_ptr_array_add (dump->others, g_strdup (name));
			continue;
		}
		if (!g_str_has_suffix (name, ".img") && !starts_with_magic (path)) {
			g_ptr_array_add (dump->others, g_strdup (name));
			continue;
		}
		if (dump->images->len >= DUMP_IMAGES_MAX)
			continue;
		img = mwb_criu_image_load (path, NULL);
		if (img == NULL) {
			g_ptr_array_add (dump->others, g_strdup (name));
			continue;
		}
		g_ptr_array_add (dump->images, img);
	}
	g_ptr_array_sort (dump->images, image_compare);
	g_ptr_array_sort (dump->others, string_compare);
	g_ptr_array_add (dump->others, NULL);
	dump_processes (dump);
	dump_pagemaps (dump);
	return g_steal_pointer (&dump);
}

void
mwb_criu_dump_free (MwbCriuDump *dump)
{
	guint i;

	if (dump == NULL)
		return;
	for (i = 0; dump->pagemaps != NULL && i < dump->pagemaps->len; i++)
		mwb_criu_pagemap_free (g_array_index (dump->pagemaps, DumpPagemap, i).pm);
	g_clear_pointer (&dump->pagemaps, g_array_unref);
	g_clear_pointer (&dump->images, g_ptr_array_unref);
	g_clear_pointer (&dump->others, g_ptr_array_unref);
	g_clear_pointer (&dump->processes, g_array_unref);
	g_clear_pointer (&dump->threads, g_ptr_array_unref);
	g_clear_pointer (&dump->comms, g_ptr_array_unref);
	g_free (dump->parent);
	g_free (dump->dir);
	g_free (dump);
}

const char *
mwb_criu_dump_dir (MwbCriuDump *dump)
{
	g_return_val_if_fail (dump != NULL, NULL);

	return dump->dir;
}

guint
mwb_criu_dump_n_images (MwbCriuDump *dump)
{
	g_return_val_if_fail (dump != NULL, 0);

	return dump->images->len;
}

MwbCriuImage *
mwb_criu_dump_image (MwbCriuDump *dump, guint i)
{
	g_return_val_if_fail (dump != NULL, NULL);
	g_return_val_if_fail (i < dump->images->len, NULL);

	return dump->images->pdata[i];
}

MwbCriuImage *
mwb_criu_dump_image_by_name (MwbCriuDump *dump, const char *name)
{
	guint i;

	g_return_val_if_fail (dump != NULL, NULL);

	for (i = 0; name != NULL && i < dump->images->len; i++)
		if (strcmp (((MwbCriuImage *) dump->images->pdata[i])->name, name) == 0)
			return dump->images->pdata[i];
	return NULL;
}

const char *const *
mwb_criu_dump_other_files (MwbCriuDump *dump)
{
	g_return_val_if_fail (dump != NULL, NULL);

	return (const char *const *) dump->others->pdata;
}

const char *
mwb_criu_dump_parent (MwbCriuDump *dump)
{
	g_return_val_if_fail (dump != NULL, NULL);

	return dump->parent;
}

guint
mwb_criu_dump_n_processes (MwbCriuDump *dump)
{
	g_return_val_if_fail (dump != NULL, 0);

	return dump->processes->len;
}

const MwbCriuProcess *
mwb_criu_dump_process (MwbCriuDump *dump, guint i)
{
	g_return_val_if_fail (dump != NULL, NULL);
	g_return_val_if_fail (i < dump->processes->len, NULL);

	return &g_array_index (dump->processes, MwbCriuProcess, i);
}

const MwbCriuProcess *
mwb_criu_dump_process_by_pid (MwbCriuDump *dump, guint32 pid)
{
	guint i;

	g_return_val_if_fail (dump != NULL, NULL);

	for (i = 0; i < dump->processes->len; i++)
		if (g_array_index (dump->processes, MwbCriuProcess, i).pid == pid)
			return &g_array_index (dump->processes, MwbCriuProcess, i);
	return NULL;
}

MwbCriuPagemap *
mwb_criu_dump_pagemap (MwbCriuDump *dump, guint32 pid)
{
	guint i;

	g_return_val_if_fail (dump != NULL, NULL);

	for (i = 0; i < dump->pagemaps->len; i++) {
		const DumpPagemap *d = &g_array_index (dump->pagemaps, DumpPagemap, i);

		if (d->pid == pid && d->pid != 0)
			return d->pm;
	}
	return NULL;
}

MwbCriuPagemap *
mwb_criu_dump_pagemap_for_pages (MwbCriuDump *dump, guint32 pages_id, guint32 *pid, const char **name)
{
	guint i;

	g_return_val_if_fail (dump != NULL, NULL);

	for (i = 0; i < dump->pagemaps->len; i++) {
		const DumpPagemap *d = &g_array_index (dump->pagemaps, DumpPagemap, i);

		if (d->pm->pages_id != pages_id)
			continue;
		if (pid != NULL)
			*pid = d->pid;
		if (name != NULL)
			*name = d->name;
		return d->pm;
	}
	return NULL;
}

gboolean
mwb_criu_dump_pages_lookup (MwbCriuDump *dump, guint32 pages_id, guint64 offset, guint32 *pid,
                            guint64 *vaddr, const MwbCriuPageRun **run, GError **error)
{
	MwbCriuPagemap *pm;
	const MwbCriuPageRun *found;

	g_return_val_if_fail (dump != NULL, FALSE);
	g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

	pm = mwb_criu_dump_pagemap_for_pages (dump, pages_id, pid, NULL);
	if (pm == NULL) {
		g_set_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_NOT_FOUND, "no pagemap names pages-%u.img", pages_id);
		return FALSE;
	}
	found = mwb_criu_pagemap_run_at_offset (pm, offset, vaddr);
	if (found == NULL) {
		g_set_error (error, MWB_CRIU_ERROR, MWB_CRIU_ERROR_NOT_FOUND,
		             "offset 0x" FMT_X64 " is past the 0x" FMT_X64 " pages the pagemap puts in pages-%u.img", offset,
		             pm->present_pages, pages_id);
		return FALSE;
	}
	if (run != NULL)
		*run = found;
	return TRUE;
}

MwbCriuPageWhere
mwb_criu_dump_find_page (MwbCriuDump *dump, guint32 pid, guint64 vaddr, guint32 *pages_id, guint64 *offset)
{
	MwbCriuPagemap *pm;

	g_return_val_if_fail (dump != NULL, MWB_CRIU_PAGE_NOT_DUMPED);

	pm = mwb_criu_dump_pagemap (dump, pid);
	if (pm == NULL)
		return MWB_CRIU_PAGE_NOT_DUMPED;
	if (pages_id != NULL)
		*pages_id = pm->pages_id;
	return mwb_criu_pagemap_find_vaddr (pm, vaddr, offset, NULL);
}
