"""The "Boîte à idées" use cases: leave an idea (identified or not), find its answer by code, be told of it.

Leaving an idea writes it with its `idea.create` operation (docs/sync-protocol.md) and,
when a correspondent types it for the person, its audit entry, in one transaction. The
centre's answer comes back with a pull; an identified author is told of it once, as a
banner, on their next identification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlite_utils

from kiosk.config import KioskConfig
from kiosk.domain.audit import Action
from kiosk.domain.ideas import (
    THEME_CODES,
    Idea,
    IdeaError,
    clean_idea,
    new_idea_id,
    theme_words,
)
from kiosk.domain.voucher import normalize_short_code
from kiosk.i18n import Message, Text
from kiosk.services.actor import Actor, Acts
from kiosk.services.identity import Identified
from kiosk.store import participation as store
from kiosk.store.database import transaction
from kiosk.store.outbox import enqueue

MAX_CODE_INPUT = 40


@dataclass(frozen=True)
class IdeaNews:
    idea: Idea
    message: Message  # read in the language of whoever is told
    good: bool = True


class IdeaBox:
    def __init__(
        self,
        db: sqlite_utils.Database,
        config: KioskConfig,
        acts: Acts,
        clock: Callable[[], datetime] = datetime.now,
    ):
        self._db = db
        self._config = config
        self._acts = acts
        self._clock = clock

    def themes(self) -> tuple[str, ...]:
        """The codes of the themes an idea may be filed under, in the order they are offered."""
        return THEME_CODES

    def leave(self, actor: Actor, theme: str, text: str, identified: Identified | None = None) -> Idea:
        """Keep an idea and send it to the centre; its code is the receipt. Raises IdeaError or
        StaffSessionExpired; nothing is written then."""
        self._acts.check(actor)
        theme, text = clean_idea(theme, text)
        now = self._clock()
        idea = Idea(
            idea_id=new_idea_id(),
            site_id=self._config.site.id,
            theme=theme,
            text=text,
            household_id=identified.household.household_id if identified else None,
            person_id=identified.person.person_id if identified else None,
            created_at=now,
            created_by=actor.staff.staff_id if actor.staff else None,
        )
        with self._acts.write(actor, Action.IDEA_CREATE) as audit:
            store.insert_idea(self._db, idea)
            enqueue(self._db, "idea.create", create_payload(idea), now)
            audit.say(idea.person_id, idea.idea_id, {"theme": theme})
        return idea

    def find(self, typed: str) -> Idea:
        """The idea a receipt code leads to, at this site; raises IdeaError saying what is wrong."""
        if not isinstance(typed, str) or not typed.strip():
            raise IdeaError("error.idea.type_code")
        code = normalize_short_code(typed[:MAX_CODE_INPUT])
        if code is None:
            raise IdeaError("error.idea.code_not_valid")
        found = store.ideas_by_code(self._db, self._config.site.id, code)
        if not found:
            raise IdeaError("error.idea.no_idea_with_code")
        return found[0]

    def take_news(self, identified: Identified) -> list[IdeaNews]:
        """Answers to the person's ideas given since they last identified; each is told once."""
        with transaction(self._db):
            answered = store.untold_answers(self._db, identified.person.person_id)
            store.mark_told(self._db, [i.idea_id for i in answered])
        news = []
        for idea in answered:
            told = Text(
                "news.idea.answered",
                who=idea.answered_by,
                answer=idea.answer,
                theme=theme_words(idea.theme),
            )
            news.append(IdeaNews(idea, told))
        return news


def create_payload(idea: Idea) -> dict[str, object]:
    """The `idea.create` operation's payload (docs/sync-protocol.md)."""
    return {
        "idea_id": idea.idea_id,
        "theme": idea.theme,
        "text": idea.text,
        "household_id": idea.household_id,
        "person_id": idea.person_id,
        "created_by": idea.created_by,
    }


__all__ = ["IdeaBox", "IdeaError", "IdeaNews", "create_payload"]
