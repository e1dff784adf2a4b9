"""Sending an edition's PDFs over SMTP (settings from the config file).

The password is never in the config file: ``smtp.password_env`` names the environment variable
that holds it. A failed delivery raises :class:`DeliveryError` (one line); the edition stays as
it was written, and every attempt is appended to the edition's ``delivery.log``.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid

from metalwatch.config import Config
from metalwatch.errors import InvalidInputError, MetalwatchError
from metalwatch.publish import manifest as mf


class DeliveryError(MetalwatchError, ConnectionError):
    """The e-mail could not be sent (the edition is kept)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: from the config file's ``[smtp]`` table."""

    host: str
    port: int
    security: str
    user: str | None
    password_env: str
    sender: str
    to: list[str]
    subject: str
    timeout: int


def smtp_settings(cfg: Config) -> SmtpSettings:
    """The ``[smtp]`` settings of ``cfg``; a missing host, sender or recipient is an error."""
    missing = [k for k in ("host", "from", "to") if not cfg.get(f"smtp.{k}")]
    if missing:
        where = cfg.path or "the config file"
        raise InvalidInputError(
            f"--email needs smtp.{', smtp.'.join(missing)} in {where} (see metalwatch config show)"
        )
    return SmtpSettings(
        host=cfg.get("smtp.host"),
        port=int(cfg.get("smtp.port")),
        security=cfg.get("smtp.security"),
        user=cfg.get("smtp.user"),
        password_env=cfg.get("smtp.password_env"),
        sender=cfg.get("smtp.from"),
        to=list(cfg.get("smtp.to")),
        subject=cfg.get("smtp.subject"),
        timeout=int(cfg.get("smtp.timeout")),
    )


def message(edition: mf.EditionRef, smtp: SmtpSettings) -> EmailMessage:
    """The e-mail: a short text naming the edition and its fingerprint, the PDFs attached."""
    m = edition.manifest
    msg = EmailMessage()
    msg["Subject"] = smtp.subject.replace("{week}", edition.week)
    msg["From"] = smtp.sender
    msg["To"] = ", ".join(smtp.to)
    msg["Message-ID"] = make_msgid(domain="metalwatch")
    msg.set_content(
        f"The metals weekly for the week ending {edition.week} (edition {edition.name}).\n\n"
        f"Data as of: {m.get('data_as_of') or 'n/a'}\n"
        f"Generated at: {m.get('generated_at')}\n"
        f"Figures fingerprint: {m.get('fingerprint')}\n"
    )
    for pdf in sorted(edition.path.glob("*.pdf")):
        msg.add_attachment(
            pdf.read_bytes(), maintype="application", subtype="pdf", filename=pdf.name
        )
    return msg


def _send(msg: EmailMessage, smtp: SmtpSettings) -> None:
    password = os.environ.get(smtp.password_env) if smtp.user else None
    if smtp.user and not password:
        raise DeliveryError(
            f"environment variable {smtp.password_env} (the SMTP password) is unset"
        )
    context = ssl.create_default_context()
    if smtp.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            smtp.host, smtp.port, timeout=smtp.timeout, context=context
        )
    else:
        conn = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with conn as s:
        if smtp.security == "starttls":
            s.starttls(context=context)
        if smtp.user and password:
            s.login(smtp.user, password)
        s.send_message(msg)


def send_edition(edition: mf.EditionRef, smtp: SmtpSettings) -> None:
    """Send the edition's PDFs to ``smtp.to``; log the attempt in ``delivery.log``.

    Parameters
    ----------
    edition
        The edition to send.
    smtp
        The SMTP settings (:func:`smtp_settings`).

    Raises
    ------
    DeliveryError
        The server could not be reached, refused the login or a recipient, or timed out.
    """
    record = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "to": smtp.to,
        "host": f"{smtp.host}:{smtp.port}",
    }
    try:
        _send(message(edition, smtp), smtp)
    except (OSError, smtplib.SMTPException, DeliveryError) as exc:
        cause = str(exc) or type(exc).__name__
        if isinstance(exc, ConnectionRefusedError):
            cause = f"connection refused by {smtp.host}:{smtp.port}"
        mf.append_delivery(edition.path, {**record, "status": "failed", "message": cause})
        raise DeliveryError(f"e-mail to {', '.join(smtp.to)} failed: {cause}") from exc
    mf.append_delivery(edition.path, {**record, "status": "sent"})
