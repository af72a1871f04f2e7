"""Bad data files stop a load with one error naming file, line, column, value and expectation."""

import shutil
from pathlib import Path

import pytest
from inference_debate import data

REPO = Path(__file__).resolve().parents[2]

HEADER = ("model,release_date,usd_per_million_input_tokens,usd_per_million_output_tokens,"
          "source_id\n")
GOOD_ROW = "o4-mini,2025-04-16,1.10,4.40,openai-pricing\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A throwaway project with its own _quarto.yml and a copy of the real sources.yml."""
    (tmp_path / "_quarto.yml").write_text("project:\n  type: book\n", "utf-8")
    (tmp_path / "data").mkdir()
    shutil.copy(REPO / "data" / "sources.yml", tmp_path / "data" / "sources.yml")
    monkeypatch.setenv("QUARTO_PROJECT_DIR", str(tmp_path))
    return tmp_path


def _write(project, name, content):
    path = project / "data" / f"{name}.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")


def _problems(name):
    with pytest.raises(data.DataError) as caught:
        data.load_table(name)
    return str(caught.value)


def test_good_file_loads(project):
    _write(project, "api_prices", HEADER + GOOD_ROW)
    assert data.load_table("api_prices").loc[0, "usd_per_million_output_tokens"] == 4.40


def test_project_root_follows_quarto_project_dir(project):
    assert data.project_root() == project.resolve()


def test_missing_column(project):
    _write(project, "api_prices", HEADER.replace(",usd_per_million_input_tokens", "")
           + "o4-mini,2025-04-16,4.40,openai-pricing\n")
    message = _problems("api_prices")
    assert ("data/api_prices.csv, line 1, column usd_per_million_input_tokens: value (missing) "
            "\u2014 expected a column named usd_per_million_input_tokens") in message


def test_non_numeric_value_in_numeric_column(project):
    _write(project, "api_prices", HEADER + GOOD_ROW
           + "GPT-5.2,2025-12-11,1.75,cheap,openai-pricing\n")
    assert ('data/api_prices.csv, line 3, column usd_per_million_output_tokens: value "cheap" '
            "\u2014 expected a number") in _problems("api_prices")


def test_negative_cost(project):
    _write(project, "api_prices", HEADER + GOOD_ROW
           + "GPT-5.2,2025-12-11,-1.75,14,openai-pricing\n")
    assert ('data/api_prices.csv, line 3, column usd_per_million_input_tokens: value "-1.75" '
            "\u2014 expected a number above 0") in _problems("api_prices")


def test_accuracy_above_one(project):
    header = ("dataset,model_id,display_name,family,reasoning_effort,score_fraction,usd_per_task,"
              "is_human,source_id\n")
    _write(project, "arc_agi", header
           + "ARC-AGI-1,o3-high,o3 (High),o3,high,0.6,0.5,false,arcprize-leaderboard\n"
           + "ARC-AGI-1,o3-low,o3 (Low),o3,low,41.5,0.17,false,arcprize-leaderboard\n")
    assert ('data/arc_agi.csv, line 3, column score_fraction: value "41.5" '
            "\u2014 expected a fraction from 0 to 1") in _problems("arc_agi")


def test_duplicate_key(project):
    _write(project, "api_prices", HEADER + GOOD_ROW + GOOD_ROW.replace("1.10", "1.20"))
    message = _problems("api_prices")
    assert ('data/api_prices.csv, line 3, column model: value "o4-mini" '
            "\u2014 expected a unique model") in message


def test_duplicate_compound_key(project):
    header = "release,method,doubling_days,ci_low_days,ci_high_days,source_id\n"
    row = "1.1,from_2023_on,130.8,107.3,161.4,metr-th-1-1\n"
    _write(project, "metr_doubling_times", header + row + row)
    message = _problems("metr_doubling_times")
    assert "line 3, column release + method: value (1.1, from_2023_on)" in message
    assert "expected a unique (release, method) key" in message


def test_unknown_source_id(project):
    _write(project, "api_prices", HEADER + GOOD_ROW.replace("openai-pricing", "openai-prices"))
    assert ('data/api_prices.csv, line 2, column source_id: value "openai-prices" '
            "\u2014 expected a source id listed in data/sources.yml") in _problems("api_prices")


def test_unparseable_date(project):
    _write(project, "api_prices", HEADER + GOOD_ROW.replace("2025-04-16", "16/04/2025"))
    assert ('data/api_prices.csv, line 2, column release_date: value "16/04/2025" '
            "\u2014 expected an ISO date (YYYY-MM-DD)") in _problems("api_prices")


def test_disallowed_value(project):
    header = "release,method,doubling_days,ci_low_days,ci_high_days,source_id\n"
    _write(project, "metr_doubling_times", header + "1.1,eyeballed,130.8,,,metr-th-1-1\n")
    assert ('line 2, column method: value "eyeballed" \u2014 expected one of from_2023_on, '
            "all_time_stitched") in _problems("metr_doubling_times")


def test_empty_file(project):
    _write(project, "api_prices", "")
    assert ("data/api_prices.csv, line 1, column (header): value (empty file) \u2014 expected a "
            "header row") in _problems("api_prices")


def test_not_utf8(project):
    _write(project, "api_prices", (HEADER + GOOD_ROW).encode("utf-8")
           + "GPT-5.2 \u2013 latest,2025-12-11,1.75,14,openai-pricing\n".encode("cp1252"))
    assert ("data/api_prices.csv, line 3, column model: value (bytes 96) \u2014 expected UTF-8 "
            "text") in _problems("api_prices")


def test_row_with_too_many_fields(project):
    _write(project, "api_prices", HEADER + GOOD_ROW
           + "GPT-5.2,2025-12-11,1.75,14,openai-pricing,x\n")
    assert ('data/api_prices.csv, line 3, column (field 6, after source_id): value "x" '
            "\u2014 expected 5 fields as in the header, found 6") in _problems("api_prices")


def test_row_with_too_few_fields(project):
    _write(project, "api_prices", HEADER + "GPT-5.2,2025-12-11,1.75\n")
    assert ("data/api_prices.csv, line 2, column usd_per_million_output_tokens: value (missing) "
            "\u2014 expected 5 fields as in the header, found 3") in _problems("api_prices")


def test_all_problems_are_listed_together(project):
    _write(project, "api_prices", HEADER + "GPT-5.2,April,x,-1,nobody\n" + GOOD_ROW)
    message = _problems("api_prices")
    assert message.startswith("4 problems in data/api_prices.csv:")
    for column in ("release_date", "usd_per_million_input_tokens",
                   "usd_per_million_output_tokens", "source_id"):
        assert f"line 2, column {column}:" in message


def test_html_in_text_is_kept_as_data(project):
    _write(project, "api_prices", HEADER + GOOD_ROW.replace("o4-mini", "<b>o4-mini</b>"))
    assert data.load_table("api_prices").loc[0, "model"] == "<b>o4-mini</b>"


def test_source_without_address(project):
    path = project / "data" / "sources.yml"
    text = path.read_text("utf-8")
    start = text.index("openai-pricing:")
    url_line = text.index("  url:", start)
    end = text.index("\n", url_line) + 1
    path.write_text(text[:url_line] + text[end:], "utf-8")
    line = text[:start].count("\n") + 1
    with pytest.raises(data.DataError) as caught:
        data.load_sources()
    assert (f"data/sources.yml, line {line}, column url: value (missing) \u2014 expected an "
            "address (url) for source 'openai-pricing'") in str(caught.value)
