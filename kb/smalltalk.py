"""Greetings, thanks and chatter: messages that must get no articles at all.

Showing articles for "спасибо" looks broken, so such messages are recognised explicitly,
before any matching, and answered in kind.
"""

from __future__ import annotations

from enum import StrEnum

from rapidfuzz import fuzz

from kb.normalize import fold, from_wrong_layout, has_cyrillic, words


class Chat(StrEnum):
    """What kind of chatter a message is."""

    GREETING = "greeting"
    THANKS = "thanks"
    FAREWELL = "farewell"
    CHATTER = "chatter"


_GREETING = {
    "привет",
    "приветик",
    "прив",
    "здравствуйте",
    "здравствуй",
    "здрасте",
    "здрасьте",
    "здарова",
    "здорово",
    "добрый",
    "доброе",
    "доброго",
    "день",
    "утро",
    "вечер",
    "вечера",
    "дня",
    "утра",
    "времени",
    "суток",
    "салют",
    "хай",
    "ку",
    "йо",
    "hi",
    "hello",
    "hey",
    "hallo",
    "good",
    "morning",
    "afternoon",
    "evening",
    "всем",
    "бот",
    "ботик",
    "коллеги",
    "there",
    "уважаемые",
    "уважаемая",
    "поддержка",
    "техподдержка",
    "алло",
    "ау",
    "эй",
}
_THANKS = {
    "спасибо",
    "спасибки",
    "спс",
    "пасиб",
    "пасибо",
    "спасиб",
    "сенкс",
    "сэнкс",
    "благодарю",
    "благодарствую",
    "благодарим",
    "thanks",
    "thank",
    "thx",
    "ty",
    "u",
    "you",
    "a",
    "lot",
    "огромное",
    "большое",
    "большое-пребольшое",
    "помогло",
    "помогли",
    "разобрались",
    "разобрался",
    "разобралась",
    "понял",
    "поняла",
    "понятно",
    "ясно",
    "ок",
    "окей",
    "ok",
    "okay",
    "хорошо",
    "отлично",
    "супер",
    "класс",
    "круто",
    "замечательно",
    "great",
    "cool",
    "nice",
    "всё",
    "все",
    "работает",
    "заработало",
    "решено",
    "вопрос",
    "снят",
    "much",
    "so",
    "very",
    "вам",
    "тебе",
    "again",
    "еще",
    "раз",
    "за",
    "помощь",
    "ответ",
    "подсказку",
    "информацию",
    "оперативность",
    "быстрый",
    "быстро",
    "мерси",
    "merci",
    "спасибочки",
    "благодарочка",
    "сенкью",
    "cheers",
    "appreciate",
    "it",
    "the",
    "help",
    "for",
    "огромнейшее",
    "искреннее",
    "выручили",
}
_FAREWELL = {
    "пока",
    "до",
    "свидания",
    "встречи",
    "bye",
    "goodbye",
    "хорошего",
    "удачи",
    "всего",
    "доброго",
    "дня",
    "вечера",
    "have",
    "nice",
    "day",
    "see",
    "you",
}
_CHATTER = {
    "как",
    "дела",
    "делишки",
    "ты",
    "кто",
    "тебя",
    "зовут",
    "бот",
    "робот",
    "человек",
    "живой",
    "умеешь",
    "шутить",
    "анекдот",
    "расскажи",
    "шутку",
    "погода",
    "погоду",
    "how",
    "are",
    "you",
    "who",
    "what",
    "your",
    "name",
    "a",
    "bot",
    "human",
    "joke",
    "tell",
    "me",
    "что",
    "делаешь",
    "настроение",
    "скучно",
    "ха",
    "хаха",
    "ахах",
    "лол",
    "lol",
    "ага",
    "угу",
    "ну",
    "и",
    "а",
    "да",
    "нет",
    "ладно",
    "понятно",
    "ясно",
    "ок",
    "ok",
    "норм",
    # "ты робот или человек", "как у тебя дела", "мне скучно", "проверка связи", "ты кто
    # вообще", "are you a robot or a human", "i am bored": no article answers them.
    "или",
    "у",
    "мне",
    "вообще",
    "проверка",
    "связи",
    "тест",
    "robot",
    "or",
    "doing",
    "i",
    "am",
    "bored",
    "test",
}

_ORDER = (
    (Chat.THANKS, _THANKS),
    (Chat.GREETING, _GREETING),
    (Chat.FAREWELL, _FAREWELL),
    (Chat.CHATTER, _CHATTER),
)
_TRIGGERS = {
    Chat.THANKS: {
        "мерси",
        "merci",
        "спасибочки",
        "благодарочка",
        "сенкью",
        "cheers",
        "выручили",
        "спасибо",
        "спс",
        "благодарю",
        "благодарствую",
        "thanks",
        "thank",
        "thx",
        "сенкс",
        "пасиб",
        "спасибки",
        "помогло",
        "заработало",
        "разобрались",
    },
    Chat.GREETING: {
        "привет",
        "здравствуйте",
        "здравствуй",
        "добрый",
        "доброе",
        "hi",
        "hello",
        "hey",
        "прив",
        "здрасте",
        "салют",
        "хай",
        "доброго",
    },
    Chat.FAREWELL: {"пока", "свидания", "bye", "goodbye", "хорошего"},
    Chat.CHATTER: _CHATTER,
}


def _known(word: str, vocab: set[str]) -> bool:
    if word in vocab:
        return True
    if len(word) >= 5:
        return any(fuzz.ratio(word, v) >= 80 for v in vocab if abs(len(v) - len(word)) <= 2)
    return False


def classify(text: str) -> Chat | None:
    """The kind of chatter a whole message is, or None if it may be a real question.

    Every word must belong to the chatter vocabulary (typos allowed), so "привет, не
    работает поиск" is a question, while "привет всем", "спс!" and "ghbdtn" are not.
    """
    candidates = [fold(text)]
    if not has_cyrillic(text):
        candidates.append(fold(from_wrong_layout(text)))
    for candidate in candidates:
        tokens = [w for w in words(candidate) if not w.isdigit()]
        if not tokens or len(tokens) > 8:
            continue
        for kind, vocab in _ORDER:
            allowed = vocab | _GREETING | _THANKS | _FAREWELL
            if kind is Chat.CHATTER:
                allowed = _CHATTER | _GREETING | _THANKS | _FAREWELL
            triggers = _TRIGGERS[kind]
            if any(_known(t, triggers) for t in tokens) and all(
                _known(t, allowed) for t in tokens
            ):
                return kind
    return None
