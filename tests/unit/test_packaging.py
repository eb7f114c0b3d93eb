"""Package hygiene: the Apache-2.0 LICENSE in the repository, the sdist and the wheel; the SPDX
license expression, project URLs and Python classifiers in the metadata; ``aiolabel --version``
and ``python -m aiolabel``."""

from __future__ import annotations

import email
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from aiolabel._version import __version__

ROOT = Path(__file__).resolve().parents[2]


def test_the_license_file_is_the_apache_license() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_pyproject_declares_the_license_as_spdx_and_the_tested_pythons() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(project["urls"])
    pythons = {c.rsplit(" ", 1)[-1] for c in project["classifiers"] if "Python :: 3." in c}
    assert pythons == {"3.11", "3.12", "3.13"}
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    ran = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if ran.returncode != 0:
        pytest.skip(f"the package cannot be built here: {ran.stderr[-500:]}")
    return out


def test_the_wheel_carries_the_license_and_its_metadata(built: Path) -> None:
    (wheel,) = built.glob("aiolabel-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = f"aiolabel-{__version__}.dist-info"
        assert f"{info}/licenses/LICENSE" in names
        metadata = email.message_from_bytes(archive.read(f"{info}/METADATA"))
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    urls = metadata.get_all("Project-URL") or []
    assert any(u.startswith("Source, ") for u in urls)
    classifiers = metadata.get_all("Classifier") or []
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in classifiers
    assert "aiolabel/__main__.py" in names
    assert not [n for n in names if n.startswith("tests/")]


def test_the_sdist_carries_the_license_and_the_tests(built: Path) -> None:
    (sdist,) = built.glob("aiolabel-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert "LICENSE" in names
    assert "README.md" in names
    assert "tests/conftest.py" in names
    assert "benchmarks/README.md" not in names


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "aiolabel", "--version"],
        [sys.executable, "-m", "aiolabel.cli", "--version"],
        [str(Path(sys.executable).with_name("aiolabel")), "-V"],
    ],
)
def test_the_version_is_printed(command: list[str]) -> None:
    ran = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == f"aiolabel {__version__}"


def test_python_m_aiolabel_runs_the_command() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "aiolabel", "--help"], capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    assert "ingest" in ran.stdout
    assert "emulator" in ran.stdout
