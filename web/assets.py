"""Static files under a content hash: /static/<hash>/<path>, cached for a year, never stale."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"


class Assets:
    """The static files and their content hashes, computed once at start-up."""

    def __init__(self, root: Path = STATIC_DIR) -> None:
        self.root = root
        self.hashes: dict[str, str] = {}
        for path in sorted(root.rglob("*")):
            if path.is_file():
                relative = path.relative_to(root).as_posix()
                self.hashes[relative] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]

    def url(self, relative: str) -> str:
        """The hashed URL of a static file; an unknown file is a programming error."""
        return f"/static/{self.hashes[relative]}/{relative}"

    def router(self) -> APIRouter:
        """Serves the files; a request with an outdated hash is a 404, not an old file."""
        router = APIRouter(include_in_schema=False)

        @router.get("/static/{digest}/{relative:path}")
        def static_file(digest: str, relative: str) -> FileResponse:
            if self.hashes.get(relative) != digest:
                raise HTTPException(status_code=404)
            media_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            return FileResponse(
                self.root / relative, media_type=media_type, headers={"Cache-Control": IMMUTABLE}
            )

        return router
