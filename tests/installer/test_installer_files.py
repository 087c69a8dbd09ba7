"""Fast checks of the packaging files: spec data, desktop entry, udev rules, install scripts."""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALLER = REPO / "installer"
LINUX = INSTALLER / "linux"
RULES = LINUX / "70-cashier-pos.rules"


def spec_constant(name: str) -> list:
    """A literal list assigned at the top level of cashier.spec (read, never executed)."""
    tree = ast.parse((INSTALLER / "cashier.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"cashier.spec has no {name} list")


def test_every_bundled_data_source_exists() -> None:
    data = spec_constant("BUNDLED_DATA")
    targets = {target for _, target in data}
    assert {"resources", "resources/translations", "resources/icons"} <= targets
    for pattern, target in data:
        matches = list(REPO.glob(pattern))
        assert matches, f"cashier.spec bundles {pattern}, which matches no file"
        # Bundled where the code looks for it: the same folder as in the source tree.
        assert all(m.parent.relative_to(REPO).as_posix() == target for m in matches)


def test_the_files_the_app_loads_are_all_in_the_data_list() -> None:
    bundled = {p.relative_to(REPO).as_posix()
               for pattern, _ in spec_constant("BUNDLED_DATA") for p in REPO.glob(pattern)}
    needed = ["resources/cashier.sample.toml", "resources/icons/cashier.png",
              "resources/icons/cashier.svg", "resources/icons/cashier.ico"]
    needed += [p.relative_to(REPO).as_posix()
               for p in (REPO / "resources" / "translations").glob("*.qm")]
    assert set(needed) <= bundled


def test_escpos_capability_data_the_spec_collects_is_installed() -> None:
    spec = importlib.util.find_spec("escpos")
    assert spec is not None and spec.origin is not None
    assert (Path(spec.origin).parent / "capabilities.json").is_file()
    assert 'collect_data_files("escpos", includes=["capabilities.json"])' in \
        (INSTALLER / "cashier.spec").read_text(encoding="utf-8")


def test_excluded_qt_modules_are_the_unused_ones() -> None:
    excluded = set(spec_constant("EXCLUDED_MODULES"))
    for family in ("PySide6.QtWebEngineCore", "PySide6.Qt3DCore", "PySide6.QtQuick",
                   "PySide6.QtQml", "PySide6.QtMultimedia"):
        assert family in excluded
    used = set()
    for source in (REPO / "cashier").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", source.read_text(encoding="utf-8")))
    assert used, "the app imports some Qt modules"
    assert not {f"PySide6.{m}" for m in used} & excluded, "the spec excludes a module in use"


def test_desktop_entry_is_valid() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(LINUX / "cashier.desktop", encoding="utf-8")
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application" and main["Exec"] == "cashier gui"
    assert main["Icon"] == "cashier" and (REPO / "resources/icons/cashier.svg").is_file()
    assert entry["Desktop Action demo"]["Exec"] == "cashier gui --demo"
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed (apt install desktop-file-utils)")
    done = subprocess.run([validator, str(LINUX / "cashier.desktop")], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


UDEV_KEY = re.compile(r'(?P<key>[A-Z]+(?:\{[A-Za-z_]+\})?)(?P<op>==|!=|\+=|=)"(?P<value>[^"]*)"')


def rule_lines() -> list[tuple[int, str]]:
    return [(n, line) for n, line in enumerate(RULES.read_text().splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]


def rules() -> list[dict[str, str]]:
    """Each rule as {key: value}."""
    return [{m["key"]: m["value"] for m in UDEV_KEY.finditer(line)} for _, line in rule_lines()]


def test_epson_rules_take_receipt_printers_only() -> None:
    """Epson also makes scanners and inkjets: a rule on the vendor id alone would hand them all
    to the lp group."""
    epson = [r for r in rules() if r["ATTRS{idVendor}"] == "04b8"]
    assert epson and all(r.get("ATTRS{idProduct}") == "0202" or r.get("ATTRS{product}") == "TM-*"
                         for r in epson)


def test_the_pos58_chip_is_covered_as_usb_printer_and_as_serial_port() -> None:
    pos58 = [r for r in rules()
             if (r["ATTRS{idVendor}"], r.get("ATTRS{idProduct}")) == ("0416", "5011")]
    assert {(r["SUBSYSTEM"], r["GROUP"]) for r in pos58} == {("usb", "lp"), ("tty", "dialout")}


def test_udev_rules_parse_and_each_has_a_comment() -> None:
    lines = RULES.read_text().splitlines()
    vendors = set()
    for number, line in rule_lines():
        parts = line.split(", ")
        parsed = [UDEV_KEY.fullmatch(part) for part in parts]
        assert all(parsed), f"line {number} is not key-op-\"value\" pairs: {line}"
        keys = {m["key"]: m for m in parsed if m}
        vendor = keys.get("ATTRS{idVendor}")
        assert vendor and vendor["op"] == "==", f"line {number} has no ATTRS{{idVendor}}=="
        assert re.fullmatch(r"[0-9a-f]{4}", vendor["value"]), f"line {number}: bad vendor id"
        product = keys.get("ATTRS{idProduct}")
        assert product is None or re.fullmatch(r"[0-9a-f]{4}", product["value"])
        assert keys["TAG"]["op"] == "+=" and keys["TAG"]["value"] == "uaccess"
        assert keys["GROUP"]["value"] in ("plugdev", "lp", "dialout")
        assert keys["MODE"]["value"] == "0660"
        assert lines[number - 2].startswith("# "), f"line {number} has no comment above it"
        vendors.add(vendor["value"])
    # Honeywell, Zebra, Datalogic, Newland scanners; Epson and Rongta/Zjiang-style printers.
    assert {"0c2e", "05e0", "05f9", "1eab", "04b8", "0fe6", "0416"} <= vendors


def test_udev_rules_file_runs_before_logind_applies_uaccess() -> None:
    # systemd applies TAG+="uaccess" in 73-seat-late.rules; a later file's tag is ignored.
    assert int(RULES.name.split("-")[0]) < 73


def test_udev_rules_pass_udevadm_verify_when_available() -> None:
    udevadm = shutil.which("udevadm")
    if udevadm is None:
        pytest.skip("udevadm is not installed")
    help_text = subprocess.run([udevadm, "--help"], capture_output=True, text=True).stdout
    if "verify" not in help_text:
        pytest.skip("this udevadm has no 'verify' (systemd < 254)")
    done = subprocess.run([udevadm, "verify", "--no-style", str(RULES)], capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr


def fake_build(tmp_path: Path) -> Path:
    """A dist/cashier folder as a builder with a group-writable umask leaves it."""
    dist = tmp_path / "dist"
    (dist / "cashier" / "_internal").mkdir(parents=True)
    program = dist / "cashier" / "cashier"
    program.write_text("#!/bin/sh\necho frozen\n")
    (dist / "cashier" / "_internal" / "base_library.zip").write_bytes(b"PK")
    program.chmod(0o775)
    (dist / "cashier" / "_internal" / "base_library.zip").chmod(0o664)
    (dist / "cashier" / "_internal").chmod(0o775)
    return dist


@pytest.mark.skipif(sys.platform == "win32", reason="the Linux install script needs bash")
def test_linux_install_script_lays_out_and_removes_the_program(tmp_path: Path) -> None:
    dist = fake_build(tmp_path)
    program = dist / "cashier" / "cashier"
    root = tmp_path / "root"
    env = {"PATH": "/usr/bin:/bin", "DESTDIR": str(root), "CASHIER_DIST": str(dist)}
    done = subprocess.run(["bash", str(LINUX / "install.sh")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "opt/cashier/cashier").read_text() == program.read_text()
    link = root / "usr/local/bin/cashier"
    assert link.is_symlink() and str(link.readlink()) == "/opt/cashier/cashier"
    assert (root / "usr/local/share/applications/cashier.desktop").is_file()
    assert (root / "usr/local/share/icons/hicolor/256x256/apps/cashier.png").is_file()
    assert (root / "usr/local/share/icons/hicolor/scalable/apps/cashier.svg").is_file()
    assert (root / "etc/udev/rules.d/70-cashier-pos.rules").read_text() == RULES.read_text()
    assert not (root / "usr/local/share/applications/mimeinfo.cache").exists()
    # Nothing installed is writable by anyone but its owner (root, under sudo): not cp -a.
    installed = [p for p in root.rglob("*") if not p.is_symlink()]
    assert not [p for p in installed if p.stat().st_mode & 0o022]
    assert (root / "opt/cashier/cashier").stat().st_mode & 0o777 == 0o755
    assert {p.stat().st_uid for p in installed} == {os.getuid()}

    # An older version ran update-desktop-database, which left an empty MIME cache.
    (root / "usr/local/share/applications/mimeinfo.cache").write_text("[MIME Cache]\n")
    done = subprocess.run(["bash", str(LINUX / "install.sh"), "--uninstall"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    left = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    # The standard folders stay; the icon and menu folders the install made are gone.
    assert left == ["etc", "etc/udev", "etc/udev/rules.d", "opt", "usr", "usr/local",
                    "usr/local/bin", "usr/local/share"]


def test_linux_install_script_refuses_without_a_build(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DESTDIR": str(tmp_path / "root"),
           "CASHIER_DIST": str(tmp_path / "nothing")}
    done = subprocess.run(["bash", str(LINUX / "install.sh")], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "run installer/build.sh first" in done.stderr
    assert not (tmp_path / "root").exists()


def test_build_script_is_executable_and_parses() -> None:
    script = INSTALLER / "build.sh"
    assert script.stat().st_mode & 0o111
    done = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_inno_setup_script_keeps_user_data_and_a_fixed_app_id() -> None:
    text = (INSTALLER / "cashier.iss").read_text(encoding="utf-8")
    app_id = re.search(r"^AppId=\{\{([0-9A-F-]+)\}$", text, re.MULTILINE)
    assert app_id and re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", app_id[1])
    assert 'Source: "..\\dist\\cashier\\*"' in text
    assert re.search(r'^Name: "\{group\}\\\{#AppName\}"', text, re.MULTILINE)
    assert "{uninstallexe}" in text
    # User data lives in the app-data folders; nothing in the script may delete it.
    for folder in ("{localappdata}", "{userappdata}", "{commonappdata}", "{%USERPROFILE}"):
        assert folder not in text
    assert "[UninstallDelete]" not in text
    assert "SetupIconFile=..\\resources\\icons\\cashier.ico" in text


def test_every_icon_format_comes_from_the_one_drawing() -> None:
    from PIL import Image

    icons = REPO / "resources" / "icons"
    spec = importlib.util.spec_from_file_location("make_icons", icons / "make_icons.py")
    assert spec is not None and spec.loader is not None
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    assert (icons / "cashier.svg").read_text(encoding="utf-8") == make_icons.svg()
    for size in make_icons.PNG_SIZES:
        with Image.open(icons / f"cashier-{size}.png") as png:
            assert png.size == (size, size)
    with Image.open(icons / "cashier.png") as png:
        colours = png.convert("RGB").getcolors(maxcolors=256 * 256)
    assert colours is not None
    assert "#{:02x}{:02x}{:02x}".format(*max(colours)[1]) == make_icons.BLUE  # background
    with Image.open(icons / "cashier.ico") as ico:
        assert set(ico.info["sizes"]) == set(make_icons.ICO_SIZES)
