"""Feedback: attendees rate the event and the sessions they attended; organizers and
speakers read the results.

``core``: settings, who may rate what and when, submitting; ``results``: averages and
distributions; ``export``: CSV and XLSX of the anonymous responses.
"""
