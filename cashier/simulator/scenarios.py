"""Magic payment codes: how a PASSIVEPAY's outcome is chosen, like a provider's test cards.

The LAST FOUR DIGITS of the scanned ``auth_code`` (any valid wallet code) pick the scenario:

=======  ==================  =============================================================
suffix   scenario            what the simulator does
=======  ==================  =============================================================
1111     CONFIRM_SUCCESS     answers PROCESSING / notpay; the ``confirm_after_queries``-th
                             STATUS_QUERY (and every later one) says success
2222     CONFIRM_FAILURE     answers PROCESSING / notpay; the ``confirm_after_queries``-th
                             STATUS_QUERY says failure
3333     DECLINED            answers FAIL with order_status failure
4444     SLOW_RESPONSE       charges at once, but the SUCCESS answer is sent only after
                             ``slow_response_seconds`` (longer than a client's read timeout)
5555     NEVER_SETTLES       answers PROCESSING / notpay; the ``close_after_queries``-th
                             STATUS_QUERY says orderclosed
6666     WRONG_PASSWORD      answers PWD_INCORRECT / notpay; success after
                             ``confirm_after_queries`` STATUS_QUERYs (customer retried)
7777     BAD_GATEWAY         charges, but the answer is HTTP 502 with an HTML body
8888     TAMPERED_MD5        charges, but the answer's md5 is tampered (fails verification)
other    INSTANT_SUCCESS     SUCCESS / success at once
=======  ==================  =============================================================

Demo codes: WeChat Pay ``13456789012345`` + suffix (18 digits), Alipay ``284567890123`` + suffix
(16 digits), UnionPay ``621234567890123`` + suffix (19 digits); ``...0000`` is instant success.
"""

from __future__ import annotations

import enum

from cashier.wallets import Wallet


class Scenario(enum.Enum):
    """A PASSIVEPAY outcome; ``value`` is the auth_code suffix that selects it."""

    INSTANT_SUCCESS = "0000"
    CONFIRM_SUCCESS = "1111"
    CONFIRM_FAILURE = "2222"
    DECLINED = "3333"
    SLOW_RESPONSE = "4444"
    NEVER_SETTLES = "5555"
    WRONG_PASSWORD = "6666"
    BAD_GATEWAY = "7777"
    TAMPERED_MD5 = "8888"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS: dict[Scenario, str] = {
    Scenario.INSTANT_SUCCESS: "instant success",
    Scenario.CONFIRM_SUCCESS: "customer confirming, then success",
    Scenario.CONFIRM_FAILURE: "customer confirming, then failure",
    Scenario.DECLINED: "declined (FAIL)",
    Scenario.SLOW_RESPONSE: "charged, answer arrives late",
    Scenario.NEVER_SETTLES: "never settles, order closes",
    Scenario.WRONG_PASSWORD: "wrong wallet password, then success",
    Scenario.BAD_GATEWAY: "charged, answer is HTTP 502 HTML",
    Scenario.TAMPERED_MD5: "charged, answer md5 tampered",
}

_BY_SUFFIX = {s.value: s for s in Scenario}

#: Prefixes that make a valid code of each wallet when followed by a four-digit suffix.
DEMO_CODE_PREFIXES: dict[Wallet, str] = {
    Wallet.WECHATPAY: "13456789012345",
    Wallet.ALIPAY: "284567890123",
    Wallet.UNIONPAY: "621234567890123",
}


def scenario_for(auth_code: str) -> Scenario:
    """The scenario an auth code selects by its last four digits (else instant success)."""
    return _BY_SUFFIX.get(auth_code.strip()[-4:], Scenario.INSTANT_SUCCESS)


def demo_code(scenario: Scenario, wallet: Wallet = Wallet.WECHATPAY) -> str:
    """A valid payment code of ``wallet`` that selects ``scenario``."""
    return DEMO_CODE_PREFIXES[wallet] + scenario.value


#: The WeChat Pay demo code of every scenario, in table order.
DEMO_CODES: dict[Scenario, str] = {s: demo_code(s) for s in Scenario}
