"""Certificates of attendance: settings, attendance from check-ins, issuing, PDFs, jobs."""
