"""The differential suite: the same sources rendered by real Quarto and by the engine, compared
by what a reader sees (see `reader` for what is compared and `deviations.yml` for what differs on
purpose)."""
