"""Where photo files live: a `Storage` protocol and a local-directory backend.

Keys are relative, slash-separated names such as `photos/ab/ab12…/320.jpg`. A key is checked
before it touches the file system, so a key taken from a URL can never name a file outside the
storage root. An object-store backend (S3, OSS) would implement the same protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Protocol

MAX_KEY_LENGTH = 512
# Plain names only; a leading dot is refused too, which rules out ".", ".." and our temp files.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}")
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
_TEMP_PREFIX = ".tmp-"
# A concurrent delete may remove an empty directory between our mkdir and our write.
_PUT_ATTEMPTS = 3


class InvalidKey(ValueError):
    """A key that is not a plain relative name inside the storage."""


class FileMissing(LookupError):
    """No file is stored under the key."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    content_type: str
    # changes whenever the bytes under the key could have changed
    etag: str


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key`, replacing what was there; readers see old or new, whole."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes under `key`; FileMissing when there are none."""
        ...

    async def stat(self, key: str) -> StoredFile | None:
        """What is stored under `key`, without reading it; None when nothing is."""
        ...

    async def delete(self, key: str) -> None:
        """Remove `key`; nothing happens when it is not there."""
        ...


def check_key(key: str) -> list[str]:
    """The key's segments, or InvalidKey for anything that is not a plain relative name."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise InvalidKey("empty or too long")
    segments = key.split("/")
    if not all(_SEGMENT.fullmatch(segment) for segment in segments):
        raise InvalidKey(f"not a plain relative name: {key!r}")
    return segments


def content_type_for(key: str) -> str:
    return CONTENT_TYPES.get(Path(key).suffix.lower(), "application/octet-stream")


class LocalDirectoryStorage:
    """Files under `root`; a write goes to a temporary file that is then renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        segments = check_key(key)
        root = self.root.resolve()
        path = root.joinpath(*segments)
        # The name check already rules out "..": this also catches a symlink pointing outside.
        if not path.resolve().is_relative_to(root):
            raise InvalidKey(f"outside the storage: {key!r}")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.path_for(key)
        if content_type_for(key) != content_type:
            # The type is read back from the key's suffix: the two must agree.
            raise InvalidKey(f"{key!r} does not end in a suffix for {content_type}")
        await asyncio.to_thread(_write_atomically, path, data)

    async def get(self, key: str) -> bytes:
        path = self.path_for(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None

    async def stat(self, key: str) -> StoredFile | None:
        path = self.path_for(key)
        try:
            info = await asyncio.to_thread(path.stat)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not S_ISREG(info.st_mode):
            return None
        tag = hashlib.sha256(f"{key}\0{info.st_size}\0{info.st_mtime_ns}".encode()).hexdigest()
        return StoredFile(key, info.st_size, content_type_for(key), f'"{tag[:32]}"')

    async def delete(self, key: str) -> None:
        path = self.path_for(key)
        await asyncio.to_thread(_remove, path, self.root.resolve())


def _write_atomically(path: Path, data: bytes) -> None:
    for attempt in range(_PUT_ATTEMPTS):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=_TEMP_PREFIX)
        except FileNotFoundError:
            if attempt == _PUT_ATTEMPTS - 1:
                raise
            continue
        break
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, 0o644)  # mkstemp makes it owner-only, a web server may serve it
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _remove(path: Path, root: Path) -> None:
    path.unlink(missing_ok=True)
    # Drop directories left empty, up to (not including) the root: one per deleted photo adds up.
    parent = path.parent
    while parent != root and parent.is_relative_to(root):
        try:
            parent.rmdir()
        except OSError:  # not empty (or already gone): stop here
            return
        parent = parent.parent
