"""What every stage uses: the state folder (`.book/`), cache entries that check their own hash,
bounded cache folders, build manifests, the processes a build starts and how they end with it,
memory limits, a local server, vendored browser files, Chromium, and the build's report.
"""
