"""Errors of the call for proposals, shared by its modules."""

from __future__ import annotations

from conference.services import DomainError


class CfpError(DomainError):
    code = "cfp_invalid"


class CfpClosed(CfpError):
    code = "cfp_closed"


class InvalidChoice(CfpError):
    code = "invalid_choice"


class ProposalLocked(CfpError):
    code = "proposal_locked"


class UnavailabilityInvalid(CfpError):
    code = "unavailability_invalid"


class InvalidSpeakerName(CfpError):
    """A speaker's name breaks the rule for every person's name (``services.names``)."""

    code = "invalid_name"


class NameRequired(CfpError):
    """The speaker must give their name first (e.g. before confirming as co-speaker)."""

    code = "name_required"
