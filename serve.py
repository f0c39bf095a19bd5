"""Start the server: uvicorn running the `st.App` in server.py, in one process.

    python serve.py [--port N] [--address A] [--app module:attr] [--set option=value ...]

Why not `streamlit run server.py`: Streamlit 1.67 binds the listening socket itself with
`socket.socket(family)`, whose protocol number is 0, and asyncio only switches Nagle's algorithm off
(TCP_NODELAY) on accepted sockets whose protocol is IPPROTO_TCP. Each rerun's small WebSocket
frames then wait for the browser's delayed ACK: 48 ms per answer instead of 6 ms, measured
(benchmarks/RESULTS.md). When uvicorn binds the socket itself, asyncio sets TCP_NODELAY as usual.

Everything else is Streamlit's own: `.streamlit/config.toml` (read from the working directory, so
run this from the project folder), options given with `--set` as `streamlit run` takes them as
flags (`--set server.disconnectedSessionTTL=30`; values are TOML: true, 30, "text"), and the
uvicorn settings `streamlit run` would use (WebSocket implementation, pings, TLS, no access log),
except the largest message a client may send (MAX_CLIENT_MESSAGE_BYTES).

Two changes inside Streamlit: a run's elements reach the event loop in batches, one wake-up per
burst instead of one per element (`ketacheck/web/wakeups.py`; 12-17% less server CPU per click,
measured in benchmarks/RESULTS.md, "Speed v2, a fourth look"); and the theme in the message that
starts every run is looked up by section, not by reading every config option once per section
(`ketacheck/web/config_sections.py`, "a twelfth look"). And one in Python: what start-up loaded
is frozen out of the garbage collector's sight and young collections come less often
(`ketacheck/web/collector.py`, `--gc-threshold`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tomllib

import h11
import uvicorn
from streamlit import config
from streamlit.web import bootstrap

# Private in 1.67 (pinned): the uvicorn settings `streamlit run` uses for an st.App. Using it keeps
# this launcher identical to `streamlit run` except for who binds the socket.
from streamlit.web.server.starlette.starlette_server import _get_uvicorn_config_kwargs
from uvicorn.protocols.http.h11_impl import H11Protocol

from ketacheck.content import ContentError, report
from ketacheck.web import collector, config_sections, wakeups
from ketacheck.web.headers import security_headers, streamlit_index_html

# The largest WebSocket message a browser sends: a rerun with every widget's state, or the tab's
# copy of the check coming back (at most 64 KB, ketacheck/ui/tab_copy.py); a few KB in practice.
# Streamlit's default takes 200 MB messages into memory; uvicorn closes the connection (1009,
# "message too big") past this, before it reads the message.
MAX_CLIENT_MESSAGE_BYTES = 512 * 1024


class H11WithHeaders(H11Protocol):
    """uvicorn answers a request it cannot parse (400) itself, before any ASGI middleware sees it:
    this gives that answer the security headers every other response carries."""

    security = security_headers(streamlit_index_html())

    def send_400_response(self, msg: str) -> None:
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"), *self.security]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=msg.encode("ascii")), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()


def option(text: str) -> tuple[str, object]:
    """`section.option=value`, the value read as TOML (a bare word is taken as text)."""
    name, sep, raw = text.partition("=")
    if not sep or "." not in name:
        raise argparse.ArgumentTypeError(f"expected section.option=value, got {text!r}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return name.strip(), value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python serve.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=None, help="default: server.port from the Streamlit config")
    ap.add_argument("--address", default=None, help="default: server.address from the Streamlit config")
    ap.add_argument("--app", default="server:app", help="the st.App to serve, as module:attribute")
    ap.add_argument("--set", type=option, action="append", default=[], metavar="OPTION=VALUE",
                    help="a Streamlit config option, as `streamlit run --OPTION VALUE` would set it")
    ap.add_argument("--gc-threshold", type=int, default=collector.THRESHOLD, metavar="N",
                    help=f"new objects between young garbage collections, after freezing what start-up "
                         f"loaded (default {collector.THRESHOLD}; 0: Python's own settings)")
    args = ap.parse_args(argv)
    if args.set:
        bootstrap.load_config_options(dict(args.set))

    host = args.address or config.get_option("server.address") or "127.0.0.1"
    port = args.port if args.port is not None else int(config.get_option("server.port"))
    wakeups.install()
    config_sections.install()
    # Imported here rather than by uvicorn, so that what it loads (the content) is frozen with the rest,
    # and content that fails validation is named problem by problem, without a traceback.
    module, _, attribute = args.app.partition(":")
    try:
        app = getattr(importlib.import_module(module), attribute)
    except ContentError as exc:
        print("\n".join([*report(exc.problems), "The server did not start."]), file=sys.stderr)
        return 1
    collector.tune(args.gc_threshold)
    print(f"KetaCheck is running at http://{host}:{port} (Ctrl+C stops it)", flush=True)
    settings = {**_get_uvicorn_config_kwargs(), "ws_max_size": MAX_CLIENT_MESSAGE_BYTES, "http": H11WithHeaders}
    uvicorn.run(app, host=host, port=port, **settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
