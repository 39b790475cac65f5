# test_gui_mailto.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Single instance and mailto: links: `satchel mailto:…` and `satchel
--compose …` run a second time hand their command line to the running
application, which opens a prefilled compose window. A link never sends,
and never attaches a file without the user's consent."""

import os
import subprocess
import urllib.parse

from satchel_guilib import APP_ID, GuiTestCase
from satchel_testlib import Server, main, parse


def attachments_of(draft):
    """The paths of a draft's X-Satchel-Attachment headers (file: URIs)."""
    message = parse(draft.encode())
    paths = []
    for value in message.get_all("X-Satchel-Attachment") or []:
        uri = "".join(str(value).split())
        paths.append(urllib.parse.unquote(urllib.parse.urlparse(uri).path))
    return paths


class GuiMailtoTests(GuiTestCase):
    def setUp(self):
        super().setUp()
        with Server("plain") as server:
            self.add_account("relay", server, password=None)

    def test_link_opens_in_running_instance(self):
        attachment = self.path("data", "x.txt")
        with open(attachment, "w") as f:
            f.write("Not to be attached without asking.\n")
        self.start_app()

        link = "mailto:bob@example.com?subject=Hi%20there&body=Line%20one&attach=" + \
            urllib.parse.quote(attachment)
        proc = self.satchel(link)
        self.assertEqual(proc.returncode, 0, proc.err)
        # The second process handed over and left; the first one goes on.
        self.assertIsNone(self.app.poll())

        self.wait_for_window("^Hi there$")
        self.wait_for_window("^Attach Files from a Link\\?$")

        # The draft kept from the link: recipients, subject, text, and
        # no attachment while the question is open.
        self.wait_until(lambda: any("Hi there" in d for d in self.drafts()), 30,
                        "the draft is saved")
        draft = [d for d in self.drafts() if "Hi there" in d][0]
        self.assertIn("bob@example.com", draft)
        self.assertEqual(parse(draft.encode()).get_content().strip(), "Line one")
        self.assertEqual(attachments_of(draft), [])

        # A link never sends anything by itself.
        self.assertEqual(self.outbox(), [])

    def test_link_to_a_secret_file_is_refused(self):
        ssh = self.path(".ssh")
        os.makedirs(ssh)
        key = os.path.join(ssh, "id_rsa")
        with open(key, "w") as f:
            f.write("-----BEGIN OPENSSH PRIVATE KEY-----\n")
        self.start_app()

        proc = self.satchel("mailto:eve@example.com?subject=Steal&attach=" + urllib.parse.quote(key))
        self.assertEqual(proc.returncode, 0, proc.err)
        self.wait_for_window("^Steal$")
        # Nothing to agree to: the dialog only says the file was refused.
        self.wait_for_window("^Files Not Attached$")
        self.assertEqual(self.windows_named("^Attach Files from a Link"), [])
        self.wait_until(lambda: any("Steal" in d for d in self.drafts()), 30,
                        "the draft is saved")
        draft = [d for d in self.drafts() if "Steal" in d][0]
        self.assertEqual(attachments_of(draft), [])
        self.assertNotIn("id_rsa", draft)

    def test_options_forwarded(self):
        folder = self.path("data", "work")
        os.makedirs(folder)
        with open(os.path.join(folder, "notes.txt"), "w") as f:
            f.write("Notes.\n")
        self.start_app()

        # A relative --attach starts in the folder of the second process.
        proc = self.satchel("--to", "carol@example.com", "--cc", "dan@example.com",
                            "--subject", "From the options", "--body", "See the notes.",
                            "--attach", "notes.txt", cwd=folder)
        self.assertEqual(proc.returncode, 0, proc.err)
        self.wait_for_window("^From the options$")
        # The user's own --attach needs no question.
        self.assertEqual(self.windows_named("^Attach Files"), [])

        self.wait_until(lambda: any("From the options" in d for d in self.drafts()), 30,
                        "the draft is saved")
        draft = [d for d in self.drafts() if "From the options" in d][0]
        self.assertIn("carol@example.com", draft)
        self.assertIn("dan@example.com", draft)
        self.assertEqual(attachments_of(draft), [os.path.join(folder, "notes.txt")])

    def test_open_through_dbus(self):
        """As D-Bus activation delivers a link (DBusActivatable=true, %u)."""
        self.start_app()
        proc = subprocess.run(
            ["gdbus", "call", "--session", "--dest", APP_ID,
             "--object-path", "/" + APP_ID.replace(".", "/"),
             "--method", "org.freedesktop.Application.Open",
             "['mailto:dave@example.com?subject=Through%20D-Bus']", "{}"],
            capture_output=True, env=self.env, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.wait_for_window("^Through D-Bus$")
        self.wait_until(lambda: any("Through D-Bus" in d for d in self.drafts()), 30,
                        "the draft is saved")
        draft = [d for d in self.drafts() if "Through D-Bus" in d][0]
        self.assertIn("dave@example.com", draft)
        self.assertEqual(self.outbox(), [])

    def test_not_a_link(self):
        self.start_app()
        proc = self.satchel("report.pdf")
        self.assertEqual(proc.returncode, 64)
        self.assertIn("mailto:", proc.err)
        self.assertIn("--attach", proc.err)
        self.assertIsNone(self.app.poll())

    def test_help_lists_every_option(self):
        proc = self.satchel("--help")
        self.assertEqual(proc.returncode, 0, proc.err)
        for option in ("--compose", "--to=ADDRESS", "--cc=ADDRESS", "--bcc=ADDRESS",
                       "--subject=TEXT", "--body=TEXT", "--attach=FILE", "mailto:"):
            self.assertIn(option, proc.out)


if __name__ == "__main__":
    main()
