"""``cashier scan-test`` and ``cashier print-test``: set up the counter hardware.

Without options both use the scanner / printer from the settings file; options override it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import queue
import time
from typing import Any

from cashier.commands.common import load
from cashier.commands.outcome import EXIT_BAD_INPUT, EXIT_DECLINED, EXIT_OK, CommandError, emit
from cashier.devices.printer import PRINTER_KINDS, PrintError, PrinterSettings, ReceiptPrinter
from cashier.devices.receipt import ReceiptError, ReceiptStyle, render_test_page
from cashier.devices.scanner import (
    SUFFIXES,
    ScannerStatus,
    SerialScanner,
    SerialSettings,
    resolve_port,
    serial_ports,
)
from cashier.wallets import PaymentCodeError, classify_payment_code, mask_code

#: How long ``scan-test`` listens by default (seconds).
DEFAULT_SCAN_TEST_SECONDS = 60.0


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    scan = subparsers.add_parser(
        "scan-test", parents=[common], help="print each scan and what kind of code it is",
        description="Read a serial scanner and print every scan with its wallet (codes masked). "
        "Stops after --count scans, --seconds, or Ctrl-C. Without a port it lists the serial "
        "ports it can see.",
    )
    scan.add_argument("--port", help="device path, COM name, VID:PID[:serial] or pyserial URL")
    scan.add_argument("--baud", type=int, help="baud rate (default 9600)")
    scan.add_argument("--suffix", type=str.upper, choices=sorted(SUFFIXES),
                      help="what the scanner sends after a code (default CR)")
    scan.add_argument("--count", type=int, default=0, help="stop after this many scans")
    scan.add_argument("--seconds", type=float, default=DEFAULT_SCAN_TEST_SECONDS,
                      help=f"stop after this long (default {DEFAULT_SCAN_TEST_SECONDS:g}; "
                      "0 = until Ctrl-C or --count)")
    scan.set_defaults(handler=run_scan_test)

    test = subparsers.add_parser(
        "print-test", parents=[common], help="print a test page on the receipt printer",
        description="Print a test page (width ruler, Chinese sample, QR code, cut). "
        "--output FILE writes the ESC/POS bytes to a file instead.",
    )
    test.add_argument("--printer-kind", choices=PRINTER_KINDS, help="printer connection")
    test.add_argument("--address", help="host[:port], serial port, VID:PID, file or printer name")
    test.add_argument("--output", metavar="FILE", help="write the bytes to FILE")
    test.add_argument("--paper", type=int, choices=(58, 80), help="paper width in mm")
    test.add_argument("--encoding", help="printer text encoding, e.g. gb18030, big5, cp437")
    test.add_argument("--timeout", type=float, default=None, help="seconds (default 3)")
    test.set_defaults(handler=run_print_test)


def scanner_settings(args: argparse.Namespace) -> SerialSettings:
    given = {"port": args.port, "baud": args.baud, "suffix": args.suffix}
    section = load(args).scanner if None in given.values() else None
    if not (args.port or getattr(section, "port", None)):
        raise CommandError(f"No scanner port: give --port or set [scanner] port in settings. "
                           f"{_ports_seen()}")
    try:
        settings = SerialSettings.from_section(section, **given)
    except ValueError as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None
    if resolve_port(settings.port) is None:
        raise CommandError(f"There is no scanner at {settings.port} now. {_ports_seen()}")
    return settings


def _ports_seen() -> str:
    ports = serial_ports()
    if not ports:
        return ("No serial ports are visible now: is the scanner plugged in and set to serial "
                "(USB-COM) mode? A keyboard-wedge scanner needs no test here.")
    return f"Serial ports seen now: {', '.join(ports)}."


def describe_scan(code: str) -> dict[str, Any]:
    """A scan for the screen: masked code, wallet or why it is not a payment code."""
    try:
        wallet = classify_payment_code(code)
    except PaymentCodeError as exc:
        return {"code": mask_code(code), "wallet": None, "biz_type": None, "error": str(exc)}
    return {"code": mask_code(code), "wallet": wallet.label, "biz_type": wallet.value,
            "error": None}


def run_scan_test(args: argparse.Namespace) -> int:
    settings = scanner_settings(args)
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    scanner = SerialScanner(
        settings,
        on_scan=lambda code: events.put(("scan", code)),
        on_status=lambda status, message: events.put(("status", (status, message))),
    )
    deadline = time.monotonic() + args.seconds if args.seconds > 0 else None
    scans = 0
    scanner.start()
    try:
        while not args.count or scans < args.count:
            wait = 0.2 if deadline is None else deadline - time.monotonic()
            if wait <= 0:
                break
            try:
                kind, value = events.get(timeout=min(wait, 0.2))
            except queue.Empty:
                continue
            if kind == "scan":
                scans += 1
                _print_scan(args, describe_scan(value))
            else:
                _print_status(args, *value)
    finally:
        scanner.stop()
    emit(args, {"scans": scans, "port": settings.port}, f"{scans} scan(s) read.")
    return EXIT_OK


def _print_scan(args: argparse.Namespace, info: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps({"event": "scan", **info}, ensure_ascii=False), flush=True)
    elif info["wallet"]:
        print(f"{info['wallet']:<11} {info['code']}", flush=True)
    else:
        print(f"{'not a payment code':<11} {info['error']}", flush=True)


def _print_status(args: argparse.Namespace, status: ScannerStatus, message: str) -> None:
    if status is ScannerStatus.STOPPED:
        return
    if args.json:
        print(json.dumps({"event": "status", "status": status.value, "message": message}),
              flush=True)
    else:
        print(message, flush=True)


def printer_for_test_page(args: argparse.Namespace) -> tuple[PrinterSettings, ReceiptStyle]:
    """The printer and receipt style: the options given, the settings file for the rest.

    The file is read only when an option is missing, so a complete command line works even
    next to a broken settings file.
    """
    overrides: dict[str, Any] = {}
    kind, address = args.printer_kind, args.address
    if args.output:
        kind, address = "file", args.output
    if kind is not None:
        overrides.update(kind=kind, address=address or "")
    if args.paper is not None:
        overrides["paper_mm"] = args.paper
    if args.encoding is not None:
        overrides["encoding"] = args.encoding
    if args.timeout is not None:
        overrides["timeout"] = args.timeout
    needs_config = kind is None or args.paper is None or args.encoding is None
    try:
        if not needs_config:
            settings = PrinterSettings(**overrides)
            return settings, settings.style()
        from cashier import printing

        config = load(args)
        settings = printing.printer_settings(config, **overrides)
        style = dataclasses.replace(settings.style(), language=printing.receipt_language(config))
        return settings, style
    except (ValueError, ReceiptError) as exc:
        raise CommandError(str(exc), EXIT_BAD_INPUT) from None


def run_print_test(args: argparse.Namespace) -> int:
    settings, style = printer_for_test_page(args)
    printer = ReceiptPrinter(settings)
    if not printer.enabled:
        raise CommandError("No printer configured: give --printer-kind or --output FILE.")
    data = render_test_page(style)
    try:
        printer.send(data)
    except PrintError as exc:
        raise CommandError(str(exc), EXIT_DECLINED) from None
    emit(args, {"printed": True, "printer": printer.description, "bytes": len(data)},
         f"Test page sent to the {printer.description} ({len(data)} bytes).")
    return EXIT_OK
