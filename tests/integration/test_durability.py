# test_durability.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""The outbox against real process deaths and signals: satchel-cli
interrupted (SIGINT, SIGTERM) or killed with SIGKILL in the middle of DATA
and after the final dot, and two satchel-cli processes flushing the same
outbox at once."""

import email
import email.policy
import glob
import json
import os
import signal
import subprocess
import sys

from satchel_faultserver import FaultServer
from satchel_testlib import CLI, EX_TEMPFAIL, PASSWORD, USER, SatchelTestCase, free_port, main
from test_faults import FaultTestCase, setUpModule, tearDownModule  # noqa: F401

HERE = os.path.dirname(os.path.abspath(__file__))


class DurabilityTests(SatchelTestCase):
    def serve(self, script=None):
        script = dict(script or {})
        script.setdefault("users", {USER: PASSWORD})
        server = FaultServer(script).start()
        self.addCleanup(server.stop)
        return server

    def account(self, port):
        self.cli("account", "add", "work", "--address", "%s@example.com" % USER,
                 "--host", "localhost", "--port", str(port),
                 "--security", "starttls", "--username", USER,
                 "--ca-file", os.environ["SATCHEL_TEST_CERT"],
                 "--timeout", "5", "--password-stdin", input=PASSWORD + "\n")
        self.created_accounts.append("work")

    def outbox_files(self, suffix):
        return glob.glob(self.path("state", "satchel", "outbox", "*" + suffix))

    def start_send(self, subject, *extra):
        return subprocess.Popen(
            [CLI, "send", "--account", "work", "--to", "bob@example.com",
             "--subject", subject, "--body", "Body.\n"] + list(extra),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, env=self.env)

    def kill(self, proc):
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        self.assertEqual(proc.returncode, -signal.SIGKILL)

    def test_kill_during_data_then_flush_delivers_once(self):
        server = self.serve({"at": {"mid-data": "pause"}, "at_connections": 1,
                             "mid_data_bytes": 256 * 1024})
        self.account(server.port)
        attachment = os.urandom(16 * 1024 * 1024)
        path = self.path("big.bin")
        with open(path, "wb") as f:
            f.write(attachment)
        proc = self.start_send("killed mid-data", "--attach", path)
        try:
            self.assertTrue(server.wait_event("pause-mid-data", timeout=60))
        finally:
            self.kill(proc)
        (item,) = self.outbox()
        self.assertEqual(item[2], "killed mid-data")
        self.assertEqual(server.messages, [])
        # The message does not depend on the file it was made from.
        os.unlink(path)
        self.cli("outbox", "flush")
        self.assertEqual(len(server.messages), 1)
        self.assertEqual(self.outbox(), [])
        self.cli("outbox", "flush")
        self.assertEqual(len(server.messages), 1)
        self.assertEqual(len(server.connections), 2)
        msg = email.message_from_bytes(server.messages[0][2], policy=email.policy.default)
        self.assertEqual(msg["Subject"], "killed mid-data")
        (part,) = list(msg.iter_attachments())
        self.assertEqual(part.get_content(), attachment)

    def test_kill_after_final_dot_is_unknown(self):
        server = self.serve({"at": {"data-end": "silent"}, "at_connections": 1})
        self.account(server.port)
        proc = self.start_send("killed after the dot")
        try:
            self.assertTrue(server.wait_event("data-end", timeout=60))
        finally:
            self.kill(proc)
        self.cli("outbox", "flush")
        # Not sent again: the server may have it.
        self.assertEqual(len(server.connections), 1)
        (item,) = self.outbox()
        self.assertEqual(item[1:3], ["unknown", "killed after the dot"])
        self.assertIn("may have accepted it", item[3])
        self.cli("outbox", "flush")
        self.assertEqual(len(server.connections), 1)
        self.cli("outbox", "flush", "--resend-unknown")
        self.assertEqual(len(server.messages), 1)
        self.assertEqual(self.outbox(), [])

    def test_outbox_written_before_connecting(self):
        seen = {}

        def on_event(name, number):
            # In the server's thread, as the connection is accepted.
            if name == "connect" and not seen:
                for path in self.outbox_files(""):
                    seen[os.path.basename(path)] = os.stat(path).st_mode & 0o777

        server = self.serve({"at": {"greeting": "pause"}})
        server.on_event = on_event
        self.account(server.port)
        proc = self.start_send("before traffic")
        try:
            self.assertTrue(server.wait_event("pause-greeting", timeout=60))
        finally:
            self.kill(proc)
        emls = [n for n in seen if n.endswith(".eml")]
        inis = [n for n in seen if n.endswith(".ini")]
        self.assertEqual(len(emls), 1, seen)
        self.assertEqual(len(inis), 1, seen)
        self.assertFalse([n for n in seen if n.endswith(".tmp")], seen)
        for name in emls + inis:
            self.assertEqual(seen[name], 0o600, name)
        with open(self.path("state", "satchel", "outbox", emls[0]), "rb") as f:
            self.assertIn(b"Subject: before traffic", f.read())

    def test_two_flushes_at_once_send_each_message_once(self):
        port = free_port()
        self.account(port)
        for i in range(20):
            self.cli("send", "--account", "work", "--to", "bob@example.com",
                     "--subject", "message %02d" % i, "--body", "b", expect=EX_TEMPFAIL)
        for item in self.outbox():
            path = self.path("state", "satchel", "outbox", item[0] + ".ini")
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write("".join("next-attempt=0\n" if l.startswith("next-attempt=") else l
                                for l in text.splitlines(True)))
        save = self.path("received")
        os.mkdir(save)
        script = {"users": {USER: PASSWORD}, "delay": 0.01,
                  "cert": os.environ["SATCHEL_TEST_CERT"],
                  "key": os.environ["SATCHEL_TEST_KEY"]}
        # The fault server as a program of its own, on the port the
        # account names.
        server = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "satchel_faultserver.py"),
             "--script", json.dumps(script), "--port", str(port), "--save-dir", save],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            self.assertEqual(int(server.stdout.readline()), port)
            flushes = [subprocess.Popen([CLI, "outbox", "flush"], env=self.env,
                                        stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                       for _ in range(2)]
            results = [f.communicate(timeout=120) for f in flushes]
        finally:
            server.terminate()
            events = server.communicate(timeout=30)[0].decode().split("\n")
        for flush, (out, err) in zip(flushes, results):
            self.assertEqual(flush.returncode, 0, err)
        subjects = []
        for path in glob.glob(os.path.join(save, "message-*.eml")):
            with open(path, "rb") as f:
                subjects.append(email.message_from_bytes(f.read())["Subject"])
        self.assertEqual(sorted(subjects), ["message %02d" % i for i in range(20)])
        self.assertEqual(self.outbox(), [])
        self.assertEqual(sum(1 for e in events if e.startswith("EVENT message ")), 20)
        # one session per message: no message was even tried twice
        self.assertEqual(sum(1 for e in events if e.startswith("EVENT connect ")), 20)


class CancelTests(FaultTestCase):
    def check_signal(self, signum, step="mid-data", state="queued",
                     phrase=r"was cancelled while sending the message \(DATA\)"):
        server = self.serve({"at": {step: "pause" if step != "data-end" else "silent"},
                             "at_connections": 1, "mid_data_bytes": 256 * 1024})
        self.account(server)
        # Mid-DATA needs a message still on its way when the server stops.
        attach = ["--attach", self.big_file()] if step == "mid-data" else []
        proc = subprocess.Popen(
            [CLI, "send", "--account", "work", "--to", "bob@example.com",
             "--subject", "cancel me", "--body", "b"] + attach,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=self.env)
        try:
            event = "data-end" if step == "data-end" else "pause-" + step
            self.assertTrue(server.wait_event(event, timeout=60))
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(proc.returncode, EX_TEMPFAIL, err)
        err = err.decode()
        self.assertRegex(err, phrase)
        (item,) = self.outbox()
        self.assertEqual(item[1:3], [state, "cancel me"])
        if state == "queued":
            self.assertEqual(self.state(item[0])["data-ended"], "false")
            self.assertIn("queued", err)
            # and it goes out on the next flush, once
            self.cli("outbox", "flush")
            self.assertEqual(len(server.messages), 1)
            self.assertEqual(self.outbox(), [])

    def test_sigint_during_data(self):
        self.check_signal(signal.SIGINT)

    def test_sigterm_during_data(self):
        self.check_signal(signal.SIGTERM)

    def test_sigint_while_waiting_for_greeting(self):
        self.check_signal(signal.SIGINT, "greeting",
                          # the signal may come before connect() returned
                          phrase="was cancelled while (waiting for the server.s "
                                 "greeting|connecting to the server)")

    def test_sigterm_after_final_dot_is_unknown(self):
        self.check_signal(signal.SIGTERM, "data-end", "unknown",
                          phrase="the server may have accepted it")


if __name__ == "__main__":
    main()
