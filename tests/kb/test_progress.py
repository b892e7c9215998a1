"""The terminal progress bar (kb.progress) and the embedding cache's progress reports."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kb.cache import EmbeddingCache
from kb.progress import NULL_PROGRESS, Progress, ProgressCallback


class FakeTty(io.StringIO):
    """A terminal as far as the bar can tell."""

    def isatty(self) -> bool:
        return True


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeEmbedder:
    """An embedder with no model: a text's vector comes from its hash; calls are counted."""

    name = "fake-model"
    dim = 8

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def _rows(self, texts: list[str]) -> npt.NDArray[np.float32]:
        rows = np.array(
            [np.random.default_rng(abs(hash(t))).standard_normal(self.dim) for t in texts],
            dtype=np.float32,
        ).reshape(-1, self.dim)
        norms = np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), np.float32(1e-12))
        normalised: npt.NDArray[np.float32] = (rows / norms).astype(np.float32)
        return normalised

    def embed_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._rows(texts)

    def embed_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        return self._rows(texts)


def last_line(stream: io.StringIO) -> str:
    """What the terminal shows last: the text after the last carriage return."""
    return stream.getvalue().split("\r")[-1].strip()


class Recorder:
    def __init__(self) -> None:
        self.reports: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.reports.append((done, total))


# --- the bar ---------------------------------------------------------------------------------


def test_bar_draws_label_counts_percent_and_finishes_its_line() -> None:
    stream, clock = FakeTty(), FakeClock()
    with Progress("embedding articles", 200, stream=stream, clock=clock) as bar:
        clock.now += 1.5
        bar.update(50)
        drawn = stream.getvalue()
        assert drawn.startswith("\r")
        assert "embedding articles" in drawn
        assert "50/200" in drawn
        assert " 25%" in drawn
        assert "ETA" in drawn
        assert "\n" not in drawn
        clock.now += 1.0
        bar.advance(150)
    out = stream.getvalue()
    assert "200/200" in out
    assert "100%" in out
    assert out.endswith("\n")
    assert out.count("\n") == 1


def test_bar_is_a_progress_callback_and_takes_its_total_from_the_reports() -> None:
    stream, clock = FakeTty(), FakeClock()
    bar = Progress("embedding articles", stream=stream, clock=clock)
    callback: ProgressCallback = bar
    callback(0, 10)
    clock.now += 2.0
    callback(4, 10)
    bar.close()
    assert "4/10" in stream.getvalue()
    assert " 40%" in stream.getvalue()


def test_bar_redraws_at_most_ten_times_a_second() -> None:
    stream, clock = FakeTty(), FakeClock()
    bar = Progress("work", 1000, stream=stream, clock=clock)
    clock.now += 1.0
    for done in range(1, 100):
        clock.now += 0.01  # 99 reports within one second
        bar.update(done)
    assert 5 <= stream.getvalue().count("\r") <= 11
    bar.close()


def test_bar_shows_the_eta_and_then_the_time_taken() -> None:
    stream, clock = FakeTty(), FakeClock()
    bar = Progress("work", 100, stream=stream, clock=clock)
    clock.now += 10.0
    bar.update(25)  # 25 in 10 s: 75 more take 30 s
    assert "ETA 30s" in stream.getvalue()
    clock.now += 30.0
    bar.update(100)
    bar.close()
    assert last_line(stream).endswith("100/100 100% 40s")


def test_bar_keeps_within_the_terminal_width() -> None:
    bar = Progress("a rather long label for a narrow terminal", 10, stream=FakeTty())
    bar.update(3)
    assert len(bar.render(width=40)) < 40
    assert len(bar.render(width=120)) < 120


def test_wait_before_the_work_counts_neither_in_the_delay_nor_the_eta() -> None:
    stream, clock = FakeTty(), FakeClock()
    bar = Progress("work", stream=stream, clock=clock)
    clock.now += 30.0  # e.g. a model loading before the first report
    bar(0, 100)
    clock.now += 0.5
    bar(50, 100)
    assert stream.getvalue() == ""  # half a second of work: nothing yet
    clock.now += 0.5
    bar(100, 100)
    bar.close()
    assert last_line(stream).endswith("100/100 100% 1s")


def test_nothing_is_drawn_on_a_stream_that_is_not_a_terminal() -> None:
    stream, clock = io.StringIO(), FakeClock()
    with Progress("work", 100, stream=stream, clock=clock) as bar:
        for done in range(0, 101, 10):
            clock.now += 1.0
            bar.update(done)
    assert stream.getvalue() == ""


def test_nothing_is_drawn_for_work_shorter_than_the_delay() -> None:
    stream, clock = FakeTty(), FakeClock()
    with Progress("work", 100, stream=stream, clock=clock) as bar:
        for done in range(0, 101, 10):
            clock.now += 0.05
            bar.update(done)
    assert stream.getvalue() == ""


def test_leave_false_blanks_the_line_on_close() -> None:
    stream, clock = FakeTty(), FakeClock()
    bar = Progress("work", 10, stream=stream, clock=clock, leave=False)
    clock.now += 2.0
    bar.update(5)
    width = len(stream.getvalue()) - 1
    bar.close()
    assert stream.getvalue().endswith("\r" + " " * width + "\r")
    assert "\n" not in stream.getvalue()


def test_reports_after_close_are_ignored() -> None:
    stream, clock = FakeTty(), FakeClock()
    bar = Progress("work", 10, stream=stream, clock=clock)
    clock.now += 2.0
    bar.update(5)
    bar.close()
    before = stream.getvalue()
    bar.update(7)
    bar.close()
    assert stream.getvalue() == before


def test_null_progress_does_nothing() -> None:
    NULL_PROGRESS(3, 10)


# --- the embedding cache ---------------------------------------------------------------------


def test_cache_reports_progress_per_batch_up_to_the_missing_count(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    embedder = FakeEmbedder()
    texts = [f"text {i}" for i in range(150)]
    EmbeddingCache(path).embed(embedder, texts[:20])  # 20 already cached
    embedder.calls.clear()

    cache = EmbeddingCache(path)
    recorder = Recorder()
    vectors = cache.embed(embedder, texts, progress=recorder, batch_size=64)

    assert [len(c) for c in embedder.calls] == [64, 64, 2]
    assert [t for c in embedder.calls for t in c] == texts[20:]
    dones = [done for done, _ in recorder.reports]
    assert dones == sorted(set(dones))
    assert dones[-1] == 130
    assert {total for _, total in recorder.reports} == {130}
    assert cache.computed == 130
    np.testing.assert_allclose(vectors, embedder.embed_queries(texts), atol=1e-6)


def test_cache_computes_and_reports_nothing_when_everything_is_cached(tmp_path: Path) -> None:
    path = tmp_path / "vectors.npz"
    embedder = FakeEmbedder()
    texts = [f"text {i}" for i in range(100)]
    first = EmbeddingCache(path).embed(embedder, texts)
    embedder.calls.clear()

    cache = EmbeddingCache(path)
    recorder = Recorder()
    again = cache.embed(embedder, texts, progress=recorder)
    assert embedder.calls == []
    assert recorder.reports == []
    assert cache.computed == 0
    assert cache.loaded == 100
    np.testing.assert_array_equal(first, again)


def test_cache_results_do_not_depend_on_batching(tmp_path: Path) -> None:
    texts = [f"text {i}" for i in range(70)] + ["text 3"]
    whole = EmbeddingCache(None).embed(FakeEmbedder(), texts, batch_size=1000)
    batched = EmbeddingCache(tmp_path / "v.npz").embed(FakeEmbedder(), texts, batch_size=8)
    assert batched.shape == (71, 8)
    assert batched.dtype == np.float32
    np.testing.assert_allclose(whole, batched, atol=1e-6)
