"""Quality of the knowledge-base matcher on labelled question sets, for two bases.

* ``ours``: the shipped articles (``kb/articles``, with the client phrasings and aliases the
  starter base carries) and ``bench/data/kb_questions_{dev,test}.jsonl``;
* ``crm``: a different product's base written as a desk's own writers would, without client
  phrasings (``bench/kb2/``, see its README), and questions written separately.

For each: hit@1, hit@3 (answerable questions: an expected article among the top 1/3 shown),
hit@3 with every result shown (the ranking alone), the false-suggestion rate on questions with
no answer (chatter and uncovered support questions separately), the three paths a support
question takes (results presented as the answer, shown as "may help", or nothing shown and
the client sent straight to registration), per kind; the last line is one JSON
object with both bases. Each question is asked in its client's language (``english`` kind:
en, else ru), as the bot asks the matcher.

    python bench/kb_quality.py [--base ours|crm|both] [--set test|dev] [--no-semantic]
                               [--threshold T] [--tune]

The threshold is the one the bot would choose for the base (kb.calibration) unless
`--threshold` fixes one.

`--tune` searches the threshold and weights on the set (use it on dev, report on test).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.articles import DEFAULT_KB_DIR, load_dir  # noqa: E402
from kb.cache import EmbeddingCache  # noqa: E402
from kb.matcher import Matcher, MatcherConfig  # noqa: E402
from kb.semantic import load_embedder  # noqa: E402
from kb.smalltalk import classify  # noqa: E402

CHATTER_KINDS = {"greeting", "thanks", "chitchat", "offtopic"}


BASES = {
    "ours": (DEFAULT_KB_DIR, ROOT / "bench" / "data" / "kb_questions_{set}.jsonl"),
    "crm": (ROOT / "bench" / "kb2" / "articles", ROOT / "bench" / "kb2" / "questions_{set}.jsonl"),
}


def load_set(base: str, name: str) -> list[dict[str, Any]]:
    path = Path(str(BASES[base][1]).format(set=name))
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def lang_of(item: dict[str, Any]) -> str:
    """The language the question's client writes in (their Telegram language)."""
    return str(item.get("lang") or ("en" if item["kind"] == "english" else "ru"))


def evaluate(
    matcher: Matcher,
    questions: list[dict[str, Any]],
    ranked_cache: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Scores the matcher as the bot shows results: top 3 above the threshold."""
    per_kind: dict[str, list[float]] = defaultdict(list)
    hit1 = hit3 = answerable = ranked3 = 0
    chatter_false = chatter_total = uncovered_false = uncovered_total = 0
    support = straight = 0  # support questions (answerable or not), and those shown nothing
    confident = 0  # support questions whose results are presented as the answer
    uncovered_confident = 0  # uncovered questions presented an answer (not "may help")
    for item in questions:
        outcome = matcher.search(item["q"], top=3, lang=lang_of(item))
        shown = [r.article.id for r in outcome.results]
        expected = set(item["expected"])
        sure = bool(outcome.results) and outcome.results[0].score >= matcher.confident
        if expected or item["kind"] not in CHATTER_KINDS:
            support += 1
            straight += not shown and outcome.chatter is None
            confident += sure
        if expected:
            answerable += 1
            ranked3 += bool(expected & {r.article.id for r in matcher.rank(item["q"], limit=3)})
            h1 = bool(shown[:1]) and shown[0] in expected
            h3 = bool(expected & set(shown[:3]))
            hit1 += h1
            hit3 += h3
            per_kind[item["kind"]].append(float(h3))
        else:
            false = bool(shown)
            if item["kind"] in CHATTER_KINDS:
                chatter_total += 1
                chatter_false += false
            else:
                uncovered_total += 1
                uncovered_false += false
                uncovered_confident += sure
            per_kind[item["kind"]].append(float(not false))
    no_answer = chatter_total + uncovered_total
    return {
        "answerable": answerable,
        "no_answer": no_answer,
        "hit@1": round(hit1 / max(1, answerable), 3),
        "hit@3": round(hit3 / max(1, answerable), 3),
        "hit@3_all_shown": round(ranked3 / max(1, answerable), 3),
        "straight_to_registration": round(straight / max(1, support), 3),
        # The three paths a support question takes (they add up to 1 with chatter aside):
        # presented as the answer, shown as "may help", straight to registration.
        "shown_as_answer": round(confident / max(1, support), 3),
        "shown_as_may_help": round((support - straight - confident) / max(1, support), 3),
        "uncovered_as_answer": round(uncovered_confident / max(1, uncovered_total), 3),
        "false_suggestion_rate": round((chatter_false + uncovered_false) / max(1, no_answer), 3),
        "false_rate_chatter": round(chatter_false / max(1, chatter_total), 3),
        "false_rate_uncovered": round(uncovered_false / max(1, uncovered_total), 3),
        "per_kind": {k: round(sum(v) / len(v), 2) for k, v in sorted(per_kind.items())},
    }


def tune(articles, embedder, cache, questions) -> MatcherConfig:  # type: ignore[no-untyped-def]
    """Grid search: best hit@3 + hit@1 (less a quarter of the uncovered shown) with at most
    5 % of greetings, thanks, chatter and off-topic shown."""
    best = None
    for unknown in (0.5, 0.9, 1.3):
        for sem_w in (0.0,) if embedder is None else (0.4, 0.5, 0.6, 0.7, 0.8):
            base = MatcherConfig(unknown_weight=unknown, semantic_weight=sem_w, threshold=0.0)
            matcher = Matcher(articles, config=base, embedder=embedder, cache=cache)
            ranked = {item["q"]: matcher.rank(item["q"])[:3] for item in questions}
            for threshold in range(20, 80):
                stats = _fast_eval(ranked, questions, threshold)
                if stats["chatter"] > 0.05:
                    continue
                key = stats["hit3"] + stats["hit1"] - 0.25 * stats["uncovered"]
                if best is None or key > best[0]:
                    best = (key, unknown, sem_w, threshold, stats)
    assert best is not None
    print(
        f"tuned: unknown_weight={best[1]} semantic_weight={best[2]} threshold={best[3]} {best[4]}"
    )
    return MatcherConfig(unknown_weight=best[1], semantic_weight=best[2], threshold=best[3])


def _fast_eval(
    ranked: dict[str, Any], questions: list[dict[str, Any]], threshold: float
) -> dict[str, Any]:
    h1 = h3 = n = ch = cht = un = unt = 0
    for item in questions:
        if classify(item["q"]) is not None:
            shown: list[str] = []
        else:
            shown = [r.article.id for r in ranked[item["q"]] if r.score >= threshold]
        expected = set(item["expected"])
        if expected:
            n += 1
            h1 += bool(shown) and shown[0] in expected
            h3 += bool(expected & set(shown))
        elif item["kind"] in CHATTER_KINDS:
            cht += 1
            ch += bool(shown)
        else:
            unt += 1
            un += bool(shown)
    return {
        "hit1": h1 / n,
        "hit3": h3 / n,
        "chatter": ch / max(1, cht),
        "uncovered": un / max(1, unt),
    }


def run_base(base: str, args: argparse.Namespace, embedder: Any) -> dict[str, Any]:
    """Loads a base and its question set and evaluates the matcher on it."""
    kb_dir = BASES[base][0]
    articles = load_dir(kb_dir).articles
    questions = load_set(base, args.set)
    cache = EmbeddingCache(ROOT / "data" / f"bench-kb-embeddings-{base}.npz")
    # As the bot runs unless KB_THRESHOLD is set: the threshold calibrated on the base.
    config = MatcherConfig(threshold=args.threshold, lexical_threshold=args.threshold)
    if args.tune:
        config = tune(articles, embedder, cache, questions)
    if embedder is None and args.tune:
        # Without the semantic stage the matcher uses lexical_threshold.
        config = MatcherConfig(
            lexical_threshold=config.threshold, lexical_unknown_weight=config.unknown_weight
        )
    started = time.perf_counter()
    matcher = Matcher(articles, config=config, embedder=embedder, cache=cache)
    stats = evaluate(matcher, questions)
    stats.update(
        base=base,
        set=args.set,
        semantic=matcher.semantic,
        articles=len(articles),
        threshold=matcher.threshold,
        confident=matcher.confident,
        calibrated=matcher.calibration is not None,
        seconds=round(time.perf_counter() - started, 2),
    )
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="both", choices=["ours", "crm", "both"])
    parser.add_argument("--set", default="test", choices=["test", "dev"])
    parser.add_argument("--no-semantic", action="store_true")
    parser.add_argument("--tune", action="store_true")
    parser.add_argument(
        "--threshold", type=float, default=None, help="a fixed threshold (default: calibrated)"
    )
    args = parser.parse_args()
    embedder = None if args.no_semantic else load_embedder()
    bases = ["ours", "crm"] if args.base == "both" else [args.base]
    results = {base: run_base(base, args, embedder) for base in bases}
    rows = [
        "hit@1",
        "hit@3",
        "hit@3_all_shown",
        "false_rate_chatter",
        "false_rate_uncovered",
        "straight_to_registration",
        "shown_as_answer",
        "shown_as_may_help",
        "uncovered_as_answer",
        "threshold",
        "confident",
        "answerable",
        "no_answer",
    ]
    print(f"{'':>26}" + "".join(f"{base:>10}" for base in bases))
    for row in rows:
        print(f"{row:>26}" + "".join(f"{results[b][row]:>10}" for b in bases))
    kinds = sorted({k for b in bases for k in results[b]["per_kind"]})
    for kind in kinds:
        cells = "".join(f"{results[b]['per_kind'].get(kind, ''):>10}" for b in bases)
        print(f"{kind:>26}{cells}")
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
