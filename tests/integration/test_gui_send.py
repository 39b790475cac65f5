# test_gui_send.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sending from the real application to a real aiosmtpd: a message
opened through the command line, sent with Ctrl+Return, held for its
undo time, then sent by the application's scheduler; the server gets it
whole, and the outbox and the draft are empty afterwards."""

import os

from satchel_guilib import GuiTestCase
from satchel_testlib import Server, main, parse


class GuiSendTests(GuiTestCase):
    def test_compose_and_send(self):
        data = bytes((i * 7 + i // 3) % 256 for i in range(3 * 1024 * 1024))
        attachment = self.path("data", "figures.bin")
        with open(attachment, "wb") as f:
            f.write(data)

        with Server("plain") as server:
            self.add_account("relay", server, password=None)
            self.start_app()
            proc = self.satchel("--to", "bob@example.com", "--subject", "Quarterly figures",
                                "--body", "The figures are attached.", "--attach", attachment)
            self.assertEqual(proc.returncode, 0, proc.err)
            self.wait_for_window("^Quarterly figures$")

            # No window manager: the compose window is on top at 0,0 and
            # takes the keys under the pointer.
            self.xdotool("mousemove", "300", "300")
            self.xdotool("key", "ctrl+Return")

            # Held for the undo time (10 s by default), then sent.
            self.wait_until(lambda: len(server.messages) == 1, 120, "the server has it")
            mail_from, rcpt_tos, raw = server.messages[0]
            self.assertEqual(rcpt_tos, ["bob@example.com"])
            message = parse(raw)
            self.assertEqual(message["Subject"], "Quarterly figures")
            self.assertIn("The figures are attached.", message.get_body(("plain",)).get_content())
            parts = list(message.iter_attachments())
            self.assertEqual(len(parts), 1)
            self.assertEqual(parts[0].get_filename(), "figures.bin")
            self.assertEqual(parts[0].get_content(), data)

            # It left the outbox for the sent folder, and its draft went.
            self.wait_until(lambda: self.outbox() == [], 30, "the outbox is empty")
            self.wait_until(lambda: self.drafts() == [], 30, "the draft is deleted")
            sent = [n for n in self.files_in("data", "satchel", "sent") if n.endswith(".eml")]
            self.assertEqual(len(sent), 1)
            self.assertIsNone(self.app.poll())


if __name__ == "__main__":
    main()
