"""Stage 3, rendering: numbering the book, each page's Markdown with its outputs, pandoc's
conversion to HTML, cross-references, figures and their charts, listings and Mermaid diagrams.
"""
