"""``cashier store ...`` and the terminal's shipper, against the real throwaway PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cashier import cli
from cashier.config import load_config
from cashier.journal import Journal
from cashier.payments.reports import x_report
from cashier.runtime import Runtime
from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Simulator
from tests.store.lane import sell
from tests.store.test_settings import UNPARSEABLE_PASSWORDS


def settings(tmp_path: Path, url: str, *, lane: str = "lane-1", sim: Simulator | None = None) \
        -> Path:
    lines = ["[journal]", f'path = "{tmp_path / "journal.sqlite3"}"', "",
             "[store]", f'database_url = "{url}"', f'terminal_id = "{lane}"',
             'terminal_name = "Front counter"']
    if sim is not None:
        lines = ["[ottpay]", f'endpoint = "{sim.url}"', f'merchant_id = "{DEMO_MERCHANT_ID}"',
                 f'sign_key = "{DEMO_SIGN_KEY}"', 'operator_id = "0000020156"', "", *lines]
    path = tmp_path / "cashier.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _log_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("CASHIER_LOG_DIR", str(tmp_path / "log"))


def run(capsys, config: Path, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = cli.main(["--config", str(config), "store", *args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_sync_status_history_and_report(tmp_path, store_url, capsys):
    config = settings(tmp_path, store_url)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "A", 30)
        day = journal.current_business_day()
        lane_total = x_report(journal, day).total.to_dict()
    code, status = run(capsys, config, "status")
    assert code == 0 and not status["joined"] and status["reachable"]
    code, synced = run(capsys, config, "sync")
    assert code == 0 and synced["pending"] == 0 and synced["connected"]
    code, status = run(capsys, config, "status")
    assert (code, status["joined"], status["pending"]) == (0, True, 0)
    assert [lane["terminal_id"] for lane in status["lanes"]] == ["lane-1"]
    code, found = run(capsys, config, "history", "--amount", "1.05")
    assert code == 0 and [s["order_id"] for s in found["sales"]] == ["A-00005"]
    assert found["sales"][0]["terminal_name"] == "Front counter"
    code, found = run(capsys, config, "history", "--order", "A-0002", "--lane", "lane-1")
    assert sorted(s["order_id"] for s in found["sales"]) == [f"A-0002{n}" for n in range(10)]
    code, report = run(capsys, config, "report", "--date", day)
    assert code == 0 and report["kind"] == "X"
    assert report["total"] == lane_total and report["lanes_open"] == ["lane-1"]
    code, z = run(capsys, config, "report", "--date", day, "--z")
    assert z["lanes"] == [] and z["lanes_open"] == ["lane-1"] and z["total"]["sales_count"] == 0


def test_with_the_store_down_status_says_so_and_counts_what_waits(tmp_path, capsys):
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "A", 3)
    config = settings(tmp_path, "postgresql://cashier:Secr3t-pw@127.0.0.1:1/store")
    code, status = run(capsys, config, "status")
    assert code == 4 and not status["reachable"]
    assert status["problem"].startswith("the store database cannot be reached")
    assert "Secr3t-pw" not in json.dumps(status)
    capsys.readouterr()
    assert cli.main(["--config", str(config), "store", "report"]) == 4
    err = capsys.readouterr().err
    assert "The store database cannot be reached" in err and "Secr3t-pw" not in err


def test_a_terminal_of_a_store_ships_while_it_runs(tmp_path, store_url):
    with Simulator(DEMO_MERCHANT_ID, DEMO_SIGN_KEY) as sim:
        config = load_config(settings(tmp_path, store_url, sim=sim), env={})
        with Runtime.open(config, terminal=True) as rt:
            assert rt.shipper is not None
            sell(rt.journal, "T", 5)
            assert rt.shipper.wait_caught_up(30), rt.shipper.status()
            status = rt.shipper.status()
            assert status.connected and status.pending == 0 and status.problem is None
        with Runtime.open(config, terminal=True, demo=True) as rt:
            assert rt.shipper is None  # demo sales never reach the store


def test_the_connection_test_of_the_setup_says_what_is_wrong(store_url):
    from cashier.store.central import connection_problem

    assert connection_problem(store_url) is None
    problem = connection_problem("postgresql://cashier:Secr3t-pw@127.0.0.1:1/store")
    assert problem.startswith("The store database cannot be reached (")
    assert problem.endswith(").") and "Secr3t-pw" not in problem
    missing = connection_problem(store_url.rsplit("/", 1)[0] + "/no_such_db")
    assert "no_such_db" in missing and missing.endswith(".")


def test_history_late_lists_the_late_payments_nobody_resolved(tmp_path, store_url, capsys):
    config = settings(tmp_path, store_url)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "A", 3)
        for order_id in ("LATE-1", "LATE-2"):
            journal.create_sale(order_id=order_id, mode="passive", wallet="ALIPAY",
                                amount_cents=700, tip_cents=0)
            journal.mark_abandoned(order_id)
            journal.transition(order_id, "paid", from_states=("pending",))
        journal.resolve_late("LATE-2", "keep")
    assert run(capsys, config, "sync")[0] == 0
    code, found = run(capsys, config, "history", "--late")
    assert code == 0 and [(s["order_id"], s["late"]) for s in found["sales"]] == [
        ("LATE-1", True)]
    capsys.readouterr()
    assert cli.main(["--config", str(config), "store", "history", "--late"]) == 0
    assert capsys.readouterr().out.rstrip().endswith("ALIPAY     paid (late)")


@pytest.mark.parametrize("password", UNPARSEABLE_PASSWORDS)
def test_a_password_libpq_cannot_parse_is_refused_and_never_shown(tmp_path, capsys, password):
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "A", 1)
    config = settings(tmp_path, f"postgresql://lane:{password}@127.0.0.1:1/store")
    for command in (["status", "--json"], ["sync", "--timeout", "2", "--json"]):
        capsys.readouterr()
        assert cli.main(["--config", str(config), "store", *command]) == 2
        said = capsys.readouterr()
        assert "[store] database_url is not a valid PostgreSQL address" in said.out
        assert password not in said.out + said.err
    logs = [path.read_text(encoding="utf-8") for path in (tmp_path / "log").glob("*")]
    assert all(password not in text for text in logs)


def test_a_lane_selling_through_commands_closes_the_day_the_store_closed_when_it_syncs(
        tmp_path, store_url, sim, capsys):
    config = settings(tmp_path, store_url, sim=sim)
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "A", 6)
        day = journal.current_business_day()
        lane_total = x_report(journal, day).total.to_dict()
    assert run(capsys, config, "sync")[0] == 0
    code, z = run(capsys, config, "report", "--z", "--date", day)
    assert (code, z["closed_now"], z["lanes_open"]) == (0, True, ["lane-1"])

    capsys.readouterr()
    assert cli.main(["--config", str(config), "store", "sync"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Closed business day {day} (Z report #1), as the store's Z report "
                          "asked.\nEverything is shipped (change ")
    with Journal(tmp_path / "journal.sqlite3") as journal:
        assert journal.z_record(day).number == 1
    code, again = run(capsys, config, "report", "--z", "--date", day)
    assert (code, again["lanes_open"], again["closed_now"]) == (2, [], False)
    assert [(lane["terminal_id"], lane["z_number"]) for lane in again["lanes"]] == [
        ("lane-1", 1)]
    assert again["total"] == lane_total
    code, synced = run(capsys, config, "sync")
    assert (code, synced["closed"]) == (0, [])  # closed once


def test_with_the_store_down_sync_says_it_in_one_sentence_and_status_keeps_what_shipped(
        tmp_path, store_url, capsys, closed_port):
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "A", 3)
    code, synced = run(capsys, settings(tmp_path, store_url), "sync")
    assert code == 0 and synced["shipped_seq"] > 0
    down = settings(tmp_path, f"postgresql://cashier@127.0.0.1:{closed_port}/store")

    code, status = run(capsys, down, "status")
    assert (code, status["reachable"], status["pending"]) == (4, False, 0)
    assert (status["shipped_seq"], status["shipped_seq_source"]) == (synced["shipped_seq"],
                                                                     "lane")
    capsys.readouterr()
    assert cli.main(["--config", str(down), "store", "sync", "--timeout", "2"]) == 4
    said = capsys.readouterr()
    assert said.out.startswith("Nothing to ship; the store database cannot be reached (")
    assert said.out.endswith(").\n") and said.out.count("\n") == 1 and said.err == ""

    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "B", 1)
    assert cli.main(["--config", str(down), "store", "sync", "--timeout", "2"]) == 4
    said = capsys.readouterr()
    count, rest = said.out.split(" ", 1)
    assert int(count) > 0 and said.err == ""
    assert rest.startswith("change(s) wait to be shipped; the store database cannot be reached (")


def test_a_new_lane_tests_its_store_connection_before_its_first_sale(tmp_path, store_url,
                                                                    capsys, closed_port):
    config = settings(tmp_path, store_url)
    for command in ("status", "sync"):
        capsys.readouterr()
        assert cli.main(["--config", str(config), "store", command]) == 0
        out = capsys.readouterr().out
        assert f"No journal at {tmp_path / 'journal.sqlite3'} yet" in out
        assert "The store database is reachable." in out
    down = settings(tmp_path, f"postgresql://cashier@127.0.0.1:{closed_port}/store")
    for command in ("status", "sync"):
        capsys.readouterr()
        assert cli.main(["--config", str(down), "store", command]) == 4
        out = capsys.readouterr().out
        assert "No journal at" in out and "The store database cannot be reached (" in out
    assert not (tmp_path / "journal.sqlite3").exists()


REFUSED = ("The store database refused this lane's user name or password (password "
           "authentication failed for user \"lane_login\"): fix [store] database_url (or the "
           "password in the keyring); nothing is shipped until then.")


def test_a_wrong_password_is_not_an_outage_and_says_what_to_fix(tmp_path, login_store_url,
                                                                  capsys):
    from cashier.store import central

    assert central.connection_problem(login_store_url) is None  # the right one is let in
    wrong = login_store_url.replace(":Right-pw-7@", ":Wr0ng-pw@")
    assert central.connection_problem(wrong) == REFUSED
    with pytest.raises(central.StoreAccessRefusedError) as refused:
        central.connect(wrong)
    assert not refused.value.passes and refused.value.sentence() == REFUSED
    with Journal(tmp_path / "journal.sqlite3") as journal:
        sell(journal, "A", 3)
    unsold = tmp_path / "unsold"
    unsold.mkdir()
    assert cli.main(["--config", str(settings(unsold, wrong)), "store", "sync"]) == 2
    assert REFUSED in capsys.readouterr().err
    config = settings(tmp_path, wrong)
    code, status = run(capsys, config, "status")
    assert (code, status["reachable"]) == (2, False)
    assert status["problem"].startswith("the store database refused this lane's user name")
    capsys.readouterr()
    assert cli.main(["--config", str(config), "store", "status"]) == 2
    assert capsys.readouterr().out.splitlines()[1] == REFUSED
    for command in (["sync", "--timeout", "60"], ["history"], ["report"]):
        # said at once (sync does not wait out its --timeout for what never passes)
        assert cli.main(["--config", str(config), "store", *command]) == 2
        said = capsys.readouterr()
        assert REFUSED in said.err and "Wr0ng-pw" not in said.out + said.err


def test_a_database_that_does_not_exist_is_not_an_outage(store_url):
    from cashier.store import central

    missing = store_url.rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(central.StoreAccessRefusedError) as refused:
        central.connect(missing)
    assert refused.value.sentence() == (
        "The store server has no database of the name in [store] database_url (database "
        "\"no_such_db\" does not exist): fix [store] database_url; nothing is shipped until then.")
