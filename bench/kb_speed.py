"""Speed and memory of the knowledge-base matcher, on one core.

For the shipped knowledge base and for a generated one of 10,000 articles: index build time,
per-query latency (median and p99) of the lexical stage alone and of the whole matcher with
the semantic stage, start-up with a cached index, and peak memory. The last line is one
JSON object.

    python bench/kb_speed.py [--articles 10000] [--no-semantic-10k]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the targets say

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
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
    samples = []
    for q in items:
        start = time.perf_counter()
        fn(q)
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 3),
        "p99_ms": round(percentile(samples, 99), 3),
    }


def generate(n: int, seed: int = 7) -> list[Article]:
    """A large knowledge base in the shipped one's language: sentences and words recombined."""
    rng = random.Random(seed)
    shipped = load_dir(DEFAULT_KB_DIR).articles
    sentences = [
        s.strip() for a in shipped for s in a.body.replace("\n", " ").split(". ") if s.strip()
    ]
    words = sorted({w for s in sentences for w in s.split() if w.isalpha() and len(w) > 3})
    out = []
    for i in range(n):
        title = " ".join(rng.sample(words, 5)).capitalize()
        questions = tuple(" ".join(rng.sample(words, rng.randint(4, 8))) + "?" for _ in range(3))
        body = ". ".join(rng.sample(sentences, 12))
        tags = tuple(rng.sample(words, 4))
        out.append(
            Article(
                id=f"gen-{i}", title=title, lang="ru", body=body, tags=tags, questions=questions
            )
        )
    return out


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
    figures: dict[str, object] = {"queries": len(items)}

    shipped = load_dir(DEFAULT_KB_DIR).articles
    start = time.perf_counter()
    lexical = Matcher(shipped)
    figures["shipped_articles"] = len(shipped)
    figures["shipped_build_lexical_s"] = round(time.perf_counter() - start, 3)
    figures["shipped_lexical"] = time_queries(lexical.lexical_scores, items)

    embedder = load_embedder(threads=1)
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "cache.npz")
        start = time.perf_counter()
        full = Matcher(shipped, embedder=embedder, cache=cache)
        figures["shipped_build_semantic_cold_s"] = round(time.perf_counter() - start, 2)
        figures["shipped_full"] = time_queries(full.search, items)
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
    figures["big_lexical"] = time_queries(big_lexical.lexical_scores, items)
    if not args.no_semantic_10k and embedder is not None:
        with tempfile.TemporaryDirectory() as tmp:
            cache = EmbeddingCache(Path(tmp) / "cache.npz")
            start = time.perf_counter()
            big_full = Matcher(big, embedder=embedder, cache=cache)
            figures["big_build_semantic_cold_s"] = round(time.perf_counter() - start, 1)
            start = time.perf_counter()
            Matcher(big, embedder=embedder, cache=EmbeddingCache(Path(tmp) / "cache.npz"))
            figures["big_build_semantic_cached_s"] = round(time.perf_counter() - start, 2)
            figures["big_full"] = time_queries(big_full.search, items)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    for key, value in figures.items():
        print(f"{key:>30}: {value}")
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
