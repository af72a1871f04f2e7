"""The memory one page's kernel may use (`book-engine: memory:`), and how a kernel holds to it.

The limit is on the kernel's data (`RLIMIT_DATA`: its private writable memory, which is where
everything a cell allocates lives), set in the kernel before it runs a cell and inherited by
every process the cell starts: an allocation past it fails, so Python raises `MemoryError` in
the cell that asked, and the page fails at that cell's line. It needs no privileges (cgroups
would, on most machines). Address space merely reserved is not counted, so a cell may use
libraries that reserve far more than they use (V8, inside vl-convert, reserves tens of GB;
a limit on the address space, `RLIMIT_AS`, would make it abort). The default is half the
machine's memory.

Imports only the standard library: kernels import it as they start.
"""

from __future__ import annotations

import contextlib
import os
import re

DEFAULT_FRACTION = 0.5
"""The default limit, as a fraction of the machine's memory."""
ENV = "BOOK_KERNEL_MEMORY"
"""The environment variable that hands the limit, in bytes, to a kernel."""
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.I)
_SHARE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def machine_memory() -> int:
    """The machine's physical memory, in bytes."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def default_limit() -> int:
    """The limit when the book sets none: `DEFAULT_FRACTION` of the machine's memory."""
    return int(machine_memory() * DEFAULT_FRACTION)


def parse(value: object) -> int | None:
    """Bytes from `book-engine: memory:` (a number of bytes, `"2 GB"`, `"512 MiB"` or a share
    of the machine such as `"25%"`); None when it is none of these."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    share = _SHARE.match(value)
    if share:
        fraction = float(share.group(1)) / 100
        return int(machine_memory() * fraction) if 0 < fraction <= 1 else None
    size = _SIZE.match(value)
    if not size or size.group(2).lower() not in _UNITS:
        return None
    amount = int(float(size.group(1)) * _UNITS[size.group(2).lower()])
    return amount if amount > 0 else None


def shown(limit: int) -> str:
    """A limit as the messages print it: `2 GB`, `11.8 GB`, `512 MB`."""
    if limit >= 10**9:
        return f"{limit / 1e9:.3g} GB"
    return f"{limit / 1e6:.3g} MB"


def apply_from_env() -> int | None:
    """In a kernel: hold this process (and what it starts) to the limit in `$BOOK_KERNEL_MEMORY`;
    the limit, or None when there is none or it cannot be set."""
    try:
        limit = int(os.environ.get(ENV, ""))
    except ValueError:
        return None
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        return limit
    return None
