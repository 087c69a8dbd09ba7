"""Chinese glyphs: the Chinese window self-check fails, and start-up in Chinese warns, when no
installed font draws the interface's characters; both pass with a Chinese font installed.

A font set without Chinese is made real with fontconfig: ``FONTCONFIG_FILE`` names a
configuration whose only font folder holds one Latin font of this machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase

from cashier.ui.fonts import COMMON_CHINESE, NO_CHINESE_FONT, chinese_font_problem, missing_glyphs
from tests.ui.test_gui_command import ROOT, gui_env


def font_files(pattern: str) -> list[str]:
    done = subprocess.run(["fc-list", "-f", "%{file}\n", pattern], capture_output=True,
                          text=True, timeout=60)
    return sorted(set(done.stdout.split()))


def has_chinese_font() -> bool:
    return bool(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


@pytest.fixture
def latin_only_env(tmp_path: Path) -> dict[str, str]:
    """The GUI's environment with fontconfig seeing one Latin font and nothing else."""
    if shutil.which("fc-list") is None:
        pytest.skip("fontconfig's fc-list is not installed")
    chinese = set(font_files(":lang=zh-cn"))
    latin = [f for f in font_files(":lang=en") if f not in chinese]
    if not latin:
        pytest.skip("no Latin-only font on this machine")
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / Path(latin[0]).name).symlink_to(latin[0])
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{fonts}</dir>'
                    f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>\n')
    return {**gui_env(tmp_path), "FONTCONFIG_FILE": str(conf)}


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cashier.cli", *args], env=env,
                          capture_output=True, text=True, timeout=90, cwd=ROOT)


def test_ascii_needs_no_check(qapp) -> None:
    assert missing_glyphs("Pay 12.34 CAD\n") == ""
    assert chinese_font_problem("en") is None


def test_with_a_chinese_font_nothing_is_missing(qapp) -> None:
    if not has_chinese_font():
        pytest.skip("no Chinese font installed (apt install fonts-wqy-microhei)")
    assert missing_glyphs(COMMON_CHINESE + "，：¥") == ""
    assert chinese_font_problem("zh_CN") is None


def test_the_chinese_self_check_fails_without_a_chinese_font(latin_only_env) -> None:
    done = cli(latin_only_env, "gui", "--demo", "--self-check", "--language", "zh_CN")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ok window:" in done.stdout and "ok payment" not in done.stdout
    assert "self-check failed at fonts: no installed font draws" in done.stderr
    assert "fonts-noto-cjk" in done.stderr


def test_the_english_self_check_needs_no_chinese_font(latin_only_env) -> None:
    done = cli(latin_only_env, "gui", "--demo", "--self-check", "--language", "en")
    assert done.returncode == 0, done.stdout + done.stderr


def test_start_up_in_chinese_warns_in_english_without_a_chinese_font(latin_only_env) -> None:
    done = cli(latin_only_env, "gui", "--demo", "--language", "zh_CN", "--exit-after", "0.2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert NO_CHINESE_FONT in done.stderr


def test_the_chinese_self_check_passes_with_a_chinese_font(tmp_path: Path, qapp) -> None:
    if not has_chinese_font():
        pytest.skip("no Chinese font installed (apt install fonts-wqy-microhei)")
    done = cli(gui_env(tmp_path), "gui", "--demo", "--self-check", "--language", "zh_CN")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok fonts: every one of" in done.stdout
    assert NO_CHINESE_FONT not in done.stderr
