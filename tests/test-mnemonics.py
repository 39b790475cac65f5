#!/usr/bin/env python3
# test-mnemonics.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the access keys of every menu in the UI files.

    test-mnemonics.py SRCDIR LANG...

Each item of a <menu> in data/ui/*.ui (its sections included; a
submenu is a menu of its own) must have an access key, in English and
in each catalogue po/LANG.po, and no two items of one menu may share
one: Alt and the letter would then only move between them instead of
choosing. Prints TAP."""

import gettext
import glob
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def mnemonic(label):
    """The access key of @label, lower-cased, or None ("__" is a
    literal underscore)."""
    i = 0
    while i < len(label) - 1:
        if label[i] == "_":
            if label[i + 1] != "_":
                return label[i + 1].lower()
            i += 1
        i += 1
    return None


def menu_labels(menu):
    """[(label, context)] of the items of @menu, sections included, and
    the submenus found on the way."""
    labels = []
    submenus = []
    for child in menu:
        if child.tag == "section":
            more, subs = menu_labels(child)
            labels += more
            submenus += subs
        elif child.tag == "submenu":
            submenus.append(child)
            for attribute in child.findall("attribute"):
                if attribute.get("name") == "label":
                    labels.append((attribute.text, attribute.get("context")))
        elif child.tag == "item":
            for attribute in child.findall("attribute"):
                if attribute.get("name") == "label":
                    labels.append((attribute.text, attribute.get("context")))
            for link in child.findall("link"):
                if link.get("name") == "submenu":
                    submenus.append(link)
    return labels, submenus


def all_menus(srcdir):
    """[(name, [(label, context)])] for every menu of every UI file."""
    menus = []
    for path in sorted(glob.glob(os.path.join(srcdir, "data", "ui", "*.ui"))):
        todo = list(ET.parse(path).getroot().iter("menu"))
        n = 0
        while todo:
            menu = todo.pop(0)
            labels, submenus = menu_labels(menu)
            name = "%s: %s" % (os.path.basename(path), menu.get("id") or "submenu %d" % n)
            menus.append((name, labels))
            todo += submenus
            n += 1
    return menus


def catalogue(srcdir, lang, tmp):
    mo = os.path.join(tmp, lang + ".mo")
    subprocess.run(["msgfmt", "-o", mo, os.path.join(srcdir, "po", lang + ".po")],
                   check=True, timeout=120)
    with open(mo, "rb") as f:
        return gettext.GNUTranslations(f)


def check(menus, translate):
    """Problems, one a line, of @menus with labels passed through
    @translate(label, context)."""
    problems = []
    for name, labels in menus:
        seen = {}
        for label, context in labels:
            shown = translate(label, context)
            key = mnemonic(shown)
            if key is None:
                problems.append("%s: “%s” has no access key" % (name, shown))
            elif key in seen:
                problems.append("%s: “%s” and “%s” share the access key %s"
                                % (name, seen[key], shown, key))
            else:
                seen[key] = shown
    return problems


def main(argv):
    srcdir = argv[1]
    langs = argv[2:]
    menus = all_menus(srcdir)
    print("1..%d" % (2 + len(langs)), flush=True)
    failed = False

    ok = len(menus) > 0 and all(labels for _, labels in menus)
    print("%s 1 - the UI files have menus with items (%d found)"
          % ("ok" if ok else "not ok", len(menus)), flush=True)
    failed |= not ok

    problems = check(menus, lambda label, context: label)
    print("%s 2 - English" % ("not ok" if problems else "ok"), flush=True)
    for line in problems:
        print("# " + line, flush=True)
    failed |= bool(problems)

    with tempfile.TemporaryDirectory() as tmp:
        for n, lang in enumerate(langs, 3):
            translations = catalogue(srcdir, lang, tmp)

            def translate(label, context):
                if context:
                    return translations.pgettext(context, label)
                return translations.gettext(label)

            problems = check(menus, translate)
            print("%s %d - %s" % ("not ok" if problems else "ok", n, lang), flush=True)
            for line in problems:
                print("# " + line, flush=True)
            failed |= bool(problems)

    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
