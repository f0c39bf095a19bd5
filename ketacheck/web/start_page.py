"""The first screen, `/`: a small static page built from the content files.

A phone on a slow network sees it at once, before (and without) any of Streamlit's 2.7 MB of
script: who the check is for, whether the ketamine is prescribed, the region with its emergency
and crisis numbers, Start, Help and "Leave this site quickly". Everything a person must read is in
the HTML (crisis numbers too), in system fonts; the choices need /start.js (about 4 KB), which
writes them into the tab's copy of the check (ketacheck/ui/tab_copy.py: sessionStorage
`ketacheck.check`, stamped with the content version) and opens the check, whose fresh session
takes the copy back. Once the page has loaded, Streamlit's bundle is fetched in the background
(`<link rel=prefetch>` added by /start.js: downloaded into the cache, not run), so the first
question follows Start quickly. (Links in the HTML itself start those 560 KB at once, beside the
page's own requests: Lighthouse's simulated slow 4G then put the largest paint at 2.4 s, not 0.8.)

Without scripts the region list still works (a form posted back here re-renders the page for the
chosen region); the Start link then opens the app's own start page, which says it needs scripts.

The engine rule holds: this module reads content and Streamlit's index.html as text; it never
imports Streamlit.
"""

from __future__ import annotations

import gzip
import json
import re
from html import escape
from pathlib import Path
from urllib.parse import parse_qs

from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from ketacheck import loader, referral, translations, wording
from ketacheck.loader import Content
from ketacheck.model import DONT_KNOW, SEX_LABELS, Region
from ketacheck.web import html_shell, offline_page, script_words
from ketacheck.web.compression import accepts_gzip
from ketacheck.web.headers import streamlit_index_html
from ketacheck.web.pwa import QUICK_EXIT_URL

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
PATH = "/"
APP_START = "/start"  # the app's own start page (Streamlit), for no scripts and for intake's modules
MAX_FORM_BYTES = 2048  # the region form is well under 200 bytes

# The same words as the app's start page (pages/start.py, ketacheck/ui/pickers.py), so one
# translation serves both; the intro is that page's Markdown, drawn here as HTML.
AUDIENCES = [("self", "Myself"), ("other", "Someone I care about"), ("intake", "Intake pre-screen (clinic device)")]
PRESCRIBED = [("false", "No, it is not prescribed"), ("true", "Yes, it is prescribed as treatment")]
INTRO = (
    "A private check on ketamine use: yours, someone you care about, or a clinic intake. "
    "One question at a time, then a first result with what to do next. **It is not a diagnosis**, and "
    "**nothing you answer is stored on the server**: answers stay in this session's memory and in this "
    "browser tab (so a lost connection loses nothing). Closing the tab removes them (the server forgets "
    "within two minutes); *Leave this site quickly* or *Clear my answers* removes them at once."
)


def _markdown(text: str) -> str:
    """The intro's **bold** and *emphasis*, as HTML (after escaping)."""
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escape(text))
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", html)


def words(content: Content) -> dict[str, str]:
    """The page's and /start.js's words in the content's language."""
    _ = content.ui.gettext
    return {
        "title": _("KetaCheck: a private check on ketamine use"),
        "leave": _("Leave this site quickly"),
        "leave_help": _("Clears your answers and opens a weather page. Pressing Shift three times does the same."),
        "numbers": _("Emergency and crisis numbers"),
        "every_region": _("Emergency and crisis numbers for every region"),
        "who": _("Who is this check for?"),
        "prescribed": _("Is the ketamine prescribed as treatment?"),
        "prescribed_other": _("Is their ketamine prescribed as treatment?"),
        "prescribed_hint": _("For example clinic infusions, nasal esketamine, or lozenges at home under a prescriber."),
        "sex": _("Sex (optional)"),
        "sex_hint": _("Only used to pick the right cut-off for the alcohol questions."),
        "where": _("Where are you? (for the right phone numbers)"),
        "show": _("Show the numbers for this region"),
        "start": _("Start the check"),
        "ready": _("Choose who the check is for, and whether the ketamine is prescribed, to begin."),
        "help": _("Help and support"),
        "learn": _("Learn about ketamine"),
        "private": _("Private: your answers live only in this session's memory and in this browser tab. Nothing "
                     "is written down on the server, logged or sent anywhere. KetaCheck is not a diagnosis."),
        "language": _("Language"),
        # /start.js
        "continue": _("Continue the check"),
        "kept": _("Your answers so far are kept in this tab."),
        "modules": _("Next: the modules for this pre-screen"),
        "modules_note": _("With every module: {length}. A clinician can switch modules off on the next screen."),
        "start_length": _("Start: {length}"),
        "core_note": _("The core check is {length}. Deeper, optional questions are offered with the first result."),
    }


def path(language: str) -> str:
    """Each language's first screen: `/` guesses from the browser, `/?lang=es` says which."""
    return PATH if language == "en" else f"{PATH}?lang={language}"

STYLE = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1B2631;background:#fff;
line-height:1.5;font-size:17px}
main,.kc-top{max-width:42rem;margin:0 auto;padding:0 1rem}
.kc-top{position:sticky;top:0;background:#fff;padding-top:.5rem;padding-bottom:.5rem;z-index:10}
.kc-leave{display:flex;align-items:center;justify-content:center;min-height:48px;border-radius:.5rem;
background:#B0301F;color:#fff;font-weight:600;text-decoration:none}
.kc-leave:hover,.kc-leave:focus{background:#8A2417}
a:focus-visible,button:focus-visible,input:focus-visible+span,select:focus-visible{outline:3px solid #1B2631;
outline-offset:2px}
h1{font-size:2rem;margin:.75rem 0 .25rem;line-height:1.2}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem;line-height:1.3}
a{color:#1F5F8B;font-weight:600}
.kc-numbers p{margin:.25rem 0}
.kc-numbers a[href^="tel:"]{display:inline-block;min-height:44px;line-height:44px;padding:0 .25rem}
.kc-hint{color:#4F5B66;font-size:.95rem;margin:.25rem 0 .5rem}
fieldset{border:0;margin:0;padding:0}
legend{font-size:1.25rem;font-weight:700;margin:1.5rem 0 .5rem;padding:0}
.kc-choice{display:flex;align-items:center;gap:.75rem;min-height:48px;margin:.5rem 0;padding:.5rem .75rem;
border:1px solid #B8C2CC;border-radius:.5rem;cursor:pointer}
.kc-choice input{width:22px;height:22px;margin:0;flex:none;accent-color:#1F5F8B}
.kc-choice:has(input:checked){border:2px solid #1F5F8B;background:#EEF4F9;font-weight:600}
label[for=kc-region]{display:block;font-weight:600;margin:1.5rem 0 .25rem}
select{font:inherit;font-size:16px;width:100%;min-height:48px;padding:.5rem;border:1px solid #6B7883;
border-radius:.5rem;background:#fff;color:#1B2631}
.kc-show{font:inherit;min-height:48px;margin:.5rem 0;padding:.5rem 1rem;border:1px solid #1F5F8B;border-radius:.5rem;
background:#fff;color:#1F5F8B;font-weight:600}
.kc-start{display:flex;align-items:center;justify-content:center;min-height:52px;margin:1.5rem 0 .5rem;
border-radius:.5rem;background:#1F5F8B;color:#fff;font-size:1.1rem;text-decoration:none;text-align:center;padding:.5rem 1rem}
.kc-start[aria-disabled=true]{background:#5B6B78}
.kc-links a,.kc-languages a{display:inline-block;min-height:44px;line-height:44px;margin-right:1.25rem}
.kc-languages{margin-top:.25rem}
/* Large text on a phone: a long Spanish word hyphenates or breaks, Chinese breaks between characters. */
body{overflow-wrap:anywhere;hyphens:auto}
:lang(zh){line-break:strict}
footer{max-width:42rem;margin:1.5rem auto 2rem;padding:1rem 1rem 0;border-top:1px solid #D5DDE4;color:#4F5B66;
font-size:.95rem}
[hidden]{display:none!important}
"""


def streamlit_bundle(index_html: str | None = None) -> list[str]:
    """The script and style files Streamlit's index.html loads first, in its order (their names
    are hashes, so the list changes with each Streamlit release and is read, not written down)."""
    html = index_html if index_html is not None else streamlit_index_html()
    found = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="\./(static/[^"]+\.(?:js|css))"', html)
    return ["/" + path for path in dict.fromkeys(found)]


def _tags(accept_language: str | None) -> list[str]:
    """The browser's language tags, most wanted first (by q, then by order)."""
    tags = []
    for n, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and tag != "*" and q > 0:
            tags.append((-q, n, tag))
    return [tag for _, _, tag in sorted(tags)]


def guess_region(content: Content, accept_language: str | None) -> str:
    """The region of the browser's most wanted language tag (as the app does with its locale)."""
    for tag in _tags(accept_language):
        region = content.region_for_locale(tag, default="")
        if region:
            return region
    return content.region_for_locale(None)


def numbers(content: Content, region: Region) -> str:
    """The app's crisis line for one region: the emergency number, then the first crisis line."""
    _ = content.ui.gettext
    emergency = next((r for r in region.resources if r.type == "emergency"), None)
    crisis = next((r for r in region.resources if r.type == "crisis"), None)
    lines = []
    if emergency and emergency.phone:
        link = f'<a href="{escape(referral.tel_link(emergency.phone))}"><strong>{escape(emergency.phone)}</strong></a>'
        lines.append("<p>" + escape(_("In danger now? Call {number}.")).format(number=link) + "</p>")
    if crisis:
        if crisis.phone:
            how = f' <a href="{escape(referral.tel_link(crisis.phone))}"><strong>{escape(crisis.phone)}</strong></a>'
        elif crisis.sms:
            link = f'<a href="{escape(referral.sms_link(crisis.sms.number, crisis.sms.keyword))}">{escape(crisis.sms.number)}</a>'
            how = " " + escape(_("(text {number})")).format(number=link)
        else:
            how = ""
        lines.append("<p>" + escape(_("To talk now: {name}{how}.")).format(name=escape(crisis.name), how=how) + "</p>")
    return "".join(lines)


def page_data(content: Content) -> dict:
    """What /start.js needs to write a copy the app accepts: the content version, and per audience
    and context the core's length (the Start label) and intake's modules (all on by default)."""
    lengths, modules = {}, {}
    for audience, _ in AUDIENCES:
        for prescribed in (False, True):
            key = f"{audience}:{str(prescribed).lower()}"
            items = content.flow(audience, prescribed, tuple(m.id for m in content.modules_for(audience, prescribed))) \
                if audience == "intake" else content.core(audience, prescribed)
            minutes, n = content.minutes(len(items)), len(items)
            lengths[key] = wording.check_length(content, n, minutes)
            modules[key] = [m.id for m in content.modules_for(audience, prescribed)] if audience == "intake" else []
    return {"version": content.version, "lengths": lengths, "modules": modules,
            "dontKnow": list(content.dont_know.audiences), "app": APP_START, "language": content.language,
            "words": words(content)}


def _radio(name: str, value: str, label: str, chosen: str | None, extra: str = "") -> str:
    checked = " checked" if chosen == value else ""
    return (f'<label class="kc-choice"{extra}><input type="radio" name="{name}" value="{escape(value)}"{checked}>'
            f"<span>{escape(label)}</span></label>")


def render(content: Content, region: str, chosen: dict[str, str] | None = None,
           bundle: list[str] | None = None, languages: dict[str, str] | None = None) -> str:
    """The page for one region (the guessed or chosen one), in the content's language; `chosen`
    re-checks what a form sent; `languages` (code -> own name) links the page in the others."""
    _ = content.ui.gettext
    w = {key: escape(text) for key, text in words(content).items()}
    chosen = chosen or {}
    region = region if region in content.regions else content.region_for_locale(None)
    blocks = "".join(
        f'<div data-region="{escape(r.id)}"{"" if r.id == region else " hidden"}>{numbers(content, r)}</div>'
        for r in content.regions.values())
    options = "".join(f'<option value="{escape(r.id)}"{" selected" if r.id == region else ""}>{escape(r.name)}</option>'
                      for r in content.regions.values())
    audiences = "".join(_radio("audience", v, _(label), chosen.get("audience")) for v, label in AUDIENCES)
    only_other = "" if chosen.get("audience") in content.dont_know.audiences else " hidden"
    prescribed = "".join(_radio("prescribed", v, _(label), chosen.get("prescribed")) for v, label in PRESCRIBED)
    prescribed += _radio("prescribed", DONT_KNOW, content.dont_know.label, chosen.get("prescribed"),
                         f' data-for="{" ".join(content.dont_know.audiences)}"{only_other}')
    sexes = "".join(_radio("sex", v, _(label), chosen.get("sex")) for v, label in SEX_LABELS.items())
    sex_hidden = "" if chosen.get("audience") in ("self", "intake") else " hidden"
    data = {**page_data(content), "prefetch": streamlit_bundle() if bundle is None else bundle}
    data = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("<", "\\u003c")
    # Each language in its own name, a plain link (no script needed); a bare "zh" browser lands on
    # English and picks its script here.
    others = "".join(f'<a href="{escape(path(lang))}" lang="{escape(lang)}" hreflang="{escape(lang)}">{escape(name)}</a>'
                     for lang, name in (languages or {}).items() if lang != content.language)
    switch = f'<nav class="kc-languages" aria-label="{w["language"]}">{others}</nav>' if others else ""
    lang = escape(content.language)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{escape(_(html_shell.DESCRIPTION))}">
<meta name="theme-color" content="{html_shell.THEME_COLOR}">
<meta name="referrer" content="no-referrer">
<title>{w["title"]}</title>
<link rel="manifest" href="{escape(script_words.manifest_path(content.language))}">
<link rel="icon" type="image/svg+xml" href="/icons/icon.svg">
<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">
<style>{STYLE}</style>
<script src="/pwa.js" defer></script>
<script src="/start.js" defer></script>
</head>
<body>
<header class="kc-top"><a class="kc-leave" href="{escape(QUICK_EXIT_URL)}" rel="noreferrer" data-kc-leave
title="{w["leave_help"]}">{w["leave"]}</a></header>
<main>
{switch}
<h1>{html_shell.NAME}</h1>
<section class="kc-numbers" aria-label="{w["numbers"]}">{blocks}
<p><a href="{escape(offline_page.path(content.language))}">{w["every_region"]}</a></p>
</section>
<p>{_markdown(_(INTRO))}</p>
<form id="kc-start-form" method="post" action="{escape(path(content.language))}">
<fieldset><legend>{w["who"]}</legend>{audiences}</fieldset>
<fieldset id="kc-prescribed"><legend>{w["prescribed"]}</legend>
<p class="kc-hint">{w["prescribed_hint"]}</p>
{prescribed}</fieldset>
<fieldset id="kc-sex"{sex_hidden}><legend>{w["sex"]}</legend>
<p class="kc-hint">{w["sex_hint"]}</p>{sexes}</fieldset>
<label for="kc-region">{w["where"]}</label>
<select id="kc-region" name="region">{options}</select>
<noscript><button class="kc-show" type="submit">{w["show"]}</button></noscript>
<a id="kc-start" class="kc-start" href="{APP_START}">{w["start"]}</a>
<p id="kc-start-note" class="kc-hint" role="status">{w["ready"]}</p>
</form>
<p class="kc-links"><a href="/help">{w["help"]}</a><a href="/learn">{w["learn"]}</a></p>
</main>
<footer><p>{w["private"]}</p></footer>
<script type="application/json" id="kc-start-data">{data}</script>
</body>
</html>
"""


def guess_language(accept_language: str | None, have: list[str]) -> str:
    """The language of the browser's most wanted tag that names one ("en" when none does, or for a
    bare "zh", whose script the page's language links then ask for)."""
    for tag in _tags(accept_language):
        found = translations.guess_language(tag, have)
        if found:
            return found
        if translations.asks_language(tag, have):
            return translations.SOURCE_LANGUAGE
    return translations.SOURCE_LANGUAGE


def routes(content: Content) -> list[Route]:
    """`/` (GET: the guessed language and region, or `?lang=`; POST: the region a script-less form
    chose) and /start.js. Each language's page for each region is rendered once, at server start,
    and kept with its gzip."""
    bundle = streamlit_bundle()
    contents = loader.in_every_language(content.directory)
    have = list(contents)
    names = {lang: translations.LANGUAGE_NAMES.get(lang, lang) for lang in contents}
    pages = {(lang, rid): render(c, rid, bundle=bundle, languages=names).encode("utf-8")
             for lang, c in contents.items() for rid in content.regions}
    packed = {key: gzip.compress(body, compresslevel=9, mtime=0) for key, body in pages.items()}
    script = (STATIC / "start.js").read_bytes()
    headers = {"cache-control": "no-cache", "vary": "Accept-Encoding, Accept-Language"}

    def reply(request: Request, body: bytes, language: str, key: tuple[str, str] | None) -> Response:
        sent = {**headers, "content-language": language}
        if key is not None and accepts_gzip(request.headers.get("accept-encoding", "")):
            return Response(packed[key], media_type="text/html; charset=utf-8",
                            headers={**sent, "content-encoding": "gzip"})
        return Response(body, media_type="text/html; charset=utf-8", headers=sent)

    def language_of(request: Request) -> str:
        asked = request.query_params.get("lang")
        return asked if asked in contents else guess_language(request.headers.get("accept-language"), have)

    async def start(request: Request) -> Response:
        language = language_of(request)
        if request.method == "POST":
            raw = b""
            try:
                async for chunk in request.stream():
                    raw += chunk
                    if len(raw) > MAX_FORM_BYTES:
                        return Response("Too large\n", status_code=413, media_type="text/plain")
            except ClientDisconnect:  # a body uvicorn could not parse (it has answered 400 itself)
                return Response("Bad request\n", status_code=400, media_type="text/plain")
            form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8", "replace")).items() if v}
            region = form.get("region", "")
            if region not in content.regions:
                region = guess_region(content, request.headers.get("accept-language"))
            chosen = {k: form[k] for k in ("audience", "prescribed", "sex") if k in form}
            # Not the shared page: it re-checks what was sent (never stored, never logged).
            body = render(contents[language], region, chosen, bundle=bundle, languages=names)
            return reply(request, body.encode("utf-8"), language, None)
        region = guess_region(content, request.headers.get("accept-language"))
        return reply(request, pages[(language, region)], language, (language, region))

    async def start_js(request: Request) -> Response:
        return Response(script, media_type="text/javascript", headers={"cache-control": "no-cache"})

    return [Route(PATH, start, methods=["GET", "HEAD", "POST"]), Route("/start.js", start_js)]
