"""Tests of framing.compare: statistics against hand-computed values, and the tables of a synthetic run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from framing import compare as cmp
from framing.cli import main
from framing.types import FRAMES, HEDGE_CATEGORIES, SOURCE_TYPES, FramingError


def make_articles(sizes: dict[str, int], seed: int = 1) -> pd.DataFrame:
    """Articles following docs/outputs.md, `sizes[outlet]` articles per outlet ("" = unknown outlet)."""
    rng = np.random.default_rng(seed)
    rows = []
    for o, (outlet, size) in enumerate(sizes.items()):
        for k in range(size):
            evidence = rng.integers(0, 6, len(FRAMES)) + np.eye(len(FRAMES), dtype=int)[o % len(FRAMES)] * 4
            n_tokens, n_sentences = int(rng.integers(200, 900)), int(rng.integers(8, 40))
            attributions = rng.integers(0, 4, len(SOURCE_TYPES))
            n_attr = int(attributions.sum())
            hedged = int(rng.integers(0, n_sentences // 2 + 1)) + o % 3
            row = {"id": f"{outlet or 'x'}-{k:03d}", "outlet": outlet, "date": f"2023-{1 + (o + k) % 6:02d}-15",
                   "title": f"Titre {k}", "url": "", "n_tokens": n_tokens, "n_sentences": n_sentences}
            row |= {f: evidence[i] / evidence.sum() for i, f in enumerate(FRAMES)}
            row |= {f"{f}_per_1k": 1000 * evidence[i] / n_tokens for i, f in enumerate(FRAMES)}
            row |= {f"has_{f}": bool(evidence[i] >= 2) for i, f in enumerate(FRAMES)}
            row["primary_frame"] = FRAMES[int(np.argmax(evidence))]
            row["hedged_sentence_share"] = hedged / n_sentences
            row["hedges_per_1k"] = 1000 * (hedged + 1) / n_tokens
            row |= {f"hedges_{c}_per_1k": row["hedges_per_1k"] / len(HEDGE_CATEGORIES) for c in HEDGE_CATEGORIES}
            row["n_attributions"] = n_attr
            quotes = int(rng.integers(0, n_attr + 1))
            row["anonymous_share"] = attributions[3] / n_attr if n_attr else np.nan
            row["direct_quote_share"] = quotes / n_attr if n_attr else np.nan
            row |= {f"attr_{s}": int(attributions[i]) for i, s in enumerate(SOURCE_TYPES)}
            row |= {"n_quotes": quotes, "excluded_chars": 0, "excluded": "", "meta_country": "FR" if o % 2 else "BE"}
            rows.append(row)
    return pd.DataFrame(rows).sort_values("id", ignore_index=True)


def make_terms(articles: pd.DataFrame, seed: int = 2) -> pd.DataFrame:
    """Lemma counts per article; each outlet over-uses a lemma of its own, `mot-<outlet>`."""
    rng = np.random.default_rng(seed)
    lemmas = [("gouvernement", "governance"), ("loi", "governance"), ("risque", "safety"), ("danger", "safety"),
              ("marché", "business"), ("prix", "business"), ("crise", "drama"), ("choc", "drama")]
    lemmas += [(f"mot-{outlet}", "") for outlet in dict.fromkeys(articles["outlet"])]
    rows = []
    for article, outlet in zip(articles["id"], articles["outlet"]):
        for lemma, frame in lemmas:
            count = int(rng.integers(1, 4)) + (6 if lemma == f"mot-{outlet}" else 0)
            rows.append({"article": article, "lemma": lemma, "pos": "NOUN", "count": count, "frame": frame})
    return pd.DataFrame(rows)


def write_results(folder: Path, sizes: dict[str, int]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    articles = make_articles(sizes)
    articles.to_parquet(folder / "articles.parquet", index=False)
    articles.to_csv(folder / "articles.csv", index=False)
    make_terms(articles).to_parquet(folder / "terms.parquet", index=False)
    return folder


SIZES = {"Le Monde": 6, "Libération": 5, "Le Figaro": 4, "Ouest-France": 1, "": 2}


# ---------------------------------------------------------------- statistics by hand


def test_wilson_interval_matches_newcombe():
    # Newcombe (1998), Statistics in Medicine 17:857, example 81/263: 0.2553 to 0.3662.
    low, high = cmp.wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    assert cmp.wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)


def test_bootstrap_is_seeded_and_brackets_the_mean():
    values = np.array([0.1, 0.2, 0.4, 0.8, 0.5])
    first, again = cmp.bootstrap_ci(values, seed=3), cmp.bootstrap_ci(values, seed=3)
    assert first == again
    assert cmp.bootstrap_ci(values, seed=4) != first
    assert values.min() <= first[0] < values.mean() < first[1] <= values.max()
    assert cmp.bootstrap_ci(np.array([2.0, 2.0]), seed=0) == (2.0, 2.0)


def test_bh_adjust_against_hand_values():
    # sorted p 0.01, 0.03, 0.04, 0.20 -> p*m/rank 0.04, 0.06, 0.0533, 0.20 -> step-up minimum
    adjusted = cmp.bh_adjust(pd.Series([0.01, 0.04, 0.03, 0.20, np.nan]))
    assert adjusted[:4].tolist() == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.20])
    assert np.isnan(adjusted[4])


def test_cramers_v_and_cliffs_delta_by_hand():
    # expected 15 in every cell: chi2 = 4 * 25/15 = 6.667, V = sqrt(6.667 / (60 * 1)) = 1/3
    assert cmp.cramers_v(np.array([[20, 10], [10, 20]])) == pytest.approx(1 / 3)
    assert cmp.cramers_v(np.array([[10, 0], [0, 10]])) == pytest.approx(1.0)
    # pairs (a, b): 1>0, 1=1, 1<2, 3>0, 3>1, 3>2 -> (4 - 1) / 6
    assert cmp.cliffs_delta(np.array([1.0, 3.0]), np.array([0.0, 1.0, 2.0])) == pytest.approx(0.5)


def test_log_odds_on_a_tiny_hand_example():
    # group i: a=3, b=1; rest j: a=1, b=3; prior alpha = 0.1 * corpus = 0.4 each, alpha0 = 0.8
    # delta_a = log(3.4 / 1.4) - log(1.4 / 3.4) = 1.774606; var = 1/3.4 + 1/1.4 = 1.008403;
    # z = 1.774606 / sqrt(1.008403) = 1.774606 / 1.004193 = 1.767197
    delta, variance, z = cmp.log_odds(np.array([3.0, 1.0]), np.array([1.0, 3.0]), np.array([0.4, 0.4]))
    assert delta == pytest.approx([1.774606, -1.774606], abs=1e-6)
    assert variance == pytest.approx([1.008403, 1.008403], abs=1e-6)
    assert z == pytest.approx([1.767197, -1.767197], abs=1e-5)


def test_group_stats_means_counts_and_notes():
    articles = pd.DataFrame({"id": ["a", "b", "c", "d"], "group": ["A", "A", "A", "B"]})
    long = pd.concat([
        cmp._rows(articles, "x", pd.Series([1.0, 2.0, 6.0, 4.0])),
        cmp._rows(articles, "s", pd.Series([0.5, 0.25, np.nan, 1.0]), pd.Series([1, 1, 0, 3]),
                  pd.Series([2, 4, 0, 3]), "attributions")])
    table = cmp.group_stats(long, seed=0).set_index(["measure", "group"])
    assert table.loc[("x", "A"), "mean"] == pytest.approx(3.0)
    assert table.loc[("x", "A"), "ci_low"] <= 3.0 <= table.loc[("x", "A"), "ci_high"]
    one = table.loc[("x", "B")]
    assert one["n"] == 1 and np.isnan(one["ci_low"]) and np.isnan(one["ci_high"]) and "1 article" in one["note"]
    share = table.loc[("s", "A")]
    assert (share["n"], share["mean"], share["successes"], share["total"]) == (2, 0.375, 2, 6)
    assert (share["wilson_low"], share["wilson_high"]) == pytest.approx(cmp.wilson_interval(2, 6))
    assert np.isnan(table.loc[("s", "B"), "wilson_low"]) and table.loc[("s", "B"), "proportion"] == 1.0


def test_kruskal_needs_two_groups_of_two():
    articles = pd.DataFrame({"id": list("abcde"), "group": list("ABCDE")})
    long = cmp._rows(articles, "x", pd.Series([1.0, 2.0, 3.0, 4.0, 5.0]))
    row = cmp.kruskal_test(long, "x")
    assert np.isnan(row["p_value"]) and "fewer than 2 groups" in row["note"]
    assert row["groups_left_out"] == "A;B;C;D;E"


def test_contingency_falls_back_to_fisher_for_small_counts():
    table = pd.DataFrame([[3, 0], [0, 3]], index=["A", "B"], columns=["x", "y"])
    row = cmp.contingency_test(table, "primary_frame", ["A", "B", "C"], seed=0, unit="articles")
    assert row["test"] == "fisher_exact" and row["p_value"] == pytest.approx(0.1)  # 2 / C(6, 3)
    assert row["effect_size"] == pytest.approx(1.0) and row["groups_left_out"] == "C"


# ---------------------------------------------------------------- the whole comparison


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    return write_results(tmp_path_factory.mktemp("score"), SIZES)


def test_every_group_appears_in_every_table(results):
    found = cmp.compare(cmp.read_articles(results), cmp.read_terms(results), "outlet", seed=0)
    groups = {"Le Monde", "Libération", "Le Figaro", "Ouest-France", cmp.UNKNOWN}
    assert set(found.by_group["group"]) == groups
    assert set(found.pairwise["group_a"]) | set(found.pairwise["group_b"]) - {""} == groups
    assert set(found.distinctive_terms["group"]) == groups
    for row in found.tests.to_dict("records"):
        assert set(filter(None, row["groups"].split(";") + row["groups_left_out"].split(";"))) == groups
    # one row per group and measure, and groups of one article get no interval
    assert not found.by_group.duplicated(["group", "measure"]).any()
    alone = found.by_group[found.by_group["group"] == "Ouest-France"]
    assert alone["ci_low"].isna().all() and alone["note"].str.contains("1 article").all()


def test_distinctive_terms_find_the_planted_lemma(results):
    found = cmp.compare(cmp.read_articles(results), cmp.read_terms(results), "outlet", seed=0)
    terms = found.distinctive_terms
    top = terms[(terms["frame"] == "") & (terms["rank"] == 1)].set_index("group")["lemma"]
    assert top["Le Monde"] == "mot-Le Monde" and top["Libération"] == "mot-Libération"
    assert set(terms.loc[terms["frame"] == "safety", "lemma"].dropna()) <= {"risque", "danger"}
    single = cmp.distinctive(pd.DataFrame({"A": [3], "B": [1]}, index=["seul"]), ["A", "B"], "drama")
    assert single["lemma"].isna().all() and single["note"].str.contains("fewer than 2 lemmas").all()


def test_compare_is_deterministic_and_reads_csv(results, tmp_path):
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "articles.csv").write_bytes((results / "articles.csv").read_bytes())
    a = cmp.compare(cmp.read_articles(results), None, "outlet", seed=5)
    b = cmp.compare(cmp.read_articles(tmp_path / "csv"), None, "outlet", seed=5)
    pd.testing.assert_frame_equal(a.by_group, b.by_group, check_dtype=False)
    assert b.distinctive_terms["note"].eq("terms.parquet not found").all()


def test_cli_writes_tables_and_summary(results, tmp_path):
    out = tmp_path / "cmp"
    run = CliRunner().invoke(main, ["compare", str(results), "--by", "outlet", "--out", str(out), "--seed", "1"])
    assert run.exit_code == 0, run.output
    assert '"(unknown)"' in run.output and "Benjamini-Hochberg" in run.output
    for name in ("by_group", "tests", "pairwise", "distinctive_terms"):
        for suffix in (".csv", ".md", ".tex"):
            assert (out / f"{name}{suffix}").stat().st_size > 0
    first = (out / "by_group.csv").read_bytes()
    CliRunner().invoke(main, ["compare", str(results), "--by", "outlet", "--out", str(out), "--seed", "1"])
    assert (out / "by_group.csv").read_bytes() == first
    assert CliRunner().invoke(main, ["compare", str(results), "--by", "country", "--out", str(out)]).exit_code == 0


def test_measures_read_in_plain_words():
    assert cmp.plain("hedges_per_1k") == "hedges per 1,000 tokens"
    assert cmp.plain("hedges_modal_verb_per_1k") == "modal verb hedges per 1,000 tokens"
    assert cmp.plain("drama_per_1k") == "drama frame hits per 1,000 tokens"


def test_one_article_per_group_describes_but_does_not_test(tmp_path):
    results = write_results(tmp_path / "five", {f"outlet {i}": 1 for i in range(5)})
    summary = cmp.compare_results(results, "outlet")
    assert "cannot test" in summary
    assert (results / "compare" / "by_group.csv").exists()


def test_user_errors_name_the_file_and_the_fix(results, tmp_path):
    with pytest.raises(FramingError, match="'ownership'.*outlet, date, title, url, meta_country"):
        cmp.compare(cmp.read_articles(results), None, "ownership")
    with pytest.raises(FramingError, match="missing column.*n_quotes"):
        cmp.compare(cmp.read_articles(results).drop(columns="n_quotes"), None, "outlet")
    with pytest.raises(FramingError, match="articles.parquet: not found"):
        cmp.read_articles(tmp_path)
    run = CliRunner().invoke(main, ["compare", str(tmp_path), "--by", "outlet"])
    assert run.exit_code == 2 and "framing score" in run.output
    (tmp_path / "articles.csv").write_text("", encoding="utf-8")
    with pytest.raises(FramingError, match="articles.csv: cannot be read"):
        cmp.read_articles(tmp_path)
    (tmp_path / "articles.parquet").write_bytes(b"not parquet")
    run = CliRunner().invoke(main, ["compare", str(tmp_path), "--by", "outlet"])
    assert run.exit_code == 2 and "articles.parquet: cannot be read" in run.output and len(run.output.splitlines()) == 1
