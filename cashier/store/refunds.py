"""Refunds at a lane of a store: any lane's sale, its amount reserved in the store first.

The engine hands every refund here when the lane has a store database (``PaymentEngine`` with
``store_refunds``). The rules:

- Another lane's sale is found in the store database, refused in one sentence when its lane
  uses another OTT Pay merchant, and its refundable amount is reserved under the sale's row
  lock (``central.reserve_refund``) before anything is journaled or sent: two lanes refunding
  the same sale at once cannot both pass. With the store down it is refused
  (``StoreUnreachableError``), and while the store's schema is behind this lane's (a refund
  never waits for a migration: ``central.connect``) too: nothing is journaled.
- The lane's own sale is reserved the same way when the store is reachable and knows it paid;
  when the store is down or behind, or has not been shipped the sale yet, it is refunded on the
  journal's word alone, as on a terminal of its own (the gateway refuses an over-refund itself).
- Then ``Refunder.refund`` does the rest as for any refund (one code path): the intent (and
  the store's description of another lane's sale) is journaled, the REFUND sent once, an
  unknown outcome queried. A reservation whose refund was never journaled, or never sent, is
  released: at once, or, when the lane stopped in between, by its next refund; whatever
  happens, it stops counting after ``central.RESERVATION_HOLD_SECONDS``. The refund
  ships like any other change; once shipped, it counts in the store in place of its
  reservation.

Every wait on the store database is bounded (``central.connect``'s timeouts): a dead store
costs a refund at most those, never a hang.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg

from cashier.journal.records import ForeignSale, Refund, Sale
from cashier.money import check_cents
from cashier.payments.errors import (
    StoreRefusal,
    StoreRefusedError,
    StoreSaleNotFoundError,
    StoreUnreachableError,
)
from cashier.payments.refunds import Refunder
from cashier.sentence import sentence
from cashier.store import central

log = logging.getLogger("cashier.store")

#: A reservation this old whose refund the journal does not hold was never sent.
UNSENT_AFTER_SECONDS = 60.0


class StoreRefunds:
    """Refunds of lane ``terminal_id`` (OTT Pay merchant ``merchant_id``) checked against the
    store database at ``database_url``. Thread-safe: each refund uses its own connection."""

    def __init__(self, database_url: str, terminal_id: str, merchant_id: str | None) -> None:
        self.database_url = database_url
        self.terminal_id = terminal_id
        self.merchant_id = merchant_id

    def refund(self, refunder: Refunder, order_id: str, amount_cents: int | None, *,
               operator_id: str | None = None) -> Refund:
        """``Refunder.refund`` of a sale of any lane (see the module docstring); raises what it
        raises, plus ``StoreUnreachableError`` / ``StoreRefusedError`` /
        ``StoreSaleNotFoundError`` for a sale the store cannot vouch for."""
        if amount_cents is not None:
            check_cents(amount_cents, max_cents=10**12)
        sale = refunder.journal.get_sale(order_id)
        own = sale is not None and sale.lane is None
        try:
            # Never a migration here: a store behind this lane's schema refuses at once.
            conn = central.connect(self.database_url, upgrade=False)
        except (central.StoreUnavailableError, psycopg.Error, central.StoreSchemaError) as exc:
            if not own and isinstance(exc, central.StoreUpgradingError):
                raise StoreRefusedError(
                    "The store database is being upgraded, so only sales made at this lane can "
                    "be refunded now; try again in a few minutes.",
                    StoreRefusal("upgrading", order_id)) from None
            # A StoreUnavailableError is already the sentence; a driver's error is not.
            why = str(exc) if not isinstance(exc, psycopg.Error) else \
                f"the store database failed ({central.reason(exc, self.database_url)})"
            if not own:
                log.warning("refund of %s refused: %s", order_id, why)
                raise StoreUnreachableError() from None
            log.info("refund of own sale %s without the store database: %s", order_id, why)
            return refunder.refund(order_id, amount_cents, operator_id=operator_id)
        try:
            self._release_unsent(conn, refunder)
            if own:
                assert sale is not None
                return self._own(conn, refunder, sale, amount_cents, operator_id)
            return self._foreign(conn, refunder, order_id, amount_cents, operator_id)
        finally:
            conn.close()

    def _own(self, conn: psycopg.Connection[Any], refunder: Refunder, sale: Sale,
             amount_cents: int | None, operator_id: str | None) -> Refund:
        order_id = sale.order_id
        here = refunder.journal.refundable_cents(order_id)
        if here <= 0 or (amount_cents is not None and amount_cents > here):
            # The journal refuses it on its own, in its words: nothing to reserve.
            return refunder.refund(order_id, amount_cents, operator_id=operator_id)
        refund_id = refunder.new_refund_id(sale)
        try:
            # "Everything left": what is left both here and in the store (other lanes' refunds).
            amount = central.reserve_refund(conn, order_id=order_id, refund_id=refund_id,
                                            terminal_id=self.terminal_id,
                                            amount_cents=amount_cents, at_most=here)
        except central.StoreBehindError:
            log.info("refund of own sale %s: the store has not been shipped its payment yet; "
                     "refunded on the journal's word", order_id)
            return refunder.refund(order_id, amount_cents, operator_id=operator_id,
                                   refund_id=refund_id)
        except central.RefundRefusedError as exc:
            raise StoreRefusedError(sentence(exc), exc.refusal) from None
        except psycopg.Error as exc:  # the store went away meanwhile: the journal decides
            log.info("refund of own sale %s without the store database (%s)", order_id,
                     central.reason(exc, self.database_url))
            return refunder.refund(order_id, amount_cents, operator_id=operator_id,
                                   refund_id=refund_id)
        return self._send(conn, refunder, order_id, amount, operator_id, refund_id, None)

    def _foreign(self, conn: psycopg.Connection[Any], refunder: Refunder, order_id: str,
                 amount_cents: int | None, operator_id: str | None) -> Refund:
        try:
            found = central.store_sale(conn, order_id, self.terminal_id)
        except psycopg.Error as exc:
            log.warning("refund of %s refused: the store database failed (%s)", order_id,
                        central.reason(exc, self.database_url))
            raise StoreUnreachableError() from None
        if found is None:
            raise StoreSaleNotFoundError(
                f"no sale with order id {order_id} in this lane's journal or in the store "
                "database (a lane's newest sales appear there once it has shipped them)",
                StoreRefusal("not_found", order_id))
        lane = found["terminal_name"] or found["terminal_id"]
        if found["merchant_id"] and self.merchant_id and found["merchant_id"] != self.merchant_id:
            raise StoreRefusedError(
                f"sale {order_id} was made at {lane} under another OTT Pay merchant, so only a "
                "lane of that merchant can refund it",
                StoreRefusal("other_merchant", order_id, lane=lane))
        refund_id = refunder.new_refund_id(None)
        try:
            amount = central.reserve_refund(conn, order_id=order_id, refund_id=refund_id,
                                            terminal_id=self.terminal_id,
                                            amount_cents=amount_cents)
        except central.RefundRefusedError as exc:
            raise StoreRefusedError(sentence(exc), exc.refusal) from None
        except psycopg.Error as exc:
            log.warning("refund of %s refused: the store database failed (%s)", order_id,
                        central.reason(exc, self.database_url))
            self._release(conn, refund_id)  # in case it was committed before the failure
            raise StoreUnreachableError() from None
        return self._send(conn, refunder, order_id, amount, operator_id, refund_id,
                          _foreign_sale(found))

    def _send(self, conn: psycopg.Connection[Any], refunder: Refunder, order_id: str,
              amount: int, operator_id: str | None, refund_id: str,
              foreign: ForeignSale | None) -> Refund:
        """``Refunder.refund`` of a reserved amount; the reservation is released if the
        refund is never journaled or never sent."""
        try:
            return refunder.refund(order_id, amount, operator_id=operator_id,
                                   refund_id=refund_id, foreign=foreign,
                                   on_unsent=lambda: self._release(conn, refund_id))
        except BaseException:
            if refunder.journal.get_refund(refund_id) is None:  # never journaled: never sent
                self._release(conn, refund_id)
            raise

    def _release_unsent(self, conn: psycopg.Connection[Any], refunder: Refunder) -> None:
        """Release this lane's reservations of refunds it never journaled, so never sent (it
        stopped between reserving and journaling). Reservations younger than a minute may
        be being journaled right now, by this process or another on the same journal."""
        try:
            reserved = central.unshipped_reservations(conn, self.terminal_id,
                                                      older_than=UNSENT_AFTER_SECONDS)
        except psycopg.Error as exc:
            log.info("store: this lane's reservations could not be checked (%s)",
                     central.reason(exc, self.database_url))
            return
        for refund_id in reserved:
            if refunder.journal.get_refund(refund_id) is None:
                log.warning("refund %s was reserved in the store but never journaled here, so "
                            "never sent: its reservation is released", refund_id)
                self._release(conn, refund_id)

    def _release(self, conn: psycopg.Connection[Any], refund_id: str) -> None:
        try:
            central.release_refund(conn, refund_id)
        except psycopg.Error as exc:
            log.warning("refund %s was never sent, but its reservation in the store could not "
                        "be released (%s); it holds that amount until released there",
                        refund_id, central.reason(exc, self.database_url))


def _foreign_sale(found: dict[str, Any]) -> ForeignSale:
    """What the store said about another lane's sale, as the journal keeps it."""
    return ForeignSale(
        order_id=found["order_id"], lane=found["terminal_id"],
        lane_name=found["terminal_name"] or "", merchant_id=found["merchant_id"],
        mode=found["mode"], wallet=found["wallet"], amount_cents=int(found["amount_cents"]),
        tip_cents=int(found["tip_cents"]),
        others_refunded_cents=int(found["others_refunded_cents"]),
        masked_code=found["masked_code"], code_last4=found["code_last4"],
        operator_id=found["operator_id"], state=found["state"],
        bizpay_order_id=found["bizpay_order_id"], trade_time=found["trade_time"],
        business_day=found["business_day"], created_at=float(found["created_at"]),
        updated_at=float(found["updated_at"]),
        settled_at=None if found["settled_at"] is None else float(found["settled_at"]),
    )
