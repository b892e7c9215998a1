"""Turning chat text into comparable tokens: case, ё, punctuation, stems, wrong keyboard
layout and Latin transliteration of Russian."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from desk.messages import visible

_RU = Stemmer.Stemmer("russian")
_EN = Stemmer.Stemmer("english")

# The QWERTY key under each key of the Russian ЙЦУКЕН layout.
_QWERTY = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`QWERTYUIOP{}ASDFGHJKL:\"ZXCVBNM<>~"
_JCUKEN = "йцукенгшщзхъфывапролджэячсмитьбюёЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ"
_LAYOUT = str.maketrans(_QWERTY, _JCUKEN)

_TRANSLIT = [
    ("shch", "щ"),
    ("sch", "щ"),
    ("yo", "ё"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ju", "ю"),
    ("ya", "я"),
    ("ja", "я"),
    ("ye", "е"),
    ("iy", "ий"),
    ("yy", "ый"),
    ("ij", "ий"),
    ("x", "кс"),
    ("w", "в"),
    ("q", "к"),
    ("a", "а"),
    ("b", "б"),
    ("c", "к"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("y", "ы"),
    ("z", "з"),
    ("'", "ь"),
]
_TRANSLIT_RE = re.compile("|".join(re.escape(src) for src, _ in _TRANSLIT))
_TRANSLIT_MAP = dict(_TRANSLIT)

# Words: letters and digits; a dot or underscore inside keeps "5.2", "server.log",
# "listen_addresses" whole, a hyphen splits "компании-интегратора" but not "0x8009-16".
_WORD = re.compile(r"[0-9a-zа-яё]+(?:[._][0-9a-zа-яё]+|-[0-9]+)*")  # on lower-cased text
WORD_RE = _WORD
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)

STOP_RU = frozenset(
    """а ай без более бы был была были было быть в вам вас весь во вот все всё всего всех вы
    где да даже для до его ее её если есть еще ещё же за здесь и из или им их к как какой
    какая какие каким как-то когда кто ли либо мне мне меня мой мы на над надо наш нас не
    него нее неё нет ни ним них но ну о об однако он она они оно от по под при про с со
    так также там те тем то того тоже той только том ту тут ты у уже хотя чего чей чем
    что чтобы чтоб чьё эта эти это этот я подскажите подскажи пожалуйста пжлст плз пж
    скажите можно нужно нужен нужна хочу хотим хотел хотела просто вообще типа вроде
    сделать делать сейчас теперь потом почему зачем какое каких очень всегда уже который
    которая которые можете могу может мочь ли либо ведь вот-вот щас чё че чо что-то
    какой-то кто-то где-то у нас у меня помогите помоги""".split()
)
STOP_EN = frozenset(
    """a an the is are was were be been am do does did how what why where when which who
    to of in on at for with from by as it its this that these those i we you he she they
    me my our your can could should would will may might please pls hi there is any
    not no yes and or but if so just about into out up get got have has had there
    need needs want help""".split()
)


def fold(text: str) -> str:
    """Lower case, ё as е, every space one space, no invisible characters (a zero-width
    space or a soft hyphen inside a word leaves it one word)."""
    return " ".join(visible(text).lower().replace("ё", "е").split())


def words(text: str) -> list[str]:
    """The words of a folded text: letters and digits, keeping ``5.2``, ``1c``, ``server.log``."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a word in its own script."""
    if _CYRILLIC.search(word):
        return str(_RU.stemWord(word))
    if word.isascii() and word.isalpha():
        return str(_EN.stemWord(word))
    return word


def is_stop(word: str) -> bool:
    """Words that carry no topic on their own."""
    return word in STOP_RU or word in STOP_EN or len(word) == 1


_TERMS: dict[str, str] = {}


def term(word: str) -> str:
    """The stem of a content word, or "" for a stop word (cached: indexing calls it a lot)."""
    found = _TERMS.get(word)
    if found is None:
        plain = word.replace("ё", "е")
        found = "" if is_stop(plain) else stem(plain)
        if len(_TERMS) < 500_000:
            _TERMS[word] = found
    return found


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order."""
    return [t for t in map(term, words(text)) if t]


def has_cyrillic(text: str) -> bool:
    """Whether any Russian letter is present."""
    return bool(_CYRILLIC.search(text))


def from_wrong_layout(text: str) -> str:
    """What a message typed on the English layout meant on the Russian one (``ghbdtn``)."""
    return text.translate(_LAYOUT)


def from_translit(text: str) -> str:
    """Russian written in Latin letters, back in Cyrillic (``kak`` → ``как``)."""
    return _TRANSLIT_RE.sub(lambda m: _TRANSLIT_MAP[m.group(0)], text.lower())


@dataclass(frozen=True)
class Reading:
    """One way to read a message: the text and how it was obtained."""

    text: str
    how: str  # "as-is", "layout" or "translit"


def readings(text: str, known: Callable[[str], bool] | None = None) -> list[Reading]:
    """The message as written, and for Latin-only text its layout and transliteration
    repairs, and (given what words are `known`) a word-by-word mix of transliteration and
    known Latin words ("ne vidit bazu postgresql"). The matcher keeps the reading that the
    knowledge base recognises best."""
    out = [Reading(text, "as-is")]
    if not has_cyrillic(text) and _LATIN.search(text):
        out.append(Reading(from_wrong_layout(text), "layout"))
        out.append(Reading(from_translit(text), "translit"))
        if known is not None:
            mixed = " ".join(w if known(w) else from_translit(w) for w in words(text))
            out.append(Reading(mixed, "mixed"))
    return out


_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\n+")


def sentences(text: str) -> list[str]:
    """The sentences of a message (for long messages whose point is one of them)."""
    parts = [p.strip() for p in _SENTENCE.split(text) if p and p.strip()]
    return parts or [text]
