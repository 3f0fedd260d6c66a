"""Printing the MRZ: OCR-B glyphs on a fixed pitch with per-document
variation of character height, pitch, line spacing, tracking, ink and stroke
spread."""

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import art


class MRZStyle:
    pass


def choose_style(rng, fmt, width_mm, tier=None):
    s = MRZStyle()
    n_chars = {"TD1": 30, "TD2": 36, "TD3": 44, "MRVA": 44, "MRVB": 36}[fmt]
    s.n_lines = 3 if fmt == "TD1" else 2
    s.n_chars = n_chars
    pitch = 2.54 * rng.uniform(0.9, 1.06)
    pitch = min(pitch, (width_mm - 5.0) / n_chars)
    s.pitch = pitch
    s.cap = pitch * rng.uniform(0.80, 1.06)
    r = rng.random()
    if r < 0.35:
        k = rng.uniform(1.5, 1.85)
    elif r < 0.75:
        k = rng.uniform(1.85, 2.35)
    else:
        k = rng.uniform(2.35, 3.0)
    if fmt == "TD1":
        k = min(k, rng.uniform(1.6, 2.6))
    s.spacing_k = k
    s.spacing = k * s.cap
    s.font = rng.choices(["ocrb", "ocrb_sharp"], weights=[60, 40])[0]
    inks = [(12, 12, 14), (28, 28, 30), (40, 40, 44), (22, 30, 48), (34, 42, 58), (38, 30, 28),
            (0, 0, 0), (52, 52, 56)]
    s.ink = art.jitter_color(rng, rng.choice(inks), 6)
    s.alpha = rng.uniform(0.82, 1.0)
    s.spread_mm = rng.choice([0.0, 0.0, rng.uniform(-0.05, 0.08)])
    s.jitter_x = rng.uniform(0.0, 0.035)  # fraction of pitch (std)
    s.jitter_y = rng.uniform(0.0, 0.025)  # fraction of cap (std)
    s.drift = rng.uniform(-0.006, 0.006)  # tracking drift per char (fraction of pitch)
    s.dark_var = rng.uniform(0.0, 0.12)
    s.grain = rng.random() < 0.25  # laser-engraved / toner grain
    return s


def layout_box(s, width_mm, height_mm, rng, bottom_range=(3.2, 7.5)):
    """Choose where the MRZ goes on a document of the given size.
    Returns (x0, baselines, top) in mm."""
    line_w = s.pitch * s.n_chars
    centre = (width_mm - line_w) / 2.0
    x0 = centre + rng.uniform(-1.2, 1.2)
    x0 = max(1.8, min(width_mm - line_w - 1.8, x0))
    bottom = rng.uniform(*bottom_range)
    last = height_mm - bottom
    baselines = [last - (s.n_lines - 1 - i) * s.spacing for i in range(s.n_lines)]
    top = baselines[0] - s.cap
    return x0, baselines, top


def draw(cv, lines, s, x0, baselines, rng, nprng):
    """Print the MRZ lines on the canvas.  Returns the bbox in mm."""
    ppm = cv.ppm
    ss = 2 if ppm < 14 else 1
    W, H = cv.W * ss, cv.H * ss
    px = lambda mm: mm * ppm * ss
    size = px(s.cap) / art.cap_ratio(s.font)
    f = art.font(s.font, size)
    mask = Image.new("L", (W, H), 0)
    d = ImageDraw.Draw(mask)
    for li, line in enumerate(lines):
        y = baselines[li]
        xoff = rng.gauss(0, 0.08) * s.pitch
        for ci, ch in enumerate(line):
            cx = x0 + xoff + (ci + 0.5) * s.pitch * (1.0 + s.drift * ci / max(1, len(line)))
            cx += rng.gauss(0, s.jitter_x) * s.pitch
            cy = y + rng.gauss(0, s.jitter_y) * s.cap
            if s.dark_var > 0:
                v = int(255 * max(0.55, 1.0 - abs(rng.gauss(0, s.dark_var))))
            else:
                v = 255
            d.text((px(cx), px(cy)), ch, font=f, fill=v, anchor="ms")
    sp = s.spread_mm * ppm * ss
    if abs(sp) > 0.05:
        filt = ImageFilter.MaxFilter(3) if sp > 0 else ImageFilter.MinFilter(3)
        k = abs(sp)
        img = mask
        while k >= 1.0:
            img = img.filter(filt)
            k -= 1.0
        if k > 0.05:
            img2 = img.filter(filt)
            img = Image.blend(img, img2, k)
        mask = img
    if ss > 1:
        mask = mask.resize((cv.W, cv.H), Image.BOX)
    m = np.asarray(mask, np.float32) / 255.0
    if s.grain:
        g = nprng.random(m.shape).astype(np.float32)
        m = m * (0.75 + 0.25 * g)
    cv.multiply(m, s.ink, s.alpha)
    top = baselines[0] - s.cap
    return (x0, top, x0 + s.pitch * s.n_chars, baselines[-1] + 0.25 * s.cap)
