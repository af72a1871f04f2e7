"""Execution cache keyed on content: a page re-executes only when something it read has changed.

A page's key is the hash of its source, of the library's code, of the dependency lock and of
every project file the page opened during its last execution (recorded by the kernel's audit
hook). The stored entry keeps those hashes, so `plan` can say why a page is stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from bookengine.core.manifest import sha256_file
from bookengine.core.state import IGNORED_DIRS, BookState
from bookengine.run.execresult import ExecResult
from bookengine.source.config import BookConfig

ENGINE_DIR = Path(__file__).resolve().parents[1]
EXECUTION_CODE = ("execute.py", "execresult.py", "kernelmanager.py")
"""The engine's modules whose change can change what a page's execution gives."""


file_hash = sha256_file
"""sha256 of a file's bytes, hex (one function for the cache, manifests and the no-op check)."""


def tree_hash(paths: list[Path], suffixes: tuple[str, ...] = (".py",),
              exclude: Path | None = None) -> str:
    """One hash over every file with these suffixes under the given paths, in sorted order.

    Files under `exclude` are left out (the engine's own code, when hashing the library). Each
    file is named by its path below its base, so the hash does not depend on where the book is.
    """
    digest = hashlib.sha256()
    files: list[tuple[str, Path]] = []
    for i, base in enumerate(paths):
        if base.is_file():
            files.append((f"{i}/{base.name}", base))
        elif base.is_dir():
            files.extend((f"{i}/{p.relative_to(base).as_posix()}", p) for p in base.rglob("*")
                         if p.is_file() and p.suffix in suffixes
                         and not IGNORED_DIRS.intersection(p.parts)
                         and (exclude is None or exclude not in p.resolve().parents))
    for name, f in sorted(files):
        digest.update(name.encode())
        digest.update(file_hash(f).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """What every page's key shares: library code, lock, engine execution protocol, options."""

    library: str
    lock: str
    engine: str
    options: str

    @classmethod
    def of(cls, config: BookConfig) -> Fingerprint:
        root = config.root
        opts = json.dumps({"execute_dir": config.execute_dir,
                           "execute": {k: config.execute[k] for k in ("eval", "error")
                                       if k in config.execute}}, sort_keys=True)
        return cls(
            library=tree_hash([root / p for p in config.library], exclude=ENGINE_DIR),
            lock=tree_hash([root / name for name in config.locks if (root / name).is_file()]),
            engine=tree_hash([ENGINE_DIR / "run" / name for name in EXECUTION_CODE]),
            options=hashlib.sha256(opts.encode()).hexdigest(),
        )


def entry_digest(entry: dict) -> str:
    """The hash a stored entry records of its own content (every field but `sha256`)."""
    fields = {k: v for k, v in entry.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


ABSENT = "absent"
"""A read's state in `ExecResult.reads` when the file was not there."""
WRITTEN = "written"
"""The same, for a file first opened for writing (an output of the page)."""


@dataclass
class Inputs:
    """A page's inputs after its run, and those that changed while it ran."""

    states: dict[str, str | None] = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)


@dataclass
class Decision:
    """Whether a page can reuse its stored result, and why not."""

    rel: str
    fresh: bool
    reason: str
    result: ExecResult | None = None


class Cache:
    """Stored execution results under `<root>/.book/cache`, one JSON file a page."""

    def __init__(self, config: BookConfig):
        self.config = config
        self.dir = BookState(config.root).cache

    def entry_path(self, rel: str) -> Path:
        return self.dir / (rel.replace("/", "__") + ".json")

    def decide(self, rel: str, fingerprint: Fingerprint, code: str) -> Decision:
        """Compare the stored entry for a page with the page's execution key now (`code`:
        `execresult.execution_key`) and the files it read as they are now."""
        path = self.entry_path(rel)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except OSError:
            return Decision(rel, False, "no stored result")
        except ValueError:
            return Decision(rel, False, "stored result damaged (not readable)")
        if not isinstance(entry, dict) or entry.get("sha256") != entry_digest(entry):
            return Decision(rel, False, "stored result damaged (its content does not match "
                                        "the hash it records)")
        if entry.get("code") != code:
            return Decision(rel, False, "code changed")
        for part, label in (("library", "library changed"), ("lock", "dependency lock changed"),
                            ("engine", "engine changed"), ("options", "execute options changed")):
            if entry.get(part) != getattr(fingerprint, part):
                return Decision(rel, False, label)
        for name, digest in sorted(entry.get("inputs", {}).items()):
            f = self.config.root / name
            if digest is None:  # read, and gone by the end of the run
                if os.path.lexists(f):
                    return Decision(rel, False, f"input changed: {name} (there again)")
                continue
            if not f.is_file():
                return Decision(rel, False, f"input removed: {name}")
            if file_hash(f) != digest:
                return Decision(rel, False, f"input changed: {name}")
        return Decision(rel, True, "unchanged", ExecResult.from_json(entry["result"]))

    def inputs_of(self, rel: str, result: ExecResult) -> Inputs:
        """The project files a page opened (source and library aside), relative, each with its
        state after the run: its hash, or None for a file it read that is gone (its absence is
        its state); and the files whose content changed between the page's first read and now.

        A file first opened for writing is the page's output: an input with its hash after the
        run while it exists, as is a file the page opened without the kernel's hook seeing a
        read (an included file)."""
        root = self.config.root
        library = [(root / p).resolve() for p in self.config.library]
        out_dir = (root / self.config.output_dir).resolve()
        inputs = Inputs()
        for raw in dict.fromkeys([*result.opened, *result.reads]):
            p = Path(raw)
            try:
                rel_path = p.relative_to(root)
            except ValueError:
                try:
                    rel_path = p.resolve().relative_to(root)
                except ValueError:
                    continue
            if IGNORED_DIRS.intersection(rel_path.parts) or rel_path.parts[:1] == (
                    self.config.output_dir,) or str(rel_path) == rel:
                continue
            full = (root / rel_path)
            resolved = full.resolve()
            if resolved == out_dir or out_dir in resolved.parents:
                continue
            if any(lib == resolved or lib in resolved.parents for lib in library):
                continue
            read = result.reads.get(raw)
            now = file_hash(full) if full.is_file() else None
            if now is None and read in (None, WRITTEN):
                continue  # not read, and not there: no input
            name = rel_path.as_posix()
            inputs.states[name] = now
            if read not in (None, WRITTEN, ABSENT) and now is not None and now != read:
                inputs.changed.append(name)  # edited while the page ran
            elif read == ABSENT and now is not None:
                inputs.changed.append(name)  # made while the page ran
        inputs.states = dict(sorted(inputs.states.items()))
        return inputs

    def store(self, rel: str, fingerprint: Fingerprint, code: str,
              result: ExecResult, inputs: dict[str, str | None] | None = None) -> None:
        """Record a successful execution under the page's execution key (`code`) and the
        inputs it read (by default, as they are now)."""
        if inputs is None:
            inputs = self.inputs_of(rel, result).states
        entry = {"code": code, "library": fingerprint.library, "lock": fingerprint.lock,
                 "engine": fingerprint.engine, "options": fingerprint.options,
                 "inputs": inputs, "result": result.to_json()}
        entry["sha256"] = entry_digest(entry)
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.entry_path(rel)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(entry, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def stored_inputs(self, rel: str) -> dict[str, str | None]:
        """The inputs the stored entry of a page records (None: read, then gone)."""
        try:
            return json.loads(self.entry_path(rel).read_text(encoding="utf-8")).get("inputs", {})
        except (OSError, ValueError):
            return {}
