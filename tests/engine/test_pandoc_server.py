"""The pandoc server converts exactly as the pandoc command line does, and survives its process
dying."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from bookengine.render import pandocserver
from bookengine.render.convert_pandoc import FILTERS, PANDOC_FORMAT, _pandoc, pandoc_path
from bookengine.source.config_load import load_config
from bookengine.source.document import SourceError

PAGE = """---
{"book-xref": {"fig-a": {"word": "Figure", "title": "Figure", "number": "2.1",
                         "caption": "A caption.", "href": "#fig-a"}}}
---

# A heading {#sec-a}

Text with a citation [@doe-2024, p. 3], a footnote[^1], "smart quotes" and $x^2$.

[^1]: The note, with *emphasis*.

::: {.callout-warning title="Mind this"}
A warning with a [link](https://example.org).
:::

::: {#fig-a}
![A picture](pic.png){fig-alt="Alt text"}

A caption.
:::

```python
def f(x):
    return x + 1
```

| a | b |
|---|---|
| 1 | 2 |

Term
: Definition.

``` {.cell-output .cell-output-stdout}
x < 1 & "y"	'z'
```
"""


def _command_line(markdown: str, bibliography: Path) -> str:
    """What `pandoc` itself prints for the same conversion."""
    args = [pandoc_path(), "--from", PANDOC_FORMAT, "--to", "html5", "--wrap=none", "--mathml",
            "--metadata", "link-citations=true", *[f"--lua-filter={f}" for f in FILTERS],
            "--citeproc",
            f"--bibliography={bibliography}"]
    proc = subprocess.run(args, input=markdown.encode(), capture_output=True, check=True)
    return proc.stdout.decode()


def test_the_server_converts_as_the_command_line_does(minibook: Path) -> None:
    config = load_config(minibook)
    served = _pandoc(PAGE + "\nSee @fig-a.\n", config, "index.qmd", {}).html
    expected = _command_line(PAGE + "\nSee @fig-a.\n", minibook / "references.bib")
    assert '<a href="#fig-a" class="quarto-xref">Figure\u00a0<span>2.1</span></a>' in served
    assert '<span class="float-number">Figure 2.1:</span> A caption.' in served
    assert 'class="callout' in served and "<math" in served and "Doe" in served
    assert '<pre class="cell-output cell-output-stdout"><code>x &lt; 1' in served
    assert served == expected


def test_a_missing_citation_is_reported_not_fatal(minibook: Path) -> None:
    config = load_config(minibook)
    converted = _pandoc("# Index\n\nAs [@nobody-1999] said.\n", config, "index.qmd", {})
    assert converted.missing == ["nobody-1999"]
    assert "<strong>nobody-1999?</strong>" in converted.html


def test_a_pandoc_error_is_the_pages_error(minibook: Path) -> None:
    config = load_config(minibook)
    with pytest.raises(SourceError, match=r"chapters/alpha.qmd:1: pandoc failed: .*YAML"):
        _pandoc("---\ntitle: [unclosed\n---\n\nText.\n", config, "chapters/alpha.qmd", {})
    # The server is still there for the next page.
    assert "<p>Fine.</p>" in _pandoc("Fine.\n", config, "chapters/beta.qmd", {}).html


def test_a_killed_server_is_started_again(minibook: Path) -> None:
    config = load_config(minibook)
    assert "<p>One.</p>" in _pandoc("One.\n", config, "index.qmd", {}).html
    server = pandocserver.server(pandoc_path())
    assert server._proc is not None
    os.kill(server._proc.pid, signal.SIGKILL)
    server._proc.wait()
    assert "<p>Two.</p>" in _pandoc("Two.\n", config, "index.qmd", {}).html
