"""Invoices (Polish VAT): buyer details and tax ids, amounts, gap-free numbering, issuing
pro-forma, VAT and correcting invoices, their PDF, and the accountant's exports."""

from conference.services import DomainError


class InvoicingError(DomainError):
    code = "invoicing_error"
