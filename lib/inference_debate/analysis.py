"""The book's own analysis, named: functions whose numbers no author stated.

A number the book computes by combining, extending or assuming beyond what an author wrote (a
slope ratio read exactly, a rate compounded to a year, a human cost at an assumed hourly rate)
is the book's reasoning, not the author's. The functions that make such numbers carry the
:func:`book_analysis` mark, so that

- a chart builder that calls one while claiming to show data or an author's stated figures
  fails (:func:`recording` and :func:`check_kind`, used by the chart builders), and
- a test can find every inline value in a chapter that uses one outside a "This book's reading"
  box or the Methods appendix (:func:`is_book_analysis`).

A property is marked by marking its getter: ``@property`` over ``@book_analysis``.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Every marked function, by its qualified name (module and name).
REGISTRY: dict[str, Callable[..., Any]] = {}

#: The kinds of figure that may show the book's own analysis.
ANALYSIS_KINDS = frozenset({"book-analysis", "illustration"})

_calls: ContextVar[list[str] | None] = ContextVar("book_analysis_calls", default=None)


def qualified_name(func: Callable[..., Any]) -> str:
    """`inference_debate.models.ord.slope_ratio` for a function, with its class for a method."""
    return f"{func.__module__}.{func.__qualname__}"


def book_analysis(func: F) -> F:
    """Mark `func` as the book's own arithmetic and record each call while a recorder runs."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls = _calls.get()
        if calls is not None:
            calls.append(qualified_name(func))
        return func(*args, **kwargs)

    wrapper.__book_analysis__ = True  # type: ignore[attr-defined]
    REGISTRY[qualified_name(func)] = wrapper
    return wrapper  # type: ignore[return-value]


def is_book_analysis(obj: object) -> bool:
    """Whether `obj` is a marked function, or a property whose getter is marked."""
    if isinstance(obj, property):
        obj = obj.fget
    return bool(getattr(obj, "__book_analysis__", False))


def attribute_is_book_analysis(owner: object, name: str) -> bool:
    """Whether reading `owner.name` runs the book's analysis (a marked property or function)."""
    try:
        static = inspect.getattr_static(owner, name)
    except AttributeError:
        return False
    if isinstance(static, property | staticmethod | classmethod):
        return is_book_analysis(static.fget if isinstance(static, property) else static.__func__)
    return is_book_analysis(static)


@contextlib.contextmanager
def recording() -> Iterator[list[str]]:
    """Collect the names of the marked functions called inside the block.

    An enclosing recorder sees the inner block's calls too, once the inner block ends.
    """
    outer = _calls.get()
    calls: list[str] = []
    token = _calls.set(calls)
    try:
        yield calls
    finally:
        _calls.reset(token)
        if outer is not None:
            outer.extend(calls)


def check_kind(builder: str, kind: str, calls: list[str]) -> None:
    """Raise ValueError if a `data` or `reconstruction` figure used the book's own analysis."""
    if calls and kind not in ANALYSIS_KINDS:
        used = ", ".join(sorted(set(calls)))
        raise ValueError(
            f"{builder} draws a {kind!r} figure but uses the book's own analysis ({used}); "
            "such a figure is 'book-analysis' (or drop what the book computed)")
