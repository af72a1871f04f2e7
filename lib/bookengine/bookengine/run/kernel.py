"""A Jupyter kernel tied to the build that started it: `python -m bookengine.run.kernel -f FILE`.

The same IPython kernel as `ipykernel_launcher`, held to the book's memory limit per kernel. It
leads its own process group, adopts every orphan of the processes its cells start (a child
subreaper), and has a warden (`bookengine.run.warden`) that ends it, with everything below it, the
moment its build process dies.
"""

from __future__ import annotations

import os
import sys

from bookengine.core import memorylimit, proctree
from bookengine.core.lifeline import watch_parent
from bookengine.run import warden


def guard(owner: int) -> None:
    """Make this process a kernel that nothing it starts outlives: a subreaper with a warden
    tied to `owner` (the process it belongs to), held to the memory limit."""
    proctree.become_subreaper()
    warden.start(owner)
    memorylimit.apply_from_env()


def main() -> None:
    """Guard this process and watch its build (behind the warden), then run the kernel."""
    owner = int(os.environ.get("BOOK_PARENT_PID") or os.getppid())
    guard(owner)
    watch_parent(owner, kill_group=True)
    from ipykernel.kernelapp import launch_new_instance

    sys.argv = ["ipykernel_launcher", *sys.argv[1:]]
    launch_new_instance()


if __name__ == "__main__":
    main()
