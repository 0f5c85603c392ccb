"""The console's pages and forms (Starlette, Jinja2 templates, no script).

Sign-in: a one-time link (from /console in chat, or `bot.py web-login`) shows a button; the
POST spends the link and sets a session cookie (HttpOnly, SameSite=Strict, Secure under TLS).
Every form carries the session's CSRF token and a one-time nonce (a double click does a thing
once); a cross-site Origin is refused. Actions run as the moderator's chat commands would.
"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from handlers.detectors.redaction import redact
from handlers.model import Message, User
from handlers.text import detect_language
from store.tickets import PRIORITIES

from .backend import ConsoleBackend, Moderator
from .faq_file import FaqEdit
from .gaps import group_questions
from .stats import numbers

log = logging.getLogger("bot.web")
HERE = Path(__file__).parent
COOKIE = "console_session"
TEXT_LIMIT = 4000
RECHECK = 300.0   # seconds between checks that a signed-in moderator still is one
BIGGEST = 2 ** 62
LABELS = ("faq", "human", "scam", "secret", "urgent", "sensitive", "impersonator", "silent")
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",   # a sign-in link never leaves in a Referer
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status, self.text = status, text


def _ago(at: float | None, now: float) -> str:
    if not at:
        return "-"
    seconds = now - at
    if abs(seconds) < 90:
        return "now" if seconds >= 0 else "in a minute"
    minutes = abs(seconds) / 60
    size = f"{minutes:.0f} min" if minutes < 90 else f"{minutes / 60:.0f} h" if minutes < 2880 \
        else f"{minutes / 1440:.0f} d"
    return f"{size} ago" if seconds >= 0 else f"in {size}"


def _when(at: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(at)) if at else "-"


class ConsoleApp:
    def __init__(self, backend: ConsoleBackend) -> None:
        self.backend = backend
        self.store = backend.store
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters["ago"] = lambda at: _ago(at, time.time())
        self.templates.env.filters["when"] = _when
        self._flash: dict[str, str] = {}   # session -> what the last action said (memory only)
        self._checked: dict[str, float] = {}   # session -> when its moderator was last confirmed
        self._gaps: tuple[Any, list] = (None, [])            # the last grouping, and its key
        self._chats: tuple[float, list[dict[str, Any]]] = (0.0, [])   # the chat filter's list
        routes = [
            Route("/", self.home),
            Route("/login/{token}", self.login, methods=["GET", "POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/tickets", self.tickets),
            Route("/tickets/{ref}", self.ticket),
            Route("/tickets/{ref}/{verb}", self.ticket_action, methods=["POST"]),
            Route("/gaps", self.gaps),
            Route("/gaps/add", self.gaps_add, methods=["POST"]),
            Route("/gaps/draft", self.gaps_draft, methods=["POST"]),
            Route("/faq", self.faq),
            Route("/faq/new", self.faq_new, methods=["POST"]),
            Route("/faq/drafts/{id:int}/{verb}", self.faq_draft, methods=["POST"]),
            Route("/decisions", self.decisions),
            Route("/decisions/{id:int}/{verb}", self.decision_action, methods=["POST"]),
            Route("/stats", self.stats),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ]
        self.app = Starlette(routes=routes, exception_handlers={
            Refused: self._refused, 404: self._missing, 405: self._missing,
            Exception: self._broken})

    # --- plumbing -----------------------------------------------------------------------------

    def page(self, request: Request, name: str, who: Moderator | None, status: int = 200,
             **context: Any) -> Response:
        sid = request.cookies.get(COOKIE, "")
        flash = self._flash.pop(sid, "") if who else ""
        response = self.templates.TemplateResponse(
            request, name, {"who": who, "flash": flash, "nonce": secrets.token_urlsafe(12),
                            "apart": self.backend.apart, "brand": self.backend.kb.config.brand.name,
                            **context}, status_code=status)
        response.headers.update(HEADERS)
        return response

    def message(self, request: Request, title: str, text: str, status: int,
                who: Moderator | None = None) -> Response:
        return self.page(request, "message.html", who, status=status, title=title, text=text)

    async def _refused(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        return self.message(request, "Not allowed", exc.text, exc.status)

    async def _broken(self, request: Request, exc: Exception) -> Response:
        # One line for the operator (no traceback, nothing a member wrote); a page for the
        # moderator that does not pretend to know whether the action happened.
        log.error("web console: %s %s failed: %s: %s", request.method, request.url.path,
                  type(exc).__name__, redact(str(exc))[:200])
        return self.message(request, "Something went wrong",
                            "The console could not finish this. Check the ticket or the "
                            "decision before trying again; the operator's log says why.", 500)

    async def _missing(self, request: Request, exc: Exception) -> Response:
        return self.message(request, "Not found", "There is nothing at this address.", 404)

    def moderator(self, request: Request) -> Moderator | None:
        sid = request.cookies.get(COOKIE)
        row = self.store.session(sid) if sid else None
        if row is None:
            return None
        return Moderator(row["channel"], row["user_id"], row["username"], row["csrf"])

    async def signed_in(self, request: Request) -> Moderator:
        who = self.moderator(request)
        if who is None:
            raise Refused(401, "You are not signed in, or your session has expired. Send /console "
                               "to the bot (in the staff chat or privately) for a sign-in link.")
        # Still a moderator? Asked again every few minutes: an admin demoted meanwhile (or an
        # id taken out of the config) loses the session, not only their unused links.
        sid = request.cookies.get(COOKIE, "")
        if time.monotonic() - self._checked.get(sid, -RECHECK) >= RECHECK:
            if not await self.backend.still_moderator(who.channel, who.user_id):
                self.store.end_session(sid)
                self.store.log_web_action(who.handle, "signed out", "no longer a moderator")
                raise Refused(401, "You are no longer a moderator here, so your session ended.")
            self._checked[sid] = time.monotonic()
        return who

    async def posted(self, request: Request) -> tuple[Moderator, FormData]:
        """The signed-in moderator and their form, if it came from our own page (CSRF token
        of the session, and no foreign Origin)."""
        who = await self.signed_in(request)
        self._same_origin(request)
        form = await request.form(max_files=0, max_fields=200, max_part_size=64 * 1024)
        if not hmac.compare_digest(str(form.get("csrf", "")), who.csrf):
            raise Refused(403, "This form is out of date or did not come from the console "
                               "(missing or wrong security token). Reload the page and try again.")
        return who, form

    def _same_origin(self, request: Request) -> None:
        origin = request.headers.get("origin") or request.headers.get("referer")
        foreign = request.headers.get("sec-fetch-site") in ("cross-site", "same-site")
        if foreign or (origin is not None and (
                origin == "null" or urlparse(origin).netloc != request.headers.get("host"))):
            raise Refused(403, "A form from another site cannot act here.")

    def done(self, request: Request, who: Moderator, said: str, to: str) -> Response:
        self._flash[request.cookies.get(COOKIE, "")] = said
        return RedirectResponse(to, status_code=303)

    async def act(self, who: Moderator, form: FormData, text: str,
                  reply_to: Message | None = None) -> str:
        nonce = re.sub(r"[^A-Za-z0-9_-]", "", str(form.get("nonce", "")))[:40]
        if len(nonce) < 8:   # every action form carries one: a double click acts once
            raise Refused(403, "This form is out of date. Reload the page and try again.")
        told, outcome = await self.backend.act(who, text, reply_to=reply_to, nonce=nonce)
        if outcome == "repeat":
            return "This form was sent once already; nothing was done again."
        if outcome == "queued":
            told = ("Queued: the running bot carries it out within a minute (this console runs "
                    "apart from it). What the bot will report: " + told)
        return told.strip() or "Done."

    # --- sign-in ------------------------------------------------------------------------------

    async def login(self, request: Request) -> Response:
        token = request.path_params["token"]
        gone = ("This sign-in link was used already, has expired or is not one of ours. Send "
                "/console to the bot for a new one.")
        if request.method == "GET":
            # Showing the page spends nothing: a link preview fetching it does no harm.
            row = self.store.login_link(token)
            if row is None:
                return self.message(request, "Sign-in link not valid", gone, 403)
            return self.page(request, "login.html", None, handle=row["username"] or row["user_id"],
                             channel=row["channel"])
        self._same_origin(request)
        row = self.store.use_login_link(token)
        if row is None:
            return self.message(request, "Sign-in link not valid", gone, 403)
        if not await self.backend.still_moderator(row["channel"], row["user_id"]):
            return self.message(request, "Not a moderator",
                                "This link was made for someone who is not a moderator (any "
                                "more). Ask the operator.", 403)
        web = self.backend.kb.config.web
        sid, _csrf = self.store.create_session(row["channel"], row["user_id"], row["username"],
                                               web.session_hours * 3600)
        who = Moderator(row["channel"], row["user_id"], row["username"], "")
        self.store.log_web_action(who.handle, "signed in", f"{row['channel']} {row['user_id']}")
        response = RedirectResponse("/tickets", status_code=303)
        response.set_cookie(COOKIE, sid, max_age=int(web.session_hours * 3600), httponly=True,
                            samesite="strict", path="/",
                            secure=web.base_url().startswith("https://") or
                            request.url.scheme == "https")
        response.headers.update(HEADERS)
        return response

    async def logout(self, request: Request) -> Response:
        who, _form = await self.posted(request)
        self.store.end_session(request.cookies.get(COOKIE, ""))
        self.store.log_web_action(who.handle, "signed out")
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def home(self, request: Request) -> Response:
        if self.moderator(request) is None:
            return self.message(request, "Moderators' console",
                                "Send /console to the bot in the staff chat or privately; it "
                                "sends you a sign-in link that works once.", 401)
        return RedirectResponse("/tickets", status_code=303)

    # --- tickets ------------------------------------------------------------------------------

    async def tickets(self, request: Request) -> Response:
        who = await self.signed_in(request)
        q = request.query_params
        status = q.get("status", "open")
        status = status if status in ("open", "pending", "resolved", "closed", "all") else "open"
        priority = q.get("priority") if q.get("priority") in PRIORITIES else None
        assignee = (q.get("assignee") or "").strip()[:40] or None
        channel = (q.get("channel") or "").strip()[:20] or None
        raw_page = q.get("page", "1")
        page = min(max(int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1, 1), 10**5)
        now = time.time()
        rows, total = await run_in_threadpool(
            self.store.inbox, status, priority, assignee, channel, now, 50, (page - 1) * 50)
        for row in rows:
            row["overdue"] = row["first_response_at"] is None and \
                (row["first_response_due"] or now + 1) < now and row["status"] in ("open", "pending")
        filters = {"status": status, "priority": priority or "", "assignee": assignee or "",
                   "channel": channel or ""}
        more = urlencode({**filters, "page": page + 1}) if page * 50 < total else ""
        back = urlencode({**filters, "page": page - 1}) if page > 1 else ""
        return self.page(request, "tickets.html", who, rows=rows, total=total, filters=filters,
                         priorities=PRIORITIES, assignees=self.store.assignees(),
                         more=more, back=back, page=page)

    def _ticket_or_404(self, ref: str):
        ticket = self.store.ticket(ref.upper()[:40])
        if ticket is None:
            raise Refused(404, f"No ticket {ref}.")
        return ticket

    async def ticket(self, request: Request) -> Response:
        who = await self.signed_in(request)
        ticket = self._ticket_or_404(request.path_params["ref"])
        transcript = await run_in_threadpool(self.store.staff_transcript, ticket.ref)
        return self.page(request, "ticket.html", who, t=ticket,
                         summary=self.store.staff_summary(ticket), transcript=transcript,
                         events=self.store.ticket_events(ticket.ref),
                         overdue=ticket.first_response_at is None and ticket.is_open and
                         (ticket.first_response_due or time.time() + 1) < time.time())

    async def ticket_action(self, request: Request) -> Response:
        who, form = await self.posted(request)
        ticket = self._ticket_or_404(request.path_params["ref"])
        verb = request.path_params["verb"]
        text = str(form.get("text", "")).replace("\r\n", "\n").strip()
        if len(text) > TEXT_LIMIT:
            return self.done(request, who, f"Not sent: {len(text):,} characters; at most "
                                           f"{TEXT_LIMIT:,} fit one message.", f"/tickets/{ticket.ref}")
        if verb in ("reply", "note") and not text:
            return self.done(request, who, "Nothing to send: write the text first.",
                             f"/tickets/{ticket.ref}")
        if verb == "assign":
            name = str(form.get("assignee", "")).strip().lstrip("@")
            if not re.fullmatch(r"[A-Za-z0-9_]{2,32}", name):
                return self.done(request, who, "Name the moderator to assign (e.g. @alice).",
                                 f"/tickets/{ticket.ref}")
            text = f"@{name}"
        if verb not in ("reply", "note", "assign", "close", "reopen"):
            raise Refused(404, "No such action.")
        said = await self.act(who, form, f"/{verb} {ticket.ref} {text}".strip())
        return self.done(request, who, said, f"/tickets/{ticket.ref}")

    # --- FAQ gaps and entries -----------------------------------------------------------------

    def _days(self, request: Request) -> int:
        raw = request.query_params.get("days", "")
        default = int(self.backend.kb.config.web.gap_days)
        return min(max(int(raw), 1), 90) if raw.isdigit() else default

    async def gaps(self, request: Request) -> Response:
        who = await self.signed_in(request)
        days = self._days(request)
        kb = self.backend.kb
        index = kb.learned.extend(kb.semantic) if kb.semantic is not None else None

        since = time.time() - days * 86400

        def build() -> list:
            # Grouping is the costly part (about 0.1 s for 2,000 questions): done again only
            # when a question came or went, or the FAQ changed.
            key = (days, self.store.gap_stamp(since), id(index))
            if self._gaps[0] != key:
                self._gaps = (key, group_questions(self.store.gap_questions(since), index))
            return self._gaps[1]
        groups = await run_in_threadpool(build)
        return self.page(request, "gaps.html", who, groups=groups, days=days,
                         entries=[e.id for e in kb.faq.entries])

    def _group_questions(self, form: FormData) -> tuple[list[int], list[tuple[str, str]]]:
        """The ticked questions of a group (all of it when nothing is ticked, as from a
        draft), and the decisions they settle (duplicates of a ticked text included)."""
        ids = [int(x) for x in str(form.get("ids", "")).split(",")
               if x.strip().isdigit() and len(x.strip()) < 18][:500]
        picked = {int(x) for x in form.getlist("pick") if str(x).isdigit() and len(str(x)) < 18}
        rows = [r for r in (self.store.decision(i) for i in ids) if r is not None and r["gap"]]
        chosen = {" ".join(str(r["text"]).split()).casefold() for r in rows if r["id"] in picked} \
            if picked else None
        questions, seen, settled = [], set(), []
        for row in rows:
            text = " ".join(str(row["text"]).split())
            if chosen is not None and text.casefold() not in chosen:
                continue
            settled.append(int(row["id"]))
            if text and text.casefold() not in seen and "[withheld" not in text:
                seen.add(text.casefold())
                questions.append((_lang(row["lang"], text), text))
        return settled, questions[:20]

    async def gaps_add(self, request: Request) -> Response:
        who, form = await self.posted(request)
        entry = str(form.get("entry", "")).strip()
        if not entry:
            return self.done(request, who, "Choose the entry the questions belong to.", "/gaps")
        if not form.getlist("pick"):
            return self.done(request, who, "Tick the questions to add first.", "/gaps")
        ids, questions = self._group_questions(form)
        if not questions:
            return self.done(request, who, "None of these can be added: already added, or not "
                                           "questions the FAQ can answer.", "/gaps")
        problem = await self.backend.write_faq(FaqEdit(entry, tuple(questions)))
        if problem:
            return self.done(request, who, f"Not saved: {problem}", "/gaps")
        return self._faq_saved(request, who, ids, entry, "added paraphrases",
                               f"{len(questions)} question(s) to {entry}",
                               f"Added {len(questions)} question(s) to {entry}", "/gaps")

    async def gaps_draft(self, request: Request) -> Response:
        who, form = await self.posted(request)
        ids, questions = self._group_questions(form)
        first = questions[0][1] if questions else ""
        slug = "-".join(re.findall(r"[a-z0-9]+", first.lower())[:5])[:40] or "new-entry"
        return self.page(request, "draft.html", who, ids=",".join(map(str, ids)), problem="",
                         entry_id=slug, questions="\n".join(q for _, q in questions),
                         answer_en="", answer_zh="", links="", category="", private=False)

    async def faq_new(self, request: Request) -> Response:
        who, form = await self.posted(request)
        fields = {k: str(form.get(k, "")).strip() for k in
                  ("entry_id", "questions", "answer_en", "answer_zh", "links", "category", "ids")}
        questions = tuple((_lang("", q), " ".join(q.split()))
                          for q in fields["questions"].splitlines() if q.strip())[:50]
        answer = {k: v for k, v in (("en", fields["answer_en"]), ("zh", fields["answer_zh"])) if v}
        links = tuple(fields["links"].split())[:10]
        problem = ""
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", fields["entry_id"]):
            problem = "The id takes letters, digits, '-', '_' or '.' (e.g. card-top-up)."
        elif not answer:
            problem = "Write the answer (English, Chinese or both)."
        elif not questions:
            problem = "Give at least one example question."
        else:
            edit = FaqEdit(fields["entry_id"], questions, answer=answer, category=fields["category"],
                           links=links, private=form.get("private") == "on")
            review = self.backend.kb.config.web.second_approval
            waiting = any(d["entry_id"].casefold() == edit.entry_id.casefold()
                          for d in self.store.faq_drafts())
            problem = f"a draft of {edit.entry_id} already waits for approval on the FAQ page" \
                if review and waiting else await self.backend.write_faq(edit, dry_run=review)
        if problem:
            return self.page(request, "draft.html", who, status=400, problem=problem,
                             ids=fields["ids"], entry_id=fields["entry_id"],
                             questions=fields["questions"], answer_en=fields["answer_en"],
                             answer_zh=fields["answer_zh"], links=fields["links"],
                             category=fields["category"], private=form.get("private") == "on")
        ids = [int(x) for x in fields["ids"].split(",") if x.strip().isdigit() and len(x) < 18]
        if review:
            draft = self.store.add_faq_draft(who.handle, edit.entry_id, _edit_payload(edit), ids)
            self.store.log_web_action(who.handle, "drafted FAQ entry",
                                      f"{edit.entry_id} (draft #{draft})")
            return self.done(request, who, f"Entry {edit.entry_id} is saved as draft #{draft}: "
                                           "another moderator approves it here before members "
                                           "see it.", "/faq")
        return self._faq_saved(request, who, ids, edit.entry_id, "added FAQ entry",
                               f"{fields['entry_id']} with {len(questions)} question(s)",
                               f"Entry {fields['entry_id']} added", "/faq")

    async def faq_draft(self, request: Request) -> Response:
        who, form = await self.posted(request)
        draft = self.store.faq_draft(request.path_params["id"])
        verb = request.path_params["verb"]
        if draft is None or verb not in ("approve", "reject"):
            raise Refused(404, "No such draft.")
        if draft["status"] != "pending":
            return self.done(request, who, f"Draft #{draft['id']} was {draft['status']} by "
                                           f"{draft['decided_by']} already.", "/faq")
        if verb == "approve" and draft["author"] == who.handle:
            return self.done(request, who, "Another moderator approves a draft, not its author.",
                             "/faq")
        if verb == "approve" and not await self.backend.still_moderator(who.channel, who.user_id):
            # The second approval is the guard against one taken-over account: the approver
            # is asked about now, not up to five minutes ago.
            self.store.end_session(request.cookies.get(COOKIE, ""))
            raise Refused(401, "You are no longer a moderator here, so your session ended.")
        if verb == "reject":
            self.store.decide_faq_draft(draft["id"], "rejected", who.handle)
            self.store.log_web_action(who.handle, "rejected FAQ draft",
                                      f"#{draft['id']} {draft['entry_id']}")
            return self.done(request, who, f"Draft #{draft['id']} rejected.", "/faq")
        payload = draft["payload"]
        edit = FaqEdit(payload["entry_id"], tuple(tuple(q) for q in payload["questions"]),
                       answer=payload["answer"], category=payload["category"],
                       links=tuple(payload["links"]), private=payload["private"])
        if not self.store.decide_faq_draft(draft["id"], "approved", who.handle):
            return self.done(request, who, "Someone decided that draft a moment ago.", "/faq")
        problem = await self.backend.write_faq(edit)
        if problem:
            self.store.decide_faq_draft(draft["id"], "rejected", "the FAQ check")
            return self.done(request, who, f"Not saved: {problem}", "/faq")
        ids = [int(x) for x in draft["ids"].split(",") if x.isdigit()]
        return self._faq_saved(request, who, ids, edit.entry_id, "approved FAQ entry",
                               f"{edit.entry_id}, drafted by {draft['author']}",
                               f"Entry {edit.entry_id} approved and added", "/faq")

    def _faq_saved(self, request: Request, who: Moderator, ids: list[int], entry: str,
                   what: str, detail: str, said: str, to: str) -> Response:
        """After an FAQ edit was written and reloaded: its questions are no longer gaps."""
        self.store.mark_gap_settled(ids)
        self.store.log_web_action(who.handle, what, detail)
        live = any(e.id == entry for e in self.backend.kb.faq.entries)
        return self.done(request, who, f"{said}; the FAQ is saved and " + (
            f"reloaded ({len(self.backend.kb.faq)} entries)." if live else
            "will be reloaded once the bot's files load again (see the operator's log)."), to)

    async def faq(self, request: Request) -> Response:
        who = await self.signed_in(request)
        days = self._days(request)
        hits = await run_in_threadpool(self.store.faq_hits, time.time() - days * 86400)
        wrong = self.store.wrong_counts()
        entries = [{"id": e.id, "category": e.category, "private": e.private,
                    "questions": sum(len(v) for v in e.questions.values()),
                    "hits": hits.get(e.id, 0), "wrong": wrong.get(e.id, 0),
                    "question": next((q for qs in e.questions.values() for q in qs), "")}
                   for e in self.backend.kb.faq.entries]
        return self.page(request, "faq.html", who, entries=entries, days=days,
                         source=self.backend.kb.faq.source, drafts=self.store.faq_drafts())

    # --- decisions ----------------------------------------------------------------------------

    async def decisions(self, request: Request) -> Response:
        who = await self.signed_in(request)
        q = request.query_params
        label = q.get("label") if q.get("label") in LABELS else None
        chat = (q.get("chat") or "").strip()[:64] or None
        before = int(q["before"]) if q.get("before", "").isdigit() and len(q["before"]) < 18 else None
        rows = await run_in_threadpool(self.store.decisions, label, chat, before, 50)
        for row in rows:
            row["can_undo"] = not row["handled_by"] and not _not_for(row, "undo")
            row["can_teach"] = not row["handled_by"] and not _not_for(row, "teach")
        if time.monotonic() - self._chats[0] > 60:   # a filter list: a minute old is fine
            self._chats = (time.monotonic(), await run_in_threadpool(
                self.store.decision_chats, time.time() - 7 * 86400))
        chats = self._chats[1]
        more = urlencode({"label": label or "", "chat": chat or "", "before": rows[-1]["id"]}) \
            if len(rows) == 50 else ""
        return self.page(request, "decisions.html", who, rows=rows, label=label or "",
                         chat=chat or "", labels=LABELS, chats=chats, more=more,
                         entries=[e.id for e in self.backend.kb.faq.entries])

    async def decision_action(self, request: Request) -> Response:
        who, form = await self.posted(request)
        row = self.store.decision(request.path_params["id"])
        back = f"/decisions?{urlencode({'label': form.get('label', ''), 'chat': form.get('chat', '')})}"
        if row is None:
            return self.done(request, who, "That decision is no longer kept.", back)
        verb = request.path_params["verb"]
        if verb not in ("undo", "teach"):
            raise Refused(404, "No such action.")
        why = _not_for(row, verb)
        if why:
            return self.done(request, who, why, back)
        if not self.store.handle_decision(row["id"], who.handle):
            handled = (self.store.decision(row["id"]) or {}).get("handled_by")
            return self.done(request, who, f"{handled} has already acted on that decision.", back)
        target = Message(channel=row["channel"], chat_id=row["chat_id"],
                         message_id=row["message_id"],
                         user=User(id=row["user_id"], username=row["username"]),
                         text=row["text"] or "", public=bool(row["public"]))
        try:
            if verb == "undo":
                text = f"/notscam #{row['case_id']}" if row["case_id"] else "/notscam"
                said = await self.act(who, form, text, None if row["case_id"] else target)
            else:
                entry = re.sub(r"[^A-Za-z0-9_.-]", "", str(form.get("entry", "")))[:64]
                if not entry:
                    self.store.release_decision(row["id"])
                    return self.done(request, who, "Choose the entry to answer with.", back)
                said = await self.act(who, form, f"/faq {entry}", target)
        except BaseException:
            self.store.release_decision(row["id"])
            raise
        self.store.log_web_action(who.handle, f"decision {verb}", f"#{row['id']}: {said[:200]}")
        return self.done(request, who, said, back)

    # --- numbers ------------------------------------------------------------------------------

    async def stats(self, request: Request) -> Response:
        who = await self.signed_in(request)
        days = min(self._days(request) if request.query_params.get("days") else 14, 90)
        figures = await run_in_threadpool(numbers, self.store, self.backend.kb.config, days)
        return self.page(request, "stats.html", who, f=figures, days=days,
                         health=self.backend.health(), actions=self.store.web_actions(15))


def _edit_payload(edit: FaqEdit) -> dict[str, Any]:
    return {"entry_id": edit.entry_id, "questions": [list(q) for q in edit.questions],
            "answer": edit.answer, "category": edit.category, "links": list(edit.links),
            "private": edit.private}


def _not_for(row: dict[str, Any], verb: str) -> str:
    """Why a decision cannot be undone or taught from (the page offers neither then), or ""."""
    labels = set((row["labels"] or "").split())
    did = set((row["actions"] or "").split(","))
    if verb == "undo":
        return "" if labels & {"scam", "impersonator"} else \
            "Only a scam or look-alike decision can be undone."
    if labels & {"secret", "scam", "impersonator"} or did & {"delete", "hide"}:
        return "The bot removed or flagged that message: it is not a question to answer."
    text = (row["text"] or "").strip()
    if not text or text.startswith(("/", "[withheld")):
        return "That message has no question to answer."
    return ""


def _lang(lang: str | None, text: str) -> str:
    lang = lang or detect_language(text)
    return lang if re.fullmatch(r"[a-z]{2,3}", lang or "") else "en"


def create_app(backend: ConsoleBackend) -> Starlette:
    return ConsoleApp(backend).app
