"""Partnering: profiles, the directory, meeting requests, the scheduler and the meetings.

Modules: ``settings`` (the organizer's lists and limits), ``profiles`` (join, edit, leave),
``directory`` (search and suggestions), ``requests`` (send, accept, decline, withdraw,
cancel), ``windows`` (time windows and slots), ``availability`` (who is busy when),
``scheduler`` (the CP-SAT model), ``placement`` (running it, moving, locking, publishing),
``meetings`` (agendas, outcomes, ratings) and ``stats``.
"""
