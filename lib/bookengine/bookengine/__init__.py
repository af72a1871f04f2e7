"""The book engine: builds any Quarto project (a book or a website) to a static site, with
Quarto's semantics, in stages (`source`, `run`, `render`, `versions`, `site`; `build` calls them
in order) and commands (`cli`, `preview`, `pdf`, `deploy`, `bench`).
"""
