"""The Lambda zip: deterministic, the app and its .pyc files, dependencies for Lambda's platform."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from jinja2 import ModuleLoader

from deploy import build
from deploy.config import PROJECT_ROOT
from deploy.output import DeployError
from scc import create_app

ELF_MACHINE_X86_64 = 62


def make_tree(root: Path, mtime: int) -> Path:
    for name, text in {
        "b.py": "B = 1\n",
        "a/x.txt": "x",
        "lambda_entry.py": "",
        "scc/__init__.py": "",
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (mtime, mtime))
    (root / "b.py").chmod(0o600)
    return root


def test_same_inputs_give_the_same_zip(tmp_path: Path) -> None:
    build.write_zip(make_tree(tmp_path / "one", 1_000_000_000), tmp_path / "one.zip")
    build.write_zip(make_tree(tmp_path / "two", 1_700_000_000), tmp_path / "two.zip")

    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["a/x.txt", "b.py", "lambda_entry.py", "scc/__init__.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_package_info_reports_lambdas_code_sha256(tmp_path: Path) -> None:
    build.write_zip(make_tree(tmp_path / "tree", 0), tmp_path / "p.zip")

    package = build.package_info(tmp_path / "p.zip")

    assert len(package.sha256) == 64 and len(package.code_sha256) == 44
    assert package.files == 4


def test_the_build_stamp_names_the_code_and_the_app_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = make_tree(tmp_path / "tree", 0)
    first = build.stamp(tree)
    assert build.stamp(tree) == first  # the stamp itself is not hashed
    (tree / "b.py").write_text("B = 2\n")
    second = build.stamp(tree)
    build.write_zip(tree, tmp_path / "p.zip")

    assert second != first and build.package_info(tmp_path / "p.zip").code == second
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_VERSION", "7")
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "BUILD_FILE": tree / "scc/build.json"})
    health = app.test_client().get("/api/health").json
    assert (health["lambda_version"], health["code"]) == ("7", second)
    local = create_app({"TESTING": True, "SECRET_KEY": "k"}).test_client().get("/api/health")
    assert local.json["code"] is None  # the source tree has no stamp


def test_a_zip_that_is_not_the_app_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as archive:
        archive.writestr("handler.py", "")

    with pytest.raises(DeployError, match="no lambda_entry.py, scc/__init__.py"):
        build.package_info(tmp_path / "other.zip")


def test_boto3_is_left_to_the_runtime_unless_asked() -> None:
    names = [re.split(r"[<>=\[ ;]", r)[0].lower() for r in build.requirements()]

    assert "boto3" not in names and {"flask", "bcrypt", "apig-wsgi"} <= set(names)
    assert any(r.startswith("boto3") for r in build.requirements(with_boto3=True))


def _elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF" and data[5] == 1  # little endian
    return int.from_bytes(data[18:20], "little")


def test_python_m_deploy_build_makes_a_lambda_package(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """One real build (pip against the package index, cached by pip): bcrypt is the manylinux
    x86_64 wheel, py_webauthn's compiled cbor2 is Lambda's (manylinux_2_28), the app is there
    with Python 3.12 .pyc files, boto3 is not; and the same inputs give the same SHA-256, the
    second time from the dependencies the first one kept (on a clean checkout, the first build
    installs them: a kept tree and a fresh one give the same bytes)."""
    out = tmp_path / "lambda.zip"
    done = subprocess.run(
        [sys.executable, "-m", "deploy", "build", "--output", str(out)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert re.search(r"lambda\.zip: \d+\.\d MB zipped, \d+\.\d MB unzipped", done.stderr)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        wheel = next(n for n in names if re.fullmatch(r"bcrypt-[^/]+\.dist-info/WHEEL", n))
        tags = re.findall(r"^Tag: (.+)$", archive.read(wheel).decode(), re.MULTILINE)
        (extension,) = [n for n in names if re.fullmatch(r"bcrypt/_bcrypt\..*so", n)]
        machine = _elf_machine(archive.read(extension))
    assert tags and all(re.fullmatch(r"cp\d+-abi3-manylinux[_0-9a-z]*_x86_64", t) for t in tags)
    assert machine == ELF_MACHINE_X86_64
    assert {
        "lambda_entry.py",
        "scc/__init__.py",
        "scc/trips/templates/trips/shell.html",
        "scc/waivers/texts/waiver_text_v1.txt",
        "scc/compiled_templates/" + ModuleLoader.get_module_filename("trips/_board.html"),
        "webauthn/__init__.py",  # passkeys (py_webauthn) and what it needs, built for Lambda
        "cbor2/__init__.py",
        "cryptography/__init__.py",
        "snapshot_restore_py.py",  # SnapStart's runtime hooks (scc.snapstart)
    } <= names
    assert any(re.fullmatch(r"cbor2/_cbor2\.cpython-312-x86_64-linux-gnu\.so", n) for n in names)
    assert not any(n.startswith(("boto3/", "botocore/", "bin/")) for n in names)
    assert not any(n.endswith(".cpython-311.pyc") for n in names)
    if build.find_python() is not None:
        assert "scc/store/__pycache__/__init__.cpython-312.pyc" in names
        assert "flask/__pycache__/app.cpython-312.pyc" in names
    else:  # pragma: no cover - a machine without Python 3.12 says so instead
        assert "no Python 3.12 found" in done.stderr

    assert len(list(build.DEPENDENCY_CACHE.iterdir())) == 1  # one set of pins, one tree
    caplog.set_level("INFO", logger="deploy")
    again = build.build(tmp_path / "again.zip")
    assert "pip skipped: same pins and Python" in caplog.text
    assert again.sha256 == build.package_info(out).sha256
    assert "scc/build.json" in names and again.code is not None and len(again.code) == 64


def test_the_package_compiles_the_templates_and_the_app_uses_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apig_wsgi import make_lambda_handler

    from tests.support.apps import make_app
    from tests.support.harness import Http

    build.compile_templates(tmp_path)
    compiled = tmp_path / "scc" / "compiled_templates"
    plain = make_app()
    monkeypatch.setattr("scc.web.COMPILED_TEMPLATES", compiled)
    packaged = make_app()

    board = packaged.jinja_env.get_template("trips/_board.html")
    assert board.filename is not None and Path(board.filename).parent == compiled
    assert plain.jinja_env.get_template("trips/_board.html").filename != board.filename
    page = Http(make_lambda_handler(plain))("GET", "/").body
    assert Http(make_lambda_handler(packaged))("GET", "/").body == page
