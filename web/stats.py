"""The numbers the console's charts show: questions answered per day and the share answered
without a human, tickets opened and closed, first responses against the SLA, scams and secrets
caught."""

from __future__ import annotations

import statistics
import time
from typing import Any

from handlers.config import Config
from store import Store
from store.tickets import PRIORITIES

from .charts import Series, bars, day_labels

DAY = 86400


def numbers(store: Store, config: Config, days: int = 14, now: float | None = None) -> dict[str, Any]:
    now = now or time.time()
    first = int(now // DAY) - days + 1
    since = first * DAY
    span = list(range(first, first + days))
    labels = day_labels(span)
    per_day = {r["day"]: r for r in store.daily_decisions(since)}

    def column(key: str) -> list[float]:
        return [float((per_day.get(day) or {}).get(key) or 0) for day in span]

    asked, answered, human = column("asked"), column("answered"), column("human")
    tickets = store.daily_tickets(since)
    opened = {r["day"]: r["n"] for r in tickets["opened"]}
    closed = {r["day"]: r["n"] for r in tickets["closed"]}
    share = [round(100 * a / q) if q else 0 for a, q in zip(answered, asked, strict=True)]
    total_asked, total_answered = sum(asked), sum(answered)
    sla = []
    responses = store.first_responses(since)
    for priority in PRIORITIES:
        rows = [r for r in responses if r["priority"] == priority]
        if not rows:
            continue
        target = config.tickets.sla_minutes.seconds(priority)
        answered_rows = [r for r in rows if r["first_response_at"]]
        waits = [(r["first_response_at"] - r["created_at"]) / 60 for r in answered_rows]
        late_open = sum(1 for r in rows if not r["first_response_at"] and
                        r["first_response_due"] < now)
        within = sum(1 for r in answered_rows if r["first_response_at"] <= r["first_response_due"])
        # Of the tickets whose outcome is known: answered, or still open past the target (one
        # still within its target may yet be answered in time).
        known = len(answered_rows) + late_open
        sla.append({"priority": priority, "tickets": len(rows), "target": target / 60,
                    "answered": len(answered_rows),
                    "median": statistics.median(waits) if waits else None,
                    "within": round(100 * within / known) if known else 100,
                    "late_open": late_open})
    return {
        "answers": bars(labels, [Series("answered by the bot", answered),
                                 Series("to a human", human),
                                 Series("unanswered", [max(q - a - h, 0) for q, a, h in
                                                       zip(asked, answered, human, strict=True)])],
                        stacked=True, title="Questions per day"),
        "share": bars(labels, [Series("answered without a human", share)], title="Share", unit="%",
                      ceiling=100),
        "tickets": bars(labels, [Series("opened", [opened.get(d, 0) for d in span]),
                                 Series("closed", [closed.get(d, 0) for d in span])],
                        title="Tickets per day"),
        "safety": bars(labels, [Series("scams", column("scams")),
                                Series("secrets", column("secrets"))], title="Caught per day"),
        "sla_chart": bars([s["priority"] for s in sla],
                          [Series("% first answer within target", [s["within"] for s in sla])],
                          title="First responses within the SLA", unit="%", ceiling=100),
        "sla": sla,
        "asked": int(total_asked), "answered": int(total_answered),
        "deflection": round(100 * total_answered / total_asked) if total_asked else 0,
        "scams": int(sum(column("scams"))), "secrets": int(sum(column("secrets"))),
        "opened": sum(opened.values()), "closed": sum(closed.values()),
        "outbox": store.outbox_waiting(), "last_error": store.last_outbox_error(),
        "budgets": [f"replies: at most {config.answering.replies_per_minute} posts a minute in "
                    f"each chat (answering.replies_per_minute)",
                    f"staff chat: at most {config.telegram.staff_posts_per_minute} posts a minute, "
                    "the rest folded into a digest"],
    }
