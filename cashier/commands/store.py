"""``cashier store status|sync|history|report``: this lane's shipping, and the store view of
every lane (README, "Several counters"). They need a ``[store]`` section; ``status`` and ``sync``
work on this lane's journal, ``history`` and ``report`` read the store database only."""

from __future__ import annotations

import argparse
import getpass
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from cashier.commands.outcome import (
    EXIT_BAD_INPUT,
    EXIT_DECLINED,
    EXIT_GATEWAY,
    EXIT_OK,
    CommandError,
    emit,
)
from cashier.sentence import sentence

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from cashier.config import Config
    from cashier.store.central import StoreUnavailableError
    from cashier.store.shipper import ShipperStatus


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser("store", help="several counters: this lane's shipping and "
                                                 "the store view of every lane")
    actions = parser.add_subparsers(dest="store_action", metavar="ACTION")
    actions.required = True
    status = actions.add_parser("status", parents=[common],
                                help="what this lane has not shipped yet, and every lane's last "
                                     "shipment")
    status.set_defaults(handler=run_store_status)
    sync = actions.add_parser("sync", parents=[common],
                              help="ship this lane's journal now, until nothing is left")
    sync.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                      help="give up after this long (default 120)")
    sync.set_defaults(handler=run_store_sync)
    history = actions.add_parser("history", parents=[common],
                                 help="sales of every lane, newest first")
    history.add_argument("--lane", metavar="TERMINAL_ID", help="only this lane")
    history.add_argument("--date", metavar="YYYY-MM-DD", help="business day")
    history.add_argument("--order", metavar="PREFIX", help="order ids starting with PREFIX")
    history.add_argument("--amount", metavar="AMOUNT", help="this exact amount, like 12.34")
    history.add_argument("--last4", metavar="DIGITS", help="last four digits of the code")
    history.add_argument("--late", action="store_true",
                         help="only late payments nobody has kept or refunded yet")
    history.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    history.set_defaults(handler=run_store_history)
    report = actions.add_parser(
        "report", parents=[common], help="the store's X or Z report, per lane and in total",
        description="Totals of a business day (default: today) per lane and for the store. "
        "--z is the store's Z report: the first one closes the day for every lane (the lanes "
        "still open close it with their own Z report as soon as they learn of it); it counts "
        "the lanes that closed the day, each as its own Z report printed it, and names the "
        "lanes still open. Run again, it shows the same store Z with the figures as they are "
        "now.")
    report.add_argument("--date", metavar="YYYY-MM-DD", help="business day")
    report.add_argument("--z", action="store_true",
                        help="the store's Z report (closes the day for every lane)")
    report.add_argument("--print", dest="print_it", action="store_true",
                        help="also print it on this lane's receipt printer")
    report.set_defaults(handler=run_store_report)


def _settings(args: argparse.Namespace) -> Config:
    from cashier.commands.common import load

    config = load(args)
    if not config.store.enabled:
        raise CommandError("This terminal has no store database: add a [store] section with "
                           "database_url and terminal_id to the settings.", EXIT_BAD_INPUT)
    return config


@contextmanager
def _store(config: Config) -> Iterator[Any]:
    from cashier.store.central import StoreUnavailableError, connect

    assert config.store.database_url is not None
    try:
        conn = connect(config.store.database_url)
    except StoreUnavailableError as exc:
        raise CommandError(exc.sentence(), _exit_code(exc)) from None
    try:
        yield conn
    finally:
        conn.close()


def _lane_outbox(config: Config) -> Any:
    """This lane's outbox, or None when the lane has no journal yet (it has sold nothing)."""
    from cashier.runtime import journal_path_for
    from cashier.store.outbox import Outbox

    try:
        return Outbox(journal_path_for(config, demo=False))
    except FileNotFoundError:
        return None


def _no_journal(config: Config) -> str:
    from cashier.runtime import journal_path_for

    return f"No journal at {journal_path_for(config, demo=False)} yet: this lane has sold nothing."


def _exit_code(exc: StoreUnavailableError) -> int:
    """An outage is the store's (it passes); a refusal of this lane's settings is theirs."""
    return EXIT_GATEWAY if exc.passes else EXIT_BAD_INPUT


def run_store_status(args: argparse.Namespace) -> int:
    from cashier.store import central
    from cashier.store.central import StoreUnavailableError

    config = _settings(args)
    outbox = _lane_outbox(config)
    try:
        payload: dict[str, Any] = {
            "terminal_id": config.store.terminal_id,
            "journal_id": None if outbox is None else outbox.journal_id,
            "joined": outbox is not None and outbox.joined()}
        lanes: list[dict[str, Any]] = []
        # What this lane's outbox knows it shipped (what the store dropped from it), until the
        # store itself says.
        shipped, source = (0 if outbox is None else outbox.shipped_beyond()), "lane"
        failure: StoreUnavailableError | None = None
        try:
            conn = central.connect(config.store.database_url or "")
        except StoreUnavailableError as exc:
            problem: str | None = str(exc)
            failure = exc
        else:
            try:
                if outbox is not None:
                    shipped, source = central.shipped_seq(
                        conn, config.store.terminal_id or "", outbox.journal_id), "store"
                lanes, problem = central.lanes(conn), None
            finally:
                conn.close()
        backlog = None if outbox is None else outbox.backlog(shipped)
    finally:
        if outbox is not None:
            outbox.close()
    pending = 0 if backlog is None else backlog.changes
    oldest = None if backlog is None else backlog.oldest_at
    lag = 0.0 if oldest is None else max(0.0, time.time() - oldest)
    payload.update(reachable=problem is None, problem=problem, shipped_seq=shipped,
                   shipped_seq_source=source, pending=pending, lag_seconds=round(lag, 3),
                   lanes=lanes)
    if outbox is None:
        lines = [_no_journal(config)]
    else:
        lines = [f"Lane {config.store.terminal_id}: " + (
            "not joined yet (the terminal or 'cashier store sync' joins it)"
            if not payload["joined"] else
            f"{pending} change(s) not shipped yet" +
            (f", the oldest {lag:.0f} s old" if pending else ""))]
    lines.append("The store database is reachable." if failure is None else failure.sentence())
    lines += [f"  {lane['terminal_id']} {lane['name']}: last shipment "
              + (time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(lane["shipped_at"]))
                 if lane["shipped_at"] else "never") for lane in lanes]
    emit(args, payload, "\n".join(lines))
    return EXIT_OK if failure is None else _exit_code(failure)


def run_store_sync(args: argparse.Namespace) -> int:
    """Ship this lane's journal until nothing is left, then close, through the lane's own Z
    report, the business days the store's Z report closed (what a running terminal does by
    itself), and ship those Z reports too."""
    from cashier.runtime import journal_path_for
    from cashier.store import central

    config = _settings(args)
    path = journal_path_for(config, demo=False)
    _refused_at_once(config)
    if not path.is_file():
        problem = central.connection_problem(config.store.database_url or "")
        emit(args, {"terminal_id": config.store.terminal_id, "reachable": problem is None,
                     "problem": problem, "pending": 0},
             f"{_no_journal(config)[:-1]}, so there is nothing to ship. "
             + (problem or "The store database is reachable."))
        return EXIT_OK if problem is None else EXIT_GATEWAY
    deadline = time.monotonic() + args.timeout
    done, status = _ship(config, path, args.timeout)
    closed = _close_store_days(config) if done else []
    if closed:  # their Z reports go to the store too
        done, status = _ship(config, path, max(0.0, deadline - time.monotonic()))
    payload = status.to_dict(time.time())
    payload["closed"] = [{"business_day": day, "z_number": number} for day, number in closed]
    lines = [f"Closed business day {day} (Z report #{number}), as the store's Z report asked."
             for day, number in closed]
    if done:
        emit(args, payload, "\n".join([*lines,
                                       f"Everything is shipped (change {status.shipped_seq})."]))
        return EXIT_OK
    if status.problem is None:
        left = f"{status.pending} change(s) still wait to be shipped after {args.timeout:g} s."
    elif status.pending == 0:
        left = f"Nothing to ship; {status.problem}."
    else:
        left = (f"{status.pending} change(s) wait to be shipped; {status.problem}; this lane "
                "keeps selling and ships when it is back.")
    emit(args, payload, "\n".join([*lines, left]))
    return EXIT_GATEWAY


def _refused_at_once(config: Config) -> None:
    """Settings the store refuses (``StoreAccessRefusedError``) are said now: no shipping
    would pass them, however long it waited. An outage is for the shipper to wait out."""
    import psycopg

    from cashier.store import central

    try:
        central.connect(config.store.database_url or "").close()
    except central.StoreAccessRefusedError as exc:
        raise CommandError(exc.sentence(), EXIT_BAD_INPUT) from None
    except (central.StoreUnavailableError, central.StoreSchemaError, psycopg.Error):
        pass  # the shipper says it once it has waited


def _ship(config: Config, path: Path, timeout: float) -> tuple[bool, ShipperStatus]:
    """Ship until nothing is left (True) or ``timeout``; the shipper's warnings go to the log
    file, not the screen (the command says what matters in one sentence)."""
    from cashier.logsetup import start_logging, stop_logging
    from cashier.store.shipper import Shipper

    start_logging(config, demo=False)
    try:
        shipper = Shipper(path, config.store.database_url or "", config.store.terminal_id or "",
                          config.store.terminal_name, max_backoff=5.0)
        shipper.start()
        try:
            done = shipper.wait_caught_up(timeout)
        finally:
            shipper.stop()
    finally:
        stop_logging()
    return done, shipper.status()


def _close_store_days(config: Config) -> list[tuple[str, int]]:
    """Close the business days the store's Z report closed and this lane has not, each through
    the lane's own Z report (``runtime.close_store_days``: it reconciles first and never closes a
    day with a sale being taken); returns each day closed with its Z number. A running terminal
    on this journal closes them itself: nothing is done here then."""
    from cashier.commands.common import running
    from cashier.runtime import close_store_days
    from cashier.store import central

    try:
        with central.opened(config.store.database_url or "") as conn:
            days = central.days_to_close(conn, config.store.terminal_id or "")
    except central.StoreUnavailableError:
        return []  # the shipper says so; the next sync asks again
    if not days:
        return []
    with running(config, demo=False) as rt:
        if rt.journal.running_terminal() is not None:
            return []
        closed = close_store_days(rt.engine, days)
        return [(day, record.number) for day in closed
                if (record := rt.journal.z_record(day)) is not None]


def run_store_history(args: argparse.Namespace) -> int:
    from cashier.commands.common import amount, day
    from cashier.store import central

    config = _settings(args)
    if args.limit <= 0:
        raise CommandError("--limit must be a positive number.", EXIT_BAD_INPUT)
    if args.last4 is not None and not (len(args.last4) == 4 and args.last4.isdigit()):
        raise CommandError("--last4 must be the last four digits of a payment code.",
                           EXIT_BAD_INPUT)
    cents = amount(args.amount, config) if args.amount is not None else None
    with _store(config) as conn:
        sales = central.history(conn, terminal_id=args.lane, day=day(args.date),
                                order_id_prefix=args.order, amount_cents=cents,
                                code_last4=args.last4, late=args.late, limit=args.limit)
    # Refunded: by every lane, and the state goes with it (``central.history``).
    lines = [f"{'Lane':<10} {'Order':<20}  {'Amount':>10}  {'Refunded':>10}  {'Wallet':<10} "
             "State"] if sales else ["No sales."]
    lines += [f"{s['terminal_id']:<10} {s['order_id']:<20}  {s['amount_cents'] / 100:>10.2f}  "
              f"{s['refunded_cents'] / 100:>10.2f}  {s['wallet']:<10} "
              f"{s['state']}{' (late)' if s['late'] else ''}" for s in sales]
    emit(args, {"count": len(sales), "sales": sales}, "\n".join(lines))
    return EXIT_OK


def run_store_report(args: argparse.Namespace) -> int:
    from cashier.commands.common import day
    from cashier.config import PrinterKind
    from cashier.journal import local_business_day
    from cashier.printing import PrintError, send_to_printer, store_report_bytes
    from cashier.store import central

    config = _settings(args)
    today = local_business_day(time.time())
    business_day = day(args.date) or today
    if args.print_it and config.printer.kind is PrinterKind.NONE:
        raise CommandError("No receipt printer is configured ([printer] kind); nothing was "
                           "done.", EXIT_BAD_INPUT)
    if args.z and business_day > today:
        raise CommandError(f"Business day {business_day} has not begun; nothing was closed.",
                           EXIT_BAD_INPUT)
    notice = None
    with _store(config) as conn:
        if args.z:
            try:
                central.close_store_day(conn, business_day,
                                        f"{config.store.terminal_id}, {_who()}")
            except central.StoreDayClosedError as exc:
                notice = f"{sentence(str(exc))[:-1]}; nothing was closed again."
        report = central.z_report(conn, business_day) if args.z else \
            central.report(conn, business_day)
    report["kind"] = "Z" if args.z else "X"
    report["closed_now"] = args.z and notice is None
    # A day closed already is refused as the lane's own Z refuses it; the figures still show.
    code = EXIT_OK if notice is None else EXIT_BAD_INPUT
    if args.print_it:
        try:
            report["printed_on"] = send_to_printer(store_report_bytes(report, config), config)
        except PrintError as exc:
            report["print_error"] = str(exc)
            code = code or EXIT_DECLINED
    lines = [notice] if notice else []
    lines += store_report_text(report)
    if report.get("print_error"):
        lines.append(f"Not printed: {report['print_error']}")
    emit(args, report, "\n".join(lines))
    return code


def _who() -> str:
    """Who runs the command, as the store's Z report names them: the computer's user."""
    try:
        return f"user {getpass.getuser()}"
    except (KeyError, OSError):  # no name for this account
        return "command line"


def store_report_text(report: dict[str, Any]) -> list[str]:
    """The store's X or Z report as lines for the screen."""
    closure = report["store_z"]
    title = f"Store {report['kind']} report"
    if closure and report["kind"] == "Z":
        title += f" #{closure['number']} (day closed by {closure['closed_by']})"
    elif closure:
        title += f" (day closed by store Z report #{closure['number']})"
    lines = [f"{title}, {report['business_day']}"]
    for lane in report["lanes"]:
        lines.append(f"  {lane['terminal_id']} {lane['name']}: net "
                     f"{lane['total']['net_cents'] / 100:.2f} ({lane['total']['sales_count']} "
                     "sale(s))" + ("" if lane["z_number"] is None else
                                   f", Z #{lane['z_number']}"))
    total = (f"net {report['total']['net_cents'] / 100:.2f} "
             f"({report['total']['sales_count']} sale(s))")
    if report["kind"] == "Z" and report["lanes_open"]:  # a Z slip must not pass for final
        lines.append(f"  Lanes closed: {total}; not final, "
                     f"{len(report['lanes_open'])} lane(s) still open")
        lines += [f"  {lane['terminal_id']} {lane['name']}: still open, not final (X so far): "
                  f"net {lane['total']['net_cents'] / 100:.2f} "
                  f"({lane['total']['sales_count']} sale(s))"
                  for lane in report.get("open_lanes_x", [])]
    else:
        lines.append(f"  Store: {total}")
    if report["lanes_open"]:
        asked = report["kind"] == "Z" and closure is not None
        lines.append(f"  Still open{', asked to close' if asked else ''}: "
                     f"{', '.join(report['lanes_open'])}")
    return lines
