"""The web app: its addresses and what each answers. Thin: each handler reads the request,
asks the modules beside it, and answers with a page, a file or a little JSON.

Handlers that touch files or sessions are plain functions, which Starlette runs in its
thread pool, so a slow one never holds the others up. No address names a file: sessions are
found by name on the search path, audio by the key of a render this server made.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from player.common.cache import Cache
from player.common.clock import now
from player.common.errors import MeditateError
from player.common.paths import history_path
from player.practice.history import read
from player.practice.streaks import summarise
from player.prepare.summary import summary_of
from player.session.library import discover
from player.session.loader import load_session
from player.session.model import Bell, Silence, flatten
from player.session.problems import SessionError
from player.web.choice import FIELD_CHARACTERS, session_choice, timer_choice
from player.web.guard import MAX_BODY
from player.web.html import plain_page
from player.web.library_page import Shelf, library_html, missing_page_html, not_found_html
from player.web.narrator import installed_narrators, speaks_for
from player.web.player_section import Stage
from player.web.practice_page import practice_html
from player.web.renders import RenderBoard
from player.web.session_page import About, session_html, session_problems_html
from player.web.sittings import BadReport, log_sitting, read_report
from player.web.stages import session_stage, timer_stage
from player.web.timer_page import timer_html

_KEY = re.compile(r"[0-9a-f]{32}")
_JOB = re.compile(r"[0-9a-f]{16}")
_STATIC = {"style.css": "text/css", "player.js": "text/javascript", "icon.svg": "image/svg+xml"}
_PAGE_HEADERS = {"cache-control": "no-store"}


def create_app(cache: Cache, *, render_workers: int = 1, waiting_renders: int = 32) -> Starlette:
    """The app, rendering into `cache` with `render_workers` threads and at most
    `waiting_renders` more waiting."""
    board = RenderBoard(cache, workers=render_workers, waiting=waiting_renders)
    static = {
        name: resources.files("player.web").joinpath("static", name).read_bytes()
        for name in _STATIC
    }

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(board.close)

    def library(request: Request) -> Response:
        words = _param(request, "q")
        tag = _param(request, "tag")
        seen: dict[str, list[int] | None] = {}
        shelves = [Shelf(e.name, summary_of(e.path, cache, seen)) for e in discover()]
        cache.save()
        return _page(library_html(shelves, words, tag))

    def session(request: Request) -> Response:
        name = request.path_params["name"]
        entries = {entry.name: entry for entry in discover()}
        entry = entries.get(name)
        if entry is None:
            return _page(not_found_html(name, list(entries)), 404)
        try:
            loaded = load_session(entry.path)
        except SessionError as error:
            return _page(session_problems_html(name, name, [str(p) for p in error.problems]))
        summary = summary_of(entry.path, cache)
        if not summary.valid:
            return _page(session_problems_html(name, loaded.title, [summary.problem or ""]))
        query = {key: request.query_params[key] for key in request.query_params}
        choice, problems = session_choice(query, summary.shortest, summary.longest)
        stage = Stage()
        if not problems:
            try:
                stage = session_stage(board, cache, loaded, choice)
            except SessionError as error:
                lines = [str(p) for p in error.problems]
                return _page(session_problems_html(name, loaded.title, lines))
            except MeditateError as error:
                stage = Stage(error=f"This cannot be played: {error}")
        cache.save()
        about = About(
            entry.name,
            loaded.title,
            loaded.description,
            loaded.tags,
            summary.seconds,
            summary.shortest,
            summary.longest,
            bool(loaded.ambient),
            _rings(loaded),
            installed_narrators() if speaks_for(loaded) else (),
            _own_voice(loaded),
        )
        return _page(session_html(about, choice, problems, stage))

    def timer(request: Request) -> Response:
        query = {key: request.query_params[key] for key in request.query_params}
        choice, problems = timer_choice(query)
        stage = None
        if "minutes" in query and not problems:
            try:
                stage = timer_stage(board, cache, choice)
            except MeditateError as error:
                stage = Stage(error=f"This timer cannot be: {error}")
            cache.save()
        return _page(timer_html(choice, problems, stage, request.url.query))

    def practice(request: Request) -> Response:
        try:
            sittings = read(history_path())
        except MeditateError as error:
            return _page(plain_page("Your practice", str(error)), 500)
        today = now().date()
        return _page(practice_html(sittings, summarise(sittings, today), today))

    def job(request: Request) -> Response:
        wanted = request.path_params["job"]
        found = board.job(wanted) if _JOB.fullmatch(wanted) else None
        if found is None:
            return JSONResponse({"state": "unknown"}, 404, _PAGE_HEADERS)
        state = "failed" if found.error else "ready" if found.render else "working"
        answer = {"state": state, "stage": found.stage, "share": found.share, "error": found.error}
        return JSONResponse(answer, headers=_PAGE_HEADERS)

    def audio(request: Request) -> Response:
        stem, _, suffix = request.path_params["file"].partition(".")
        render = board.issued(stem) if suffix == "mp3" and _KEY.fullmatch(stem) else None
        if render is None:
            raise HTTPException(404)
        return FileResponse(
            render.path, media_type="audio/mpeg", headers={"cache-control": "private, max-age=3600"}
        )

    async def log(request: Request) -> Response:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return JSONResponse({"message": "This report is too large."}, 413)
        try:
            data = json.loads(body)
            render = board.issued(str(data.get("render", ""))) if isinstance(data, dict) else None
            if render is None:
                return JSONResponse({"message": "Not logged: this audio is not known here."}, 404)
            report = read_report(data)
            message = await run_in_threadpool(log_sitting, render, report, history_path())
        except (ValueError, BadReport) as error:
            return JSONResponse({"message": f"Not logged: a report the page would not send "
                                            f"({error})."}, 400)  # fmt: skip
        except MeditateError as error:
            return JSONResponse({"message": f"Not logged: {error}"}, 500)
        return JSONResponse({"message": message}, headers=_PAGE_HEADERS)

    def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in static:
            raise HTTPException(404)
        return Response(static[name], media_type=_STATIC[name],
                        headers={"cache-control": "no-cache"})  # fmt: skip

    async def missing(request: Request, error: Exception) -> Response:
        status = error.status_code if isinstance(error, HTTPException) else 500
        if status == 404:
            return _page(missing_page_html(), 404)
        return _page(plain_page("Not here", "This server does not answer that."), status)

    routes = [
        Route("/", library),
        Route("/sessions/{name}", session),
        Route("/timer", timer),
        Route("/history", practice),
        Route("/api/jobs/{job}", job),
        Route("/api/log", log, methods=["POST"]),
        Route("/audio/{file}", audio),
        Route("/static/{name}", asset),
    ]
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers={HTTPException: missing})


def _param(request: Request, name: str) -> str:
    return request.query_params.get(name, "").strip()[:FIELD_CHARACTERS]


def _page(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status, headers=_PAGE_HEADERS)


def _rings(session: Any) -> bool:
    return any(
        isinstance(step, Bell) or (isinstance(step, Silence) and step.bells is not None)
        for step in flatten(session.steps)
    )


def _own_voice(session: Any) -> str:
    voice = session.voice
    if voice is None:
        return "As the session says (espeak-ng)"
    named = f":{voice.name}" if voice.name else ""
    return f"As the session says ({voice.engine}{named})"
