"""The store's X and Z reports on the command line and on paper, against the real PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cashier import cli
from cashier.config import load_config
from cashier.journal import Journal
from cashier.payments.reports import z_report
from cashier.printing import store_report_bytes
from tests.devices.test_receipt import printed_lines
from tests.store.lane import sell
from tests.store.test_commands import settings
from tests.store.test_shipping import ship_all


@pytest.fixture(autouse=True)
def _log_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CASHIER_LOG_DIR", str(tmp_path / "log"))


def two_lanes(tmp_path: Path, store_url: str) -> tuple[str, dict[str, dict]]:
    """Lane 1 sold 10 and closed the day, lane 2 sold 6 and has not; both shipped. Returns the
    day and each lane's own totals (lane 1's Z, lane 2's running ones)."""
    from cashier.payments.reports import x_report

    totals = {}
    for terminal, count in (("lane-1", 10), ("lane-2", 6)):
        path = tmp_path / f"{terminal}.sqlite3"
        with Journal(path) as journal:
            sell(journal, terminal, count)
            day = journal.current_business_day()
            report = z_report(journal, day) if terminal == "lane-1" else x_report(journal, day)
            totals[terminal] = report.total.to_dict()
        ship_all(path, store_url, terminal)
    return day, totals


def printer_settings(tmp_path: Path, store_url: str, language: str = "en") -> Path:
    config = settings(tmp_path, store_url)
    with config.open("a", encoding="utf-8") as out:
        out.write(f'\n[printer]\nkind = "file"\naddress = "{tmp_path / "paper.bin"}"\n'
                  f'width = 58\n\n[ui]\nlanguage = "{language}"\n')
    return config


def run(capsys, config: Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = cli.main(["--config", str(config), "store", "report", *args])
    return code, capsys.readouterr().out


def test_the_store_z_prints_per_lane_and_in_total_and_closes_the_day_once(
        tmp_path, store_url, capsys):
    day, totals = two_lanes(tmp_path, store_url)
    config = printer_settings(tmp_path, store_url)
    code, out = run(capsys, config, "--z", "--print", "--date", day, "--json")
    z = json.loads(out)
    assert (code, z["closed_now"], z["lanes_open"]) == (0, True, ["lane-2"])
    assert z["store_z"]["lanes_closed"] == {"lane-1": 1}
    assert z["store_z"]["lanes_asked"] == ["lane-2"]
    assert [lane["terminal_id"] for lane in z["lanes"]] == ["lane-1"]
    assert z["total"] == totals["lane-1"]
    # lane 2 as its X counts it so far, named as such
    assert [(lane["terminal_id"], lane["total"]) for lane in z["open_lanes_x"]] == [
        ("lane-2", totals["lane-2"])]

    lines = [line.strip() for line in
             printed_lines((tmp_path / "paper.bin").read_bytes())]
    slip = " ".join(lines)
    assert ("NOT FINAL: the totals count only the lanes that closed the day; 1 lane(s) still "
            "open.") in slip
    assert (f"lane-2 Lane lane-2: still open, not final (X so far): net "
            f"{totals['lane-2']['net_cents'] / 100:.2f}, {totals['lane-2']['sales_count']} "
            "sale(s)") in slip
    assert "STORE Z REPORT (CLOSING) #1" in lines
    assert "lane-1 Lane lane-1 (Z #1)" in lines
    net = f"{totals['lane-1']['net_cents'] / 100:.2f}"
    assert [line for line in lines if line.startswith("NET")] == [f"NET{net:>29}"]
    assert "Still open: lane-2" in lines

    code, out = run(capsys, config, "--z", "--date", day)
    assert code == 2  # refused, as the lane's own Z of a closed day
    assert out.splitlines()[0] == (f"Business day {day} was already closed by store Z report "
                                   "#1; nothing was closed again.")
    assert "Still open, asked to close: lane-2" in out
    one, two = totals["lane-1"], totals["lane-2"]
    assert (f"  Lanes closed: net {one['net_cents'] / 100:.2f} ({one['sales_count']} sale(s)); "
            "not final, 1 lane(s) still open") in out.splitlines()
    assert (f"  lane-2 Lane lane-2: still open, not final (X so far): net "
            f"{two['net_cents'] / 100:.2f} ({two['sales_count']} sale(s))") in out.splitlines()
    assert "Store: net" not in out
    code, out = run(capsys, config, "--date", day)
    assert out.splitlines()[0] == f"Store X report (day closed by store Z report #1), {day}"
    store = one["net_cents"] + two["net_cents"]
    assert f"  Store: net {store / 100:.2f} ({one['sales_count'] + two['sales_count']} sale(s))" \
        in out.splitlines() and "not final" not in out  # the X as it was

    capsys.readouterr()
    code = cli.main(["--config", str(config), "store", "report", "--z", "--date", "2999-01-01"])
    assert code == 2
    assert "Business day 2999-01-01 has not begun; nothing was closed." in \
        capsys.readouterr().err


def test_the_store_x_prints_every_lane_in_chinese_too(tmp_path, store_url, capsys):
    day, totals = two_lanes(tmp_path, store_url)
    code, out = run(capsys, printer_settings(tmp_path, store_url), "--print", "--date", day,
                    "--json")
    x = json.loads(out)
    assert code == 0 and x["kind"] == "X" and x["store_z"] is None
    assert x["total"]["net_cents"] == sum(t["net_cents"] for t in totals.values())
    lines = [line.strip() for line in printed_lines((tmp_path / "paper.bin").read_bytes())]
    assert "STORE X REPORT (INTERIM)" in lines
    assert {"lane-1 Lane lane-1 (Z #1)", "lane-2 Lane lane-2"} <= set(lines)

    config = load_config(printer_settings(tmp_path, store_url, "zh_CN"), env={})
    x["kind"] = "Z"
    lines = [line.strip() for line in printed_lines(store_report_bytes(x, config))]
    assert "门店Z报表（日结）" in lines
    assert "lane-1 Lane lane-1（Z #1）" in lines and "尚未日结：lane-2" in lines
