"""Regenerate KetaCheck's PNG app icons from the hand-drawn SVG sources.

Why this exists: browsers, the PWA manifest and iOS need raster icons at fixed
sizes, so the PNGs in static/icons/ are committed alongside their SVG sources.
The SVGs are the source of truth; run this after changing either SVG:

    .venv/bin/python scripts/make_icons.py

It renders each SVG with Playwright driving the system Chromium
(/usr/bin/chromium), screenshots it at exactly the target size, checks each
PNG's size with Pillow and re-saves it optimised. Maskable and Apple touch
icons are saved without an alpha channel (opaque), as those platforms expect.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# (output file, source SVG, size in px, transparent background allowed)
TARGETS = [
    ("icon-192.png", "icon.svg", 192, True),
    ("icon-512.png", "icon.svg", 512, True),
    ("icon-maskable-512.png", "icon-maskable.svg", 512, False),
    # iOS rounds the corners itself and fills transparency with black, so use the full-bleed art.
    ("apple-touch-icon.png", "icon-maskable.svg", 180, False),
    ("favicon-32.png", "icon.svg", 32, True),
]


def sized_svg(svg_text: str, size: int) -> str:
    """Return the SVG markup with its root element sized to exactly size x size px."""
    svg_text = re.sub(r"<\?xml[^>]*\?>", "", svg_text).strip()
    match = re.search(r"<svg\b[^>]*>", svg_text)
    if match is None:
        raise ValueError("no <svg> root element found")
    tag = re.sub(r'\s(width|height)="[^"]*"', "", match.group(0))
    tag = tag[:-1] + f' width="{size}" height="{size}" style="display:block">'
    return svg_text[: match.start()] + tag + svg_text[match.end() :]


def render(page, svg_text: str, size: int, transparent: bool, out: Path) -> None:
    page.set_viewport_size({"width": size, "height": size})
    page.set_content('<html><body style="margin:0">' + sized_svg(svg_text, size) + "</body></html>")
    page.screenshot(
        path=str(out),
        clip={"x": 0, "y": 0, "width": size, "height": size},
        omit_background=transparent,
    )


def finish(out: Path, size: int, transparent: bool) -> str:
    """Verify the PNG's size, make opaque icons RGB, re-save optimised; return a summary line."""
    with Image.open(out) as img:
        img.load()
        if img.size != (size, size):
            raise SystemExit(f"{out.name}: expected {size}x{size}, got {img.size[0]}x{img.size[1]}")
        img = img.convert("RGBA" if transparent else "RGB")
    img.save(out, optimize=True)
    with Image.open(out) as check:
        return f"{out.name}: {check.size[0]}x{check.size[1]} {check.mode}, {out.stat().st_size} bytes"


def main() -> int:
    sources = {name: (ICONS / name).read_text(encoding="utf-8") for name in {t[1] for t in TARGETS}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(device_scale_factor=1)
            for out_name, src, size, transparent in TARGETS:
                out = ICONS / out_name
                render(page, sources[src], size, transparent, out)
                print(finish(out, size, transparent))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
