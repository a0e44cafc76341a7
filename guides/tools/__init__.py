"""The reader tools: calculations (``logic``), input validation (``forms``) and pages (``views``)."""
