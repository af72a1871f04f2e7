"""Stage 2, running the pages: the cache that decides which pages execute, the Jupyter kernels
(forked from a fork server), the bootstrap that records what a page read, and `ExecResult`.
"""
