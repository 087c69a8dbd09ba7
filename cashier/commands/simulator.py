"""``cashier simulator``: run the OTT Pay simulator on loopback until interrupted.

Prints the endpoint URL and the demo payment codes (never the sign key), then serves until
Ctrl-C or SIGTERM; ``serve_forever`` does the same from Python.

``--https`` serves TLS with a certificate authority made for the run (nothing of it comes from
outside): its certificate is written to ``--ca-folder`` (a temporary folder, removed when the
simulator stops, if not given) and its path printed, so a terminal is pointed at the simulator
with ``[ottpay] ca_bundle`` and keeps checking certificates. ``--idle-timeout`` is how long a
keep-alive connection may stay unused before the simulator closes it, as a gateway's front end
does.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cashier.commands.common import seconds
from cashier.commands.outcome import CommandError
from cashier.wallets import Wallet

if TYPE_CHECKING:
    from cashier.simulator import Simulator

# The simulator is imported where it is used: every ``cashier`` command builds this parser, and
# none but ``simulator`` and ``demo`` should pay for importing it.

DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "simulator", parents=[common], help="run the OTT Pay simulator on loopback",
        description="Serve a simulated OTT Pay gateway (POST /processV2 and /process) until "
        "interrupted. The last four digits of a payment code choose the outcome.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT,
        help=f"port to listen on; 0 picks a free one (default {DEFAULT_PORT})",
    )
    parser.add_argument("--merchant-id", default=None, help="default: the demo merchant")
    parser.add_argument("--sign-key", default=None, help="default: the built-in demo key")
    parser.add_argument("--confirm-after-queries", type=int, default=2)
    parser.add_argument("--close-after-queries", type=int, default=3)
    parser.add_argument("--slow-response-seconds", type=float, default=20.0)
    parser.add_argument("--qr-lifetime-seconds", type=float, default=7200.0,
                        help="an unpaid QR order closes this long after it was made "
                        "(default 7200)")
    parser.add_argument("--link-lifetime-seconds", type=float, default=7200.0,
                        help="an unpaid payment-link order closes this long after it was "
                        "opened (default 7200)")
    parser.add_argument(
        "--profile", default="demo",
        help="how the gateway answers where OTT Pay's documents leave a choice (default: demo; "
        "an unknown name lists the profiles; see docs/ottpay-open-questions.md)",
    )
    parser.add_argument(
        "--https", action="store_true",
        help="serve HTTPS with a certificate authority made for this run; its certificate file "
        "is printed (trust it with [ottpay] ca_bundle)",
    )
    parser.add_argument(
        "--ca-folder", type=Path, default=None, metavar="FOLDER",
        help="with --https: write the certificate authority here and keep it (default: a "
        "temporary folder, removed when the simulator stops)",
    )
    parser.add_argument(
        "--idle-timeout", type=seconds, default=60.0, metavar="SECONDS",
        help="close a keep-alive connection unused this long, as a gateway's front end does "
        "(default 60)",
    )
    parser.set_defaults(handler=run_simulator)


def run_simulator(args: argparse.Namespace) -> int:
    if args.ca_folder is not None and not args.https:
        raise CommandError("--ca-folder only applies with --https.")
    return serve_forever(
        https=args.https, ca_folder=args.ca_folder, idle_timeout=args.idle_timeout,
        host=args.host, port=args.port, merchant_id=args.merchant_id, sign_key=args.sign_key,
        demo=False, json_output=args.json,
        confirm_after_queries=args.confirm_after_queries,
        close_after_queries=args.close_after_queries,
        slow_response_seconds=args.slow_response_seconds,
        qr_lifetime_seconds=args.qr_lifetime_seconds,
        link_lifetime_seconds=args.link_lifetime_seconds,
        profile=args.profile,
    )


def banner(sim: Simulator, *, custom_key: bool, demo: bool, ca_bundle: Path | None = None) -> str:
    """The human text printed at start-up: endpoint, the certificate authority to trust (with
    HTTPS), merchant and the demo codes."""
    from cashier.simulator import DEMO_SIGN_KEY, Scenario, demo_code

    # The demo key is public (the README's sample settings hold it): a support engineer needs
    # it to set a lane up. A key passed with --sign-key is the user's secret.
    key = "the one you passed (not shown)" if custom_key else \
        f"{DEMO_SIGN_KEY} (the built-in demo key)"
    lines = [
        f"OTT Pay simulator serving {sim.url}",
        *([f"  HTTPS with a certificate authority made for this run: trust it with "
           f"[ottpay] ca_bundle = '{ca_bundle}'"] if ca_bundle else []),
        f"  also {sim.base_url}/process; demo codes page: {sim.base_url}/",
        f"  merchant id: {sim.merchant_id}; sign key: {key}",
        "  demo payment codes (WeChat Pay; last four digits choose the outcome):",
    ]
    if sim.profile_name != "demo":
        from cashier.simulator.readings import PROFILE_HELP

        what = PROFILE_HELP.get(sim.profile_name, "a reading of the documents' open questions")
        lines.insert(len(lines) - 1, f"  profile: {sim.profile_name} ({what})")
    lines += [f"    {demo_code(s, Wallet.WECHATPAY)}  {s.description}" for s in Scenario]
    lines.append(f"  payment links (wapPay): {sim.wappay_url} (merCode: the built-in demo "
                 "payment key, cashier.simulator.DEMO_MERCHANT_PAYMENT_KEY)")
    if demo:
        lines.append("  QR (ACTIVEPAY) orders are paid by opening their code_url and pressing Pay.")
    lines.append("Press Ctrl-C to stop.")
    return "\n".join(lines)


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 0,
    merchant_id: str | None = None,
    sign_key: str | None = None,
    demo: bool = False,
    *,
    json_output: bool = False,
    https: bool = False,
    ca_folder: Path | None = None,
    **options: Any,
) -> int:
    """Run a simulator until Ctrl-C/SIGTERM; ``None`` merchant id / sign key mean the demo ones.

    ``https``: serve TLS with a certificate authority made now in ``ca_folder`` (a temporary
    folder, removed at the end, when ``None``)."""
    temporary = https and ca_folder is None
    folder = Path(tempfile.mkdtemp(prefix="cashier-simulator-ca-")) if temporary else ca_folder
    try:
        return _serve(host, port, merchant_id, sign_key, demo, json_output, folder, options)
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)


def _serve(host: str, port: int, merchant_id: str | None, sign_key: str | None, demo: bool,
           json_output: bool, ca_folder: Path | None, options: dict[str, Any]) -> int:
    from cashier.simulator import DEMO_MERCHANT_ID, DEMO_SIGN_KEY, Scenario, Simulator, demo_code

    ca_bundle = None
    if ca_folder is not None:
        from cashier.simulator.tls import TestAuthority

        try:
            authority = TestAuthority.create(ca_folder)
        except OSError as exc:
            raise CommandError(f"cannot write the certificate authority to {ca_folder} "
                               f"({exc.strerror or exc}).") from None
        ca_bundle = authority.ca_file.resolve()
        options["tls"] = authority.server_context()
    try:
        sim = Simulator(
            merchant_id or DEMO_MERCHANT_ID, sign_key or DEMO_SIGN_KEY, host=host, port=port,
            **options,
        )
        sim.start()
    except OSError as exc:
        raise CommandError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "pass --port 0 to pick a free port"
        ) from None
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    stop = threading.Event()
    restore = _on_sigterm(stop)
    try:
        if json_output:
            print(json.dumps({
                "url": sim.url, "base_url": sim.base_url, "merchant_id": sim.merchant_id,
                "sign_key": None if sign_key else DEMO_SIGN_KEY,  # the user's own: hidden
                "profile": sim.profile_name,
                "wappay_url": sim.wappay_url,
                "ca_bundle": str(ca_bundle) if ca_bundle else None,
                "idle_timeout": sim.idle_timeout,
                "demo_codes": {s.name.lower(): demo_code(s) for s in Scenario},
            }))
        else:
            print(banner(sim, custom_key=bool(sign_key), demo=demo, ca_bundle=ca_bundle))
        sys.stdout.flush()
        while not stop.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        restore()
        sim.stop()
    return 0


def _on_sigterm(stop: threading.Event) -> Any:
    """Make SIGTERM stop the loop cleanly (main thread only); returns the undo function."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    return lambda: signal.signal(signal.SIGTERM, previous)
