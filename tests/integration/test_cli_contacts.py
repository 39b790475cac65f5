# test_cli_contacts.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""satchel-cli contacts: the address book as CLI.md describes it."""

import glob
import os
import stat
import subprocess

from satchel_testlib import (
    CLI, EX_DATAERR, EX_USAGE, SatchelTestCase, Server, main, parse,
)

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "vcard")


class ContactsTests(SatchelTestCase):
    def ini_path(self):
        return os.path.join(self.env["XDG_DATA_HOME"], "satchel", "contacts.ini")

    def add(self, name, *emails, expect=0):
        args = ["contacts", "add", "--name", name]
        for e in emails:
            args += ["--email", e]
        return self.cli(*args, expect=expect)

    def lines(self, *args):
        return self.cli("contacts", *args).out.splitlines()

    def test_add_and_list(self):
        self.add("Zoë Müller", "zoe@example.com", "zm@work.example")
        self.add("Lee, Ann", "ann@example.com")
        self.add("王小明", "wang@example.cn")
        self.assertEqual(self.lines("list"), [
            '"Lee, Ann" <ann@example.com>',
            "Zoë Müller <zoe@example.com>",
            "Zoë Müller <zm@work.example>",
            "王小明 <wang@example.cn>",
        ])
        self.assertEqual(stat.S_IMODE(os.stat(self.ini_path()).st_mode), 0o600)

    def test_add_errors(self):
        proc = self.cli("contacts", "add", "--email", "a@example.com", expect=EX_USAGE)
        self.assertIn("--name", proc.err)
        self.cli("contacts", "add", "--name", "Nobody", expect=EX_USAGE)
        proc = self.add("Bad", "not-an-address", expect=EX_DATAERR)
        self.assertIn("not-an-address", proc.err)
        self.add("Ann", "ann@example.com")
        proc = self.add("Other Ann", "ANN@example.com", expect=EX_DATAERR)
        self.assertIn("Ann", proc.err)
        self.cli("contacts", "frobnicate", expect=EX_USAGE)

    def test_search_best_first(self):
        self.add("Joanna Kowalska", "jk@example.pl")
        self.add("Maria Annis", "maria@example.com")
        self.add("Annabel Smith", "annabel@example.org")
        self.add("José Ángel", "jose@example.es")
        self.add("王小明", "xiaoming@example.cn")
        self.assertEqual(self.lines("search", "ann"), [
            "Annabel Smith <annabel@example.org>",
            "Maria Annis <maria@example.com>",
            "Joanna Kowalska <jk@example.pl>",
        ])
        self.assertEqual(self.lines("search", "JOSE"), ["José Ángel <jose@example.es>"])
        self.assertEqual(self.lines("search", "小明"), ["王小明 <xiaoming@example.cn>"])
        self.assertEqual(self.lines("search", "nobody"), [])
        self.cli("contacts", "search", expect=EX_USAGE)

    def test_remove_last_address_removes_contact(self):
        self.add("Ann", "ann@example.com", "ann@work.example")
        self.cli("contacts", "remove", "ann@example.com")
        self.assertEqual(self.lines("list"), ["Ann <ann@work.example>"])
        self.cli("contacts", "remove", "ann@work.example")
        self.assertEqual(self.lines("list"), [])
        with open(self.ini_path(), encoding="utf-8") as f:
            self.assertNotIn("Ann", f.read())
        proc = self.cli("contacts", "remove", "ann@work.example", expect=EX_DATAERR)
        self.assertIn("ann@work.example", proc.err)

    def test_import_export_round_trip(self):
        for name in ("google.vcf", "apple.vcf", "thunderbird.vcf", "evolution.vcf",
                     "phone-2.1.vcf"):
            proc = self.cli("contacts", "import", os.path.join(SAMPLES, name))
            self.assertIn("Imported", proc.out)
        before = self.lines("list")
        self.assertIn("李四 <lisi@example.cn>", before)
        self.assertIn("René François <rene@example.fr>", before)
        self.assertEqual(len(before), 11)
        groups = self.lines("group", "list")
        self.assertIn("Key Customer\tRobert Smith <bob@work.example>", groups)

        exported = self.cli("contacts", "export").stdout
        self.assertTrue(exported.startswith(b"BEGIN:VCARD\r\nVERSION:3.0\r\n"))
        for line in exported.split(b"\r\n"):
            self.assertLessEqual(len(line), 75)
        v4 = self.cli("contacts", "export", "--vcard-version", "4.0").stdout
        self.assertIn(b"VERSION:4.0\r\n", v4)
        self.cli("contacts", "export", "--vcard-version", "2.1", expect=EX_USAGE)

        # Into an empty book: the same lines, the same groups.
        path = self.path("export.vcf")
        with open(path, "wb") as f:
            f.write(v4)
        os.remove(self.ini_path())
        self.cli("contacts", "import", path)
        self.assertEqual(self.lines("list"), before)
        self.assertEqual(self.lines("group", "list"), groups)

    def test_import_errors(self):
        proc = self.cli("contacts", "import", self.path("missing.vcf"), expect=EX_DATAERR)
        self.assertIn("missing.vcf", proc.err)
        path = self.path("note.txt")
        with open(path, "w") as f:
            f.write("just text\n")
        proc = self.cli("contacts", "import", path, expect=EX_DATAERR)
        self.assertIn("BEGIN:VCARD", proc.err)

    def test_groups(self):
        self.add("Ann Lee", "ann@example.com")
        self.cli("contacts", "group", "add", "Team", "ann@example.com", "bob@example.com")
        self.cli("contacts", "group", "add", "Family", "mum@example.com")
        self.assertEqual(self.lines("group", "list"), [
            "Family\tmum@example.com",
            "Team\tAnn Lee <ann@example.com>, bob@example.com",
        ])
        self.cli("contacts", "group", "remove", "Team", "bob@example.com")
        self.assertEqual(self.lines("group", "list")[1], "Team\tAnn Lee <ann@example.com>")
        self.cli("contacts", "group", "remove", "Family")
        self.assertEqual(len(self.lines("group", "list")), 1)
        proc = self.cli("contacts", "group", "remove", "Family", expect=EX_DATAERR)
        self.assertIn("Family", proc.err)
        self.cli("contacts", "group", "add", "Bad", "nope", expect=EX_DATAERR)
        self.cli("contacts", "group", "add", "Lonely", expect=EX_USAGE)
        # Contacts stay when their group goes.
        self.assertEqual(self.lines("list"), ["Ann Lee <ann@example.com>"])

    def test_help_lists_commands(self):
        out = self.cli("--help").out
        for command in ("contacts add", "contacts search", "contacts import",
                        "contacts export", "contacts group add"):
            self.assertIn(command, out)
        out = self.cli("contacts", "--help").out
        self.assertIn("contacts group remove", out)
        self.assertIn("--vcard-version", self.cli("contacts", "export", "--help").out)

    def test_corrupt_file_kept_aside(self):
        os.makedirs(os.path.dirname(self.ini_path()), exist_ok=True)
        with open(self.ini_path(), "wb") as f:
            f.write(b"[Contact 1]\nname=Ann\nemails=ann@example.com;\n\xff\xfe garbage\n")
        proc = self.cli("contacts", "list")
        self.assertEqual(proc.out, "Ann <ann@example.com>\n")
        self.assertIn("warning", proc.err)
        aside = glob.glob(self.ini_path() + ".corrupt-*")
        self.assertEqual(len(aside), 1)
        with open(aside[0], "rb") as f:
            self.assertIn(b"\xff\xfe garbage", f.read())
        # Told once: the file is clean now.
        self.assertEqual(self.cli("contacts", "list").err, "")

    def test_parallel_processes_lose_nothing(self):
        procs = []
        for side in ("left", "right"):
            script = " && ".join(
                "%s contacts add --name '%s %d' --email %s%d@example.com" % (CLI, side, i, side, i)
                for i in range(12))
            procs.append(subprocess.Popen(["sh", "-c", script], env=self.env,
                                          stdout=subprocess.DEVNULL))
        for p in procs:
            self.assertEqual(p.wait(timeout=120), 0)
        self.assertEqual(len(self.lines("list")), 24)

    def test_send_to_group(self):
        self.add("Ann Lee", "ann@example.com")
        self.cli("contacts", "group", "add", "Team", "ann@example.com", "bob@example.com")
        with Server("starttls") as server:
            self.add_account("work", server)
            self.cli("send", "--account", "work", "--to", "Team", "--subject", "Hi",
                     "--body", "All of you.")
            mail_from, rcpts, raw = server.messages[-1]
            self.assertEqual(rcpts, ["ann@example.com", "bob@example.com"])
            self.assertEqual(parse(raw)["To"], "Ann Lee <ann@example.com>, bob@example.com")
        # The send counted the recipients, without touching contacts.ini.
        usage = os.path.join(self.env["XDG_STATE_HOME"], "satchel", "recipients.tsv")
        with open(usage, encoding="utf-8") as f:
            self.assertIn("bob@example.com\t1\t", f.read())

    def test_recent_recipient_forget(self):
        with Server("starttls") as server:
            self.add_account("work", server)
            self.cli("send", "--account", "work", "--to", "stranger@example.net",
                     "--subject", "Hi", "--body", "Hello.")
        # search prints the address book only; the usage file has the stranger.
        self.assertEqual(self.lines("search", "stranger"), [])
        self.cli("contacts", "forget", "stranger@example.net")
        usage = os.path.join(self.env["XDG_STATE_HOME"], "satchel", "recipients.tsv")
        with open(usage, encoding="utf-8") as f:
            self.assertNotIn("stranger", f.read())


if __name__ == "__main__":
    main()
