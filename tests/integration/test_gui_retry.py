# test_gui_retry.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""The running app sends the outbox by itself: the real `satchel` binary
(under the suite's Xvfb) against a real aiosmtpd, with messages that
satchel-cli queued when the server was down."""

import os
import re
import signal
import subprocess
import time

from satchel_testlib import (
    CLI, EX_TEMPFAIL, SatchelTestCase, Server, free_port, main,
)

BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(CLI))))
GUI = os.path.join(BUILD, "src", "gui", "satchel")


class GuiRetryTests(SatchelTestCase):
    def setUp(self):
        super().setUp()
        if not os.environ.get("DISPLAY"):
            self.skipTest("no X display (run under build-aux/headless)")
        if not os.access(GUI, os.X_OK):
            self.skipTest("the GUI was not built")
        self.port = free_port()
        self.app = None

    def tearDown(self):
        if self.app is not None and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()
        super().tearDown()

    def start_app(self):
        env = dict(self.env)
        env["GSETTINGS_SCHEMA_DIR"] = os.path.join(BUILD, "data")
        env["GSETTINGS_BACKEND"] = "memory"
        self.app = subprocess.Popen([GUI], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)

    def queue_while_down(self, subject):
        """satchel-cli send with nobody listening: queued for a retry."""
        proc = self.cli("send", "--account", "relay", "--to", "bob@example.com",
                        "--subject", subject, "--body", "Hello.",
                        expect=EX_TEMPFAIL)
        self.assertIn("queued", [row[1] for row in self.outbox()])
        return proc

    def wait_for(self, server, n, seconds=30):
        deadline = time.monotonic() + seconds
        while len(server.messages) < n and time.monotonic() < deadline:
            if self.app.poll() is not None:
                self.fail("the app exited: %s" % self.app.stderr.read().decode())
            time.sleep(0.05)
        self.assertEqual(len(server.messages), n)

    def test_sends_on_start_and_when_due(self):
        with Server("plain", port=self.port) as server:
            self.add_account("relay", server, password=None)
        self.queue_while_down("Queued while down")
        self.queue_while_down("Retry in a few seconds")
        folder = self.path("state", "satchel", "outbox")
        inis = sorted(n for n in os.listdir(folder) if n.endswith(".ini"))
        self.assertEqual(len(inis), 2)

        # The first is due now, the second in four seconds.
        later = int(time.time()) + 4
        for name, when in zip(inis, (0, later)):
            path = os.path.join(folder, name)
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(re.sub(r"(?m)^next-attempt=.*$", "next-attempt=%d" % when, text))

        with Server("plain", port=self.port) as server:
            self.start_app()
            self.wait_for(server, 1)
            first = time.time()
            self.assertIn(b"Subject: Queued while down", server.messages[0][2])

            self.wait_for(server, 2)
            self.assertGreaterEqual(time.time(), later)
            self.assertIn(b"Subject: Retry in a few seconds", server.messages[1][2])
            self.assertLess(first, later)

            deadline = time.monotonic() + 10
            while self.outbox() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertEqual(self.outbox(), [])

        # Each send left a log.
        logs = self.files_in("state", "satchel", "logs")
        self.assertEqual(len([n for n in logs if "-send-" in n]), 4)


if __name__ == "__main__":
    main()
