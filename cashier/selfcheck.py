"""Prove an installation works end to end, without a window and without touching real data.

    report = run_self_check()          # steps: resources, journal, runtime, payment, receipt
    report.ok                          # True only if every step passed

Everything happens in a temporary folder against the embedded OTT Pay simulator on loopback: a
fresh journal, the core assembled by ``cashier.runtime.Runtime`` in demo mode as the terminal
does, ONE real passive payment sent by the real client through the real payment engine, and the
sale's receipt rendered by ``cashier.printing`` to ESC/POS bytes and decoded. Nothing reaches a
real gateway, printer or the user's journal. This is what ``cashier self-check`` runs, and what
the installer's smoke test runs inside the frozen program to show the bundle carries everything
it loads.

Qt-free: the terminal's own start-up check belongs to ``cashier.ui``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: A valid 10-digit operator id for the check's sale (the simulator accepts any).
SELF_CHECK_OPERATOR = "0000000001"
SELF_CHECK_AMOUNT_CENTS = 100
ESC_INIT = b"\x1b@"
GS_CUT = b"\x1dV"


class CheckFailed(Exception):
    """A step's check did not hold; the message says what was expected and found."""


@dataclass(frozen=True)
class StepResult:
    """One step: its name, whether it passed, and a sentence saying what was checked or wrong."""

    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


@dataclass
class SelfCheckReport:
    """Every step in the order run; ``to_dict`` is what ``self-check --json`` prints."""

    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(step.ok for step in self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "steps": [asdict(step) for step in self.steps]}


def resources_dir() -> Path:
    """``resources/`` of a source checkout, or of the frozen bundle (``sys._MEIPASS``)."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else Path(__file__).resolve().parents[1]
    return base / "resources"


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- the steps --------------------------------------------------------------------------------


def check_resources(resources: Path) -> str:
    """The files the app loads at run time are there and usable."""
    from escpos.printer import Dummy

    from cashier.config import load_config

    sample = resources / "cashier.sample.toml"
    _check(sample.is_file(), f"sample settings missing: {sample}")
    config = load_config(sample, env={})
    _check(config.demo, "the sample settings should load as demo defaults")
    catalogues = sorted(p.name for p in (resources / "translations").glob("*.qm"))
    _check(bool(catalogues), f"no translation catalogue (.qm) in {resources / 'translations'}")
    icons = sorted(p.name for p in (resources / "icons").glob("cashier*.png"))
    _check(bool(icons), f"no app icon in {resources / 'icons'}")
    # python-escpos falls back to a "BrokenDefault" profile when its capabilities.json is missing.
    profile = Dummy().profile
    _check(profile.profile_data.get("name") != "BrokenDefault" and
           len(profile.get_code_pages()) > 1,
           "python-escpos printer capability data (capabilities.json) is missing")
    return (f"sample settings, {', '.join(catalogues)}, {len(icons)} icon(s) and printer "
            f"profiles in {resources}")


def check_journal(path: Path) -> int:
    """A new journal opens in WAL mode at the current schema version; returns the version."""
    from cashier.journal import SCHEMA_VERSION, Journal

    with Journal(path) as journal:
        _check(journal.open_sales() == [], "a new journal should have no open sales")
        with contextlib.closing(_read_only(path)) as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
    _check(version == SCHEMA_VERSION,
           f"journal schema version {version}, expected {SCHEMA_VERSION}")
    _check(mode.lower() == "wal", f"journal mode {mode}, expected wal")
    return version


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def run_payment(engine: Any, simulator: Any, code: str, timeout: float) -> Any:
    """One passive payment of 1.00; the journal, the engine and the gateway must all agree."""
    from cashier.ottpay.codes import OrderStatus
    from cashier.payments.states import SaleState

    sale = engine.start_passive(SELF_CHECK_AMOUNT_CENTS, code,
                                operator_id=SELF_CHECK_OPERATOR).wait(timeout)
    _check(sale.state == SaleState.PAID, f"the payment ended {sale.state}, expected paid")
    stored = engine.journal.require_sale(sale.order_id)
    _check(stored.state == SaleState.PAID, f"the journal says {stored.state}, expected paid")
    _check(stored.amount_cents == SELF_CHECK_AMOUNT_CENTS,
           f"journaled amount {stored.amount_cents}, expected {SELF_CHECK_AMOUNT_CENTS}")
    _check(stored.masked_code is not None and code not in stored.masked_code,
           "the journal must hold the payment code masked")
    order = simulator.order(sale.order_id)
    _check(order is not None, "the gateway never saw the order")
    _check(order.status == OrderStatus.SUCCESS and order.amount_cents == SELF_CHECK_AMOUNT_CENTS,
           f"the gateway holds {order.status} for {order.amount_cents} cents")
    passive = simulator.requests(sale.order_id, "PASSIVEPAY")
    _check(len(passive) == 1, f"PASSIVEPAY sent {len(passive)} times, expected once")
    return stored


def check_receipt(data: bytes, sale: Any, code: str, encoding: str = "gb18030") -> str:
    """The bytes are a whole receipt for this sale: init, order id, amount, masked code, cut.

    ``code`` is the whole payment code, which must not be on it; ``encoding`` the printer's."""
    from cashier.money import format_cents

    _check(data.startswith(ESC_INIT), "the receipt does not start with ESC @")
    _check(GS_CUT in data[-16:], "the receipt does not end with a paper cut")
    text = data.decode(encoding, errors="replace")
    for label, expected in (("order id", sale.order_id),
                            ("amount", format_cents(sale.amount_cents, thousands=True)),
                            ("masked code", sale.masked_code or "")):
        _check(bool(expected) and expected in text, f"the receipt lacks the {label} {expected!r}")
    _check(code not in text, "the receipt shows the whole payment code")
    return f"{len(data)} bytes of ESC/POS for order {sale.order_id}"


# --- running them -----------------------------------------------------------------------------


class _Steps:
    """Runs steps in order, recording each; after a failure the rest are reported as skipped."""

    def __init__(self, report: SelfCheckReport,
                 on_step: Callable[[StepResult], None] | None) -> None:
        self.report = report
        self.on_step = on_step
        self.failed = False

    def _record(self, step: StepResult) -> None:
        self.report.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)

    def run(self, name: str, action: Callable[[], tuple[Any, str]], *,
            blocking: bool = True) -> Any:
        """Run one step; ``blocking=False``: later steps do not depend on it."""
        if self.failed:
            self._record(StepResult(name, False, "skipped: an earlier step failed"))
            return None
        started = time.monotonic()
        try:
            value, detail = action()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a reported step
            self.failed = self.failed or blocking
            message = str(exc) or type(exc).__name__
            self._record(StepResult(name, False, f"{type(exc).__name__}: {message}",
                                    round(time.monotonic() - started, 3)))
            return None
        self._record(StepResult(name, True, detail, round(time.monotonic() - started, 3)))
        return value


@contextlib.contextmanager
def _work_dir(work_dir: Path | None) -> Iterator[Path]:
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        yield work_dir
        return
    with tempfile.TemporaryDirectory(prefix="cashier-selfcheck-") as folder:
        yield Path(folder)


def _self_check_config(folder: Path) -> Any:
    """Built-in defaults (demo mode) with the journal, and so the demo state, inside ``folder``."""
    from cashier.config import Config, JournalSection

    return Config(journal=JournalSection(path=folder / "journal.sqlite3"))


def run_self_check(
    *,
    work_dir: Path | None = None,
    resources: Path | None = None,
    timeout: float = 20.0,
    on_step: Callable[[StepResult], None] | None = None,
) -> SelfCheckReport:
    """Run every step (see the module docstring) and take down all it started.

    ``work_dir`` holds the check's journal (default: a temporary folder, removed afterwards);
    ``on_step`` is called as each step finishes (for live output).
    """
    from cashier.simulator import Scenario, demo_code

    report = SelfCheckReport()
    steps = _Steps(report, on_step)
    code = demo_code(Scenario.INSTANT_SUCCESS)
    with _work_dir(work_dir) as folder, contextlib.ExitStack() as cleanup:
        config = _self_check_config(folder)
        journal_path = folder / "selfcheck-journal.sqlite3"
        folder_resources = resources or resources_dir()
        steps.run("resources", lambda: (None, check_resources(folder_resources)),
                  blocking=False)

        def open_journal() -> tuple[None, str]:
            version = check_journal(journal_path)
            return None, f"new journal (WAL, schema version {version}) in {folder}"

        steps.run("journal", open_journal)

        def open_runtime() -> tuple[Any, str]:
            from cashier.runtime import Runtime

            runtime = Runtime.open(config, demo=True, journal_path=journal_path,
                                   payment_overrides={"poll_interval": 0.1,
                                                      "passive_timeout": timeout})
            cleanup.callback(runtime.close)
            _check(runtime.simulator is not None, "demo mode started no simulator")
            return runtime, (f"simulator at {runtime.simulator.url}, client, journal and "
                             "payment engine")

        runtime = steps.run("runtime", open_runtime)

        def pay() -> tuple[Any, str]:
            sale = run_payment(runtime.engine, runtime.simulator, code, timeout)
            return sale, (f"paid 1.00 by {sale.wallet} with {sale.masked_code}, "
                          f"order {sale.order_id}")

        sale = steps.run("payment", pay)

        def receipt() -> tuple[None, str]:
            from cashier.printing import receipt_bytes_for_sale

            data = receipt_bytes_for_sale(sale, config)
            return None, check_receipt(data, sale, code, config.printer.encoding)

        steps.run("receipt", receipt)
    return report
