"""Figures of a comparison (PNG and SVG, each with the CSV it was drawn from), reproducible byte for byte."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from framing.types import FRAMES, SOURCE_TYPES

# Okabe & Ito (2008) colour-blind-safe palette; markers and hatches keep series apart in greyscale.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HATCHES = ["", "///", "...", "xxx", "\\\\\\", "+++", "ooo"]
MAX_DOTS = 12
LABEL_CHARS = 30
RC = {"svg.hashsalt": "framing", "svg.fonttype": "path", "font.size": 8, "savefig.dpi": 150,
      "axes.spines.top": False, "axes.spines.right": False}


def short(name: str, width: int = LABEL_CHARS) -> str:
    """A label cut to `width` characters by an ellipsis in the middle, keeping both ends (e.g. a domain)."""
    head = (width - 1) // 2
    return name if len(name) <= width else name[:head] + "…" + name[head + 1 - width:]


def style(i: int) -> tuple[str, str]:
    """Colour and marker of series i; distinct pairs for the first 64 series."""
    return OKABE_ITO[i % 8], MARKERS[(i // 8 + i) % 8]


def save(fig: Figure, data: pd.DataFrame, stem: Path) -> None:
    """Write STEM.png, STEM.svg and STEM.csv, without dates or version strings."""
    with matplotlib.rc_context(RC):
        fig.savefig(stem.with_suffix(".png"), metadata={"Software": None})
        fig.savefig(stem.with_suffix(".svg"), metadata={"Date": None, "Creator": None})
    data.to_csv(stem.with_suffix(".csv"), index=False, float_format="%.10g", lineterminator="\n")


def _figure(width: float, n_rows: int) -> Figure:
    with matplotlib.rc_context(RC):
        return Figure(figsize=(width, max(3.0, 0.28 * n_rows + 1.6)), layout="constrained")


def _group_labels(table: pd.DataFrame, groups: list[str]) -> list[str]:
    n = table.drop_duplicates("group").set_index("group")["n_articles"]
    return [f"{short(g)} (n={n[g]})" for g in groups]


def frame_profile(by_group: pd.DataFrame, by: str) -> tuple[Figure, pd.DataFrame]:
    """Mean frame shares per group: dots with 95% bootstrap CIs, or a heatmap when there are many groups."""
    data = by_group[by_group["measure"].isin(FRAMES)][["group", "measure", "n", "mean", "ci_low", "ci_high", "note"]]
    groups = list(dict.fromkeys(data["group"]))
    labels = _group_labels(by_group, groups)
    title = (f"Frame profile by {by}: mean share of frame evidence per article\n"
             f"({by_group.drop_duplicates('group')['n_articles'].sum()} articles, {len(groups)} groups")
    if len(groups) > MAX_DOTS:
        return _heatmap(data, groups, labels, title + ")"), data
    with matplotlib.rc_context(RC):
        fig = _figure(10, len(groups))
        axes = fig.subplots(1, len(FRAMES), sharey=True, sharex=True)
        for i, (ax, frame) in enumerate(zip(axes, FRAMES)):
            rows = data[data["measure"] == frame].set_index("group").loc[groups]
            y = np.arange(len(groups))
            colour, marker = style(i)
            ax.errorbar(rows["mean"], y, xerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]],
                        fmt=marker, color=colour, ecolor="0.3", capsize=2, markeredgecolor="black")
            ax.set_title(frame)
            ax.set_xlim(-0.02, 1.02)
            ax.set_yticks(y, labels)
            ax.grid(axis="x", color="0.9")
        axes[0].invert_yaxis()
        axes[0].set_ylabel(by)
        fig.supxlabel("mean share of frame evidence (lines: 95% bootstrap CI; none for a group of one article)")
        fig.suptitle(title + ")")
    return fig, data


def _heatmap(data: pd.DataFrame, groups: list[str], labels: list[str], title: str) -> Figure:
    matrix = data.pivot(index="group", columns="measure", values="mean").loc[groups, list(FRAMES)]
    with matplotlib.rc_context(RC):
        fig = _figure(7, len(groups))
        ax = fig.subplots()
        image = ax.imshow(matrix.to_numpy(dtype=float), cmap="viridis", vmin=0, vmax=1, aspect="auto")
        ax.set_xticks(range(len(FRAMES)), FRAMES)
        ax.set_yticks(range(len(groups)), labels)
        ax.xaxis.tick_top()
        for (row, col), value in np.ndenumerate(matrix.to_numpy(dtype=float)):
            text = "" if np.isnan(value) else f"{value:.2f}"
            ax.text(col, row, text, ha="center", va="center", color="white" if value < 0.55 else "black")
        fig.colorbar(image, ax=ax, label="mean share of frame evidence per article", shrink=0.5)
        ax.set_title(title, fontsize=9)
    return fig


def hedging_vs_anonymous(articles: pd.DataFrame, groups: list[str], by: str) -> tuple[Figure, pd.DataFrame]:
    """One point per article: share of hedged sentences against share of anonymous sources, by group."""
    data = articles[["id", "group", "anonymous_share", "hedged_sentence_share"]].copy()
    for column in ("anonymous_share", "hedged_sentence_share"):
        data[column] = pd.to_numeric(data[column], errors="coerce")
    shown = data.dropna(subset=["anonymous_share", "hedged_sentence_share"])
    with matplotlib.rc_context(RC):
        fig = _figure(10, 14)
        ax = fig.subplots()
        for i, group in enumerate(groups):
            points = shown[shown["group"] == group]
            colour, marker = style(i)
            ax.scatter(points["anonymous_share"], points["hedged_sentence_share"], color=colour, marker=marker,
                       edgecolor="black", linewidth=0.5, s=40, alpha=0.85, label=f"{short(group)} ({len(points)})")
        ax.set_xlim(-0.03, 1.03)
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("share of attributions to anonymous sources")
        ax.set_ylabel("share of sentences with an authorial hedge")
        ax.grid(color="0.9")
        ax.legend(title=f"{by} (articles shown)", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7,
                  ncol=1 if len(groups) <= 20 else 2, frameon=False)
        hidden = len(data) - len(shown)
        ax.set_title(f"Hedging against anonymous sourcing, one point per article ({len(shown)} articles, "
                     f"{len(groups)} groups" + (f"; {hidden} without attributions not shown)" if hidden else ")"))
    return fig, data


def source_mix(by_group: pd.DataFrame, by: str) -> tuple[Figure, pd.DataFrame]:
    """Stacked horizontal bars: share of each source type among the attributions of each group."""
    data = by_group[by_group["measure"].isin([f"attr_{s}" for s in SOURCE_TYPES])]
    names = {"measure": "source_type", "successes": "attributions", "total": "all_attributions", "proportion": "share"}
    data = data[["group", "measure", "successes", "total", "proportion"]].rename(columns=names)
    data["source_type"] = data["source_type"].str.removeprefix("attr_")
    groups = list(dict.fromkeys(data["group"]))
    totals = data.drop_duplicates("group").set_index("group")["all_attributions"].loc[groups]
    shares = data.pivot(index="group", columns="source_type", values="share").loc[groups, list(SOURCE_TYPES)].fillna(0)
    with matplotlib.rc_context(RC):
        fig = _figure(9, len(groups))
        ax = fig.subplots()
        y, left = np.arange(len(groups)), np.zeros(len(groups))
        for i, source in enumerate(SOURCE_TYPES):
            ax.barh(y, shares[source], left=left, color=OKABE_ITO[i], hatch=HATCHES[i], edgecolor="0.25",
                    linewidth=0.4, label=source)
            left += shares[source].to_numpy()
        labels = [f"{short(g)} ({int(t)} attr.)" if t > 0 else f"{short(g)} (no attributions)"
                  for g, t in totals.items()]
        ax.set_yticks(y, labels)
        ax.set_ylim(len(groups) - 0.5, -0.5)
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of attributions")
        ax.legend(title="source type", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        ax.set_title(f"Source-type mix by {by}: share of attributions by type of source\n"
                     f"({int(totals.sum())} attributions, {len(groups)} groups)")
    return fig, data


def frames_over_time(articles: pd.DataFrame) -> tuple[Figure, pd.DataFrame] | None:
    """Mean frame shares per month over all articles; None when fewer than two months are dated."""
    month = articles["date"].astype("string").str.extract(r"^(\d{4}-\d{2})")[0]
    dated = articles.assign(month=month).dropna(subset=["month"])
    if dated["month"].nunique() < 2:
        return None
    shares = dated[["month", *FRAMES]].assign(**{f: pd.to_numeric(dated[f], errors="coerce") for f in FRAMES})
    months = pd.period_range(shares["month"].min(), shares["month"].max(), freq="M").strftime("%Y-%m")
    data = shares.groupby("month")[list(FRAMES)].mean().reindex(months)
    data.insert(0, "n_articles", shares.groupby("month").size().reindex(months).fillna(0).astype(int))
    data = data.rename_axis("month").reset_index()
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(max(6.0, 0.45 * len(months) + 3), 4), layout="constrained")
        ax = fig.subplots()
        x = np.arange(len(months))
        for i, frame in enumerate(FRAMES):
            colour, marker = style(i)
            ax.plot(x, data[frame], marker=marker, color=colour, markeredgecolor="black", label=frame)
        ax.set_xticks(x, [f"{m}\n(n={n})" for m, n in zip(months, data["n_articles"])],
                      rotation=90 if len(months) > 12 else 0)
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("mean share of frame evidence per article")
        ax.grid(axis="y", color="0.9")
        ax.legend(title="frame", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        ax.set_title(f"Frames over time: monthly mean share of frame evidence per article\n"
                     f"({len(dated)} dated articles of {len(articles)}; gaps: months without articles)")
    return fig, data


def write_plots(articles: pd.DataFrame, by_group: pd.DataFrame, out: Path, by: str) -> list[str]:
    """Write every plot into `out`; return notes on the plots that could not be drawn."""
    save(*frame_profile(by_group, by), out / "frame_profile")
    groups = list(dict.fromkeys(by_group["group"]))
    save(*hedging_vs_anonymous(articles, groups, by), out / "hedging_vs_anonymous")
    save(*source_mix(by_group, by), out / "source_mix")
    over_time = frames_over_time(articles)
    if over_time is None:
        return ["Frames over time: not drawn, fewer than 2 months have a dated article (date as YYYY-MM...)."]
    save(*over_time, out / "frames_over_time")
    return []
