"""The register installed as the deploy guide says (``pip install <checkout>``, not editable).

The Alembic trees live beside ``services/``; a plain install must carry them, or no
service can migrate or start (readiness compares the database with the tree's head).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("auth", "registry", "declarations")


def _tracked_copy(destination: Path) -> Path:
    """The checkout's tracked files, as a fresh clone would have them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():
            target = destination / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


@pytest.mark.slow
def test_a_non_editable_install_migrates_every_service_to_its_head(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the checkout's files")
    source = _tracked_copy(tmp_path / "checkout")
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = wheels.glob("salw_register-*.whl")

    # A bare environment holding only the register; its dependencies come from ours.
    target = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    python = target / "bin" / "python"
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]

    workdir = tmp_path / "run"
    workdir.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        **{f"{s.upper()}_DATABASE_URL": f"sqlite:///{workdir / s}.db" for s in SERVICES},
    }
    migrate = subprocess.run(
        [str(target / "bin" / "regctl"), "migrate"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    check = subprocess.run(
        [
            str(python),
            "-c",
            "import sys, services.common.migrations as m\n"
            "from sqlalchemy import create_engine\n"
            "print(m.MIGRATIONS_ROOT)\n"
            "for s in m.SERVICES:\n"
            "    e = create_engine(f'sqlite:///{s}.db')\n"
            "    assert m.current_revisions(e) == m.head_revisions(s), s\n",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stderr[-2000:]
    # The trees came from the install, not from this checkout.
    assert Path(check.stdout.strip()).is_relative_to(target), check.stdout
