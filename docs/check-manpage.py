#!/usr/bin/env python3
# check-manpage.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks a man page: it formats without a single warning (man-db's
"man --warnings -l", else "groff -man -ww -z"), and it documents every
command and long option the program's --help lists, so that the page
cannot fall behind the program.

    check-manpage.py PAGE [PROGRAM]

With PROGRAM, runs "PROGRAM --help" and, when it lists commands (the
"Commands:" block of satchel-cli), "PROGRAM COMMAND --help" for each.
Prints what is wrong and exits 1; exits 0 when all is well."""

import os
import re
import shutil
import subprocess
import sys

# --help options GLib adds to every program: not worth a line each.
GLIB_OPTIONS = {"--help", "--help-all", "--help-gapplication"}


def run(argv, **kwargs):
    env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
    env.pop("LANGUAGE", None)
    return subprocess.run(argv, capture_output=True, env=env, timeout=60, **kwargs)


def formatting_warnings(page):
    if shutil.which("man"):
        proc = run(["man", "--warnings", "-E", "UTF-8", "-l", page])
    else:
        proc = run(["groff", "-man", "-ww", "-z", "-K", "utf8", page])
    problems = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    if proc.returncode != 0:
        problems.append("the formatter exited with status %d" % proc.returncode)
    return problems


def page_text(page):
    """The page as plain text, on very long lines, without hyphenation,
    with every kind of hyphen and white space made plain."""
    proc = run(["groff", "-man", "-Tutf8", "-K", "utf8", "-rHY=0", "-rLL=2000n",
                "-P-cbou", page])
    text = proc.stdout.decode("utf-8", "replace")
    text = text.replace("\u2212", "-").replace("\u2010", "-").replace("\u00ad", "")
    return " ".join(text.split())


def help_text(program, *args):
    proc = run([program] + list(args) + ["--help"])
    if proc.returncode != 0:
        raise SystemExit("%s %s --help: exit %d\n%s"
                         % (program, " ".join(args), proc.returncode,
                            proc.stderr.decode("utf-8", "replace")))
    return proc.stdout.decode("utf-8", "replace")


def commands(help_out):
    """The "Commands:" block: two spaces, the words of a command, two or
    more spaces, its summary."""
    found = []
    in_block = False
    for line in help_out.splitlines():
        if line.strip() == "Commands:":
            in_block = True
            continue
        if in_block:
            match = re.match(r"^  ([a-z][a-z -]*?)\s{2,}\S", line)
            if not match:
                break
            found.append(match.group(1).split())
    return found


def long_options(help_out):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", help_out)) - GLIB_OPTIONS


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    page = sys.argv[1]
    problems = ["warning: " + w for w in formatting_warnings(page)]

    if len(sys.argv) == 3:
        program = sys.argv[2]
        text = page_text(page)
        top = help_text(program)
        todo = [[]] + commands(top)
        for words in todo:
            out = top if not words else help_text(program, *words)
            name = " ".join(words) or os.path.basename(program)
            if words and name not in text:
                problems.append("command \u201c%s\u201d is not documented" % name)
            for option in sorted(long_options(out)):
                if not re.search(re.escape(option) + r"(?![\w-])", text):
                    problems.append("option %s of \u201c%s\u201d is not documented"
                                    % (option, name))

    for problem in problems:
        print("%s: %s" % (os.path.basename(page), problem))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
