# test_gui_compose.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""The compose window of the real `satchel` binary under the suite's
Xvfb, driven with xdotool as a person would: a draft survives SIGKILL,
and a message with three attachments reaches a real aiosmtpd intact."""

import email.policy
import os
import re
import shutil
import signal
import subprocess
import time

from satchel_testlib import CLI, SatchelTestCase, Server, free_port, main, parse

BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(CLI))))
GUI = os.path.join(BUILD, "src", "gui", "satchel")


class GuiComposeTests(SatchelTestCase):
    def setUp(self):
        super().setUp()
        if not os.environ.get("DISPLAY"):
            self.skipTest("no X display (run under build-aux/headless)")
        if not os.access(GUI, os.X_OK):
            self.skipTest("the GUI was not built")
        # build-aux/test installs it: without it, fail rather than skip.
        self.assertIsNotNone(shutil.which("xdotool"),
                             "xdotool is not installed (build-aux/install-deps test)")
        self.app = None
        self.env["GIO_USE_PROXY_RESOLVER"] = "dummy"
        self.env["GSETTINGS_SCHEMA_DIR"] = os.path.join(BUILD, "data")
        # Settings in a key file of the test's own, so that the test can
        # choose them before the app starts.
        self.env["GSETTINGS_BACKEND"] = "keyfile"

    def tearDown(self):
        if self.app is not None and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()
        super().tearDown()

    def settings(self, **values):
        folder = self.path("config", "glib-2.0", "settings")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "keyfile"), "w") as f:
            f.write("[io/github/satchel/Satchel]\n")
            for key, value in values.items():
                f.write("%s=%s\n" % (key.replace("_", "-"), value))

    def start_app(self, *args):
        self.app = subprocess.Popen([GUI] + list(args), env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def xdotool(self, *args, timeout=30):
        return subprocess.run(["xdotool"] + list(args), capture_output=True, text=True,
                              timeout=timeout, env=self.env)

    def type_text(self, text):
        """xdotool types non-ASCII characters by remapping a key for each:
        one at a time, slowly, or some are lost."""
        ascii_run = ""
        for char in text + "\0":
            if char != "\0" and ord(char) < 128:
                ascii_run += char
                continue
            if ascii_run:
                self.xdotool("type", "--delay", "30", ascii_run)
                ascii_run = ""
            if char != "\0":
                self.xdotool("type", "--delay", "150", char)
                time.sleep(0.2)

    def find_window(self, title, seconds=60):
        """The X window whose title is @title, once it is shown."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.app.poll() is not None:
                self.fail("the app exited: %s" % self.app.stderr.read().decode())
            found = self.xdotool("search", "--onlyvisible", "--name", "^%s$" % title)
            ids = found.stdout.split()
            if ids:
                return ids[-1]
            time.sleep(0.2)
        self.fail("no window titled %r" % title)

    def point_at(self, window):
        """No window manager: keys go to the window under the pointer."""
        geometry = self.xdotool("getwindowgeometry", "--shell", window).stdout
        values = dict(line.split("=") for line in geometry.split() if "=" in line)
        x = int(values["X"]) + int(values["WIDTH"]) // 2
        y = int(values["Y"]) + 20
        self.xdotool("mousemove", str(x), str(y))
        self.xdotool("windowraise", window)
        time.sleep(0.5)

    def drafts(self):
        folder = self.path("data", "satchel", "drafts")
        if not os.path.isdir(folder):
            return []
        result = []
        for name in sorted(os.listdir(folder)):
            if name.endswith(".eml"):
                with open(os.path.join(folder, name), "rb") as f:
                    result.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return result

    def gl_libraries(self):
        """The GL driver libraries mapped into the running application."""
        with open("/proc/%d/maps" % self.app.pid) as f:
            return sorted({line.split()[-1] for line in f
                           if re.search(r"lib(GLX|EGL)_mesa|_dri\.so|libgallium", line)})

    def stop_app(self):
        self.app.terminate()
        self.app.wait(timeout=30)

    def test_cairo_renderer_loads_no_gl_driver(self):
        # GSK_RENDERER=cairo: GTK 4.8 would still load the GL driver to
        # choose an X visual (some 150 ms of every start here, and the
        # driver some users set the variable to avoid).
        self.env["GSK_RENDERER"] = "cairo"
        self.env.pop("GDK_DEBUG", None)
        self.start_app("--compose")
        self.find_window("New Message")
        self.assertEqual(self.gl_libraries(), [])
        self.stop_app()

        # The same start without it does load one, where there is one:
        # what the first half looks for is real.
        del self.env["GSK_RENDERER"]
        self.start_app("--compose")
        self.find_window("New Message")
        if not self.gl_libraries():
            self.skipTest("GTK loads no GL driver on this machine")
        self.stop_app()

    def test_draft_survives_kill(self):
        self.settings(rich_text="false")
        self.start_app("--compose")
        window = self.find_window("New Message")
        self.point_at(window)

        # The cursor starts in To; Alt+S is Subject; Tab goes on to the text.
        self.type_text("bob@example.com")
        self.xdotool("key", "alt+s")
        self.type_text("Kill test 合同")
        self.xdotool("key", "Tab")
        self.type_text("Words typed just before a crash.")
        # Saved 2 seconds after typing pauses: after 3, kill without warning.
        time.sleep(3)
        self.app.send_signal(signal.SIGKILL)
        self.app.wait()

        drafts = self.drafts()
        self.assertEqual(len(drafts), 1, "no draft in %s" % self.path("data", "satchel", "drafts"))
        draft = drafts[0]
        self.assertEqual(draft["Subject"], "Kill test 合同")
        self.assertEqual(draft["X-Satchel-To"], "bob@example.com")
        body = draft.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        self.assertIn("Words typed just before a crash.", body)
        mode = os.stat(self.path("data", "satchel", "drafts")).st_mode
        self.assertEqual(mode & 0o077, 0)

    def test_send_three_attachments(self):
        files = []
        contents = [os.urandom(300 * 1024), "季度报告\n".encode() * 1000, b"three\n"]
        for name, content in zip(["photo.jpg", "季度报告.pdf", "notes.txt"], contents):
            path = self.path(name)
            with open(path, "wb") as f:
                f.write(content)
            files.append(path)
        self.settings(undo_delay="uint32 0", rich_text="false")

        with Server("plain", port=free_port()) as server:
            self.add_account("relay", server, password=None)
            args = ["--compose", "--to", "Bob <bob@example.com>",
                    "--subject", "Three files for you",
                    "--body", "Hello Bob,\nthe three files.\n"]
            for path in files:
                args += ["--attach", path]
            self.start_app(*args)
            window = self.find_window("Three files for you")
            self.point_at(window)
            self.xdotool("key", "ctrl+Return")

            deadline = time.monotonic() + 60
            while not server.messages and time.monotonic() < deadline:
                if self.app.poll() is not None:
                    self.fail("the app exited: %s" % self.app.stderr.read().decode())
                time.sleep(0.1)
            self.assertEqual(len(server.messages), 1)
            mail_from, rcpt_tos, raw = server.messages[0]

            deadline = time.monotonic() + 20
            while self.outbox() and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(self.outbox(), [])

        self.assertEqual(mail_from, "alice@example.com")
        self.assertEqual(rcpt_tos, ["bob@example.com"])
        message = parse(raw)
        self.assertEqual(message["Subject"], "Three files for you")
        self.assertIn("Alice Liddell <alice@example.com>", str(message["From"]))
        self.assertIn("Bob <bob@example.com>", str(message["To"]))
        self.assertIsNone(message["Bcc"])
        text = message.get_body(preferencelist=("plain",)).get_content()
        self.assertIn("Hello Bob,\nthe three files.", text.replace("\r\n", "\n"))
        attachments = list(message.iter_attachments())
        self.assertEqual([a.get_filename() for a in attachments],
                         ["photo.jpg", "季度报告.pdf", "notes.txt"])
        for attachment, content in zip(attachments, contents):
            self.assertEqual(attachment.get_payload(decode=True), content)


if __name__ == "__main__":
    main()
