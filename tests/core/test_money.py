from decimal import Decimal
from pathlib import Path

import pytest

from scc.errors import Invalid
from scc.money import fmt, parse_amount

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("125", "125.00"),
        ("125.5", "125.50"),
        ("0.01", "0.01"),
        (" 40.00 ", "40.00"),
        (50, "50.00"),
        ("$20", "20.00"),
        (".5", "0.50"),
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


# The validation matrix: each of these is refused, here and by the payment route.
BAD_AMOUNTS = ["0", "-1", "0.001", "12.345", "abc", "", "NaN", "Infinity", "1e3", "1,000", 12.5]


@pytest.mark.parametrize("raw", [*BAD_AMOUNTS, None, True, [], {}, "1" * 30, "2000000"])
def test_parse_amount_refuses(raw):
    with pytest.raises(Invalid) as caught:
        parse_amount(raw)
    assert caught.value.field == "amount"
    assert caught.value.message


def test_fmt_has_two_decimals():
    assert fmt(Decimal("5")) == "5.00"
    assert fmt(None) == "0.00"


def test_no_float_in_money_code():
    for path in (ROOT / "scc").rglob("*.py"):
        assert "float(" not in path.read_text(), path
