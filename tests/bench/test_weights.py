import json

import pytest

from bench.weights import as_dynamodb_sends, compact, dynamodb_number


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("150.00", "150"),
        ("75.50", "75.5"),
        ("0.00", "0"),
        ("0", "0"),
        ("-0.0", "0"),
        ("0075", "75"),
        ("100", "100"),
        ("1E+2", "100"),
        ("0.05", "0.05"),
        ("-12.340", "-12.34"),
        ("1000000000000.00", "1000000000000"),
    ],
)
def test_numbers_come_back_trimmed_as_dynamodb_sends_them(written, sent):
    assert dynamodb_number(written) == sent


def test_an_answer_is_trimmed_wherever_numbers_are_and_nowhere_else():
    answer = {
        "Items": [
            {
                "total": {"N": "600.00"},
                "tags": {"NS": ["1.50", "2.00"]},
                "patrons": {"L": [{"M": {"amount_due": {"N": "150.00"}}}]},
                "N": {"S": "0.00"},  # an attribute named N is not a number
                "note": {"S": "150.00"},
            }
        ],
        "Count": 1,
    }
    assert as_dynamodb_sends(answer) == {
        "Items": [
            {
                "total": {"N": "600"},
                "tags": {"NS": ["1.5", "2"]},
                "patrons": {"L": [{"M": {"amount_due": {"N": "150"}}}]},
                "N": {"S": "0.00"},
                "note": {"S": "150.00"},
            }
        ],
        "Count": 1,
    }


def test_compact_counts_bytes_without_padding():
    value = {"a": [1, 2], "b": {"N": "1"}}
    assert compact(value) == len(json.dumps(value, separators=(",", ":")).encode())
    assert compact(value) < len(json.dumps(value).encode())
