"""Speed and memory of the knowledge-base matcher, on one core.

For the shipped knowledge base and for a generated one of 10,000 articles: index build time,
threshold calibration time, per-query latency (median and p99), start-up with a cached index,
and peak memory. The last line is one JSON object.

Latency keys: ``*_lexical`` is the lexical stage alone (``Matcher.lexical_scores``); ``*_full``
the ranking with the semantic stage (``Matcher.rank``, top 3); ``*_search`` what the bot calls,
``Matcher.search(lang="ru")``: chatter check, ranking, the calibrated threshold, the language
preference and locating the matched section of the shown results. ``*_calibration_*``: the
threshold calibrated on the base (``Matcher.calibrate``) with no cached calibration, then read
back from its cache file. Latency and calibration are also given as the process's CPU time
(``cpu_*``), which other processes sharing the core do not inflate; ``loadavg_*`` says whether
they did.

    python bench/kb_speed.py [--articles 10000] [--no-semantic-10k]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the targets say

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.articles import DEFAULT_KB_DIR, Article, load_dir  # noqa: E402
from kb.cache import EmbeddingCache  # noqa: E402
from kb.matcher import Matcher  # noqa: E402
from kb.semantic import load_embedder  # noqa: E402


def queries() -> list[str]:
    path = ROOT / "bench" / "data" / "kb_questions_test.jsonl"
    return [
        json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def time_queries(fn, items: list[str]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    for q in items[:20]:
        fn(q)  # warm caches
    samples, cpu = [], []
    for q in items:
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(q)
        cpu.append((time.process_time() - start_cpu) * 1000)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p99_ms": round(percentile(samples, 99), 3),
        "cpu_median_ms": round(statistics.median(cpu), 3),
        "cpu_p99_ms": round(percentile(cpu, 99), 3),
    }


def generate(n: int, seed: int = 7) -> list[Article]:
    """A large knowledge base in the shipped one's language: sentences and words recombined.

    Like the shipped articles (as many sections as a random shipped one: 2.7 on average), a
    body is an introduction and sections, each headed by a Markdown heading ("## ...") or a
    bold-only first line ("**...**"): a shipped heading or a few words recombined."""
    rng = random.Random(seed)
    shipped = load_dir(DEFAULT_KB_DIR).articles
    sentences = [
        s.strip() for a in shipped for s in a.body.replace("\n", " ").split(". ") if s.strip()
    ]
    words = sorted({w for s in sentences for w in s.split() if w.isalpha() and len(w) > 3})
    headings = sorted({s.heading for a in shipped for s in a.sections if s.heading})
    counts = [len(a.sections) for a in shipped]
    out = []
    for i in range(n):
        title = " ".join(rng.sample(words, 5)).capitalize()
        questions = tuple(" ".join(rng.sample(words, rng.randint(4, 8))) + "?" for _ in range(3))
        chosen = rng.sample(sentences, 12)
        cuts = [0, *sorted(rng.sample(range(2, 12), rng.choice(counts) - 1)), 12]
        paragraphs = []
        for number, (lo, hi) in enumerate(itertools.pairwise(cuts)):
            text = ". ".join(chosen[lo:hi]).rstrip(".") + "."
            if number:
                if rng.random() < 0.5:
                    heading = rng.choice(headings)
                else:
                    heading = " ".join(rng.sample(words, rng.randint(2, 4))).capitalize()
                text = (f"## {heading}" if rng.random() < 0.5 else f"**{heading}**") + "\n" + text
            paragraphs.append(text)
        body = "\n\n".join(paragraphs)
        tags = tuple(rng.sample(words, 4))
        out.append(
            Article(
                id=f"gen-{i}", title=title, lang="ru", body=body, tags=tags, questions=questions
            )
        )
    return out


def calibration(matcher: Matcher, cache_path: Path) -> dict[str, object]:
    """Calibrates the threshold as ``Matcher(config=MatcherConfig(threshold=None, ...))``
    does, with no cached calibration at `cache_path`; then once more, read from that cache.
    Searches after this use the calibrated threshold, as the bot does by default."""
    assert not cache_path.exists()
    matcher.config = replace(matcher.config, threshold=None, lexical_threshold=None)
    start, start_cpu = time.perf_counter(), time.process_time()
    found = matcher.calibrate(cache_path)
    fresh_cpu = time.process_time() - start_cpu
    fresh = time.perf_counter() - start
    start = time.perf_counter()
    again = matcher.calibrate(cache_path)
    cached = time.perf_counter() - start
    assert found is not None and again == found, "the base could not be calibrated"
    return {
        "s": round(fresh, 2),
        "cpu_s": round(fresh_cpu, 2),
        "cached_s": round(cached, 3),
        "negatives": found.negatives,
        "threshold": found.threshold,
    }


def search_ru(matcher: Matcher):  # type: ignore[no-untyped-def]
    return lambda q: matcher.search(q, lang="ru")


def rank_top3(matcher: Matcher):  # type: ignore[no-untyped-def]
    return lambda q: matcher.rank(q, limit=3)


def startup_seconds(kb_dir: Path, data_dir: Path) -> float:
    """A fresh process: import, load the model, build the index from the cached vectors."""
    code = (
        "import time; t=time.perf_counter()\n"
        "from pathlib import Path\n"
        "from kb.service import KnowledgeBase\n"
        f"kb = KnowledgeBase(Path({str(kb_dir)!r}), data_dir=Path({str(data_dir)!r}))\n"
        "kb.load_semantic(); kb.rebuild({})\n"
        "assert kb.matcher.semantic\n"
        "print(time.perf_counter()-t)\n"
    )
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return round(statistics.median(runs), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--no-semantic-10k",
        action="store_true",
        help="skip embedding the generated knowledge base (takes minutes)",
    )
    args = parser.parse_args()
    items = queries()
    figures: dict[str, object] = {"queries": len(items), "loadavg_start": os.getloadavg()[0]}

    shipped = load_dir(DEFAULT_KB_DIR).articles
    start = time.perf_counter()
    lexical = Matcher(shipped)
    figures["shipped_articles"] = len(shipped)
    figures["shipped_build_lexical_s"] = round(time.perf_counter() - start, 3)
    figures["shipped_lexical"] = time_queries(lexical.lexical_scores, items)
    with tempfile.TemporaryDirectory() as tmp:
        figures["shipped_calibration_lexical"] = calibration(lexical, Path(tmp) / "cal.json")
    figures["shipped_lexical_search"] = time_queries(search_ru(lexical), items)

    embedder = load_embedder(threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "cache.npz")
        start = time.perf_counter()
        full = Matcher(shipped, embedder=embedder, cache=cache)
        figures["shipped_build_semantic_cold_s"] = round(time.perf_counter() - start, 2)
        if full.semantic:
            figures["shipped_calibration_semantic"] = calibration(full, Path(tmp) / "cal.json")
            figures["shipped_full"] = time_queries(rank_top3(full), items)
            figures["shipped_search"] = time_queries(search_ru(full), items)
        data_dir = Path(tmp) / "data"
        from kb.service import KnowledgeBase

        warm = KnowledgeBase(DEFAULT_KB_DIR, data_dir=data_dir)
        warm.embedder = embedder
        warm.rebuild({})  # writes the cache a restart reads
        figures["startup_cached_s"] = startup_seconds(DEFAULT_KB_DIR, data_dir)

    big = generate(args.articles)
    builds = []
    for _ in range(3):
        start = time.perf_counter()
        big_lexical = Matcher(big)
        builds.append(time.perf_counter() - start)
    figures["big_articles"] = len(big)
    figures["big_build_lexical_s"] = round(statistics.median(builds), 2)
    figures["big_sections_per_article"] = round(sum(len(a.sections) for a in big) / len(big), 2)
    figures["big_lexical"] = time_queries(big_lexical.lexical_scores, items)
    with tempfile.TemporaryDirectory() as tmp:
        figures["big_calibration_lexical"] = calibration(big_lexical, Path(tmp) / "cal.json")
    figures["big_lexical_search"] = time_queries(search_ru(big_lexical), items)
    if not args.no_semantic_10k and embedder is not None:
        with tempfile.TemporaryDirectory() as tmp:
            cache = EmbeddingCache(Path(tmp) / "cache.npz")
            start = time.perf_counter()
            big_full = Matcher(big, embedder=embedder, cache=cache)
            figures["big_build_semantic_cold_s"] = round(time.perf_counter() - start, 1)
            figures["big_calibration_semantic"] = calibration(big_full, Path(tmp) / "cal.json")
            start = time.perf_counter()
            Matcher(big, embedder=embedder, cache=EmbeddingCache(Path(tmp) / "cache.npz"))
            figures["big_build_semantic_cached_s"] = round(time.perf_counter() - start, 2)
            figures["big_full"] = time_queries(rank_top3(big_full), items)
            figures["big_search"] = time_queries(search_ru(big_full), items)
    figures["loadavg_end"] = os.getloadavg()[0]
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    for key, value in figures.items():
        print(f"{key:>30}: {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
