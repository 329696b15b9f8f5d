"""The programme: rooms, tracks, sessions, conflicts, workshop seats, personal agendas, exports."""
