"""Stage 4, the version: the book's version (`BookVersion`), the history of what each data version
said, and the record each build keeps for deploy.
"""
