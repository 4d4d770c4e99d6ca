"""What the officer's app and the staff console share (neither app is imported here):

- ``shell``: ``ShellApp``, the base of both apps (clock, back, palette, theme, the header's
  status line, the one handler that says a failed worker)
- ``workers``: the text of a failure, and the mixin that hands a screen's failures to the app
- ``header``, ``footer``: the line at the top and the translated keys at the bottom
- ``confirm``: the one yes/no question (escape means "not now")
- ``form``: fields with their error under them, tags to tick
- ``palette``: the command palette's base (every key of the screen, by name)
- ``messages``: the apps' messages
- ``times``: the clock and how times are shown
"""
