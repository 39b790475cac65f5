#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks satchel-sink and measures how fast it swallows DATA.

    bench/test-sink.py PATH/TO/satchel-sink [--big MB]

Correctness: smtplib with AUTH PLAIN and LOGIN, dot-stuffing, a pipelined
envelope, the end of data split across reads byte by byte, replies
delayed with --delay, wrong credentials. Speed: one message of --big MB
(default 200) through smtplib, then the same through a raw socket that
sends 1 MiB blocks (the sink's own ceiling, with no client in the way).
Not part of build-aux/test: it moves hundreds of MB.
"""

import base64
import hashlib
import os
import smtplib
import socket
import subprocess
import sys
import tempfile
import time


def start_sink(sink, tmp, *args):
    port_file = os.path.join(tmp, "port")
    log = os.path.join(tmp, "sink.log")
    for path in (port_file, log):
        if os.path.exists(path):
            os.unlink(path)
    proc = subprocess.Popen([sink, "-P", port_file, "-l", log, *args])
    for _ in range(200):
        if os.path.exists(port_file):
            break
        time.sleep(0.01)
    with open(port_file) as f:
        return proc, int(f.read()), log


def stop_sink(proc):
    proc.terminate()
    proc.wait()


def log_records(log, kind="message"):
    time.sleep(0.05)  # the child writes its line after its reply
    records = []
    with open(log) as f:
        for line in f:
            words = line.split()
            if words and words[0] == kind:
                records.append(dict(w.split("=", 1) for w in words[1:]))
    return records


def check(condition, what):
    if not condition:
        print("FAIL:", what)
        sys.exit(1)
    print("ok  ", what)


class Raw:
    """A bare client: the test decides exactly which bytes go in which write."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def reply(self):
        lines = []
        while True:
            line = self.file.readline().decode()
            lines.append(line.rstrip("\r\n"))
            if line[3:4] != "-":
                return int(line[:3]), lines

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        self.file.close()
        self.sock.close()


def wire_form(message):
    """The content the sink should log: CRLF lines, ending in CRLF."""
    message = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not message.endswith(b"\r\n"):
        message += b"\r\n"
    return message


def stuff(content):
    lines = content.split(b"\r\n")
    return b"\r\n".join(b"." + l if l.startswith(b".") else l for l in lines)


def test_correctness(sink, tmp):
    save = os.path.join(tmp, "saved")
    os.makedirs(save, exist_ok=True)
    proc, port, log = start_sink(sink, tmp, "-u", "bench:secret", "-r",
                                 "-x", "-w", save)
    try:
        message = (b"From: a@example.org\r\nTo: b@example.org\r\n"
                   b"Subject: dots\r\n\r\n.starts with a dot\r\n"
                   b"..two dots\r\n.\r\nmiddle\r\n. \r\nend")
        for mech in ("PLAIN", "LOGIN"):
            with smtplib.SMTP("127.0.0.1", port) as s:
                s.ehlo()
                check("pipelining" in s.esmtp_features, "EHLO offers PIPELINING")
                check(s.esmtp_features.get("auth", "").split() == ["PLAIN", "LOGIN"],
                      "EHLO offers AUTH PLAIN LOGIN")
                s.user, s.password = "bench", "secret"
                code, _ = s.auth(mech, getattr(s, "auth_" + mech.lower()))
                check(code == 235, f"AUTH {mech} accepted")
                s.sendmail("a@example.org", ["b@example.org", "c@example.org"],
                           message)
        records = log_records(log)
        expected = wire_form(message)
        check(len(records) == 2, "two messages logged")
        check(all(int(r["bytes"]) == len(expected) for r in records),
              "byte count after dot-unstuffing")
        check(all(r["sha256"] == hashlib.sha256(expected).hexdigest()
                  for r in records), "SHA-256 of the content")
        check(int(records[0]["wire"]) == len(stuff(expected)) + 3,
              "wire count includes stuffing and the final dot")
        check(records[0]["rcpts"] == "2", "two recipients counted")
        with open(os.path.join(save, "conn1-msg1.eml"), "rb") as f:
            check(f.read() == expected, "saved message equals the content")

        with smtplib.SMTP("127.0.0.1", port) as s:
            s.ehlo()
            code, _ = s.docmd("MAIL FROM:<a@example.org>")
            check(code == 530, "MAIL refused before AUTH with --require-auth")
            try:
                s.login("bench", "wrong")
                check(False, "wrong password refused")
            except smtplib.SMTPAuthenticationError as e:
                check(e.smtp_code == 535, "wrong password refused with 535")

        # Pipelined envelope in one write; then the end of data split
        # across reads, one byte at a time; then a second message in the
        # same connection, with the whole transaction and QUIT in one write.
        r = Raw(port)
        check(r.reply()[0] == 220, "greeting")
        r.send(b"EHLO raw\r\nAUTH PLAIN " +
               base64.b64encode(b"\0bench\0secret") + b"\r\n")
        check(r.reply()[0] == 250 and r.reply()[0] == 235,
              "EHLO and AUTH pipelined")
        r.send(b"MAIL FROM:<x@example.org> SIZE=1234\r\n"
               b"RCPT TO:<y@example.org>\r\nRCPT TO:<z@example.org>\r\nDATA\r\n")
        codes = [r.reply()[0] for _ in range(4)]
        check(codes == [250, 250, 250, 354], f"pipelined envelope {codes}")
        body = b"Subject: split\r\n\r\nline\r\n..dot\r\n"
        for i in range(len(body)):
            r.send(body[i:i + 1])
            time.sleep(0.0005)
        for b in b".\r\n":
            time.sleep(0.01)
            r.send(bytes([b]))
        check(r.reply()[0] == 250, "end of data found across reads")
        second = b"Subject: again\r\n\r\nshort\r\n"
        r.send(b"MAIL FROM:<x@example.org>\r\nRCPT TO:<y@example.org>\r\n"
               b"DATA\r\n" + second + b".\r\nQUIT\r\n")
        codes = [r.reply()[0] for _ in range(5)]
        check(codes == [250, 250, 354, 250, 221],
              f"transaction and QUIT in one write {codes}")
        r.close()
        records = log_records(log)
        check(records[-2]["sha256"] == hashlib.sha256(
            body.replace(b"..", b".")).hexdigest(), "split message content")
        check(records[-2]["size_param"] == "1234", "SIZE= parameter logged")
        check(records[-1]["sha256"] == hashlib.sha256(second).hexdigest(),
              "second message content")

        # An empty message: "." right after DATA.
        r = Raw(port)
        r.reply()
        r.send(b"EHLO raw\r\nAUTH PLAIN " +
               base64.b64encode(b"\0bench\0secret") + b"\r\n"
               b"MAIL FROM:<>\r\nRCPT TO:<y@example.org>\r\nDATA\r\n")
        codes = [r.reply()[0] for _ in range(5)]
        r.send(b".\r\nQUIT\r\n")
        codes += [r.reply()[0] for _ in range(2)]
        check(codes == [250, 235, 250, 250, 354, 250, 221],
              f"empty message {codes}")
        r.close()
        check(log_records(log)[-1]["bytes"] == "0", "empty message has 0 bytes")
    finally:
        stop_sink(proc)

    # --delay: replies to pipelined commands overlap.
    proc, port, log = start_sink(sink, tmp, "-d", "20")
    try:
        r = Raw(port)
        r.reply()
        r.send(b"EHLO raw\r\n")
        r.reply()
        start = time.monotonic()
        r.send(b"MAIL FROM:<x@example.org>\r\n" +
               b"".join(b"RCPT TO:<r%d@example.org>\r\n" % i for i in range(500)))
        codes = [r.reply()[0] for _ in range(501)]
        elapsed = time.monotonic() - start
        check(codes == [250] * 501, "500 pipelined recipients accepted")
        check(0.019 < elapsed < 0.2,
              f"501 delayed replies overlap: {elapsed * 1000:.0f} ms")
        start = time.monotonic()
        r.send(b"NOOP\r\n")
        r.reply()
        r.send(b"NOOP\r\n")
        r.reply()
        elapsed = time.monotonic() - start
        check(0.039 < elapsed < 0.1,
              f"two sequential commands take two delays: {elapsed * 1000:.0f} ms")
        r.close()
    finally:
        stop_sink(proc)


def big_body(mb):
    """A base64 body like an attachment's, as 76-column CRLF lines."""
    block = base64.encodebytes(os.urandom(57 * 1024 * 16)).replace(b"\n", b"\r\n")
    count = max(1, mb * 1000 * 1000 // len(block))
    return block, count


def test_speed(sink, tmp, mb):
    proc, port, log = start_sink(sink, tmp, "-a")
    try:
        block, count = big_body(mb)
        head = b"Subject: big\r\n\r\n"
        size = len(head) + len(block) * count
        print(f"\n{size / 1e6:.0f} MB message")

        message = head + block * count
        start = time.monotonic()
        with smtplib.SMTP("127.0.0.1", port) as s:
            s.login("any", "thing")
            s.sendmail("a@example.org", ["b@example.org"], message)
        elapsed = time.monotonic() - start
        del message
        rec = log_records(log)[-1]
        check(int(rec["bytes"]) == size, "smtplib: all bytes arrived")
        print(f"     smtplib client: {elapsed:.2f} s, {size / elapsed / 1e6:.0f} MB/s"
              f" (sink saw {rec['MB/s']} MB/s between DATA and the dot)")

        r = Raw(port)
        r.reply()
        r.send(b"EHLO raw\r\nMAIL FROM:<a@example.org>\r\n"
               b"RCPT TO:<b@example.org>\r\nDATA\r\n")
        codes = [r.reply()[0] for _ in range(4)]
        # 1 MiB writes of the same bytes: the client costs nothing.
        chunk = memoryview((block * (1024 * 1024 // len(block) + 1))[:1024 * 1024])
        nchunks = size // len(chunk)
        start = time.monotonic()
        r.send(head)
        for _ in range(nchunks):
            r.send(chunk)
        r.send(b"\r\n.\r\n")
        code = r.reply()[0]
        elapsed = time.monotonic() - start
        r.send(b"QUIT\r\n")
        r.close()
        total = len(head) + nchunks * len(chunk) + 2
        check(codes == [250, 250, 250, 354] and code == 250, "raw client accepted")
        rec = log_records(log)[-1]
        check(int(rec["bytes"]) == total, "raw: all bytes arrived")
        print(f"     raw 1 MiB writes: {elapsed:.2f} s, {total / elapsed / 1e6:.0f} MB/s")
    finally:
        stop_sink(proc)


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sink = os.path.abspath(sys.argv[1])
    mb = 200
    if "--big" in sys.argv:
        mb = int(sys.argv[sys.argv.index("--big") + 1])
    with tempfile.TemporaryDirectory() as tmp:
        test_correctness(sink, tmp)
        if mb > 0:
            test_speed(sink, tmp, mb)


if __name__ == "__main__":
    main()
