/* satchel-context.c
 *
 * Copyright 2026 The Satchel authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "satchel-context"

#include "config.h"

#include "satchel-context.h"

struct _SatchelContext
{
  GObject              parent_instance;

  SatchelAccountStore *accounts;
  SatchelOutbox       *outbox;
};

G_DEFINE_FINAL_TYPE (SatchelContext, satchel_context, G_TYPE_OBJECT)

static void
satchel_context_finalize (GObject *object)
{
  SatchelContext *self = SATCHEL_CONTEXT (object);

  g_clear_object (&self->accounts);
  g_clear_object (&self->outbox);

  G_OBJECT_CLASS (satchel_context_parent_class)->finalize (object);
}

static void
satchel_context_class_init (SatchelContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = satchel_context_finalize;
}

static void
satchel_context_init (SatchelContext *self)
{
  self->accounts = satchel_account_store_new (NULL);
  self->outbox = satchel_outbox_new (NULL, NULL);
}

SatchelContext *
satchel_context_new (void)
{
  return g_object_new (SATCHEL_TYPE_CONTEXT, NULL);
}

SatchelAccountStore *
satchel_context_get_accounts (SatchelContext *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTEXT (self), NULL);

  return self->accounts;
}

SatchelOutbox *
satchel_context_get_outbox (SatchelContext *self)
{
  g_return_val_if_fail (SATCHEL_IS_CONTEXT (self), NULL);

  return self->outbox;
}
