"""Merging the function's environment, and keeping values out of what is printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.cli import main
from deploy.envmerge import (
    ENV_LIMIT_BYTES,
    EnvChanges,
    current_variables,
    env_size,
    merge,
    parse_changes,
    read_env_file,
)
from deploy.output import DeployError, Redactor, Steps

CURRENT = {"GMAIL_REFRESH_TOKEN": "1//token", "SCC_SECRET_KEY": "key", "SCC_TABLE": "events"}


def test_merge_keeps_every_key_not_named() -> None:
    merged, diff = merge(CURRENT, EnvChanges({"NEW": "x", "SCC_SECRET_KEY": "rotated"}))

    assert merged == {**CURRENT, "NEW": "x", "SCC_SECRET_KEY": "rotated"}
    assert (diff.added, diff.changed, diff.removed) == (("NEW",), ("SCC_SECRET_KEY",), ())
    assert diff.kept == ("GMAIL_REFRESH_TOKEN", "SCC_TABLE")


def test_unset_removes_only_its_keys_and_notes_missing_ones() -> None:
    merged, diff = merge(CURRENT, EnvChanges(unset=frozenset({"SCC_TABLE", "NOPE"})))

    assert merged == {k: v for k, v in CURRENT.items() if k != "SCC_TABLE"}
    assert diff.removed == ("SCC_TABLE",)
    assert diff.missing_unsets == ("NOPE",)


def test_setting_an_unchanged_value_changes_nothing() -> None:
    _, diff = merge(CURRENT, EnvChanges({"SCC_TABLE": "events"}))

    assert diff.unchanged


def test_removing_every_key_is_refused() -> None:
    with pytest.raises(DeployError, match="remove every environment variable"):
        merge(CURRENT, EnvChanges(unset=frozenset(CURRENT)))


def test_the_4kb_limit_counts_the_json_and_never_shows_values() -> None:
    value = "v" * (ENV_LIMIT_BYTES - env_size({"BIG": ""}))
    merged, _ = merge({}, EnvChanges({"BIG": value}))
    assert env_size(merged) == ENV_LIMIT_BYTES

    with pytest.raises(DeployError, match="over Lambda's limit") as failure:
        merge({}, EnvChanges({"BIG": value + "v"}))
    assert "vvvv" not in str(failure.value)


def test_diff_lines_show_keys_only() -> None:
    _, diff = merge(CURRENT, EnvChanges({"NEW": "secret-new"}, frozenset({"SCC_TABLE"})))

    text = "\n".join(diff.lines())

    assert "+ NEW" in text and "- SCC_TABLE" in text and "= GMAIL_REFRESH_TOKEN" in text
    assert not any(value in text for value in [*CURRENT.values(), "secret-new"])


def test_env_file_then_set_then_unset(tmp_path: Path) -> None:
    env_file = tmp_path / "prod.env"
    env_file.write_text(
        "# Gmail\nexport GMAIL_CLIENT_ID=abc\n\nGMAIL_CLIENT_SECRET=\"quoted = value\"\nA1='x'\n"
    )

    changes = parse_changes(("A1=from-set",), ("OLD_KEY",), env_file)

    assert changes.set == {
        "GMAIL_CLIENT_ID": "abc", "GMAIL_CLIENT_SECRET": "quoted = value", "A1": "from-set"
    }  # fmt: skip
    assert changes.unset == frozenset({"OLD_KEY"})


@pytest.mark.parametrize(
    ("sets", "unsets", "message"),
    [
        (("novalue",), (), "KEY=VALUE"),
        (("=secret-without-key",), (), "KEY=VALUE"),
        (("1BAD=x",), (), "not a valid variable name"),
        (("X=y",), (), "not a valid variable name"),  # Lambda wants two characters at least
        (("AWS_REGION=us-east-1",), (), "set by the Lambda runtime"),
        (("SAME=x",), ("SAME",), "both set and unset"),
    ],
)
def test_bad_changes_are_refused_without_echoing_values(
    sets: tuple[str, ...], unsets: tuple[str, ...], message: str
) -> None:
    with pytest.raises(DeployError, match=message) as failure:
        parse_changes(sets, unsets, None)
    assert "secret-without-key" not in str(failure.value)


def test_an_unreadable_env_file_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="Cannot read the env file"):
        read_env_file(tmp_path / "missing.env")


def test_an_undecryptable_environment_is_refused() -> None:
    answer = {"Environment": {"Error": {"ErrorCode": "KMSAccessDeniedException"}}}

    with pytest.raises(DeployError, match="nothing was sent"):
        current_variables(answer)
    assert current_variables({}) == {}


def test_the_redactor_masks_known_values_but_not_the_bucket() -> None:
    redactor = Redactor()
    redactor.add_env({"SCC_SECRET_KEY": "abcd1234", "SCC_DISPATCH_BUCKET": "bucket-name", "F": "1"})

    assert redactor("key abcd1234 in s3://bucket-name, flag 1") == (
        "key ******** in s3://bucket-name, flag 1"
    )


def test_the_failure_summary_says_what_changed_and_what_did_not() -> None:
    steps = Steps(["one", "two", "three"])
    with steps.step("one"):
        steps.record("code updated")
    with pytest.raises(RuntimeError), steps.step("two"):
        raise RuntimeError("boom")

    assert steps.failure_summary(["Alias live was not touched."]) == [
        "Stopped at [2/3] two.",
        "Changed: code updated.",
        "Not done: two; three.",
        "Alias live was not touched.",
    ]


def test_a_mistyped_option_does_not_echo_its_value(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["staging", "--sett", "GMAIL_REFRESH_TOKEN=1//secret-value"])

    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --sett GMAIL_REFRESH_TOKEN=…" in err
    assert "secret-value" not in err
