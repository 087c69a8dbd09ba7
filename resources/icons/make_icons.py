"""Draw the cashier app icon in every format from one description.

The design (three QR finder squares and a green tick on a blue rounded square) is the terminal's
window icon, ``cashier.svg``. This script writes that SVG, the PNGs the Linux icon theme and the
self-check use (``cashier.png`` = 256 px, ``cashier-<size>.png``) and ``cashier.ico`` (16-256 px)
for the Windows installer, so every place shows the same icon. Needs only Pillow (which
python-escpos already installs). After changing the drawing, run it and commit the results:

    .venv/bin/python resources/icons/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
GRID = 256  # the SVG's viewBox; every coordinate below is on it
BLUE = "#1565c0"
WHITE = "#ffffff"
GREEN = "#7cf29a"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = [(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]

#: (x, y, width, height, corner radius, colour), painted in order.
RECTS = (
    (8, 8, 240, 240, 44, BLUE),
    (52, 52, 60, 60, 8, WHITE), (66, 66, 32, 32, 4, BLUE),
    (144, 52, 60, 60, 8, WHITE), (158, 66, 32, 32, 4, BLUE),
    (52, 144, 60, 60, 8, WHITE), (66, 158, 32, 32, 4, BLUE),
)
#: The tick: start point, then relative steps; drawn with round caps and joins.
TICK_START = (150, 176)
TICK_STEPS = ((22, 22), (40, -48))
TICK_WIDTH = 18


def svg() -> str:
    lines = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{GRID}" height="{GRID}" '
             f'viewBox="0 0 {GRID} {GRID}">', "  <title>cashier</title>"]
    lines += [f'  <rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" fill="{colour}"/>'
              for x, y, w, h, r, colour in RECTS]
    steps = " ".join(f"l{dx} {dy}" for dx, dy in TICK_STEPS)
    lines.append(f'  <path d="M{TICK_START[0]} {TICK_START[1]} {steps}" fill="none" '
                 f'stroke="{GREEN}" stroke-width="{TICK_WIDTH}"')
    lines.append('        stroke-linecap="round" stroke-linejoin="round"/>')
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def tick_points() -> list[tuple[float, float]]:
    points = [TICK_START]
    for dx, dy in TICK_STEPS:
        x, y = points[-1]
        points.append((x + dx, y + dy))
    return points


def bitmap(size: int) -> Image.Image:
    """The icon at ``size`` px, drawn 8x larger and scaled down for smooth edges."""
    big = size * 8
    k = big / GRID
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for x, y, w, h, r, colour in RECTS:
        draw.rounded_rectangle((x * k, y * k, (x + w) * k, (y + h) * k), radius=r * k,
                               fill=colour)
    points = [(x * k, y * k) for x, y in tick_points()]
    width = TICK_WIDTH * k
    draw.line(points, fill=GREEN, width=round(width), joint="curve")
    for x, y in points:  # round caps (and joins)
        draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=GREEN)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    (HERE / "cashier.svg").write_text(svg(), encoding="utf-8")
    for size in PNG_SIZES:
        bitmap(size).save(HERE / f"cashier-{size}.png", optimize=True)
    bitmap(256).save(HERE / "cashier.png", optimize=True)
    bitmap(256).save(HERE / "cashier.ico", sizes=ICO_SIZES)
    print(f"icons written to {HERE}")


if __name__ == "__main__":
    main()
