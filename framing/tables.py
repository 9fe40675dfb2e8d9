"""Write a table as tidy CSV, Markdown and LaTeX, with stable number formatting."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                 "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def cell(value: object) -> str:
    """A value as short text: 4 significant digits for floats, empty for missing values."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def md_escape(text: str) -> str:
    """Escape the pipe, the only character that breaks a Markdown table cell."""
    return text.replace("|", r"\|")


def to_markdown(table: pd.DataFrame) -> str:
    """A Markdown (pipe) table."""
    lines = ["| " + " | ".join(md_escape(str(c)) for c in table.columns) + " |",
             "|" + "|".join("---" for _ in table.columns) + "|"]
    lines += ["| " + " | ".join(md_escape(cell(v)) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def latex_escape(text: str) -> str:
    """Escape LaTeX special characters."""
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in text)


def to_latex(table: pd.DataFrame) -> str:
    """A LaTeX longtable (needs \\usepackage{longtable,booktabs})."""
    header = " & ".join(latex_escape(str(c)) for c in table.columns) + r" \\"
    rows = [" & ".join(latex_escape(cell(v)) for v in row) + r" \\" for row in table.itertuples(index=False)]
    return "\n".join([r"% needs \usepackage{longtable,booktabs}",
                      r"\begin{longtable}{" + "l" * len(table.columns) + "}", r"\toprule", header, r"\midrule",
                      r"\endhead", *rows, r"\bottomrule", r"\end{longtable}"]) + "\n"


def write_table(table: pd.DataFrame, stem: Path) -> None:
    """Write STEM.csv (full precision), STEM.md and STEM.tex."""
    table.to_csv(stem.with_suffix(".csv"), index=False, float_format="%.10g", lineterminator="\n")
    stem.with_suffix(".md").write_text(to_markdown(table), encoding="utf-8")
    stem.with_suffix(".tex").write_text(to_latex(table), encoding="utf-8")
