/* test-vcard.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "satchel-contact-store.h"
#include "satchel-paths.h"
#include "satchel-vcard.h"

static GPtrArray *
parse_sample (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "vcard", name, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  GPtrArray *contacts;

  g_assert_true (g_file_get_contents (path, &data, &length, &error));
  g_assert_no_error (error);
  contacts = satchel_vcard_parse (data, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (contacts);
  return contacts;
}

static SatchelContact *
contact_at (GPtrArray *contacts,
            guint      index)
{
  g_assert_cmpuint (index, <, contacts->len);
  return contacts->pdata[index];
}

static void
test_google (void)
{
  g_autoptr(GPtrArray) contacts = parse_sample ("google.vcf");
  SatchelContact *zoe;
  SatchelContact *wang;

  g_assert_cmpuint (contacts->len, ==, 3);
  zoe = contact_at (contacts, 0);
  g_assert_cmpstr (satchel_contact_get_name (zoe), ==, "Zoë Müller");
  g_assert_cmpstr (satchel_contact_get_nickname (zoe), ==, "Zo");
  g_assert_cmpuint (satchel_contact_get_n_addresses (zoe), ==, 2);
  g_assert_cmpstr (satchel_contact_get_addresses (zoe)[0], ==, "zoe.mueller@example.com");
  g_assert_cmpstr (satchel_contact_get_address_type (zoe, 0), ==, "home");
  g_assert_cmpstr (satchel_contact_get_addresses (zoe)[1], ==, "zmueller@work.example");
  g_assert_cmpstr (satchel_contact_get_address_type (zoe, 1), ==, "work");
  g_assert_cmpstr (satchel_contact_get_notes (zoe), ==, "Met at the conference, Berlin.\nLikes tea.");
  g_assert_cmpstr (satchel_contact_get_categories (zoe)[0], ==, "myContacts");
  g_assert_cmpstr (satchel_contact_get_categories (zoe)[1], ==, "Friends");

  wang = contact_at (contacts, 1);
  g_assert_cmpstr (satchel_contact_get_name (wang), ==, "王小明");
  g_assert_cmpstr (satchel_contact_get_addresses (wang)[0], ==, "xiaoming.wang@example.cn");
  g_assert_null (satchel_contact_get_address_type (wang, 0));

  /* A card with only a phone number is read, without an address. */
  g_assert_cmpuint (satchel_contact_get_n_addresses (contact_at (contacts, 2)), ==, 0);
}

static void
test_apple (void)
{
  g_autoptr(GPtrArray) contacts = parse_sample ("apple.vcf");
  SatchelContact *john = contact_at (contacts, 0);

  g_assert_cmpuint (contacts->len, ==, 1);
  g_assert_cmpstr (satchel_contact_get_name (john), ==, "John Appleseed");
  /* "item1.EMAIL": the group prefix does not hide the property. */
  g_assert_cmpuint (satchel_contact_get_n_addresses (john), ==, 2);
  g_assert_cmpstr (satchel_contact_get_addresses (john)[0], ==, "john@apple.example");
  g_assert_null (satchel_contact_get_address_type (john, 0));
  g_assert_cmpstr (satchel_contact_get_address_type (john, 1), ==, "work");
  /* Folded with a leading space that belongs to the fold. */
  g_assert_cmpstr (satchel_contact_get_notes (john), ==,
                   "A very long note that Apple Contacts folds across several lines because "
                   "it is longer than seventy-five octets, as RFC 6350 says.");
}

static void
test_thunderbird (void)
{
  g_autoptr(GPtrArray) contacts = parse_sample ("thunderbird.vcf");
  SatchelContact *ana = contact_at (contacts, 0);

  g_assert_cmpuint (contacts->len, ==, 1);
  g_assert_cmpstr (satchel_contact_get_name (ana), ==, "Ana García");
  g_assert_cmpstr (satchel_contact_get_nickname (ana), ==, "Anita");
  g_assert_cmpstr (satchel_contact_get_addresses (ana)[0], ==, "ana@example.es");
  g_assert_null (satchel_contact_get_address_type (ana, 0));
  g_assert_cmpstr (satchel_contact_get_address_type (ana, 1), ==, "work");
}

static void
test_evolution (void)
{
  g_autoptr(GPtrArray) contacts = parse_sample ("evolution.vcf");
  SatchelContact *bob = contact_at (contacts, 0);

  g_assert_cmpstr (satchel_contact_get_name (bob), ==, "Robert Smith");
  g_assert_cmpstr (satchel_contact_get_nickname (bob), ==, "Bob");
  g_assert_cmpstr (satchel_contact_get_address_type (bob, 0), ==, "work");
  g_assert_cmpstr (satchel_contact_get_address_type (bob, 1), ==, "home");
  g_assert_cmpstr (satchel_contact_get_notes (bob), ==, "Semicolons; and backslashes \\ survive.");
  g_assert_cmpstr (satchel_contact_get_categories (bob)[0], ==, "Business");
  g_assert_cmpstr (satchel_contact_get_categories (bob)[1], ==, "Key Customer");
}

static void
test_phone_21 (void)
{
  g_autoptr(GPtrArray) contacts = parse_sample ("phone-2.1.vcf");
  SatchelContact *li = contact_at (contacts, 0);
  SatchelContact *rene = contact_at (contacts, 1);

  g_assert_cmpuint (contacts->len, ==, 2);
  /* QUOTED-PRINTABLE UTF-8. */
  g_assert_cmpstr (satchel_contact_get_name (li), ==, "李四");
  g_assert_cmpstr (satchel_contact_get_addresses (li)[0], ==, "lisi@example.cn");
  g_assert_cmpstr (satchel_contact_get_address_type (li, 0), ==, "home");
  /* No FN: the name comes from N; CHARSET=ISO-8859-1. */
  g_assert_cmpstr (satchel_contact_get_name (rene), ==, "René François");
  g_assert_cmpstr (satchel_contact_get_address_type (rene, 0), ==, "work");
  /* A soft line break joins the lines; =3D is "=". */
  g_assert_cmpstr (satchel_contact_get_notes (rene), ==,
                   "First line\r\nSecond line that is long enough to be broken by a "
                   "softbreak= kept");
}

static void
test_not_vcard (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) contacts = satchel_vcard_parse ("hello\nworld\n", -1, &error);

  g_assert_null (contacts);
  g_assert_error (error, SATCHEL_VCARD_ERROR, SATCHEL_VCARD_ERROR_INVALID);
}

static SatchelContact *
make_tricky_contact (void)
{
  SatchelContact *contact = satchel_contact_new ();

  satchel_contact_set_name (contact, "张伟");
  satchel_contact_set_nickname (contact, "Wei, the \"boss\"");
  satchel_contact_set_notes (contact,
                             "Line one; with a semicolon\nLine two, with a comma and a "
                             "backslash \\ and enough 中文字符 to need folding twice over, "
                             "well past seventy-five octets on one line.");
  satchel_contact_add_address (contact, "zhang.wei@example.cn", "work");
  satchel_contact_add_address (contact, "wei@home.example", NULL);
  satchel_contact_add_category (contact, "Team, Core");
  satchel_contact_add_category (contact, "朋友");
  return contact;
}

static void
check_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
      g_assert_null (strchr (lines[i], '\n'));
    }
}

static void
round_trip (SatchelVCardVersion version,
            const char         *version_line)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  SatchelContact *original;
  SatchelContact *copy;

  original = make_tricky_contact ();
  g_ptr_array_add (contacts, original);
  text = satchel_vcard_write (contacts, version);
  g_assert_nonnull (strstr (text, version_line));
  g_assert_nonnull (strstr (text, "\r\nFN:张伟\r\n"));
  g_assert_nonnull (strstr (text, "\r\nN:张;伟;;;\r\n"));
  check_lines (text);

  back = satchel_vcard_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 1);
  copy = back->pdata[0];
  g_assert_cmpstr (satchel_contact_get_name (copy), ==, satchel_contact_get_name (original));
  g_assert_cmpstr (satchel_contact_get_nickname (copy), ==, satchel_contact_get_nickname (original));
  g_assert_cmpstr (satchel_contact_get_notes (copy), ==, satchel_contact_get_notes (original));
  g_assert_cmpuint (satchel_contact_get_n_addresses (copy), ==, 2);
  g_assert_cmpstr (satchel_contact_get_addresses (copy)[0], ==, "zhang.wei@example.cn");
  g_assert_cmpstr (satchel_contact_get_address_type (copy, 0), ==, "work");
  g_assert_cmpstr (satchel_contact_get_addresses (copy)[1], ==, "wei@home.example");
  g_assert_null (satchel_contact_get_address_type (copy, 1));
  g_assert_cmpstr (satchel_contact_get_categories (copy)[0], ==, "Team, Core");
  g_assert_cmpstr (satchel_contact_get_categories (copy)[1], ==, "朋友");
}

static void
test_round_trip_30 (void)
{
  round_trip (SATCHEL_VCARD_3_0, "BEGIN:VCARD\r\nVERSION:3.0\r\n");
}

static void
test_round_trip_40 (void)
{
  round_trip (SATCHEL_VCARD_4_0, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
}

/* Every sample into the address book, out as vCard, into a new book:
 * the same people, addresses and groups. */
static void
test_store_round_trip (void)
{
  const char *samples[] = { "google.vcf", "apple.vcf", "thunderbird.vcf", "evolution.vcf",
                            "phone-2.1.vcf" };
  g_autofree char *dir = g_dir_make_tmp ("satchel-vcard-XXXXXX", NULL);
  g_autofree char *path1 = g_build_filename (dir, "one.ini", NULL);
  g_autofree char *path2 = g_build_filename (dir, "two.ini", NULL);
  g_autofree char *usage = g_build_filename (dir, "usage.tsv", NULL);
  g_autoptr(SatchelContactStore) one = satchel_contact_store_new_full (path1, usage);
  g_autoptr(SatchelContactStore) two = satchel_contact_store_new_full (path2, usage);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) exported = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(SatchelContactGroup) friends = NULL;
  g_autoptr(SatchelContact) bob = NULL;
  g_autofree char *text = NULL;
  guint added = 0;
  guint merged = 0;
  guint skipped = 0;
  guint total_added = 0;

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(GPtrArray) contacts = parse_sample (samples[i]);

      g_assert_true (satchel_contact_store_import (one, contacts, &added, &merged, &skipped, &error));
      g_assert_no_error (error);
      total_added += added;
    }
  /* 2 Google (one had no address), 1 Apple, 1 Thunderbird, 1 Evolution, 2 phone. */
  g_assert_cmpuint (total_added, ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (one)), ==, 7);

  friends = satchel_contact_store_lookup_group (one, "Friends");
  g_assert_nonnull (friends);
  g_assert_cmpstr (satchel_contact_group_get_members (friends)[0], ==, "zoe.mueller@example.com");

  /* Importing the same file again adds nobody. */
  {
    g_autoptr(GPtrArray) again = parse_sample ("evolution.vcf");

    g_assert_true (satchel_contact_store_import (one, again, &added, &merged, &skipped, &error));
    g_assert_cmpuint (added, ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (one)), ==, 7);
  }

  exported = satchel_contact_store_dup_for_export (one);
  text = satchel_vcard_write (exported, SATCHEL_VCARD_4_0);
  parsed = satchel_vcard_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (satchel_contact_store_import (two, parsed, &added, &merged, &skipped, &error));
  g_assert_cmpuint (added, ==, 7);

  bob = satchel_contact_store_lookup_by_address (two, "bob.smith@home.example");
  g_assert_nonnull (bob);
  g_assert_cmpstr (satchel_contact_get_name (bob), ==, "Robert Smith");
  g_assert_cmpstr (satchel_contact_get_nickname (bob), ==, "Bob");
  g_assert_cmpstr (satchel_contact_get_address_type (bob, 1), ==, "home");
  g_assert_cmpstr (satchel_contact_get_notes (bob), ==, "Semicolons; and backslashes \\ survive.");
  g_clear_object (&friends);
  friends = satchel_contact_store_lookup_group (two, "Key Customer");
  g_assert_nonnull (friends);
  g_assert_cmpstr (satchel_contact_group_get_members (friends)[0], ==, "bob@work.example");
  g_clear_object (&friends);
  friends = satchel_contact_store_lookup_group (two, "Friends");
  g_assert_nonnull (friends);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/satchel/vcard/read/google", test_google);
  g_test_add_func ("/satchel/vcard/read/apple", test_apple);
  g_test_add_func ("/satchel/vcard/read/thunderbird", test_thunderbird);
  g_test_add_func ("/satchel/vcard/read/evolution", test_evolution);
  g_test_add_func ("/satchel/vcard/read/phone-2.1", test_phone_21);
  g_test_add_func ("/satchel/vcard/read/not-vcard", test_not_vcard);
  g_test_add_func ("/satchel/vcard/round-trip/3.0", test_round_trip_30);
  g_test_add_func ("/satchel/vcard/round-trip/4.0", test_round_trip_40);
  g_test_add_func ("/satchel/vcard/round-trip/store", test_store_round_trip);

  return g_test_run ();
}
