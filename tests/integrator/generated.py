"""The Python client openapi-python-client generates from the committed contract, made once.

Generation takes seconds, so the package is kept in the temporary directory under the hash of the
contract and of the generator's version: xdist workers and later runs reuse it. The generator's
output is kept with it, so every test can assert that there were no warnings.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "openapi" / "openapi.json"
BIN = Path(sys.executable).parent
PACKAGE = "weerbaar_integrator_client"
OUTPUT = "generator-output.txt"


@dataclass(frozen=True)
class Generated:
    """Where the generated package is and what the generator said."""

    directory: Path
    output: str


def generate() -> Generated:
    """The generated client for the committed contract, from the cache when it is there."""
    generator = version("openapi-python-client")
    key = hashlib.sha256(CONTRACT.read_bytes() + generator.encode()).hexdigest()[:16]
    directory = Path(tempfile.gettempdir()) / f"weerbaar-python-client-{key}"
    if not (directory / OUTPUT).exists():
        # Build beside it and rename: another worker may be generating the same contract right now.
        building = directory.with_name(f"{directory.name}.{uuid.uuid4().hex[:8]}")
        building.mkdir()
        done = subprocess.run(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--path",
                str(CONTRACT),
                "--output-path",
                str(building / PACKAGE),
                "--meta",
                "none",
            ],
            capture_output=True,
            text=True,
            check=False,
            # The generator formats its output with ruff, which it looks for on PATH.
            env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
            timeout=120,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        (building / OUTPUT).write_text(done.stdout + done.stderr)
        try:
            building.rename(directory)
        except OSError:  # the other worker was first: use its copy
            shutil.rmtree(building, ignore_errors=True)
    return Generated(directory=directory, output=(directory / OUTPUT).read_text())


def load(generated: Generated) -> ModuleType:
    """The generated package, imported as it is (nothing patched)."""
    if str(generated.directory) not in sys.path:
        sys.path.insert(0, str(generated.directory))
    for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
        del sys.modules[name]  # a package from an earlier contract
    return importlib.import_module(PACKAGE)


def module(name: str) -> ModuleType:
    """A module of the generated package, e.g. "api.incidents.create_incident"."""
    return importlib.import_module(f"{PACKAGE}.{name}")
