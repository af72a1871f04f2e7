"""The processes below a process, and ending them all: what makes every process a cell starts
die with its kernel.

A kernel is a *child subreaper* (Linux's `PR_SET_CHILD_SUBREAPER`): a process a cell starts
that leaves its parent, by a double fork or in a session of its own, is adopted by the kernel
rather than by init, so it stays below the kernel for as long as the kernel lives. `kill_tree`
then finds every one of them by parent links in `/proc`, stops them all (a stopped process
starts no more), and kills them, the kernel last.

Imports only the standard library: kernels and their wardens import it as they start.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

PR_SET_CHILD_SUBREAPER = 36
_ROUNDS = 100


def become_subreaper() -> bool:
    """Make this process adopt its descendants' orphans; False where Linux does not offer it."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    return False


def _parents() -> dict[int, tuple[int, str]]:
    """Every live process's parent and state, from /proc."""
    found: dict[int, tuple[int, str]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            # pid (comm) state ppid …; comm may hold spaces and parentheses.
            fields = stat[stat.rfind(b")") + 2:].split()
            if len(fields) >= 2:
                found[int(entry.name)] = (int(fields[1]), fields[0].decode("ascii", "replace"))
    return found


def descendants(pid: int) -> list[int]:
    """The live (not zombie) processes below `pid`, parents before children."""
    children: dict[int, list[int]] = {}
    states = _parents()
    for child, (parent, _state) in states.items():
        children.setdefault(parent, []).append(child)
    order: list[int] = []
    todo = list(children.get(pid, []))
    while todo:
        current = todo.pop(0)
        if current in order or current == pid:
            continue
        order.append(current)
        todo.extend(children.get(current, []))
    return [p for p in order if states.get(p, (0, "Z"))[1] != "Z"]


def _signal(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def kill_tree(pid: int, include_self: bool = True, spare: tuple[int, ...] = ()) -> list[int]:
    """Stop, then kill, every process below `pid` (and `pid` itself unless told not to), sparing
    the processes in `spare`; return those signalled."""
    spared = {*spare, os.getpid()}
    stopped: list[int] = []
    if include_self and pid not in spared:
        _signal(pid, signal.SIGSTOP)  # it forks no more while its tree is walked
        stopped.append(pid)
    for _ in range(_ROUNDS):  # until a walk finds nothing new: stopped processes fork no more
        found = [p for p in descendants(pid) if p not in spared and p not in stopped]
        if not found:
            break
        for child in found:
            _signal(child, signal.SIGSTOP)
        stopped.extend(found)
    for target in reversed(stopped):  # the kernel last: until then it adopts the orphans
        _signal(target, signal.SIGKILL)
    return stopped
