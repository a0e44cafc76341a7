"""Site search: one interface over the SQLite and PostgreSQL backends.

- ``query``: reading a query into concepts (stop words, lay terms, typo corrections);
- ``service``: ``search()``, one page of ranked, highlighted results;
- ``index``: the search documents, kept in step with the content;
- ``backends``: ``get_backend()``, the interface (``base``) and one module per database;
- ``views``: the results page and typed-ahead suggestions.
"""
