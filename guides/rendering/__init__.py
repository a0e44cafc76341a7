"""Rendering: the one Markdown pipeline (``pipeline``) and the data tables guides embed (``tables``)."""
