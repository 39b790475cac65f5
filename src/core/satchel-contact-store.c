/* satchel-contact-store.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-contact-store"
#define _GNU_SOURCE /* memmem */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "satchel-contact-store.h"
#include "satchel-paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define CONTACT_PREFIX "Contact "
#define GROUP_PREFIX   "Group "
#define USAGE_MAX      2000

G_DEFINE_QUARK (satchel-contacts-error-quark, satchel_contacts_error)

typedef struct
{
  guint  count;
  gint64 last_used;
} Usage;

/* One searchable line: an address of a contact, a group, or a recent
 * recipient. Offsets point into the folded haystack. */
typedef struct
{
  SatchelContactMatchKind kind;
  guint                   item;       /* contact, group or recent index */
  guint                   address;    /* index of the contact's address */
  guint                   start;      /* name field */
  guint                   nick;       /* nickname field */
  guint                   addr;       /* address field */
  guint                   end;
  double                  weight;     /* frequency and recency */
} Entry;

struct _SatchelContactStore
{
  GObject       parent_instance;

  char         *path;
  char         *lock_path;
  char         *usage_path;
  GError       *problem;

  GPtrArray    *contacts;      /* SatchelContact, sorted */
  GPtrArray    *sort_keys;     /* parallel: folded names */
  GListStore   *groups;        /* SatchelContactGroup */
  GHashTable   *usage;         /* folded address → Usage */
  GPtrArray    *recent;        /* addresses used but not in the book */

  /* The search index, rebuilt lazily after a change. */
  gboolean      index_valid;
  GString      *haystack;
  GArray       *entries;
  guint         n_special;     /* entries read by every search */

  GFileMonitor *monitor;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SatchelContactStore, satchel_contact_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* A change made to contacts.ini under the lock. */
typedef gboolean (*ChangeFunc) (SatchelContactStore  *self,
                                GKeyFile             *key_file,
                                GPtrArray            *contacts,
                                GPtrArray            *groups,
                                gpointer              data,
                                GError              **error);

/* Folding ------------------------------------------------------------- */

char *
satchel_contacts_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  GString *stripped;
  char *folded;
  const char *p;
  gboolean ascii = TRUE;

  g_return_val_if_fail (text != NULL, NULL);

  for (p = text; *p != '\0'; p++)
    if ((guchar) *p >= 0x80)
      {
        ascii = FALSE;
        break;
      }

  if (ascii)
    {
      char *out = g_ascii_strdown (text, -1);

      for (char *q = out; *q != '\0'; q++)
        if ((guchar) *q < 0x20 || *q == 0x7f)
          *q = ' ';
      return out;
    }

  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup ("");

  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFKD);
  if (decomposed == NULL)
    return g_strdup ("");

  stripped = g_string_sized_new (strlen (decomposed));
  for (p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_ismark (c))
        continue;
      if (c < 0x20 || c == 0x7f)
        c = ' ';
      g_string_append_unichar (stripped, c);
    }

  folded = g_utf8_casefold (stripped->str, stripped->len);
  g_string_free (stripped, TRUE);
  return folded;
}

/* Usage file ---------------------------------------------------------- */

static char *
default_usage_path (void)
{
  g_autofree char *dir = satchel_paths_state_dir ();

  return g_build_filename (dir, "recipients.tsv", NULL);
}

/* address TAB count TAB last-used: lines that do not parse are dropped
 * (usage is a convenience, not something to refuse to start over). */
static GHashTable *
read_usage (const char *path)
{
  GHashTable *usage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *data = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &data, NULL, NULL) || !g_utf8_validate (data, -1, NULL))
    return usage;

  lines = g_strsplit (data, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", 3);
      Usage *u;

      if (g_strv_length (fields) != 3 || *fields[0] == '\0')
        continue;
      u = g_new0 (Usage, 1);
      u->count = (guint) g_ascii_strtoull (fields[1], NULL, 10);
      u->last_used = g_ascii_strtoll (fields[2], NULL, 10);
      g_hash_table_replace (usage, satchel_contacts_fold (fields[0]), u);
    }

  return usage;
}

static int
compare_usage_by_time (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  GHashTable *usage = user_data;
  const Usage *ua = g_hash_table_lookup (usage, *(char **) a);
  const Usage *ub = g_hash_table_lookup (usage, *(char **) b);

  return (ub->last_used > ua->last_used) - (ub->last_used < ua->last_used);
}

static gboolean
write_usage (const char  *path,
             GHashTable  *usage,
             GError     **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, usage);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort_with_data (keys, compare_usage_by_time, usage);

  for (guint i = 0; i < keys->len && i < USAGE_MAX; i++)
    {
      const Usage *u = g_hash_table_lookup (usage, keys->pdata[i]);

      g_string_append_printf (out, "%s\t%u\t%" G_GINT64_FORMAT "\n",
                              (char *) keys->pdata[i], u->count, u->last_used);
    }

  return g_file_set_contents_full (path, out->str, out->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/* satchel_paths_lock_file(), its error in the address book's domain. */
static int
lock_path (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int fd = satchel_paths_lock_file (path, &local_error);

  if (fd < 0)
    g_set_error_literal (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_FILE,
                         local_error->message);
  return fd;
}

/* Read, change, write the usage file under its own lock. @forget: remove
 * the addresses instead of counting them. */
static gboolean
change_usage (const char          *path,
              const char * const  *addresses,
              gboolean             forget,
              GHashTable         **result,
              GError             **error)
{
  g_autoptr(GHashTable) usage = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);
  g_autoptr(GError) local_error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int fd;

  if (!satchel_paths_ensure_dir (dir, &local_error))
    {
      g_set_error_literal (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_FILE,
                           local_error->message);
      return FALSE;
    }

  fd = lock_path (lock, error);
  if (fd < 0)
    return FALSE;

  usage = read_usage (path);
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *key = satchel_contacts_fold (addresses[i]);
      Usage *u;

      g_strstrip (key);
      if (*key == '\0' || strchr (key, '\t') != NULL || strchr (key, '\n') != NULL)
        continue;
      if (forget)
        {
          g_hash_table_remove (usage, key);
          continue;
        }
      u = g_hash_table_lookup (usage, key);
      if (u == NULL)
        {
          u = g_new0 (Usage, 1);
          g_hash_table_insert (usage, g_strdup (key), u);
        }
      u->count++;
      u->last_used = now;
    }

  if (!write_usage (path, usage, &local_error))
    {
      close (fd);
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_FILE,
                   _("Could not save how often addresses are used in “%s”: %s"),
                   path, local_error->message);
      return FALSE;
    }
  close (fd);

  if (result != NULL)
    *result = g_steal_pointer (&usage);
  return TRUE;
}

static double
usage_weight (const Usage *u,
              gint64       now)
{
  double age_days;

  if (u == NULL)
    return 0.0;
  age_days = MAX (0, now - u->last_used) / 86400.0;
  return u->count / (1.0 + age_days / 14.0);
}

/* Reading contacts.ini ------------------------------------------------- */

static gboolean
valid_group_name (const char *name)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (*p == '[' || *p == ']' || (guchar) *p < 0x20)
      return FALSE;
  return TRUE;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  return g_utf8_collate (satchel_contact_group_get_name (*(SatchelContactGroup **) a),
                         satchel_contact_group_get_name (*(SatchelContactGroup **) b));
}

/* Contacts sorted by folded name, then id; @sort_keys gets the folded
 * names in the same order. */
typedef struct
{
  SatchelContact *contact;
  char           *key;
} SortItem;

static int
compare_sort_items (gconstpointer a,
                    gconstpointer b)
{
  const SortItem *x = a;
  const SortItem *y = b;
  int order = strcmp (x->key, y->key);

  if (order != 0)
    return order;
  return g_strcmp0 (satchel_contact_get_id (x->contact), satchel_contact_get_id (y->contact));
}

static char *
get_string (GKeyFile   *key_file,
            const char *group,
            const char *key)
{
  char *value = g_key_file_get_string (key_file, group, key, NULL);

  return value != NULL ? value : g_strdup ("");
}

/* The contacts and groups of @key_file. Groups without a usable address
 * are skipped: the file is the user's, and may be written by hand. */
static void
parse_key_file (GKeyFile   *key_file,
                GPtrArray **contacts_out,
                GPtrArray **sort_keys_out,
                GPtrArray **groups_out)
{
  g_auto(GStrv) names = g_key_file_get_groups (key_file, NULL);
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (SortItem));
  GPtrArray *contacts;
  GPtrArray *sort_keys;
  GPtrArray *groups = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], CONTACT_PREFIX))
        {
          g_auto(GStrv) emails = NULL;
          g_auto(GStrv) types = NULL;
          g_autofree char *name = NULL;
          g_autofree char *nickname = NULL;
          g_autofree char *notes = NULL;
          SatchelContact *contact;
          SortItem item;
          guint n_types;

          emails = g_key_file_get_string_list (key_file, names[i], "emails", NULL, NULL);
          if (emails == NULL)
            continue;
          types = g_key_file_get_string_list (key_file, names[i], "email-types", NULL, NULL);
          n_types = types != NULL ? g_strv_length (types) : 0;

          contact = satchel_contact_new ();
          satchel_contact_set_id (contact, names[i] + strlen (CONTACT_PREFIX));
          name = get_string (key_file, names[i], "name");
          nickname = get_string (key_file, names[i], "nickname");
          notes = get_string (key_file, names[i], "notes");
          satchel_contact_set_name (contact, name);
          satchel_contact_set_nickname (contact, nickname);
          satchel_contact_set_notes (contact, notes);
          for (guint j = 0; emails[j] != NULL; j++)
            satchel_contact_add_address (contact, emails[j], j < n_types ? types[j] : NULL);

          if (satchel_contact_get_n_addresses (contact) == 0)
            {
              g_object_unref (contact);
              continue;
            }

          item.contact = contact;
          item.key = satchel_contacts_fold (*name != '\0' ? name
                                            : satchel_contact_get_addresses (contact)[0]);
          g_array_append_val (items, item);
        }
      else if (g_str_has_prefix (names[i], GROUP_PREFIX))
        {
          const char *group_name = names[i] + strlen (GROUP_PREFIX);
          g_auto(GStrv) members = NULL;
          SatchelContactGroup *group;

          if (!valid_group_name (group_name))
            continue;
          group = satchel_contact_group_new (group_name);
          members = g_key_file_get_string_list (key_file, names[i], "members", NULL, NULL);
          for (guint j = 0; members != NULL && members[j] != NULL; j++)
            satchel_contact_group_add_member (group, members[j]);
          g_ptr_array_add (groups, group);
        }
    }

  g_array_sort (items, compare_sort_items);
  contacts = g_ptr_array_new_full (items->len, g_object_unref);
  sort_keys = g_ptr_array_new_full (items->len, g_free);
  for (guint i = 0; i < items->len; i++)
    {
      SortItem *item = &g_array_index (items, SortItem, i);

      g_ptr_array_add (contacts, item->contact);
      g_ptr_array_add (sort_keys, item->key);
    }
  g_ptr_array_sort_with_data (groups, compare_groups, NULL);

  *contacts_out = contacts;
  if (sort_keys_out != NULL)
    *sort_keys_out = sort_keys;
  else
    g_ptr_array_unref (sort_keys);
  *groups_out = groups;
}

/* GKeyFile's string escapes: \s \n \t \r \\ (and \; inside lists, which
 * split_list() handles). FALSE on an escape GKeyFile refuses. */
static gboolean
unescape_into (GString    *out,
               const char *p,
               const char *end,
               gboolean    in_list)
{
  for (; p < end; p++)
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (++p >= end)
        return FALSE;
      switch (*p)
        {
        case 's': g_string_append_c (out, ' '); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case ';':
          if (!in_list)
            return FALSE;
          g_string_append_c (out, ';');
          break;
        default:
          return FALSE;
        }
    }
  return TRUE;
}

/* A reader for contacts.ini that follows GKeyFile's syntax but builds
 * the contacts directly: GKeyFile keeps every key in its own lists and
 * tables, which costs more than the 300 ms a 100,000-contact book may
 * take to load. Returns FALSE on anything it is not sure of (the caller
 * then uses GKeyFile, which also recognises damage). Writing always goes
 * through GKeyFile, so comments and unknown keys are kept. */
static gboolean
parse_data_fast (const char  *data,
                 gsize        length,
                 GPtrArray  **contacts_out,
                 GPtrArray  **sort_keys_out,
                 GPtrArray  **groups_out)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_group = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) value = g_string_new (NULL);
  g_autoptr(GArray) items = NULL;
  GPtrArray *sorted;
  GPtrArray *sort_keys;
  SatchelContact *contact = NULL;
  SatchelContactGroup *group = NULL;
  gboolean in_group = FALSE;
  const char *line = data;
  const char *end = data + length;

  while (line < end)
    {
      const char *nl = memchr (line, '\n', end - line);
      const char *line_end = nl != NULL ? nl : end;
      const char *p = line;
      const char *eq;
      const char *key_end;

      line = nl != NULL ? nl + 1 : end;
      if (line_end > p && line_end[-1] == '\r')
        line_end--;
      while (p < line_end && g_ascii_isspace (*p))
        p++;
      if (p == line_end || *p == '#')
        continue;

      if (*p == '[')
        {
          const char *close = line_end;
          g_autofree char *name = NULL;

          while (close > p && g_ascii_isspace (close[-1]))
            close--;
          if (close - p < 2 || close[-1] != ']' || memchr (p + 1, ']', close - p - 2) != NULL ||
              memchr (p + 1, '[', close - p - 2) != NULL)
            return FALSE;
          name = g_strndup (p + 1, close - p - 2);
          in_group = TRUE;
          contact = NULL;
          group = NULL;
          if (g_str_has_prefix (name, CONTACT_PREFIX))
            {
              const char *id = name + strlen (CONTACT_PREFIX);

              contact = g_hash_table_lookup (by_id, id);
              if (contact == NULL)
                {
                  contact = g_object_new (SATCHEL_TYPE_CONTACT, NULL);
                  satchel_contact_set_id (contact, id);
                  g_ptr_array_add (contacts, contact);
                  g_hash_table_insert (by_id, (char *) satchel_contact_get_id (contact), contact);
                }
            }
          else if (g_str_has_prefix (name, GROUP_PREFIX) && valid_group_name (name + strlen (GROUP_PREFIX)))
            {
              group = g_hash_table_lookup (by_group, name + strlen (GROUP_PREFIX));
              if (group == NULL)
                {
                  group = satchel_contact_group_new (name + strlen (GROUP_PREFIX));
                  g_ptr_array_add (groups, group);
                  g_hash_table_insert (by_group, (char *) satchel_contact_group_get_name (group), group);
                }
            }
          continue;
        }

      eq = memchr (p, '=', line_end - p);
      if (eq == NULL || eq == p || !in_group)
        return FALSE;
      if (contact == NULL && group == NULL)
        continue;

      key_end = eq;
      while (key_end > p && g_ascii_isspace (key_end[-1]))
        key_end--;
      eq++;
      while (eq < line_end && g_ascii_isspace (*eq))
        eq++;

#define KEY_IS(k) ((gsize) (key_end - p) == strlen (k) && memcmp (p, k, strlen (k)) == 0)
      if (contact != NULL && (KEY_IS ("name") || KEY_IS ("nickname") || KEY_IS ("notes")))
        {
          g_string_truncate (value, 0);
          if (!unescape_into (value, eq, line_end, FALSE))
            g_string_truncate (value, 0);
          if (KEY_IS ("name"))
            satchel_contact_set_name (contact, value->str);
          else if (KEY_IS ("nickname"))
            satchel_contact_set_nickname (contact, value->str);
          else
            satchel_contact_set_notes (contact, value->str);
        }
      else if ((contact != NULL && (KEY_IS ("emails") || KEY_IS ("email-types"))) ||
               (group != NULL && KEY_IS ("members")))
        {
          /* Lists need the types, which come in any order: leave
           * those to GKeyFile. */
          if (KEY_IS ("email-types"))
            return FALSE;
          if (contact != NULL)
            satchel_contact_clear_addresses (contact);
          for (const char *q = eq; q < line_end;)
            {
              const char *item_end = q;

              while (item_end < line_end && *item_end != ';')
                item_end += *item_end == '\\' && item_end + 1 < line_end ? 2 : 1;
              g_string_truncate (value, 0);
              if (!unescape_into (value, q, MIN (item_end, line_end), TRUE))
                return FALSE;
              if (contact != NULL)
                satchel_contact_add_address (contact, value->str, NULL);
              else
                satchel_contact_group_add_member (group, value->str);
              q = item_end + 1;
            }
        }
#undef KEY_IS
    }

  items = g_array_sized_new (FALSE, FALSE, sizeof (SortItem), contacts->len);
  for (guint i = 0; i < contacts->len; i++)
    {
      SatchelContact *c = contacts->pdata[i];
      SortItem item;
      const char *name = satchel_contact_get_name (c);

      if (satchel_contact_get_n_addresses (c) == 0)
        continue;
      item.contact = g_object_ref (c);
      item.key = satchel_contacts_fold (*name != '\0' ? name : satchel_contact_get_addresses (c)[0]);
      g_array_append_val (items, item);
    }
  g_array_sort (items, compare_sort_items);
  sorted = g_ptr_array_new_full (items->len, g_object_unref);
  sort_keys = g_ptr_array_new_full (items->len, g_free);
  for (guint i = 0; i < items->len; i++)
    {
      g_ptr_array_add (sorted, g_array_index (items, SortItem, i).contact);
      g_ptr_array_add (sort_keys, g_array_index (items, SortItem, i).key);
    }
  g_ptr_array_sort_with_data (groups, compare_groups, NULL);

  *contacts_out = sorted;
  *sort_keys_out = sort_keys;
  *groups_out = g_steal_pointer (&groups);
  return TRUE;
}

/* What could be read of a damaged file: the lines that are valid UTF-8
 * and look like a group header, a key=value, a comment or a blank. */
static GKeyFile *
salvage (const char *data,
         gsize       length)
{
  g_autoptr(GString) kept = g_string_new (NULL);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  const char *line = data;
  const char *end = data + length;
  gboolean in_broken_group = FALSE;

  while (line < end)
    {
      const char *nl = memchr (line, '\n', end - line);
      gsize len = (nl != NULL ? nl : end) - line;
      g_autofree char *text = g_strndup (line, len);
      gboolean keep = FALSE;

      g_strchomp (text);
      if (strlen (text) == len || strlen (text) + 1 == len)
        {
          if (!g_utf8_validate (text, -1, NULL))
            keep = FALSE;
          else if (*text == '\0' || *text == '#')
            keep = TRUE;
          else if (*text == '[')
            {
              keep = text[strlen (text) - 1] == ']' &&
                     strchr (text + 1, '[') == NULL &&
                     strchr (text + 1, ']') == text + strlen (text) - 1;
              /* The keys of a broken group belong to nobody else. */
              in_broken_group = !keep;
            }
          else
            keep = !in_broken_group && strchr (text, '=') != NULL && *text != '=';
        }
      if (keep)
        {
          g_string_append (kept, text);
          g_string_append_c (kept, '\n');
        }
      line = nl != NULL ? nl + 1 : end;
    }

  /* A key before any group, or anything else GKeyFile still refuses:
   * drop lines one at a time from the top until it parses. */
  while (!g_key_file_load_from_data (key_file, kept->str, kept->len,
                                     G_KEY_FILE_KEEP_COMMENTS, NULL))
    {
      const char *nl = strchr (kept->str, '\n');

      if (nl == NULL)
        return g_key_file_new ();
      g_string_erase (kept, 0, nl - kept->str + 1);
    }

  return g_steal_pointer (&key_file);
}

/* Reads contacts.ini. A missing file is empty. One that cannot be read
 * or parsed is renamed aside (only when @may_repair: the caller holds
 * the lock), what could be read is written in its place, and @problem
 * says so. */
static GKeyFile *
read_key_file (SatchelContactStore  *self,
               gboolean              may_repair,
               GKeyFileFlags         flags,
               gboolean             *damaged,
               GError              **problem,
               GError              **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *aside = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean readable;
  guint n_kept = 0;

  *damaged = FALSE;
  readable = g_file_get_contents (self->path, &data, &length, &local_error);
  if (!readable && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return g_steal_pointer (&key_file);

  if (readable &&
      g_utf8_validate (data, length, NULL) &&
      g_key_file_load_from_data (key_file, data, length, flags, NULL))
    return g_steal_pointer (&key_file);

  *damaged = TRUE;
  if (!may_repair)
    return NULL;

  now = g_date_time_new_now_local ();
  stamp = g_date_time_format (now, "%Y%m%dT%H%M%S");
  aside = g_strdup_printf ("%s.corrupt-%s", self->path, stamp);
  for (guint i = 1; g_file_test (aside, G_FILE_TEST_EXISTS); i++)
    {
      g_free (aside);
      aside = g_strdup_printf ("%s.corrupt-%s-%u", self->path, stamp, i);
    }

  if (g_rename (self->path, aside) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_FILE,
                   _("The address book “%s” cannot be read (%s) and could not be "
                     "moved aside: %s. Satchel will not overwrite it: fix or move "
                     "the file, then try again."),
                   self->path,
                   local_error != NULL ? local_error->message : _("damaged"),
                   g_strerror (saved_errno));
      return NULL;
    }

  g_clear_pointer (&key_file, g_key_file_unref);
  key_file = readable ? salvage (data, length) : g_key_file_new ();

  {
    g_auto(GStrv) groups = g_key_file_get_groups (key_file, NULL);

    for (guint i = 0; groups[i] != NULL; i++)
      if (g_str_has_prefix (groups[i], CONTACT_PREFIX))
        n_kept++;
  }

  contents = g_key_file_to_data (key_file, &length, NULL);
  g_clear_error (&local_error);
  if (!g_file_set_contents_full (self->path, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    g_debug ("Could not write the salvaged address book: %s", local_error->message);

  g_set_error (problem, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_RECOVERED,
               g_dngettext (GETTEXT_PACKAGE,
                            "The address book was damaged. The old file was kept as "
                            "“%s”; Satchel continues with the %u contact it could read.",
                            "The address book was damaged. The old file was kept as "
                            "“%s”; Satchel continues with the %u contacts it could read.",
                            n_kept),
               aside, n_kept);

  return g_steal_pointer (&key_file);
}

/* The model ---------------------------------------------------------------- */

static void
invalidate_index (SatchelContactStore *self)
{
  self->index_valid = FALSE;
}

static void
rebuild_recent (SatchelContactStore *self)
{
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) folded = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_ptr_array_set_size (self->recent, 0);
  if (g_hash_table_size (self->usage) == 0)
    return;

  for (guint i = 0; i < self->contacts->len; i++)
    {
      const char * const *addresses = satchel_contact_get_addresses (self->contacts->pdata[i]);

      for (guint j = 0; addresses[j] != NULL; j++)
        {
          char *f = satchel_contacts_fold (addresses[j]);

          g_ptr_array_add (folded, f);
          g_hash_table_add (known, f);
        }
    }

  g_ptr_array_set_size (self->recent, 0);
  g_hash_table_iter_init (&iter, self->usage);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (known, key))
      g_ptr_array_add (self->recent, g_strdup (key));
}

/* Shows @contacts, telling views about the range that changed. */
static void
apply (SatchelContactStore *self,
       GPtrArray           *contacts,
       GPtrArray           *sort_keys,
       GPtrArray           *groups)
{
  guint old_len = self->contacts->len;
  guint new_len = contacts->len;
  guint prefix = 0;
  guint suffix = 0;

  while (prefix < old_len && prefix < new_len &&
         satchel_contact_equal (self->contacts->pdata[prefix], contacts->pdata[prefix]))
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix &&
         satchel_contact_equal (self->contacts->pdata[old_len - 1 - suffix],
                                contacts->pdata[new_len - 1 - suffix]))
    suffix++;

  g_ptr_array_unref (self->contacts);
  g_ptr_array_unref (self->sort_keys);
  self->contacts = g_ptr_array_ref (contacts);
  self->sort_keys = g_ptr_array_ref (sort_keys);

  g_list_store_splice (self->groups, 0, g_list_model_get_n_items (G_LIST_MODEL (self->groups)),
                       groups->pdata, groups->len);

  rebuild_recent (self);
  invalidate_index (self);

  if (old_len - prefix - suffix > 0 || new_len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix,
                                old_len - prefix - suffix, new_len - prefix - suffix);
}

static void
set_problem (SatchelContactStore *self,
             GError              *problem)
{
  if (problem == NULL)
    return;
  g_clear_error (&self->problem);
  self->problem = problem;
}

/* Writing ------------------------------------------------------------- */

static void
write_contact (GKeyFile       *key_file,
               SatchelContact *contact)
{
  g_autofree char *group = g_strconcat (CONTACT_PREFIX, satchel_contact_get_id (contact), NULL);
  guint n = satchel_contact_get_n_addresses (contact);
  g_autofree const char **types = g_new0 (const char *, n + 1);
  gboolean any_type = FALSE;

  /* Keys this version does not know stay. */
  g_key_file_set_string (key_file, group, "name", satchel_contact_get_name (contact));
  g_key_file_set_string_list (key_file, group, "emails",
                              satchel_contact_get_addresses (contact), n);
  for (guint i = 0; i < n; i++)
    {
      types[i] = satchel_contact_get_address_type (contact, i);
      any_type |= types[i] != NULL;
      if (types[i] == NULL)
        types[i] = "";
    }
  if (any_type)
    g_key_file_set_string_list (key_file, group, "email-types", types, n);
  else
    g_key_file_remove_key (key_file, group, "email-types", NULL);

  if (*satchel_contact_get_nickname (contact) != '\0')
    g_key_file_set_string (key_file, group, "nickname", satchel_contact_get_nickname (contact));
  else
    g_key_file_remove_key (key_file, group, "nickname", NULL);
  if (*satchel_contact_get_notes (contact) != '\0')
    g_key_file_set_string (key_file, group, "notes", satchel_contact_get_notes (contact));
  else
    g_key_file_remove_key (key_file, group, "notes", NULL);
}

static void
write_group (GKeyFile            *key_file,
             SatchelContactGroup *group)
{
  g_autofree char *name = g_strconcat (GROUP_PREFIX, satchel_contact_group_get_name (group), NULL);

  g_key_file_set_string_list (key_file, name, "members",
                              satchel_contact_group_get_members (group),
                              satchel_contact_group_get_n_members (group));
}

/* Read, change, write under the lock: a change another process made
 * meanwhile is kept. A file that cannot be read is moved aside first. */
static gboolean
change_file (SatchelContactStore  *self,
             ChangeFunc            change,
             gpointer              data,
             GError              **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GPtrArray) sort_keys = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GError) problem = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  gboolean damaged;
  gsize length;
  int fd;

  dir = g_path_get_dirname (self->path);
  if (!satchel_paths_ensure_dir (dir, &local_error))
    {
      g_set_error_literal (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_FILE,
                           local_error->message);
      return FALSE;
    }

  fd = lock_path (self->lock_path, error);
  if (fd < 0)
    return FALSE;

  key_file = read_key_file (self, TRUE, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                            &damaged, &problem, error);
  if (key_file == NULL)
    {
      close (fd);
      return FALSE;
    }
  parse_key_file (key_file, &contacts, NULL, &groups);
  if (!change (self, key_file, contacts, groups, data, error))
    {
      close (fd);
      set_problem (self, g_steal_pointer (&problem));
      return FALSE;
    }

  contents = g_key_file_to_data (key_file, &length, NULL);
  if (!g_file_set_contents_full (self->path, contents, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      close (fd);
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_FILE,
                   _("Could not save the address book “%s”: %s"),
                   self->path, local_error->message);
      return FALSE;
    }
  close (fd);

  g_clear_pointer (&contacts, g_ptr_array_unref);
  g_clear_pointer (&groups, g_ptr_array_unref);
  parse_key_file (key_file, &contacts, &sort_keys, &groups);
  set_problem (self, g_steal_pointer (&problem));
  apply (self, contacts, sort_keys, groups);
  return TRUE;
}

static SatchelContact *
find_by_id (GPtrArray  *contacts,
            const char *id)
{
  for (guint i = 0; i < contacts->len; i++)
    if (g_strcmp0 (satchel_contact_get_id (contacts->pdata[i]), id) == 0)
      return contacts->pdata[i];
  return NULL;
}

static SatchelContact *
find_by_address (GPtrArray  *contacts,
                 const char *address)
{
  for (guint i = 0; i < contacts->len; i++)
    if (satchel_contact_has_address (contacts->pdata[i], address))
      return contacts->pdata[i];
  return NULL;
}

static SatchelContactGroup *
find_group (GPtrArray  *groups,
            const char *name)
{
  for (guint i = 0; i < groups->len; i++)
    if (g_str_equal (satchel_contact_group_get_name (groups->pdata[i]), name))
      return groups->pdata[i];
  for (guint i = 0; i < groups->len; i++)
    {
      g_autofree char *a = satchel_contacts_fold (satchel_contact_group_get_name (groups->pdata[i]));
      g_autofree char *b = satchel_contacts_fold (name);

      if (g_str_equal (a, b))
        return groups->pdata[i];
    }
  return NULL;
}

static gboolean
check_contact (SatchelContact  *contact,
               GPtrArray       *contacts,
               GError         **error)
{
  const char * const *addresses = satchel_contact_get_addresses (contact);

  if (addresses[0] == NULL)
    {
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID,
                   _("A contact needs at least one email address."));
      return FALSE;
    }

  for (guint i = 0; addresses[i] != NULL; i++)
    {
      SatchelContact *owner = find_by_address (contacts, addresses[i]);

      if (strpbrk (addresses[i], "\r\n\t") != NULL || strchr (addresses[i], '@') == NULL)
        {
          g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID,
                       _("“%s” is not an email address."), addresses[i]);
          return FALSE;
        }
      if (owner != NULL &&
          g_strcmp0 (satchel_contact_get_id (owner), satchel_contact_get_id (contact)) != 0)
        {
          const char *name = satchel_contact_get_name (owner);

          g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_EXISTS,
                       _("The address “%s” belongs to “%s” already: change that "
                         "contact instead."),
                       addresses[i], *name != '\0' ? name : addresses[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
add_change (SatchelContactStore  *self,
            GKeyFile             *key_file,
            GPtrArray            *contacts,
            GPtrArray            *groups,
            gpointer              data,
            GError              **error)
{
  SatchelContact *contact = data;

  if (!check_contact (contact, contacts, error))
    return FALSE;
  while (find_by_id (contacts, satchel_contact_get_id (contact)) != NULL)
    {
      g_autofree char *id = g_uuid_string_random ();

      satchel_contact_set_id (contact, id);
    }
  write_contact (key_file, contact);
  return TRUE;
}

static gboolean
update_change (SatchelContactStore  *self,
               GKeyFile             *key_file,
               GPtrArray            *contacts,
               GPtrArray            *groups,
               gpointer              data,
               GError              **error)
{
  SatchelContact *contact = data;

  if (find_by_id (contacts, satchel_contact_get_id (contact)) == NULL)
    {
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND,
                   _("The contact “%s” is no longer in the address book."),
                   satchel_contact_get_name (contact));
      return FALSE;
    }
  if (!check_contact (contact, contacts, error))
    return FALSE;
  write_contact (key_file, contact);
  return TRUE;
}

static gboolean
remove_change (SatchelContactStore  *self,
               GKeyFile             *key_file,
               GPtrArray            *contacts,
               GPtrArray            *groups,
               gpointer              data,
               GError              **error)
{
  const char *id = data;
  g_autofree char *group = g_strconcat (CONTACT_PREFIX, id, NULL);

  if (find_by_id (contacts, id) == NULL)
    {
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND,
                   _("The contact is no longer in the address book."));
      return FALSE;
    }
  g_key_file_remove_group (key_file, group, NULL);
  return TRUE;
}

static gboolean
remove_address_change (SatchelContactStore  *self,
                       GKeyFile             *key_file,
                       GPtrArray            *contacts,
                       GPtrArray            *groups,
                       gpointer              data,
                       GError              **error)
{
  const char *address = data;
  SatchelContact *owner = find_by_address (contacts, address);

  if (owner == NULL)
    {
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND,
                   _("No contact has the address “%s”."), address);
      return FALSE;
    }

  satchel_contact_remove_address (owner, address);
  if (satchel_contact_get_n_addresses (owner) == 0)
    {
      g_autofree char *group = g_strconcat (CONTACT_PREFIX, satchel_contact_get_id (owner), NULL);

      g_key_file_remove_group (key_file, group, NULL);
    }
  else
    write_contact (key_file, owner);
  return TRUE;
}

typedef struct
{
  GPtrArray *contacts;
  guint      added;
  guint      merged;
  guint      skipped;
} ImportData;

static void
join_groups (GKeyFile       *key_file,
             GPtrArray      *groups,
             SatchelContact *contact)
{
  const char * const *categories = satchel_contact_get_categories (contact);
  const char *first = satchel_contact_get_addresses (contact)[0];

  for (guint i = 0; categories[i] != NULL; i++)
    {
      SatchelContactGroup *group;

      if (!valid_group_name (categories[i]))
        continue;
      group = find_group (groups, categories[i]);
      if (group == NULL)
        {
          group = satchel_contact_group_new (categories[i]);
          g_ptr_array_add (groups, group);
        }
      if (satchel_contact_group_add_member (group, first))
        write_group (key_file, group);
    }
}

static gboolean
import_change (SatchelContactStore  *self,
               GKeyFile             *key_file,
               GPtrArray            *contacts,
               GPtrArray            *groups,
               gpointer              data,
               GError              **error)
{
  ImportData *import = data;
  g_autoptr(GHashTable) by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < contacts->len; i++)
    {
      const char * const *addresses = satchel_contact_get_addresses (contacts->pdata[i]);

      for (guint j = 0; addresses[j] != NULL; j++)
        g_hash_table_insert (by_address, g_ascii_strdown (addresses[j], -1), contacts->pdata[i]);
    }

  for (guint i = 0; i < import->contacts->len; i++)
    {
      SatchelContact *incoming = import->contacts->pdata[i];
      const char * const *addresses = satchel_contact_get_addresses (incoming);
      g_autoptr(SatchelContact) fresh = NULL;
      SatchelContact *owner = NULL;
      gboolean changed = FALSE;

      for (guint j = 0; addresses[j] != NULL && owner == NULL; j++)
        {
          g_autofree char *key = g_ascii_strdown (addresses[j], -1);

          owner = g_hash_table_lookup (by_address, key);
        }

      fresh = satchel_contact_copy (incoming);
      satchel_contact_clear_addresses (fresh);
      for (guint j = 0; addresses[j] != NULL; j++)
        if (strpbrk (addresses[j], "\r\n\t") == NULL && strchr (addresses[j], '@') != NULL)
          satchel_contact_add_address (fresh, addresses[j],
                                       satchel_contact_get_address_type (incoming, j));
      if (satchel_contact_get_n_addresses (fresh) == 0)
        {
          import->skipped++;
          continue;
        }

      if (owner == NULL)
        {
          do
            {
              g_autofree char *id = g_uuid_string_random ();

              satchel_contact_set_id (fresh, id);
            }
          while (find_by_id (contacts, satchel_contact_get_id (fresh)) != NULL);
          write_contact (key_file, fresh);
          g_ptr_array_add (contacts, g_object_ref (fresh));
          for (guint j = 0; satchel_contact_get_addresses (fresh)[j] != NULL; j++)
            g_hash_table_insert (by_address,
                                 g_ascii_strdown (satchel_contact_get_addresses (fresh)[j], -1),
                                 fresh);
          join_groups (key_file, groups, fresh);
          import->added++;
          continue;
        }

      /* Someone we know: keep what we have, add what is new. */
      for (guint j = 0; satchel_contact_get_addresses (fresh)[j] != NULL; j++)
        {
          const char *address = satchel_contact_get_addresses (fresh)[j];
          g_autofree char *key = g_ascii_strdown (address, -1);

          if (g_hash_table_contains (by_address, key))
            continue;
          changed |= satchel_contact_add_address (owner, address,
                                                  satchel_contact_get_address_type (fresh, j));
          g_hash_table_insert (by_address, g_steal_pointer (&key), owner);
        }
      if (*satchel_contact_get_name (owner) == '\0' && *satchel_contact_get_name (fresh) != '\0')
        {
          satchel_contact_set_name (owner, satchel_contact_get_name (fresh));
          changed = TRUE;
        }
      if (*satchel_contact_get_nickname (owner) == '\0' &&
          *satchel_contact_get_nickname (fresh) != '\0')
        {
          satchel_contact_set_nickname (owner, satchel_contact_get_nickname (fresh));
          changed = TRUE;
        }
      if (*satchel_contact_get_notes (owner) == '\0' && *satchel_contact_get_notes (fresh) != '\0')
        {
          satchel_contact_set_notes (owner, satchel_contact_get_notes (fresh));
          changed = TRUE;
        }
      if (changed)
        {
          write_contact (key_file, owner);
          import->merged++;
        }
      else
        import->skipped++;
      join_groups (key_file, groups, fresh);
    }

  return TRUE;
}

static gboolean
set_group_change (SatchelContactStore  *self,
                  GKeyFile             *key_file,
                  GPtrArray            *contacts,
                  GPtrArray            *groups,
                  gpointer              data,
                  GError              **error)
{
  SatchelContactGroup *group = data;
  SatchelContactGroup *old = find_group (groups, satchel_contact_group_get_name (group));

  if (old != NULL &&
      !g_str_equal (satchel_contact_group_get_name (old), satchel_contact_group_get_name (group)))
    {
      g_autofree char *old_name = g_strconcat (GROUP_PREFIX, satchel_contact_group_get_name (old), NULL);

      g_key_file_remove_group (key_file, old_name, NULL);
    }
  write_group (key_file, group);
  return TRUE;
}

typedef struct
{
  const char         *name;
  const char * const *addresses;
} AddToGroupData;

static gboolean
add_to_group_change (SatchelContactStore  *self,
                     GKeyFile             *key_file,
                     GPtrArray            *contacts,
                     GPtrArray            *groups,
                     gpointer              data,
                     GError              **error)
{
  AddToGroupData *add = data;
  SatchelContactGroup *group = find_group (groups, add->name);

  if (group == NULL)
    {
      group = satchel_contact_group_new (add->name);
      g_ptr_array_add (groups, group);
    }
  for (guint i = 0; add->addresses[i] != NULL; i++)
    {
      if (strpbrk (add->addresses[i], "\r\n\t") != NULL || strchr (add->addresses[i], '@') == NULL)
        {
          g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID,
                       _("“%s” is not an email address."), add->addresses[i]);
          return FALSE;
        }
      satchel_contact_group_add_member (group, add->addresses[i]);
    }
  write_group (key_file, group);
  return TRUE;
}

static gboolean
remove_group_change (SatchelContactStore  *self,
                     GKeyFile             *key_file,
                     GPtrArray            *contacts,
                     GPtrArray            *groups,
                     gpointer              data,
                     GError              **error)
{
  SatchelContactGroup *group = find_group (groups, data);
  g_autofree char *name = NULL;

  if (group == NULL)
    {
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND,
                   _("There is no group named “%s”."), (const char *) data);
      return FALSE;
    }
  name = g_strconcat (GROUP_PREFIX, satchel_contact_group_get_name (group), NULL);
  g_key_file_remove_group (key_file, name, NULL);
  return TRUE;
}

/* Search ---------------------------------------------------------------- */

static void
append_field (GString    *haystack,
              const char *text)
{
  g_autofree char *folded = NULL;
  gsize len = haystack->len;
  const char *p;

  /* ASCII, the common case, without an allocation per field. */
  for (p = text; *p != '\0' && (guchar) *p < 0x80; p++)
    g_string_append_c (haystack, (guchar) *p < 0x20 || *p == 0x7f ? ' ' : g_ascii_tolower (*p));
  if (*p == '\0')
    return;

  g_string_truncate (haystack, len);
  folded = satchel_contacts_fold (text);
  g_string_append (haystack, folded);
}

static void
add_entry (SatchelContactStore     *self,
           SatchelContactMatchKind  kind,
           guint                    item,
           guint                    address,
           const char              *name,
           const char              *nickname,
           const char              *addr,
           double                   weight)
{
  Entry entry = { kind, item, address, 0, 0, 0, 0, weight };

  /* \1 starts an entry, \2 separates fields: a folded query has
   * neither, so a match never spans two fields. */
  g_string_append_c (self->haystack, '\1');
  entry.start = self->haystack->len;
  if (name != NULL)
    append_field (self->haystack, name);
  g_string_append_c (self->haystack, '\2');
  entry.nick = self->haystack->len;
  if (nickname != NULL)
    append_field (self->haystack, nickname);
  g_string_append_c (self->haystack, '\2');
  entry.addr = self->haystack->len;
  if (addr != NULL)
    append_field (self->haystack, addr);
  entry.end = self->haystack->len;
  g_array_append_val (self->entries, entry);
}

/* Entries that may outrank others of the same score regardless of their
 * place come first (people with usage, groups, recent recipients): a
 * search reads them all. The rest follow in name order, so that a search
 * can stop once it has enough matches at the start of a field. */
static void
build_index (SatchelContactStore *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean have_usage = g_hash_table_size (self->usage) > 0;
  g_autoptr(GArray) weights = g_array_new (FALSE, TRUE, sizeof (double));
  guint n_groups;
  guint k = 0;

  if (self->index_valid)
    return;

  g_string_truncate (self->haystack, 0);
  g_array_set_size (self->entries, 0);

  for (guint i = 0; i < self->contacts->len && have_usage; i++)
    {
      SatchelContact *contact = self->contacts->pdata[i];
      const char * const *addresses = satchel_contact_get_addresses (contact);

      for (guint j = 0; addresses[j] != NULL; j++)
        {
          g_autofree char *key = satchel_contacts_fold (addresses[j]);
          double weight = usage_weight (g_hash_table_lookup (self->usage, key), now);

          g_array_append_val (weights, weight);
          if (weight > 0)
            add_entry (self, SATCHEL_CONTACT_MATCH_CONTACT, i, j,
                       satchel_contact_get_name (contact),
                       satchel_contact_get_nickname (contact),
                       addresses[j], weight);
        }
    }

  n_groups = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  for (guint i = 0; i < n_groups; i++)
    {
      g_autoptr(SatchelContactGroup) group = g_list_model_get_item (G_LIST_MODEL (self->groups), i);

      add_entry (self, SATCHEL_CONTACT_MATCH_GROUP, i, 0,
                 satchel_contact_group_get_name (group), NULL, NULL, 0.0);
    }

  for (guint i = 0; i < self->recent->len; i++)
    add_entry (self, SATCHEL_CONTACT_MATCH_RECENT, i, 0, NULL, NULL, self->recent->pdata[i],
               usage_weight (g_hash_table_lookup (self->usage, self->recent->pdata[i]), now));

  self->n_special = self->entries->len;

  for (guint i = 0; i < self->contacts->len; i++)
    {
      SatchelContact *contact = self->contacts->pdata[i];
      const char * const *addresses = satchel_contact_get_addresses (contact);

      for (guint j = 0; addresses[j] != NULL; j++, k++)
        if (!have_usage || g_array_index (weights, double, k) <= 0)
          add_entry (self, SATCHEL_CONTACT_MATCH_CONTACT, i, j,
                     satchel_contact_get_name (contact),
                     satchel_contact_get_nickname (contact),
                     addresses[j], 0.0);
    }

  /* Sentinel, so that a search never reads past the end. */
  g_string_append_c (self->haystack, '\1');
  self->index_valid = TRUE;
}

static gboolean
is_han (gunichar c)
{
  return g_unichar_get_script (c) == G_UNICODE_SCRIPT_HAN;
}

/* 0: a field starts with the token; 1: a word does; 2: elsewhere. */
static int
tier_at (const char  *haystack,
         const Entry *entry,
         guint        pos)
{
  const char *p = haystack + pos;
  const char *prev;
  gunichar c;

  if (pos == entry->start || pos == entry->nick || pos == entry->addr)
    return 0;

  if ((guchar) p[-1] < 0x80)
    {
      if (!g_ascii_isalnum (p[-1]))
        return 1;
    }
  else
    {
      prev = g_utf8_find_prev_char (haystack, p);
      c = g_utf8_get_char (prev);
      if (!g_unichar_isalnum (c) || is_han (c))
        return 1;
    }

  if ((guchar) *p >= 0x80 && is_han (g_utf8_get_char (p)))
    return 1;
  return 2;
}

/* The best tier of @token within @entry, or -1 when it is not there. */
static int
token_tier (const char  *haystack,
            const Entry *entry,
            const char  *token,
            gsize        token_len,
            guint        from)
{
  int best = -1;
  guint pos = from;

  while (pos < entry->end)
    {
      const char *hit = memmem (haystack + pos, entry->end - pos, token, token_len);
      int tier;

      if (hit == NULL)
        break;
      tier = tier_at (haystack, entry, hit - haystack);
      if (best < 0 || tier < best)
        best = tier;
      if (best == 0)
        break;
      pos = (hit - haystack) + 1;
    }
  return best;
}

typedef struct
{
  const Entry *entry;
  int          score;
} Hit;

/* Rank, then usage, then people before groups before strangers, then
 * the index order (names, for people without usage). */
static int
compare_hits (const Hit           *a,
              const Hit           *b,
              SatchelContactStore *self)
{
  if (a->score != b->score)
    return a->score - b->score;
  if (a->entry->weight != b->entry->weight)
    return a->entry->weight > b->entry->weight ? -1 : 1;
  if (a->entry->kind != b->entry->kind)
    return (int) a->entry->kind - (int) b->entry->kind;
  return a->entry < b->entry ? -1 : (a->entry > b->entry);
}

static int
compare_hits_qsort (gconstpointer a,
                    gconstpointer b,
                    gpointer      self)
{
  return compare_hits (a, b, self);
}

static guint
find_worst (GArray              *hits,
            SatchelContactStore *self)
{
  guint worst = 0;

  for (guint k = 1; k < hits->len; k++)
    if (compare_hits (&g_array_index (hits, Hit, k), &g_array_index (hits, Hit, worst), self) > 0)
      worst = k;
  return worst;
}

static guint
find_entry (GArray *entries,
            guint   from,
            guint   pos)
{
  guint lo = from;
  guint hi = entries->len;

  /* Hits come in order, often in the next few entries. */
  for (guint step = 0; step < 8 && lo + 1 < hi; step++)
    {
      if (g_array_index (entries, Entry, lo + 1).start - 1 > pos)
        return lo;
      lo++;
    }

  /* The last entry whose start is at or before @pos. */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (entries, Entry, mid).start - 1 <= pos)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static SatchelContactMatch *
make_match (SatchelContactStore *self,
            const Entry         *entry)
{
  switch (entry->kind)
    {
    case SATCHEL_CONTACT_MATCH_CONTACT:
      {
        SatchelContact *contact = self->contacts->pdata[entry->item];

        return satchel_contact_match_new (entry->kind, satchel_contact_get_name (contact),
                                          satchel_contact_get_addresses (contact)[entry->address],
                                          contact, NULL, NULL);
      }
    case SATCHEL_CONTACT_MATCH_GROUP:
      {
        g_autoptr(SatchelContactGroup) group = g_list_model_get_item (G_LIST_MODEL (self->groups),
                                                                      entry->item);
        g_auto(GStrv) members = satchel_contact_store_expand_group (self,
                                                                    satchel_contact_group_get_name (group));

        return satchel_contact_match_new (entry->kind, satchel_contact_group_get_name (group),
                                          NULL, NULL, group, g_strjoinv (", ", members));
      }
    case SATCHEL_CONTACT_MATCH_RECENT:
    default:
      return satchel_contact_match_new (entry->kind, "", self->recent->pdata[entry->item],
                                        NULL, NULL, NULL);
    }
}

/* Callbacks ----------------------------------------------------------------- */

static void
on_monitor_changed (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  SatchelContactStore *self = user_data;
  g_autoptr(GError) error = NULL;

  if (event == G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT ||
      event == G_FILE_MONITOR_EVENT_CREATED ||
      event == G_FILE_MONITOR_EVENT_DELETED ||
      event == G_FILE_MONITOR_EVENT_MOVED_IN ||
      event == G_FILE_MONITOR_EVENT_RENAMED)
    if (!satchel_contact_store_load (self, &error))
      g_debug ("Could not reload the address book: %s", error->message);
}

/* GListModel ------------------------------------------------------------- */

static GType
satchel_contact_store_get_item_type (GListModel *model)
{
  return SATCHEL_TYPE_CONTACT;
}

static guint
satchel_contact_store_get_n_items (GListModel *model)
{
  return SATCHEL_CONTACT_STORE (model)->contacts->len;
}

static gpointer
satchel_contact_store_get_item (GListModel *model,
                                guint       position)
{
  SatchelContactStore *self = SATCHEL_CONTACT_STORE (model);

  if (position >= self->contacts->len)
    return NULL;
  return g_object_ref (self->contacts->pdata[position]);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = satchel_contact_store_get_item_type;
  iface->get_n_items = satchel_contact_store_get_n_items;
  iface->get_item = satchel_contact_store_get_item;
}

/* GObject ----------------------------------------------------------------- */

static void
satchel_contact_store_finalize (GObject *object)
{
  SatchelContactStore *self = SATCHEL_CONTACT_STORE (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  g_free (self->path);
  g_free (self->lock_path);
  g_free (self->usage_path);
  g_clear_error (&self->problem);
  g_ptr_array_unref (self->contacts);
  g_ptr_array_unref (self->sort_keys);
  g_object_unref (self->groups);
  g_hash_table_unref (self->usage);
  g_ptr_array_unref (self->recent);
  g_string_free (self->haystack, TRUE);
  g_array_unref (self->entries);

  G_OBJECT_CLASS (satchel_contact_store_parent_class)->finalize (object);
}

static void
satchel_contact_store_class_init (SatchelContactStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = satchel_contact_store_finalize;
}

static void
satchel_contact_store_init (SatchelContactStore *self)
{
  self->contacts = g_ptr_array_new_with_free_func (g_object_unref);
  self->sort_keys = g_ptr_array_new_with_free_func (g_free);
  self->groups = g_list_store_new (SATCHEL_TYPE_CONTACT_GROUP);
  self->usage = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->recent = g_ptr_array_new_with_free_func (g_free);
  self->haystack = g_string_new (NULL);
  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
}

/* Public API -------------------------------------------------------------- */

SatchelContactStore *
satchel_contact_store_new_full (const char *path,
                                const char *usage_path)
{
  SatchelContactStore *self = g_object_new (SATCHEL_TYPE_CONTACT_STORE, NULL);

  self->path = path != NULL ? g_strdup (path) : satchel_paths_contacts_file ();
  self->lock_path = g_strconcat (self->path, ".lock", NULL);
  self->usage_path = usage_path != NULL ? g_strdup (usage_path) : default_usage_path ();
  return self;
}

SatchelContactStore *
satchel_contact_store_new (const char *path)
{
  return satchel_contact_store_new_full (path, NULL);
}

const char *
satchel_contact_store_get_path (SatchelContactStore *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  return self->path;
}

/* Reads without the lock (every writer replaces the file atomically); only
 * a damaged file takes the lock, to move it aside exactly once. */
gboolean
satchel_contact_store_load (SatchelContactStore  *self,
                            GError              **error)
{
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GPtrArray) sort_keys = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) problem = NULL;
  gboolean damaged;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  {
    g_autofree char *data = NULL;
    gsize length;

    /* The common case, fast: a file that reads and parses cleanly. */
    if (g_file_get_contents (self->path, &data, &length, NULL) &&
        g_utf8_validate (data, length, NULL) &&
        parse_data_fast (data, length, &contacts, &sort_keys, &groups))
      {
        g_hash_table_unref (self->usage);
        self->usage = read_usage (self->usage_path);
        g_clear_error (&self->problem);
        apply (self, contacts, sort_keys, groups);
        return TRUE;
      }
  }

  key_file = read_key_file (self, FALSE, G_KEY_FILE_NONE, &damaged, NULL, NULL);
  if (damaged)
    {
      int fd = lock_path (self->lock_path, error);

      if (fd < 0)
        return FALSE;
      key_file = read_key_file (self, TRUE, G_KEY_FILE_KEEP_COMMENTS, &damaged, &problem, error);
      close (fd);
      if (key_file == NULL)
        return FALSE;
    }

  g_hash_table_unref (self->usage);
  self->usage = read_usage (self->usage_path);

  parse_key_file (key_file, &contacts, &sort_keys, &groups);
  g_clear_error (&self->problem);
  set_problem (self, g_steal_pointer (&problem));
  apply (self, contacts, sort_keys, groups);
  return TRUE;
}

const GError *
satchel_contact_store_get_problem (SatchelContactStore *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  return self->problem;
}

void
satchel_contact_store_watch (SatchelContactStore *self)
{
  g_autoptr(GFile) file = NULL;

  g_return_if_fail (SATCHEL_IS_CONTACT_STORE (self));

  if (self->monitor != NULL)
    return;
  file = g_file_new_for_path (self->path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
  if (self->monitor != NULL)
    g_signal_connect (self->monitor, "changed", G_CALLBACK (on_monitor_changed), self);
}

GListModel *
satchel_contact_store_get_groups (SatchelContactStore *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  return G_LIST_MODEL (self->groups);
}

SatchelContact *
satchel_contact_store_lookup (SatchelContactStore *self,
                              const char          *id)
{
  SatchelContact *contact;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  contact = find_by_id (self->contacts, id);
  return contact != NULL ? satchel_contact_copy (contact) : NULL;
}

SatchelContact *
satchel_contact_store_lookup_by_address (SatchelContactStore *self,
                                         const char          *address)
{
  SatchelContact *contact;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (address != NULL, NULL);

  contact = find_by_address (self->contacts, address);
  return contact != NULL ? satchel_contact_copy (contact) : NULL;
}

SatchelContactGroup *
satchel_contact_store_lookup_group (SatchelContactStore *self,
                                    const char          *name)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  SatchelContactGroup *group;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (groups, g_list_model_get_item (G_LIST_MODEL (self->groups), i));
  group = find_group (groups, name);
  return group != NULL ? satchel_contact_group_copy (group) : NULL;
}

gboolean
satchel_contact_store_add (SatchelContactStore  *self,
                           SatchelContact       *contact,
                           GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_file (self, add_change, contact, error);
}

gboolean
satchel_contact_store_update (SatchelContactStore  *self,
                              SatchelContact       *contact,
                              GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_file (self, update_change, contact, error);
}

gboolean
satchel_contact_store_remove (SatchelContactStore  *self,
                              const char           *id,
                              GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_file (self, remove_change, (gpointer) id, error);
}

gboolean
satchel_contact_store_remove_address (SatchelContactStore  *self,
                                      const char           *address,
                                      GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_file (self, remove_address_change, (gpointer) address, error);
}

gboolean
satchel_contact_store_import (SatchelContactStore  *self,
                              GPtrArray            *contacts,
                              guint                *n_added,
                              guint                *n_merged,
                              guint                *n_skipped,
                              GError              **error)
{
  ImportData import = { contacts, 0, 0, 0 };
  gboolean ok;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (contacts != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = change_file (self, import_change, &import, error);
  if (n_added != NULL)
    *n_added = import.added;
  if (n_merged != NULL)
    *n_merged = import.merged;
  if (n_skipped != NULL)
    *n_skipped = import.skipped;
  return ok;
}

GPtrArray *
satchel_contact_store_dup_for_export (SatchelContactStore *self)
{
  GPtrArray *out;
  guint n_groups;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);

  out = g_ptr_array_new_with_free_func (g_object_unref);
  n_groups = g_list_model_get_n_items (G_LIST_MODEL (self->groups));
  for (guint i = 0; i < self->contacts->len; i++)
    {
      SatchelContact *copy = satchel_contact_copy (self->contacts->pdata[i]);
      const char * const *addresses = satchel_contact_get_addresses (copy);

      for (guint g = 0; g < n_groups; g++)
        {
          g_autoptr(SatchelContactGroup) group = g_list_model_get_item (G_LIST_MODEL (self->groups), g);

          for (guint j = 0; addresses[j] != NULL; j++)
            if (satchel_contact_group_has_member (group, addresses[j]))
              {
                satchel_contact_add_category (copy, satchel_contact_group_get_name (group));
                break;
              }
        }
      g_ptr_array_add (out, copy);
    }
  return out;
}

gboolean
satchel_contact_store_set_group (SatchelContactStore  *self,
                                 SatchelContactGroup  *group,
                                 GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (SATCHEL_IS_CONTACT_GROUP (group), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!valid_group_name (satchel_contact_group_get_name (group)))
    {
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID,
                   _("A group needs a name without brackets or line breaks."));
      return FALSE;
    }
  return change_file (self, set_group_change, group, error);
}

gboolean
satchel_contact_store_add_to_group (SatchelContactStore  *self,
                                    const char           *name,
                                    const char * const   *addresses,
                                    GError              **error)
{
  g_autofree char *trimmed = NULL;
  AddToGroupData data;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (addresses != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  trimmed = g_strstrip (g_strdup (name));
  if (!valid_group_name (trimmed))
    {
      g_set_error (error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID,
                   _("A group needs a name without brackets or line breaks."));
      return FALSE;
    }
  data.name = trimmed;
  data.addresses = addresses;
  return change_file (self, add_to_group_change, &data, error);
}

gboolean
satchel_contact_store_remove_group (SatchelContactStore  *self,
                                    const char           *name,
                                    GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return change_file (self, remove_group_change, (gpointer) name, error);
}

GStrv
satchel_contact_store_expand_group (SatchelContactStore *self,
                                    const char          *name)
{
  g_autoptr(SatchelContactGroup) group = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  const char * const *members;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  group = satchel_contact_store_lookup_group (self, name);
  if (group == NULL)
    return NULL;

  builder = g_strv_builder_new ();
  members = satchel_contact_group_get_members (group);
  for (guint i = 0; members[i] != NULL; i++)
    {
      SatchelContact *contact = find_by_address (self->contacts, members[i]);

      g_autofree char *recipient = NULL;

      recipient = satchel_format_recipient (contact != NULL ? satchel_contact_get_name (contact) : NULL,
                                            members[i]);
      g_strv_builder_add (builder, recipient);
    }
  return g_strv_builder_end (builder);
}

GPtrArray *
satchel_contact_store_search (SatchelContactStore *self,
                              const char          *query,
                              guint                limit)
{
  g_autofree char *folded = NULL;
  g_auto(GStrv) split = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(GArray) hits = NULL;
  GPtrArray *results;
  const char *hay;
  const char *longest = NULL;
  gsize longest_len = 0;
  gsize hay_len;
  guint n_tokens = 0;
  guint pos;
  guint from = 0;
  guint worst = 0;
  guint n_plain_best = 0;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  results = g_ptr_array_new_with_free_func (g_object_unref);
  folded = satchel_contacts_fold (query);
  split = g_strsplit_set (folded, " \t", -1);
  tokens = g_ptr_array_new ();
  for (guint i = 0; split[i] != NULL; i++)
    if (*split[i] != '\0')
      {
        g_ptr_array_add (tokens, split[i]);
        if (strlen (split[i]) > longest_len)
          {
            longest = split[i];
            longest_len = strlen (longest);
          }
      }
  n_tokens = tokens->len;
  if (n_tokens == 0)
    return results;

  build_index (self);
  hay = self->haystack->str;
  hay_len = self->haystack->len;
  hits = g_array_new (FALSE, FALSE, sizeof (Hit));

  /* One scan of the whole folded book for the longest word; each entry
   * it hits is then scored word by word. */
  pos = 0;
  while (pos < hay_len)
    {
      const char *found = memmem (hay + pos, hay_len - pos, longest, longest_len);
      const Entry *entry;
      guint index;
      Hit hit;
      int score = 0;

      if (found == NULL)
        break;
      index = find_entry (self->entries, from, found - hay);
      entry = &g_array_index (self->entries, Entry, index);
      from = index;

      for (guint t = 0; t < n_tokens && score >= 0; t++)
        {
          const char *token = tokens->pdata[t];
          int tier = token_tier (hay, entry, token, strlen (token),
                                 token == longest ? (guint) (found - hay) : entry->start);

          score = tier < 0 ? -1 : score + tier;
        }
      pos = entry->end;
      if (score < 0)
        continue;

      hit.entry = entry;
      hit.score = score;
      if (limit == 0 || hits->len < limit)
        {
          g_array_append_val (hits, hit);
          if (limit != 0 && hits->len == limit)
            worst = find_worst (hits, self);
        }
      else if (compare_hits (&hit, &g_array_index (hits, Hit, worst), self) < 0)
        {
          /* Keep the best @limit: this one replaces the worst. */
          g_array_index (hits, Hit, worst) = hit;
          worst = find_worst (hits, self);
        }

      /* Past the special entries, the rest are in rank order for equal
       * scores: once @limit of them start a field, nobody later can
       * do better. */
      if (index >= self->n_special && score == 0 && limit != 0 && ++n_plain_best >= limit)
        break;
    }

  g_array_sort_with_data (hits, compare_hits_qsort, self);
  for (guint i = 0; i < hits->len; i++)
    g_ptr_array_add (results, make_match (self, g_array_index (hits, Hit, i).entry));
  return results;
}

void
satchel_contact_store_prepare_search (SatchelContactStore *self)
{
  g_return_if_fail (SATCHEL_IS_CONTACT_STORE (self));

  build_index (self);
}

/* Counts (or, with @forget, drops) @addresses in the usage file and
 * shows the result: recent recipients and the search index follow. */
static gboolean
update_usage (SatchelContactStore  *self,
              const char * const   *addresses,
              gboolean              forget,
              GError              **error)
{
  GHashTable *usage = NULL;

  if (!change_usage (self->usage_path, addresses, forget, &usage, error))
    return FALSE;
  g_hash_table_unref (self->usage);
  self->usage = usage;
  rebuild_recent (self);
  invalidate_index (self);
  return TRUE;
}

gboolean
satchel_contact_store_record_usage (SatchelContactStore  *self,
                                    const char * const   *addresses,
                                    GError              **error)
{
  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (addresses != NULL, FALSE);

  return update_usage (self, addresses, FALSE, error);
}

gboolean
satchel_contact_store_forget (SatchelContactStore  *self,
                              const char           *address,
                              GError              **error)
{
  const char *addresses[] = { address, NULL };

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  return update_usage (self, addresses, TRUE, error);
}

guint
satchel_contact_store_get_usage (SatchelContactStore *self,
                                 const char          *address,
                                 gint64              *last_used)
{
  g_autofree char *key = NULL;
  const Usage *u;

  g_return_val_if_fail (SATCHEL_IS_CONTACT_STORE (self), 0);
  g_return_val_if_fail (address != NULL, 0);

  key = satchel_contacts_fold (address);
  u = g_hash_table_lookup (self->usage, key);
  if (last_used != NULL)
    *last_used = u != NULL ? u->last_used : 0;
  return u != NULL ? u->count : 0;
}

void
satchel_contacts_record_sent (const char * const *addresses)
{
  g_autofree char *path = default_usage_path ();
  g_autoptr(GError) error = NULL;

  g_return_if_fail (addresses != NULL);

  if (!change_usage (path, addresses, FALSE, NULL, &error))
    g_message ("Could not record the recipients' usage: %s", error->message);
}
