from decimal import Decimal
from pathlib import Path

import pytest

from scc.errors import Invalid
from scc.money import fmt, parse_amount
from tests.support.builders import BAD_AMOUNTS

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
        (Decimal("125.5"), "125.50"),  # a JSON number, read as a Decimal (scc.web.forms)
    ],
)
def test_parse_amount(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize(
    "raw", [*BAD_AMOUNTS, 12.5, None, True, [], {}, "1" * 30, "2000000", Decimal("1E+2")]
)
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
