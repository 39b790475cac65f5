# test_cli_outbox.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""satchel-cli outbox: queued messages wait, are retried when due, and
"unknown" ones are never resent without being told."""

import configparser
import os

from satchel_testlib import (
    EX_DATAERR, EX_TEMPFAIL, EX_UNAVAILABLE, SatchelTestCase, Server, free_port, main,
)


class OutboxTests(SatchelTestCase):
    def queue_while_down(self, subject="later"):
        """Sends to a closed port: the message stays queued."""
        self.cli("send", "--account", "work", "--to", "bob@example.com",
                 "--subject", subject, "--body", "b", expect=EX_TEMPFAIL)

    def state_file(self, item_id):
        return self.path("state", "satchel", "outbox", item_id + ".ini")

    def edit_state(self, item_id, **values):
        parser = configparser.ConfigParser(interpolation=None)
        parser.optionxform = str
        parser.read(self.state_file(item_id))
        for key, value in values.items():
            parser["Message"][key.replace("_", "-")] = value
        with open(self.state_file(item_id), "w") as f:
            parser.write(f, space_around_delimiters=False)

    def setUp(self):
        super().setUp()
        self.port = free_port()
        self.server = Server("starttls", port=self.port)
        self.add_account("work", self.server)
        self.cli("account", "edit", "work", "--timeout", "5")

    def test_retry_when_due(self):
        self.queue_while_down()
        (item,) = self.outbox()
        self.assertEqual(item[1], "queued")
        self.assertNotEqual(item[3], "-")  # the reason is kept
        with self.server:
            # not due yet: the first retry is a minute away
            self.cli("outbox", "flush")
            self.assertEqual(self.server.messages, [])
            self.edit_state(item[0], next_attempt="0")
            self.cli("outbox", "flush")
            self.assertEqual(len(self.server.messages), 1)
        self.assertEqual(self.outbox(), [])

    def test_unknown_needs_resend_flag(self):
        self.queue_while_down()
        (item,) = self.outbox()
        self.edit_state(item[0], state="unknown", next_attempt="0")
        with self.server:
            self.cli("outbox", "flush")
            self.assertEqual(self.server.messages, [])
            self.assertEqual(self.outbox()[0][1], "unknown")
            self.cli("outbox", "flush", "--resend-unknown")
            self.assertEqual(len(self.server.messages), 1)
        self.assertEqual(self.outbox(), [])

    def test_held_not_sent_early(self):
        self.queue_while_down()
        (item,) = self.outbox()
        import time
        self.edit_state(item[0], state="held", held_until=str(int(time.time()) + 3600),
                        next_attempt="0")
        with self.server:
            self.cli("outbox", "flush")
            self.assertEqual(self.server.messages, [])
            self.edit_state(item[0], held_until=str(int(time.time()) - 1))
            self.cli("outbox", "flush")
            self.assertEqual(len(self.server.messages), 1)

    def test_failed_waits_for_user(self):
        with self.server:
            self.cli("send", "--account", "work", "--to", "reject@example.com",
                     "--subject", "bad", "--body", "b", expect=EX_UNAVAILABLE)
            (item,) = self.outbox()
            self.assertEqual(item[1], "failed")
            self.cli("outbox", "flush")
            self.assertEqual(self.server.recorder.mail_commands, 1)

    def test_discard(self):
        self.queue_while_down("one")
        self.queue_while_down("two")
        items = self.outbox()
        self.assertEqual([i[2] for i in items], ["one", "two"])
        self.cli("outbox", "discard", items[0][0])
        self.assertEqual([i[2] for i in self.outbox()], ["two"])
        self.assertFalse(os.path.exists(self.state_file(items[0][0])))
        self.cli("outbox", "discard", "no-such-id", expect=EX_DATAERR)

    def test_remove_account_with_queue(self):
        self.queue_while_down()
        self.cli("account", "remove", "work", expect=78)
        self.cli("account", "remove", "work", "--force")
        self.created_accounts.remove("work")
        (item,) = self.outbox()
        self.assertEqual(item[1], "failed")


if __name__ == "__main__":
    main()
