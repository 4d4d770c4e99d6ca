"""The township staff console: ``gridterm staff URL``.

``app`` and ``screens/`` are the Textual console (built on ``gridterm.ui.kit``'s shell, header,
footer and palette), ``config`` remembers tokens, ``diff`` says what changed between two
revs, ``text`` and ``record_words`` word records.  The staff API client is
``gridterm.client.staff``.
"""
