"""Downloading and parsing release files, within a time and a size limit.

:func:`fetch` gives a file's bytes or raises `RefreshError` naming where it came from: a network
or HTTP error, a download cut short, one larger than :data:`MAX_RELEASE_BYTES`, or one not
complete within the time limit (which covers the whole download, however slowly the server
sends). :func:`parse` reads YAML and JSON and checks CSV row by row.
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import io
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

#: Seconds a whole download of one release file may take (`--timeout`).
DEFAULT_TIMEOUT = 30.0
#: The largest release file a refresh accepts, in bytes (50 MB).
MAX_RELEASE_BYTES = 50_000_000
#: HTTP statuses that mean "no such release" when looking for a newer one.
NOT_PUBLISHED = (403, 404, 410)

_CHUNK = 64 * 1024


class RefreshError(RuntimeError):
    """A release could not be fetched, read or converted; `data/` was left unchanged."""


class _NotPublished(Exception):
    """The server says there is no such file."""


def _size(count: int) -> str:
    return f"{count / 1_000_000:.1f} MB"


def _download(url: str, where: str, timeout: float, max_bytes: int, deadline: float,
              missing_ok: bool) -> bytes | None:
    request = urllib.request.Request(url, headers={"User-Agent": "inference-debate-refresh"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > max_bytes:
                raise RefreshError(f"{where}: the file is {_size(int(length))}, more than the "
                                   f"limit of {_size(max_bytes)} per release file")
            read = getattr(response, "read1", None) or response.read
            chunks: list[bytes] = []
            total = 0
            while True:
                if time.monotonic() > deadline:
                    return None
                chunk = read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > max_bytes:
                    raise RefreshError(f"{where}: the file is more than the limit of "
                                       f"{_size(max_bytes)} per release file")
                chunks.append(chunk)
    except urllib.error.HTTPError as err:
        if missing_ok and err.code in NOT_PUBLISHED:
            raise _NotPublished from None
        raise RefreshError(f"{where}: HTTP error {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        if missing_ok and isinstance(err.reason, FileNotFoundError):
            raise _NotPublished from None
        raise RefreshError(f"{where}: could not connect ({err.reason})") from None
    except TimeoutError:
        raise RefreshError(f"{where}: no answer within {timeout:g} s") from None
    except http.client.IncompleteRead as err:
        raise RefreshError(f"{where}: download truncated after "
                           f"{len(err.partial)} bytes") from None
    except (OSError, http.client.HTTPException) as err:
        raise RefreshError(f"{where}: download failed ({err})") from None
    body = b"".join(chunks)
    if length is not None and length.isdigit() and int(length) != len(body):
        raise RefreshError(f"{where}: download truncated ({len(body)} of {length} bytes)")
    return body


def fetch(url: str, where: str, timeout: float = DEFAULT_TIMEOUT,
          max_bytes: int = MAX_RELEASE_BYTES, missing_ok: bool = False) -> bytes | None:
    """The bytes at `url`, downloaded within `timeout` seconds in all and `max_bytes` in size.

    With `missing_ok`, a 403, 404 or 410 answer gives None (no such release) instead of an
    error. Raises RefreshError naming `where` on any failure, a short read or an empty file.
    """
    if urlsplit(url).scheme not in ("http", "https", "file"):
        raise RefreshError(f"{where}: not an http(s) or file address")
    deadline = time.monotonic() + timeout
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["body"] = _download(url, where, timeout, max_bytes, deadline, missing_ok)
        except BaseException as err:  # handed to the waiting thread below
            outcome["error"] = err

    worker = threading.Thread(target=run, name=f"fetch {url}", daemon=True)
    worker.start()
    worker.join(timeout)
    if isinstance(outcome.get("error"), _NotPublished):
        return None
    if "error" in outcome:
        raise outcome["error"]
    body = outcome.get("body")
    if worker.is_alive() or body is None:
        raise RefreshError(f"{where}: the download did not complete within {timeout:g} s "
                           "(--timeout)")
    if not body.strip():
        raise RefreshError(f"{where}: the release is empty")
    return body


def parse(name: str, body: bytes, where: str) -> Any:
    """A release file's content: YAML and JSON parsed, CSV checked row by row and kept as text."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RefreshError(f"{where}: {name} is not UTF-8 text (byte {err.start})") from None
    suffix = Path(name).suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            doc = yaml.safe_load(text)
            if not isinstance(doc, Mapping | list):
                raise RefreshError(f"{where}: {name} holds no YAML mapping (truncated?)")
            return doc
        if suffix == ".json":
            return json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError) as err:
        detail = str(err).replace("\n", " ")
        raise RefreshError(f"{where}: {name} is malformed or truncated: {detail}") from None
    if suffix == ".csv":
        _check_csv(text, name, where)
    return text


def _check_csv(text: str, name: str, where: str) -> None:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise RefreshError(f"{where}: {name} has no header row")
        for row in reader:
            if row and len(row) != len(header):
                raise RefreshError(
                    f"{where}: {name} line {reader.line_num} has {len(row)} fields, the header "
                    f"{len(header)} (truncated or malformed)")
    except csv.Error as err:
        raise RefreshError(f"{where}: {name} is malformed CSV ({err})") from None


def content_id(raw: Sequence[bytes]) -> str:
    """A release identifier from its bytes, for releases that state no version: "sha256:…"."""
    digest = hashlib.sha256()
    for body in raw:
        digest.update(hashlib.sha256(body).digest())
    return "sha256:" + digest.hexdigest()[:8]
