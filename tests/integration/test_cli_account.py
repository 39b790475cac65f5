# test_cli_account.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""satchel-cli account: real servers, the real keyring."""

import os
import stat

from satchel_testlib import (
    EX_CONFIG, EX_NOPERM, EX_UNAVAILABLE, EX_USAGE, PASSWORD, USER,
    SatchelTestCase, Server, account_id, cert_fingerprint, main, secret_lookup,
)


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


if __name__ == "__main__":
    main()
