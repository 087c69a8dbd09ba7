"""The Debian package: built by installer/linux/build-deb.sh with dpkg-deb, its metadata, file
list and ownership read back with dpkg-deb, then installed into a scratch root with
``dpkg --root``, run, removed and purged (the shop's data stays).

The fast tests package a stand-in build (a script called ``cashier``). With
CASHIER_BUILD_SMOKE=1 the real bundle of the frozen smoke test is packaged too, installed, and
its self-checks run from the installed place. Installing with dpkg needs root (it makes the
files root's); elsewhere the package is unpacked with ``dpkg-deb -x`` and checked the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.frozen import REPO, chinese_font_installed, run_frozen
from tests.installer.test_installer_files import fake_build

BUILD_DEB = REPO / "installer" / "linux" / "build-deb.sh"
VERSION = re.search(r'^version = "(.+)"$', (REPO / "pyproject.toml").read_text(), re.M)[1]
IS_ROOT = sys.platform.startswith("linux") and os.geteuid() == 0

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not shutil.which("dpkg-deb"),
    reason="needs Linux with dpkg-deb (package dpkg)")

#: What the bundle links to but does not carry, and the package that brings it. The frozen
#: test fails on a library missing here: declare its package in installer/linux/debian/control.
SYSTEM_LIBRARIES = {
    **dict.fromkeys(["libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
                     "libresolv.so.2", "libutil.so.1", "ld-linux-x86-64.so.2"], "libc6"),
    "libGL.so.1": "libgl1", "libEGL.so.1": "libegl1", "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1", "libxcb.so.1": "libxcb1",
    **{f"libxcb-{name}.so.{number}": f"libxcb-{name}{number}" for name, number in [
        ("cursor", 0), ("icccm", 4), ("image", 0), ("keysyms", 1), ("randr", 0), ("render", 0),
        ("render-util", 0), ("shape", 0), ("shm", 0), ("sync", 1), ("util", 1), ("xfixes", 0),
        ("xkb", 1)]},
    "libwayland-client.so.0": "libwayland-client0", "libwayland-cursor.so.0":
        "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
    "libusb-1.0.so.0": "libusb-1.0-0",
}


def build_deb(dist: Path) -> Path:
    done = subprocess.run(["bash", str(BUILD_DEB)], env={**os.environ, "CASHIER_DIST": str(dist)},
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    deb = Path(done.stdout.split()[-1])
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                          text=True).stdout.strip()
    assert deb == dist / f"cashier_{VERSION}_{arch}.deb" and deb.is_file()
    return deb


def fields(deb: Path) -> dict[str, str]:
    text = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True,
                          check=True).stdout
    return dict(re.findall(r"^(\S+): (.*)$", text, re.M))


def depends(deb: Path) -> list[str]:
    """The Depends field, one alternative group each (``a | b``)."""
    return [group.strip() for group in fields(deb)["Depends"].split(",")]


def contents(deb: Path) -> dict[str, tuple[str, str]]:
    """path -> (mode string, owner/group) from ``dpkg-deb --contents``."""
    text = subprocess.run(["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True,
                          check=True).stdout
    found = {}
    for line in text.splitlines():
        mode, owner, _size, _day, _time, path = line.split(None, 5)
        found[path.split(" -> ")[0]] = (mode, owner)
    return found


def dpkg(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """dpkg on the scratch root; maintainer scripts run outside it with DPKG_ROOT set (ours do
    nothing then), dependencies are not there to check."""
    return subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless",
                           "--force-depends", "--log=/dev/null", *args],
                          capture_output=True, text=True, timeout=300)


def scratch_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    (root / "var/lib/dpkg/updates").mkdir(parents=True)
    (root / "var/lib/dpkg/info").mkdir()
    (root / "var/lib/dpkg/status").write_text("")
    return root


def install(deb: Path, root: Path) -> None:
    """Into ``root``: with dpkg as root, else unpacked (``dpkg-deb -x``)."""
    if IS_ROOT:
        done = dpkg(root, "--install", str(deb))
        assert done.returncode == 0, done.stdout + done.stderr
    else:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True, timeout=300)


@pytest.fixture(scope="module")
def stand_in_deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_deb(fake_build(tmp_path_factory.mktemp("deb")))


def test_the_package_declares_what_the_bundle_does_not_carry(stand_in_deb: Path) -> None:
    info = fields(stand_in_deb)
    assert (info["Package"], info["Version"]) == ("cashier", VERSION)
    assert info["Maintainer"] and int(info["Installed-Size"]) > 0
    groups = depends(stand_in_deb)
    assert re.fullmatch(r"libc6 \(>= 2\.\d+\)", groups[0])
    for package in ("libgl1", "libegl1", "libxcb1", "libxcb-cursor0", "libxcb-icccm4",
                    "libxcb-keysyms1", "libxkbcommon-x11-0", "libfontconfig1", "libusb-1.0-0"):
        assert package in groups
    fonts = next(g for g in groups if "fonts-" in g).split(" | ")
    assert {"fonts-noto-cjk", "fonts-wqy-microhei"} <= set(fonts)
    assert set(SYSTEM_LIBRARIES.values()) <= {g.split(" ")[0] for g in groups}


def test_apt_can_satisfy_every_dependency(stand_in_deb: Path) -> None:
    """Every package named in Depends exists in this machine's distribution (a simulated
    ``apt install ./cashier_*.deb``: nothing is installed)."""
    if not shutil.which("apt-get"):
        pytest.skip("not a Debian-like system (no apt-get)")
    policy = subprocess.run(["apt-cache", "policy", "libgl1"], capture_output=True, text=True,
                            timeout=120).stdout
    if "Candidate: (none)" in policy or "Candidate:" not in policy:
        pytest.skip("apt has no package lists (apt-get update)")
    done = subprocess.run(["apt-get", "install", "--simulate", "--no-install-recommends",
                           str(stand_in_deb)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert re.search(r"^Inst cashier ", done.stdout, re.M)


def test_the_package_files_are_roots_and_where_debian_looks(stand_in_deb: Path) -> None:
    files = contents(stand_in_deb)
    assert {owner for _, owner in files.values()} == {"root/root"}
    writable = [path for path, (mode, _) in files.items()
                if mode[0] != "l" and "w" in (mode[5], mode[8])]
    assert writable == []
    assert files["./opt/cashier/cashier"][0] == "-rwxr-xr-x"
    assert files["./usr/bin/cashier"][0].startswith("l")
    for path in ("./usr/share/applications/cashier.desktop",
                 "./usr/share/icons/hicolor/scalable/apps/cashier.svg",
                 "./usr/share/icons/hicolor/256x256/apps/cashier.png",
                 "./usr/lib/udev/rules.d/70-cashier-pos.rules"):
        assert files[path][0] == "-rw-r--r--", path
    # Nothing in /etc (no settings to keep on purge) or in the administrator's /usr/local.
    assert not [p for p in files if p.startswith(("./etc", "./usr/local", "./home"))]


def test_the_maintainer_scripts_reload_udev_and_the_menu(stand_in_deb: Path,
                                                         tmp_path: Path) -> None:
    subprocess.run(["dpkg-deb", "--control", str(stand_in_deb), str(tmp_path)], check=True)
    postinst, postrm = ((tmp_path / name).read_text() for name in ("postinst", "postrm"))
    assert "udevadm control --reload-rules" in postinst and "udevadm trigger" in postinst
    assert "update-desktop-database" in postinst and "gtk-update-icon-cache" in postinst
    assert "udevadm control --reload-rules" in postrm
    assert not re.search(r"\brm\b", postrm)  # purge deletes nothing of the shop's
    for script in (tmp_path / "postinst", tmp_path / "postrm"):
        assert os.access(script, os.X_OK)
        assert subprocess.run(["sh", "-n", str(script)]).returncode == 0


@pytest.mark.skipif(not IS_ROOT, reason="dpkg installs as root only (it makes the files root's)")
def test_install_remove_and_purge_in_a_scratch_root(stand_in_deb: Path, tmp_path: Path) -> None:
    root = scratch_root(tmp_path)
    install(stand_in_deb, root)
    program = root / "opt/cashier/cashier"
    assert subprocess.run([str(program)], capture_output=True, text=True).stdout == "frozen\n"
    assert program.stat().st_uid == 0 and program.stat().st_mode & 0o777 == 0o755
    assert os.readlink(root / "usr/bin/cashier") == "/opt/cashier/cashier"
    status = dpkg(root, "--status", "cashier").stdout
    assert "Status: install ok installed" in status
    journal = root / "home/ann/.local/share/cashier/journal.sqlite3"
    journal.parent.mkdir(parents=True)
    journal.write_bytes(b"every sale")

    done = dpkg(root, "--remove", "cashier")
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (root / "opt").exists() and not (root / "usr").exists()  # nothing left behind
    done = dpkg(root, "--purge", "cashier")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "install ok installed" not in dpkg(root, "--status", "cashier").stdout
    assert journal.read_bytes() == b"every sale"  # apt remove and purge keep the shop's data


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_the_real_bundle_installs_and_passes_its_self_checks(bundle: Path,
                                                             tmp_path: Path) -> None:
    deb = build_deb(bundle.parent)
    unbundled = set()
    for binary in (p for p in bundle.rglob("*.so*") if p.is_file() and not p.is_symlink()):
        dump = subprocess.run(["objdump", "-p", str(binary)], capture_output=True, text=True)
        unbundled |= set(re.findall(r"^\s+NEEDED\s+(\S+)$", dump.stdout, re.M))
    unbundled -= {p.name for p in bundle.rglob("*.so*")}
    assert unbundled <= set(SYSTEM_LIBRARIES), f"undeclared: {unbundled - set(SYSTEM_LIBRARIES)}"
    declared = {g.split(" ")[0] for g in depends(deb)}
    assert {SYSTEM_LIBRARIES[name] for name in unbundled} <= declared

    root = scratch_root(tmp_path)
    install(deb, root)
    program = root / "opt/cashier/cashier"
    done = run_frozen(program, tmp_path, "self-check")
    assert done.returncode == 0, done.stdout + done.stderr
    language = "zh_CN" if chinese_font_installed() else "en"  # Chinese needs a Chinese font
    done = run_frozen(program, tmp_path, "gui", "--demo", "--self-check", "--language", language)
    assert done.returncode == 0, done.stdout + done.stderr
    if IS_ROOT:
        assert dpkg(root, "--purge", "cashier").returncode == 0
        assert not (root / "opt").exists()
