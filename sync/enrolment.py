"""Joining this kiosk to the centre with a one-time code, and keeping the credential it gives: the one
way it is done, for the `enroll` command, the enrolment planned at install and the demo."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.signing_key import load_or_create_signing_key
from sync.client import CONNECT_TIMEOUT, READ_TIMEOUT, CentralClient
from sync.credential import Credential, enrolment_attempt, save_credential

log = logging.getLogger(__name__)


def enrol(
    data_dir: Path,
    server: str,
    code: str,
    name: str,
    ca_bundle: str | None = None,
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
) -> Credential:
    """Enrol with the centre at `server` and save the credential in `data_dir`.

    The attempt sent with the code is made from this kiosk's signing key: asking again after a lost
    answer gets the same kiosk a new token rather than a refusal.
    Raises CentralError (RequestRefused when the centre refuses the code: a new one is needed;
    another CentralError when it could not be reached) and saves nothing then.
    """
    code = code.strip()
    attempt = enrolment_attempt(load_or_create_signing_key(data_dir), code)
    client = CentralClient(server, ca_bundle=ca_bundle, timeout=timeout)
    try:
        enrolment = client.enroll(code, name, attempt)
    finally:
        client.close()
    credential = Credential(server, enrolment.kiosk_id, enrolment.site_id, enrolment.token)
    save_credential(data_dir, credential)
    log.info("kiosk enrolled as %s (site %s)", credential.kiosk_id, credential.site_id)
    return credential
