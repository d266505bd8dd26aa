"""Casework services: the only code that changes domain state.

Each service is `<entity>_<action>(*, ...)`, runs in `transaction.atomic`, and
writes an append-only journal entry (casework.services.journal.journal_log).
"""
