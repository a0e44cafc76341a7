"""Editorial rules: the quality gate (``quality``) and how it reads a page's prose (``prose``)."""
