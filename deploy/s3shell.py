"""The dispatch shell and static files in S3, rendered by the app itself (same templates, same
view), once with the /_staging prefix for the staging shell and once without for the live one.

Layout in the bucket:
  _staging/tools/shipcaptaincrew/index.html, _staging/static/…   what /_staging/ serves
  _releases/<version>/tools/shipcaptaincrew/index.html, …/static/…   the live shell of each
                                                                    staged version, kept
  tools/shipcaptaincrew/index.html, static/…                      live: copied from _releases
Promote and rollback copy a release to the live keys, so live gets exactly what was staged: the
static files before alias live moves, the shell after.
"""

from __future__ import annotations

import mimetypes
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from deploy import aws
from deploy.config import (
    HTML_CACHE,
    PROJECT_ROOT,
    RELEASES_PREFIX,
    SHELL_KEY,
    STAGING_PREFIX,
    STATIC_CACHE,
    STATIC_PREFIX,
)
from deploy.output import DeployError

STATIC, SHELL = "static", "shell"  # the two parts of a release that promote copies apart


def _checked(name: str) -> bool:
    """What the shell is made of: every template folder in scc/, and the static files."""
    return name.startswith("scc/") and ("/templates/" in name or name.startswith("scc/static/"))


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes
    content_type: str
    cache_control: str


def _local_files(root: Path = PROJECT_ROOT) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / "scc").rglob("*"))
        if path.is_file() and _checked(path.relative_to(root).as_posix())
    }


def package_files(package: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(package) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if _checked(name) and not name.endswith("/")
        }


def check_package_matches_checkout(package: Path, root: Path = PROJECT_ROOT) -> dict[str, bytes]:
    """The shell is rendered from this checkout, so the package's templates and static files
    must be this checkout's; returns the package's static files (scc/static/... → bytes)."""
    packaged = package_files(package)
    local = _local_files(root)
    differ = sorted(
        name for name in packaged.keys() | local.keys() if packaged.get(name) != local.get(name)
    )
    if differ:
        shown = ", ".join(differ[:3]) + (" …" if len(differ) > 3 else "")
        raise DeployError(
            f"The package's templates or static files differ from this checkout ({shown}); "
            "the shell would not match the code. Build from this checkout, or check out the "
            "commit the package was built from."
        )
    return {
        name[len("scc/static/") :]: body
        for name, body in packaged.items()
        if name.startswith("scc/static/")
    }


def render_shells() -> tuple[bytes, bytes]:
    """The shell as the app serves it at / and at /_staging/: (live, staging)."""
    from scc import create_app

    # The shell needs no secret; a throwaway key keeps create_app from asking for one.
    app = create_app({"SECRET_KEY": "render-only", "TESTING": False})
    client = app.test_client()
    pages = []
    for path in ("/", f"/{STAGING_PREFIX}/"):
        response = client.get(path, base_url="https://localhost")
        if response.status_code != 200 or not response.mimetype == "text/html":
            raise DeployError(
                f"The app did not render the shell at {path} "
                f"({response.status_code} {response.mimetype})."
            )
        pages.append(response.get_data())
    return pages[0], pages[1]


def _content_type(name: str, body: bytes) -> str:
    guessed = mimetypes.guess_type(name)[0]
    if guessed is None:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
        guessed = "text/plain"
    textual = guessed.startswith("text/") or guessed in {"application/javascript", "image/svg+xml"}
    return f"{guessed}; charset=utf-8" if textual else guessed


def static_uploads(prefix: str, static: dict[str, bytes]) -> list[Upload]:
    """Each static file under its content-hashed name, the one the shell links (scc.web.assets):
    a new release adds new names and never changes what an old page loads."""
    from scc.web.assets import hashed_name

    return [
        Upload(
            f"{prefix}{STATIC_PREFIX}/{hashed_name(name, body)}",
            body,
            _content_type(name, body),
            STATIC_CACHE,
        )
        for name, body in sorted(static.items())
    ]


def shell_upload(prefix: str, html: bytes) -> Upload:
    return Upload(f"{prefix}{SHELL_KEY}", html, "text/html; charset=utf-8", HTML_CACHE)


def release_prefix(version: str) -> str:
    return f"{RELEASES_PREFIX}/{version}/"


def staging_uploads(
    version: str, static: dict[str, bytes], live_html: bytes, staging_html: bytes
) -> list[Upload]:
    """Static files first, shells last: a shell never points at files not there yet."""
    staging, release = f"{STAGING_PREFIX}/", release_prefix(version)
    return [
        *static_uploads(release, static),
        *static_uploads(staging, static),
        shell_upload(release, live_html),
        shell_upload(staging, staging_html),
    ]


def upload(s3: Any, bucket: str, uploads: list[Upload], metadata: dict[str, str]) -> None:
    for item in uploads:
        s3.put_object(
            Bucket=bucket,
            Key=item.key,
            Body=item.body,
            ContentType=item.content_type,
            CacheControl=item.cache_control,
            Metadata=metadata,
        )


def release_keys(s3: Any, bucket: str, version: str) -> list[str]:
    prefix = release_prefix(version)
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys += [item["Key"] for item in page.get("Contents", [])]
    return keys


def has_shell(version: str, keys: list[str]) -> bool:
    return release_prefix(version) + SHELL_KEY in keys


def check_release(bucket: str, version: str, keys: list[str]) -> None:
    """Refuse, before anything changes, a release that was not staged whole."""
    if not has_shell(version, keys):
        raise DeployError(
            f"s3://{bucket}/{release_prefix(version)}{SHELL_KEY} is missing: version {version} "
            "was not staged by this script (or its files were deleted). Run staging again."
        )


def copy_release(s3: Any, bucket: str, version: str, keys: list[str], part: str) -> int:
    """Copy one part (STATIC or SHELL) of a staged release (its keys, from release_keys) to the
    live keys; the shell goes last, once `live` serves the version it was rendered for.
    Returns the count."""
    prefix = release_prefix(version)
    chosen = [k for k in sorted(keys) if (k == prefix + SHELL_KEY) == (part == SHELL)]
    for key in chosen:
        s3.copy_object(
            Bucket=bucket,
            Key=key[len(prefix) :],
            MetadataDirective="COPY",
            CopySource={"Bucket": bucket, "Key": key},
        )
    return len(chosen)


def check_bucket(s3: Any, bucket: str) -> None:
    """Describe-only: the bucket exists and this role can reach it."""
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as exc:
        raise DeployError(f"The bucket {bucket} cannot be used: {aws.describe(exc)}.") from None
