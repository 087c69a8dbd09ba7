"""Fixtures for UI tests: a real terminal (demo simulator over HTTP, journal in tmp_path), and
garbage collection kept on the GUI thread as the application keeps it (``cashier.ui.collector``)."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from cashier.config import Config, load_config
from cashier.operators import DEMO_CASHIER_PIN, DEMO_MANAGER_PIN, OperatorStore, operators_path
from cashier.ui.app import Terminal
from cashier.ui.collector import keep_collection_on_gui_thread
from cashier.ui.i18n import install_language, remove_language
from tests.ui.helpers import FAST, MANAGER_ID

_off_gui_thread_collections: list[str] = []


def _note_collection(phase: str, info: dict) -> None:
    if phase == "start" and threading.current_thread() is not threading.main_thread():
        _off_gui_thread_collections.append(threading.current_thread().name)


@pytest.fixture(scope="session", autouse=True)
def gui_thread_collection(qapp):
    """As in the application: no automatic collection, the GUI thread collects."""
    collector = keep_collection_on_gui_thread(qapp)
    gc.callbacks.append(_note_collection)
    yield collector
    gc.callbacks.remove(_note_collection)
    collector.stop()


@pytest.fixture(autouse=True)
def garbage_freed_on_the_gui_thread(gui_thread_collection):
    """Each test's cyclic garbage (Qt wrappers included) is freed here, on the GUI thread, after
    pytest-qt closed its widgets; a collection that ran on another thread fails the test, since
    that is what corrupted the heap at random before."""
    keep_collection_on_gui_thread(gui_thread_collection.parent())  # a test may have quit the app
    _off_gui_thread_collections.clear()
    yield
    gc.collect()
    assert not _off_gui_thread_collections, (
        f"garbage was collected off the GUI thread, in {_off_gui_thread_collections}")


@pytest.fixture(params=["en", "zh_CN"])
def language(request, qapp):
    """Each test that asks for it runs in English and in Chinese (installed before its windows
    are built: widgets translate their texts when they are created)."""
    translators = install_language(qapp, request.param) if request.param != "en" else []
    yield request.param
    remove_language(qapp, translators)


@pytest.fixture
def make_terminal(qtbot, tmp_path):
    terminals: list[Terminal] = []

    def make(config: Config | None = None, *, signed_in: bool = True,
             payments: dict | None = None, **simulator_options) -> Terminal:
        options = {"confirm_after_queries": 2, "slow_response_seconds": 1.5,
                   "callback_retry_interval": 0.05} | simulator_options
        terminal = Terminal(config or Config(), demo=True, journal_path=tmp_path / "journal.sqlite",
                            customer_display=True, wedge=True, simulator_options=options,
                            payment_options=FAST | (payments or {}))
        terminals.append(terminal)
        terminal.show()
        qtbot.waitExposed(terminal.window)
        if signed_in:
            terminal.signin.sign_in(terminal.signin.operators.find_by_pin(DEMO_CASHIER_PIN))
        return terminal

    yield make
    for terminal in terminals:
        terminal.close()


def lane_settings(folder: Path, url: str | None, gateway, *, lane: str = "lane-1",
                  name: str = "Front counter", printer_port: int | None = None,
                  request_timeout: float = 15.0) -> Path:
    """A lane's settings file in ``folder``: ``gateway`` (the simulator, or a fault proxy in front
    of it) as its gateway, answering within ``request_timeout`` or not at all, ``url``
    (``None``: none) as its store database, a manager (PIN ``DEMO_MANAGER_PIN``) for refunds,
    and with ``printer_port`` a network receipt printer there
    (``tests.ui.helpers.NetworkPrinter``)."""
    from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cashier.toml"
    store = ["", "[store]", f'database_url = "{url}"', f'terminal_id = "{lane}"',
             f'terminal_name = "{name}"'] if url is not None else []
    printer = [] if printer_port is None else [
        "", "[printer]", 'kind = "network"', f'address = "127.0.0.1:{printer_port}"', "width = 58"]
    path.write_text("\n".join([
        "[ottpay]", f'endpoint = "{gateway.url}"', f'merchant_id = "{DEMO_MERCHANT_ID}"',
        f'sign_key = "{DEMO_SIGN_KEY}"', 'operator_id = "0000020156"',
        f"timeout_seconds = {request_timeout}", "",
        "[journal]", f'path = "{folder / "journal.sqlite3"}"', *store, *printer]) + "\n",
        encoding="utf-8")
    if not operators_path(path).exists():
        OperatorStore(operators_path(path)).add("Manager", MANAGER_ID, "manager",
                                                DEMO_MANAGER_PIN)
    return path


@pytest.fixture
def store_url(store_url: str) -> str:
    """The test's store database with its tables up to date, as the lanes' shipping keeps it:
    the store screens never upgrade it themselves (``central.connect``)."""
    from cashier.store import central

    central.connect(store_url).close()
    return store_url


@pytest.fixture
def make_lane_terminal(qtbot, tmp_path):
    """A terminal of a real account, not demo mode: ``make(gateway, store_url=None, lane=...,
    printer_port=..., payments=..., request_timeout=...)`` runs it with its gateway client to
    ``gateway`` (the simulator, or a fault proxy in front of it), its journal in
    ``tmp_path/lane`` and, with ``store_url``, its shipper to that store; signed in as its
    manager."""
    terminals: list[Terminal] = []

    def make(gateway, *, store_url: str | None = None, lane: str = "lane-1",
             name: str = "Front counter",
             printer_port: int | None = None, payments: dict | None = None,
             request_timeout: float = 15.0) -> Terminal:
        config = load_config(lane_settings(tmp_path / lane, store_url, gateway, lane=lane,
                                           name=name, printer_port=printer_port,
                                           request_timeout=request_timeout))
        terminal = Terminal(config, demo=False, journal_path=config.journal.path,
                            customer_display=False, wedge=False, cny_currency=None,
                            payment_options=FAST | (payments or {}))
        terminals.append(terminal)
        terminal.show()
        qtbot.waitExposed(terminal.window)
        terminal.signin.sign_in(terminal.signin.operators.operators[0])
        return terminal

    yield make
    for terminal in terminals:
        terminal.close()


@pytest.fixture
def make_store_terminal(make_lane_terminal, sim):
    """A lane of a shop with a store database: ``make(url, lane=...)`` runs its terminal (real
    gateway client to ``sim``, its journal in ``tmp_path/lane``, its shipper to ``url``)."""

    def make(url: str, *, lane: str = "lane-1", name: str = "Front counter",
             printer_port: int | None = None) -> Terminal:
        return make_lane_terminal(sim, store_url=url, lane=lane, name=name,
                                  printer_port=printer_port)

    return make
