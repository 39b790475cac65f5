# satchel_testlib.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared pieces of the integration tests: real aiosmtpd servers on
loopback, a fresh XDG home per test, satchel-cli in a subprocess, the
real gnome-keyring of the session bus (build-aux/headless provides it),
and TAP output for meson."""

import email
import email.policy
import hashlib
import os
import pty
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import termios
import threading
import time
import traceback
import unittest

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

CLI = os.environ.get("SATCHEL_CLI", "satchel-cli")
CERT = os.environ.get("SATCHEL_TEST_CERT")
KEY = os.environ.get("SATCHEL_TEST_KEY")

USER = "alice"
PASSWORD = "p4ss-wörd with spaces"

# sysexits of CLI.md
EX_USAGE, EX_DATAERR, EX_UNAVAILABLE = 64, 65, 69
EX_TEMPFAIL, EX_NOPERM, EX_CONFIG = 75, 77, 78


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cert_fingerprint(path=None):
    with open(path or CERT) as f:
        der = ssl.PEM_cert_to_DER_cert(f.read())
    return hashlib.sha256(der).hexdigest()


class Recorder:
    """An aiosmtpd handler that keeps what arrives and what was tried."""

    def __init__(self, reject_prefix="reject"):
        self.messages = []  # (mail_from, rcpt_tos, raw bytes)
        self.mail_commands = 0
        # Not "auth_…": aiosmtpd would take it for an AUTH mechanism.
        # Not named auth_…: aiosmtpd takes such attributes for mechanisms.
        self.tried_logins = []  # (mechanism, login)
        self.reject_prefix = reject_prefix
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.mail_commands += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower().startswith(self.reject_prefix):
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 2.0.0 Ok: queued"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        login = password = None
        if isinstance(auth_data, LoginPassword):
            login = auth_data.login.decode()
            password = auth_data.password.decode()
        with self.lock:
            self.tried_logins.append((mechanism, login))
        # handled=False: aiosmtpd then answers 535 itself on failure.
        return AuthResult(success=(login == USER and password == PASSWORD),
                          handled=False)


def server_tls_context():
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(CERT, KEY)
    return ctx


class Server:
    """One aiosmtpd server on 127.0.0.1 in its own thread.

    kind: "starttls" (STARTTLS and AUTH required), "tls" (implicit TLS,
    AUTH required), "plain-auth" (no TLS, AUTH offered in clear),
    "plain" (no TLS, no AUTH)."""

    def __init__(self, kind="starttls", port=None):
        self.kind = kind
        self.recorder = Recorder()
        self.port = port or free_port()
        kwargs = dict(
            hostname="127.0.0.1",
            port=self.port,
            data_size_limit=256 * 1024 * 1024,
            enable_SMTPUTF8=True,
        )
        if kind == "starttls":
            kwargs.update(
                tls_context=server_tls_context(),
                require_starttls=True,
                auth_required=True,
                auth_require_tls=True,
                authenticator=self.recorder.authenticate,
            )
        elif kind == "tls":
            # aiosmtpd does not see implicit TLS: relax auth_require_tls.
            kwargs.update(
                ssl_context=server_tls_context(),
                auth_required=True,
                auth_require_tls=False,
                authenticator=self.recorder.authenticate,
            )
        elif kind == "plain-auth":
            kwargs.update(
                auth_required=True,
                auth_require_tls=False,
                authenticator=self.recorder.authenticate,
            )
        elif kind == "plain":
            pass
        else:
            raise ValueError(kind)
        self.controller = Controller(self.recorder, **kwargs)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def messages(self):
        return self.recorder.messages


class SatchelTestCase(unittest.TestCase):
    """Each test gets its own XDG folders; the keyring is the session's."""

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="satchel-it-")
        self.env = dict(os.environ)
        for name in ("CONFIG", "DATA", "STATE", "CACHE"):
            path = os.path.join(self.home, name.lower())
            os.mkdir(path)
            self.env["XDG_%s_HOME" % name] = path
        self.env["G_DEBUG"] = "fatal-criticals"
        self.env["LC_ALL"] = "C.UTF-8"
        # Certificate dates are shown as local days.
        self.env["TZ"] = "UTC"
        # Loopback needs no proxy, and GIO's GNOME one wants GSettings.
        self.env["GIO_USE_PROXY_RESOLVER"] = "dummy"
        self.env.pop("LANGUAGE", None)
        self.env.pop("SATCHEL_TEST_AUTOCONFIG", None)
        self.created_accounts = []

    def tearDown(self):
        for name in self.created_accounts:
            self.cli("account", "remove", "--force", name, check=False)
        shutil.rmtree(self.home, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.home, *parts)

    def cli(self, *args, input=None, check=True, expect=None, timeout=120):
        if isinstance(input, str):
            input = input.encode()
        proc = subprocess.run(
            [CLI] + list(args),
            input=input if input is not None else b"",
            capture_output=True,
            env=self.env,
            timeout=timeout,
        )
        proc.out = proc.stdout.decode("utf-8", "replace")
        proc.err = proc.stderr.decode("utf-8", "replace")
        wanted = 0 if (check and expect is None) else expect
        if wanted is not None and proc.returncode != wanted:
            self.fail(
                "satchel-cli %s: exit %d, expected %d\nstdout: %s\nstderr: %s"
                % (" ".join(args), proc.returncode, wanted, proc.out, proc.err)
            )
        return proc

    def add_account(self, name, server, *extra, password=PASSWORD, expect=0):
        security = {"starttls": "starttls", "tls": "tls"}.get(server.kind, "none")
        args = [
            "account", "add", name,
            "--address", "%s@example.com" % USER,
            "--display-name", "Alice Liddell",
            "--host", "localhost",
            "--port", str(server.port),
            "--security", security,
            "--username", USER,
        ]
        if server.kind in ("starttls", "tls") and "--trust-fingerprint" not in extra \
                and "--no-ca" not in extra:
            args += ["--ca-file", CERT]
        args += [a for a in extra if a != "--no-ca"]
        if password is not None:
            args.append("--password-stdin")
        proc = self.cli(*args, input=(password or "") + "\n", expect=expect)
        if proc.returncode == 0:
            self.created_accounts.append(name)
        return proc

    def cli_on_terminal(self, *args, answers=(), timeout=120):
        """Runs satchel-cli with standard input and standard error on a
        terminal (a pty), standard output on a pipe. @answers: (prompt,
        text) pairs: when the terminal shows @prompt, @text and a newline
        are typed. Returns the process with .out, .err (what the
        terminal showed, as text) and .returncode."""
        master, slave = pty.openpty()
        proc = subprocess.Popen([CLI] + list(args), stdin=slave, stderr=slave,
                                stdout=subprocess.PIPE, env=self.env, close_fds=True,
                                start_new_session=True)
        os.close(slave)
        shown = b""
        pending = list(answers)
        deadline = time.monotonic() + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    proc.kill()
                    self.fail("satchel-cli %s: no end on the terminal; it showed: %r"
                              % (" ".join(args), shown))
                ready, _, _ = select.select([master], [], [], min(left, 1.0))
                if ready:
                    try:
                        data = os.read(master, 4096)
                    except OSError:  # EIO: the other end is closed
                        data = b""
                    if not data:
                        break
                    shown += data
                    while pending and pending[0][0].encode() in shown.split(b"\x00")[-1]:
                        prompt, text = pending.pop(0)
                        shown += b"\x00"  # answered up to here
                        os.write(master, text.encode() + b"\n")
                elif proc.poll() is not None:
                    break
            out = proc.stdout.read()
            proc.wait(timeout=max(1, deadline - time.monotonic()))
        finally:
            os.close(master)
            if proc.poll() is None:
                proc.kill()
            proc.stdout.close()
        proc.out = out.decode("utf-8", "replace")
        proc.err = shown.replace(b"\x00", b"").decode("utf-8", "replace")
        proc.unanswered = pending
        return proc

    def write_autoconfig(self, ports=(0, 0), hosts=None, srv=None, stall=()):
        """Points discovery at answers of our own (docs/HACKING.md):
        @ports stand in for 465 and 587; @hosts maps names to addresses;
        @srv maps SRV names to [(priority, weight, port, target)]."""
        path = self.path("autoconfig.ini")
        lines = ["[ports]", "tls=%d" % ports[0], "starttls=%d" % ports[1], "[hosts]"]
        lines += ["%s=%s" % item for item in (hosts or {}).items()]
        lines.append("[srv]")
        for name, records in (srv or {}).items():
            lines.append("%s=%s" % (name, "".join("%d %d %d %s;" % r for r in records)))
        lines.append("[stall]")
        lines += ["%s=true" % name for name in stall]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.env["SATCHEL_TEST_AUTOCONFIG"] = path
        return path

    def accounts_ini(self):
        import configparser

        parser = configparser.ConfigParser(interpolation=None)
        parser.read(os.path.join(self.env["XDG_CONFIG_HOME"], "satchel", "accounts.ini"))
        return parser

    def outbox(self):
        out = self.cli("outbox", "list").out
        return [line.split("\t") for line in out.splitlines() if line]

    def files_in(self, *parts):
        folder = self.path(*parts)
        if not os.path.isdir(folder):
            return []
        return sorted(os.listdir(folder))


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=%s</listen>
  <servicedir>%s</servicedir>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# gnome-keyring asks this name for password prompts: the only service the
# private bus can start, and it fails at once, so no prompt ever waits.
PROMPTER_SERVICE = """[D-BUS Service]
Name=org.gnome.keyring.SystemPrompter
Exec=/bin/false
"""


class PrivateBus:
    """A D-Bus session of its own, with no keyring on it (keyring=None),
    or a gnome-keyring whose login collection is unlocked ("unlocked") or
    then locked again ("locked"). Nothing can be activated on it."""

    KEYRING_PASSWORD = "private-keyring"

    def __init__(self, keyring=None):
        self.dir = tempfile.mkdtemp(prefix="satchel-bus-")
        services = os.path.join(self.dir, "services")
        os.mkdir(services)
        with open(os.path.join(services, "org.gnome.keyring.SystemPrompter.service"), "w") as f:
            f.write(PROMPTER_SERVICE)
        config = os.path.join(self.dir, "bus.conf")
        with open(config, "w") as f:
            f.write(BUS_CONFIG % (self.dir, services))
        self.env = dict(os.environ)
        for name in ("HOME", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME",
                     "XDG_CACHE_HOME"):
            path = os.path.join(self.dir, name.lower())
            os.mkdir(path, 0o700)
            self.env[name] = path
        self.env.pop("DISPLAY", None)
        self.env.pop("G_DEBUG", None)
        self.bus = subprocess.Popen(["dbus-daemon", "--nofork", "--print-address=1",
                                     "--config-file", config],
                                    stdout=subprocess.PIPE, env=self.env)
        self.address = self.bus.stdout.readline().decode().strip()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        self.keyring = None
        if keyring is not None:
            self.keyring = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env=self.env)
            self.keyring.stdin.write(self.KEYRING_PASSWORD.encode())
            self.keyring.stdin.close()
            subprocess.run(["gdbus", "wait", "--session", "--timeout", "20",
                            "org.freedesktop.secrets"], env=self.env, check=True)
            if keyring == "locked":
                self.lock()

    def lock(self):
        subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                        "--object-path", "/org/freedesktop/secrets",
                        "--method", "org.freedesktop.Secret.Service.Lock",
                        "['/org/freedesktop/secrets/collection/login']"],
                       env=self.env, check=True, capture_output=True, timeout=30)

    def close(self):
        for proc in (self.keyring, self.bus):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self.bus.stdout:
            self.bus.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def secret_lookup(account_id):
    proc = subprocess.run(
        ["secret-tool", "lookup", "account-id", account_id],
        capture_output=True, timeout=30,
    )
    return proc.stdout.decode() if proc.returncode == 0 else None


def account_id(test, name):
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(test.env["XDG_CONFIG_HOME"], "satchel", "accounts.ini"))
    return parser["Account " + name]["id"]


class TapResult(unittest.TestResult):
    """Prints TAP lines as tests finish (meson's protocol: 'tap')."""

    def __init__(self, total):
        super().__init__()
        self.n = 0
        print("1..%d" % total, flush=True)

    def _line(self, ok, test, detail=None, directive=""):
        self.n += 1
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.n, test.id(), directive),
              flush=True)
        if detail:
            for line in detail.splitlines():
                print("# " + line, flush=True)

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(False, test, "".join(traceback.format_exception(*err)))

    def addError(self, test, err):
        super().addError(test, err)
        self._line(False, test, "".join(traceback.format_exception(*err)))

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, directive=" # SKIP " + reason)


def main():
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules["__main__"])
    result = TapResult(suite.countTestCases())
    suite.run(result)
    sys.exit(0 if result.wasSuccessful() else 1)
