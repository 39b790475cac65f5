/* satchel-cli-contacts.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "satchel-cli-common.h"
#include "satchel-cli-contacts.h"

#include "satchel-address.h"
#include "satchel-contact-store.h"
#include "satchel-error.h"
#include "satchel-vcard.h"

#include <stdio.h>
#include <string.h>

/* sysexits, as CLI.md promises them. */
typedef int (*ContactsFunc) (SatchelContactStore  *store,
                             int                   argc,
                             char                **argv);

typedef struct
{
  const char   *name;
  ContactsFunc  func;
  const char   *summary;
} ContactsCommand;

static int
fail (const GError *error)
{
  satchel_cli_print_error_line (error->message);
  if (error->domain == SATCHEL_CONTACTS_ERROR && error->code == SATCHEL_CONTACTS_ERROR_FILE)
    return EXIT_CONFIG;
  return EXIT_DATAERR;
}

static int
fail_usage (const char *message)
{
  satchel_cli_print_error_line (message);
  g_printerr (_("Try “%s --help” for more information.\n"), g_get_prgname ());
  return EXIT_USAGE;
}

static int
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    return fail_usage (error->message);
  return 0;
}

/* The address as typed, checked strictly: the bare addr-spec. */
static char *
checked_address (const char  *text,
                 char       **name,
                 GError     **error)
{
  g_autoptr(SatchelAddress) address = satchel_address_parse (text, error);
  g_autoptr(SatchelAddress) bare = NULL;

  if (address == NULL)
    return NULL;
  if (name != NULL && address->name != NULL && *address->name != '\0' && *name == NULL)
    *name = g_strdup (address->name);
  bare = satchel_address_copy (address);
  g_clear_pointer (&bare->name, g_free);
  return satchel_address_to_display (bare);
}

static void
print_contact_lines (SatchelContact *contact)
{
  for (guint j = 0; j < satchel_contact_get_n_addresses (contact); j++)
    {
      g_autofree char *line = satchel_contact_format_address (contact, j);

      g_print ("%s\n", line);
    }
}

static int
contacts_add (SatchelContactStore  *store,
              int                   argc,
              char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(SatchelContact) contact = satchel_contact_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *notes = NULL;
  g_auto(GStrv) emails = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The contact’s name"), N_("TEXT") },
    { "email", 0, 0, G_OPTION_ARG_STRING_ARRAY, &emails,
      N_("An email address (repeatable)"), N_("ADDR") },
    { "nickname", 0, 0, G_OPTION_ARG_STRING, &nickname, N_("A nickname"), N_("TEXT") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &notes, N_("Notes"), N_("TEXT") },
    { NULL }
  };
  int status;

  g_option_context_set_summary (context, _("Add a contact to the address book."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (_("contacts add: unexpected argument; give addresses with --email."));
  if (name == NULL)
    return fail_usage (_("contacts add: --name is required."));
  if (emails == NULL)
    return fail_usage (_("contacts add: give at least one address with --email."));
  if (!g_utf8_validate (name, -1, NULL) ||
      (nickname != NULL && !g_utf8_validate (nickname, -1, NULL)) ||
      (notes != NULL && !g_utf8_validate (notes, -1, NULL)))
    {
      g_set_error (&error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID,
                   _("The contact’s details are not UTF-8 text."));
      return fail (error);
    }
  if (strpbrk (name, "\r\n") != NULL)
    {
      g_set_error (&error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_INVALID,
                   _("A name cannot contain line breaks."));
      return fail (error);
    }

  satchel_contact_set_name (contact, name);
  satchel_contact_set_nickname (contact, nickname);
  satchel_contact_set_notes (contact, notes);
  for (guint i = 0; emails[i] != NULL; i++)
    {
      g_autofree char *address = checked_address (emails[i], NULL, &error);

      if (address == NULL)
        return fail (error);
      satchel_contact_add_address (contact, address, NULL);
    }

  if (!satchel_contact_store_add (store, contact, &error))
    return fail (error);
  return 0;
}

static int
contacts_list (SatchelContactStore  *store,
               int                   argc,
               char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GListModel *model = G_LIST_MODEL (store);
  int status;

  g_option_context_set_summary (context, _("List the address book, one line per address, "
                                           "as a To: field takes it: Name <address>"));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (_("contacts list takes no arguments."));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SatchelContact) contact = g_list_model_get_item (model, i);

      print_contact_lines (contact);
    }
  return 0;
}

static int
contacts_search (SatchelContactStore  *store,
                 int                   argc,
                 char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("TEXT"));
  g_autoptr(GPtrArray) matches = NULL;
  g_autofree char *query = NULL;
  int status;

  g_option_context_set_summary (context,
                                _("Search names, nicknames and addresses, ignoring case and "
                                  "accents; the best match first, one line per address."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return fail_usage (_("contacts search: give the TEXT to look for."));

  query = g_strjoinv (" ", argv + 1);
  matches = satchel_contact_store_search (store, query, 0);
  for (guint i = 0; i < matches->len; i++)
    {
      SatchelContactMatch *match = matches->pdata[i];
      g_autofree char *line = NULL;

      if (satchel_contact_match_get_kind (match) != SATCHEL_CONTACT_MATCH_CONTACT)
        continue;
      line = satchel_contact_match_to_recipients (match);
      g_print ("%s\n", line);
    }
  return 0;
}

static int
contacts_remove (SatchelContactStore  *store,
                 int                   argc,
                 char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ADDR"));
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("Remove an address; the contact goes when its "
                                           "last address goes."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (_("contacts remove: give exactly one address."));

  if (!satchel_contact_store_remove_address (store, argv[1], &error))
    return fail (error);
  return 0;
}

static int
contacts_import (SatchelContactStore  *store,
                 int                   argc,
                 char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("FILE.vcf"));
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;
  guint added = 0;
  guint merged = 0;
  guint skipped = 0;
  int status;

  g_option_context_set_summary (context,
                                _("Import a vCard file (2.1, 3.0 or 4.0). People already in "
                                  "the address book get what is new; categories become groups."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (_("contacts import: give exactly one vCard FILE."));

  if (!g_file_get_contents (argv[1], &data, &length, &error))
    {
      satchel_cli_print_error_line (error->message);
      return EXIT_DATAERR;
    }
  contacts = satchel_vcard_parse (data, length, &error);
  if (contacts == NULL)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", argv[1], error->message);

      satchel_cli_print_error_line (line);
      return EXIT_DATAERR;
    }
  if (!satchel_contact_store_import (store, contacts, &added, &merged, &skipped, &error))
    return fail (error);

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Imported %u contact (%u updated, %u skipped).\n",
                        "Imported %u contacts (%u updated, %u skipped).\n", added),
           added, merged, skipped);
  return 0;
}

static int
contacts_export (SatchelContactStore  *store,
                 int                   argc,
                 char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GPtrArray) contacts = NULL;
  g_autofree char *version = NULL;
  g_autofree char *text = NULL;
  SatchelVCardVersion which;
  GOptionEntry entries[] = {
    { "vcard-version", 0, 0, G_OPTION_ARG_STRING, &version,
      N_("The vCard version to write (default 3.0)"), "3.0|4.0" },
    { NULL }
  };
  int status;

  g_option_context_set_summary (context, _("Write the address book as vCards on standard "
                                           "output; groups become CATEGORIES."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (_("contacts export takes no arguments; redirect the output to a file."));

  if (version == NULL || g_str_equal (version, "3.0") || g_str_equal (version, "3"))
    which = SATCHEL_VCARD_3_0;
  else if (g_str_equal (version, "4.0") || g_str_equal (version, "4"))
    which = SATCHEL_VCARD_4_0;
  else
    return fail_usage (_("contacts export: --vcard-version is 3.0 or 4.0."));

  contacts = satchel_contact_store_dup_for_export (store);
  text = satchel_vcard_write (contacts, which);
  fwrite (text, 1, strlen (text), stdout);
  return fflush (stdout) == 0 ? 0 : EXIT_DATAERR;
}

static int
contacts_forget (SatchelContactStore  *store,
                 int                   argc,
                 char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ADDR"));
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("Forget how often and how recently an address "
                                           "was used: it is no longer suggested unless it "
                                           "is in the address book."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 2)
    return fail_usage (_("contacts forget: give exactly one address."));

  if (!satchel_contact_store_forget (store, argv[1], &error))
    return fail (error);
  return 0;
}

/* Groups ----------------------------------------------------------------- */

static int
group_add (SatchelContactStore  *store,
           int                   argc,
           char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME ADDR…"));
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("Add addresses to a group, creating it if needed. "
                                           "A group’s name can be given to “send --to”."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc < 3)
    return fail_usage (_("contacts group add: give the group NAME and at least one address."));

  for (int i = 2; i < argc; i++)
    {
      char *address = checked_address (argv[i], NULL, &error);

      if (address == NULL)
        return fail (error);
      g_ptr_array_add (addresses, address);
    }
  g_ptr_array_add (addresses, NULL);

  if (!satchel_contact_store_add_to_group (store, argv[1],
                                           (const char * const *) addresses->pdata, &error))
    return fail (error);
  return 0;
}

static int
group_list (SatchelContactStore  *store,
            int                   argc,
            char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GListModel *groups = satchel_contact_store_get_groups (store);
  int status;

  g_option_context_set_summary (context, _("List the groups, one per line: "
                                           "NAME, a tab, then the members as a To: field takes them."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc != 1)
    return fail_usage (_("contacts group list takes no arguments."));

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(SatchelContactGroup) group = g_list_model_get_item (groups, i);
      g_auto(GStrv) members = satchel_contact_store_expand_group (store,
                                                                  satchel_contact_group_get_name (group));
      g_autofree char *joined = g_strjoinv (", ", members);

      g_print ("%s\t%s\n", satchel_contact_group_get_name (group), joined);
    }
  return 0;
}

static int
group_remove (SatchelContactStore  *store,
              int                   argc,
              char                **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME [ADDR…]"));
  g_autoptr(SatchelContactGroup) group = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("Remove a group, or only the given addresses "
                                           "from it. The contacts stay in the address book."));
  if ((status = parse_options (context, &argc, &argv)) != 0)
    return status;
  if (argc < 2)
    return fail_usage (_("contacts group remove: give the group NAME."));

  if (argc == 2)
    {
      if (!satchel_contact_store_remove_group (store, argv[1], &error))
        return fail (error);
      return 0;
    }

  group = satchel_contact_store_lookup_group (store, argv[1]);
  if (group == NULL)
    {
      g_set_error (&error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND,
                   _("There is no group named “%s”."), argv[1]);
      return fail (error);
    }
  for (int i = 2; i < argc; i++)
    if (!satchel_contact_group_remove_member (group, argv[i]))
      {
        g_set_error (&error, SATCHEL_CONTACTS_ERROR, SATCHEL_CONTACTS_ERROR_NOT_FOUND,
                     _("The group “%s” has no member “%s”."), argv[1], argv[i]);
        return fail (error);
      }
  if (!satchel_contact_store_set_group (store, group, &error))
    return fail (error);
  return 0;
}

static const ContactsCommand group_commands[] = {
  { "add", group_add, N_("Add addresses to a group (created if needed)") },
  { "list", group_list, N_("List the groups and their members") },
  { "remove", group_remove, N_("Remove a group, or addresses from it") },
  { NULL }
};

static int run_commands (SatchelContactStore   *store,
                         const char            *prefix,
                         const ContactsCommand *commands,
                         int                    argc,
                         char                 **argv);

static int
contacts_group (SatchelContactStore  *store,
                int                   argc,
                char                **argv)
{
  return run_commands (store, "contacts group", group_commands, argc, argv);
}

static const ContactsCommand contacts_commands[] = {
  { "add", contacts_add, N_("Add a contact") },
  { "list", contacts_list, N_("List the address book") },
  { "search", contacts_search, N_("Find contacts, best match first") },
  { "remove", contacts_remove, N_("Remove an address (and its contact with the last one)") },
  { "import", contacts_import, N_("Import a vCard file") },
  { "export", contacts_export, N_("Write the address book as vCards") },
  { "forget", contacts_forget, N_("Stop suggesting a recent recipient") },
  { "group", contacts_group, N_("Contact groups: add, list, remove") },
  { NULL }
};

static void
print_command_lines (const char            *prefix,
                     const ContactsCommand *commands)
{
  for (guint i = 0; commands[i].name != NULL; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s %s", prefix, commands[i].name);

      g_print ("  %-22s %s\n", name, _(commands[i].summary));
    }
}

static int
run_commands (SatchelContactStore   *store,
              const char            *prefix,
              const ContactsCommand *commands,
              int                    argc,
              char                 **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      g_print (_("Usage: satchel-cli %s COMMAND [OPTION…]\n\n"), prefix);
      print_command_lines (prefix, commands);
      if (commands == contacts_commands)
        print_command_lines ("contacts group", group_commands);
      return argc < 2 ? EXIT_USAGE : 0;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    if (g_str_equal (argv[1], commands[i].name))
      {
        g_autofree char *prgname = g_strdup_printf ("satchel-cli %s %s", prefix, argv[1]);

        g_set_prgname (prgname);
        return commands[i].func (store, argc - 1, argv + 1);
      }

  {
    g_autofree char *line = g_strdup_printf (_("Unknown command “%s %s”."), prefix, argv[1]);

    return fail_usage (line);
  }
}

static SatchelContactStore *
open_store (GError **error)
{
  g_autoptr(SatchelContactStore) store = satchel_contact_store_new (NULL);
  const GError *problem;

  if (!satchel_contact_store_load (store, error))
    return NULL;
  problem = satchel_contact_store_get_problem (store);
  if (problem != NULL)
    {
      g_autofree char *line = g_strdup_printf (_("warning: %s"), problem->message);

      satchel_cli_print_error_line (line);
    }
  return g_steal_pointer (&store);
}

int
satchel_cli_contacts_run (int    argc,
                          char **argv)
{
  g_autoptr(SatchelContactStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    return run_commands (NULL, "contacts", contacts_commands, argc, argv);

  store = open_store (&error);
  if (store == NULL)
    return fail (error);
  return run_commands (store, "contacts", contacts_commands, argc, argv);
}

void
satchel_cli_contacts_print_commands (void)
{
  print_command_lines ("contacts", contacts_commands);
  print_command_lines ("contacts group", group_commands);
}

char *
satchel_cli_contacts_expand_group (const char *value)
{
  g_autoptr(SatchelContactStore) store = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) members = NULL;

  g_return_val_if_fail (value != NULL, NULL);

  if (strchr (value, '@') != NULL)
    return NULL;
  name = g_strstrip (g_strdup (value));
  if (*name == '\0')
    return NULL;

  store = open_store (NULL);
  if (store == NULL)
    return NULL;
  members = satchel_contact_store_expand_group (store, name);
  if (members == NULL || members[0] == NULL)
    return NULL;
  return g_strjoinv (", ", members);
}
