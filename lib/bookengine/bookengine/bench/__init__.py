"""`make bench`: build times, first paint, charts, the preview, search and page weights, each
beside its target (printed, not asserted).
"""
