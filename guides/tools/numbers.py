"""Numbers as the tools show them: Decimal amounts, rounded half-up, without trailing zeros."""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal(0)


def round_to(value, places=0):
    """Round a Decimal half-up (301.5 -> 302), not to even."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def plain_number(value, places=2):
    """Text for a number: rounded half-up, without trailing zeros (2.43, 0.82, 140)."""
    text = f"{round_to(value, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
