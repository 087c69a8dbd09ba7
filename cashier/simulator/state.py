"""The simulator's order book on disk, so one demo gateway lives across processes.

Each ``cashier`` command in demo mode starts its own embedded simulator; with a ``state_path``
the orders made by one command (``cashier pay``) are known to the next (``cashier status``,
``cashier refund``, ``cashier recover``). The file is JSON, rewritten atomically (temp file +
rename) after every change and read at start. Payment codes are stored masked: the scenario an
order plays is stored on its own. The request log (``Simulator.requests``) is not persisted.

Two processes sharing one file at the same instant keep the last writer's book; demo use is one
command at a time.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cashier.ottpay.codes import OrderStatus
from cashier.private_files import write_private_file
from cashier.simulator.orders import OrderSnapshot
from cashier.simulator.scenarios import Scenario
from cashier.wallets import Wallet, mask_code

STATE_VERSION = 1


class SimulatorStateError(ValueError):
    """The state file cannot be read as a simulator order book; the message names the file."""


def order_to_json(order: OrderSnapshot) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(order):
        value = getattr(order, f.name)
        if isinstance(value, Wallet | OrderStatus | Scenario):
            value = value.value
        elif isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    out["auth_code"] = mask_code(order.auth_code) if order.auth_code else ""
    return out


def order_from_json(data: dict[str, Any]) -> OrderSnapshot:
    values = dict(data)
    values["biz_type"] = Wallet(values["biz_type"]) if values.get("biz_type") else None
    values["status"] = OrderStatus(values["status"])
    values["scenario"] = Scenario(values["scenario"]) if values.get("scenario") else None
    for name in ("created_at", "paid_at"):
        values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
    values["refund_ids"] = tuple(values.get("refund_ids") or ())
    known = {f.name for f in fields(OrderSnapshot)}
    return replace(OrderSnapshot(order_id="", action="", amount_cents=0, tip_cents=0,
                                 biz_type=None, status=OrderStatus.NOTPAY),
                   **{k: v for k, v in values.items() if k in known})


def save_state(path: Path, orders: list[OrderSnapshot], serial: int) -> None:
    """Write the order book atomically: a crash leaves the old file or the new one."""
    payload = {"version": STATE_VERSION, "serial": serial,
               "orders": [order_to_json(order) for order in orders]}
    write_private_file(path, json.dumps(payload, ensure_ascii=False))


def load_state(path: Path) -> tuple[list[OrderSnapshot], int]:
    """The orders and next serial number in ``path``; an absent file is an empty book."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], 1
    except OSError as exc:
        raise SimulatorStateError(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        payload = json.loads(text)
        if payload.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported version {payload.get('version')!r}")
        orders = [order_from_json(item) for item in payload["orders"]]
        serial = int(payload.get("serial", 1))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SimulatorStateError(
            f"{path}: is not a simulator state file ({exc}); delete it to start afresh."
        ) from None
    return orders, max(serial, 1)
