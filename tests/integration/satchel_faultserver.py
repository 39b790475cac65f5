#!/usr/bin/python3
# satchel_faultserver.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""A scripted SMTP server that misbehaves on purpose (stdlib only).

aiosmtpd is a well-behaved server; this one does what a hostile server or
a broken network does, when told, at a named step of the session, and
records every byte the client sent, marked as sent in clear or inside TLS.

Steps (keys of the script's "at"):
  greeting, tls-handshake, ehlo, helo, starttls, auth, mail, rcpt, data,
  mid-data (after "mid_data_bytes" of message content), data-end (after
  the final dot, before the reply), rset, quit
Actions:
  "NNN text"  answer this instead (a multi-line reply: lines joined by \\n)
  "drop"      close the connection at once
  "silent"    never answer again, but keep reading and recording
  "pause"     stop reading too (the client's writes then block)
  "endless"   answer with a multi-line reply that never ends
  "huge"      answer with one reply line of "huge_size" bytes

Script keys (all optional; see DEFAULTS):
  security        "starttls" (offer it), "none" (do not), "tls" (implicit)
  cert, key       PEM files presented in TLS (make_certs() makes some)
  tls_max_version the newest TLS version offered ("TLSv1.1": an outdated
                  server; older versions and ciphers are then allowed)
  greeting        the greeting's text after "220 "
  auth_clear      AUTH mechanisms announced before TLS (PLAIN LOGIN CRAM-MD5)
  auth_tls        AUTH mechanisms announced after TLS
  extensions      other EHLO lines (SIZE, PIPELINING, ...)
  extensions_tls  the same after TLS (None: as before)
  users           {"user": "password"}
  starttls_inject text sent in the same packet as the STARTTLS 220
  rcpt_reject     {"address": "550 5.1.1 text"}
  at              {step: action}
  at_connections  apply "at" to the first N connections only (0: all)
  delay           seconds to wait before each reply
  huge_size       bytes of a "huge" reply line
  mid_data_bytes  message bytes to receive before the "mid-data" action

In a test:  with FaultServer({"at": {"mail": "451 4.3.0 later"}}) as s: ...
Standalone: satchel_faultserver.py --script JSON|FILE [--port 0]
            [--save-dir DIR]; prints the port on its first line, then one
            line per event ("EVENT data-end 1"); stops on SIGTERM/SIGINT.
            --make-certs DIR prints the certificates it made as JSON.
"""

import argparse
import base64
import copy
import hashlib
import hmac
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

DEFAULTS = {
    "security": "starttls",
    "cert": None,
    "key": None,
    "tls_max_version": None,
    "greeting": "fault.test ESMTP scripted faults",
    "auth_clear": ["PLAIN", "LOGIN"],
    "auth_tls": ["PLAIN", "LOGIN"],
    "extensions": ["PIPELINING", "SIZE 104857600", "8BITMIME",
                   "ENHANCEDSTATUSCODES"],
    "extensions_tls": None,
    "users": {},
    "starttls_inject": None,
    "rcpt_reject": {},
    "at": {},
    "at_connections": 0,
    "delay": 0,
    "huge_size": 5 * 1024 * 1024,
    "mid_data_bytes": 64 * 1024,
}

STEPS = ("greeting", "tls-handshake", "ehlo", "helo", "starttls", "auth",
         "mail", "rcpt", "data", "mid-data", "data-end", "rset", "quit")


class Closed(Exception):
    """The session is over (the client left, or the script said drop)."""


class Connection:
    """What one client did: every byte it sent, phase by phase."""

    def __init__(self, number):
        self.number = number
        self.chunks = []       # (phase, bytes): phase is "clear" or "tls"
        self.commands = []     # (phase, line) outside DATA content
        self.tls = False
        self.handshake_error = None
        self.closed = threading.Event()

    def sent(self, phase=None):
        """Every byte the client sent (in @phase only, if given)."""
        return b"".join(c for p, c in self.chunks if phase is None or p == phase)

    def command_lines(self, phase=None):
        return [l for p, l in self.commands if phase is None or p == phase]


class FaultServer:
    def __init__(self, script=None, host="127.0.0.1", port=0, save_dir=None,
                 on_event=None):
        self.script = dict(copy.deepcopy(DEFAULTS))
        self.script.update(script or {})
        unknown = set(self.script["at"]) - set(STEPS)
        if unknown:
            raise ValueError("unknown steps: %s" % ", ".join(sorted(unknown)))
        self.save_dir = save_dir
        self.on_event = on_event
        self.listener = socket.create_server((host, port))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        self.messages = []     # (mail_from, [rcpt], content) accepted ones
        self.events = []       # (name, connection number)
        self.lock = threading.Condition()
        self.stopping = threading.Event()
        self.threads = []
        self.sockets = []

    # control -----------------------------------------------------------

    def start(self):
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self.threads.append(thread)
        return self

    def stop(self):
        self.stopping.set()
        try:
            self.listener.close()
        except OSError:
            pass
        with self.lock:
            sockets = list(self.sockets)
        for s in sockets:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.close()
            except OSError:
                pass
        for t in self.threads:
            t.join(10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def wait_event(self, name, timeout=30, count=1):
        """Waits until @name happened @count times; False on time-out."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while sum(1 for e in self.events if e[0] == name) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)
        return True

    def sent(self, phase=None):
        """Every byte of every connection (in @phase only, if given)."""
        with self.lock:
            return b"".join(c.sent(phase) for c in self.connections)

    def command_lines(self, phase=None):
        with self.lock:
            return [l for c in self.connections for l in c.command_lines(phase)]

    # internals ---------------------------------------------------------

    def _event(self, name, conn):
        with self.lock:
            self.events.append((name, conn.number))
            self.lock.notify_all()
        if self.on_event is not None:
            self.on_event(name, conn.number)

    def _accept_loop(self):
        # close() does not wake a thread blocked in accept(): poll.
        self.listener.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with self.lock:
                conn = Connection(len(self.connections) + 1)
                self.connections.append(conn)
                self.sockets.append(sock)
            thread = threading.Thread(target=self._serve, args=(sock, conn),
                                      daemon=True)
            thread.start()
            self.threads.append(thread)

    def _serve(self, sock, conn):
        session = Session(self, sock, conn)
        self._event("connect", conn)
        try:
            session.run()
        except (Closed, OSError, ssl.SSLError):
            pass
        finally:
            session.close()
            conn.closed.set()
            self._save_connection(conn)
            self._event("closed", conn)

    def _accept_message(self, conn, mail_from, rcpts, content):
        with self.lock:
            self.messages.append((mail_from, list(rcpts), content))
            number = len(self.messages)
        if self.save_dir:
            path = os.path.join(self.save_dir, "message-%d.eml" % number)
            with open(path + ".tmp", "wb") as f:
                f.write(content)
            os.rename(path + ".tmp", path)
        self._event("message", conn)
        return number

    def _save_connection(self, conn):
        if not self.save_dir:
            return
        for phase in ("clear", "tls"):
            path = os.path.join(self.save_dir, "conn-%d.%s" % (conn.number, phase))
            with open(path, "wb") as f:
                f.write(conn.sent(phase))


class Session:
    """One SMTP session, played by the script."""

    def __init__(self, server, sock, conn):
        self.server = server
        self.script = server.script
        self.sock = sock
        self.raw = sock
        self.conn = conn
        self.buffer = b""
        self.phase = "clear"
        self.mail_from = None
        self.rcpts = []
        self.authenticated = False
        limit = self.script["at_connections"]
        self.faults = self.script["at"] if not limit or conn.number <= limit else {}
        sock.settimeout(120)

    def close(self):
        for s in (self.sock, self.raw):
            try:
                s.close()
            except OSError:
                pass

    # bytes ---------------------------------------------------------------

    def _recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise Closed()
        with self.server.lock:
            self.conn.chunks.append((self.phase, data))
        return data

    def read_line(self):
        while b"\n" not in self.buffer:
            if len(self.buffer) > 1024 * 1024:
                raise Closed()
            self.buffer += self._recv()
        line, _, self.buffer = self.buffer.partition(b"\n")
        line = line.rstrip(b"\r").decode("utf-8", "replace")
        with self.server.lock:
            self.conn.commands.append((self.phase, line))
        return line

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def reply(self, text):
        if self.script["delay"]:
            time.sleep(self.script["delay"])
        lines = text.split("\n")
        self.send("".join(l + "\r\n" for l in lines))

    def drain(self):
        """Silent: go on recording what the client sends, answer nothing."""
        while not self.server.stopping.is_set():
            self._recv()
        raise Closed()

    def act(self, step, normal):
        """Answers @normal at @step unless the script says otherwise."""
        action = self.faults.get(step)
        if action is None:
            self.reply(normal)
            return True
        if action == "drop":
            self.server._event("drop-" + step, self.conn)
            raise Closed()
        if action == "silent":
            self.server._event("silent-" + step, self.conn)
            self.drain()
        if action == "pause":
            self.server._event("pause-" + step, self.conn)
            self.server.stopping.wait()
            raise Closed()
        if action == "endless":
            self.server._event("endless-" + step, self.conn)
            code = (normal or "250")[:3]
            n = 0
            while True:
                self.send("".join("%s-endless line %d\r\n" % (code, n + i)
                                  for i in range(100)))
                n += 100
        if action == "huge":
            self.server._event("huge-" + step, self.conn)
            self.send((normal or "250")[:3] + " " + "x" * self.script["huge_size"] + "\r\n")
            self.drain()
        self.reply(action)
        return action.startswith("2") or action.startswith("3")

    # TLS ---------------------------------------------------------------

    def start_tls(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert = self.script["cert"] or os.environ.get("SATCHEL_TEST_CERT")
        key = self.script["key"] or os.environ.get("SATCHEL_TEST_KEY")
        ctx.load_cert_chain(cert, key)
        if self.script["tls_max_version"]:
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = getattr(ssl.TLSVersion,
                                          self.script["tls_max_version"].replace(".", "_"))
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        action = self.faults.get("tls-handshake")
        if action == "drop":
            self.server._event("drop-tls-handshake", self.conn)
            raise Closed()
        if action in ("silent", "pause"):
            self.server._event("silent-tls-handshake", self.conn)
            self.drain()
        try:
            self.sock = ctx.wrap_socket(self.raw, server_side=True)
        except (ssl.SSLError, OSError) as e:
            self.conn.handshake_error = str(e)
            self.server._event("handshake-failed", self.conn)
            raise Closed()
        self.phase = "tls"
        self.conn.tls = True
        self.server._event("tls", self.conn)

    # the session ---------------------------------------------------------

    def ehlo_lines(self):
        lines = ["fault.test greets you"]
        extensions = self.script["extensions_tls"] if self.conn.tls else None
        lines += extensions if extensions is not None else self.script["extensions"]
        auth = self.script["auth_tls"] if self.conn.tls else self.script["auth_clear"]
        if auth:
            lines.append("AUTH " + " ".join(auth))
        if self.script["security"] == "starttls" and not self.conn.tls:
            lines.append("STARTTLS")
        return "\n".join(("250-" if i < len(lines) - 1 else "250 ") + l
                         for i, l in enumerate(lines))

    def run(self):
        if self.script["security"] == "tls":
            self.start_tls()
        if not self.act("greeting", "220 " + self.script["greeting"]):
            # A refusing greeting: the client may still say QUIT.
            pass
        while True:
            line = self.read_line()
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            handler = getattr(self, "do_" + verb, None)
            if handler is None:
                self.reply("500 5.5.2 Command not recognised")
                continue
            handler(arg)

    def do_EHLO(self, arg):
        self.act("ehlo", self.ehlo_lines())

    def do_HELO(self, arg):
        self.act("helo", "250 fault.test")

    def do_STARTTLS(self, arg):
        if self.script["security"] != "starttls" or self.conn.tls:
            self.reply("502 5.5.1 STARTTLS not offered")
            return
        inject = self.script["starttls_inject"]
        if inject is not None and "starttls" not in self.faults:
            self.server._event("inject", self.conn)
            # One write: the 220 and the injected bytes in the same packet.
            self.send(b"220 2.0.0 Ready to start TLS\r\n" + inject.encode("latin-1"))
            self.drain()
        if self.act("starttls", "220 2.0.0 Ready to start TLS"):
            if self.buffer:
                # The client did not wait for our 220 (pipelined after it).
                raise Closed()
            self.start_tls()

    def check_password(self, user, password):
        users = self.script["users"]
        return user in users and users[user] == password

    def do_AUTH(self, arg):
        parts = arg.split()
        mech = parts[0].upper() if parts else ""
        offered = self.script["auth_tls"] if self.conn.tls else self.script["auth_clear"]
        if self.faults.get("auth") is not None:
            if mech in ("PLAIN", "LOGIN", "CRAM-MD5") and len(parts) == 1:
                # Read the client's first answer before refusing.
                self.reply("334 " if mech == "PLAIN" else
                           "334 VXNlcm5hbWU6" if mech == "LOGIN" else
                           "334 " + base64.b64encode(b"<1.1@fault.test>").decode())
                self.read_line()
            self.act("auth", "235 2.7.0 Authentication successful")
            return
        if mech not in offered:
            self.reply("504 5.5.4 Mechanism not offered")
            return
        try:
            if mech == "PLAIN":
                data = parts[1] if len(parts) > 1 else self.challenge("")
                fields = base64.b64decode(data).split(b"\0")
                ok = len(fields) == 3 and self.check_password(
                    fields[1].decode(), fields[2].decode())
            elif mech == "LOGIN":
                user = (base64.b64decode(parts[1]) if len(parts) > 1 else
                        base64.b64decode(self.challenge("VXNlcm5hbWU6")))
                password = base64.b64decode(self.challenge("UGFzc3dvcmQ6"))
                ok = self.check_password(user.decode(), password.decode())
            elif mech == "CRAM-MD5":
                nonce = b"<%d.%d@fault.test>" % (os.getpid(), self.conn.number)
                answer = base64.b64decode(
                    self.challenge(base64.b64encode(nonce).decode())).decode()
                user, _, digest = answer.rpartition(" ")
                password = self.script["users"].get(user)
                ok = password is not None and hmac.compare_digest(
                    digest, hmac.new(password.encode(), nonce, hashlib.md5).hexdigest())
            else:
                ok = False
        except AuthCancelled:
            self.reply("501 5.7.0 Authentication cancelled")
            return
        except (ValueError, UnicodeDecodeError):
            ok = False
        if ok:
            self.authenticated = True
            self.reply("235 2.7.0 Authentication successful")
        else:
            self.reply("535 5.7.8 Authentication credentials invalid")

    def challenge(self, text):
        self.reply("334 " + text)
        line = self.read_line()
        if line == "*":
            raise AuthCancelled()
        return line

    def do_MAIL(self, arg):
        self.mail_from = arg.partition("<")[2].partition(">")[0]
        self.rcpts = []
        self.act("mail", "250 2.1.0 Sender OK")

    def do_RCPT(self, arg):
        address = arg.partition("<")[2].partition(">")[0]
        rejection = self.script["rcpt_reject"].get(address.lower())
        if rejection is not None:
            self.reply(rejection)
            return
        if self.act("rcpt", "250 2.1.5 Recipient OK"):
            self.rcpts.append(address)

    def do_DATA(self, arg):
        if not self.rcpts:
            self.reply("554 5.5.1 No valid recipients")
            return
        if not self.act("data", "354 End data with <CR><LF>.<CR><LF>"):
            return
        content = self.read_content()
        self.server._event("data-end", self.conn)
        action = self.faults.get("data-end")
        if action is None or action.startswith("2"):
            number = self.server._accept_message(self.conn, self.mail_from,
                                                 self.rcpts, content)
            self.act("data-end", "250 2.0.0 Ok: queued as %d" % number)
        else:
            self.act("data-end", "250 2.0.0 Ok")
        self.mail_from, self.rcpts = None, []

    def read_content(self):
        data = bytearray(self.buffer)
        self.buffer = b""
        mid_done = False
        searched = 0
        while True:
            if data.startswith(b".\r\n"):
                end = 0
                break
            end = data.find(b"\r\n.\r\n", max(0, searched - 4))
            if end >= 0:
                end += 2
                break
            searched = len(data)
            if not mid_done and "mid-data" in self.faults and \
                    len(data) >= self.script["mid_data_bytes"]:
                mid_done = True
                self.act("mid-data", None)
            data += self._recv()
        self.buffer = bytes(data[end + 3:])
        lines = bytes(data[:end]).split(b"\r\n")
        return b"\r\n".join(l[1:] if l.startswith(b".") else l for l in lines)

    def do_RSET(self, arg):
        self.mail_from, self.rcpts = None, []
        self.act("rset", "250 2.0.0 Reset")

    def do_NOOP(self, arg):
        self.reply("250 2.0.0 OK")

    def do_QUIT(self, arg):
        self.act("quit", "221 2.0.0 Bye")
        raise Closed()


class AuthCancelled(Exception):
    pass


# certificates ------------------------------------------------------------

def _openssl(*args, cwd=None):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_certs(folder):
    """Makes, with the openssl command, in @folder: a CA ("ca"); and as
    (cert, key) pairs: "good" (CA-signed, localhost), "renewed" (the
    same, another key: a CA-signed renewal), "wrong-host" (CA-signed,
    another name), "expired" (CA-signed, localhost, valid only in 2020),
    "future" (CA-signed, localhost, valid only in 2099), "wildcard"
    (CA-signed, *.example.test), "untrusted" and "untrusted2" (two
    self-signed ones for localhost)."""
    os.makedirs(folder, exist_ok=True)
    p = lambda name: os.path.join(folder, name)
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
             "-subj", "/CN=Satchel Fault Test CA", "-keyout", p("ca.key"),
             "-out", p("ca.pem"),
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    for name in ("untrusted", "untrusted2"):
        _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
                 "-subj", "/CN=localhost", "-keyout", p(name + ".key"),
                 "-out", p(name + ".pem"),
                 "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
    with open(p("index.txt"), "w"):
        pass
    with open(p("serial"), "w") as f:
        f.write("1000\n")
    with open(p("ca.cnf"), "w") as f:
        f.write("""[ca]
default_ca = fault_ca
[fault_ca]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
x509_extensions = server_ext
[anything]
commonName = supplied
[server_ext]
basicConstraints = CA:FALSE
extendedKeyUsage = serverAuth
""".format(dir=folder))
    made = {"ca": p("ca.pem")}
    for name, cn, dates in (
            ("good", "localhost", ("-days", "3650")),
            ("renewed", "localhost", ("-days", "3650")),
            ("wrong-host", "wrong.example", ("-days", "3650")),
            ("expired", "localhost",
             ("-startdate", "20200101000000Z", "-enddate", "20200102000000Z")),
            ("future", "localhost",
             ("-startdate", "20990101000000Z", "-enddate", "20991231000000Z")),
            ("wildcard", "*.example.test", ("-days", "3650"))):
        san = "DNS:%s" % cn + (",IP:127.0.0.1" if cn == "localhost" else "")
        _openssl("req", "-new", "-newkey", "rsa:2048", "-nodes",
                 "-subj", "/CN=" + cn, "-keyout", p(name + ".key"),
                 "-out", p(name + ".csr"), "-addext", "subjectAltName=" + san)
        _openssl("ca", "-batch", "-config", p("ca.cnf"), "-cert", p("ca.pem"),
                 "-keyfile", p("ca.key"), "-in", p(name + ".csr"),
                 "-out", p(name + ".pem"), "-notext", *dates)
        made[name] = (p(name + ".pem"), p(name + ".key"))
    for name in ("untrusted", "untrusted2"):
        made[name] = (p(name + ".pem"), p(name + ".key"))
    return made


# standalone ---------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--script", default="{}",
                        help="the script: JSON text, or a file holding it")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--save-dir",
                        help="write accepted messages and each connection's bytes here")
    parser.add_argument("--make-certs", metavar="DIR",
                        help="make test certificates in DIR, print them, exit")
    args = parser.parse_args(argv)

    if args.make_certs:
        print(json.dumps(make_certs(os.path.abspath(args.make_certs))))
        return 0

    text = args.script
    if not text.lstrip().startswith("{"):
        with open(text) as f:
            text = f.read()

    def on_event(name, number):
        # A caller that read the port and closed the pipe still gets
        # served: events are then not printed.
        try:
            print("EVENT %s %d" % (name, number), flush=True)
        except (BrokenPipeError, ValueError):
            pass

    server = FaultServer(json.loads(text), host=args.host, port=args.port,
                         save_dir=args.save_dir, on_event=on_event)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    # A test that dies (a failed assertion aborts a C test) leaves no
    # server behind holding its output open: when the parent goes, the
    # server is reparented, and stops.
    parent = os.getppid()
    server.start()
    print(server.port, flush=True)
    while not done.wait(1) and os.getppid() == parent:
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
