"""Drawing primitives: a millimetre-addressed canvas, fonts, security
backgrounds (guilloche rosettes, wave lines, microprint, tints), portrait
placeholders, signatures, stamps, emblems and barcodes."""

import math
import os

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

# ---------------------------------------------------------------------------
# Fonts

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
OCRB = "/usr/share/fonts/opentype/ocr-b/"
FONT_FILES = {
    "sans": DEJAVU + "DejaVuSans.ttf",
    "sans_bold": DEJAVU + "DejaVuSans-Bold.ttf",
    "sans_oblique": DEJAVU + "DejaVuSans-Oblique.ttf",
    "sans_light": DEJAVU + "DejaVuSans-ExtraLight.ttf",
    "cond": DEJAVU + "DejaVuSansCondensed.ttf",
    "cond_bold": DEJAVU + "DejaVuSansCondensed-Bold.ttf",
    "cond_oblique": DEJAVU + "DejaVuSansCondensed-Oblique.ttf",
    "serif": DEJAVU + "DejaVuSerif.ttf",
    "serif_bold": DEJAVU + "DejaVuSerif-Bold.ttf",
    "serif_italic": DEJAVU + "DejaVuSerif-Italic.ttf",
    "serif_cond": DEJAVU + "DejaVuSerifCondensed.ttf",
    "serif_cond_bold": DEJAVU + "DejaVuSerifCondensed-Bold.ttf",
    "mono": DEJAVU + "DejaVuSansMono.ttf",
    "mono_bold": DEJAVU + "DejaVuSansMono-Bold.ttf",
    "ocrb": OCRB + "OCRB.otf",
    "ocrb_sharp": OCRB + "OCRBS.otf",
    "ocrb_oblique": OCRB + "OCRBL.otf",
    "ocrb_outline": OCRB + "OCRBF.otf",
    "ocrb_inverted": OCRB + "OCRBX.otf",
    "ocrb_inverted_sharp": OCRB + "OCRBE.otf",
}
# Optional extra faces for the visual zone (used only with --extra-fonts).
EXTRA_FONT_FILES = {
    "lib_sans": "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "lib_sans_bold": "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
    "lib_serif": "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "lib_narrow": "/usr/share/fonts/truetype/liberation2/LiberationSansNarrow-Regular.ttf",
    "free_sans": "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
    "free_sans_bold": "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
    "free_serif": "/usr/share/fonts/truetype/freefont/FreeSerif.ttf",
}
EXTRA_VIZ = []


def enable_extra_fonts():
    for k, p in EXTRA_FONT_FILES.items():
        if os.path.exists(p):
            FONT_FILES[k] = p
            EXTRA_VIZ.append(k)
    return list(EXTRA_VIZ)


_font_cache = {}
_cap_ratio = {}


def font(key, px):
    px = max(4, int(round(px)))
    k = (key, px)
    f = _font_cache.get(k)
    if f is None:
        f = ImageFont.truetype(FONT_FILES[key], px)
        if len(_font_cache) > 600:
            _font_cache.clear()
        _font_cache[k] = f
    return f


_support_cache = {}
_notdef = {}


def supports(key, text):
    """True when the font has a glyph for every character of text."""
    for ch in set(text):
        if ord(ch) < 128 or ch.isspace() or "\u0300" <= ch <= "\u036f":
            continue
        k = (key, ch)
        ok = _support_cache.get(k)
        if ok is None:
            f = font(key, 40)
            if key not in _notdef:
                m = f.getmask("\ue000")
                _notdef[key] = (m.size, bytes(m))
            m = f.getmask(ch)
            ok = (m.size, bytes(m)) != _notdef[key]
            _support_cache[k] = ok
        if not ok:
            return False
    return True


def fallback_font(key):
    bold = "bold" in key or key.startswith("ocrb")
    return "sans_bold" if bold else "sans"


def cap_ratio(key):
    r = _cap_ratio.get(key)
    if r is None:
        f = ImageFont.truetype(FONT_FILES[key], 200)
        if key.startswith("ocrb_inverted"):
            f = ImageFont.truetype(FONT_FILES["ocrb"], 200)
        b = f.getbbox("H", anchor="ls")
        r = (b[3] - b[1]) / 200.0
        _cap_ratio[key] = r
    return r


# ---------------------------------------------------------------------------
# Canvas

def rgb01(c):
    return np.array(c[:3], dtype=np.float32) / 255.0


class Canvas:
    """An RGB float image addressed in millimetres."""

    def __init__(self, w_mm, h_mm, ppm, base=(255, 255, 255)):
        self.w_mm, self.h_mm, self.ppm = w_mm, h_mm, ppm
        self.W = int(round(w_mm * ppm))
        self.H = int(round(h_mm * ppm))
        self.a = np.empty((self.H, self.W, 3), np.float32)
        self.a[:] = rgb01(base)
        self._grid = None

    def px(self, mm):
        return mm * self.ppm

    def grid(self):
        if self._grid is None:
            y = (np.arange(self.H, dtype=np.float32) + 0.5) / self.ppm
            x = (np.arange(self.W, dtype=np.float32) + 0.5) / self.ppm
            self._grid = np.meshgrid(x, y)
        return self._grid

    def multiply(self, mask, color, alpha=1.0, bbox=None):
        """Print `color` through `mask` (0..1) like ink: a *= 1 - m*(1-c)."""
        c = rgb01(color)
        if bbox is not None:
            x0, y0, x1, y1 = bbox
            mask = mask[y0:y1, x0:x1]
            dst = self.a[y0:y1, x0:x1]
        else:
            dst = self.a
        if mask.ndim == 3:
            dst *= 1.0 - (alpha * mask) * (1.0 - c)
            return
        for ch in range(3):
            k = np.float32(alpha * (1.0 - c[ch]))
            if k == 0:
                continue
            dst[..., ch] *= 1.0 - k * mask

    def over(self, mask, color, alpha=1.0, bbox=None):
        c = rgb01(color)
        if bbox is not None:
            x0, y0, x1, y1 = bbox
            mask = mask[y0:y1, x0:x1]
            dst = self.a[y0:y1, x0:x1]
        else:
            dst = self.a
        m = (mask if mask.ndim == 3 else mask[..., None]) * np.float32(alpha)
        dst *= 1.0 - m
        dst += m * c

    def paste_rgb(self, img, x_mm, y_mm, mask=None, alpha=1.0, mode="over"):
        """Paste a PIL RGB image with its top-left at (x_mm, y_mm)."""
        x0 = int(round(self.px(x_mm)))
        y0 = int(round(self.px(y_mm)))
        arr = np.asarray(img.convert("RGB"), np.float32) / 255.0
        if mask is None:
            m = np.ones(arr.shape[:2], np.float32)
        else:
            m = np.asarray(mask, np.float32) / 255.0
        h, w = arr.shape[:2]
        xa, ya = max(0, x0), max(0, y0)
        xb, yb = min(self.W, x0 + w), min(self.H, y0 + h)
        if xb <= xa or yb <= ya:
            return
        sub = arr[ya - y0:yb - y0, xa - x0:xb - x0]
        sm = m[ya - y0:yb - y0, xa - x0:xb - x0, None] * alpha
        dst = self.a[ya:yb, xa:xb]
        if mode == "multiply":
            dst *= 1.0 - sm * (1.0 - sub)
        else:
            dst *= 1.0 - sm
            dst += sm * sub

    def to_image(self):
        return Image.fromarray((np.clip(self.a, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB")


class Ink:
    """A full-canvas grey mask that collects text/lines of one ink colour and
    is printed onto the canvas with commit()."""

    def __init__(self, canvas, color, alpha=1.0, mode="multiply", ss=1):
        self.c = canvas
        self.color, self.alpha, self.mode, self.ss = color, alpha, mode, ss
        self.img = Image.new("L", (canvas.W * ss, canvas.H * ss), 0)
        self.d = ImageDraw.Draw(self.img)

    def p(self, mm):
        return mm * self.c.ppm * self.ss

    def text(self, x_mm, y_mm, s, fkey, cap_mm, anchor="ls", max_w_mm=None, min_scale=0.55,
             stroke=0):
        """Draw text with its cap height = cap_mm; y is the baseline for
        anchors '?s'.  Shrinks to fit max_w_mm.  Returns the width in mm."""
        if not s:
            return 0.0
        if not supports(fkey, s):
            fkey = fallback_font(fkey)
        px = self.p(cap_mm) / cap_ratio(fkey)
        f = font(fkey, px)
        w = f.getlength(s)
        if max_w_mm is not None and w > self.p(max_w_mm):
            scale = max(min_scale, self.p(max_w_mm) / w)
            f = font(fkey, px * scale)
            w = f.getlength(s)
        self.d.text((self.p(x_mm), self.p(y_mm)), s, font=f, fill=255, anchor=anchor,
                    stroke_width=stroke, stroke_fill=255)
        return w / (self.c.ppm * self.ss)

    def width(self, s, fkey, cap_mm):
        px = self.p(cap_mm) / cap_ratio(fkey)
        return font(fkey, px).getlength(s) / (self.c.ppm * self.ss)

    def paste(self, small, x_px, y_px):
        """Max-combine a small L image (already at ink resolution) at px."""
        x_px, y_px = int(round(x_px)), int(round(y_px))
        w, h = small.size
        box = (max(0, x_px), max(0, y_px), min(self.img.width, x_px + w), min(self.img.height, y_px + h))
        if box[2] <= box[0] or box[3] <= box[1]:
            return
        crop_small = small.crop((box[0] - x_px, box[1] - y_px, box[2] - x_px, box[3] - y_px))
        region = self.img.crop(box)
        self.img.paste(ImageChops.lighter(region, crop_small), box)

    def mask(self):
        img = self.img
        if self.ss > 1:
            img = img.reduce(self.ss)
        return np.asarray(img, np.float32) * np.float32(1.0 / 255.0)

    def commit(self, extra=None):
        m = self.mask()
        if extra is not None:
            m = m * extra
            bbox = None
        else:
            bb = self.img.getbbox()
            if bb is None:
                return
            s = self.ss
            bbox = (bb[0] // s, bb[1] // s, min(self.c.W, bb[2] // s + 1), min(self.c.H, bb[3] // s + 1))
        if self.mode == "multiply":
            self.c.multiply(m, self.color, self.alpha, bbox)
        else:
            self.c.over(m, self.color, self.alpha, bbox)


# ---------------------------------------------------------------------------
# Colour helpers

PALETTES = [
    dict(paper=(250, 240, 241), pat=[(222, 150, 172), (168, 140, 204)], head=(122, 32, 62)),
    dict(paper=(238, 248, 240), pat=[(118, 190, 150), (150, 170, 214)], head=(20, 92, 60)),
    dict(paper=(236, 243, 252), pat=[(118, 158, 222), (192, 140, 200)], head=(22, 52, 122)),
    dict(paper=(250, 244, 228), pat=[(212, 170, 108), (148, 182, 140)], head=(112, 70, 20)),
    dict(paper=(244, 238, 250), pat=[(172, 140, 212), (118, 182, 200)], head=(72, 40, 122)),
    dict(paper=(244, 244, 241), pat=[(160, 170, 182), (202, 170, 150)], head=(40, 40, 52)),
    dict(paper=(252, 240, 228), pat=[(236, 160, 120), (140, 170, 212)], head=(142, 62, 30)),
    dict(paper=(232, 246, 246), pat=[(100, 182, 192), (222, 170, 118)], head=(10, 82, 92)),
    dict(paper=(246, 250, 232), pat=[(160, 196, 96), (212, 150, 150)], head=(60, 92, 20)),
    dict(paper=(252, 248, 236), pat=[(206, 120, 120), (96, 150, 210)], head=(150, 20, 30)),
]


def jitter_color(rng, c, amt=12):
    return tuple(int(max(0, min(255, v + rng.randint(-amt, amt)))) for v in c)


def mix(c1, c2, t):
    return tuple(int(round(a + (b - a) * t)) for a, b in zip(c1, c2))


# ---------------------------------------------------------------------------
# Security backgrounds (numpy implicit line fields)

def lines_from_phase(phi, width_px):
    f = phi - np.round(phi)
    gy, gx = np.gradient(phi)
    g = np.sqrt(gx * gx + gy * gy) + 1e-4
    d = np.abs(f) / g
    return np.clip(width_px * 0.5 + 0.5 - d, 0.0, 1.0)


def wave_field(cv, rng, spacing_mm, amp_mm, wl_mm, angle_deg, width_mm, mod=None):
    X, Y = cv.grid()
    a = math.radians(angle_deg)
    u = X * math.cos(a) + Y * math.sin(a)
    v = -X * math.sin(a) + Y * math.cos(a)
    p1, p2 = rng.uniform(0, 6.28), rng.uniform(0, 6.28)
    wl2 = wl_mm * rng.uniform(2.2, 4.5)
    b = rng.uniform(0.5, 2.0)
    phi = v + amp_mm * np.sin(2 * math.pi * u / wl_mm + p1 + b * np.sin(2 * math.pi * v / wl2 + p2))
    if mod:
        phi = phi + mod * np.sin(2 * math.pi * u / (wl_mm * 5.3) + p2)
    return lines_from_phase(phi / spacing_mm, width_mm * cv.ppm)


def rosette_field(cv, rng, cx, cy, spacing_mm, petals, amp_mm, width_mm, twist=0.0, radius=None):
    X, Y = cv.grid()
    dx, dy = X - cx, Y - cy
    r = np.sqrt(dx * dx + dy * dy)
    th = np.arctan2(dy, dx)
    ph = rng.uniform(0, 6.28)
    phi1 = r + amp_mm * np.sin(petals * th + twist * r + ph)
    phi2 = r + amp_mm * np.sin(petals * th - twist * r + ph + math.pi / petals)
    m = np.maximum(lines_from_phase(phi1 / spacing_mm, width_mm * cv.ppm),
                   lines_from_phase(phi2 / spacing_mm, width_mm * cv.ppm))
    if radius:
        fade = np.clip((radius - r) / (radius * 0.15), 0, 1)
        m *= fade
    return m


def moire_field(cv, rng, spacing_mm, width_mm):
    X, Y = cv.grid()
    a1 = rng.uniform(0, math.pi)
    a2 = a1 + rng.uniform(0.05, 0.25)
    m = np.zeros_like(X)
    for a in (a1, a2):
        u = X * math.cos(a) + Y * math.sin(a)
        m = np.maximum(m, lines_from_phase(u / spacing_mm, width_mm * cv.ppm))
    return m


def smooth_noise(cv, rng, scale_mm, octaves=2):
    """Low-frequency value noise in [0,1] (bilinear upsampling of a grid)."""
    out = np.zeros((cv.H, cv.W), np.float32)
    amp, tot = 1.0, 0.0
    s = scale_mm
    for _ in range(octaves):
        gw = max(2, int(cv.w_mm / s) + 2)
        gh = max(2, int(cv.h_mm / s) + 2)
        g = rng.random((gh, gw)).astype(np.float32)
        im = Image.fromarray((g * 255).astype(np.uint8), "L").resize((cv.W, cv.H), Image.BICUBIC)
        out += amp * np.asarray(im, np.float32) / 255.0
        tot += amp
        amp *= 0.5
        s /= 2.0
    return out / tot


def tint_gradient(cv, rng, colors, angle_deg=None):
    """Rainbow printing: a smooth blend between colours across the page
    (computed on a coarse grid and upsampled)."""
    k = 8
    w, h = max(2, cv.W // k), max(2, cv.H // k)
    x = np.linspace(0, cv.w_mm, w, dtype=np.float32)[None, :]
    y = np.linspace(0, cv.h_mm, h, dtype=np.float32)[:, None]
    a = math.radians(angle_deg if angle_deg is not None else rng.uniform(0, 360))
    u = x * math.cos(a) + y * math.sin(a)
    u = (u - u.min()) / max(1e-6, (u.max() - u.min()))
    n = len(colors) - 1
    cols = np.array([rgb01(c) for c in colors], np.float32)
    idx = np.clip((u * n).astype(np.int32), 0, n - 1)
    t = (u * n - idx)[..., None]
    t = t * t * (3 - 2 * t)
    img = cols[idx] * (1 - t) + cols[idx + 1] * t
    small = Image.fromarray((np.clip(img, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB")
    big = np.asarray(small.resize((cv.W, cv.H), Image.BILINEAR), np.float32) * (1.0 / 255.0)
    cv.a *= big


def diagonal_bands(cv, rng, color, period_mm, strength):
    X, Y = cv.grid()
    a = math.radians(rng.choice([30, 45, 60, 120, 135, 150]) + rng.uniform(-8, 8))
    u = X * math.cos(a) + Y * math.sin(a)
    m = 0.5 + 0.5 * np.sin(2 * math.pi * u / period_mm + rng.uniform(0, 6.28))
    m = m ** 2.5
    cv.multiply(m * strength, color)


def paper_texture(cv, rng, strength=0.03):
    n = smooth_noise(cv, rng, 3.0, octaves=3)
    fine = rng.random((cv.H, cv.W)).astype(np.float32)
    t = 1.0 - strength * (n - 0.5) - strength * 0.5 * (fine - 0.5)
    cv.a *= t[..., None]


def microprint(ink, rng, x0, y0, x1, y1, text, cap_mm, line_gap_mm, fkey="sans"):
    y = y0 + cap_mm
    s = (text + " ") * 40
    while y < y1:
        off = rng.uniform(0, 10)
        ink.text(x0 - off, y, s, fkey, cap_mm)
        y += line_gap_mm


# Parametric curves drawn on a supersampled mask (anti-aliased by reduce()).

def hypotrochoid_rosette(ink, cx, cy, radius_mm, rng, n_curves=None, width_px=1):
    R = rng.choice([60, 72, 84, 96, 105, 120])
    r = rng.choice([k for k in (7, 9, 11, 13, 17, 19, 23) if R % k])
    d_ratio = rng.uniform(0.45, 0.95)
    n_curves = n_curves or rng.randint(3, 7)
    scale = radius_mm / ((R - r) + r * d_ratio)
    laps = r // math.gcd(R, r)
    steps = max(800, int(laps * 360))
    t = np.linspace(0, 2 * math.pi * laps, steps)
    for k in range(n_curves):
        d = r * d_ratio * (1 - 0.12 * k)
        rot = k * math.pi / (n_curves * (R // math.gcd(R, r)) + 1)
        x = (R - r) * np.cos(t) + d * np.cos((R - r) / r * t)
        y = (R - r) * np.sin(t) - d * np.sin((R - r) / r * t)
        xr = x * math.cos(rot) - y * math.sin(rot)
        yr = x * math.sin(rot) + y * math.cos(rot)
        pts = list(zip(ink.p(cx + xr * scale).tolist(), ink.p(cy + yr * scale).tolist()))
        ink.d.line(pts, fill=255, width=width_px)


def rope_band(ink, x0, x1, yc, amp_mm, wl_mm, n, rng, width_px=1, vertical=False):
    xs = np.linspace(x0, x1, max(200, int((x1 - x0) * 6)))
    for k in range(n):
        ph = 2 * math.pi * k / n
        a2 = amp_mm * (0.6 + 0.4 * math.sin(ph * 2))
        ys = yc + a2 * np.sin(2 * math.pi * xs / wl_mm + ph)
        if vertical:
            pts = list(zip(ink.p(ys).tolist(), ink.p(xs).tolist()))
        else:
            pts = list(zip(ink.p(xs).tolist(), ink.p(ys).tolist()))
        ink.d.line(pts, fill=255, width=width_px)


def security_background(cv, rng, pal, density=1.0, region=None, strength=1.0):
    """Compose a random security background on the canvas.
    region: (x0, y0, x1, y1) mm to restrict (others faded)."""
    c1, c2 = [jitter_color(rng, c, 18) for c in pal["pat"][:2]]
    # soft tint gradient
    if rng.random() < 0.8:
        paper = pal["paper"]
        cols = [mix(paper, (255, 255, 255), 0.3), paper, mix(paper, c1, 0.25), mix(paper, c2, 0.2)]
        rng.shuffle(cols)
        tint_gradient(cv, rng, cols[:rng.randint(2, 4)])
    if rng.random() < 0.45:
        diagonal_bands(cv, rng, c2, rng.uniform(8, 30), 0.12 * strength)
    mask_total = np.zeros((cv.H, cv.W), np.float32)
    # wave lines
    n_wave = rng.choice([1, 1, 2, 2, 3])
    for i in range(n_wave):
        m = wave_field(cv, rng, spacing_mm=rng.uniform(0.45, 1.4), amp_mm=rng.uniform(0.8, 4.0),
                       wl_mm=rng.uniform(8, 35), angle_deg=rng.uniform(-30, 30) + rng.choice([0, 90, 0]),
                       width_mm=rng.uniform(0.06, 0.14), mod=rng.uniform(0, 3))
        col = c1 if i % 2 == 0 else c2
        cv.multiply(m, col, rng.uniform(0.25, 0.6) * strength * density)
        mask_total = np.maximum(mask_total, m)
    # rosettes
    for _ in range(rng.choice([0, 1, 1, 2])):
        cx = rng.uniform(0.2, 0.8) * cv.w_mm
        cy = rng.uniform(0.2, 0.8) * cv.h_mm
        rad = rng.uniform(0.25, 0.6) * min(cv.w_mm, cv.h_mm)
        m = rosette_field(cv, rng, cx, cy, rng.uniform(0.5, 1.2), rng.randint(5, 18),
                          rng.uniform(0.6, 2.5), rng.uniform(0.06, 0.12),
                          twist=rng.uniform(0, 0.2), radius=rad)
        cv.multiply(m, rng.choice([c1, c2]), rng.uniform(0.3, 0.6) * strength * density)
    if rng.random() < 0.3:
        m = moire_field(cv, rng, rng.uniform(0.35, 0.8), rng.uniform(0.05, 0.1))
        cv.multiply(m, c2, rng.uniform(0.15, 0.3) * strength)
    if rng.random() < 0.3:  # rows of microprint across part of the page
        mp = Ink(cv, rng.choice([c1, c2]), alpha=rng.uniform(0.4, 0.7) * strength)
        y0 = rng.uniform(0.1, 0.6) * cv.h_mm
        microprint(mp, rng, 0, y0, cv.w_mm, y0 + rng.uniform(3, 12),
                   rng.choice(["SECURITY", "UTOPIA", "PASSPORT", "REPUBLIC", "IDENTITY"]),
                   rng.uniform(0.35, 0.55), rng.uniform(0.8, 1.6))
        mp.commit()
    # parametric rosette (supersampled)
    if rng.random() < 0.7:
        ink = Ink(cv, rng.choice([c1, c2]), alpha=rng.uniform(0.35, 0.7) * strength, ss=2)
        for _ in range(rng.randint(1, 2)):
            hypotrochoid_rosette(ink, rng.uniform(0.15, 0.85) * cv.w_mm,
                                 rng.uniform(0.2, 0.7) * cv.h_mm,
                                 rng.uniform(0.15, 0.4) * min(cv.w_mm, cv.h_mm) * 1.6, rng,
                                 width_px=rng.choice([1, 2]))
        if rng.random() < 0.5:
            yc = rng.uniform(0.1, 0.9) * cv.h_mm
            rope_band(ink, -2, cv.w_mm + 2, yc, rng.uniform(1.0, 3.0), rng.uniform(4, 12),
                      rng.randint(6, 14), rng, width_px=rng.choice([1, 2]))
        ink.commit()


# ---------------------------------------------------------------------------
# Portrait placeholder

SKIN = [(241, 204, 178), (224, 172, 138), (198, 142, 104), (160, 110, 78), (118, 78, 52),
        (90, 58, 40), (233, 190, 160), (250, 218, 196)]
HAIR = [(30, 22, 18), (60, 40, 28), (110, 70, 40), (180, 140, 80), (220, 200, 150),
        (140, 140, 140), (200, 200, 200), (90, 30, 20)]
CLOTH = [(30, 40, 70), (60, 60, 60), (120, 20, 30), (20, 80, 60), (200, 200, 210),
         (90, 70, 120), (10, 10, 10), (150, 120, 90), (40, 90, 160)]


def portrait(rng, w, h, mono=False, sex="M"):
    """Return an RGB PIL image of a drawn face (a placeholder photo)."""
    ss = 3
    W, H = w * ss, h * ss
    bgc = rng.choice([(225, 230, 236), (238, 238, 238), (214, 222, 232), (245, 245, 240),
                      (200, 214, 228), (230, 226, 214)])
    img = Image.new("RGB", (W, H), bgc)
    d = ImageDraw.Draw(img)
    skin = jitter_color(rng, rng.choice(SKIN), 10)
    hair = rng.choice(HAIR)
    cloth = rng.choice(CLOTH)
    cx = W * rng.uniform(0.46, 0.54)
    face_w = W * rng.uniform(0.40, 0.50)
    face_h = face_w * rng.uniform(1.22, 1.4)
    top = H * rng.uniform(0.16, 0.24)
    long_hair = (sex == "F" and rng.random() < 0.7) or rng.random() < 0.1
    scarf = rng.random() < 0.08
    # hair behind the head
    if long_hair and not scarf:
        d.rounded_rectangle([cx - face_w * 0.68, top - face_h * 0.08, cx + face_w * 0.68,
                             top + face_h * 1.25], radius=int(face_w * 0.45), fill=hair)
    # shoulders
    sh_top = top + face_h * 1.05
    d.ellipse([cx - W * 0.62, sh_top, cx + W * 0.62, sh_top + H * 0.8], fill=cloth)
    if rng.random() < 0.5:  # collar
        d.polygon([(cx - face_w * 0.3, sh_top + 2), (cx, sh_top + face_h * 0.35),
                   (cx + face_w * 0.3, sh_top + 2)], fill=(235, 235, 235))
    # neck
    d.rectangle([cx - face_w * 0.2, top + face_h * 0.75, cx + face_w * 0.2, sh_top + face_h * 0.12],
                fill=mix(skin, (0, 0, 0), 0.12))
    if scarf:
        sc = rng.choice([(40, 40, 60), (120, 60, 80), (200, 200, 200), (60, 90, 70)])
        d.ellipse([cx - face_w * 0.75, top - face_h * 0.18, cx + face_w * 0.75, top + face_h * 1.3], fill=sc)
    # ears
    ey = top + face_h * 0.48
    for sgn in (-1, 1):
        d.ellipse([cx + sgn * face_w * 0.5 - face_w * 0.09, ey - face_h * 0.08,
                   cx + sgn * face_w * 0.5 + face_w * 0.09, ey + face_h * 0.1], fill=skin)
    # face
    d.ellipse([cx - face_w / 2, top, cx + face_w / 2, top + face_h], fill=skin)
    # hair on top
    if not scarf:
        style = rng.random()
        if style < 0.85:
            d.chord([cx - face_w * 0.56, top - face_h * 0.12, cx + face_w * 0.56, top + face_h * 0.55],
                    180, 360, fill=hair)
            if rng.random() < 0.5:
                d.pieslice([cx - face_w * 0.56, top - face_h * 0.1, cx + face_w * 0.3, top + face_h * 0.5],
                           170, 300, fill=hair)
    # eyes
    ex = face_w * rng.uniform(0.19, 0.23)
    eyy = top + face_h * rng.uniform(0.44, 0.5)
    ew, eh = face_w * 0.12, face_h * 0.04
    iris = rng.choice([(60, 40, 30), (40, 80, 120), (70, 100, 60), (30, 25, 20)])
    for sgn in (-1, 1):
        x = cx + sgn * ex
        d.ellipse([x - ew, eyy - eh, x + ew, eyy + eh], fill=(245, 245, 245))
        d.ellipse([x - eh * 1.05, eyy - eh * 1.05, x + eh * 1.05, eyy + eh * 1.05], fill=iris)
        d.ellipse([x - eh * 0.45, eyy - eh * 0.45, x + eh * 0.45, eyy + eh * 0.45], fill=(10, 10, 10))
        d.arc([x - ew * 1.2, eyy - eh * 4.5, x + ew * 1.2, eyy - eh * 0.8], 200, 340,
              fill=mix(hair, (0, 0, 0), 0.3), width=max(2, int(eh * 0.6)))
    if rng.random() < 0.15:  # glasses
        for sgn in (-1, 1):
            x = cx + sgn * ex
            d.rounded_rectangle([x - ew * 1.5, eyy - eh * 3, x + ew * 1.5, eyy + eh * 3],
                                radius=int(eh * 2), outline=(30, 30, 30), width=max(2, int(eh * 0.5)))
    # nose and mouth
    ny = top + face_h * 0.66
    dark = mix(skin, (0, 0, 0), 0.35)
    d.line([(cx, eyy + eh * 2), (cx - face_w * 0.04, ny), (cx + face_w * 0.03, ny)], fill=dark,
           width=max(2, int(face_w * 0.015)))
    my = top + face_h * 0.79
    d.arc([cx - face_w * 0.17, my - face_h * 0.05, cx + face_w * 0.17, my + face_h * 0.04], 15, 165,
          fill=mix(skin, (120, 20, 30), 0.5), width=max(2, int(face_w * 0.02)))
    if sex == "M" and rng.random() < 0.2:  # beard
        d.chord([cx - face_w * 0.46, top + face_h * 0.55, cx + face_w * 0.46, top + face_h * 1.02],
                0, 180, fill=hair)
        d.arc([cx - face_w * 0.17, my - face_h * 0.05, cx + face_w * 0.17, my + face_h * 0.04], 15, 165,
              fill=(120, 60, 60), width=max(2, int(face_w * 0.02)))
    img = img.filter(ImageFilter.GaussianBlur(ss * 0.6)).resize((w, h), Image.LANCZOS)
    arr = np.asarray(img, np.float32)
    # photographic shading: vertical light falloff and grain
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    xx = np.linspace(-1, 1, w, dtype=np.float32)[None, :, None]
    shade = 1.0 - 0.08 * yy - 0.06 * xx * rng.choice([-1, 1])
    arr = arr * shade + np.random.default_rng(rng.randint(0, 2 ** 31)).normal(0, 3.0, arr.shape)
    arr = np.clip(arr, 0, 255)
    if mono:
        g = arr @ np.array([0.3, 0.59, 0.11], np.float32)
        g = np.clip((g - 128) * 1.1 + 128, 0, 255) * 0.82 + 40
        tone = rng.choice([(1.0, 1.0, 1.0), (1.0, 0.97, 0.9), (0.93, 0.96, 1.0)])
        arr = g[..., None] * np.array(tone, np.float32)
    return Image.fromarray(arr.astype(np.uint8), "RGB")


def ghost(img, rng):
    """A faded monochrome copy for the ghost image."""
    g = img.convert("L")
    arr = np.asarray(g, np.float32)
    arr = 255 - (255 - arr) * rng.uniform(0.25, 0.45)
    return Image.fromarray(arr.astype(np.uint8), "L").convert("RGB")


# ---------------------------------------------------------------------------
# Signature, stamps, emblems, barcodes

def catmull(points, n=16):
    out = []
    pts = [points[0]] + points + [points[-1]]
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(n):
            t = k / n
            t2, t3 = t * t, t * t * t
            x = 0.5 * (2 * p1[0] + (-p0[0] + p2[0]) * t + (2 * p0[0] - 5 * p1[0] + 4 * p2[0] - p3[0]) * t2
                       + (-p0[0] + 3 * p1[0] - 3 * p2[0] + p3[0]) * t3)
            y = 0.5 * (2 * p1[1] + (-p0[1] + p2[1]) * t + (2 * p0[1] - 5 * p1[1] + 4 * p2[1] - p3[1]) * t2
                       + (-p0[1] + 3 * p1[1] - 3 * p2[1] + p3[1]) * t3)
            out.append((x, y))
    out.append(points[-1])
    return out


def signature(ink, rng, x0, y0, w, h):
    """A handwritten-looking signature inside the mm box: a cursive trochoid
    with loops of random height, a capital loop and sometimes a flourish."""
    n_loops = rng.randint(5, 11)
    steps = n_loops * 40
    t = np.linspace(0, 2 * math.pi * n_loops, steps)
    amps = np.array([rng.uniform(0.15, 0.5) for _ in range(n_loops + 2)])
    for k in range(n_loops + 2):
        if rng.random() < 0.2:
            amps[k] = rng.uniform(0.6, 0.95)  # ascender / descender loop
    idx = t / (2 * math.pi)
    amp = np.interp(idx, np.arange(n_loops + 2), amps)
    adv = w * 0.85 / (2 * math.pi * n_loops)
    r = adv * rng.uniform(0.8, 1.6)
    slant = rng.uniform(0.1, 0.45)
    yc = y0 + h * 0.6
    y = yc - h * amp * np.sin(t) * 0.5 - h * 0.08 * np.sin(t / n_loops * rng.uniform(0.5, 2))
    x = x0 + w * 0.1 + adv * t + r * np.cos(t + math.pi / 2) + slant * (yc - y)
    pts = list(zip(x.tolist(), y.tolist()))
    # a capital letter: a big loop before the word
    cap = []
    cx, cy = x0 + w * 0.08, y0 + h * 0.45
    for a in np.linspace(math.pi * 0.9, math.pi * 2.9, 40):
        cap.append((cx + w * 0.07 * math.cos(a) + 0.3 * (cy - (cy + h * 0.45 * math.sin(a))),
                    cy + h * 0.45 * math.sin(a)))
    wid = max(1, int(round(ink.p(rng.uniform(0.16, 0.32)))))
    ink.d.line([(ink.p(px), ink.p(py)) for px, py in cap], fill=255, width=wid, joint="curve")
    # break the word into 1-3 pen strokes
    cuts = sorted(rng.sample(range(40, steps - 40), rng.randint(0, 2))) if steps > 120 else []
    prev = 0
    for c in cuts + [steps]:
        seg = pts[prev:c]
        if len(seg) > 2:
            ink.d.line([(ink.p(px), ink.p(py)) for px, py in seg], fill=255, width=wid, joint="curve")
        prev = c + rng.randint(3, 10)
    if rng.random() < 0.6:  # underline flourish
        ya = y0 + h * rng.uniform(0.85, 1.0)
        fl = catmull([(x0 + w * 0.05, ya + h * 0.05), (x0 + w * 0.5, ya + h * 0.12),
                      (x0 + w * 0.98, ya - h * 0.2)], 12)
        ink.d.line([(ink.p(px), ink.p(py)) for px, py in fl], fill=255, width=max(1, wid - 1), joint="curve")


def ring_text(ink, cx, cy, r_mm, text, cap_mm, fkey="sans_bold", start_deg=-90, span_deg=300):
    """Text along a circle (each glyph rotated)."""
    n = len(text)
    if n == 0:
        return
    f = font(fkey, ink.p(cap_mm) / cap_ratio(fkey))
    for i, ch in enumerate(text):
        if ch == " ":
            continue
        ang = math.radians(start_deg - span_deg / 2 + span_deg * (i + 0.5) / n)
        gx = cx + r_mm * math.cos(ang)
        gy = cy + r_mm * math.sin(ang)
        size = int(ink.p(cap_mm) * 2.2) + 4
        tile = Image.new("L", (size, size), 0)
        ImageDraw.Draw(tile).text((size / 2, size / 2), ch, font=f, fill=255, anchor="mm")
        tile = tile.rotate(-math.degrees(ang) - 90, resample=Image.BICUBIC)
        ink.paste(tile, ink.p(gx) - size / 2, ink.p(gy) - size / 2)


def star(ink, cx, cy, r, points=5, inner=0.45, rot=-90):
    pts = []
    for k in range(points * 2):
        rr = r if k % 2 == 0 else r * inner
        a = math.radians(rot + 180.0 * k / points)
        pts.append((ink.p(cx + rr * math.cos(a)), ink.p(cy + rr * math.sin(a))))
    ink.d.polygon(pts, fill=255)


def stamp(cv, rng, cx, cy, r_mm, text, date_text=None, color=None):
    """An inked rubber stamp (ring text, star, date) with uneven ink."""
    color = color or rng.choice([(90, 40, 140), (30, 60, 150), (160, 30, 40), (30, 110, 70),
                                 (60, 60, 70)])
    ss = 2
    ink = Ink(cv, color, alpha=rng.uniform(0.55, 0.85), ss=ss)
    w = max(1, int(ink.p(r_mm * 0.05)))
    shape = rng.random()
    if shape < 0.7:
        ink.d.ellipse([ink.p(cx - r_mm), ink.p(cy - r_mm), ink.p(cx + r_mm), ink.p(cy + r_mm)],
                      outline=255, width=w)
        ink.d.ellipse([ink.p(cx - r_mm * 0.68), ink.p(cy - r_mm * 0.68), ink.p(cx + r_mm * 0.68),
                       ink.p(cy + r_mm * 0.68)], outline=255, width=max(1, w // 2))
        ring_text(ink, cx, cy, r_mm * 0.84, text[:34], r_mm * 0.17, span_deg=rng.choice([300, 330, 200]))
        if date_text:
            ink.text(cx, cy + r_mm * 0.12, date_text, "cond_bold", r_mm * 0.17, anchor="ms",
                     max_w_mm=r_mm * 1.25)
            star(ink, cx, cy - r_mm * 0.28, r_mm * 0.18)
        else:
            star(ink, cx, cy, r_mm * 0.4)
    else:
        # rectangular entry stamp
        wmm, hmm = r_mm * 2.2, r_mm * 1.4
        ink.d.rounded_rectangle([ink.p(cx - wmm / 2), ink.p(cy - hmm / 2), ink.p(cx + wmm / 2),
                                 ink.p(cy + hmm / 2)], radius=ink.p(r_mm * 0.2), outline=255, width=w)
        ink.text(cx, cy - hmm * 0.18, text[:18], "cond_bold", hmm * 0.13, anchor="ms", max_w_mm=wmm * 0.9)
        if date_text:
            ink.text(cx, cy + hmm * 0.12, date_text, "mono_bold", hmm * 0.14, anchor="ms", max_w_mm=wmm * 0.9)
        ink.text(cx, cy + hmm * 0.36, rng.choice(["ENTRY", "EXIT", "ARRIVED", "DEPARTED", "ADMITTED"]),
                 "sans_bold", hmm * 0.1, anchor="ms")
    # rotate the whole stamp: draw rotated by rotating the ink image region
    ang = rng.uniform(-25, 25)
    R = int(ink.p(r_mm * 1.8))
    box = (int(ink.p(cx)) - R, int(ink.p(cy)) - R, int(ink.p(cx)) + R, int(ink.p(cy)) + R)
    region = ink.img.crop(box).rotate(ang, resample=Image.BICUBIC)
    ink.img.paste(0, box)
    ink.paste(region, box[0], box[1])
    # uneven ink
    noise = np.random.default_rng(rng.randint(0, 2 ** 31))
    m = ink.mask()
    blot = smooth_noise(cv, noise, rng.uniform(1.0, 3.0), octaves=2)
    m = m * np.clip(0.35 + 1.3 * blot, 0, 1)
    cv.multiply(m, color, ink.alpha)


def emblem(cv, rng, cx, cy, size_mm, color, alpha=1.0):
    """A simple heraldic emblem: shield or laurel seal."""
    ink = Ink(cv, color, alpha=alpha, ss=2)
    s = size_mm
    if rng.random() < 0.5:
        pts = [(cx - s / 2, cy - s / 2), (cx + s / 2, cy - s / 2), (cx + s / 2, cy),
               (cx, cy + s / 2), (cx - s / 2, cy)]
        ink.d.polygon([(ink.p(x), ink.p(y)) for x, y in pts], outline=255, width=max(1, int(ink.p(s * 0.05))))
        inner = [(cx - s * 0.38, cy - s * 0.38), (cx + s * 0.38, cy - s * 0.38), (cx + s * 0.38, cy - s * 0.02),
                 (cx, cy + s * 0.36), (cx - s * 0.38, cy - s * 0.02)]
        ink.d.polygon([(ink.p(x), ink.p(y)) for x, y in inner], fill=255)
        # cut a chevron / stripes
        cut = Image.new("L", ink.img.size, 0)
        cd = ImageDraw.Draw(cut)
        k = rng.randint(2, 4)
        for i in range(k):
            y = cy - s * 0.3 + i * s * 0.6 / k
            cd.rectangle([ink.p(cx - s / 2), ink.p(y), ink.p(cx + s / 2), ink.p(y + s * 0.3 / k)], fill=255)
        ink.img = ImageChops.subtract(ink.img, cut)
        ink.d = ImageDraw.Draw(ink.img)
        star(ink, cx, cy - s * 0.62, s * 0.12)
    else:
        for i in range(14):
            a = math.radians(110 + i * 11)
            for sgn in (-1, 1):
                x = cx + sgn * s * 0.42 * math.cos(a)
                y = cy - s * 0.42 * math.sin(a) * -1
                ink.d.ellipse([ink.p(x - s * 0.05), ink.p(y - s * 0.03), ink.p(x + s * 0.05), ink.p(y + s * 0.03)],
                              fill=255)
        star(ink, cx, cy - s * 0.02, s * 0.26, points=rng.choice([5, 6, 8]))
        ink.d.ellipse([ink.p(cx - s * 0.5), ink.p(cy - s * 0.5), ink.p(cx + s * 0.5), ink.p(cy + s * 0.5)],
                      outline=255, width=max(1, int(ink.p(s * 0.02))))
    ink.commit()


def barcode(ink, rng, x0, y0, w, h, kind="1d"):
    if kind == "1d":
        x = x0
        while x < x0 + w:
            bw = rng.choice([0.2, 0.2, 0.4, 0.6]) * 0.6
            if rng.random() < 0.55:
                ink.d.rectangle([ink.p(x), ink.p(y0), ink.p(x + bw), ink.p(y0 + h)], fill=255)
            x += bw
    else:  # stacked 2-D code (PDF417-like)
        rows = max(3, int(h / 0.9))
        rh = h / rows
        for r in range(rows):
            x = x0
            while x < x0 + w:
                bw = rng.choice([0.2, 0.25, 0.35, 0.5])
                if rng.random() < 0.5:
                    ink.d.rectangle([ink.p(x), ink.p(y0 + r * rh), ink.p(x + bw), ink.p(y0 + (r + 1) * rh)],
                                    fill=255)
                x += bw


def chip(cv, rng, x, y, w, h):
    ink = Ink(cv, (200, 170, 90), alpha=1.0, mode="over", ss=2)
    ink.d.rounded_rectangle([ink.p(x), ink.p(y), ink.p(x + w), ink.p(y + h)], radius=ink.p(1.2), fill=255)
    ink.commit()
    ink = Ink(cv, (120, 95, 40), alpha=0.9, ss=2)
    lw = max(1, int(ink.p(0.15)))
    ink.d.line([ink.p(x + w / 2), ink.p(y), ink.p(x + w / 2), ink.p(y + h)], fill=255, width=lw)
    for t in (0.33, 0.66):
        ink.d.line([ink.p(x), ink.p(y + h * t), ink.p(x + w * 0.35), ink.p(y + h * t)], fill=255, width=lw)
        ink.d.line([ink.p(x + w * 0.65), ink.p(y + h * t), ink.p(x + w), ink.p(y + h * t)], fill=255, width=lw)
    ink.d.rounded_rectangle([ink.p(x + w * 0.35), ink.p(y + h * 0.25), ink.p(x + w * 0.65), ink.p(y + h * 0.75)],
                            radius=ink.p(0.6), outline=255, width=lw)
    ink.commit()


def hologram(cv, rng, x0, y0, x1, y1, alpha=0.25):
    """Rainbow OVD patch (diffractive foil look) with soft edges."""
    px0, py0 = max(0, int(x0 * cv.ppm)), max(0, int(y0 * cv.ppm))
    px1, py1 = min(cv.W, int(x1 * cv.ppm) + 1), min(cv.H, int(y1 * cv.ppm) + 1)
    if px1 <= px0 or py1 <= py0:
        return
    X, Y = cv.grid()
    X, Y = X[py0:py1, px0:px1], Y[py0:py1, px0:px1]
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = (x1 - x0) / 2, (y1 - y0) / 2
    d = np.sqrt(((X - cx) / rx) ** 2 + ((Y - cy) / ry) ** 2)
    inside = np.clip((1.0 - d) / 0.35, 0, 1)
    t = (X * 0.35 + Y * 0.6 + rng.uniform(0, 10))
    rainbow = np.stack([np.sin(t), np.sin(t + 2.1), np.sin(t + 4.2)], -1) * 0.25 + 0.9
    m = inside[..., None] * alpha
    cv.a[py0:py1, px0:px1] *= 1 - m + m * rainbow


def rounded_mask(w, h, r):
    m = Image.new("L", (w, h), 0)
    ImageDraw.Draw(m).rounded_rectangle([0, 0, w - 1, h - 1], radius=r, fill=255)
    return m
