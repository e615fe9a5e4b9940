"""scc.trips.forms without Flask: a body becomes one value (a trip's id made once, the rev an
editor read, an edit, a reschedule), every field's problem collected at once."""

from __future__ import annotations

from datetime import date

import pytest

from scc.errors import Invalid
from scc.trips import forms
from tests.support.builders import TRIP_ID, event_body


@pytest.mark.parametrize(
    ("typed", "period"),
    [(None, None), ("", None), ("None", None), ("Sunset", "sunset"), ("Late Run", "late-run")],
)
def test_a_period_is_a_slug_or_nothing(typed: str | None, period: str | None) -> None:
    assert forms.period(typed) == period


def test_a_period_without_letters_is_refused() -> None:
    with pytest.raises(Invalid) as refused:
        forms.period("!!!")
    assert refused.value.field == "period"


def test_a_trip_id_is_the_date_the_name_and_the_period() -> None:
    made = forms.trip_id({"date": "2030-05-23", "name": "Captain Cory", "period": "afternoon"})
    assert made == forms.TripId(TRIP_ID, date(2030, 5, 23), "captain-cory", "afternoon")
    assert made.numbered(2).event_id == "2030-05-23-captain-cory-2-afternoon"


def test_a_given_id_names_its_period_only_when_it_ends_in_one() -> None:
    assert forms.trip_id({"event_id": TRIP_ID}).period == "afternoon"
    whales = forms.trip_id({"event_id": "2030-05-23-whales"})
    assert (whales.name, whales.period) == ("whales", None)


def test_a_trip_ids_problems_are_reported_at_once() -> None:
    with pytest.raises(Invalid) as refused:
        forms.trip_id({"date": "2030-02-30", "name": "", "period": "!!!"})
    assert set(refused.value.errors or {}) == {"date", "name", "period"}


def test_a_new_trip_body_is_one_value_or_every_problem() -> None:
    made = forms.new_trip(event_body())
    assert (made.trip_id.event_id, len(made.patrons), made.confirm) == (TRIP_ID, 2, False)
    with pytest.raises(Invalid) as refused:
        forms.new_trip(event_body(date="2030-02-30", patrons=[], total="-5"))
    assert {"date", "patrons", "total"} <= set(refused.value.errors or {})


@pytest.mark.parametrize(("seen", "rev"), [(None, None), ("", None), (7, 7), (" 12 ", 12)])
def test_rev_is_the_version_read(seen: object, rev: int | None) -> None:
    assert forms.rev({"rev": seen}) == rev


@pytest.mark.parametrize("seen", [True, "abc", "-1", "1" * 13, 1.5, "٣"])
def test_rev_refuses_anything_but_a_version_number(seen: object) -> None:
    with pytest.raises(Invalid) as refused:
        forms.rev({"rev": seen})
    assert refused.value.field == "rev"


@pytest.mark.parametrize(("body", "field"), [({"paid_total": "0"}, "paid_total"), ({"x": 1}, "x")])
def test_an_edit_of_the_ledger_or_an_unknown_field_is_refused(body: dict, field: str) -> None:
    with pytest.raises(Invalid) as refused:
        forms.trip_edit(body)
    assert refused.value.field == field


def test_an_edit_names_only_what_it_changes() -> None:
    edit = forms.trip_edit({"title": "Sunset run", "rev": "3"})
    assert (edit.title, edit.total_given, edit.patrons, edit.crew, edit.rev) == (
        "Sunset run",
        False,
        None,
        None,
        3,
    )


def test_a_reschedule_keeps_the_period_unless_it_names_one() -> None:
    assert forms.moving({"date": "2030-06-01"}).period_given is False
    moved = forms.moving({"date": "2030-06-01", "period": "sunset"})
    assert (moved.day, moved.period, moved.period_given) == (date(2030, 6, 1), "sunset", True)
