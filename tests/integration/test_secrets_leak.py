# test_secrets_leak.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""The password never leaves the keyring and the wire: not in a protocol
log, not on stdout or stderr, not in any file under the user's folders,
in no encoding a mechanism or a careless print could give it. And the
protocol logs themselves: private, rotated, with TLS details and the
message's size but never its content."""

import base64
import os
import re
import stat

import satchel_testlib
from satchel_testlib import (
    EX_NOPERM, EX_TEMPFAIL, USER, SatchelTestCase, Server, cert_fingerprint,
    main,
)

# Distinctive, and with characters that Latin-1 and UTF-8 encode
# differently. The ASCII runs ("okka-7731") also catch any escaped form
# of the non-ASCII letters around them.
SECRET = "Zebra-Q\u00fcokka-7731-\u00dfecret"
WRONG = "Wrong-P\u00e4ssw\u00f6rd-4409-\u00ffxz"
ASCII_RUNS = ["okka-7731", "4409-"]

BODY = "Unmistakable body text: periwinkle-armadillo-2231."


def forms(secret, user=USER):
    """Every byte string the secret could leak as."""
    found = set()
    user_bytes = user.encode()
    for encoding in ("utf-8", "latin-1", "utf-16-le", "utf-16-be"):
        try:
            raw = secret.encode(encoding)
        except UnicodeEncodeError:
            continue
        found.add(raw)
        found.add(raw.hex().encode())
        found.add(raw.hex().upper().encode())
        # Exactly as PLAIN (with and without authorization identity) and
        # LOGIN send it.
        for blob in (raw,
                     b"\0" + user_bytes + b"\0" + raw,
                     user_bytes + b"\0" + user_bytes + b"\0" + raw):
            found.add(base64.b64encode(blob))
        # Anywhere inside a longer base64 text: the characters that
        # depend on the secret alone, at each of the three alignments.
        for shift in range(3):
            encoded = base64.b64encode(b"\0" * shift + raw)
            start = 4 if shift else 0
            end = len(encoded) - (4 if (shift + len(raw)) % 3 else 0)
            core = encoded[start:end]
            if len(core) >= 12:
                found.add(core)
    return found


class SecretsLeakTests(SatchelTestCase):
    def setUp(self):
        super().setUp()
        # aiosmtpd's authenticator checks satchel_testlib.PASSWORD.
        self.saved_password = satchel_testlib.PASSWORD
        satchel_testlib.PASSWORD = SECRET
        self.outputs = []  # (what, bytes)

    def tearDown(self):
        satchel_testlib.PASSWORD = self.saved_password
        super().tearDown()

    def run_cli(self, *args, **kwargs):
        proc = self.cli(*args, **kwargs)
        name = " ".join(args)
        self.outputs.append(("stdout of " + name, proc.stdout))
        self.outputs.append(("stderr of " + name, proc.stderr))
        return proc

    def logs_dir(self):
        return self.path("state", "satchel", "logs")

    def logs(self):
        folder = self.logs_dir()
        return [os.path.join(folder, name) for name in sorted(os.listdir(folder))]

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def assert_nowhere(self, secrets):
        needles = set()
        for secret in secrets:
            needles |= forms(secret)
        needles |= {run.encode() for run in ASCII_RUNS}

        haystacks = list(self.outputs)
        for folder, _, names in os.walk(self.home):
            for name in names:
                path = os.path.join(folder, name)
                haystacks.append((path, self.read(path)))

        self.assertTrue(any("logs" in what for what, _ in haystacks))
        for what, data in haystacks:
            for needle in needles:
                self.assertNotIn(needle, data,
                                 "the password (as %r) is in %s" % (needle, what))

    def make_due(self):
        """Puts every queued message's next attempt in the past."""
        folder = self.path("state", "satchel", "outbox")
        for name in os.listdir(folder):
            if name.endswith(".ini"):
                path = os.path.join(folder, name)
                text = re.sub(r"(?m)^next-attempt=.*$", "next-attempt=0",
                              self.read(path).decode())
                with open(path, "w") as f:
                    f.write(text)

    def sessions_with(self, mechanism):
        port = satchel_testlib.free_port()
        with Server("starttls", port=port) as server:
            proc = self.add_account("work", server, "--auth", mechanism,
                                    "--verify", password=SECRET)
            self.outputs += [("stdout of account add", proc.stdout),
                             ("stderr of account add", proc.stderr)]
            self.run_cli("account", "verify", "--verbose", "work")
            self.run_cli("send", "--verbose", "--account", "work",
                         "--to", "bob@example.com", "--subject", "Logged",
                         "--body", BODY)
            self.assertEqual(len(server.messages), 1)
            self.assertIn(BODY.encode(), server.messages[0][2])
            logins = server.recorder.tried_logins
            self.assertTrue(logins)
            self.assertTrue(all(m == mechanism and l == USER for m, l in logins),
                            logins)

        # Nobody listens: the message is queued; then flushed when the
        # server is back.
        self.run_cli("send", "--verbose", "--account", "work",
                     "--to", "carol@example.com", "--subject", "Later",
                     "--body", BODY, expect=EX_TEMPFAIL)
        with Server("starttls", port=port) as server:
            self.make_due()
            self.run_cli("outbox", "flush", "--verbose")
            self.assertEqual(len(server.messages), 1)

            # A wrong password: the server says 535, and that is logged.
            self.run_cli("account", "edit", "work", "--password-stdin",
                         input=WRONG + "\n")
            proc = self.run_cli("account", "verify", "--verbose", "work",
                                expect=EX_NOPERM)
            self.assertIn("535", proc.err)
            self.run_cli("send", "--verbose", "--account", "work",
                         "--to", "bob@example.com", "--subject", "Refused",
                         "--body", BODY, expect=EX_NOPERM)

        stderr = b"".join(data for what, data in self.outputs if what.startswith("stderr"))
        self.assertIn(b"AUTH %s" % mechanism.encode(), stderr)
        self.assertIn(b"<redacted ", stderr)
        self.assert_nowhere([SECRET, WRONG])
        return self.logs()

    def check_logs(self, logs, mechanism):
        folder = self.logs_dir()
        self.assertEqual(stat.S_IMODE(os.stat(folder).st_mode), 0o700)
        # add --verify, verify, send, send (refused), flush, verify (wrong),
        # send (wrong password)
        self.assertEqual(len(logs), 7, logs)
        fingerprint = cert_fingerprint()
        for path in logs:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600, path)
            text = self.read(path).decode()
            self.assertNotIn(BODY, text)
            name = os.path.basename(path)
            self.assertRegex(name, r"^\d{8}T\d{6}\.\d{6}Z-(send|verify)-.+\.log$")
            if "Nobody" in text or "refused the connection" in text:
                continue
            if "Could not connect" in text or "C: " not in text:
                continue
            self.assertRegex(text, r"TLSv1\.[23] ")
            self.assertIn(fingerprint, text.replace(":", "").lower())
            self.assertIn("S: 220", text)
            self.assertIn("C: AUTH %s" % mechanism, text)
            self.assertIn("<redacted ", text)

        verify_logs = [p for p in logs if "-verify-work" in p]
        self.assertEqual(len(verify_logs), 3)
        refused = self.read(verify_logs[-1]).decode()
        self.assertIn("S: 535", refused)
        self.assertIn("Result: failed", refused)

        send_logs = [self.read(p).decode() for p in logs if "-send-" in p]
        sent = [t for t in send_logs if "S: 250" in t and "<message: " in t]
        self.assertEqual(len(sent), 2)
        for text in sent:
            size = int(re.search(r"<message: (\d+) bytes>", text).group(1))
            self.assertGreater(size, len(BODY))
            self.assertIn("C: MAIL FROM:<alice@example.com>", text)
            self.assertIn("Result: done", text)

    def test_plain(self):
        logs = self.sessions_with("PLAIN")
        self.check_logs(logs, "PLAIN")

    def test_login(self):
        logs = self.sessions_with("LOGIN")
        self.check_logs(logs, "LOGIN")

    def test_last_fifty_kept(self):
        with Server("plain") as server:
            self.add_account("relay", server, password=None)
            for _ in range(5):
                self.run_cli("account", "verify", "relay")
            oldest = self.logs()
            self.assertEqual(len(oldest), 5)
            for _ in range(50):
                self.run_cli("account", "verify", "relay")
        logs = self.logs()
        self.assertEqual(len(logs), 50)
        self.assertFalse(set(oldest) & set(logs))
        for path in logs:
            self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
            self.assertIn("-verify-relay", path)
            self.assertIn("Result: done", self.read(path).decode())


if __name__ == "__main__":
    main()
