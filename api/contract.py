"""Writes the API contract to a file: `python -m api.contract openapi/openapi.json` (make openapi)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from app.config import Settings


def contract() -> dict[str, Any]:
    """The contract as the app serves it with default settings."""
    from api.main import create_api

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), secret_key=SecretStr("contract-generation"))
        return create_api(settings).openapi()


def render(schema: dict[str, Any]) -> str:
    """Stable formatting, so a change to the API is a readable diff."""
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main() -> None:
    """Write the contract to the path given, or to stdout."""
    text = render(contract())
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
