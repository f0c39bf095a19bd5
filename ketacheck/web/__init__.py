"""Server glue: the ASGI pieces `server.py` wraps around the Streamlit app (PWA routes, the HTML
shell, security headers). Plain Starlette/ASGI; no Streamlit UI code lives here."""
