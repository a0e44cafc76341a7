"""Admin for editors and reviewers.

- ``forms``: the one validation admin and ``content/`` share (required fields, Markdown
  checks), line endings normalised, and optimistic locking;
- ``base``: ``ContentAdmin``, the base of every content admin (history with compare and
  revert, live Markdown preview, deletions refused while other content links to the row);
- ``content``: one admin per content model;
- ``audit``: who changed what and when, across all content, loads and exports included.
"""

from . import audit, content  # noqa: F401  (registers the admins)
