"""Certificate work as jobs: releasing (issuing everyone's certificate) and the ZIP of all
PDFs for the organizer. Two organizers starting the same work get one job."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from conference.extensions import db
from conference.models import Certificate, Event, Job, User
from conference.services.certificates.errors import NoCertificates
from conference.services.certificates.issuing import (
    eligible_registrations,
    list_certificates,
    release_certificates,
    verification_url,
)
from conference.services.certificates.pdf import render_certificate
from conference.services.jobs.core import JobResult, result_folder, start_job

RELEASE = "certificates.release"
ZIP = "certificates.zip"
RESULT_SUBFOLDER = "certificates"


def start_release(event: Event, *, user: User | None,
                  now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue the release of the event's certificates (or join the one under way)."""
    count = len(eligible_registrations(event))
    if not count:
        raise NoCertificates(str(_l("Nobody meets the release rule yet.")))
    return start_job(RELEASE, event=event, user=user, dedupe_key=f"{RELEASE}:{event.id}",
                     total=count, now=now)


def run_release(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: issue the missing certificates; the result is a CSV of those issued
    by this run (name, organization, verification address)."""
    event = job.event
    issued = release_certificates(event, progress=progress)
    rows = [(c.full_name, c.organization, c.registration.email, verification_url(c))
            for c in issued]
    db.session.commit()
    out = io.StringIO()
    writer = csv.writer(out)
    with force_locale(event.language):
        writer.writerow([str(_l("Name")), str(_l("Organization")), str(_l("Email")),
                         str(_l("Verification address"))])
    writer.writerows(rows)
    path = _write_result(out.getvalue().encode("utf-8-sig"), f"job-{job.id}-release", "csv")
    return JobResult(path=path, filename=f"certificates-released-{event.slug}.csv")


def start_zip(event: Event, *, user: User | None,
              now: dt.datetime | None = None) -> tuple[Job, bool]:
    """Queue a ZIP of every valid certificate's PDF (or join the one under way)."""
    count = len(_valid(event))
    if not count:
        raise NoCertificates(str(_l("No certificates have been issued yet.")))
    return start_job(ZIP, event=event, user=user, dedupe_key=f"{ZIP}:{event.id}",
                     total=count, now=now)


def _valid(event: Event) -> list[Certificate]:
    return [c for c in list_certificates(event) if not c.is_revoked]


def build_zip(job: Job, progress: Callable[[int, int | None], None]) -> JobResult:
    """The job's work: each valid certificate in its attendee's language, in one ZIP."""
    event = job.event
    certificates = _valid(event)
    if not certificates:
        raise NoCertificates(str(_l("No certificates have been issued yet.")))
    folder = result_folder() / RESULT_SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"job-{job.id}-{secrets.token_hex(8)}.zip"
    partial = path.with_suffix(".part")
    names: set[str] = set()
    entries = [(c.id, pdf_filename(c)) for c in certificates]
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, (certificate_id, name) in enumerate(entries, start=1):
            certificate = db.session.get(Certificate, certificate_id)
            if certificate is None or certificate.is_revoked:
                continue  # deleted or revoked while the ZIP was being made
            if name in names:
                name = f"{Path(name).stem}-{certificate_id}.pdf"
            names.add(name)
            archive.writestr(name, render_certificate(certificate))
            progress(done, len(entries))
    os.replace(partial, path)
    return JobResult(path=path, filename=f"certificates-{event.slug}.zip")


def pdf_filename(certificate: Certificate) -> str:
    """``certificate-<event>-<name>.pdf`` in plain ASCII letters."""
    text = unicodedata.normalize("NFKD", certificate.full_name.replace("ł", "l")
                                 .replace("Ł", "L"))
    ascii_name = re.sub(r"[^A-Za-z0-9]+", "-", text.encode("ascii", "ignore").decode()).strip("-")
    return f"certificate-{certificate.event.slug}-{ascii_name.lower() or certificate.id}.pdf"


def _write_result(data: bytes, stem: str, suffix: str) -> Path:
    folder = result_folder() / RESULT_SUBFOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}-{secrets.token_hex(8)}.{suffix}"
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, path)
    return path
