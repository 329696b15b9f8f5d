"""Private links of proposals and speakers, absolute so emails can carry them."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for

from conference.models import Proposal, Speaker


def _absolute_url(endpoint: str, **values) -> str:
    """BASE_URL + the page's path; works outside requests too (CLI, demo, tests)."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        with current_app.test_request_context("/"):
            path = url_for(endpoint, **values)
    return current_app.config["BASE_URL"] + path


def proposal_link(proposal: Proposal) -> str:
    """The submitter's private link to the proposal."""
    return _absolute_url("cfp.proposal", slug=proposal.event.slug,
                         proposal_token=proposal.token)


def speaker_link(speaker: Speaker) -> str:
    """The speaker's private link to their profile."""
    return _absolute_url("cfp.speaker_page", slug=speaker.event.slug,
                         speaker_token=speaker.token)
