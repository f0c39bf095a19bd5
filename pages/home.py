"""The app's root page: only reached inside the app (a mistyped page name falls back to it), since
the server answers `/` itself with the static first screen (ketacheck/web/start_page.py). It opens
the app's own start page, at /start."""

from ketacheck.ui.switch import switch_page

switch_page("pages/start.py")
