"""A Jupyter kernel tied to the build that started it: `python -m bookengine.kernel -f FILE`.

The same IPython kernel as `ipykernel_launcher`, but it leads its own process group and ends,
with everything it started, within a fraction of a second of its build process dying.
"""

from __future__ import annotations

import os
import sys

from bookengine.lifeline import tie_to_parent


def main() -> None:
    """Tie this process to its parent, then run the IPython kernel."""
    tie_to_parent(int(os.environ.get("BOOK_PARENT_PID") or os.getppid()), kill_group=True)
    from ipykernel.kernelapp import launch_new_instance

    sys.argv = ["ipykernel_launcher", *sys.argv[1:]]
    launch_new_instance()


if __name__ == "__main__":
    main()
