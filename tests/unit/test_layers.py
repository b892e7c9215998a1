"""The layers stay apart: handlers → service → storage and desk.

A handler parses its update, calls one use case (``bot/service/``) and renders; it builds no
SQL and calls no other handler (``bot/handlers/common.py``, the handlers' shared Telegram
parsing, excepted). The use cases never reach back into the handlers. No handler
(:data:`NO_ROWS`) reaches storage or opens a transaction: the use case does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ROOT / "bot" / "handlers"
SERVICE = ROOT / "bot" / "service"

#: Handler modules whose rows are read and written by use cases alone: they import nothing
#: of ``storage`` but the row classes (``storage.models``, to name the type of a value they
#: pass on), and open no transaction (``.unit()``, ``.tx()``, ...): all of them, common.py's
#: shared parsing included (it hands the client's profile to ``bot/service/clients.py``).
NO_ROWS = frozenset(
    {
        "announce.py",
        "client.py",
        "common.py",
        "edits.py",
        "escalation.py",
        "groups.py",
        "kb.py",
        "lifecycle.py",
        "operator.py",
        "orgs.py",
        "people.py",
        "registration.py",
        "reports.py",
    }
)

#: Calls that open a unit of work, a transaction or a session (``desk.unit()``,
#: ``context.desk.tx()``, ``desk.sessions()``).
TRANSACTION_CALLS = frozenset({"unit", "tx", "sessions"})


def imports_of(path: Path, *, package: str | None = None) -> set[str]:
    """Every module a file imports, at any depth (function-local imports included); for
    ``from package import name`` both ``package`` and ``package.name``. Relative imports are
    resolved against `package` (by default the file's own)."""
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def handler_modules() -> list[Path]:
    return sorted(p for p in HANDLERS.glob("*.py") if p.name != "__init__.py")


def forbidden_in_handler(path: Path) -> set[str]:
    """Imports of another handler module (common.py excepted) or of SQLAlchemy."""
    own = f"bot.handlers.{path.stem}"
    bad = set()
    for module in imports_of(path):
        if module == "sqlalchemy" or module.startswith("sqlalchemy."):
            bad.add(module)
        elif module.startswith("bot.handlers."):
            name = module.split(".")[2]
            if f"bot.handlers.{name}" not in (own, "bot.handlers.common"):
                bad.add(f"bot.handlers.{name}")
    return bad


def storage_in_handler(path: Path, *, package: str | None = None) -> set[str]:
    """Imports of ``storage`` or its modules, the row classes (``storage.models``) excepted."""
    return {
        module
        for module in imports_of(path, package=package)
        if (module == "storage" or module.startswith("storage."))
        and module != "storage.models"
        and not module.startswith("storage.models.")
    }


def transactions_in(path: Path) -> list[str]:
    """Where a file opens a unit of work or a transaction: ``line: receiver.call()``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in TRANSACTION_CALLS
        ):
            found.append(f"{node.lineno}: {ast.unparse(node.func)}()")
    return found


@pytest.mark.parametrize("path", handler_modules(), ids=lambda p: p.name)
def test_a_handler_imports_no_other_handler_and_no_sqlalchemy(path: Path) -> None:
    assert forbidden_in_handler(path) == set()


@pytest.mark.parametrize("name", sorted(NO_ROWS))
def test_a_converted_handler_leaves_rows_and_transactions_to_its_use_case(name: str) -> None:
    path = HANDLERS / name
    assert storage_in_handler(path) == set()
    assert transactions_in(path) == []


def test_every_handler_is_converted() -> None:
    assert NO_ROWS == {p.name for p in handler_modules()}


@pytest.mark.parametrize("path", sorted(SERVICE.glob("*.py")), ids=lambda p: p.name)
def test_a_use_case_never_imports_a_handler(path: Path) -> None:
    assert {m for m in imports_of(path) if m.startswith("bot.handlers")} == set()


def test_the_checks_see_function_local_and_relative_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from . import kb\n"
        "from .common import answer\n"
        "def f():\n"
        "    from bot.handlers.operator import take\n"
        "    import sqlalchemy.exc\n",
        encoding="utf-8",
    )
    found = imports_of(sample, package="bot.handlers")
    assert {"bot.handlers.kb", "bot.handlers.common", "bot.handlers.operator"} <= found
    assert "sqlalchemy.exc" in found


def test_the_checks_see_storage_and_transactions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from storage.models import Client\n"
        "import storage.announcements\n"
        "async def f(update, context):\n"
        "    from storage import repo\n"
        "    async with context.desk.unit() as unit:\n"
        "        pass\n"
        "    async with desk.tx() as session:\n"
        "        pass\n"
        '    """desk.unit() in a docstring is no transaction"""\n',
        encoding="utf-8",
    )
    assert storage_in_handler(sample, package="bot.handlers") == {
        "storage",
        "storage.repo",
        "storage.announcements",
    }
    assert transactions_in(sample) == ["5: context.desk.unit()", "7: desk.tx()"]
