"""Fresh virtualenvs for the tests that install packages: commands run in them
with none of this process's pytest, Python or pip settings."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path


def run(*command: str | Path, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PYTEST", "PYTHON", "PIP_", "VIRTUAL_ENV"))
    }
    environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def make_virtualenv(where: Path) -> Path:
    """A virtualenv without pip that sees this environment's packages; its python."""
    created = run(sys.executable, "-m", "venv", "--without-pip", where, cwd=where.parent)
    assert created.returncode == 0, created.stderr
    python = where / "bin" / "python"
    purelib = run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=where
    )
    host_packages = sysconfig.get_paths()["purelib"]
    line = f"import site; site.addsitedir({host_packages!r})\n"
    (Path(purelib.stdout.strip()) / "techoms_host_environment.pth").write_text(line)
    return python
