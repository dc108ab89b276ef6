"""The home-screen icons of the installable site, drawn once and committed in docs/assets/icons/.

Not part of the build (a build makes no image and needs no network): run it again only to change
the drawing, ``python -m generator.icons``, and commit the PNGs. Pillow is already installed as
fpdf2's dependency. A province may replace the files with its own, same names and sizes.

The drawing: a form with lines and a tick, white on the site's dark red (#b71c1c, the header's
colour). "any" icons are a rounded square; "maskable" ones fill the square and keep the drawing in
the central circle (radius 40 % of the side) that every launcher mask leaves visible.
"""

from __future__ import annotations

from pathlib import Path

RED = (0xB7, 0x1C, 0x1C, 255)
WHITE = (255, 255, 255, 255)
FOLDER = Path(__file__).resolve().parent.parent / "docs" / "assets" / "icons"
SCALE = 4  # drawn this many times larger, then reduced: smooth edges


def _draw(size: int, maskable: bool):
    from PIL import Image, ImageDraw

    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=RED)
        glyph = 0.50  # the form's height as a share of the side: inside the safe circle
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(big * 0.22), fill=RED)
        glyph = 0.66

    def at(x: float, y: float) -> tuple[int, int]:
        """A point of the drawing in a 100 × 100 box centred on the icon, scaled to ``glyph``."""
        unit = big * glyph / 100
        return round(big / 2 + (x - 50) * unit), round(big / 2 + (y - 50) * unit)

    unit = big * glyph / 100
    # The sheet, its top-right corner folded.
    draw.polygon([at(14, 0), at(66, 0), at(86, 20), at(86, 100), at(14, 100)], fill=WHITE)
    draw.polygon([at(66, 0), at(66, 20), at(86, 20)], fill=(0xF2, 0xC4, 0xC4, 255))
    # Lines of text.
    for y, right in ((34, 72), (48, 72), (62, 52)):
        x0, y0 = at(26, y - 3)
        x1, y1 = at(right, y + 3)
        draw.rounded_rectangle((x0, y0, x1, y1), radius=round(3 * unit), fill=RED)
    # The tick.
    draw.line([at(52, 80), at(62, 89), at(80, 70)], fill=RED, width=round(8 * unit), joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {"icon-192.png": (192, False), "icon-512.png": (512, False),
         "icon-maskable-192.png": (192, True), "icon-maskable-512.png": (512, True)}


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        # 32 colours: the two of the drawing and their blends at the edges; a quarter of the bytes.
        # Quantising blurs the opacity a little: what was opaque is made opaque again.
        image = _draw(size, maskable).quantize(colors=32)
        palette = image.getpalette(rawmode="RGBA")
        for alpha in range(3, len(palette), 4):
            palette[alpha] = 255 if palette[alpha] >= 240 else 0 if palette[alpha] <= 15 else palette[alpha]
        image.putpalette(palette, rawmode="RGBA")
        image.save(FOLDER / name, optimize=True)
        print(FOLDER / name)


if __name__ == "__main__":
    main()
