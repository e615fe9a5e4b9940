"""Build the Lambda zip: the app, its dependencies for Lambda's platform, .pyc files, no AWS calls.

Same inputs, same bytes: entries are sorted, timestamps and permissions fixed, and the .pyc files
are hash-based (unchecked, so /var/task being read-only never costs a recompile) and name their
sources under /var/task rather than this machine's temporary folder.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

from deploy.config import PLATFORMS, PROJECT_ROOT, PYTHON_VERSION, TASK_ROOT
from deploy.output import DeployError, log
from scc.version import BUILD_FILE

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
LAMBDA_ZIP_LIMIT = 50 * 1024 * 1024  # direct upload
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
RUNTIME_PROVIDED = frozenset({"boto3", "botocore"})  # the Lambda runtime has them
SKIP_PARTS = frozenset({"__pycache__", ".DS_Store"})
SKIP_SUFFIXES = (".pyc", ".pyo")
STAMP = "scc/" + BUILD_FILE.name  # scc/build.json, where scc.version.code_hash reads it
DEPENDENCY_CACHE = PROJECT_ROOT / "build" / "dependencies"
APP_PATHS = ("scc", "lambda_entry.py")  # what copy_sources puts in the package


@dataclass(frozen=True)
class Package:
    path: Path
    sha256: str  # hex, for people
    code_sha256: str  # base64, as Lambda reports CodeSha256
    size: int
    unzipped: int
    files: int
    code: str | None = None  # the build stamp's hash, which GET /api/health reports

    def describe(self) -> str:
        return (
            f"{self.path.name}: {self.size / 1e6:.1f} MB zipped, {self.unzipped / 1e6:.1f} MB "
            f"unzipped, {self.files} files, sha256 {self.sha256[:12]}"
        )


def package_info(path: Path) -> Package:
    """Read a zip: its hashes and sizes; refuse one that is not an SCC Lambda package."""
    try:
        data = path.read_bytes()
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            stamped = archive.read(STAMP) if STAMP in archive.namelist() else b""
    except (OSError, zipfile.BadZipFile) as exc:
        raise DeployError(f"{path} is not a readable zip file ({exc}).") from None
    names = {info.filename for info in infos}
    missing = [name for name in ("lambda_entry.py", "scc/__init__.py") if name not in names]
    if missing:
        raise DeployError(f"{path} is not an SCC Lambda package: it has no {', '.join(missing)}.")
    digest = hashlib.sha256(data).digest()
    package = Package(
        path=path,
        sha256=digest.hex(),
        code_sha256=base64.b64encode(digest).decode(),
        size=len(data),
        unzipped=sum(info.file_size for info in infos),
        files=len(infos),
        code=str(json.loads(stamped)["code"]) if stamped else None,
    )
    if package.size > LAMBDA_ZIP_LIMIT or package.unzipped > LAMBDA_UNZIPPED_LIMIT:
        raise DeployError(
            f"{package.describe()}: over Lambda's limits (50 MB zipped for a direct upload, "
            "250 MB unzipped)."
        )
    return package


def stamp(root: Path) -> str:
    """Write the build stamp (scc/build.json): the SHA-256 of every other file in the package,
    path and bytes, which GET /api/health reports so the smoke test knows which code answered.
    Computed here, once, so the running app never hashes anything."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name != STAMP:
            body = path.read_bytes()
            digest.update(f"{name}\0{len(body)}\0".encode())
            digest.update(body)
    code = digest.hexdigest()
    (root / STAMP).write_text(json.dumps({"code": code}) + "\n", encoding="utf-8")
    return code


def write_zip(root: Path, out: Path) -> None:
    """Zip every file under root, sorted, with fixed timestamps and permissions."""
    files = sorted(
        (p for p in root.rglob("*") if p.is_file()), key=lambda p: p.relative_to(root).as_posix()
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=ZIP_EPOCH)
            info.create_system = 3  # Unix, so the permissions below mean what they say
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.compress_type = zipfile.ZIP_DEFLATED
            # zlib's default level: 8.0 s -> 3.5 s for the 60 MB tree, 0.6% more bytes than level 9
            archive.writestr(info, path.read_bytes())
    partial.replace(out)


def _skipped(path: Path) -> bool:
    return bool(SKIP_PARTS.intersection(path.parts)) or path.name.endswith(SKIP_SUFFIXES)


def copy_sources(target: Path, root: Path = PROJECT_ROOT) -> None:
    """The app: scc/ (templates and static files included) and lambda_entry.py."""
    for path in sorted((root / "scc").rglob("*")):
        if path.is_file() and not _skipped(path.relative_to(root)):
            dest = target / path.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
    shutil.copyfile(root / "lambda_entry.py", target / "lambda_entry.py")


def compile_templates(target: Path) -> None:
    """Compile the app's Jinja templates to Python modules in the package's
    scc.web.COMPILED_TEMPLATES folder, with the app's own Jinja environment (its options and
    template folders), so a cold process imports them rather than compiling each template."""
    from scc import create_app
    from scc.web import COMPILED_TEMPLATES

    # Templates need no secret; a throwaway key keeps create_app from asking for one.
    app = create_app({"SECRET_KEY": "build-only", "TESTING": False})
    folder = target / COMPILED_TEMPLATES.relative_to(COMPILED_TEMPLATES.parent.parent)
    app.jinja_env.compile_templates(folder, zip=None, ignore_errors=False)


def requirements(with_boto3: bool = False, root: Path = PROJECT_ROOT) -> list[str]:
    """The project's runtime dependencies from pyproject.toml, boto3 left out by default."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = []
    for requirement in project.get("dependencies", []):
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match and (with_boto3 or match.group(1).lower() not in RUNTIME_PROVIDED):
            wanted.append(requirement)
    return wanted


def constraints() -> str:
    """Pin every package to the version in this environment: the versions the tests ran with."""
    pins = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name and name.lower() != "scc":
            pins[name.lower()] = f"{name}=={dist.version}"
    return "\n".join(pins[key] for key in sorted(pins)) + "\n"


def install_dependencies(target: Path, with_boto3: bool = False) -> None:
    """pip install for Lambda's platform: manylinux x86_64 wheels for CPython 3.12, no sdists."""
    platforms = [arg for platform in PLATFORMS for arg in ("--platform", platform)]
    with tempfile.TemporaryDirectory(prefix="scc-pins-") as folder:
        pins = Path(folder) / "constraints.txt"
        pins.write_text(constraints(), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "--target",
            str(target),
            *platforms,
            "--implementation",
            "cp",
            "--python-version",
            PYTHON_VERSION,
            "--only-binary=:all:",
            "--no-compile",
            "--constraint",
            str(pins),
            *requirements(with_boto3),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise DeployError(f"pip could not install the dependencies for Lambda:\n{tail}")
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts name this machine's Python


def _version_of(executable: str) -> str:
    try:
        result = subprocess.run(  # noqa: S603
            [executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip()


def find_python(version: str = PYTHON_VERSION) -> str | None:
    """An interpreter of Lambda's Python version, to compile .pyc files it will accept:
    $SCC_DEPLOY_PYTHON, then python3.12 on PATH, then pyenv's."""
    candidates = [os.environ.get("SCC_DEPLOY_PYTHON", ""), shutil.which(f"python{version}") or ""]
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    candidates += sorted(
        (str(p) for p in pyenv.glob(f"versions/{version}.*/bin/python{version}")), reverse=True
    )
    return next((c for c in candidates if c and _version_of(c) == version), None)


def compile_bytecode(target: Path, python: str, paths: tuple[str, ...] = (".",)) -> None:
    """Compile the modules under paths (relative to target) with Lambda's Python, reproducibly
    (fixed hash seed, one process), naming each source by its place under /var/task."""
    dropped = {"PYTHONPYCACHEPREFIX", "PYTHONOPTIMIZE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PYTHONHASHSEED"] = "0"
    command = [
        python,
        "-m",
        "compileall",
        "-q",
        "--invalidation-mode",
        "unchecked-hash",
        "-s",
        str(target),
        "-p",
        TASK_ROOT,
        *(str(target / path) for path in paths),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        failed = [line for line in result.stdout.splitlines() if "Error" in line][:5]
        log.warning(
            "    some modules did not compile for Python %s: %s",
            PYTHON_VERSION,
            "; ".join(failed) or result.stderr.strip()[-300:],
        )


def dependencies(python: str | None, with_boto3: bool, cache: Path) -> Path:
    """The dependencies installed for Lambda (and compiled, with python), made once for each set
    of inputs and kept in cache, as Chalice's deployer keeps its built dependencies: a deploy
    that changes only the app skips pip. The key is everything that goes into them; a new key
    replaces the entries of old ones. A cached tree gives the same package bytes as a fresh one
    (tests/deploy/test_build.py builds both and compares)."""
    inputs = [constraints(), requirements(with_boto3), PLATFORMS, PYTHON_VERSION, bool(python)]
    key = hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:16]
    kept = cache / key
    if kept.is_dir():
        log.info("    dependencies from %s (pip skipped: same pins and Python)", kept)
        return kept
    cache.mkdir(parents=True, exist_ok=True)
    log.info(
        "    installing dependencies for %s, CPython %s", " or ".join(PLATFORMS), PYTHON_VERSION
    )
    partial = Path(tempfile.mkdtemp(prefix=f"{key}.partial-", dir=cache))
    install_dependencies(partial, with_boto3)
    if python:
        compile_bytecode(partial, python)
    for old in cache.iterdir():
        if old != partial:
            shutil.rmtree(old, ignore_errors=True)
    partial.rename(kept)
    return kept


def _link_or_copy(source: str, dest: str) -> None:
    try:
        os.link(source, dest)
    except OSError:  # another file system
        shutil.copyfile(source, dest)


def build(output: Path, *, with_boto3: bool = False, cache: Path = DEPENDENCY_CACHE) -> Package:
    """Build the package into output and describe it."""
    python = find_python()
    if not python:
        log.warning(
            "    WARNING: no Python %s found (set SCC_DEPLOY_PYTHON, or install python%s), so "
            "the package has no .pyc files and cold starts will be much slower.",
            PYTHON_VERSION,
            PYTHON_VERSION,
        )
    kept = dependencies(python, with_boto3, cache)
    # Beside the cache, so its files can be hard links (0.8 s, not 5 s, for 6,000 files); the
    # steps below only add files (scc/ and lambda_entry.py are not among the dependencies).
    with tempfile.TemporaryDirectory(prefix="scc-build-", dir=cache.parent) as tmp:
        target = Path(tmp) / "package"
        shutil.copytree(kept, target, copy_function=_link_or_copy)
        copy_sources(target)
        compile_templates(target)
        if python:
            log.info("    compiling .pyc files with %s", python)
            compile_bytecode(target, python, APP_PATHS)
        stamp(target)
        write_zip(target, output)
    return package_info(output)
