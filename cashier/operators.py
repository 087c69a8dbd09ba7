"""Operators (cashiers and managers) and their PINs, stored hashed. No Qt here.

Each operator has a name, their own OTT Pay ``operator_id`` and a role. PINs are 4-8 digits and
only their salted scrypt hash is kept (``operators.json`` next to the settings file, mode 0600).
Refunds, the Z report and settings ask for a manager's PIN.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from cashier.private_files import write_private_file

ROLES = ("cashier", "manager")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_PIN_RE = re.compile(r"\d{4,8}")
_OPERATOR_ID_RE = re.compile(r"\d{10}")  # OTT Pay operator ids, like 0000020156


class OperatorError(ValueError):
    """Bad operator data or PIN; the message is for the person at the counter."""


def check_pin(pin: str) -> str:
    if not isinstance(pin, str) or not _PIN_RE.fullmatch(pin):
        raise OperatorError("A PIN is 4 to 8 digits.")
    return pin


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$<salt hex>$<hash hex>``; the PIN itself is never stored."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(check_pin(pin).encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, hashed: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = hashed.split("$")
        if scheme != "scrypt" or not _PIN_RE.fullmatch(pin or ""):
            return False
        digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)


@dataclass(frozen=True)
class Operator:
    """A person who may use the terminal. ``pin_hash`` only, never the PIN."""

    name: str
    operator_id: str
    role: str
    pin_hash: str

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"

    def __repr__(self) -> str:
        return f"Operator(name={self.name!r}, operator_id={self.operator_id!r}, role={self.role!r})"


class OperatorStore:
    """Operators kept in a JSON file (``path=None``: in memory only, as in demo mode)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._operators: list[Operator] = []
        if path is not None and path.exists():
            self._operators = self._load(path)

    @staticmethod
    def _load(path: Path) -> list[Operator]:
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))["operators"]
            return [Operator(**row) for row in rows]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise OperatorError(f"{path}: the operators file cannot be read ({exc}).") from None

    @property
    def operators(self) -> list[Operator]:
        return list(self._operators)

    def add(self, name: str, operator_id: str, role: str, pin: str) -> Operator:
        """Add an operator; refused if the name, operator id or PIN is taken or malformed."""
        name, operator_id = name.strip(), operator_id.strip()
        if not name or not operator_id:
            raise OperatorError("An operator needs a name and an OTT Pay operator id.")
        if not _OPERATOR_ID_RE.fullmatch(operator_id):
            raise OperatorError(f"{operator_id!r} is not an OTT Pay operator id (10 digits, "
                                "like 0000020156).")
        if role not in ROLES:
            raise OperatorError(f"Role {role!r} unknown; use cashier or manager.")
        if any(o.name == name or o.operator_id == operator_id for o in self._operators):
            raise OperatorError(f"An operator named {name} or with id {operator_id} exists.")
        if self.find_by_pin(check_pin(pin)) is not None:
            raise OperatorError("That PIN is already used by another operator; choose another.")
        operator = Operator(name, operator_id, role, hash_pin(pin))
        self._operators.append(operator)
        self._save()
        return operator

    def remove(self, name: str) -> Operator:
        """Remove the operator called ``name`` (``OperatorError`` if there is none)."""
        operator = next((o for o in self._operators if o.name == name.strip()), None)
        if operator is None:
            raise OperatorError(f"There is no operator named {name.strip()}.")
        self._operators.remove(operator)
        self._save()
        return operator

    def name_of(self, operator_id: str | None) -> str:
        """Who sold under ``operator_id`` (the id itself if no operator has it; "" for none)."""
        found = next((o.name for o in self._operators if o.operator_id == operator_id), None)
        return found or operator_id or ""

    def find_by_pin(self, pin: str) -> Operator | None:
        """The operator signing in with ``pin`` (``None`` if no one has it)."""
        return next((o for o in self._operators if verify_pin(pin, o.pin_hash)), None)

    def verify_manager(self, pin: str) -> Operator | None:
        """The manager whose PIN this is, else ``None``."""
        operator = self.find_by_pin(pin)
        return operator if operator is not None and operator.is_manager else None

    def _save(self) -> None:
        if self.path is None:
            return
        data = json.dumps({"operators": [asdict(o) for o in self._operators]}, indent=2)
        write_private_file(self.path, data)


def operators_path(config_path: Path | None) -> Path:
    """``operators.json`` beside the settings file (default: the platform config dir)."""
    from cashier.config import default_config_dir

    return (config_path.parent if config_path else default_config_dir()) / "operators.json"


# Demo mode's operators; their PINs are shown on the demo screen.
DEMO_CASHIER_PIN = "1111"
DEMO_MANAGER_PIN = "9999"
DEMO_CASHIER_ID = "0000000001"
DEMO_MANAGER_ID = "0000000009"


# The demo PINs are public, so their hashes are computed once here rather than at every demo
# start: adding them with ``add`` ran scrypt three times (~0.2 s) on the GUI thread at start-up.
# A test checks they still verify against the PINs.
_DEMO_PIN_HASHES = {
    DEMO_CASHIER_PIN: (
        "scrypt$636173686965722d64656d6f2d633031$fa9cf41054547e58f80f"
        "0eb43ac87dfbb8127b252bba999c44a6618e9befec94923d5a2a19f4cfa2f104b8d69bc6c2d72bb8c4bc72dffbcb3dee2e052e15fbb8"
    ),
    DEMO_MANAGER_PIN: (
        "scrypt$636173686965722d64656d6f2d6d3031$89b80164e9d363480d68"
        "b9b00360dfc41e6a748b3409124aec32365cf18344a57f00483b2950ae0f86db7fad985c2eb943d5caec4786addef6b6ad3b8c8f0f99"
    ),
}


def demo_operators() -> OperatorStore:
    """The demo mode's cashier and manager (kept in memory, never written)."""
    store = OperatorStore(None)
    store._operators.extend([
        Operator("Demo cashier", DEMO_CASHIER_ID, "cashier", _DEMO_PIN_HASHES[DEMO_CASHIER_PIN]),
        Operator("Demo manager", DEMO_MANAGER_ID, "manager", _DEMO_PIN_HASHES[DEMO_MANAGER_PIN]),
    ])
    return store
