"""Draw the cashier app icon: a white receipt with a QR corner on a teal rounded square.

Writes ``cashier.svg``, ``cashier.png`` (256 px), ``cashier-<size>.png`` for the Linux icon theme
and ``cashier.ico`` (16-256 px) for Windows, next to this script. Needs only Pillow (which
python-escpos already installs). Run it again after changing the drawing and commit the results:

    .venv/bin/python resources/icons/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
TEAL = (0, 128, 128, 255)
WHITE = (255, 255, 255, 255)
INK = (32, 48, 56, 255)
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = [(s, s) for s in (16, 24, 32, 48, 64, 128, 256)]

# The drawing on a 64-unit grid, shared by the SVG and the bitmap renderer.
BACKGROUND = (2, 2, 62, 62, 12)  # x0, y0, x1, y1, corner radius
RECEIPT_TOP, RECEIPT_LEFT, RECEIPT_RIGHT, RECEIPT_BOTTOM = 10, 16, 48, 52
TEETH = 6
LINES = ((21, 18, 43), (27, 18, 36), (33, 18, 40))  # y, x0, x1
QR_CELLS = ((36, 40), (40, 40), (36, 44), (44, 44), (40, 36), (44, 36))  # top-left of 3x3 cells


def receipt_outline() -> list[tuple[float, float]]:
    """The receipt's outline with a zig-zag torn bottom edge."""
    points = [(RECEIPT_LEFT, RECEIPT_TOP), (RECEIPT_RIGHT, RECEIPT_TOP)]
    width = (RECEIPT_RIGHT - RECEIPT_LEFT) / TEETH
    for i in range(TEETH, 0, -1):
        x = RECEIPT_LEFT + i * width
        points.append((x, RECEIPT_BOTTOM))
        points.append((x - width / 2, RECEIPT_BOTTOM - 3))
    points.append((RECEIPT_LEFT, RECEIPT_BOTTOM))
    return points


def svg() -> str:
    x0, y0, x1, y1, r = BACKGROUND
    outline = " ".join(f"{x:g},{y:g}" for x, y in receipt_outline())
    lines = "".join(
        f'<rect x="{a}" y="{y}" width="{b - a}" height="2.5" fill="#203038"/>'
        for y, a, b in LINES
    )
    cells = "".join(f'<rect x="{x}" y="{y}" width="3.5" height="3.5" fill="#203038"/>'
                    for x, y in QR_CELLS)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="256" height="256">'
        f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{r}" fill="#008080"/>'
        f'<polygon points="{outline}" fill="#ffffff"/>{lines}{cells}</svg>\n'
    )


def bitmap(size: int) -> Image.Image:
    """The icon at ``size`` px, drawn 8x larger and scaled down for smooth edges."""
    big = size * 8
    k = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x0, y0, x1, y1, r = BACKGROUND
    draw.rounded_rectangle((x0 * k, y0 * k, x1 * k, y1 * k), radius=r * k, fill=TEAL)
    draw.polygon([(x * k, y * k) for x, y in receipt_outline()], fill=WHITE)
    for y, a, b in LINES:
        draw.rectangle((a * k, y * k, b * k, (y + 2.5) * k), fill=INK)
    for x, y in QR_CELLS:
        draw.rectangle((x * k, y * k, (x + 3.5) * k, (y + 3.5) * k), fill=INK)
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
