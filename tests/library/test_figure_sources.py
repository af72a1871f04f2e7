"""Each chart cites exactly the sources of the rows it plots, and names its kind."""

from __future__ import annotations

import pytest
from inference_debate import data
from inference_debate.charts import epoch, greenblatt, intro, kokotajlo, ord, synthesis
from inference_debate.charts.common import FIGURE_KINDS, provenance, stated_rows

# Checked by hand against data/*.csv and the chapters: the source of every row each chart draws,
# plus, for a reconstruction, the chart or text it redraws. The o1 AIME readings come from
# Epoch's summary of Ord's "How Well Does RL Scale?", so only the log-x chart cites the log-x
# essay.
EXPECTED = {
    intro.cost_horizon_chart: ("data", {"metr-th-1-0", "metr-release-dates"}),
    ord.log_x_chart: ("reconstruction", {"epoch-2026-inference-burden", "openai-o1-2024",
                                         "ord-2026-log-x"}),
    ord.readings_chart: ("book-analysis", {"epoch-2026-inference-burden", "openai-o1-2024",
                                           "ord-2025-rl-scale"}),
    ord.exchange_rate_chart: ("book-analysis", {"epoch-2026-inference-burden", "openai-o1-2024",
                                                "ord-2025-rl-scale"}),
    ord.arc_agi_chart: ("data", {"arcprize-leaderboard"}),
    ord.per_use_cost_chart: ("book-analysis", {"epoch-2026-inference-burden",
                                               "ord-2025-rl-scale"}),
    greenblatt.frontiers_chart: ("illustration", {"greenblatt-2026", "book-assumptions"}),
    greenblatt.fraction_chart: ("illustration", {"greenblatt-2026", "book-assumptions"}),
    greenblatt.metr_horizons_chart: ("book-analysis", {"metr-th-1-1", "book-assumptions"}),
    kokotajlo.s_curves_chart: ("illustration", {"ord-2025-rl-scale"}),
    kokotajlo.exchange_rate_chart: ("illustration", {"ord-2025-rl-scale"}),
    kokotajlo.grok4_chart: ("illustration", {"ord-2025-rl-scale"}),
    # Figure 3.4: METR's horizons and the book's hourly rate; no ARC Prize row is drawn.
    kokotajlo.horizon_value_chart: ("book-analysis", {"metr-th-1-1", "book-assumptions"}),
    # Figure 4.1: Epoch's published fits and the essay's range; the FrontierMath example's
    # yearly rate is the book's arithmetic and is no longer drawn here.
    epoch.price_trends_chart: ("data", {"epoch-price-trends", "epoch-2026-inference-burden"}),
    epoch.cheapest_prices_chart: ("data", {"epoch-price-trends"}),
    epoch.illustration_chart: ("illustration", {"epoch-2026-inference-burden", "openai-pricing"}),
    # Figure 4.4: the essay's token counts and OpenAI's prices, nothing from Ord or Greenblatt.
    epoch.frontiermath_chart: ("reconstruction", {"epoch-2026-inference-burden",
                                                  "openai-pricing"}),
    # Figure 4.5: Ord's pair, the essay's ScaleRL ratio and the paper it cites.
    epoch.rl_slope_chart: ("book-analysis", {"ord-2025-rl-scale", "epoch-2026-inference-burden",
                                             "scalerl-2025"}),
    synthesis.model_chart: ("book-analysis", {"ord-2025-rl-scale", "greenblatt-2026",
                                             "epoch-2026-inference-burden", "openai-pricing",
                                             "metr-th-1-1", "book-assumptions"}),
}


@pytest.mark.parametrize("builder", list(EXPECTED), ids=lambda b: f"{b.__module__}.{b.__name__}")
def test_sources_and_kind(builder) -> None:
    kind, sources = EXPECTED[builder]
    prov = builder().to_dict()["usermeta"]["provenance"]
    assert prov["kind"] == kind
    assert prov["kind_label"] == FIGURE_KINDS[kind]
    assert prov["illustration"] is (kind == "illustration")
    assert {s["id"] for s in prov["sources"]} == sources


def test_rows_cite_only_their_own_sources() -> None:
    rows = stated_rows("ord_rl_multiplier_large", "scalerl_slope_ratio_vs_grpo")
    prov = provenance("reconstruction", rows={"stated_figures": rows})
    assert [s["id"] for s in prov["sources"]] == ["ord-2025-rl-scale",
                                                  "epoch-2026-inference-burden"]
    assert prov["tables"] == {"stated_figures": data.table_hash("stated_figures")}


def test_unknown_kind_and_missing_rows_are_errors() -> None:
    with pytest.raises(ValueError, match="figure kind 'measured'"):
        provenance("measured")
    with pytest.raises(KeyError, match="no_such_figure"):
        stated_rows("no_such_figure")
