"""`python -m bookengine …`."""

import sys

from bookengine.cli import main

sys.exit(main())
