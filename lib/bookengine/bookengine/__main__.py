"""`python -m bookengine …`."""

from bookengine.cli import exit_now, main

exit_now(main())
