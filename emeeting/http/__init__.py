"""The HTTP side's own machinery, shared by every route module (pages, API, files, records).

- :mod:`emeeting.http.origin`: where a request comes from (our pages, another site); the one
  Origin check, used by the WebSocket handshake too.
- :mod:`emeeting.http.admission`: who a request is from: its link, its bearer token or its
  cookie, through the door (emeeting/auth.py), and the access the table (rooms/permissions.py)
  gives them; the cookie the invitation page sets.
- :mod:`emeeting.http.errors`: the one HTTP error type and its answers, a JSON body with its code
  or the page in Thai and English, never a path or a stack trace.
- :mod:`emeeting.http.pages`: the page templates and the headers every page is sent with.

What a request does is decided elsewhere: by ``rooms`` for commands, by the route modules
(emeeting/api.py, web.py, papers.py, records.py, minutes/export.py...) for the rest.
"""
