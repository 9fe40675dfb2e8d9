"""Tests of framing.plots: every figure is written, non-empty, parseable and byte-identical on a rerun."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from framing import compare as cmp
from framing import plots

from test_compare import make_articles

matplotlib.use("Agg")

STEMS = ("frame_profile", "hedging_vs_anonymous", "source_mix", "frames_over_time")


def draw(sizes: dict[str, int], out: Path, dated: bool = True) -> list[str]:
    articles = make_articles(sizes)
    if not dated:
        articles["date"] = ""
    found = cmp.compare(articles, None, "outlet", seed=0)
    out.mkdir(parents=True, exist_ok=True)
    return plots.write_plots(found.articles, found.by_group, out, "outlet")


def check_written(out: Path, stem: str) -> None:
    png, svg, csv = (out / f"{stem}{suffix}" for suffix in (".png", ".svg", ".csv"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert len(pd.read_csv(csv)) > 0


@pytest.mark.parametrize("sizes", [
    {"Le Monde": 4, "Libération": 3, "": 2, "Ouest-France": 1},
    {f"outlet{i}.fr": 1 for i in range(5)},
    {f"un-site-d-information-au-nom-vraiment-long-{i}.example.org": 1 + (i < 4) for i in range(35)},
], ids=["few", "five-of-one", "thirty-five"])
def test_every_plot_is_written_and_readable(sizes, tmp_path):
    notes = draw(sizes, tmp_path)
    assert notes == []
    for stem in STEMS:
        check_written(tmp_path, stem)
    shown = pd.read_csv(tmp_path / "hedging_vs_anonymous.csv")
    assert len(shown) == sum(sizes.values())


def test_many_groups_get_a_heatmap_and_few_get_dots():
    few = cmp.compare(make_articles({"A": 2, "B": 3}), None, "outlet")
    many = cmp.compare(make_articles({f"g{i}": 1 for i in range(13)}), None, "outlet")
    assert len(plots.frame_profile(few.by_group, "outlet")[0].axes) == 4
    assert len(plots.frame_profile(many.by_group, "outlet")[0].axes) == 2  # heatmap and colour bar


def test_frames_over_time_needs_dates(tmp_path):
    notes = draw({"A": 2, "B": 2}, tmp_path, dated=False)
    assert not (tmp_path / "frames_over_time.png").exists()
    assert "fewer than 2 months" in notes[0]


def test_plots_are_byte_identical_on_a_rerun(tmp_path):
    draw({"A": 3, "B": 2, "C": 1}, tmp_path / "one")
    draw({"A": 3, "B": 2, "C": 1}, tmp_path / "two")
    for stem in STEMS:
        for name in (f"{stem}.png", f"{stem}.svg", f"{stem}.csv"):
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert b"Matplotlib v" not in (tmp_path / "one" / "source_mix.svg").read_bytes()


def test_long_names_are_cut_with_an_ellipsis_in_the_middle():
    assert plots.short("court") == "court"
    cut = plots.short("site-numero-10-avec-un-nom-tres-long.example.com")
    assert cut == "site-numero-10…ong.example.com" and len(cut) == plots.LABEL_CHARS
