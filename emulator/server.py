"""Tornado HTTP layer of the emulator.

Routes:

* ``POST|GET /bot<token>/<method>`` - the Bot API (form, multipart or JSON bodies)
* ``GET /file/bot<token>/<file_path>`` - file downloads
* ``/_emu/...`` - a small JSON control API (see :class:`ControlHandler`)
"""

from __future__ import annotations

import json
import logging
import socket
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.web

from .params import UploadedFile
from .state import ApiError, EmulatorState

if TYPE_CHECKING:
    from . import BotApiEmulator

__all__ = ["EmulatorServer", "make_app"]

log = logging.getLogger(__name__)


def _json_default(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return repr(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


class _Base(tornado.web.RequestHandler):
    emu: BotApiEmulator

    def initialize(self, emu: BotApiEmulator) -> None:
        self.emu = emu

    @property
    def state(self) -> EmulatorState:
        return self.emu.state

    def check_xsrf_cookie(self) -> None:  # pragma: no cover - no cookies here
        return None

    def send_json(self, status: int, body: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(_dumps(body))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        reason = {404: "Not Found", 405: "Method Not Allowed"}.get(status_code, "Internal Error")
        if status_code >= 500 and "exc_info" in kwargs:
            exc = kwargs["exc_info"][1]
            reason = f"Internal Server Error: emulator crashed: {exc!r}"
        self.set_header("Content-Type", "application/json")
        self.finish(_dumps({"ok": False, "error_code": status_code, "description": reason}))

    def request_params(self) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
        req = self.request
        ctype = req.headers.get("Content-Type", "")
        params: dict[str, Any] = {}
        for key, values in req.query_arguments.items():
            params[key] = values[-1].decode("utf-8", "replace")
        files: dict[str, UploadedFile] = {}
        if ctype.startswith("application/json"):
            if req.body:
                body = json.loads(req.body.decode("utf-8"))
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON body must be an object")
                params.update(body)
        else:
            for key, values in req.body_arguments.items():
                params[key] = values[-1].decode("utf-8", "replace")
            for key, file_list in req.files.items():
                upload = file_list[-1]
                files[key] = UploadedFile(
                    filename=upload.get("filename") or key,
                    content_type=upload.get("content_type") or "application/octet-stream",
                    data=bytes(upload.get("body") or b""),
                )
        return params, files


class BotApiHandler(_Base):
    async def _handle(self, token: str, method: str) -> None:
        if token != self.state.token:
            self.send_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            params, files = self.request_params()
            result = await self.state.call(method, params, files)
        except ApiError as err:
            self._safe_send(err.error_code, err.to_json())
            return
        except ValueError as exc:
            self._safe_send(
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
            )
            return
        self._safe_send(200, {"ok": True, "result": result})

    def _safe_send(self, status: int, body: Any) -> None:
        if self.request.connection is None or self._finished:
            return
        try:
            self.send_json(status, body)
        except tornado.iostream.StreamClosedError:  # client gave up (timeout)
            pass

    async def post(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def get(self, token: str, method: str) -> None:
        await self._handle(token, method)


class FileHandler(_Base):
    def get(self, token: str, file_path: str) -> None:
        if token != self.state.token:
            self.send_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        stored = self.state.files_by_path.get(file_path)
        if stored is None:
            self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self.set_header("Content-Type", "application/octet-stream")
        self.finish(stored.data)


class ControlHandler(_Base):
    """JSON control API for a browser sandbox.

    * ``GET  /_emu/state`` -> bot, users, chats (with topics)
    * ``GET  /_emu/chats/<chat_id>/messages?thread_id=`` -> list of messages
    * ``POST /_emu/chats/<chat_id>/send`` ``{"from", "text", "thread_id"?, "reply_to"?}``
    * ``POST /_emu/press`` ``{"chat_id", "from", "message_id", "button"}``
    * ``GET  /_emu/calls`` -> recent Bot API calls
    """

    def _body(self) -> dict[str, Any]:
        if not self.request.body:
            return {}
        data = json.loads(self.request.body.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("body must be a JSON object")
        return data

    def _fail(self, status: int, text: str) -> None:
        self.send_json(status, {"ok": False, "error_code": status, "description": text})

    def get(self, path: str) -> None:
        emu = self.emu
        parts = [p for p in path.split("/") if p]
        try:
            if parts == ["state"]:
                self.send_json(200, {"ok": True, "result": emu.snapshot()})
            elif parts == ["calls"]:
                calls = [{"method": m, "params": p} for m, p in emu.calls[-200:]]
                self.send_json(200, {"ok": True, "result": calls})
            elif len(parts) == 3 and parts[0] == "chats" and parts[2] == "messages":
                thread = self.get_query_argument("thread_id", None)
                msgs = emu.messages(
                    int(parts[1]),
                    thread_id=int(thread) if thread else None,
                    include_service=True,
                )
                self.send_json(200, {"ok": True, "result": msgs})
            else:
                self._fail(404, "Not Found")
        except (KeyError, ValueError, AssertionError) as exc:
            self._fail(400, f"Bad Request: {exc}")

    def post(self, path: str) -> None:
        emu = self.emu
        parts = [p for p in path.split("/") if p]
        try:
            body = self._body()
            if len(parts) == 3 and parts[0] == "chats" and parts[2] == "send":
                chat_id = int(parts[1])
                text = str(body.get("text", ""))
                kwargs = {
                    "thread_id": body.get("thread_id"),
                    "reply_to": body.get("reply_to"),
                }
                if text.startswith("/"):
                    msg = emu.send_command(chat_id, int(body["from"]), text, **kwargs)
                else:
                    msg = emu.send_text(chat_id, int(body["from"]), text, **kwargs)
                self.send_json(200, {"ok": True, "result": msg})
            elif parts == ["press"]:
                qid = emu.press_button(
                    int(body["chat_id"]),
                    int(body["from"]),
                    int(body["message_id"]),
                    str(body["button"]),
                )
                self.send_json(200, {"ok": True, "result": {"callback_query_id": qid}})
            else:
                self._fail(404, "Not Found")
        except (KeyError, ValueError, AssertionError, TypeError) as exc:
            self._fail(400, f"Bad Request: {exc}")


class NotFoundHandler(_Base):
    def prepare(self) -> None:
        self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})


def _log_request(handler: tornado.web.RequestHandler) -> None:
    req = handler.request
    log.debug("%s %s %s", handler.get_status(), req.method, req.uri)


def make_app(emu: BotApiEmulator) -> tornado.web.Application:
    init = {"emu": emu}
    return tornado.web.Application(
        [
            (r"/bot([^/]*)/([^/]+)/?", BotApiHandler, init),
            (r"/file/bot([^/]*)/(.+)", FileHandler, init),
            (r"/_emu/(.*)", ControlHandler, init),
        ],
        default_handler_class=NotFoundHandler,
        default_handler_args=init,
        log_function=_log_request,
    )


class EmulatorServer:
    """Runs the tornado app on the current asyncio loop."""

    def __init__(self, emu: BotApiEmulator) -> None:
        self.emu = emu
        self.server: tornado.httpserver.HTTPServer | None = None
        self.port = 0
        self.host = "127.0.0.1"

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        sockets = tornado.netutil.bind_sockets(port, host, family=socket.AF_INET)
        self.server = tornado.httpserver.HTTPServer(
            make_app(self.emu), max_body_size=60 * 1024 * 1024
        )
        self.server.add_sockets(sockets)
        self.host = host
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is None:
            return
        self.server.stop()
        await self.server.close_all_connections()
        self.server = None
