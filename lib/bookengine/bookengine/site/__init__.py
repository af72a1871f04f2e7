"""Stage 5, the site: each page laid out in the template with navigation, citations and search;
the build folder written, indexed and checked, then published by one atomic switch, and the
stamp that lets the next publish stop early when nothing changed.
"""
