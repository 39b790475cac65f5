# test_cli_account.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""satchel-cli account: real servers, the real keyring."""

import os
import stat
import time

from satchel_testlib import (
    EX_CONFIG, EX_DATAERR, EX_NOPERM, EX_TEMPFAIL, EX_UNAVAILABLE, EX_USAGE, PASSWORD,
    USER, PrivateBus, SatchelTestCase, Server, account_id, cert_fingerprint, free_port,
    main, parse, secret_lookup,
)


def colons(fingerprint):
    return ":".join(fingerprint[i:i + 2] for i in range(0, len(fingerprint), 2)).upper()


class AccountTests(SatchelTestCase):
    def test_add_stores_password_only_in_keyring(self):
        with Server("starttls") as server:
            self.add_account("work", server)
            ini_path = os.path.join(self.env["XDG_CONFIG_HOME"], "satchel", "accounts.ini")
            with open(ini_path, encoding="utf-8") as f:
                ini = f.read()
            self.assertNotIn(PASSWORD, ini)
            self.assertEqual(stat.S_IMODE(os.stat(ini_path).st_mode), 0o600)
            self.assertEqual(secret_lookup(account_id(self, "work")), PASSWORD)
            # add saves without connecting
            self.assertEqual(server.recorder.tried_logins, [])

    def test_list_format(self):
        with Server("starttls") as server:
            self.add_account("work", server)
            self.add_account("home", server, "--port", str(server.port))
            lines = self.cli("account", "list").out.splitlines()
            self.assertEqual(lines, [
                "home\talice@example.com\tlocalhost:%d\tstarttls\t-" % server.port,
                "work\talice@example.com\tlocalhost:%d\tstarttls\tdefault" % server.port,
            ])
            self.cli("account", "default", "home")
            lines = self.cli("account", "list").out.splitlines()
            self.assertTrue(lines[0].endswith("\tdefault"))
            self.assertTrue(lines[1].endswith("\t-"))

    def test_defaults_follow_security(self):
        proc = self.cli("account", "add", "x", "--address", "x@example.com",
                        "--host", "smtp.example.com", "--security", "starttls")
        self.created_accounts.append("x")
        self.assertEqual(self.cli("account", "list").out,
                         "x\tx@example.com\tsmtp.example.com:587\tstarttls\tdefault\n")
        self.cli("account", "add", "y", "--address", "y@example.com",
                 "--host", "smtp.example.com")
        self.created_accounts.append("y")
        self.assertIn("y\ty@example.com\tsmtp.example.com:465\ttls\t-",
                      self.cli("account", "list").out)
        # Editing the security moves a usual port along, never a chosen one.
        self.cli("account", "edit", "y", "--security", "starttls")
        self.assertIn("smtp.example.com:587\tstarttls", self.cli("account", "list").out)
        self.cli("account", "edit", "y", "--port", "2525")
        self.cli("account", "edit", "y", "--security", "tls")
        self.assertIn("y\ty@example.com\tsmtp.example.com:2525\ttls\t-",
                      self.cli("account", "list").out)

    def test_name_is_unique(self):
        with Server("starttls") as server:
            self.add_account("work", server)
            proc = self.add_account("work", server, expect=EX_CONFIG)
            self.assertIn("account edit", proc.err)

    def test_missing_address_is_usage_error(self):
        proc = self.cli("account", "add", "x", "--host", "h.example.com", expect=EX_USAGE)
        self.assertIn("--address", proc.err)

    def test_verify_starttls(self):
        with Server("starttls") as server:
            self.add_account("work", server)
            proc = self.cli("account", "verify", "work")
            self.assertIn("work", proc.out)
            self.assertEqual(server.recorder.tried_logins[-1][1], USER)

    def test_verify_implicit_tls(self):
        with Server("tls") as server:
            self.add_account("tls", server)
            self.cli("account", "verify", "tls")
            self.assertEqual(len(server.recorder.tried_logins), 1)

    def test_add_verify_wrong_password_not_saved(self):
        with Server("starttls") as server:
            proc = self.add_account("work", server, "--verify", password="wrong",
                                    expect=EX_NOPERM)
            self.assertIn("535", proc.err)
            self.assertEqual(len(proc.err.strip().splitlines()), 1)
            self.assertNotIn("wrong", proc.err)
            self.assertEqual(self.cli("account", "list").out, "")

    def test_add_verify_saves_on_success(self):
        with Server("starttls") as server:
            self.add_account("work", server, "--verify")
            self.assertIn("work\t", self.cli("account", "list").out)
            self.assertEqual(len(server.recorder.tried_logins), 1)

    def test_login_mechanism(self):
        with Server("starttls") as server:
            self.add_account("work", server, "--auth", "LOGIN")
            self.cli("account", "verify", "work")
            self.assertEqual(server.recorder.tried_logins[-1][0], "LOGIN")

    def test_untrusted_certificate_refused(self):
        with Server("starttls") as server:
            self.add_account("work", server, "--no-ca")
            proc = self.cli("account", "verify", "work", expect=EX_UNAVAILABLE)
            self.assertIn("certificate", proc.err.lower())
            self.assertEqual(server.recorder.tried_logins, [])

    def test_ca_file_trusts(self):
        with Server("tls") as server:
            self.add_account("work", server)
            self.cli("account", "verify", "work")

    def test_pinned_fingerprint(self):
        fp = cert_fingerprint()
        colons = ":".join(fp[i:i + 2] for i in range(0, len(fp), 2)).upper()
        with Server("tls") as server:
            self.add_account("work", server, "--trust-fingerprint", colons)
            self.cli("account", "verify", "work")
            wrong = "00" * 32
            self.cli("account", "edit", "work", "--trust-fingerprint", wrong)
            proc = self.cli("account", "verify", "work", expect=EX_UNAVAILABLE)
            self.assertIn(fp[:16], proc.err.lower().replace(":", ""))

    def test_bad_fingerprint_rejected(self):
        with Server("tls") as server:
            proc = self.add_account("work", server, "--trust-fingerprint", "abc",
                                    expect=65)
            self.assertIn("fingerprint", proc.err.lower())

    def test_starttls_not_offered(self):
        with Server("plain-auth") as server:
            self.add_account("work", server)
            self.cli("account", "edit", "work", "--security", "starttls",
                     "--port", str(server.port))
            proc = self.cli("account", "verify", "work", expect=EX_UNAVAILABLE)
            self.assertIn("STARTTLS", proc.err)
            self.assertEqual(server.recorder.tried_logins, [])
            # and no message goes either
            self.cli("send", "--account", "work", "--to", "bob@example.com",
                     "--subject", "s", "--body", "b", expect=EX_UNAVAILABLE)
            self.assertEqual(server.recorder.mail_commands, 0)
            self.assertEqual(server.recorder.tried_logins, [])

    def test_plaintext_auth_needs_permission(self):
        with Server("plain-auth") as server:
            self.add_account("work", server)
            proc = self.cli("account", "verify", "work", expect=EX_CONFIG)
            self.assertIn("--allow-plaintext-auth", proc.err)
            self.assertEqual(server.recorder.tried_logins, [])
            self.cli("account", "edit", "work", "--allow-plaintext-auth")
            self.cli("account", "verify", "work")
            self.assertEqual(len(server.recorder.tried_logins), 1)

    def test_password_command(self):
        with Server("starttls") as server:
            script = self.path("pw.sh")
            with open(script, "w") as f:
                f.write("#!/bin/sh\nprintf '%s\\nignored\\n' '" + PASSWORD + "'\n")
            os.chmod(script, 0o700)
            self.add_account("work", server, "--password-command", script, password=None)
            self.cli("account", "verify", "work")
            self.assertEqual(secret_lookup(account_id(self, "work")), None)
            ini = open(os.path.join(self.env["XDG_CONFIG_HOME"], "satchel",
                                    "accounts.ini")).read()
            self.assertNotIn(PASSWORD, ini)

    def test_remove_clears_keyring(self):
        with Server("starttls") as server:
            self.add_account("work", server)
            ident = account_id(self, "work")
            self.assertEqual(secret_lookup(ident), PASSWORD)
            self.cli("account", "remove", "work")
            self.created_accounts.remove("work")
            self.assertEqual(secret_lookup(ident), None)
            self.assertEqual(self.cli("account", "list").out, "")

    def test_unknown_account(self):
        proc = self.cli("account", "verify", "nope", expect=EX_CONFIG)
        self.assertIn("nope", proc.err)

    def test_bcc_self(self):
        with Server("starttls") as server:
            self.add_account("work", server, "--bcc-self", "yes")
            self.assertEqual(self.accounts_ini()["Account work"]["bcc-self"], "true")
            self.cli("send", "--account", "work", "--to", "bob@example.com",
                     "--subject", "copy", "--body", "b")
            mail_from, rcpts, raw = server.messages[-1]
            self.assertEqual(rcpts, ["bob@example.com", "%s@example.com" % USER])
            self.assertNotIn("Bcc", parse(raw))
            self.cli("account", "edit", "work", "--bcc-self", "no")
            self.assertNotIn("bcc-self", self.accounts_ini()["Account work"])
            self.cli("send", "--account", "work", "--to", "bob@example.com",
                     "--subject", "no copy", "--body", "b")
            self.assertEqual(server.messages[-1][1], ["bob@example.com"])
            proc = self.cli("account", "edit", "work", "--bcc-self", "maybe",
                            expect=EX_DATAERR)
            self.assertIn("--bcc-self takes yes or no", proc.err)
            self.assertIn("--bcc-self", self.cli("account", "add", "--help").out)

    def test_verify_remembers_what_the_server_offers(self):
        with Server("starttls") as server:
            self.add_account("work", server)
            self.assertNotIn("server-mechanisms", self.accounts_ini()["Account work"])
            self.cli("account", "verify", "work")
            section = self.accounts_ini()["Account work"]
            self.assertEqual(section["server-mechanisms"].strip(";").split(";"),
                             ["LOGIN", "PLAIN"])
            self.assertEqual(section["size-limit"], str(256 * 1024 * 1024))


class VerifyMessageTests(SatchelTestCase):
    """What each failure of a verification says (aiosmtpd, or nothing)."""

    def error_line(self, proc):
        lines = proc.err.strip().splitlines()
        self.assertEqual(len(lines), 1, proc.err)
        return lines[0]

    def test_host_not_found(self):
        self.cli("account", "add", "x", "--address", "x@example.com",
                 "--host", "no-such-host.invalid", "--timeout", "10")
        self.created_accounts.append("x")
        proc = self.cli("account", "verify", "x", expect=EX_TEMPFAIL)
        line = self.error_line(proc)
        self.assertIn("no-such-host.invalid:465 was not found", line)
        self.assertIn("Check the host name", line)

    def test_connection_refused(self):
        port = free_port()
        self.cli("account", "add", "x", "--address", "x@example.com",
                 "--host", "127.0.0.1", "--port", str(port), "--security", "starttls")
        self.created_accounts.append("x")
        proc = self.cli("account", "verify", "x", expect=EX_TEMPFAIL)
        line = self.error_line(proc)
        self.assertIn("127.0.0.1:%d refused the connection" % port, line)
        self.assertIn("Check the host name and port", line)

    def test_wrong_password_quotes_the_server(self):
        with Server("starttls") as server:
            self.add_account("work", server, password="wrong")
            proc = self.cli("account", "verify", "work", expect=EX_NOPERM)
            line = self.error_line(proc)
            self.assertIn("refused to sign in \u201c%s\u201d" % USER, line)
            self.assertIn("the server said: \u201c535 5.7.8", line)
            self.assertIn("Check the user name and password", line)

    def test_local_part_tried_when_adding(self):
        # aiosmtpd knows "alice", not "alice@example.com": account setup
        # finds that out by itself, once.
        with Server("starttls") as server:
            proc = self.cli("account", "add", "work", "--address", "%s@example.com" % USER,
                            "--host", "localhost", "--port", str(server.port),
                            "--security", "starttls", "--ca-file", os.environ["SATCHEL_TEST_CERT"],
                            "--password-stdin", "--verify", input=PASSWORD + "\n")
            self.created_accounts.append("work")
            self.assertIn("accepted \u201c%s\u201d as the user name, not \u201c%s@example.com\u201d"
                          % (USER, USER), proc.err)
            self.assertEqual([login for _, login in server.recorder.tried_logins],
                             ["%s@example.com" % USER, USER])
            self.assertEqual(self.accounts_ini()["Account work"]["username"], USER)
            # Verifying later, or sending, never retries.
            self.cli("account", "edit", "work", "--username", "%s@example.com" % USER)
            self.cli("account", "verify", "work", expect=EX_NOPERM)
            self.assertEqual(len(server.recorder.tried_logins), 3)


class DetectTests(SatchelTestCase):
    def test_help(self):
        out = self.cli("account", "detect", "--help").out
        self.assertIn("HOST PORT SECURITY SOURCE", out)
        self.assertIn("69 nothing found", out)
        self.assertIn("account detect", self.cli("account", "--help").out)

    def test_srv_then_probes(self):
        with Server("tls") as tls, Server("starttls") as starttls:
            self.write_autoconfig(
                ports=(tls.port, starttls.port),
                hosts={"smtp.example.test": "127.0.0.1"},
                srv={"_submission._tcp.example.test": [(0, 0, 2525, "relay.example.test.")],
                     "_submissions._tcp.example.test": [(0, 0, 0, ".")]})
            proc = self.cli("account", "detect", "anna@example.test")
            self.assertEqual(proc.out.splitlines(), [
                "relay.example.test\t2525\tstarttls\tsrv",
                "smtp.example.test\t%d\ttls\tprobe" % tls.port,
                "smtp.example.test\t%d\tstarttls\tprobe" % starttls.port,
            ])
            self.assertEqual(proc.err, "")
            # Probes only connect: nobody logged in.
            self.assertEqual(tls.recorder.tried_logins, [])

    def test_nothing_found(self):
        self.write_autoconfig(ports=(free_port(), free_port()))
        proc = self.cli("account", "detect", "anna@example.test", expect=EX_UNAVAILABLE)
        self.assertEqual(proc.out, "")
        self.assertIn("No mail submission server was found for example.test", proc.err)
        self.assertIn("--host", proc.err)

    def test_dns_that_never_answers(self):
        self.write_autoconfig(ports=(free_port(), free_port()),
                              stall=("_submissions._tcp.example.test",
                                     "_submission._tcp.example.test",
                                     "smtp.example.test", "mail.example.test",
                                     "example.test"))
        start = time.monotonic()
        self.cli("account", "detect", "--timeout", "1", "anna@example.test",
                 expect=EX_UNAVAILABLE)
        self.assertLess(time.monotonic() - start, 30)

    def test_not_an_address(self):
        proc = self.cli("account", "detect", "anna", expect=EX_DATAERR)
        self.assertIn("not an email address with a domain", proc.err)
        self.cli("account", "detect", expect=EX_USAGE)


class TerminalTrustTests(SatchelTestCase):
    """On a terminal, a certificate no authority vouches for is shown,
    and pinned if the person says yes."""

    def test_yes_pins_the_certificate(self):
        fp = cert_fingerprint()
        with Server("tls") as server:
            self.add_account("work", server, "--no-ca")
            proc = self.cli_on_terminal("account", "verify", "work",
                                        answers=[("[y/N]", "y")])
            self.assertEqual(proc.returncode, 0, proc.err)
            self.assertEqual(proc.unanswered, [])
            self.assertIn("The certificate of localhost:%d is not trusted:" % server.port,
                          proc.err)
            self.assertIn("  - it is self-signed or issued by an unknown certificate "
                          "authority", proc.err)
            self.assertRegex(proc.err, r"Subject: +CN=localhost")
            self.assertRegex(proc.err, r"Issuer: +CN=localhost")
            self.assertRegex(proc.err, r"Valid: +from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d")
            self.assertIn(colons(fp), proc.err)
            self.assertIn("works", proc.out)
            self.assertEqual(self.accounts_ini()["Account work"]["trust-fingerprint"], fp)
            # Pinned: no question any more, and none without a terminal.
            self.cli("account", "verify", "work")
            self.assertEqual(len(server.recorder.tried_logins), 2)

    def test_enter_means_no(self):
        with Server("starttls") as server:
            self.add_account("work", server, "--no-ca")
            proc = self.cli_on_terminal("account", "verify", "work", answers=[("[y/N]", "")])
            self.assertEqual(proc.returncode, EX_UNAVAILABLE, proc.err)
            self.assertNotIn("trust-fingerprint", self.accounts_ini()["Account work"])
            self.assertEqual(server.recorder.tried_logins, [])

    def test_no_terminal_no_question(self):
        with Server("tls") as server:
            self.add_account("work", server, "--no-ca")
            proc = self.cli("account", "verify", "work", expect=EX_UNAVAILABLE)
            self.assertNotIn("[y/N]", proc.err)
            self.assertEqual(len(proc.err.strip().splitlines()), 1)

    def test_add_verify_asks_password_then_trust(self):
        fp = cert_fingerprint()
        with Server("starttls") as server:
            proc = self.cli_on_terminal(
                "account", "add", "work", "--address", "%s@example.com" % USER,
                "--host", "localhost", "--port", str(server.port), "--security", "starttls",
                "--username", USER, "--verify",
                answers=[("Password for", PASSWORD), ("[y/N]", "yes")])
            self.created_accounts.append("work")
            self.assertEqual(proc.returncode, 0, proc.err)
            # No echo of the password.
            self.assertNotIn(PASSWORD, proc.err)
            self.assertEqual(self.accounts_ini()["Account work"]["trust-fingerprint"], fp)
            self.assertEqual(secret_lookup(account_id(self, "work")), PASSWORD)

    def test_replaced_pin_is_refused_side_by_side(self):
        fp = cert_fingerprint()
        old = "ab" * 32
        with Server("tls") as server:
            self.add_account("work", server, "--trust-fingerprint", old)
            proc = self.cli_on_terminal("account", "verify", "work", answers=[("[y/N]", "y")])
            self.assertEqual(proc.returncode, EX_UNAVAILABLE, proc.err)
            # Refused without a question.
            self.assertEqual(len(proc.unanswered), 1)
            self.assertRegex(proc.err, r"Trusted SHA-256: +%s\r?\n +Presented SHA-256: +%s"
                             % (colons(old), colons(fp)))
            self.assertEqual(self.accounts_ini()["Account work"]["trust-fingerprint"], old)
            self.assertEqual(server.recorder.tried_logins, [])


class KeyringMissingTests(SatchelTestCase):
    """A session bus without a keyring, or with a locked one."""

    def use_bus(self, keyring=None):
        bus = PrivateBus(keyring)
        self.addCleanup(bus.close)
        self.env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        self.env.pop("DISPLAY", None)
        return bus

    def check_saved_without_password(self, server, why):
        proc = self.add_account("work", server)
        line = proc.err.strip()
        self.assertEqual(len(line.splitlines()), 1, proc.err)
        self.assertIn(why, line)
        self.assertIn("saved without its password", line)
        self.assertIn("asks for it when it sends from a terminal", line)
        self.assertIn("--password-command", line)
        self.assertNotIn(PASSWORD, line)
        self.assertIn("work\t", self.cli("account", "list").out)
        for folder, _, names in os.walk(self.home):
            for name in names:
                with open(os.path.join(folder, name), "rb") as f:
                    self.assertNotIn(PASSWORD.encode(), f.read())

    def test_no_keyring(self):
        self.use_bus()
        with Server("starttls") as server:
            self.check_saved_without_password(server, "keyring")

            # No terminal, no password: exit 77, nothing queued or sent.
            proc = self.cli("send", "--account", "work", "--to", "bob@example.com",
                            "--subject", "s", "--body", "b", expect=EX_NOPERM)
            self.assertIn("No password is available for the account \u201cwork\u201d",
                          proc.err)
            self.assertIn("--password-command", proc.err)
            self.assertEqual(self.outbox(), [])
            self.assertEqual(server.recorder.tried_logins, [])

            # On a terminal it is asked, without echo, and not stored.
            proc = self.cli_on_terminal("send", "--account", "work", "--to", "bob@example.com",
                                        "--subject", "typed", "--body", "b",
                                        answers=[("Password for \u201cwork\u201d", PASSWORD)])
            self.assertEqual(proc.returncode, 0, proc.err)
            self.assertIn("it is not stored", proc.err)
            self.assertNotIn(PASSWORD, proc.err)
            self.assertEqual(len(server.messages), 1)
            self.assertEqual(server.recorder.tried_logins[-1][1], USER)

    def test_locked_keyring(self):
        self.use_bus("locked")
        with Server("starttls") as server:
            self.check_saved_without_password(server, "locked")
            proc = self.cli("account", "verify", "work", expect=EX_NOPERM)
            self.assertIn("No password is available", proc.err)

    def test_password_command_needs_no_keyring(self):
        self.use_bus()
        with Server("starttls") as server:
            script = self.path("pw.sh")
            with open(script, "w") as f:
                f.write("#!/bin/sh\nprintf '%s\\n' '" + PASSWORD + "'\n")
            os.chmod(script, 0o700)
            proc = self.add_account("work", server, "--password-command", script, password=None)
            self.assertEqual(proc.err, "")
            self.cli("send", "--account", "work", "--to", "bob@example.com",
                     "--subject", "s", "--body", "b")
            self.assertEqual(len(server.messages), 1)


if __name__ == "__main__":
    main()
