# test_faults.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""satchel-cli against a server that misbehaves on purpose
(satchel_faultserver): what the user sees (exit status, the one error
line) and what went over the wire, byte for byte, in clear and in TLS."""

import base64
import configparser
import os
import shutil
import subprocess
import sys
import tempfile
import time

from satchel_faultserver import FaultServer, make_certs
from satchel_testlib import (
    CLI, EX_NOPERM, EX_TEMPFAIL, EX_UNAVAILABLE, PASSWORD, USER,
    SatchelTestCase, cert_fingerprint, main,
)

CERTS = None
CERT_DIR = None


def setUpModule():
    global CERTS, CERT_DIR
    CERT_DIR = tempfile.mkdtemp(prefix="satchel-certs-")
    CERTS = make_certs(CERT_DIR)


def tearDownModule():
    shutil.rmtree(CERT_DIR, ignore_errors=True)


def colons(fingerprint):
    return ":".join(fingerprint[i:i + 2] for i in range(0, len(fingerprint), 2)).upper()


def password_forms():
    """The password as it may travel: plain, and base64 as PLAIN and LOGIN
    send it."""
    raw = PASSWORD.encode()
    return [raw, base64.b64encode(raw),
            base64.b64encode(b"\0" + USER.encode() + b"\0" + raw)]


class FaultTestCase(SatchelTestCase):
    def serve(self, script=None, cert="good"):
        script = dict(script or {})
        script.setdefault("users", {USER: PASSWORD})
        script.setdefault("cert", CERTS[cert][0])
        script.setdefault("key", CERTS[cert][1])
        server = FaultServer(script).start()
        self.addCleanup(server.stop)
        return server

    def account(self, server, security="starttls", timeout=5, name="work"):
        args = ["account", "add", name, "--address", "%s@example.com" % USER,
                "--host", "localhost", "--port", str(server.port),
                "--security", security, "--username", USER,
                "--ca-file", CERTS["ca"], "--timeout", str(timeout)]
        if security == "none":
            args.append("--allow-plaintext-auth")
        args.append("--password-stdin")
        self.cli(*args, input=PASSWORD + "\n")
        self.created_accounts.append(name)

    def send(self, *extra, expect=0, to=("bob@example.com",)):
        args = ["send", "--account", "work", "--subject", "fault",
                "--body", "Hello.\n"]
        for address in to:
            args += ["--to", address]
        return self.cli(*(args + list(extra)), expect=expect)

    def big_file(self, size=16 * 1024 * 1024):
        path = self.path("big.bin")
        if not os.path.exists(path):
            with open(path, "wb") as f:
                f.write(os.urandom(size))
        return path

    def assert_bounded_memory(self, peak_kib):
        # Under AddressSanitizer (build-aux/sanitize) the shadow memory and
        # quarantine dwarf the process's own: only the error is checked.
        if "ASAN_OPTIONS" in os.environ:
            return
        self.assertLess(peak_kib, 48 * 1024)

    def send_measured(self):
        """Sends; returns the process (with .err) and its peak RSS in KiB.
        A small Python starts it: a child's peak counts the pages it had
        when forked, and this test process is big."""
        measure = ("import os, sys\n"
                   "pid = os.fork()\n"
                   "if pid == 0:\n"
                   "    os.execv(sys.argv[1], sys.argv[1:])\n"
                   "_, status, usage = os.wait4(pid, 0)\n"
                   "print(usage.ru_maxrss)\n"
                   "sys.exit(os.waitstatus_to_exitcode(status) & 0xff)\n")
        proc = subprocess.run(
            [sys.executable, "-c", measure, CLI, "send", "--account", "work",
             "--to", "bob@example.com", "--subject", "fault", "--body", "Hello.\n"],
            stdin=subprocess.DEVNULL, capture_output=True, env=self.env, timeout=120)
        proc.err = proc.stderr.decode()
        return proc, int(proc.stdout.split()[-1])

    def error_line(self, proc):
        """The one line on stderr, checked to be one short, clean line."""
        lines = proc.err.splitlines()
        self.assertEqual(len(lines), 1, proc.err)
        line = lines[0]
        self.assertTrue(line.startswith("satchel-cli: "), line)
        self.assertNotIn("\x1b", line)
        return line

    def assert_nothing_secret(self, data):
        for form in password_forms():
            self.assertNotIn(form, data)

    def state(self, item_id):
        parser = configparser.ConfigParser(interpolation=None)
        parser.optionxform = str
        parser.read(self.path("state", "satchel", "outbox", item_id + ".ini"))
        return parser["Message"]

    def edit_state(self, item_id, **values):
        path = self.path("state", "satchel", "outbox", item_id + ".ini")
        parser = configparser.ConfigParser(interpolation=None)
        parser.optionxform = str
        parser.read(path)
        for key, value in values.items():
            parser["Message"][key.replace("_", "-")] = str(value)
        with open(path, "w") as f:
            parser.write(f, space_around_delimiters=False)


class TlsTests(FaultTestCase):
    def test_starttls_injection_aborts(self):
        server = self.serve({"starttls_inject": "250-PIPELINING\r\n250 AUTH PLAIN\r\n"})
        self.account(server)
        proc = self.send(expect=EX_UNAVAILABLE)
        line = self.error_line(proc)
        self.assertIn("before the TLS handshake", line)
        self.assertTrue(server.wait_event("closed"))
        (conn,) = server.connections
        # Nothing after the STARTTLS that got the injected reply: no
        # handshake, no command read from the injected bytes.
        self.assertTrue(conn.sent("clear").endswith(b"STARTTLS\r\n"), conn.sent())
        self.assertEqual(conn.sent("clear").count(b"\r\n"), 2)
        self.assertFalse(conn.tls)
        self.assertEqual(server.messages, [])
        self.assert_nothing_secret(conn.sent())

    def test_capabilities_before_tls_are_forgotten(self):
        # Before TLS a SIZE too small for any message and SMTPUTF8; after
        # it, room and no SMTPUTF8.
        server = self.serve({"extensions": ["SIZE 10", "SMTPUTF8", "PIPELINING"],
                             "extensions_tls": ["SIZE 1000000"]})
        self.account(server)
        self.send()
        self.assertEqual(len(server.messages), 1)
        (conn,) = server.connections
        (mail,) = [l for l in conn.command_lines("tls") if l.upper().startswith("MAIL")]
        self.assertRegex(mail, r"^MAIL FROM:<alice@example\.com> SIZE=\d+$")
        # a non-ASCII local part needs SMTPUTF8, which only came before TLS
        proc = self.send(expect=EX_UNAVAILABLE, to=("b\u00f6b@example.com",))
        self.assertIn("SMTPUTF8", self.error_line(proc))
        self.assertEqual(len(server.messages), 1)

    def test_weaker_auth_before_tls_is_not_used(self):
        server = self.serve({"auth_clear": ["LOGIN"],
                             "auth_tls": ["LOGIN", "PLAIN", "CRAM-MD5"]})
        self.account(server)
        self.send()
        self.assertEqual(len(server.messages), 1)
        (conn,) = server.connections
        auth = [l for l in conn.command_lines() if l.upper().startswith("AUTH")]
        self.assertEqual(auth, ["AUTH CRAM-MD5"])
        self.assertEqual(conn.command_lines("clear")[1:], ["STARTTLS"])

    def test_mechanism_only_offered_before_tls_is_not_used(self):
        server = self.serve({"auth_clear": ["CRAM-MD5", "PLAIN"],
                             "auth_tls": ["LOGIN"]})
        self.account(server)
        self.send()
        (conn,) = server.connections
        auth = [l for l in conn.command_lines("tls") if l.upper().startswith("AUTH")]
        self.assertEqual(auth, ["AUTH LOGIN"])

    def test_no_starttls_sends_nothing_in_clear(self):
        server = self.serve({"security": "none",
                             "auth_clear": ["PLAIN", "LOGIN"]})
        self.account(server)
        proc = self.send(expect=EX_UNAVAILABLE)
        self.assertIn("does not offer STARTTLS", self.error_line(proc))
        self.assertTrue(server.wait_event("closed"))
        (conn,) = server.connections
        verbs = [l.split()[0].upper() for l in conn.command_lines()]
        self.assertEqual(verbs, ["EHLO", "QUIT"])
        self.assert_nothing_secret(conn.sent())
        (item,) = self.outbox()
        self.assertEqual(item[1], "failed")

    def check_certificate(self, cert, security, reason):
        server = self.serve({"security": "tls" if security == "tls" else "starttls"},
                            cert=cert)
        self.account(server, security)
        proc = self.send(expect=EX_UNAVAILABLE)
        line = self.error_line(proc)
        self.assertIn("certificate", line)
        self.assertIn(reason, line)
        self.assertTrue(server.wait_event("closed"))
        self.assertEqual(server.sent("tls"), b"")
        self.assert_nothing_secret(server.sent())
        self.assertNotIn(b"MAIL", server.sent())
        (item,) = self.outbox()
        self.assertEqual(item[1], "failed")
        return line

    def test_untrusted_certificate(self):
        line = self.check_certificate("untrusted", "tls", "self-signed")
        self.assertIn("SHA-256", line)

    def test_wrong_host_certificate(self):
        self.check_certificate("wrong-host", "starttls", "another host name")

    def test_expired_certificate(self):
        self.check_certificate("expired", "tls", "expired on 2020-01-02")

    def test_plaintext_greeting_on_tls_port(self):
        server = self.serve({"security": "none"})
        self.account(server, "tls")
        proc = self.send(expect=EX_UNAVAILABLE)
        line = self.error_line(proc)
        self.assertIn("does not speak TLS on this port", line)
        self.assertIn("--security starttls", line)

    def test_tls_on_starttls_port(self):
        server = self.serve({"security": "tls"})
        self.account(server, "starttls", timeout=2)
        proc = self.cli("send", "--account", "work", "--to", "bob@example.com",
                        "--subject", "s", "--body", "b", check=False)
        self.assertNotEqual(proc.returncode, 0)
        line = self.error_line(proc)
        self.assertIn("--security tls", line)
        self.assertIn("TLS", line)
        self.assertEqual(server.sent("tls"), b"")


class AuthTests(FaultTestCase):
    def test_535_stops_authentication(self):
        server = self.serve({"auth_tls": ["CRAM-MD5", "PLAIN", "LOGIN"],
                             "at": {"auth": "535 5.7.8 Authentication credentials invalid"}})
        self.account(server)
        proc = self.send(expect=EX_NOPERM)
        line = self.error_line(proc)
        self.assertIn("535", line)
        self.assertIn("the server said", line)
        self.assertTrue(server.wait_event("closed"))
        (conn,) = server.connections
        auth = [l for l in conn.command_lines() if l.upper().startswith("AUTH")]
        self.assertEqual(len(auth), 1, conn.command_lines())
        self.assertNotIn(b"MAIL", conn.sent())
        self.assertEqual(server.messages, [])

    def test_wrong_password_one_attempt(self):
        server = self.serve({"users": {USER: "something else"},
                             "auth_tls": ["PLAIN", "LOGIN"]})
        self.account(server)
        self.send(expect=EX_NOPERM)
        self.assertTrue(server.wait_event("closed"))
        auth = [l for l in server.command_lines() if l.upper().startswith("AUTH")]
        self.assertEqual(auth, [auth[0]])
        self.assertTrue(auth[0].startswith("AUTH PLAIN"))

    def test_unoffered_mechanism_not_tried(self):
        server = self.serve({"auth_tls": ["DIGEST-MD5", "NTLM"]})
        self.account(server)
        proc = self.send(expect=EX_NOPERM)
        self.assertIn("DIGEST-MD5", self.error_line(proc))
        self.assertTrue(server.wait_event("closed"))
        self.assertNotIn(b"AUTH", server.sent())


class ServerWordsTests(FaultTestCase):
    def test_server_text_labelled_escaped_and_limited(self):
        words = "4.3.2 \x1b[2J\x1b]8;;http://evil.example/\x07click me\x1b]8;;\x07 " + "A" * 3000
        server = self.serve({"at": {"greeting": "421 " + words}})
        self.account(server)
        proc = self.send(expect=EX_TEMPFAIL)
        line = self.error_line(proc)
        self.assertIn("the server said: \u201c", line)
        self.assertNotIn("\x07", line)
        self.assertIn("click me", line)
        self.assertNotIn("A" * 300, line)
        self.assertIn("\u2026", line)
        self.assertLess(len(line), 800)

    def test_endless_reply_is_a_protocol_error(self):
        server = self.serve({"at": {"ehlo": "endless"}})
        self.account(server)
        proc, peak = self.send_measured()
        self.assertEqual(proc.returncode, EX_UNAVAILABLE, proc.err)
        self.assertIn("more than 256 lines", self.error_line(proc))
        print("# peak RSS of satchel-cli: %d KiB" % peak)
        self.assert_bounded_memory(peak)

    def test_huge_reply_line_is_a_protocol_error(self):
        server = self.serve({"at": {"mail": "huge"}, "huge_size": 64 * 1024 * 1024})
        self.account(server)
        proc, peak = self.send_measured()
        self.assertEqual(proc.returncode, EX_UNAVAILABLE, proc.err)
        line = self.error_line(proc)
        self.assertIn("longer than 4096 bytes", line)
        self.assertIn("MAIL FROM", line)
        # 64 MiB were on offer; the client kept a few kilobytes of them.
        self.assert_bounded_memory(peak)


class TimeoutTests(FaultTestCase):
    def check_silent(self, step, phrase):
        server = self.serve({"at": {step: "silent"}})
        self.account(server, timeout=1)
        start = time.monotonic()
        proc = self.send(expect=EX_TEMPFAIL)
        self.assertLess(time.monotonic() - start, 30)
        line = self.error_line(proc)
        self.assertIn("did not answer within 1 second", line)
        self.assertIn(phrase, line)
        self.assertIn("queued", line)
        (item,) = self.outbox()
        self.assertEqual(item[1], "queued")
        return server

    def test_silent_greeting(self):
        self.check_silent("greeting", "greeting")

    def test_silent_after_mail(self):
        self.check_silent("mail", "(MAIL FROM)")

    def test_silent_tls_handshake(self):
        self.check_silent("tls-handshake", "TLS handshake")

    def test_slow_server_within_timeout(self):
        server = self.serve({"delay": 0.1})
        self.account(server, timeout=5)
        self.send()
        self.assertEqual(len(server.messages), 1)


class RecipientTests(FaultTestCase):
    def test_each_rejected_recipient_reported(self):
        server = self.serve({"rcpt_reject": {
            "nobody@example.com": "550 5.1.1 <nobody@example.com>: no such user",
            "full@example.com": "552 5.2.2 mailbox full"}})
        self.account(server)
        proc = self.send(expect=EX_UNAVAILABLE,
                         to=("bob@example.com", "nobody@example.com", "full@example.com"))
        line = self.error_line(proc)
        self.assertIn("refused 2 recipients", line)
        self.assertIn("<nobody@example.com> (the server said: \u201c550 5.1.1", line)
        self.assertIn("mailbox full", line)
        self.assertTrue(server.wait_event("closed"))
        verbs = [l.split()[0].upper() for l in server.command_lines()]
        self.assertNotIn("DATA", verbs)
        self.assertIn("RSET", verbs)
        self.assertEqual(server.messages, [])
        (item,) = self.outbox()
        self.assertEqual(item[1], "failed")
        self.assertIn("nobody@example.com", item[3])

    def test_temporary_rejection_queues(self):
        server = self.serve({"rcpt_reject": {
            "busy@example.com": "450 4.2.1 try again later"}})
        self.account(server)
        proc = self.send(expect=EX_TEMPFAIL, to=("bob@example.com", "busy@example.com"))
        self.assertIn("try again later", self.error_line(proc))
        self.assertNotIn("DATA", [l.upper() for l in server.command_lines()])
        (item,) = self.outbox()
        self.assertEqual(item[1], "queued")


class RetryTests(FaultTestCase):
    def test_temporary_failures_follow_the_schedule(self):
        server = self.serve({"at": {"mail": "451 4.3.0 Local problem, later"}})
        self.account(server)
        proc = self.send(expect=EX_TEMPFAIL)
        self.assertIn("451 4.3.0 Local problem, later", self.error_line(proc))
        (item,) = self.outbox()
        item_id = item[0]
        self.assertEqual(item[1], "queued")
        self.assertIn("451", item[3])
        delays = []
        for attempt in range(5):
            state = self.state(item_id)
            delays.append(int(state["next-attempt"]) - int(time.time()))
            if attempt == 0:
                # not due: flush leaves it alone
                self.cli("outbox", "flush")
                self.assertEqual(len(server.connections), 1)
            self.edit_state(item_id, next_attempt=0)
            self.cli("outbox", "flush", expect=EX_TEMPFAIL)
        delays.append(int(self.state(item_id)["next-attempt"]) - int(time.time()))
        self.assertEqual(len(server.connections), 6)
        for got, want in zip(delays, [60, 300, 900, 3600, 3600, 3600]):
            self.assertTrue(want - 10 <= got <= want, (delays, want))
        server.script["at"] = {}
        self.edit_state(item_id, next_attempt=0)
        self.cli("outbox", "flush")
        self.assertEqual(len(server.messages), 1)
        self.assertEqual(self.outbox(), [])

    def test_4xx_and_5xx_at_each_command(self):
        steps = (("ehlo", "EHLO"), ("mail", "sender address"), ("rcpt", "<bob@example.com>"),
                 ("data", "DATA"), ("data-end", "did not accept"))
        server = self.serve()
        self.account(server)
        count = 0
        for step, named in steps:
            for code, status, state in (("451 4.3.0", EX_TEMPFAIL, "queued"),
                                        ("550 5.7.1", EX_UNAVAILABLE, "failed")):
                words = "%s Scripted refusal at %s" % (code, step)
                server.script["at"] = {step: words}
                proc = self.send(expect=status)
                line = self.error_line(proc)
                self.assertIn(named, line)
                self.assertIn("the server said: \u201c%s\u201d" % words, line)
                count += 1
                self.assertEqual(len(self.outbox()), count)
                self.assertEqual(self.outbox()[-1][1], state, line)
        self.assertEqual(server.messages, [])

    def test_silent_after_final_dot_is_unknown(self):
        server = self.serve({"at": {"data-end": "silent"}})
        self.account(server, timeout=1)
        proc = self.send(expect=EX_TEMPFAIL)
        line = self.error_line(proc)
        self.assertIn("did not answer within 4 seconds after the whole message", line)
        self.assertIn("unknown", line)
        self.assertEqual(self.outbox()[0][1], "unknown")

    def test_starttls_refused_sends_nothing_in_clear(self):
        server = self.serve({"at": {"starttls": "454 4.7.0 TLS not available now"}})
        self.account(server)
        proc = self.send(expect=EX_TEMPFAIL)
        self.assertIn("TLS not available now", self.error_line(proc))
        self.assertTrue(server.wait_event("closed"))
        verbs = [l.split()[0].upper() for l in server.command_lines()]
        self.assertEqual(verbs, ["EHLO", "STARTTLS", "QUIT"])
        self.assert_nothing_secret(server.sent())

    def test_failed_after_four_days(self):
        server = self.serve({"at": {"data": "452 4.3.1 Insufficient storage"}})
        self.account(server)
        self.send(expect=EX_TEMPFAIL)
        (item,) = self.outbox()
        self.edit_state(item[0], next_attempt=0,
                        created=int(time.time()) - 4 * 24 * 3600 - 60)
        self.cli("outbox", "flush", check=False)
        (item,) = self.outbox()
        self.assertEqual(item[1], "failed")
        self.assertIn("452", item[3])
        # failed: no more tries by itself
        self.edit_state(item[0], next_attempt=0)
        self.cli("outbox", "flush")
        self.assertEqual(len(server.connections), 2)

    def test_lost_connection_is_temporary(self):
        for step, phrase in (
                ("greeting", r"closed the connection while waiting for the server.s greeting"),
                ("rcpt", r"closed the connection while giving the recipients \(RCPT TO\)"),
                ("mid-data", r"(closed the connection|was lost) while sending the message \(DATA\)")):
            if True:  # no subTest: TapResult reports whole tests only
                server = self.serve({"at": {step: "drop"}})
                if self.created_accounts:
                    self.cli("account", "edit", "work", "--port", str(server.port))
                else:
                    self.account(server)
                # Big enough to be still on its way when the server hangs up.
                proc = self.send("--attach", self.big_file(), expect=EX_TEMPFAIL)
                line = self.error_line(proc)
                self.assertRegex(line, phrase)
                self.assertIn("queued", line)
                item = self.outbox()[-1]
                self.assertEqual(item[1], "queued")
                self.assertEqual(server.messages, [])

    def test_permanent_failure_keeps_reason(self):
        server = self.serve({"at": {"data-end": "554 5.7.1 Message rejected as spam"}})
        self.account(server)
        proc = self.send(expect=EX_UNAVAILABLE)
        line = self.error_line(proc)
        self.assertIn("554 5.7.1 Message rejected as spam", line)
        self.assertIn("failed", line)
        (item,) = self.outbox()
        self.assertEqual(item[1], "failed")
        self.assertIn("Message rejected as spam", item[3])
        self.edit_state(item[0], next_attempt=0)
        self.cli("outbox", "flush")
        self.assertEqual(len(server.connections), 1)

    def test_unknown_after_final_dot(self):
        server = self.serve({"at": {"data-end": "drop"}, "at_connections": 1})
        self.account(server)
        proc = self.send(expect=EX_TEMPFAIL)
        line = self.error_line(proc)
        self.assertIn("unknown", line)
        self.assertIn("without saying whether it accepted it", line)
        (item,) = self.outbox()
        self.assertEqual(item[1], "unknown")
        self.edit_state(item[0], next_attempt=0)
        self.cli("outbox", "flush")
        self.assertEqual(len(server.connections), 1)
        self.assertEqual(self.outbox()[0][1], "unknown")
        self.cli("outbox", "flush", "--resend-unknown")
        self.assertEqual(len(server.messages), 1)
        self.assertEqual(self.outbox(), [])

    def test_resend_unknown_documented(self):
        out = self.cli("outbox", "flush", "--help").out
        self.assertIn("--resend-unknown", out)
        self.assertIn("unknown", out.split("--resend-unknown", 1)[1])


class VerifyTests(FaultTestCase):
    """Every failure of \u201caccount verify\u201d and \u201caccount add --verify\u201d has
    its own message, naming what to do."""

    def verify(self, expect=0, name="work"):
        return self.cli("account", "verify", name, expect=expect)

    def add(self, server, *extra, security="starttls", expect=0, username=USER, ca=True):
        args = ["account", "add", "work", "--address", "%s@example.com" % USER,
                "--host", "localhost", "--port", str(server.port),
                "--security", security, "--timeout", "5", "--password-stdin"]
        if username is not None:
            args += ["--username", username]
        if ca:
            args += ["--ca-file", CERTS["ca"]]
        proc = self.cli(*(args + list(extra)), input=PASSWORD + "\n", expect=expect)
        if proc.returncode == 0:
            self.created_accounts.append("work")
        return proc

    def test_timed_out(self):
        server = self.serve({"at": {"greeting": "silent"}})
        self.account(server, timeout=1)
        line = self.error_line(self.verify(expect=EX_TEMPFAIL))
        self.assertIn("did not answer within 1 second while waiting for the server\u2019s "
                      "greeting", line)
        self.assertIn("--security tls", line)

    def check_certificate(self, cert, reasons, security="tls"):
        # (the server's security and the account's are the same)
        server = self.serve({"security": security}, cert=cert)
        self.add(server, security=security, ca=cert not in ("untrusted", "untrusted2"))
        line = self.error_line(self.verify(expect=EX_UNAVAILABLE))
        self.assertIn("The certificate of localhost:%d is not trusted: " % server.port, line)
        for reason in reasons:
            self.assertIn(reason, line)
        self.assertIn("SHA-256", line)
        self.assertIn("--trust-fingerprint", line)
        self.assertTrue(server.wait_event("closed"))
        self.assertNotIn(b"AUTH", server.sent())
        return line

    def test_certificate_self_signed(self):
        self.check_certificate("untrusted", ["self-signed or issued by an unknown "
                                             "certificate authority"])

    def test_certificate_wrong_host(self):
        self.check_certificate("wrong-host", ["issued for another host name, not "
                                              "\u201clocalhost\u201d"], security="starttls")

    def test_certificate_expired(self):
        self.check_certificate("expired", ["it expired on 2020-01-02"])

    def test_certificate_not_yet_valid(self):
        self.check_certificate("future", ["it is not valid before 2099-01-01"])

    def test_certificate_every_reason(self):
        # From an unknown authority and issued for another name: both are
        # named, though GLib reports one.
        server = self.serve({"security": "tls"}, cert="wrong-host")
        self.add(server, security="tls", ca=False)
        line = self.error_line(self.verify(expect=EX_UNAVAILABLE))
        self.assertIn("self-signed or issued by an unknown certificate authority; it was "
                      "issued for another host name, not \u201clocalhost\u201d", line)

    def test_pinned_certificate_replaced(self):
        pinned = cert_fingerprint(CERTS["untrusted"][0])
        replaced = cert_fingerprint(CERTS["untrusted2"][0])
        server = self.serve({"security": "tls"}, cert="untrusted")
        self.add(server, "--trust-fingerprint", pinned, security="tls", ca=False)
        self.verify()
        # The server now shows another self-signed certificate.
        server.stop()
        other = self.serve({"security": "tls"}, cert="untrusted2")
        self.cli("account", "edit", "work", "--port", str(other.port))
        line = self.error_line(self.verify(expect=EX_UNAVAILABLE))
        self.assertIn("not the one pinned for this account: expected SHA-256 fingerprint "
                      "%s, the server presented %s" % (colons(pinned), colons(replaced)), line)
        self.assertNotIn(b"AUTH", other.sent())

    def test_ca_signed_renewal_with_pin(self):
        # A pin never stands in the way of a certificate the CA vouches
        # for: the server renewed its certificate (another key).
        pinned = cert_fingerprint(CERTS["good"][0])
        server = self.serve({"security": "tls"}, cert="renewed")
        self.add(server, "--trust-fingerprint", pinned, security="tls")
        self.verify()
        self.send()
        self.assertEqual(len(server.messages), 1)

    def test_starttls_not_offered(self):
        server = self.serve({"security": "none"})
        self.add(server, security="starttls")
        line = self.error_line(self.verify(expect=EX_UNAVAILABLE))
        self.assertIn("does not offer STARTTLS, so the connection cannot be encrypted", line)
        self.assertIn("--security tls", line)
        self.assertNotIn(b"AUTH", server.sent())

    def test_no_usable_mechanism(self):
        server = self.serve({"auth_tls": ["GSSAPI", "NTLM"]})
        self.add(server)
        line = self.error_line(self.verify(expect=EX_NOPERM))
        self.assertIn("offers no sign-in method Satchel supports; it offers: GSSAPI NTLM", line)
        self.assertNotIn(b"AUTH", server.sent("tls"))

    def test_wrong_password_quotes_the_server(self):
        server = self.serve({"users": {USER: "another"}})
        self.add(server)
        line = self.error_line(self.verify(expect=EX_NOPERM))
        self.assertIn("refused to sign in \u201calice\u201d (PLAIN): the server said: "
                      "\u201c535 5.7.8 Authentication credentials invalid\u201d", line)
        self.assertIn("Check the user name and password", line)

    def test_app_password_required(self):
        reply = ("534-5.7.9 Application-specific password required. Learn more at\n"
                 "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor")
        server = self.serve({"at": {"auth": reply}})
        proc = self.add(server, "--verify", username=None, expect=EX_NOPERM)
        line = self.error_line(proc)
        self.assertIn("does not accept the usual password of \u201calice@example.com\u201d "
                      "from mail programs: it wants an app password", line)
        self.assertIn("create an app password in its security settings", line)
        self.assertIn("534 5.7.9 Application-specific password required", line)
        # Not a wrong user name: no second try with the local part.
        auth = [l for l in server.command_lines() if l.upper().startswith("AUTH")]
        self.assertEqual(len(auth), 1)
        self.assertEqual(self.cli("account", "list").out, "")
        # Sending says the same, and the message waits for the user.
        self.account(server)
        proc = self.send(expect=EX_NOPERM)
        self.assertIn("app password", self.error_line(proc))
        self.assertEqual(self.outbox()[0][1], "failed")

    def test_local_part_retry_succeeds(self):
        server = self.serve({"auth_tls": ["LOGIN", "PLAIN"]})
        proc = self.add(server, "--verify", username=None)
        self.assertIn("accepted \u201calice\u201d as the user name, not "
                      "\u201calice@example.com\u201d", proc.err)
        auth = [l for l in server.command_lines() if l.upper().startswith("AUTH")]
        self.assertEqual([a.split()[:2] for a in auth], [["AUTH", "PLAIN"], ["AUTH", "PLAIN"]])
        self.assertEqual(len(server.connections), 2)
        self.verify()

    def test_local_part_retry_fails(self):
        server = self.serve({"users": {"someone-else": PASSWORD}})
        proc = self.add(server, "--verify", username=None, expect=EX_NOPERM)
        line = self.error_line(proc)
        self.assertIn("refused to sign in both as \u201calice@example.com\u201d and as "
                      "\u201calice\u201d (PLAIN)", line)
        self.assertIn("535 5.7.8", line)
        self.assertEqual(self.cli("account", "list").out, "")

    def test_no_local_part_retry_when_sending(self):
        server = self.serve()
        self.account(server)
        self.cli("account", "edit", "work", "--username", "%s@example.com" % USER)
        self.send(expect=EX_NOPERM)
        self.assertTrue(server.wait_event("closed"))
        auth = [l for l in server.command_lines() if l.upper().startswith("AUTH")]
        self.assertEqual(len(auth), 1)
        self.assertEqual(len(server.connections), 1)

    def test_tls_older_than_1_2(self):
        server = self.serve({"security": "tls", "tls_max_version": "TLSv1.1"})
        self.add(server, security="tls")
        line = self.error_line(self.verify(expect=EX_UNAVAILABLE))
        # Refused after the handshake, or by the TLS library itself.
        self.assertRegex(line, r"only offers TLSv1\.[01], an outdated and unsafe version of "
                               r"TLS; Satchel needs TLS 1\.2 or newer|may not accept TLS 1\.2 "
                               r"or newer")
        self.assertNotIn(b"AUTH", server.sent())


if __name__ == "__main__":
    main()
