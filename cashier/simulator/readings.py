"""Readings of the OTT Pay documents: what the simulated gateway does where they are silent.

OTT Pay has no sandbox, so the simulator must not be a single guess that agrees with the
client's. Each open question of the protocol notes (see ``docs/ottpay-open-questions.md``) has a
``Reading`` field, and each named profile turns one of them away from the default. The client
must settle every flow under every profile; ``tests/flows`` runs them all.

``demo`` is the default of demo mode, the tests and ``cashier simulator``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Reading:
    """How the simulated gateway answers where the documents leave a choice."""

    #: STATUS_QUERY answers repeat the ``order_id`` asked about.
    query_echoes_order_id: bool = True
    #: How a STATUS_QUERY for an order the gateway does not have is refused.
    not_found_code: str = "FAIL"
    not_found_msg: str = "order not found"
    #: A refund can be queried by its own order id (else: "not found", judge by the original).
    refunds_queryable: bool = True
    #: A callback's ``amount`` includes the tip (``tip`` still says the tip).
    callback_amount_includes_tip: bool = False
    #: Amounts in answers and callbacks as JSON numbers, and how the md5 wrote them:
    #: ``""`` strings (the notes' decision), ``"plain"`` (``1``), ``"point-zero"`` (``1.0``).
    numbers: str = ""
    #: Seed 002's payment-link return URL and notify: ``out_trade_no`` is the gateway's order
    #: number (``AL…``), ``trade_no`` Alipay's, and the notify carries only the documented fields.
    seed_return_notify: bool = False
    #: MAPPPAY also accepted as in seed 003's example (version "1.0", ``appId``).
    mapppay_as_example: bool = False


DEMO = Reading()

#: Every profile, by the name ``cashier simulator --profile`` takes.
PROFILES: dict[str, Reading] = {
    "demo": DEMO,
    "no-order-id": replace(DEMO, query_echoes_order_id=False),
    "not-found-code": replace(DEMO, not_found_code="ORDER_NOT_EXIST", not_found_msg="订单不存在"),
    "not-found-other-text": replace(DEMO, not_found_msg="查询失败"),
    "refunds-not-queryable": replace(DEMO, refunds_queryable=False),
    "callback-tip-in-amount": replace(DEMO, callback_amount_includes_tip=True),
    "numbers": replace(DEMO, numbers="plain"),
    "numbers-point-zero": replace(DEMO, numbers="point-zero"),
    "seed-return-notify": replace(DEMO, seed_return_notify=True),
    "mapppay-example": replace(DEMO, mapppay_as_example=True),
}

#: One line per profile, for ``cashier simulator``'s banner.
PROFILE_HELP = {
    "demo": "the protocol notes' decisions (default)",
    "no-order-id": "STATUS_QUERY answers leave out order_id",
    "not-found-code": "an unknown order is ORDER_NOT_EXIST / 订单不存在",
    "not-found-other-text": "an unknown order is FAIL with a text the client does not know",
    "refunds-not-queryable": "a refund's own order id is 'not found'; the original shows it",
    "callback-tip-in-amount": "callback amount = amount + tip",
    "numbers": "amounts as JSON numbers, md5 over 1",
    "numbers-point-zero": "amounts as JSON numbers, md5 over 1.0",
    "seed-return-notify": "payment-link return and notify laid out as seed 002's example",
    "mapppay-example": "MAPPPAY also accepted as version 1.0 with appId",
}


def reading_for(profile: str | Reading) -> Reading:
    """The reading named ``profile`` (or the reading itself); ``ValueError`` names the choices."""
    if isinstance(profile, Reading):
        return profile
    found = PROFILES.get(profile)
    if found is None:
        raise ValueError(
            f"unknown simulator profile {profile!r}; choose one of {', '.join(PROFILES)}"
        )
    return found
