# satchel_guilib.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real `satchel` application in integration tests: started under the
suite's Xvfb and D-Bus session (build-aux/headless), reached a second
time through its single instance, and its windows found by title with
xdotool (there is no window manager: windows sit at 0,0)."""

import os
import signal
import subprocess
import time

from satchel_testlib import CLI, SatchelTestCase

BUILD = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(CLI))))
GUI = os.path.join(BUILD, "src", "gui", "satchel")
APP_ID = "io.github.satchel.Satchel"


class GuiTestCase(SatchelTestCase):
    """A test that runs the application; it is stopped afterwards."""

    def setUp(self):
        super().setUp()
        if not os.environ.get("DISPLAY"):
            self.skipTest("no X display (run under build-aux/headless)")
        if not os.access(GUI, os.X_OK):
            self.skipTest("the GUI was not built")
        self.env["GSETTINGS_SCHEMA_DIR"] = os.path.join(BUILD, "data")
        self.env["GSETTINGS_BACKEND"] = "memory"
        self.env["GIO_USE_PROXY_RESOLVER"] = "dummy"
        self.app = None

    def tearDown(self):
        if self.app is not None and self.app.poll() is None:
            self.app.send_signal(signal.SIGTERM)
            try:
                self.app.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()
        # The next test's instance must be the primary one.
        self.wait_until(lambda: not self.app_registered(), 20, "the app left the bus")
        super().tearDown()

    def wait_until(self, predicate, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        self.fail("timed out waiting until %s" % what)

    def app_registered(self):
        proc = subprocess.run(
            ["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
             "--object-path", "/org/freedesktop/DBus",
             "--method", "org.freedesktop.DBus.NameHasOwner", APP_ID],
            capture_output=True, env=self.env, timeout=30)
        return b"true" in proc.stdout

    def start_app(self):
        """The first instance; returns once it owns its bus name."""
        self.app = subprocess.Popen([GUI], env=self.env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)

        def ready():
            if self.app.poll() is not None:
                self.fail("the app exited: %s" % self.app.stderr.read().decode())
            return self.app_registered()

        self.wait_until(ready, 30, "the app owns %s" % APP_ID)

    def satchel(self, *args, cwd=None):
        """`satchel ARGS` run again: it hands its command line over."""
        proc = subprocess.run([GUI] + list(args), env=self.env, capture_output=True,
                              cwd=cwd, timeout=60)
        proc.out = proc.stdout.decode("utf-8", "replace")
        proc.err = proc.stderr.decode("utf-8", "replace")
        return proc

    def windows_named(self, pattern):
        proc = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", pattern],
                              capture_output=True, env=self.env, timeout=30)
        return proc.stdout.split()

    def wait_for_window(self, pattern, seconds=30):
        self.wait_until(lambda: self.windows_named(pattern), seconds,
                        "a window named %r" % pattern)
        return self.windows_named(pattern)[0]

    def xdotool(self, *args):
        subprocess.run(["xdotool"] + list(args), env=self.env, check=True, timeout=30)

    def drafts(self):
        """The text of each draft file."""
        folder = self.path("data", "satchel", "drafts")
        texts = []
        for name in self.files_in("data", "satchel", "drafts"):
            if name.endswith(".eml"):
                with open(os.path.join(folder, name), "rb") as f:
                    texts.append(f.read().decode("utf-8", "replace"))
        return texts
