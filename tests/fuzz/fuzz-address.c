/* fuzz-address.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Text typed or pasted into To/Cc/Bcc or an account's address, through
 * the strict address parser. An address it accepts must be safe on the
 * wire, and the form shown to people must parse back to the same
 * mailbox, since people edit what they are shown. */

#define G_LOG_DOMAIN "fuzz-address"

#include "config.h"

#include <string.h>

#include "satchel-address.h"
#include "satchel-error.h"

#include "fuzz.h"

static void
check_address (const SatchelAddress *address)
{
  g_autoptr(SatchelAddress) copy = satchel_address_copy (address);
  g_autoptr(SatchelAddress) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *envelope = satchel_address_to_envelope (address);
  g_autofree char *display = satchel_address_to_display (address);
  g_autofree char *envelope_again = NULL;

  g_assert (address->local_part != NULL && address->local_part[0] != '\0');
  g_assert (address->domain != NULL && address->ascii_domain != NULL);
  (void) satchel_address_needs_smtputf8 (address);

  /* Nothing that could end a command line or a header. */
  g_assert (strpbrk (envelope, "\r\n") == NULL);
  g_assert (strpbrk (display, "\r\n") == NULL);
  g_assert (strlen (envelope) <= 254);
  /* The envelope's domain is ASCII: it goes to DNS. */
  for (const char *p = address->ascii_domain; *p != '\0'; p++)
    g_assert ((guchar) *p < 0x80);

  again = satchel_address_parse (display, &error);
  g_assert_no_error (error);
  envelope_again = satchel_address_to_envelope (again);
  g_assert_cmpstr (envelope_again, ==, envelope);
  g_assert_cmpstr (again->name, ==, address->name);

  g_assert_cmpstr (copy->local_part, ==, address->local_part);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;
  g_autoptr(SatchelAddress) address = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) list_error = NULL;

  fuzz_init ();
  text = fuzz_dup_string (data, size);

  address = satchel_address_parse (text, &error);
  if (address != NULL)
    {
      g_assert_no_error (error);
      check_address (address);
    }
  else
    {
      g_assert (error != NULL && error->domain == SATCHEL_MESSAGE_ERROR);
      g_assert (g_utf8_validate (error->message, -1, NULL));
      g_assert (strpbrk (error->message, "\r\n") == NULL);
    }

  list = satchel_address_parse_list (text, &list_error);
  if (list != NULL)
    {
      g_assert_no_error (list_error);
      for (guint i = 0; i < list->len; i++)
        check_address (g_ptr_array_index (list, i));
    }
  else
    {
      g_assert (list_error != NULL && list_error->domain == SATCHEL_MESSAGE_ERROR);
      g_assert (g_utf8_validate (list_error->message, -1, NULL));
    }

  (void) satchel_header_value_check ("To", text, NULL);
  return 0;
}
