#!/usr/bin/env python3
# test-translations.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the translations against the sources, with the gettext tools.

    test-translations.py complete SRCDIR OUTDIR LANG...
        Extracts a fresh template from every file of po/POTFILES.in, as
        meson's i18n module does (xgettext with the "glib" preset), into
        OUTDIR, and fails when a message of it has no translation in
        po/LANG.po, or only a fuzzy one. Lists each such message with
        where it comes from.

    test-translations.py potfiles SRCDIR
        Fails when a file named in po/POTFILES.in does not exist, or when
        a source, UI or data file holds translatable strings and is not
        named there (its strings would never reach a translator).

Prints TAP."""

import os
import re
import subprocess
import sys

# meson's i18n.gettext(preset: 'glib') (mesonbuild/modules/i18n.py), plus
# the "-k_" its pot target adds.
XGETTEXT_GLIB_PRESET = [
    "--from-code=UTF-8",
    "--add-comments",
    "-k_",
    "--keyword=_",
    "--keyword=N_",
    "--keyword=C_:1c,2",
    "--keyword=NC_:1c,2",
    "--keyword=g_dcgettext:2",
    "--keyword=g_dngettext:2,3",
    "--keyword=g_dpgettext2:2c,3",
    "--flag=N_:1:pass-c-format",
    "--flag=C_:2:pass-c-format",
    "--flag=NC_:2:pass-c-format",
    "--flag=g_dngettext:2:pass-c-format",
    "--flag=g_strdup_printf:1:c-format",
    "--flag=g_string_printf:2:c-format",
    "--flag=g_string_append_printf:2:c-format",
    "--flag=g_error_new:3:c-format",
    "--flag=g_set_error:4:c-format",
    "--flag=g_markup_printf_escaped:1:c-format",
    "--flag=g_log:3:c-format",
    "--flag=g_print:1:c-format",
    "--flag=g_printerr:1:c-format",
    "--flag=g_printf:1:c-format",
    "--flag=g_fprintf:2:c-format",
    "--flag=g_sprintf:2:c-format",
    "--flag=g_snprintf:3:c-format",
]


class Tap:
    def __init__(self, total):
        self.n = 0
        self.failed = False
        print("1..%d" % total, flush=True)

    def result(self, ok, name, details=()):
        self.n += 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name), flush=True)
        for line in details:
            print("# " + line, flush=True)
        self.failed |= not ok


def run(argv):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    env.pop("LANGUAGE", None)
    proc = subprocess.run(argv, capture_output=True, env=env, timeout=300)
    if proc.returncode != 0:
        raise SystemExit("Bail out! %s failed (exit %d): %s"
                         % (argv[0], proc.returncode,
                            proc.stderr.decode("utf-8", "replace").strip()))
    return proc


def potfiles(srcdir):
    """The files po/POTFILES.in names, in order."""
    names = []
    with open(os.path.join(srcdir, "po", "POTFILES.in"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                names.append(line)
    return names


def parse_po(text):
    """The entries of a PO file as (msgctxt, msgid, references) tuples,
    without the header and obsolete entries."""
    entries = []
    refs, fields, current = [], {}, None
    for line in text.splitlines() + [""]:
        if line.startswith("#:"):
            refs += line[2:].split()
        elif line.startswith("#~"):
            continue
        elif re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?) ", line):
            current, rest = line.split(" ", 1)
            fields[current] = unquote(rest)
        elif line.startswith('"') and current:
            fields[current] += unquote(line)
        elif not line.strip():
            if "msgid" in fields and fields["msgid"] != "":
                entries.append((fields.get("msgctxt"), fields["msgid"], refs))
            refs, fields, current = [], {}, None
    return entries


def unquote(text):
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)),
                  text[1:-1])


def describe(entry):
    msgctxt, msgid, refs = entry
    shown = msgid.replace("\n", "\\n")
    if len(shown) > 100:
        shown = shown[:97] + "..."
    where = ", ".join(refs[:3]) + (", ..." if len(refs) > 3 else "")
    context = "[%s] " % msgctxt if msgctxt else ""
    return "%s\u201c%s\u201d (%s)" % (context, shown, where)


def check_complete(srcdir, outdir, langs):
    os.makedirs(outdir, exist_ok=True)
    pot = os.path.join(outdir, "satchel.pot")
    run(["xgettext", "--package-name=satchel", "-D", srcdir,
         "-f", os.path.join(srcdir, "po", "POTFILES.in"), "-o", pot]
        + XGETTEXT_GLIB_PRESET)
    with open(pot, encoding="utf-8") as f:
        total = len(parse_po(f.read()))

    tap = Tap(1 + len(langs))
    tap.result(total > 0, "the template has %d messages" % total)
    for lang in langs:
        merged = os.path.join(outdir, lang + ".merged.po")
        run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged,
             os.path.join(srcdir, "po", lang + ".po"), pot])
        untranslated = parse_po(run(["msgattrib", "--untranslated", "--no-obsolete",
                                     merged]).stdout.decode("utf-8"))
        fuzzy = parse_po(run(["msgattrib", "--only-fuzzy", "--no-obsolete",
                              merged]).stdout.decode("utf-8"))
        details = (["untranslated: " + describe(e) for e in untranslated]
                   + ["fuzzy: " + describe(e) for e in fuzzy])
        if details:
            details.insert(0, "%d of %d messages lack a %s translation; run "
                              "\u201cninja satchel-update-po\u201d and translate them"
                           % (len(untranslated) + len(fuzzy), total, lang))
        tap.result(not details, "every message has a %s translation" % lang, details)
    return tap


# What marks a translatable string, by kind of file.
MARKERS = [
    (re.compile(r"\.c$"),
     re.compile(r"(?<![\w])(?:_|N_|C_|NC_|ngettext|g_dngettext|g_dpgettext2)\s*\(\s*\"")),
    (re.compile(r"\.ui$"), re.compile(r"translatable=\"(?:yes|true)\"")),
    (re.compile(r"\.gschema\.xml$"), re.compile(r"<(?:summary|description)>")),
    (re.compile(r"\.(?:desktop|metainfo\.xml|appdata\.xml)(?:\.in)*$"), re.compile(r".")),
]
SEARCHED = ["src", "data"]


def check_potfiles(srcdir):
    listed = potfiles(srcdir)
    tap = Tap(2)
    missing = [name for name in listed if not os.path.isfile(os.path.join(srcdir, name))]
    tap.result(not missing, "every file po/POTFILES.in names exists",
               ["no such file: " + name for name in missing])

    unlisted = []
    for top in SEARCHED:
        for folder, dirs, files in os.walk(os.path.join(srcdir, top)):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, srcdir)
                if relative in listed:
                    continue
                for file_re, marker in MARKERS:
                    if file_re.search(name):
                        with open(path, encoding="utf-8", errors="replace") as f:
                            if marker.search(f.read()):
                                unlisted.append(relative)
                        break
    tap.result(not unlisted, "every file with translatable strings is in po/POTFILES.in",
               ["not in po/POTFILES.in: " + name for name in unlisted])
    return tap


def main(argv):
    if len(argv) >= 4 and argv[1] == "complete":
        tap = check_complete(argv[2], argv[3], argv[4:])
    elif len(argv) == 3 and argv[1] == "potfiles":
        tap = check_potfiles(argv[2])
    else:
        raise SystemExit(__doc__)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
