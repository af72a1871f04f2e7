"""`python -m bookengine.bench` (`make bench`)."""

from bookengine.bench.book import main

raise SystemExit(main())
