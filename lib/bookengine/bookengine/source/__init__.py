"""Stage 1, the sources: `_quarto.yml` read into a `BookConfig`, and each page (`.qmd`, `.md`,
`.ipynb`) parsed into a `Document`, with its includes, embeds, front matter and options.
"""
