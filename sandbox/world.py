"""Who lives in the sandbox: a few clients, a few engineers, the operator group."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    """A Telegram user of the sandbox; ``key`` names them in the page's URLs."""

    key: str
    first_name: str
    last_name: str
    username: str
    language: str  # the Telegram client's language_code
    admin: bool = False  # engineers only: one of ADMIN_IDS
    gender: str = ""  # engineers only: how the bot's Russian messages speak of them
    organization: str = ""  # clients only: the organization the demo data gives them

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


CLIENTS = (
    Person("anna", "Анна", "Смирнова", "anna_admin", "ru", organization="ООО «Ромашка»"),
    Person("john", "John", "Carter", "jcarter", "en", organization="Northwind Ltd"),
    Person("oleg", "Олег", "Кузнецов", "oleg_k", "ru"),
)
ENGINEERS = (
    Person("maria", "Мария", "Иванова", "maria_support", "ru", admin=True, gender="female"),
    Person("ivan", "Иван", "Петров", "ivan_support", "ru", gender="male"),
    Person("kate", "Kate", "Miller", "kate_support", "en", gender="female"),
)


@dataclass
class World:
    """The ids the emulator gave to the cast (kept with the sandbox's data)."""

    group_id: int
    forum: bool
    user_ids: dict[str, int] = field(default_factory=dict)  # Person.key -> Telegram user id

    def user_id(self, person: Person) -> int:
        return self.user_ids[person.key]
