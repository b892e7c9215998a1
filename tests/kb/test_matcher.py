"""The matcher's hard cases, one per kind of difficulty, on the shipped knowledge base."""

from __future__ import annotations

import pytest

from kb.articles import DEFAULT_KB_DIR, load_dir
from kb.matcher import Matcher
from kb.semantic import load_embedder
from kb.smalltalk import Chat


@pytest.fixture(scope="module")
def articles():  # type: ignore[no-untyped-def]
    return load_dir(DEFAULT_KB_DIR).articles


@pytest.fixture(scope="module")
def lexical(articles) -> Matcher:  # type: ignore[no-untyped-def]
    return Matcher(articles)


@pytest.fixture(scope="module")
def full(articles) -> Matcher:  # type: ignore[no-untyped-def]
    embedder = load_embedder()
    assert embedder is not None
    return Matcher(articles, embedder=embedder)


def top(matcher: Matcher, query: str, n: int = 3) -> list[str]:
    return [r.article.id for r in matcher.search(query, top=n).results]


def test_plain_question(lexical: Matcher) -> None:
    assert top(lexical, "как установить настольный клиент", 1) == ["install-desktop-client"]


def test_typos(lexical: Matcher) -> None:
    assert top(lexical, "как устоновить клиэнт", 1) == ["install-desktop-client"]
    assert top(lexical, "ошибка подключеня к постгресу", 1) == ["db-postgresql-connection"]


def test_russian_inflection(lexical: Matcher) -> None:
    # "резервных копий" / "резервное копирование": one stem.
    assert top(lexical, "восстановление из резервных копий", 1) == ["backup-restore"]


def test_yo_case_and_punctuation(lexical: Matcher) -> None:
    plain = top(lexical, "не приходят уведомления на почту", 1)
    assert top(lexical, "НЕ ПРИХОДЯТ УВЕДОМЛЕНИЯ НА ПОЧТУ!!!", 1) == plain
    assert top(lexical, "журнал аудита: кто удалил документ?", 1) == ["audit-log"]
    assert top(lexical, "где журнал аудита, кто удалил документ", 1) == ["audit-log"]
    assert top(lexical, "ещё раз: всё медленно", 1) == top(lexical, "еще раз все медленно", 1)


def test_wrong_keyboard_layout(lexical: Matcher) -> None:
    # "как настроить почту" typed on the English layout.
    assert top(lexical, "rfr yfcnhjbnm gjxne", 1) == ["mail-integration"]
    assert lexical.search("ghbdtn").chatter is Chat.GREETING  # "привет"


def test_latin_transliteration(lexical: Matcher) -> None:
    assert top(lexical, "kak rabotat s doksferoy na makbuke", 1) == ["macos-client"]
    assert "db-postgresql-connection" in top(lexical, "ne vidit bazu postgresql")


def test_english_question_finds_the_russian_article(full: Matcher) -> None:
    assert "slow-performance" in top(full, "the system is very slow, documents take ages to open")


def test_colloquial_wording(full: Matcher) -> None:
    assert top(full, "всё тормозит жесть", 1) == ["slow-performance"]
    assert "access-rights-roles" in top(full, "новенькому надо дать админку")


def test_pasted_error_text_found_in_the_body(lexical: Matcher) -> None:
    assert top(lexical, 'FATAL: password authentication failed for user "docsphere"', 1) == [
        "db-postgresql-connection"
    ]
    assert top(lexical, "ошибка 1603 при установке", 1) == ["install-desktop-client"]


def test_long_message_is_matched_by_its_point(full: Matcher) -> None:
    message = (
        "Добрый день! Пишу вам уже второй раз, в прошлый раз никто не ответил. У нас в отделе "
        "пятнадцать человек, все работают в системе с утра до вечера. Бухгалтерия опять "
        "недовольна, руководство требует отчёт. Вчера вечером админ что-то менял на сервере. "
        "А сегодня с утра письма с уведомлениями о новых заданиях вообще не приходят на почту."
    )
    assert "notifications-not-arriving" in top(full, message)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("привет", Chat.GREETING),
        ("Добрый день!", Chat.GREETING),
        ("здравствуйте", Chat.GREETING),
        ("спасибо", Chat.THANKS),
        ("спс, помогло", Chat.THANKS),
        ("Спасибо за помощь!", Chat.THANKS),
        ("thanks a lot", Chat.THANKS),
        ("до свидания", Chat.FAREWELL),
        ("как дела?", Chat.CHATTER),
        ("ты робот или человек?", Chat.CHATTER),
        ("проверка связи", Chat.CHATTER),
        ("are you a robot or a human", Chat.CHATTER),
    ],
)
def test_chatter_gets_no_articles(full: Matcher, text: str, kind: Chat) -> None:
    outcome = full.search(text)
    assert outcome.chatter is kind
    assert outcome.results == []


def test_off_topic_gets_no_articles(full: Matcher) -> None:
    assert top(full, "кто выиграл чемпионат мира по футболу в 2018") == []
    assert top(full, "посоветуй рецепт борща") == []


def test_chatter_words_inside_a_question_keep_it_a_question(full: Matcher) -> None:
    assert full.search("проверка связи с кассой не проходит").chatter is None
    assert full.search("у меня робот не создаёт задачи").chatter is None


def test_a_greeting_with_a_question_is_a_question(full: Matcher) -> None:
    assert full.search("привет, не работает поиск документов").chatter is None
    assert "search-not-working" in top(full, "привет, не работает поиск документов")


def test_aliases_teach_the_clients_words(articles) -> None:  # type: ignore[no-untyped-def]
    question = "бухгалтерия жалуется что в обед всё как в киселе"
    before = Matcher(articles)
    assert "slow-performance" not in top(before, question, 1)
    taught = [a.with_aliases([question]) if a.id == "slow-performance" else a for a in articles]
    after = Matcher(taught)
    assert top(after, question, 1) == ["slow-performance"]


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        # An English article answers: an English client sees it alone, a Russian one theirs.
        ("I forgot my password", "en", ["password-reset-en"]),
        ("how do I install the desktop client", "en", ["install-client-en"]),
        ("how do I install the desktop client", "ru", ["install-desktop-client"]),
    ],
)
def test_articles_in_the_clients_language_come_alone(
    lexical: Matcher, query: str, lang: str, expected: list[str]
) -> None:
    found = [r.article for r in lexical.search(query, lang=lang).results]
    assert [a.id for a in found][: len(expected)] == expected
    assert all(a.lang == lang for a in found)


def test_another_language_only_when_none_in_the_clients_fits(lexical: Matcher) -> None:
    # No English article is about notifications; a weak English one must not hide the
    # right Russian one.
    found = lexical.search("email notifications stopped arriving", lang="en").results
    assert found[0].article.id == "notifications-not-arriving"
    assert found[0].article.lang == "ru"
    # Without a language the ranking is the plain one.
    plain = lexical.search("I forgot my password").results
    assert {r.article.lang for r in plain} == {"en", "ru"}


@pytest.mark.parametrize(
    "hidden",
    [
        "уста\u200bновить настоль\u200cный клиент",
        "\ufeffуста\u00adновить\u2060 настольный\u200d клиент",
        "\u202eустановить\u202c \u200fнастольный\u200e клиент",
    ],
)
def test_words_hidden_behind_invisible_characters_are_words(lexical: Matcher, hidden: str) -> None:
    outcome = lexical.search(hidden, top=1)
    assert [r.article.id for r in outcome.results] == ["install-desktop-client"]
    assert outcome.query == "установить настольный клиент"


def test_invisible_characters_alone_find_nothing(lexical: Matcher) -> None:
    outcome = lexical.search("\u200b\u200c\ufeff \u2060")
    assert outcome.results == [] and outcome.chatter is None
