"""Background jobs: start (deduplicated), claim, report progress, finish, fail, retry."""
