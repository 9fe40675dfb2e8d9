"""Compare groups of articles: per-group statistics, tests of difference and distinctive terms."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from framing import plots, tables
from framing.types import FRAMES, HEDGE_CATEGORIES, METADATA_FIELDS, SOURCE_TYPES, FramingError

UNKNOWN = "(unknown)"
NO_FRAME = "(none)"
RESAMPLES = 2000
Z95 = 1.959963984540054
Q = 0.05
TOP_TERMS = 15
# Informative Dirichlet prior of the log-odds (Monroe, Colaresi & Quinn 2008): alpha_w = alpha0 * y_w / N
# with alpha0 = PRIOR_SHARE * N, i.e. the prior counts are a tenth of the corpus counts of each lemma.
PRIOR_SHARE = 0.1
REQUIRED = ["id", *METADATA_FIELDS, "n_sentences", *FRAMES, *(f"{f}_per_1k" for f in FRAMES),
            *(f"has_{f}" for f in FRAMES), "primary_frame", "hedged_sentence_share", "hedges_per_1k",
            *(f"hedges_{c}_per_1k" for c in HEDGE_CATEGORIES), "n_attributions", "anonymous_share",
            "direct_quote_share", *(f"attr_{s}" for s in SOURCE_TYPES), "n_quotes"]


@dataclass(frozen=True)
class Results:
    """Everything `compare` computes: the four tables and a few facts for the summary."""

    by: str
    articles: pd.DataFrame
    by_group: pd.DataFrame
    tests: pd.DataFrame
    pairwise: pd.DataFrame
    distinctive_terms: pd.DataFrame


# ---------------------------------------------------------------- reading


def read_articles(results: Path) -> pd.DataFrame:
    """Read RESULTS/articles.parquet, or articles.csv when there is no parquet file."""
    parquet, csv = results / "articles.parquet", results / "articles.csv"
    if not parquet.exists() and not csv.exists():
        raise FramingError(f"{parquet}: not found (nor articles.csv); run `framing score CORPUS --out {results}` first")
    path = parquet if parquet.exists() else csv
    try:
        articles = (pd.read_parquet(path) if path == parquet else
                    pd.read_csv(csv, dtype={"id": str, "outlet": str, "date": str, "primary_frame": str}))
    except (OSError, ValueError, pd.errors.ParserError) as err:  # pyarrow and pandas raise these for bad files
        raise FramingError(f"{path}: cannot be read ({str(err).splitlines()[0] if str(err) else type(err).__name__}); "
                           f"run `framing score CORPUS --out {results}` again") from None
    if articles.empty:
        raise FramingError(f"{parquet if parquet.exists() else csv}: no articles; check errors.csv beside it")
    return articles


def read_terms(results: Path) -> pd.DataFrame | None:
    """Read RESULTS/terms.parquet (lemma counts per article), or None when it is missing."""
    path = results / "terms.parquet"
    return pd.read_parquet(path) if path.exists() else None


def group_column(articles: pd.DataFrame, by: str) -> str:
    """The column to group by: `by` itself or `meta_<by>`; a FramingError lists the choices otherwise."""
    for name in (by, f"meta_{by}"):
        if name in articles.columns:
            return name
    choices = [c for c in articles.columns if c in METADATA_FIELDS or c.startswith("meta_")]
    raise FramingError(f"--by {by}: no column {by!r} (nor 'meta_{by}') in articles.parquet; "
                       f"use one of {', '.join(choices)} (or any other column of that file)")


def check_columns(articles: pd.DataFrame) -> None:
    """Raise a FramingError naming the contract columns (docs/outputs.md) that `articles` lacks."""
    missing = [c for c in REQUIRED if c not in articles.columns]
    if missing:
        raise FramingError(f"articles.parquet: missing column(s) {', '.join(missing)} of docs/outputs.md; "
                           "rerun `framing score` with this version of framing")


def group_labels(column: pd.Series) -> pd.Series:
    """Group labels as text; a missing or empty value becomes "(unknown)"."""
    if pd.api.types.is_float_dtype(column) and (column.dropna() % 1 == 0).all():
        column = column.astype("Int64")
    labels = column.astype("string").fillna("").str.strip()
    return labels.mask(labels == "", UNKNOWN).astype(str)


def ordered_groups(groups: pd.Series) -> list[str]:
    """Group names sorted case-insensitively, with "(unknown)" last."""
    return sorted(set(groups), key=lambda g: (g == UNKNOWN, g.casefold(), g))


# ---------------------------------------------------------------- measures


def _rows(articles: pd.DataFrame, measure: str, value: pd.Series, successes: pd.Series | None = None,
          total: pd.Series | None = None, unit: str = "") -> pd.DataFrame:
    return pd.DataFrame({
        "id": articles["id"].to_numpy(), "group": articles["group"].to_numpy(), "measure": measure,
        "value": pd.to_numeric(value, errors="coerce").astype(float).to_numpy(),
        "successes": np.nan if successes is None else successes.astype(float).to_numpy(),
        "total": np.nan if total is None else total.astype(float).to_numpy(), "unit": unit})


def long_measures(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per article and measure: its value, and for proportions the successes over a total.

    `articles` needs a `group` column. Successes over totals: primary frame and frame presence count
    articles; hedged_sentence_share counts sentences (round(share * n_sentences)); attr_<type>,
    anonymous_share and direct_quote_share count attributions (the direct quotes as
    round(share * n_attributions)). Frame shares and densities have no count in the contract.
    """
    a, parts, one = articles, [], pd.Series(1.0, index=articles.index)

    def num(column: str) -> pd.Series:
        return pd.to_numeric(a[column], errors="coerce")

    for frame in FRAMES:
        parts.append(_rows(a, frame, num(frame)))
    for frame in FRAMES:
        parts.append(_rows(a, f"{frame}_per_1k", num(f"{frame}_per_1k")))
    for frame in FRAMES:
        present = a[f"has_{frame}"].astype(str).str.lower().isin(["true", "1"]).astype(float)
        parts.append(_rows(a, f"has_{frame}", present, present, one, "articles"))
    primary = a["primary_frame"].astype("string").fillna("").str.strip().replace("", NO_FRAME)
    for frame in (*FRAMES, NO_FRAME):
        hit = (primary == frame).astype(float)
        parts.append(_rows(a, f"primary_frame={frame}", hit, hit, one, "articles"))
    share, sentences = num("hedged_sentence_share"), num("n_sentences")
    parts.append(_rows(a, "hedged_sentence_share", share, (share * sentences).round(), sentences, "sentences"))
    parts.append(_rows(a, "hedges_per_1k", num("hedges_per_1k")))
    for category in HEDGE_CATEGORIES:
        parts.append(_rows(a, f"hedges_{category}_per_1k", num(f"hedges_{category}_per_1k")))
    n_attr = num("n_attributions")
    parts.append(_rows(a, "n_attributions", n_attr))
    for source in SOURCE_TYPES:
        parts.append(_rows(a, f"attr_{source}", num(f"attr_{source}"), num(f"attr_{source}"), n_attr, "attributions"))
    parts.append(_rows(a, "anonymous_share", num("anonymous_share"), num("attr_anonymous"), n_attr, "attributions"))
    quoted = (num("direct_quote_share") * n_attr).round()
    parts.append(_rows(a, "direct_quote_share", num("direct_quote_share"), quoted, n_attr, "attributions"))
    parts.append(_rows(a, "n_quotes", num("n_quotes")))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- statistics


def bootstrap_ci(values: np.ndarray, seed: int, resamples: int = RESAMPLES) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean, resampling the values with a seeded Generator."""
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def wilson_interval(successes: float, total: float) -> tuple[float, float]:
    """95% Wilson score interval of successes / total."""
    p, z2 = successes / total, Z95**2
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = Z95 / (1 + z2 / total) * np.sqrt(p * (1 - p) / total + z2 / (4 * total**2))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def bh_adjust(p_values: pd.Series) -> pd.Series:
    """Benjamini-Hochberg adjusted p-values; missing p-values stay missing."""
    adjusted = pd.Series(np.nan, index=p_values.index)
    present = p_values.dropna()
    if len(present):
        adjusted[present.index] = multipletests(present.to_numpy(), method="fdr_bh")[1]
    return adjusted


def cliffs_delta(a: np.ndarray, b: np.ndarray) -> float:
    """Cliff's delta, P(a > b) - P(a < b); equal to the rank-biserial correlation of Mann-Whitney U."""
    return float(np.sign(a[:, None] - b[None, :]).mean())


def cramers_v(table: np.ndarray) -> float:
    """Cramér's V of a contingency table, from the chi-square statistic without continuity correction."""
    chi2 = stats.chi2_contingency(table, correction=False).statistic
    return float(np.sqrt(chi2 / (table.sum() * (min(table.shape) - 1))))


def group_stats(long: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Per group and measure: n, mean with a bootstrap CI over articles, and Wilson CI of successes/total."""
    keys = ["measure", "group"]
    valued = long.dropna(subset=["value"])
    table = long.groupby(keys, sort=False).agg(n_articles=("id", "size"), unit=("unit", "first"))
    table = table.join(valued.groupby(keys).agg(n=("value", "size"), mean=("value", "mean")))
    table = table.join(valued.dropna(subset=["total"]).groupby(keys)[["successes", "total"]].sum())
    table["n"] = table["n"].fillna(0).astype(int)
    table.loc[table["unit"] == "", ["successes", "total"]] = np.nan
    table["proportion"] = (table["successes"] / table["total"]).where(table["total"] > 0)
    intervals = {key: bootstrap_ci(values.to_numpy(), seed)
                 for key, values in valued.groupby(keys)["value"] if len(values) >= 2}
    table["ci_low"] = [intervals.get(key, (np.nan, np.nan))[0] for key in table.index]
    table["ci_high"] = [intervals.get(key, (np.nan, np.nan))[1] for key in table.index]
    wilson = [wilson_interval(k, t) if n >= 2 and t > 0 else (np.nan, np.nan)
              for n, k, t in zip(table["n"], table["successes"], table["total"])]
    table["wilson_low"], table["wilson_high"] = [w[0] for w in wilson], [w[1] for w in wilson]
    table["note"] = np.select(
        [table["n"] == 0, table["n"] == 1, (table["unit"] != "") & ~(table["total"] > 0)],
        ["no article with a value", "1 article: no interval", "no " + table["unit"] + ": no Wilson interval"], "")
    columns = ["group", "measure", "n_articles", "n", "mean", "ci_low", "ci_high", "successes", "total", "unit",
               "proportion", "wilson_low", "wilson_high", "note"]
    return _order(table.reset_index()[columns], long)


def _order(table: pd.DataFrame, long: pd.DataFrame) -> pd.DataFrame:
    """Sort a group × measure table by measure (in measure order), then group."""
    measures = list(dict.fromkeys(long["measure"]))
    groups = ordered_groups(long["group"])
    key = table["measure"].map(measures.index) * len(groups) + table["group"].map(groups.index)
    return table.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


# ---------------------------------------------------------------- tests


def testable_groups(articles: pd.DataFrame) -> list[str]:
    """Groups with at least two articles: the only ones a test can use."""
    sizes = articles["group"].value_counts()
    return [g for g in ordered_groups(articles["group"]) if sizes[g] >= 2]


def _empty_test(test: str, measure: str, groups: list[str], left_out: list[str], note: str) -> dict:
    return {"test": test, "measure": measure, "n_groups": len(groups), "n": np.nan, "groups": ";".join(groups),
            "groups_left_out": ";".join(left_out), "statistic": np.nan, "df": np.nan, "p_value": np.nan,
            "p_adj": np.nan, "effect_size": np.nan, "effect_measure": "", "note": note}


def kruskal_test(long: pd.DataFrame, measure: str) -> dict:
    """Kruskal-Wallis test of one measure over the groups with at least two values, with epsilon squared."""
    part = long[(long["measure"] == measure)].dropna(subset=["value"])
    everyone = ordered_groups(long["group"])
    sizes = part["group"].value_counts()
    groups = [g for g in everyone if sizes.get(g, 0) >= 2]
    left_out = [g for g in everyone if g not in groups]
    if len(groups) < 2:
        return _empty_test("kruskal_wallis", measure, groups, left_out,
                           "fewer than 2 groups with 2 articles or more: nothing to test")
    samples = [part.loc[part["group"] == g, "value"].to_numpy() for g in groups]
    n = sum(len(s) for s in samples)
    if np.ptp(np.concatenate(samples)) == 0:
        return _empty_test("kruskal_wallis", measure, groups, left_out, "all values equal: nothing to test") | {"n": n}
    result = stats.kruskal(*samples)
    small = "p from the chi-square approximation, rough with groups of fewer than 5"
    small = small if min(map(len, samples)) < 5 else ""
    note = "; ".join(filter(None, [small, _left_out_note(left_out)]))
    return _empty_test("kruskal_wallis", measure, groups, left_out, note) | {
        "n": n, "statistic": result.statistic, "df": len(groups) - 1, "p_value": result.pvalue,
        "effect_size": result.statistic / (n - 1), "effect_measure": "epsilon_squared"}


def _left_out_note(left_out: list[str]) -> str:
    return f"{len(left_out)} group(s) with fewer than 2 articles left out" if left_out else ""


def contingency_test(table: pd.DataFrame, measure: str, everyone: list[str], seed: int, unit: str) -> dict:
    """Chi-square test of a group × category table of counts, or Fisher's exact test when expected counts are small.

    Chi-square (no continuity correction) when every expected count is >= 1 and at most 20% are < 5
    (Cochran); otherwise Fisher's exact test, exact for 2×2 and Monte Carlo (2000 tables, seeded) for
    larger tables. Cramér's V is reported in both cases.
    """
    table = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0]
    groups = list(table.index)
    left_out = [g for g in everyone if g not in groups]
    if table.shape[0] < 2 or table.shape[1] < 2:
        return _empty_test("chi_square", measure, groups, left_out,
                           "fewer than 2 groups or 2 categories with counts: nothing to test")
    counts = table.to_numpy()
    chi2 = stats.chi2_contingency(counts, correction=False)
    cochran = chi2.expected_freq.min() >= 1 and (chi2.expected_freq < 5).mean() <= 0.2
    if cochran:
        test, p_value, note = "chi_square", chi2.pvalue, ""
    elif counts.shape == (2, 2):
        test, p_value, note = "fisher_exact", stats.fisher_exact(counts).pvalue, "expected counts < 5: exact test"
    else:
        method = stats.MonteCarloMethod(n_resamples=RESAMPLES, rng=np.random.default_rng(seed))
        test, p_value = "fisher_exact", float(np.squeeze(stats.fisher_exact(counts, method=method).pvalue))
        note = f"expected counts < 5: Monte Carlo exact test ({RESAMPLES} tables)"
    if unit == "attributions":
        caveat = "units are attributions, not independent within an article: p is optimistic"
        note = "; ".join(filter(None, [note, caveat]))
    note = "; ".join(filter(None, [note, _left_out_note(left_out)]))
    return _empty_test(test, measure, groups, left_out, note) | {
        "n": int(counts.sum()), "statistic": chi2.statistic, "df": chi2.dof, "p_value": p_value,
        "effect_size": cramers_v(counts), "effect_measure": "cramers_v"}


def group_tests(articles: pd.DataFrame, long: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Kruskal-Wallis per measure, then primary frame × group and source type × group; BH over all tests."""
    rows = [kruskal_test(long, m) for m in dict.fromkeys(long["measure"])]
    everyone, tested = ordered_groups(articles["group"]), testable_groups(articles)
    kept = articles[articles["group"].isin(tested)]
    primary = kept["primary_frame"].astype("string").fillna("").str.strip().replace("", NO_FRAME)
    rows.append(contingency_test(pd.crosstab(kept["group"], primary), "primary_frame", everyone, seed, "articles"))
    sources = kept.groupby("group")[[f"attr_{s}" for s in SOURCE_TYPES]].sum()
    rows.append(contingency_test(sources, "source_type", everyone, seed, "attributions"))
    tests = pd.DataFrame(rows)
    tests["p_adj"] = bh_adjust(tests["p_value"])
    return tests


PAIRWISE_COLUMNS = ["measure", "group_a", "group_b", "n_a", "n_b", "mean_a", "mean_b", "u", "p_value", "p_adj",
                    "cliffs_delta", "note"]


def pairwise_tests(long: pd.DataFrame) -> pd.DataFrame:
    """Mann-Whitney U for each pair of groups with 2+ values, BH within each measure, Cliff's delta.

    A group with fewer than two values for a measure gets one row with no partner and a note.
    """
    rows, everyone = [], ordered_groups(long["group"])
    for measure, part in long.groupby("measure", sort=False):
        values = {g: v["value"].dropna().to_numpy() for g, v in part.groupby("group")}
        groups = [g for g in everyone if len(values[g]) >= 2]
        found = []
        for a, b in combinations(groups, 2):
            x, y = values[a], values[b]
            row = {"measure": measure, "group_a": a, "group_b": b, "n_a": len(x), "n_b": len(y),
                   "mean_a": x.mean(), "mean_b": y.mean(), "u": np.nan, "p_value": np.nan, "p_adj": np.nan,
                   "cliffs_delta": cliffs_delta(x, y), "note": ""}
            if np.ptp(np.concatenate([x, y])) == 0:
                row["note"] = "all values equal: nothing to test"
            else:
                result = stats.mannwhitneyu(x, y, alternative="two-sided")
                row["u"], row["p_value"] = result.statistic, result.pvalue
            found.append(row)
        found = pd.DataFrame(found, columns=PAIRWISE_COLUMNS)
        found["p_adj"] = bh_adjust(found["p_value"])
        alone = pd.DataFrame([{"measure": measure, "group_a": g, "group_b": "", "n_a": len(values[g]), "n_b": np.nan,
                               "mean_a": values[g].mean() if len(values[g]) else np.nan,
                               "note": f"{len(values[g])} article(s) with a value: not compared"}
                              for g in everyone if g not in groups], columns=PAIRWISE_COLUMNS)
        rows.extend(frame for frame in (found, alone) if len(frame))
    return pd.concat(rows, ignore_index=True)


# ---------------------------------------------------------------- distinctive terms


def log_odds(y_i: np.ndarray, y_j: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted log-odds ratio of i vs j with Dirichlet prior alpha (Monroe et al. 2008, eq. 22), its variance and z."""
    a0, n_i, n_j = alpha.sum(), y_i.sum(), y_j.sum()
    delta = (np.log((y_i + alpha) / (n_i + a0 - y_i - alpha))
             - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha)))
    variance = 1 / (y_i + alpha) + 1 / (y_j + alpha)
    return delta, variance, delta / np.sqrt(variance)


TERM_COLUMNS = ["group", "frame", "rank", "lemma", "count_group", "count_rest", "total_group", "total_rest",
                "log_odds", "variance", "z", "note"]


def distinctive(counts: pd.DataFrame, groups: list[str], frame: str) -> pd.DataFrame:
    """Top lemmas of each group against the rest, from a lemma × group count table (prior: PRIOR_SHARE × corpus)."""
    rows = []
    corpus = counts.sum(axis=1).to_numpy(dtype=float)
    for group in groups:
        if group not in counts.columns or counts[group].sum() == 0:
            rows.append({"group": group, "frame": frame, "note": "no lemma in this group"})
            continue
        if counts.shape[1] < 2 or counts.shape[0] < 2:
            note = "only one group: no rest to compare with" if counts.shape[1] < 2 else "fewer than 2 lemmas: no odds"
            rows.append({"group": group, "frame": frame, "note": note})
            continue
        y_i = counts[group].to_numpy(dtype=float)
        delta, variance, z = log_odds(y_i, corpus - y_i, PRIOR_SHARE * corpus)
        top = pd.DataFrame({"lemma": counts.index, "count_group": y_i, "count_rest": corpus - y_i,
                            "log_odds": delta, "variance": variance, "z": z})
        top = top[top["z"] > 0].sort_values(["z", "lemma"], ascending=[False, True]).head(TOP_TERMS)
        if top.empty:
            rows.append({"group": group, "frame": frame, "note": "no lemma more frequent than in the rest"})
        for rank, term in enumerate(top.to_dict("records"), start=1):
            rows.append({"group": group, "frame": frame, "rank": rank, **term,
                         "total_group": y_i.sum(), "total_rest": corpus.sum() - y_i.sum(), "note": ""})
    return pd.DataFrame(rows, columns=TERM_COLUMNS)


def distinctive_terms(terms: pd.DataFrame | None, articles: pd.DataFrame) -> pd.DataFrame:
    """Distinctive lemmas of each group vs the rest, on all lemmas (frame "") and on each frame's lemmas."""
    groups = ordered_groups(articles["group"])
    if terms is None:
        return pd.DataFrame([{"group": g, "frame": "", "note": "terms.parquet not found"} for g in groups],
                            columns=TERM_COLUMNS)
    terms = terms.assign(group=terms["article"].astype(str).map(articles.set_index("id")["group"]),
                         frame=terms["frame"].astype("string").fillna("").astype(str),
                         lemma=terms["lemma"].astype(str))
    tables = [distinctive(terms.pivot_table("count", "lemma", "group", aggfunc="sum", fill_value=0), groups, "")]
    for frame in FRAMES:
        subset = terms[terms["frame"] == frame]
        counts = pd.DataFrame()
        if len(subset):
            counts = subset.pivot_table("count", "lemma", "group", aggfunc="sum", fill_value=0)
        tables.append(distinctive(counts, groups, frame))
    return pd.concat(tables, ignore_index=True)


# ---------------------------------------------------------------- the command


def compare(articles: pd.DataFrame, terms: pd.DataFrame | None, by: str, seed: int = 0) -> Results:
    """Compute all tables for articles grouped by the column `by` (or meta_<by>)."""
    check_columns(articles)
    column = group_column(articles, by)
    articles = articles.assign(id=articles["id"].astype(str), group=group_labels(articles[column]))
    long = long_measures(articles)
    return Results(by=column, articles=articles, by_group=group_stats(long, seed),
                   tests=group_tests(articles, long, seed), pairwise=pairwise_tests(long),
                   distinctive_terms=distinctive_terms(terms, articles))


def compare_results(results: Path, by: str, out: Path | None = None, seed: int = 0) -> str:
    """Read a `framing score` output folder, write tables and plots to `out`, return a plain-words summary."""
    from framing.output import staged

    out = out or results / "compare"
    found = compare(read_articles(results), read_terms(results), by, seed)
    with staged(out) as stage:  # earlier tables and plots stay whole until every new file is written
        for name in ("by_group", "tests", "pairwise", "distinctive_terms"):
            tables.write_table(getattr(found, name), stage / name)
        notes = plots.write_plots(found.articles, found.by_group, stage, found.by)
    return summary(found, notes, out)


# ---------------------------------------------------------------- summary

WORDS = {"governance": "share of governance framing", "safety": "share of safety framing",
         "business": "share of business framing", "drama": "share of drama framing",
         "hedged_sentence_share": "share of hedged sentences", "hedges_per_1k": "hedges per 1,000 tokens",
         "n_attributions": "attributions per article", "anonymous_share": "share of anonymous sources",
         "direct_quote_share": "share of direct quotes", "n_quotes": "quotations per article",
         "primary_frame": "primary frame", "source_type": "mix of source types"}


def plain(measure: str) -> str:
    """A measure name in plain words."""
    if measure in WORDS:
        return WORDS[measure]
    if measure.startswith("primary_frame="):
        return f"share of articles whose primary frame is {measure.split('=')[1]}"
    if measure.startswith("has_"):
        return f"share of articles with {measure[4:]} framing"
    if measure.startswith("attr_"):
        return f"{measure[5:]} sources per article"
    if measure.startswith("hedges_"):
        return f"{measure[7:-7].replace('_', ' ')} hedges per 1,000 tokens"
    if measure.endswith("_per_1k"):
        return f"{measure[:-7]} frame hits per 1,000 tokens"
    return measure


def summary(found: Results, notes: list[str], out: Path) -> str:
    """The largest significant differences in plain words, or why there are none."""
    articles, by = found.articles, found.by
    groups, tested = ordered_groups(articles["group"]), testable_groups(articles)
    lines = [f"{len(articles)} articles in {len(groups)} groups by {by}; "
             f"{len(tested)} group(s) have 2 articles or more."]
    unknown = int((articles["group"] == UNKNOWN).sum())
    if unknown:
        lines.append(f'{unknown} article(s) have no {by}: they are kept together as the group "{UNKNOWN}".')
    tests = found.tests.dropna(subset=["p_value"])
    if len(tested) < 2:
        lines.append("This corpus can describe each group (means, shares, distinctive words) but cannot test "
                     "differences between groups: a test needs at least 2 groups with 2 articles or more.")
    elif tests.empty:
        lines.append("No test could be run: the measures do not vary within the groups that have 2 articles or more.")
    else:
        significant = tests[tests["p_adj"] < Q].sort_values(["effect_size", "measure"], ascending=[False, True])
        if significant.empty:
            best = tests.sort_values(["p_adj", "measure"]).iloc[0]
            lines.append(f"No difference between groups is significant after Benjamini-Hochberg correction "
                         f"(q < {Q}) over {len(tests)} tests; the smallest adjusted p is {best['p_adj']:.3g} "
                         f"({plain(best['measure'])}).")
        else:
            lines.append(f"Significant differences (Benjamini-Hochberg q < {Q}, largest effects first):")
            lines.extend(_difference(found, row) for row in significant.head(5).to_dict("records"))
    lines.extend(notes)
    lines.append(f"Tables and plots written to {out}")
    return "\n".join(lines)


def _difference(found: Results, test: dict) -> str:
    """One line on a significant test: the effect, then the extreme groups or the strongest pair."""
    if test["test"] != "kruskal_wallis":
        return (f"- {plain(test['measure'])} differs by {found.by} ({test['test'].replace('_', '-')}, "
                f"adjusted p = {test['p_adj']:.3g}, Cramér's V = {test['effect_size']:.2f}).")
    rows = found.by_group[(found.by_group["measure"] == test["measure"])
                          & found.by_group["group"].isin(test["groups"].split(";"))]
    high, low = rows.loc[rows["mean"].idxmax()], rows.loc[rows["mean"].idxmin()]
    line = (f"- {plain(test['measure'])} differs by {found.by} (Kruskal-Wallis adjusted p = {test['p_adj']:.3g}, "
            f"epsilon² = {test['effect_size']:.2f}): highest in {high['group']} ({high['mean']:.3g}, n = {high['n']}), "
            f"lowest in {low['group']} ({low['mean']:.3g}, n = {low['n']}).")
    pairs = found.pairwise[(found.pairwise["measure"] == test["measure"]) & (found.pairwise["p_adj"] < Q)]
    if len(pairs):
        pair = pairs.loc[pairs["cliffs_delta"].abs().idxmax()]
        line += (f" Largest significant pair: {pair['group_a']} vs {pair['group_b']} "
                 f"({pair['mean_a']:.3g} vs {pair['mean_b']:.3g}, Cliff's delta = {pair['cliffs_delta']:.2f}).")
    return line
