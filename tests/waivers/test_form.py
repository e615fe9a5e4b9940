"""The waiver form's rules, without Flask."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from scc.errors import Invalid
from scc.patrons.forms import Minor, age_on, minor_rows, nonce, same_name, signer
from tests.support.builders import waiver_form

TRIP = date(2030, 5, 23)
TODAY = date(2026, 11, 21)


def errors_for(minors: list[tuple[str, str]] | None = None, **fields: Any) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        signer(waiver_form(**fields), minors or [], trip=TRIP, today=TODAY)
    return caught.value.errors


def test_a_valid_form_gives_a_clean_signer() -> None:
    result = signer(
        waiver_form(signature="  dana   LEE "), [("Kid Lee", "2020-01-02")], trip=TRIP, today=TODAY
    )
    assert result.full_name == "Dana Lee"
    assert result.signature == "dana LEE"
    assert result.minors == (Minor("Kid Lee", "2020-01-02"),)
    assert result.date_of_birth == "1990-04-12"


@pytest.mark.parametrize(
    "field",
    [
        "full_name",
        "email",
        "date_of_birth",
        "emergency_contact_name",
        "emergency_contact_phone",
        "agree",
        "signature",
    ],
)
def test_each_required_field_is_reported_when_missing(field: str) -> None:
    assert field in errors_for(**{field: None})


def test_every_problem_is_reported_at_once() -> None:
    errors = errors_for(full_name="", email="nope", agree="", signature="")
    assert {"full_name", "email", "agree", "signature"} <= errors.keys()


def test_phone_is_optional_but_checked_when_given() -> None:
    assert signer(waiver_form(phone=None), [], trip=TRIP, today=TODAY).phone is None
    assert "phone" in errors_for(phone="call me")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1990/04/12", "YYYY-MM-DD"),
        ("1990-02-30", "not a real calendar date"),
        ("1899-12-31", "after 1900"),
        ("2026-11-22", "future"),
        ("2012-05-24", "18 or older"),
    ],
)
def test_date_of_birth_must_be_real_plausible_and_adult(value: str, message: str) -> None:
    assert message in errors_for(date_of_birth=value)["date_of_birth"]


def test_a_signer_who_turns_18_on_the_trip_date_may_sign() -> None:
    assert signer(waiver_form(date_of_birth="2012-05-23"), [], trip=TRIP, today=TODAY)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(1990, 5, 23), date(2030, 5, 22), 39),
    ],
)
def test_age_on_counts_whole_years(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("signature", "ok"),
    [
        ("Dana Lee", True),
        ("dana lee", True),
        ("  Dana   Lee ", True),
        ("Dana", False),
        ("Dana Leigh", False),
    ],
)
def test_signature_must_match_the_full_name(signature: str, ok: bool) -> None:
    assert same_name(signature, "Dana Lee") is ok


def test_a_mismatched_signature_says_what_to_type() -> None:
    assert "exactly as you entered" in errors_for(signature="D. Lee")["signature"]


@pytest.mark.parametrize("agree", ["", "no", "off", None])
def test_consent_must_be_ticked(agree: str | None) -> None:
    assert "agree" in errors_for(agree=agree)


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (("", "2020-01-01"), "minor_name_1", "name is required"),
        (("Kid", ""), "minor_dob_1", "is required"),
        (("Kid", "2027-01-01"), "minor_dob_1", "future"),
        (("Kid", "2012-05-23"), "minor_dob_1", "must sign their own waiver"),
        (("<b>Kid</b>", "2020-01-01"), "minor_name_1", "can't contain"),
    ],
)
def test_each_minor_is_checked(row: tuple[str, str], field: str, message: str) -> None:
    assert message in errors_for([row])[field]


def test_at_most_ten_minors() -> None:
    rows = [(f"Kid {n}", "2020-01-01") for n in range(11)]
    assert "at most 10" in errors_for(rows)["minors"]


def test_minor_rows_pair_names_with_dates_and_drop_blank_rows() -> None:
    rows = minor_rows(["Ann", "", "  ", "Bo"], ["2020-01-01", "", "", ""])
    assert rows == [("Ann", "2020-01-01"), ("Bo", "")]


@pytest.mark.parametrize("field", ["full_name", "emergency_contact_name", "signature"])
def test_names_are_bounded_and_carry_no_markup(field: str) -> None:
    assert "too long" in errors_for(**{field: "x" * 81})[field]
    assert "can't contain" in errors_for(**{field: "<img src=x>"})[field]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("abcdefghijklmnop", True),
        ("short", False),
        ("has space in it!!", False),
        (None, False),
        ("x" * 65, False),
    ],
)
def test_the_form_id_must_be_well_formed(value: str | None, ok: bool) -> None:
    assert (nonce(value) is not None) is ok
