"""Tornado HTTP layer of the emulator.

Routes:

* ``POST|GET /bot<token>/<method>`` - the Bot API (form, multipart or JSON bodies)
* ``GET /file/bot<token>/<file_path>`` - file downloads
* ``/_client/<tag>/bot<token>/<method>``, ``/_client/<tag>/file/bot<token>/<file_path>`` -
  the same, for a client whose ``base_url`` carries a tag (e.g. one of two bot processes):
  its getUpdates are counted in ``state.polls_by_client[tag]``, its calls in
  ``state.calls_by_client[tag]``
* ``/_emu/...`` - a small JSON control API (see :class:`ControlHandler`)

Faults that live on the connection are carried out here (see :mod:`emulator.faults`):
refusing connections (:meth:`EmulatorServer.refuse`), holding a request and closing its
connection without an answer, answering late or on release.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import socket
import time
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.web

from .faults import AnswerFault, Hold, RequestDropped
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


class _ClientGone(Exception):
    """The client closed the connection while its long poll waited."""


class BotApiHandler(_Base):
    server: EmulatorServer | None

    def initialize(self, emu: BotApiEmulator, server: EmulatorServer | None = None) -> None:
        super().initialize(emu)
        self.server = server
        self._gone = asyncio.Event()
        self._poll: asyncio.Future[Any] | None = None

    def on_connection_close(self) -> None:
        """The client went away before the answer: wake a parked request, end a long poll."""
        super().on_connection_close()
        self._gone.set()
        if self._poll is not None and not self._poll.done():
            self._poll.cancel()

    async def _handle(self, token: str, method: str, client: str | None = None) -> None:
        if token != self.state.token:
            self.send_json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        task = asyncio.current_task()
        inflight = self.server.inflight if self.server is not None else None
        if inflight is not None and task is not None:
            inflight.add(task)
        try:
            await self._serve(method, client)
        finally:
            if inflight is not None and task is not None:
                inflight.discard(task)

    async def _serve(self, method: str, client: str | None) -> None:
        try:
            params, files = self.request_params()
            result, fault = await self._run(method, params, files, client)
        except (RequestDropped, _ClientGone):
            self._drop()
            return
        except ApiError as err:
            self._safe_send(err.error_code, err.to_json())
            return
        except ValueError as exc:
            self._safe_send(
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
            )
            return
        if fault is None:
            self._safe_send(200, {"ok": True, "result": result})
        else:
            await self._apply(fault, {"ok": True, "result": result})

    async def _run(
        self,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile],
        client: str | None,
    ) -> tuple[Any, AnswerFault | None]:
        work = self.state.call_http(method, params, files, client=client)
        if method.lower() != "getupdates":
            return await work
        # A long poll ends with its connection: a dead poll must not take updates or answer
        # a later poll with 409.
        self._poll = poll = asyncio.ensure_future(work)
        try:
            return await poll
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if poll.cancelled() and not (task is not None and task.cancelling()):
                raise _ClientGone from None
            raise
        finally:
            self._poll = None

    async def _apply(self, fault: AnswerFault, body: dict[str, Any]) -> None:
        """Carries out a fault decided by the state for this request."""
        if fault.kind == "hang":
            assert fault.window is not None
            await self._park(fault.window.ended, fault.window.remaining())
            self._drop()
        elif fault.kind == "lost":
            self._drop()
        elif fault.kind == "late":
            if await self._park(None, fault.seconds) == "timeout":
                self._safe_send(200, body)
            else:
                self._drop()
        elif fault.kind == "hold":
            hold = fault.hold
            assert hold is not None
            await self._hold(hold, body)
        else:  # pragma: no cover - a new kind without its HTTP side
            raise AssertionError(f"unknown fault {fault.kind!r}")

    async def _hold(self, hold: Hold, body: dict[str, Any]) -> None:
        try:
            why = await self._park(hold._released, hold.timeout)
            if why == "event":
                self._safe_send(200, body)
                hold._settle("answered")
            else:
                self._drop()
                hold._settle("dropped")
        finally:
            hold._settle("dropped")
            self.state.wake()  # a hold settled: no change of the world

    async def _park(self, event: asyncio.Event | None, timeout: float | None) -> str:  # noqa: ASYNC109
        """Waits for ``event``, ``timeout`` seconds, the client going away or the emulator
        stopping, whichever comes first: ``"event"``, ``"timeout"``, ``"gone"``,
        ``"shutdown"``."""
        named = [("shutdown", self.state.shutdown_event), ("gone", self._gone)]
        if event is not None:
            named.append(("event", event))
        for name, ev in named:
            if ev.is_set():
                return name
        if self._stream_closed():
            return "gone"
        waiters = {asyncio.ensure_future(ev.wait()): name for name, ev in named}
        try:
            done, _ = await asyncio.wait(
                waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
        if not done:
            return "timeout"
        names = {waiters[w] for w in done}
        return next(n for n in ("shutdown", "gone", "event") if n in names)

    def _stream(self) -> tornado.iostream.IOStream | None:
        stream = getattr(self.request.connection, "stream", None)
        return stream if isinstance(stream, tornado.iostream.IOStream) else None

    def _stream_closed(self) -> bool:
        stream = self._stream()
        return stream is None or stream.closed()

    def _drop(self) -> None:
        """Closes the connection without writing an answer (the client sees the server
        disconnect)."""
        stream = self._stream()
        if stream is not None and not stream.closed():
            stream.close()
        self._gone.set()

    def _safe_send(self, status: int, body: Any) -> None:
        if self.request.connection is None or self._finished or self._stream_closed():
            return
        try:
            self.send_json(status, body)
        except tornado.iostream.StreamClosedError:  # client gave up (timeout)
            pass

    async def post(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def get(self, token: str, method: str) -> None:
        await self._handle(token, method)


class TaggedBotApiHandler(BotApiHandler):
    """``/_client/<tag>/bot<token>/<method>``: the Bot API for a tagged client."""

    async def post(self, client: str, token: str, method: str) -> None:  # type: ignore[override]
        await self._handle(token, method, client)

    async def get(self, client: str, token: str, method: str) -> None:  # type: ignore[override]
        await self._handle(token, method, client)


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


class TaggedFileHandler(FileHandler):
    def get(self, client: str, token: str, file_path: str) -> None:  # type: ignore[override]
        super().get(token, file_path)


class ControlHandler(_Base):
    """JSON control API for a browser sandbox.

    * ``GET  /_emu/state`` -> bot, users, chats (with topics)
    * ``GET  /_emu/chats/<chat_id>/messages?thread_id=`` -> list of messages
    * ``POST /_emu/chats/<chat_id>/send`` ``{"from", "text", "thread_id"?, "reply_to"?}``
    * ``POST /_emu/press`` ``{"chat_id", "from", "message_id", "button"}``
    * ``GET  /_emu/calls`` -> recent Bot API calls

    Faults (see :class:`emulator.BotApiEmulator` for what each does):

    * ``GET  /_emu/faults`` -> refusing?, hang windows, holds, pending injections, recent log
    * ``POST /_emu/faults/refuse`` ``{"seconds"}`` (required here, at most 600: over HTTP
      nobody could call accept while refused); answered before the connections close
    * ``POST /_emu/faults/accept``
    * ``POST /_emu/faults/hang`` ``{"seconds", "methods"?: [...], "except_methods"?: [...]}``
    * ``POST /_emu/faults/error`` ``{"method", "error_code", "description", "retry_after"?,
      "times"?}``
    * ``POST /_emu/faults/lost`` ``{"method", "times"?}``
    * ``POST /_emu/faults/late`` ``{"method", "seconds", "times"?}``
    * ``POST /_emu/faults/hold`` ``{"method", "timeout"?}`` -> ``{"hold_id"}``
    * ``POST /_emu/faults/holds/<hold_id>/release``
    * ``POST /_emu/faults/repeat`` ``{"update_id"}``
    * ``POST /_emu/faults/raw_update`` ``{"payload": {...}}`` -> the queued update
    * ``POST /_emu/faults/clear``
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

    def _ok(self, result: Any = True) -> None:
        self.send_json(200, {"ok": True, "result": result})

    def get(self, path: str) -> None:
        emu = self.emu
        parts = [p for p in path.split("/") if p]
        try:
            if parts == ["state"]:
                self._ok(emu.snapshot())
            elif parts == ["calls"]:
                self._ok([{"method": m, "params": p} for m, p in emu.calls[-200:]])
            elif len(parts) == 3 and parts[0] == "chats" and parts[2] == "messages":
                thread = self.get_query_argument("thread_id", None)
                msgs = emu.messages(
                    int(parts[1]),
                    thread_id=int(thread) if thread else None,
                    include_service=True,
                )
                self._ok(msgs)
            elif parts == ["faults"]:
                self._ok(emu.faults_snapshot())
            else:
                self._fail(404, "Not Found")
        except (KeyError, ValueError, AssertionError) as exc:
            self._fail(400, f"Bad Request: {exc}")

    async def post(self, path: str) -> None:
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
                self._ok(msg)
            elif parts == ["press"]:
                qid = emu.press_button(
                    int(body["chat_id"]),
                    int(body["from"]),
                    int(body["message_id"]),
                    str(body["button"]),
                )
                self._ok({"callback_query_id": qid})
            elif parts and parts[0] == "faults":
                await self._fault(parts[1:], body)
            else:
                self._fail(404, "Not Found")
        except (KeyError, ValueError, AssertionError, TypeError) as exc:
            self._fail(400, f"Bad Request: {exc}")

    async def _fault(self, parts: list[str], body: dict[str, Any]) -> None:
        emu = self.emu
        times = int(body.get("times", 1))
        if parts == ["refuse"]:
            seconds = float(body["seconds"])
            if not 0 < seconds <= 600:
                raise ValueError("seconds must be in (0, 600]")
            await self.finish(_dumps({"ok": True, "result": True}))  # before our own close
            emu.refuse_connections(seconds)
        elif parts == ["accept"]:
            emu.accept_connections()
            self._ok()
        elif parts == ["hang"]:
            methods = body.get("methods")
            emu.hang(
                float(body["seconds"]),
                methods=set(map(str, methods)) if methods is not None else None,
                except_methods=tuple(map(str, body.get("except_methods", ["getUpdates"]))),
            )
            self._ok()
        elif parts == ["error"]:
            retry = body.get("retry_after")
            emu.inject_error(
                str(body["method"]),
                int(body["error_code"]),
                str(body["description"]),
                retry_after=int(retry) if retry is not None else None,
                times=times,
            )
            self._ok()
        elif parts == ["lost"]:
            emu.inject_lost_answer(str(body["method"]), times=times)
            self._ok()
        elif parts == ["late"]:
            emu.inject_late_answer(str(body["method"]), float(body["seconds"]), times=times)
            self._ok()
        elif parts == ["hold"]:
            hold = emu.hold(str(body["method"]), timeout=float(body.get("timeout", 60.0)))
            self._ok({"hold_id": hold.id})
        elif len(parts) == 3 and parts[0] == "holds" and parts[2] == "release":
            emu.state.holds[int(parts[1])].release()
            self._ok()
        elif parts == ["repeat"]:
            self._ok(emu.repeat_update(int(body["update_id"])))
        elif parts == ["raw_update"]:
            payload = body["payload"]
            if not isinstance(payload, dict):
                raise ValueError("payload must be a JSON object")
            self._ok(emu.push_raw_update(payload))
        elif parts == ["clear"]:
            emu.clear_faults()
            self._ok()
        else:
            self._fail(404, "Not Found")


class NotFoundHandler(_Base):
    def prepare(self) -> None:
        self.send_json(404, {"ok": False, "error_code": 404, "description": "Not Found"})


def _log_request(handler: tornado.web.RequestHandler) -> None:
    req = handler.request
    log.debug("%s %s %s", handler.get_status(), req.method, req.uri)


def make_app(emu: BotApiEmulator, server: EmulatorServer | None = None) -> tornado.web.Application:
    """The tornado application; ``server`` (if any) tracks the Bot API requests in flight."""
    init = {"emu": emu}
    api = {"emu": emu, "server": server}
    return tornado.web.Application(
        [
            (r"/bot([^/]*)/([^/]+)/?", BotApiHandler, api),
            (r"/file/bot([^/]*)/(.+)", FileHandler, init),
            (r"/_client/([^/]+)/bot([^/]*)/([^/]+)/?", TaggedBotApiHandler, api),
            (r"/_client/([^/]+)/file/bot([^/]*)/(.+)", TaggedFileHandler, init),
            (r"/_emu/(.*)", ControlHandler, init),
        ],
        default_handler_class=NotFoundHandler,
        default_handler_args=init,
        log_function=_log_request,
    )


class _TrackingHTTPServer(tornado.httpserver.HTTPServer):
    """An HTTPServer that tells its owner about every accepted connection."""

    def handle_stream(self, stream: tornado.iostream.IOStream, address: tuple[Any, ...]) -> None:
        owner: EmulatorServer | None = getattr(self, "owner", None)
        if owner is not None:
            owner.streams = {s for s in owner.streams if not s.closed()}
            owner.streams.add(stream)
        super().handle_stream(stream, address)


class EmulatorServer:
    """Runs the tornado app on the current asyncio loop.

    It can stop listening and cut every open connection (:meth:`refuse`), then listen again
    on the same host and port (:meth:`accept`): each listening period has its own
    ``HTTPServer`` (tornado's cannot listen again once stopped).
    """

    REBIND_SECONDS = 2.0  # how long accept() retries a port still busy

    def __init__(self, emu: BotApiEmulator) -> None:
        self.emu = emu
        self.server: tornado.httpserver.HTTPServer | None = None  # the listening one
        self.servers: list[tornado.httpserver.HTTPServer] = []  # every one ever started
        self.streams: set[tornado.iostream.IOStream] = set()  # accepted connections
        self.inflight: set[asyncio.Task[Any]] = set()  # Bot API requests being served
        self.port = 0
        self.host = "127.0.0.1"
        self._app: tornado.web.Application | None = None
        self._reopen: asyncio.TimerHandle | None = None

    @property
    def refusing(self) -> bool:
        return self.server is None and bool(self.servers)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._app = make_app(self.emu, self)
        self.host = host
        self._listen(tornado.netutil.bind_sockets(port, host, family=socket.AF_INET))

    def _listen(self, sockets: list[socket.socket]) -> None:
        assert self._app is not None
        server = _TrackingHTTPServer(self._app, max_body_size=60 * 1024 * 1024)
        server.owner = self  # type: ignore[attr-defined]
        server.add_sockets(sockets)
        self.server = server
        self.servers.append(server)
        self.port = sockets[0].getsockname()[1]

    def refuse(self, seconds: float | None = None) -> None:
        """Stops listening and closes every open connection at once (long polls and parked
        requests included); listens again after ``seconds`` (never if ``None``)."""
        self._cancel_reopen()
        if self.server is not None:
            self.server.stop()
            self.server = None
        for stream in list(self.streams):
            if not stream.closed():
                stream.close()
        self.streams.clear()
        if seconds is not None:
            loop = asyncio.get_running_loop()
            self._reopen = loop.call_later(max(0.0, seconds), self._reopen_now)

    def _reopen_now(self) -> None:
        self._reopen = None
        try:
            self.accept()
        except OSError:
            log.exception("emulator: could not listen again on %s:%s", self.host, self.port)

    def accept(self) -> None:
        """Listens again on the same host and port (no-op while listening)."""
        self._cancel_reopen()
        if self.server is not None or self._app is None:
            return
        deadline = time.monotonic() + self.REBIND_SECONDS
        while True:
            try:
                sockets = tornado.netutil.bind_sockets(self.port, self.host, family=socket.AF_INET)
                break
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)  # rare: the port is briefly busy
        self._listen(sockets)

    def _cancel_reopen(self) -> None:
        if self._reopen is not None:
            self._reopen.cancel()
            self._reopen = None

    async def stop(self) -> None:
        self._cancel_reopen()
        if self.server is not None:
            self.server.stop()
            self.server = None
        for server in self.servers:
            await server.close_all_connections()
        self.servers.clear()
        self.streams.clear()
        # Requests parked by a fault wake on the state's shutdown event; let them end.
        pending = [t for t in self.inflight if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=5.0)
        self.inflight.clear()
