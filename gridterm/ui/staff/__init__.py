"""The township staff console: ``gridterm staff URL``.

``client`` talks to the staff API (no UI), ``config`` remembers tokens, ``diff`` says what
changed between two revs, ``app`` and ``screens/`` are the Textual console.
"""
