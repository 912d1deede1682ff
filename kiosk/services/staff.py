"""Correspondents signing in to assisted mode, staying signed in while active, and signing out.

One correspondent at a time is signed in at a kiosk; the session lives in memory only
(a restart signs them out). Every use case of assisted mode calls `require(session)`,
which refuses a session that was signed out, replaced, timed out for inactivity or
whose account the centre removed, and counts the call as activity.

Rules (kiosk/domain/staff.py): badge + PIN, or login + a password strong enough to stand
alone; five wrong tries lock that way in at this kiosk for fifteen minutes. The two ways
count apart: a login is typed on a public screen by anyone, a badge is held by its owner,
so a passer-by typing a correspondent's login five times locks the login, never the badge
(nor the other way round). Three and a half minutes without a tap sign the correspondent out.
Sign-ins, sign-outs and locks go to the audit log.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import NoReturn

import sqlite_utils

from kiosk.domain.audit import Action
from kiosk.domain.household import is_pin_well_formed, pin_hash_outdated, verify_pin
from kiosk.domain.idle import IdleDeadline, IdlePhase
from kiosk.domain.lockout import FailureRecord
from kiosk.domain.staff import (
    LOGIN_PATTERN,
    PASSWORD_RULE,
    Correspondent,
    SignInMethod,
    StaffDataError,
    StaffSession,
    hash_password,
    hash_staff_pin,
    is_strong_password,
    normalize_login,
    parse_badge_input,
    staff_deadline,
    verify_password,
)
from kiosk.errors import KioskError
from kiosk.i18n import Text
from kiosk.services.audit import AuditService
from kiosk.store import lockout
from kiosk.store import staff as staff_store
from kiosk.store.database import transaction
from kiosk.store.lockout import STAFF_ACCOUNTS

# Checked when the login is unknown, so that an unknown login takes as long to refuse as a wrong password.
_DUMMY_HASH = "$argon2id$v=19$m=131072,t=3,p=1$c2x2aWUtZHVtbXktc2FsdA$LBhCQuC2QmtiAr5ZRw9/MIKq5CAS95k5IQi/lYcKbAk"


def _counter(method: SignInMethod, account: str) -> str:
    """The wrong-tries counter of one way in to one account."""
    return f"{method.value}:{account}"


class StaffSignInError(KioskError):
    """The correspondent could not be signed in; the message says why and what to do."""


class StaffSessionExpired(KioskError):
    """The correspondent is no longer signed in (signed out, timed out, or replaced); sign in again."""


def _expired() -> StaffSessionExpired:
    return StaffSessionExpired("error.staff.you_are_longer_signed")


class StaffAuthService:
    def __init__(
        self,
        db: sqlite_utils.Database,
        audit: AuditService,
        clock: Callable[[], datetime] = datetime.now,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._db = db
        self._audit = audit
        self._clock = clock
        self._monotonic = monotonic
        self._session: StaffSession | None = None
        self._deadline: IdleDeadline | None = None

    # -- recognising a badge ---------------------------------------------------------------

    def recognises_badge(self, text: str) -> bool:
        """True when a typed or scanned code is the badge of a correspondent of this site (never raises).

        The identification screen can use it to send a correspondent's badge to the sign-in.
        """
        try:
            badge = parse_badge_input(text)
        except StaffDataError:
            return False
        person = staff_store.find_by_badge(self._db, badge)
        return person is not None and person.active

    # -- signing in ------------------------------------------------------------------------

    def sign_in_with_badge(self, badge_input: str, pin: str) -> StaffSession:
        """Badge (scanned or typed) and PIN; raises StaffSignInError saying why not."""
        try:
            badge = parse_badge_input(badge_input)
        except StaffDataError as error:
            raise StaffSignInError(error.key, **error.values) from None
        person = staff_store.find_by_badge(self._db, badge)
        if person is None or not person.active or not person.pin_hash:
            raise StaffSignInError("error.staff.badge_known_at_kiosk")
        now = self._clock()
        account = _counter(SignInMethod.BADGE_PIN, person.staff_id)
        failures = self._check_not_locked(account, now)
        if not is_pin_well_formed(pin if isinstance(pin, str) else "") or not verify_pin(pin, person.pin_hash):
            self._fail(account, person, failures, now, SignInMethod.BADGE_PIN, "error.staff.wrong_pin")
        if pin_hash_outdated(person.pin_hash):
            staff_store.upgrade_hash(self._db, person.staff_id, "pin_hash", person.pin_hash, hash_staff_pin(pin))
        return self._start(person, SignInMethod.BADGE_PIN, now)

    def sign_in_with_password(self, login: str, password: str) -> StaffSession:
        """Login and a password strong enough to stand alone; raises StaffSignInError saying why not."""
        login = normalize_login(login)
        person = staff_store.find_by_login(self._db, login) if LOGIN_PATTERN.match(login) else None
        if person is not None and (not person.active or not person.password_hash):
            person = None
        account = _counter(
            SignInMethod.PASSWORD,
            person.staff_id if person else "login:" + hashlib.sha256(login.encode()).hexdigest()[:32],
        )
        now = self._clock()
        failures = self._check_not_locked(account, now)
        strong = isinstance(password, str) and is_strong_password(password, login)
        stored = (person.password_hash if person else None) or _DUMMY_HASH
        matches = verify_password(password, stored) if strong else False
        if person is None or not matches:
            problem = (
                "error.staff.wrong_login" if strong or not isinstance(password, str) else "error.staff.password_alone"
            )
            self._fail(account, person, failures, now, SignInMethod.PASSWORD, problem)
        if person.password_hash and pin_hash_outdated(person.password_hash):
            staff_store.upgrade_hash(
                self._db, person.staff_id, "password_hash", person.password_hash, hash_password(password, login)
            )
        return self._start(person, SignInMethod.PASSWORD, now)

    def _check_not_locked(self, account: str, now: datetime) -> FailureRecord:
        failures = lockout.read_failures(self._db, STAFF_ACCOUNTS, account)
        if failures.is_locked(now):
            raise StaffSignInError("error.staff.account_locked", count=failures.minutes_left(now))
        return failures

    def _fail(
        self,
        account: str,
        person: Correspondent | None,
        failures: FailureRecord,
        now: datetime,
        method: SignInMethod,
        problem: str,
    ) -> NoReturn:
        failures = failures.after_failure(now)
        with transaction(self._db):
            lockout.write_failures(self._db, STAFF_ACCOUNTS, account, failures)
            if failures.is_locked(now) and person is not None:
                self._audit.record(person.staff_id, Action.LOCKED, details={"method": method.value})
        if failures.is_locked(now):
            raise StaffSignInError("error.staff.fifth_wrong_try_account")
        left = failures.attempts_left()
        raise StaffSignInError("error.staff.tries_left", count=left, problem=Text(problem, rule=PASSWORD_RULE))

    def _start(self, person: Correspondent, method: SignInMethod, now: datetime) -> StaffSession:
        if self._session is not None:
            self.sign_out("replaced")
        session = StaffSession(str(uuid.uuid4()), person.staff_id, person.display_name, method, now)
        with transaction(self._db):
            lockout.write_failures(self._db, STAFF_ACCOUNTS, _counter(method, person.staff_id), FailureRecord())
            self._audit.record(person.staff_id, Action.SIGN_IN, details={"method": method.value})
        self._session = session
        self._deadline = staff_deadline(self._monotonic())
        return session

    # -- staying signed in -----------------------------------------------------------------

    def current(self) -> StaffSession | None:
        """The signed-in correspondent, or None. Past the inactivity limit, signs them out first."""
        if self._session is None or self._deadline is None:
            return None
        if self._deadline.phase(self._monotonic()) is IdlePhase.EXPIRED:
            self.sign_out("inactivity")
            return None
        person = staff_store.load_correspondent(self._db, self._session.staff_id)
        if person is None or not person.active:
            self.sign_out("account_removed")
            return None
        return self._session

    def require(self, session: StaffSession | None) -> StaffSession:
        """The session, still valid, counted as activity; else StaffSessionExpired."""
        current = self.current()
        if session is None or current is None or current.session_id != session.session_id or self._deadline is None:
            raise _expired()
        self._deadline.touch(self._monotonic())
        return current

    def touch(self) -> None:
        """A tap in assisted mode: the inactivity limit starts again."""
        if self._deadline is not None and self.current() is not None:
            self._deadline.touch(self._monotonic())

    def idle_phase(self) -> IdlePhase:
        """ACTIVE, WARNING (show the "still there?" prompt) or EXPIRED (signed out)."""
        if self.current() is None or self._deadline is None:
            return IdlePhase.EXPIRED
        return self._deadline.phase(self._monotonic())

    def seconds_left(self) -> int:
        """Whole seconds before the automatic sign-out, for the warning."""
        if self._session is None or self._deadline is None:
            return 0
        return self._deadline.seconds_left(self._monotonic())

    def leave(self, session: StaffSession) -> None:
        """The correspondent leaves assisted mode (recorded); a session already ended changes nothing."""
        current = self.current()
        if current is not None and current.session_id == session.session_id:
            self.sign_out("user")

    def sign_out(self, cause: str = "user") -> None:
        """Leave assisted mode ("user", "inactivity", "replaced", "account_removed", "kiosk_idle"…)."""
        session, self._session, self._deadline = self._session, None, None
        if session is not None:
            with transaction(self._db):
                self._audit.record(session.staff_id, Action.SIGN_OUT, details={"cause": cause[:40]})
