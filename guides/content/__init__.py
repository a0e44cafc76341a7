"""The site's content in git (``content/``): the file format (``format``), load and export (``sync``)."""
