"""The code passes ruff (the rules in pyproject.toml), so that CI catches style regressions."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT


def test_ruff_passes():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    result = subprocess.run(
        [ruff, "check", "portal", "tests", "bench"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:]
