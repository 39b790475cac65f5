# test_install.py
#
# Copyright 2026 The Satchel authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install` into a DESTDIR, as a distribution package is made: a
build of its own with --prefix=/usr puts every file in its place, and the
installed desktop file makes Satchel the handler of mailto: links the way
xdg-open and xdg-email find one on GNOME (they run `gio open`), both by
running its Exec line and by D-Bus activation of the installed service.

The build is kept in the build folder (tests/integration/install-check)
so that later runs only rebuild what changed; each run installs into a
fresh DESTDIR."""

import configparser
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

from satchel_testlib import main

APP_ID = "io.github.satchel.Satchel"
SOURCE_ROOT = os.environ.get("SATCHEL_SOURCE_ROOT")
INSTALL_BUILD = os.environ.get("SATCHEL_INSTALL_BUILDDIR")
# Characters a shell or a naive Exec expansion would split or eat.
MAILTO = ("mailto:bob@example.com?cc=carol@example.com"
          "&subject=Hello%20there%20%E4%BD%A0%E5%A5%BD&body=Line%201%0D%0A;x&y")

# The install happens once, for all the tests below.
_installed = {}


def sh(argv, env=None, timeout=300, check=True):
    proc = subprocess.run(argv, capture_output=True, env=env, timeout=timeout)
    proc.out = proc.stdout.decode("utf-8", "replace")
    proc.err = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        raise AssertionError("%s: exit %d\nstdout: %s\nstderr: %s"
                             % (" ".join(argv), proc.returncode, proc.out, proc.err))
    return proc


def install():
    """Configures (once), builds and installs; returns DESTDIR."""
    if "destdir" in _installed:
        return _installed["destdir"]
    env = dict(os.environ)
    if not os.path.exists(os.path.join(INSTALL_BUILD, "build.ninja")):
        sh(["meson", "setup", INSTALL_BUILD, SOURCE_ROOT, "--prefix=/usr",
            "--buildtype=debug", "-Dtests=false"], env=env)
    sh(["ninja", "-C", INSTALL_BUILD, "-j2"], env=env)
    destdir = tempfile.mkdtemp(prefix="satchel-destdir-")
    env["DESTDIR"] = destdir
    sh(["meson", "install", "-C", INSTALL_BUILD, "--no-rebuild", "--quiet"], env=env)
    _installed["destdir"] = destdir
    return destdir


def desktop_entry(path):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser


class InstallTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not SOURCE_ROOT or not INSTALL_BUILD:
            raise unittest.SkipTest("run by meson test (SATCHEL_SOURCE_ROOT unset)")
        cls.dest = install()
        cls.usr = os.path.join(cls.dest, "usr")
        cls.share = os.path.join(cls.usr, "share")
        cls.desktop = os.path.join(cls.share, "applications", APP_ID + ".desktop")
        cls.service = os.path.join(cls.share, "dbus-1", "services", APP_ID + ".service")

    @classmethod
    def tearDownClass(cls):
        if _installed.get("destdir"):
            shutil.rmtree(_installed.pop("destdir"), ignore_errors=True)

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="satchel-install-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def installed(self):
        found = set()
        for folder, _, files in os.walk(self.dest):
            for name in files:
                found.add(os.path.relpath(os.path.join(folder, name), self.dest))
        return found

    def session_env(self, path_first=()):
        """An environment like a fresh desktop session's where the package
        is installed: XDG_DATA_DIRS and PATH lead to DESTDIR, and the user
        has no mimeapps.list of their own."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("XDG_", "DBUS_", "G_DEBUG"))}
        for name in ("data", "config", "state", "cache", "config-dirs"):
            os.makedirs(os.path.join(self.tmp, name), exist_ok=True)
        env.update({
            "HOME": self.tmp,
            "XDG_DATA_HOME": os.path.join(self.tmp, "data"),
            "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"),
            "XDG_STATE_HOME": os.path.join(self.tmp, "state"),
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            "XDG_CONFIG_DIRS": os.path.join(self.tmp, "config-dirs"),
            "XDG_DATA_DIRS": self.share + ":/usr/share",
            "PATH": ":".join(list(path_first) + [os.path.join(self.usr, "bin"),
                                                 "/usr/bin", "/bin"]),
            "LC_ALL": "C.UTF-8",
            "GIO_USE_PROXY_RESOLVER": "dummy",
        })
        return env

    def update_desktop_database(self):
        # What the package's trigger (or meson's post-install step, on a
        # live install) does: GLib finds a scheme's handler through
        # mimeinfo.cache.
        sh(["update-desktop-database", os.path.dirname(self.desktop)])

    # -- the files ------------------------------------------------------

    def test_files_in_place(self):
        expected = {
            "usr/bin/satchel",
            "usr/bin/satchel-cli",
            "usr/share/applications/%s.desktop" % APP_ID,
            "usr/share/dbus-1/services/%s.service" % APP_ID,
            "usr/share/metainfo/%s.metainfo.xml" % APP_ID,
            "usr/share/glib-2.0/schemas/%s.gschema.xml" % APP_ID,
            "usr/share/icons/hicolor/scalable/apps/%s.svg" % APP_ID,
            "usr/share/icons/hicolor/symbolic/apps/%s-symbolic.svg" % APP_ID,
            "usr/share/man/man1/satchel.1",
            "usr/share/man/man1/satchel-cli.1",
            "usr/share/locale/zh_CN/LC_MESSAGES/satchel.mo",
        }
        found = self.installed()
        self.assertEqual(sorted(expected - found), [], "missing from the install")
        # Nothing outside /usr, no tests, benchmarks or static libraries.
        unexpected = sorted(p for p in found - expected
                            if not p.startswith("usr/share/locale/")
                            or not p.endswith("/LC_MESSAGES/satchel.mo"))
        self.assertEqual(unexpected, [], "installed but not expected")
        for binary in ("satchel", "satchel-cli"):
            path = os.path.join(self.usr, "bin", binary)
            self.assertTrue(os.access(path, os.X_OK), path)
            # The prefix is compiled in: translations come from /usr.
            with open(path, "rb") as f:
                self.assertIn(b"/usr/share/locale", f.read(), binary)

    def test_desktop_file(self):
        sh(["desktop-file-validate", self.desktop])
        entry = desktop_entry(self.desktop)
        main_group = entry["Desktop Entry"]
        self.assertEqual(main_group["DBusActivatable"], "true")
        self.assertIn("x-scheme-handler/mailto", main_group["MimeType"].split(";"))
        self.assertEqual(main_group["Icon"], APP_ID)
        self.assertEqual(main_group["Exec"], "satchel %u")
        # Translated for Chinese desktops.
        self.assertRegex(main_group.get("Comment[zh_CN]", ""), r"[\u4e00-\u9fff]")
        actions = [a for a in main_group["Actions"].split(";") if a]
        self.assertEqual(actions, ["compose"])
        self.assertEqual(entry["Desktop Action compose"]["Exec"], "satchel --compose")

    def test_dbus_service_file(self):
        entry = desktop_entry(self.service)
        service = entry["D-BUS Service"]
        # The bus name, the desktop file's name and the application's
        # ID must be the same for DBusActivatable to work.
        self.assertEqual(service["Name"], APP_ID)
        self.assertEqual(service["Exec"], "/usr/bin/satchel --gapplication-service")

    def test_metainfo(self):
        path = os.path.join(self.share, "metainfo", APP_ID + ".metainfo.xml")
        sh(["appstream-util", "validate-relax", "--nonet", path])
        root = ET.parse(path).getroot()
        self.assertEqual(root.findtext("id"), APP_ID)
        self.assertEqual(root.findtext("launchable"), APP_ID + ".desktop")
        self.assertEqual(sorted(b.text for b in root.iter("binary")),
                         ["satchel", "satchel-cli"])
        self.assertEqual(root.find("releases/release").get("version"), "0.1.0")
        # merge_file put the Chinese summary in.
        lang = "{http://www.w3.org/XML/1998/namespace}lang"
        self.assertIn("zh_CN", [s.get(lang) for s in root.findall("summary")])

    def test_schema_compiles(self):
        sh(["glib-compile-schemas", "--strict", "--targetdir", self.tmp,
            os.path.join(self.share, "glib-2.0", "schemas")])
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "gschemas.compiled")))

    def test_icons_render(self):
        for path in ("icons/hicolor/scalable/apps/%s.svg" % APP_ID,
                     "icons/hicolor/symbolic/apps/%s-symbolic.svg" % APP_ID):
            root = ET.parse(os.path.join(self.share, path)).getroot()
            self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
        # rsvg-convert (librsvg2-bin) is installed by build-aux/install-deps test.
        for path in ("scalable/apps/%s.svg" % APP_ID,
                     "symbolic/apps/%s-symbolic.svg" % APP_ID):
            sh(["rsvg-convert", "-o", os.path.join(self.tmp, "icon.png"),
                os.path.join(self.share, "icons", "hicolor", path)])

    def test_man_pages(self):
        env = dict(os.environ, MANPATH=os.path.join(self.share, "man"), LC_ALL="C.UTF-8",
                   MANWIDTH="80")
        for page in ("satchel", "satchel-cli"):
            found = sh(["man", "-w", page], env=env).out.strip()
            self.assertEqual(found, os.path.join(self.share, "man", "man1", page + ".1"))
            proc = sh(["man", "--warnings", "-l", found], env=env)
            self.assertEqual(proc.err, "", page)
            self.assertIn("EXIT STATUS" if page == "satchel-cli" else "mailto:", proc.out)

    def test_translations(self):
        env = self.session_env()
        env.update(LANGUAGE="zh_CN",
                   SATCHEL_LOCALEDIR=os.path.join(self.share, "locale"))
        out = sh([os.path.join(self.usr, "bin", "satchel-cli"), "--help"], env=env).out
        self.assertRegex(out, r"[\u4e00-\u9fff]", "satchel-cli --help is not in Chinese")

    # -- mailto: links -------------------------------------------------

    def test_mailto_handler(self):
        self.update_desktop_database()
        env = self.session_env()
        out = sh(["gio", "mime", "x-scheme-handler/mailto"], env=env).out
        self.assertIn("Default application for \u201cx-scheme-handler/mailto\u201d: "
                      + APP_ID + ".desktop", out)

    def test_mailto_exec_line(self):
        """Without a session bus, `gio open` runs the Exec line: the link
        must arrive as one argument, untouched."""
        self.update_desktop_database()
        fake_bin = os.path.join(self.tmp, "bin")
        record = os.path.join(self.tmp, "argv.json")
        os.makedirs(fake_bin)
        with open(os.path.join(fake_bin, "satchel"), "w") as f:
            f.write("#!/usr/bin/python3\nimport json, sys\n"
                    "open(%r, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n" % record)
        os.chmod(os.path.join(fake_bin, "satchel"), 0o755)
        env = self.session_env(path_first=[fake_bin])
        env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + os.path.join(self.tmp, "no-bus")
        env.pop("DISPLAY", None)
        sh(["gio", "open", MAILTO], env=env, timeout=60)

        deadline = time.monotonic() + 30
        while not os.path.exists(record) and time.monotonic() < deadline:
            time.sleep(0.1)
        with open(record) as f:
            self.assertEqual([json.loads(line) for line in f], [[MAILTO]])

    def test_mailto_dbus_activation(self):
        """With a session bus, `gio open` asks the bus for the
        application: the bus starts the installed binary from the
        installed service file, and the application opens the link in a
        window of its own."""
        if not os.environ.get("DISPLAY"):
            self.skipTest("no X display (run under build-aux/headless)")
        self.update_desktop_database()
        schemas = os.path.join(self.tmp, "schemas")
        os.makedirs(schemas)
        sh(["glib-compile-schemas", "--targetdir", schemas,
            os.path.join(self.share, "glib-2.0", "schemas")])

        # The installed service file, its Exec moved from /usr to DESTDIR.
        services = os.path.join(self.tmp, "services")
        os.makedirs(services)
        with open(self.service, encoding="utf-8") as f:
            text = f.read()
        with open(os.path.join(services, APP_ID + ".service"), "w") as f:
            f.write(text.replace("Exec=/usr/", "Exec=%s/" % self.usr))
        config = os.path.join(self.tmp, "bus.conf")
        with open(config, "w") as f:
            f.write("""<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <servicedir>%s</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
""" % (self.tmp, services))

        env = self.session_env()
        # The bus passes its environment to the services it starts.
        env.update(GSETTINGS_SCHEMA_DIR=schemas, GSETTINGS_BACKEND="memory",
                   SATCHEL_LOCALEDIR=os.path.join(self.share, "locale"),
                   G_DEBUG="fatal-criticals")
        service_log = open(os.path.join(self.tmp, "service.log"), "w+")
        bus = subprocess.Popen(["dbus-daemon", "--nofork", "--print-address",
                                "--config-file", config],
                               stdout=subprocess.PIPE, stderr=service_log, env=env)
        try:
            address = bus.stdout.readline().decode().strip()
            self.assertTrue(address, "dbus-daemon did not start")
            env["DBUS_SESSION_BUS_ADDRESS"] = address
            try:
                self.check_activation(env, service_log)
            finally:
                self.stop_app(env)
        finally:
            bus.terminate()
            bus.wait(timeout=30)
            service_log.close()

    def gdbus(self, env, dest, path, method, *args, check=True):
        return sh(["gdbus", "call", "--session", "--timeout", "30", "--dest", dest,
                   "--object-path", path, "--method", method] + list(args),
                  env=env, timeout=60, check=check)

    def check_activation(self, env, service_log):
        proc = sh(["gio", "open", MAILTO], env=env, timeout=120, check=False)
        service_log.seek(0)
        log = service_log.read()
        self.assertEqual(proc.returncode, 0,
                         "gio open failed: %s\nthe service said:\n%s" % (proc.err, log))
        owner = self.gdbus(env, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                           "org.freedesktop.DBus.NameHasOwner", APP_ID).out
        self.assertIn("true", owner, "the application is not on the bus\n" + log)

        # GtkApplication exports each of its windows' actions under
        # /io/github/satchel/Satchel/window/N: wait for one.
        path = "/" + APP_ID.replace(".", "/") + "/window"
        deadline = time.monotonic() + 60
        windows = []
        while time.monotonic() < deadline:
            out = sh(["gdbus", "introspect", "--session", "--dest", APP_ID,
                      "--object-path", path], env=env, check=False).out
            windows = re.findall(r"^\s*node (\w+)", out, re.M)
            if windows:
                break
            time.sleep(0.5)
        service_log.seek(0)
        log = service_log.read()
        self.assertTrue(windows, "the link opened no window\nthe service said:\n" + log)
        self.assertNotIn("CRITICAL", log)
        self.assertNotIn("can not open", log)

    def stop_app(self, env):
        pid = self.gdbus(env, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                         "org.freedesktop.DBus.GetConnectionUnixProcessID", APP_ID,
                         check=False)
        match = re.search(r"\(uint32 (\d+),\)", pid.out)
        if not match:
            return
        pid = int(match.group(1))
        self.gdbus(env, APP_ID, "/" + APP_ID.replace(".", "/"),
                   "org.gtk.Actions.Activate", "quit", "[]", "{}", check=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
