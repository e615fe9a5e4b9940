from datetime import date

import pytest

from scc import eventids
from scc.errors import Invalid


@pytest.mark.parametrize(
    "eid",
    [
        "2026-05-23-captain-cory",
        "2026-05-23-captain-cory-afternoon",
        "2028-02-29-x",
        "2026-01-01-a1",
    ],
)
def test_valid_ids(eid):
    assert eventids.problem(eid) is None


@pytest.mark.parametrize(
    "eid",
    [
        "2026-05-23",
        "2026-02-30-cory",
        "2026-05-23-Cory!",
        "cory-2026-05-23",
        "2026-05-23-",
        "2026-05-23--cory",
        "2026-5-23-cory",
        "",
        "2026-05-23-cory ",
        "2026-05-23-" + "a" * 80,
    ],
)
def test_invalid_ids_explain_the_convention(eid):
    message = eventids.problem(eid)
    assert message is not None
    assert "YYYY-MM-DD-name[-period]" in message


def test_bare_date_is_called_out():
    assert "only a date" in eventids.problem("2026-05-23")


def test_make_builds_from_date_name_and_period():
    assert eventids.make(date(2026, 5, 23), "Captain Cory", "Afternoon") == (
        "2026-05-23-captain-cory-afternoon"
    )
    assert eventids.make(date(2026, 5, 23), "captain cory") == "2026-05-23-captain-cory"


def test_make_refuses_a_name_without_letters():
    with pytest.raises(Invalid) as caught:
        eventids.make(date(2026, 5, 23), "!!!")
    assert caught.value.field == "name"


@pytest.mark.parametrize(
    ("bad", "fix"),
    [
        ("cory-2026-05-23", "2026-05-23-cory"),
        ("2026-05-23-Cory!", "2026-05-23-cory"),
        ("2026-5-3-Sunset Cruise", "2026-05-03-sunset-cruise"),
        ("2026-05-23", None),
        ("2026-02-30-cory", None),
    ],
)
def test_suggest_a_fix(bad, fix):
    assert eventids.suggest(bad) == fix
