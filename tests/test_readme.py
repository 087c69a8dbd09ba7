"""The README and the project files tell a new user the truth about what a fresh clone has and
what the program does: links, demo codes, commands, PINs, packaging metadata."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from cashier.simulator.scenarios import Scenario, scenario_for
from cashier.wallets import PaymentCodeError, Wallet, classify_payment_code

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_link_and_path_in_the_readme_is_in_the_clone():
    links = re.findall(r"\]\(([^)#]+)\)", README)
    paths = re.findall(r"`((?:cashier|docs|installer|resources|tests|benchmarks)/[^`\s]*)`",
                       README)
    assert links and paths
    missing = [name for name in links + paths
               if "://" not in name and not (ROOT / name).exists()]
    assert missing == []
    assert "../" not in README  # nothing outside the clone


def test_the_protocol_notes_the_code_follows_are_in_docs():
    assert "(docs/ottpay-protocol.md)" in README
    assert (ROOT / "docs" / "ottpay-protocol.md").read_text(encoding="utf-8").startswith(
        "# OTT Pay wire protocol")


def test_demo_codes_in_the_readme_do_what_the_table_says():
    rows = re.findall(r"^\| `(\d+)`[^|]*\| (.+?) \|$", README, flags=re.MULTILINE)
    assert len(rows) == len(Scenario)
    for code, _meaning in rows:
        assert classify_payment_code(code) is Wallet.WECHATPAY
    assert {scenario_for(code) for code, _ in rows} == set(Scenario)
    for wallet, code in ((Wallet.ALIPAY, "2845678901231111"),
                         (Wallet.UNIONPAY, "6212345678901231111")):
        assert f"`{code}`" in README
        assert classify_payment_code(code) is wallet


@pytest.mark.parametrize("digits", [15, 16, 24, 25])
def test_alipay_length_in_the_readme_is_what_the_terminal_accepts(digits):
    assert "Alipay codes are 16-24 digits from 25-30" in README
    code = "28" + "1" * (digits - 2)
    accepted = True
    try:
        classify_payment_code(code)
    except PaymentCodeError:
        accepted = False
    assert accepted is (16 <= digits <= 24)


def test_the_license_is_an_spdx_string():
    """A table (``{ text = ... }``) makes every install print setuptools' deprecation warning."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"



def test_the_command_list_names_every_command():
    from tests.cli.conftest import leaf_commands

    block = README.split("## Command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    listed = " ".join(line.split("#", 1)[0] for line in block.splitlines())
    for command in sorted(leaf_commands()):
        first, *rest = command.split()
        assert f"cashier {first}" in listed or f"| {first}" in listed, command
        for word in rest:
            assert word in listed, command


def test_the_makefile_installs_without_notes_a_newcomer_cannot_act_on():
    """pip -qq shows errors only (the README's two commands should print nothing alarming)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line for line in makefile.splitlines() if "pip install" in line]
    assert installs and all("--quiet --quiet" in line for line in installs)


def test_the_start_up_check_deadline_in_the_readme_is_the_terminals():
    from cashier.port import STARTUP_CHECK_SECONDS

    text = " ".join(README.split())
    assert (f"ends within {STARTUP_CHECK_SECONDS:g} s (`STARTUP_CHECK_SECONDS` in "
            "`cashier/port.py`)") in text


def test_the_store_database_setup_works_without_a_terminal():
    """``createuser -P`` asks for the password on a terminal; run from a script it made a user
    with no password. Step 1 gives the role its password in one command instead."""
    step = README.split("## Several counters", 1)[1].split("\n2. ", 1)[0]
    assert "createuser -P cashier" not in step
    assert """psql -c "CREATE ROLE cashier LOGIN PASSWORD '""" in step
    assert "createdb -O cashier store" in step


def test_the_readme_says_a_z_report_rolls_the_business_day():
    reports = README.split("- **X and Z reports.**", 1)[1].split("\n- **", 1)[0]
    assert "rolls to the next day" in reports and "tomorrow's date" in reports


def test_a_lane_selling_through_commands_is_told_to_run_store_sync_and_its_deadline():
    from cashier.cli import build_parser

    timeout = build_parser().parse_args(["store", "sync"]).timeout
    text = " ".join(README.split())
    assert ("its sales and refunds reach the store only through `cashier store sync`") in text
    assert "store sync --timeout 50" in text and "OnCalendar=minutely" in text
    assert f"keeps trying for {timeout:g} s by default" in text
    assert f"`cashier store sync` for {timeout:g} s by default" in text
