"""The store's Z report closes the business day for every lane: three terminals as real processes
(or one in-process, cut off from the store), a real PostgreSQL, the store Z run from the command
line."""

from __future__ import annotations

import getpass
import json
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from cashier import cli
from cashier.config import load_config
from cashier.journal import Journal
from cashier.payments.reports import closed_report
from cashier.runtime import Runtime
from cashier.simulator import Scenario, Simulator, demo_code
from tests.faults.relay import DrippingRelay
from tests.store.test_commands import settings

ROOT = Path(__file__).resolve().parents[2]
LANES = ("lane-1", "lane-2", "lane-3")


@pytest.fixture(autouse=True)
def _log_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CASHIER_LOG_DIR", str(tmp_path / "log"))


class Lane:
    """One terminal process (``tests.store.lane terminal``) with its own folder and settings."""

    def __init__(self, folder: Path, store_url: str, terminal_id: str, sim: Simulator) -> None:
        folder.mkdir(exist_ok=True)
        self.terminal_id = terminal_id
        self.settings = settings(folder, store_url, lane=terminal_id, sim=sim)
        self.journal_path = folder / "journal.sqlite3"
        self.log = folder / "lane.log"
        self.proc: subprocess.Popen[str] | None = None

    def start(self, count: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store.lane", "terminal", str(self.settings),
             str(count), str(self.log)],
            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def said(self) -> dict:
        """The next JSON line the lane prints."""
        assert self.proc is not None and self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"lane {self.terminal_id} stopped (exit {self.proc.wait(10)})"
        return json.loads(line)

    def tell(self, command: str) -> dict:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.said()

    def stop(self) -> None:
        if self.proc is not None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            assert self.proc.wait(30) == 0
            self.proc.stdout.close()
            self.proc = None

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)

    def z_total(self, day: str) -> dict:
        """The total of the lane's own Z report of ``day``, from its journal."""
        with Journal(self.journal_path) as journal:
            report = closed_report(journal, day)
        assert report is not None, f"{self.terminal_id} has not closed {day}"
        return report["total"]


def closed_lanes(url: str, day: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT terminal_id, z_number FROM business_days "
                                 "WHERE business_day = %s", (day,)).fetchall())


def wait_for(condition, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.1)


def store_z(capsys, lane: Lane, day: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = cli.main(["--config", str(lane.settings), "store", "report", "--z", "--date", day,
                     "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_store_z_closes_the_day_on_every_lane_once_it_can(tmp_path, store_url, sim,
                                                              capsys):
    one, two, three = (Lane(tmp_path / t, store_url, t, sim) for t in LANES)
    lanes = (one, two, three)
    try:
        for lane, count in zip(lanes, (6, 5, 4), strict=True):
            lane.start(count)
        day = {lane.said()["day"] for lane in lanes}.pop()
        live = two.tell("qr")["live"]  # a payment in progress on lane 2
        three.stop()  # lane 3 is off when the store closes the day
        code, z = store_z(capsys, one, day)
        assert (code, z["kind"], z["closed_now"]) == (0, "Z", True)
        assert z["store_z"]["number"] == 1
        assert z["store_z"]["closed_by"] == f"lane-1, user {getpass.getuser()}"
        assert sorted(z["store_z"]["lanes_asked"]) == list(LANES)

        wait_for(lambda: "lane-1" in closed_lanes(store_url, day), "lane 1 closes the day")
        wait_for(lambda: "in progress settle" in two.log.read_text(encoding="utf-8"),
                 "lane 2 waits for its payment in progress")
        assert "lane-2" not in closed_lanes(store_url, day)  # the sale cannot settle yet

        sim.customer_pays(live)
        wait_for(lambda: "lane-2" in closed_lanes(store_url, day), "lane 2 closes the day")
        assert "lane-3" not in closed_lanes(store_url, day)
        three.start(0)  # back: it learns of the store's Z and closes the day
        three.said()
        wait_for(lambda: "lane-3" in closed_lanes(store_url, day), "lane 3 closes the day")
        for lane in lanes:
            lane.stop()

        code, again = store_z(capsys, one, day)
        assert (code, again["closed_now"], again["lanes_open"]) == (2, False, [])
        assert again["store_z"]["number"] == 1
        totals = {lane.terminal_id: lane.z_total(day) for lane in lanes}
        assert {x["terminal_id"]: x["total"] for x in again["lanes"]} == totals
        assert again["total"] == {key: sum(t[key] for t in totals.values())
                                  for key in again["total"] if key != "wallet"} | \
            {"wallet": "ALL"}
        # lane 2's Z counts the payment it waited for
        assert totals["lane-2"]["sales_count"] == 5 + 1
        assert totals["lane-1"]["sales_count"] == 6
        assert totals["lane-3"]["sales_count"] == 4
    finally:
        for lane in lanes:
            lane.kill()


def test_a_lane_cut_off_from_the_store_closes_the_day_once_it_is_back(
        tmp_path, store_url, sim, capsys):
    parts = urlsplit(store_url)
    with DrippingRelay(parts.port, interval=0, drip=0) as relay:
        through_relay = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:"
                                                          f"{relay.port}"))
        (tmp_path / "lane-1").mkdir()
        config = load_config(settings(tmp_path / "lane-1", through_relay, sim=sim), env={})
        office = Lane(tmp_path / "office", store_url, "office", sim)
        with Runtime.open(config, terminal=True, payment_overrides={"poll_interval": 0.1}) as rt:
            for amount in (1500, 2500):
                assert rt.engine.pay_passive(amount, demo_code(Scenario.INSTANT_SUCCESS)).is_paid
            assert rt.shipper.wait_caught_up(30)
            day = rt.journal.current_business_day()
            relay.cut()
            wait_for(lambda: not rt.shipper.status().connected, "the lane is cut off")

            code, z = store_z(capsys, office, day)
            assert (code, z["store_z"]["lanes_asked"]) == (0, ["lane-1"])
            assert rt.journal.z_record(day) is None  # it cannot know yet

            relay.mend()
            wait_for(lambda: "lane-1" in closed_lanes(store_url, day), "the lane closes the day")
            own = closed_report(rt.journal, day)
        code, again = store_z(capsys, office, day)
        assert (code, again["closed_now"], again["lanes_open"]) == (2, False, [])
        assert again["total"] == own["total"] and own["total"]["sales_cents"] == 4000
