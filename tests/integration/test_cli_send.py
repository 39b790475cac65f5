# test_cli_send.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""satchel-cli send through real aiosmtpd servers; every received message
is read back with Python's email package, an independent parser."""

import base64
import os
import re

from satchel_testlib import (
    EX_DATAERR, EX_TEMPFAIL, EX_UNAVAILABLE, EX_USAGE, PASSWORD,
    SatchelTestCase, Server, free_port, main, parse,
)


class SendTests(SatchelTestCase):
    def setUp(self):
        super().setUp()
        self.server = Server("starttls").__enter__()
        self.add_account("work", self.server)

    def tearDown(self):
        self.server.__exit__(None, None, None)
        super().tearDown()

    def send(self, *args, expect=0, input=None):
        return self.cli("send", "--account", "work", *args, expect=expect, input=input)

    def received(self, index=-1):
        mail_from, rcpts, raw = self.server.messages[index]
        return mail_from, rcpts, raw, parse(raw)

    def write(self, name, data):
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_plain_text(self):
        self.send("--to", "bob@example.com", "--subject", "Hello",
                  "--body", "Just a line.\n.\nA dot line above.\n")
        mail_from, rcpts, raw, msg = self.received()
        self.assertEqual(mail_from, "alice@example.com")
        self.assertEqual(rcpts, ["bob@example.com"])
        self.assertEqual(msg["Subject"], "Hello")
        self.assertEqual(msg["To"], "bob@example.com")
        self.assertEqual(msg["From"].addresses[0].addr_spec, "alice@example.com")
        self.assertEqual(msg["From"].addresses[0].display_name, "Alice Liddell")
        self.assertIsNotNone(msg["Date"])
        self.assertRegex(msg["Message-ID"], r"^<[^@<>]+@example\.com>$")
        self.assertEqual(msg["MIME-Version"], "1.0")
        self.assertTrue(msg["User-Agent"].startswith("Satchel/"))
        self.assertEqual(msg.get_content_type(), "text/plain")
        self.assertEqual(msg.get_content_charset(), "utf-8")
        self.assertEqual(msg.get_content().replace("\r\n", "\n"),
                         "Just a line.\n.\nA dot line above.\n")
        # the message left the outbox for the sent folder
        self.assertEqual(self.outbox(), [])
        self.assertEqual(len(self.files_in("data", "satchel", "sent")), 1)
        for line in raw.split(b"\r\n"):
            self.assertLessEqual(len(line), 998)

    def test_utf8_subject_and_names(self):
        self.send("--to", "张伟 <zhang@example.com>",
                  "--cc", "\"Müller, Jörg\" <joerg@example.com>",
                  "--subject", "季度报告 – Größe ✓",
                  "--body", "你好，世界。\nGrüße\n")
        _, rcpts, raw, msg = self.received()
        self.assertEqual(rcpts, ["zhang@example.com", "joerg@example.com"])
        self.assertEqual(msg["Subject"], "季度报告 – Größe ✓")
        self.assertEqual(msg["To"].addresses[0].display_name, "张伟")
        self.assertEqual(msg["Cc"].addresses[0].display_name, "Müller, Jörg")
        self.assertIn("你好，世界。", msg.get_content())
        # 7-bit on the wire: headers encoded, no raw UTF-8
        self.assertTrue(all(b < 0x80 for b in raw))
        self.assertIn(b"=?", raw.split(b"\r\n\r\n")[0])

    def test_idn_domain(self):
        self.send("--to", "user@bücher.example", "--subject", "idn", "--body", "b")
        _, rcpts, raw, msg = self.received()
        self.assertEqual(rcpts, ["user@xn--bcher-kva.example"])
        self.assertIn(b"xn--bcher-kva.example", raw)

    def test_html_inline_and_attachments(self):
        binary = os.urandom(300_000) + b"\r\n.\r\n\x00\xff" + os.urandom(1000)
        bin_path = self.write("data.bin", binary)
        cn_path = self.write("季度报告 2026.pdf", b"%PDF-1.4\n" + os.urandom(5000))
        empty_path = self.write("empty.txt", b"")
        png = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
        logo_path = self.write("logo.png", png)
        html_path = self.write("body.html",
                               "<p>Hello <b>Bob</b></p><img src=\"cid:logo.png\">".encode())
        self.send("--to", "bob@example.com", "--subject", "Report",
                  "--body", "Hello Bob", "--html-file", html_path,
                  "--inline", logo_path,
                  "--attach", bin_path, "--attach", cn_path, "--attach", empty_path)
        _, _, raw, msg = self.received()

        self.assertEqual(msg.get_content_type(), "multipart/mixed")
        parts = list(msg.iter_parts())
        self.assertEqual(parts[0].get_content_type(), "multipart/related")
        related = list(parts[0].iter_parts())
        self.assertEqual(related[0].get_content_type(), "multipart/alternative")
        alternative = list(related[0].iter_parts())
        self.assertEqual([p.get_content_type() for p in alternative],
                         ["text/plain", "text/html"])
        self.assertIn("Hello Bob", alternative[0].get_content())
        self.assertIn("cid:logo.png", alternative[1].get_content())
        self.assertEqual(related[1]["Content-ID"], "<logo.png>")
        self.assertEqual(related[1].get_content(), png)

        attachments = parts[1:]
        self.assertEqual([a.get_filename() for a in attachments],
                         ["data.bin", "季度报告 2026.pdf", "empty.txt"])
        self.assertEqual(attachments[0].get_content(), binary)
        with open(cn_path, "rb") as f:
            self.assertEqual(attachments[1].get_content(), f.read())
        self.assertEqual(attachments[1].get_content_type(), "application/pdf")
        self.assertEqual(attachments[2].get_payload(decode=True), b"")
        for a in attachments:
            self.assertEqual(a["Content-Transfer-Encoding"], "base64")
        # both forms of the non-ASCII name: RFC 2231 and RFC 2047
        head = raw.decode("ascii")
        self.assertIn("filename*=", head)
        self.assertRegex(head, r'name="=\?(?i:utf-8)\?[BQ]\?')

    def test_to_cc_bcc(self):
        self.send("--to", "to1@example.com, to2@example.com",
                  "--cc", "cc@example.com", "--bcc", "hidden@example.com",
                  "--subject", "Team", "--body", "Hi all")
        _, rcpts, raw, msg = self.received()
        self.assertEqual(sorted(rcpts), ["cc@example.com", "hidden@example.com",
                                         "to1@example.com", "to2@example.com"])
        self.assertIsNone(msg["Bcc"])
        self.assertNotIn(b"hidden@example.com", raw)
        self.assertNotIn(b"\nBcc:", raw)
        self.assertEqual(msg["Cc"], "cc@example.com")

    def test_reply_to_and_header(self):
        self.send("--to", "bob@example.com", "--subject", "s", "--body", "b",
                  "--reply-to", "Team <team@example.com>",
                  "--header", "X-Ticket: 42")
        _, _, _, msg = self.received()
        self.assertEqual(msg["Reply-To"].addresses[0].addr_spec, "team@example.com")
        self.assertEqual(msg["X-Ticket"], "42")

    def test_body_file_stdin(self):
        self.send("--to", "bob@example.com", "--subject", "s", "--body-file", "-",
                  input="from stdin\n")
        self.assertIn("from stdin", self.received()[3].get_content())

    def test_implicit_tls(self):
        with Server("tls") as server:
            self.add_account("tls", server)
            self.cli("send", "--account", "tls", "--to", "bob@example.com",
                     "--subject", "over TLS", "--body", "b")
            self.assertEqual(parse(server.messages[0][2])["Subject"], "over TLS")

    def test_usage_errors(self):
        self.send("--to", "bob@example.com", "--subject", "s", "--body", "b",
                  "--inline", "x.png", expect=EX_USAGE)
        self.send("--subject", "s", "--body", "b", expect=EX_USAGE)
        self.send("--to", "bob@example.com", "--body", "b", expect=EX_USAGE)
        self.send("--to", "bob@example.com", "--subject", "s", "--bogus", expect=EX_USAGE)
        self.assertEqual(self.server.messages, [])

    def test_bad_input(self):
        proc = self.send("--to", "not-an-address", "--subject", "s", "--body", "b",
                         expect=EX_DATAERR)
        self.assertIn("not-an-address", proc.err)
        proc = self.send("--to", "bob@example.com", "--subject", "a\r\nBcc: x@evil.example",
                         "--body", "b", expect=EX_DATAERR)
        proc = self.send("--to", "bob@example.com", "--subject", "s", "--body", "b",
                         "--header", "X-A: b\nBcc: x@evil.example", expect=EX_DATAERR)
        proc = self.send("--to", "bob@example.com", "--subject", "s", "--body", "b",
                         "--attach", self.path("missing.pdf"), expect=EX_DATAERR)
        self.assertIn("missing.pdf", proc.err)
        self.assertEqual(self.server.messages, [])
        self.assertEqual(self.outbox(), [])

    def test_rejected_recipient_sends_nothing(self):
        proc = self.send("--to", "bob@example.com", "--to", "reject-me@example.com",
                         "--subject", "s", "--body", "b", expect=EX_UNAVAILABLE)
        self.assertIn("reject-me@example.com", proc.err)
        self.assertIn("550", proc.err)
        self.assertEqual(self.server.messages, [])
        (item,) = self.outbox()
        self.assertEqual(item[1], "failed")
        self.assertIn("reject-me@example.com", item[3])

    def test_server_down_queues(self):
        port = free_port()
        self.cli("account", "edit", "work", "--port", str(port), "--timeout", "5")
        proc = self.send("--to", "bob@example.com", "--subject", "later", "--body", "b",
                         expect=EX_TEMPFAIL)
        self.assertIn("queued", proc.err)
        (item,) = self.outbox()
        self.assertEqual(item[1:3], ["queued", "later"])
        # --no-queue removes it instead
        self.send("--to", "bob@example.com", "--subject", "gone", "--body", "b",
                  "--no-queue", expect=EX_TEMPFAIL)
        self.assertEqual(len(self.outbox()), 1)

    def test_outbox_file_written_before_traffic(self):
        outbox = self.path("state", "satchel", "outbox")
        port = free_port()
        self.cli("account", "edit", "work", "--port", str(port))
        self.send("--to", "bob@example.com", "--subject", "s", "--body", "b",
                  expect=EX_TEMPFAIL)
        names = self.files_in("state", "satchel", "outbox")
        emls = [n for n in names if n.endswith(".eml")]
        self.assertEqual(len(emls), 1)
        path = os.path.join(outbox, emls[0])
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
        self.assertFalse([n for n in names if n.endswith(".tmp")])

    def test_verbose_redacts_password(self):
        proc = self.send("--to", "bob@example.com", "--subject", "s", "--body", "b",
                         "--verbose")
        self.assertIn("EHLO", proc.err)
        self.assertIn("redacted", proc.err)
        self.assertNotIn(PASSWORD, proc.err)
        plain = base64.b64encode(b"\0alice\0" + PASSWORD.encode()).decode()
        self.assertNotIn(plain, proc.err)
        self.assertNotIn(base64.b64encode(PASSWORD.encode()).decode(), proc.err)


if __name__ == "__main__":
    main()
