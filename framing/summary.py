"""Plain-text summaries printed on stdout after a command."""

from __future__ import annotations

from framing.pipeline import ScoreRun


def _percent(value) -> str:
    return "" if value is None or value != value else f"{100 * value:.0f}%"


def score_summary(run: ScoreRun) -> str:
    """A short table of the scored articles, what was excluded, and where the files are."""
    table = run.articles
    lines = []
    if len(table):
        view = table[["id", "outlet", "n_tokens", "primary_frame"]].copy()
        view["id"] = view["id"].str.slice(0, 24)
        view["outlet"] = view["outlet"].fillna("").str.slice(0, 16)
        view["frames"] = table.apply(lambda r: ",".join(f[:3] for f in ("governance", "safety", "business", "drama")
                                                        if r[f"has_{f}"]), axis=1)
        view["hedged"] = table["hedged_sentence_share"].map(_percent)
        view["attrib"] = table["n_attributions"]
        view["anon"] = table["anonymous_share"].map(_percent)
        view["quotes"] = table["direct_quote_share"].map(_percent)
        view["excluded"] = table["excluded"].fillna("")
        lines.append(view.to_string(index=False))
    excluded = ", ".join(f"{reason} {n}" for reason, n in sorted(run.excluded.items())) or "nothing"
    lines.append(f"\nScored {len(table)} article(s) into {run.out_dir}/ ({len(run.errors)} error(s)); "
                 f"excluded regions: {excluded}.")
    for error in run.errors[:10]:
        lines.append(f"error: {error['path']}: {error['stage']}: {error['reason']}")
    if len(run.errors) > 10:
        lines.append(f"... and {len(run.errors) - 10} more in {run.out_dir}/errors.csv")
    notes = [f"note: {article}: {note}" for article, note in zip(table["id"], table.get("input_notes", [])) if note]
    lines.extend(notes[:10])
    if len(notes) > 10:
        lines.append(f"... and {len(notes) - 10} more in the input_notes column of {run.out_dir}/articles.csv")
    return "\n".join(lines)
