"""The sandbox in a real headless Chromium: a client's question becomes a solved ticket.

The sandbox runs as ``./dev.sh run`` runs it without a token (``python -m bot sandbox``, this
tree's code, its own process) and Debian's Chromium, driven by Selenium through Debian's
chromedriver, uses the page as a person would: typing, pressing inline buttons, choosing the
ticket's topic. Screenshots of each step go to ``artifacts/browser/`` (CI keeps them);
``SANDBOX_README_SCREENSHOT=1`` also refreshes ``docs/sandbox.png`` for the README.

Marked ``browser``: ``.ci/run`` installs Chromium and runs it after the quick suite.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import t

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
START_TIMEOUT = 120.0  # the first start loads the knowledge base's language model
STEP_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sandbox_url(tmp_path: Path) -> Iterator[str]:
    """``support-bot sandbox`` in its own process, from an empty folder with no ``.env``."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env["PYTHONPATH"] = str(REPO)
    env["PYTHONUNBUFFERED"] = "1"
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    url = ""
    seen: list[str] = []
    while time.monotonic() - began < START_TIMEOUT:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(r"open (http://\S+)", line)
        if found:
            url = found[1]
            break
    assert url, f"the sandbox did not say where its page is:\n{''.join(seen)}"
    print(f"sandbox page up in {time.monotonic() - began:.1f} s")
    try:
        yield url
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, _ = proc.communicate()
        assert proc.returncode == 0, rest
        assert "Traceback" not in rest, rest


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """Headless Debian Chromium driven by Selenium (nothing is downloaded)."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        if os.environ.get("SANDBOX_BROWSER_REQUIRED"):
            pytest.fail(f"no Chromium: {CHROMIUM} and {CHROMEDRIVER} are needed")
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not look online
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1500,950",
        f"--user-data-dir={tmp_path / 'chromium'}",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


class Person:
    """Acts in one side of the page: the client's chat or the operator group."""

    def __init__(self, driver: Any, where: str) -> None:
        self.driver = driver
        self.where = where
        self.pane = "#client-pane" if where == "client" else "#group-pane"

    def find(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def wait(self, what: str, check: Callable[[], Any]) -> Any:
        from selenium.common.exceptions import StaleElementReferenceException

        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            try:
                value = check()
            except StaleElementReferenceException:  # the pane was swapped meanwhile
                value = None
            if value:
                return value
            time.sleep(0.2)
        shot(self.driver, "failed")
        raise AssertionError(f"the page never showed {what}")

    def messages(self) -> list[str]:
        return [m.text for m in self.find(f"{self.pane} .msg")]

    def sees(self, text: str) -> Any:
        return self.wait(repr(text), lambda: any(text in m for m in self.messages()))

    def write(self, text: str) -> None:
        from selenium.webdriver.common.keys import Keys

        box = self.find(f'form.composer[data-where="{self.where}"] input[name=text]')[0]
        box.send_keys(text, Keys.ENTER)

    def press(self, label: str) -> None:
        """Presses the newest inline button whose text contains ``label``."""

        def button() -> Any:
            found = [b for b in self.find(f"{self.pane} .msg .btn") if label in b.text]
            return found[-1] if found else None

        self.wait(f"a button {label!r}", button).click()


def shot(driver: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def test_a_question_becomes_a_solved_ticket_in_the_browser(sandbox_url: str, browser: Any) -> None:
    browser.get(sandbox_url)
    client, engineer = Person(browser, "client"), Person(browser, "group")
    client.wait("the page", lambda: client.find("#client-select"))
    shot(browser, "01-empty")

    # The client asks; the knowledge base answers with articles.
    client.write("не приходят уведомления на почту")
    client.sees(t("ru", "kb.found")[:20])
    client.press("Не приходят уведомления")
    client.wait("the article", lambda: len(client.messages()) >= 3)
    shot(browser, "02-article")
    client.press(t("ru", "kb.not_helped")[2:])

    # Registration: type, priority, description, done, confirm.
    client.press(t("ru", "type.incident"))
    client.press(t("ru", "prio.high"))
    client.sees("Шаг 3 из 3")  # the question is already the description
    client.press(t("ru", "reg.done")[2:])
    client.press(t("ru", "reg.confirm")[2:])
    client.sees("зарегистрирована")
    number = next(
        re.findall(r"#(\d+)", m)[0] for m in client.messages() if "зарегистрирована" in m
    )
    shot(browser, "03-registered")

    # The engineer opens the ticket's topic and answers.
    topic = engineer.wait(
        f"the topic of #{number}",
        lambda: next((a for a in engineer.find(".topics .topic") if number in a.text), None),
    )
    topic.click()
    engineer.sees("не приходят уведомления на почту")  # the client's question, in the card
    client.write("SMTP проверили, тестовое письмо уходит")
    engineer.sees("SMTP проверили")
    engineer.write("Проверьте, пожалуйста, адрес отправителя в настройках почты")
    client.sees("адрес отправителя")
    engineer.write("/solve Указали верный адрес отправителя — письма уходят")
    client.sees("предлагает решение")
    shot(browser, "04-solution")

    # The client confirms; the ticket closes and asks for a rating.
    client.press("Да, решён")
    client.sees("Оцените")
    engineer.sees("подтвердил решение")
    client.press("⭐⭐⭐⭐⭐")
    client.sees("Спасибо за оценку")
    path = shot(browser, "05-solved")
    if os.environ.get("SANDBOX_README_SCREENSHOT"):
        shutil.copyfile(path, REPO / "docs" / "sandbox.png")
