"""The running terminal notices its journal deleted, replaced or emptied and takes no sale."""

from __future__ import annotations

import os

import pytest

from cashier.journal import Journal
from cashier.simulator import Scenario, demo_code
from tests.cli.conftest import Cli, settings_text
from tests.ui.helpers import key_amount


def _delete(path):
    path.unlink()


def _replace(path):
    other = path.with_name("other.sqlite")
    Journal(other).close()
    os.replace(other, path)


def _empty(path):
    os.truncate(path, 0)


@pytest.mark.parametrize(("damage", "said"), [(_delete, "was deleted"),
                                              (_replace, "was replaced by another file"),
                                              (_empty, "was emptied")])
def test_sale_refused_with_a_clear_message_when_the_journal_is_gone(qtbot, make_terminal,
                                                                    damage, said):
    terminal = make_terminal()
    window = terminal.window
    damage(terminal.runtime.journal.path)
    key_amount(qtbot, terminal, "12.34")
    window.handle_scan(demo_code(Scenario.INSTANT_SUCCESS))
    qtbot.waitUntil(lambda: said in window.amount_entry.message.text(), timeout=5000)
    assert window.state == "entry"
    assert "cashier journal new" in window.amount_entry.message.text()
    assert terminal.simulator.requests(action="PASSIVEPAY") == []  # nothing charged
    assert terminal.runtime.journal.history() == []  # nothing written into the ghost either


def test_terminal_does_not_start_on_an_emptied_journal(tmp_path, capsys):
    config = tmp_path / "cashier.toml"
    config.write_text(settings_text(None, tmp_path, credentials=False), encoding="utf-8")
    demo_journal = tmp_path / "demo" / "journal.sqlite3"
    demo_journal.parent.mkdir()
    demo_journal.write_bytes(b"")
    result = Cli(config, tmp_path, capsys).run("gui", "--demo", "--exit-after", "1")
    assert result.code == 2
    assert "is empty (0 bytes)" in result.err and "cashier journal new" in result.err
    assert "cashier terminal running" not in result.out
    assert demo_journal.stat().st_size == 0
