# test_cli_sendmail.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""satchel-cli sendmail as mail readers and git send-email call it."""

from satchel_testlib import EX_USAGE, SatchelTestCase, Server, main, parse

MESSAGE = (
    "From: Alice <alice@example.com>\n"
    "To: Bob <bob@example.com>\n"
    "Cc: carol@example.com\n"
    "Bcc: secret@example.com\n"
    "Subject: [PATCH 1/2] core: Fix the\n"
    " folded subject\n"
    "\n"
    "Body line one.\n"
    ".\n"
    "..two dots\n"
    "Last line.\n"
)


class SendmailTests(SatchelTestCase):
    def setUp(self):
        super().setUp()
        self.server = Server("starttls").__enter__()
        self.add_account("work", self.server)

    def tearDown(self):
        self.server.__exit__(None, None, None)
        super().tearDown()

    def test_take_recipients_strips_bcc(self):
        self.cli("sendmail", "-t", "-oi", "-oem", input=MESSAGE)
        mail_from, rcpts, raw = self.server.messages[0]
        msg = parse(raw)
        self.assertEqual(mail_from, "alice@example.com")
        self.assertEqual(sorted(rcpts), ["bob@example.com", "carol@example.com",
                                         "secret@example.com"])
        self.assertNotIn(b"secret@example.com", raw)
        self.assertEqual(msg["Subject"], "[PATCH 1/2] core: Fix the folded subject")
        self.assertIsNotNone(msg["Date"])
        self.assertIsNotNone(msg["Message-ID"])
        body = msg.get_content().replace("\r\n", "\n")
        self.assertEqual(body, "Body line one.\n.\n..two dots\nLast line.\n")

    def test_git_send_email_style(self):
        # git send-email: recipients as arguments, -i, the From header names
        # the account, and the message keeps its own headers.
        message = MESSAGE.replace("Bcc: secret@example.com\n", "") \
            .replace("Subject:", "Message-ID: <patch-1@example.com>\nDate: Mon, 23 Nov 2026 10:00:00 +0000\nSubject:")
        self.cli("sendmail", "-i", "bob@example.com", "carol@example.com", input=message)
        _, rcpts, raw = self.server.messages[0]
        msg = parse(raw)
        self.assertEqual(rcpts, ["bob@example.com", "carol@example.com"])
        self.assertEqual(msg["Message-ID"], "<patch-1@example.com>")
        self.assertEqual(msg["Date"], "Mon, 23 Nov 2026 10:00:00 +0000")

    def test_arguments_only_without_t(self):
        self.cli("sendmail", "--", "dave@example.com", input=MESSAGE)
        _, rcpts, raw = self.server.messages[0]
        self.assertEqual(rcpts, ["dave@example.com"])
        self.assertNotIn(b"Bcc:", raw)

    def test_envelope_sender_option(self):
        self.cli("sendmail", "-f", "bounces@example.com", "bob@example.com", input=MESSAGE)
        self.assertEqual(self.server.messages[0][0], "bounces@example.com")

    def test_missing_from_added(self):
        self.cli("sendmail", "-t", "-F", "Alice Liddell",
                 input="To: bob@example.com\nSubject: hi\n\nbody\n")
        msg = parse(self.server.messages[0][2])
        self.assertEqual(msg["From"].addresses[0].addr_spec, "alice@example.com")

    def test_no_recipients(self):
        proc = self.cli("sendmail", input="Subject: x\n\nbody\n", expect=EX_USAGE)
        self.assertIn("-t", proc.err)
        self.assertEqual(self.outbox(), [])

    def test_crlf_input(self):
        self.cli("sendmail", "-t", input=MESSAGE.replace("\n", "\r\n"))
        raw = self.server.messages[0][2]
        self.assertNotIn(b"\r\r\n", raw)
        self.assertIn(b"Last line.", raw)


if __name__ == "__main__":
    main()
