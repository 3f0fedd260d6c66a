"""Capture models: flatbed scans, passport booklets, desk photos in
perspective, and the degradations used by the tiers.  Points (the MRZ
corners) are carried through every geometric step so that meta.jsonl can say
where the MRZ ended up."""

import io
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import art

# ---------------------------------------------------------------------------
# geometry helpers


def rot_points(pts, angle_deg, w, h, W2, H2):
    """Map points of a w*h image rotated by angle (PIL rotate, expand=True)
    into the expanded W2*H2 image."""
    a = math.radians(angle_deg)
    ca, sa = math.cos(a), math.sin(a)
    out = []
    for x, y in pts:
        dx, dy = x - w / 2, y - h / 2
        # PIL rotates counter-clockwise for positive angles (y axis down)
        nx = dx * ca + dy * sa
        ny = -dx * sa + dy * ca
        out.append((nx + W2 / 2, ny + H2 / 2))
    return out


def rotate_rgba(img, alpha, angle):
    if abs(angle) < 1e-3:
        return img, alpha
    w, h = img.size
    r = img.rotate(angle, resample=Image.BICUBIC, expand=True)
    a = alpha.rotate(angle, resample=Image.BICUBIC, expand=True)
    return r, a


def shadow_from_alpha(alpha, blur_px, offset, strength):
    a = alpha.filter(ImageFilter.GaussianBlur(max(0.5, blur_px)))
    arr = np.asarray(a, np.float32) / 255.0 * strength
    return arr, offset


def paste_rgba(dst, src, alpha, x, y):
    """dst: float array HxWx3; src PIL RGB, alpha PIL L; top-left (x, y) int."""
    s = np.asarray(src, np.float32) / 255.0
    a = np.asarray(alpha, np.float32)[..., None] / 255.0
    H, W = dst.shape[:2]
    h, w = s.shape[:2]
    xa, ya, xb, yb = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if xb <= xa or yb <= ya:
        return
    ss = s[ya - y:yb - y, xa - x:xb - x]
    aa = a[ya - y:yb - y, xa - x:xb - x]
    dst[ya:yb, xa:xb] = dst[ya:yb, xa:xb] * (1 - aa) + ss * aa


def darken(dst, mask, x, y, strength):
    H, W = dst.shape[:2]
    h, w = mask.shape[:2]
    xa, ya, xb, yb = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if xb <= xa or yb <= ya:
        return
    m = mask[ya - y:yb - y, xa - x:xb - x, None] * strength
    dst[ya:yb, xa:xb] *= 1 - m


def to_img(arr):
    return Image.fromarray((np.clip(arr, 0, 1) * 255 + 0.5).astype(np.uint8), "RGB")


def to_arr(img):
    return np.asarray(img.convert("RGB"), np.float32) / 255.0


# ---------------------------------------------------------------------------
# Flatbed scan

def scan_bed(rng, nprng, W, H):
    kind = rng.random()
    if kind < 0.6:
        c = rng.uniform(0.93, 1.0)
        col = np.array([c, c, c * rng.uniform(0.97, 1.0)], np.float32)
    elif kind < 0.8:
        c = rng.uniform(0.78, 0.9)
        col = np.array([c, c, c], np.float32)
    else:
        c = rng.uniform(0.05, 0.2)
        col = np.array([c, c, c * 1.05], np.float32)
    arr = np.empty((H, W, 3), np.float32)
    arr[:] = col
    # gentle falloff towards one side (lid open / uneven lamp)
    g = np.linspace(0, 1, W, dtype=np.float32)[None, :, None]
    arr *= 1.0 - rng.uniform(0, 0.06) * (g if rng.random() < 0.5 else 1 - g)
    return arr, col


def compose_scan(docs, rng, nprng, ppm, skew_deg, mrz_doc, mrz_pts, margin=(3, 22)):
    """Lay docs on a scanner bed.  Returns (image, mapped mrz points, bg colour)."""
    rotated = []
    for i, d in enumerate(docs):
        ang = skew_deg + (rng.uniform(-0.6, 0.6) if i else 0)
        r, a = rotate_rgba(d.img, d.alpha, ang)
        pts = None
        if i == mrz_doc and mrz_pts is not None:
            pts = rot_points(mrz_pts, ang, d.img.width, d.img.height, r.width, r.height)
        rotated.append((r, a, pts))
    gap = int(rng.uniform(4, 14) * ppm)
    vertical = rng.random() < 0.6
    if len(rotated) == 1:
        tw, th = rotated[0][0].size
    elif vertical:
        tw = max(r.width for r, _, _ in rotated)
        th = sum(r.height for r, _, _ in rotated) + gap
    else:
        tw = sum(r.width for r, _, _ in rotated) + gap
        th = max(r.height for r, _, _ in rotated)
    ml, mr, mt, mb = [int(rng.uniform(*margin) * ppm) for _ in range(4)]
    W, H = tw + ml + mr, th + mt + mb
    bed, bgc = scan_bed(rng, nprng, W, H)
    cover = Image.new("L", (W, H), 0)
    x, y = ml, mt
    out_pts = None
    for r, a, pts in rotated:
        cover.paste(a, (x, y), a)
        # scanner edge shadow (documents are not perfectly flat)
        sh, _ = shadow_from_alpha(a, 0.4 * ppm, 0, rng.uniform(0.08, 0.25))
        darken(bed, sh, x + int(0.3 * ppm), y + int(0.3 * ppm), 1.0)
        paste_rgba(bed, r, a, x, y)
        if pts is not None:
            out_pts = [(px + x, py + y) for px, py in pts]
        if vertical:
            y += r.height + gap
        else:
            x += r.width + gap
    return bed, out_pts, bgc, cover


# ---------------------------------------------------------------------------
# Passport booklet (two pages)

def compose_booklet(data_doc, facing_doc, rng, nprng, ppm, mrz_pts):
    """Upper page = facing page, lower page = data page, with hinge shadow and
    the cover edge.  Returns (doc-like RGB, alpha, mrz points)."""
    w, h = data_doc.img.size
    fw, fh = facing_doc.img.size
    edge = int(rng.uniform(1.5, 3.0) * ppm)
    W = max(w, fw) + 2 * edge
    H = h + fh + 2 * edge
    cover = rng.choice([(110, 20, 30), (20, 30, 70), (20, 60, 40), (25, 25, 28), (80, 20, 50)])
    arr = np.empty((H, W, 3), np.float32)
    arr[:] = np.array(cover, np.float32) / 255.0
    paste_rgba(arr, facing_doc.img, facing_doc.alpha, edge, edge)
    paste_rgba(arr, data_doc.img, data_doc.alpha, edge, edge + fh)
    # hinge shadow
    yy = np.arange(H, dtype=np.float32)[:, None]
    hinge = edge + fh
    d = np.abs(yy - hinge) / (rng.uniform(3, 8) * ppm)
    sh = np.exp(-d * d) * rng.uniform(0.2, 0.45)
    arr *= (1 - sh)[..., None]
    # page curvature brightness near the hinge (one side)
    alpha = art.rounded_mask(W, H, int(rng.uniform(2, 5) * ppm))
    pts = [(x + edge, y + edge + fh) for x, y in mrz_pts] if mrz_pts else None
    return to_img(arr), alpha, pts


# ---------------------------------------------------------------------------
# Desk photo


def solve_homography(src, dst):
    """Coefficients for PIL PERSPECTIVE mapping output (dst) -> input (src)."""
    A, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b += [u, v]
    return np.linalg.solve(np.array(A, float), np.array(b, float)).tolist()


def apply_h(h, pts):
    """Map points src->dst using the inverse of PIL coefficients h (dst->src)."""
    M = np.array([[h[0], h[1], h[2]], [h[3], h[4], h[5]], [h[6], h[7], 1.0]])
    Mi = np.linalg.inv(M)
    out = []
    for x, y in pts:
        v = Mi @ np.array([x, y, 1.0])
        out.append((v[0] / v[2], v[1] / v[2]))
    return out


def desk_background(rng, nprng, W, H, ppm):
    kind = rng.choice(["wood", "plain", "fabric", "dark", "paper"])
    arr = np.empty((H, W, 3), np.float32)
    if kind == "wood":
        base = np.array(rng.choice([(150, 100, 60), (190, 150, 100), (110, 70, 40), (200, 170, 130)]),
                         np.float32) / 255
        y = np.arange(H, dtype=np.float32)[:, None]
        x = np.arange(W, dtype=np.float32)[None, :]
        f = rng.uniform(0.01, 0.03) / max(1, ppm / 6)
        grain = np.sin(y * f * 6 + 3 * np.sin(x * f * 0.7 + rng.uniform(0, 6)) +
                       1.5 * np.sin(y * f * 0.9)) * 0.5 + 0.5
        arr[:] = base
        arr *= (0.85 + 0.15 * grain)[..., None]
    elif kind == "dark":
        arr[:] = np.array(rng.choice([(40, 40, 45), (30, 35, 50), (55, 45, 40)]), np.float32) / 255
    elif kind == "fabric":
        arr[:] = np.array(rng.choice([(120, 40, 50), (40, 90, 120), (80, 110, 60), (150, 130, 90)]),
                          np.float32) / 255
    elif kind == "paper":
        arr[:] = np.array((230, 228, 220), np.float32) / 255
    else:
        arr[:] = np.array(rng.choice([(200, 200, 205), (170, 180, 175), (220, 210, 190), (90, 100, 110)]),
                          np.float32) / 255
    n = nprng.normal(0, 0.02, (H // 4 + 1, W // 4 + 1)).astype(np.float32)
    nimg = Image.fromarray(((n + 0.5) * 255).clip(0, 255).astype(np.uint8), "L").resize((W, H), Image.BILINEAR)
    arr *= (1 + (np.asarray(nimg, np.float32) / 255 - 0.5))[..., None]
    return arr


WORDS = ("the of and to in report meeting invoice total amount please note account number reference "
         "schedule monday delivery project budget review item quantity price customer service date "
         "ticket seat gate flight order shipping address phone email agenda minutes notes").split()


def printed_paper(rng, nprng, w, h, ppm):
    """A sheet with printed text lines (clutter)."""
    cv = art.Canvas(w / ppm, h / ppm, ppm, rng.choice([(250, 250, 248), (245, 240, 225), (235, 240, 250)]))
    ink = art.Ink(cv, (30, 30, 35))
    y = rng.uniform(6, 12)
    ink.text(8, y, " ".join(rng.choice(WORDS) for _ in range(3)).upper(), "sans_bold", rng.uniform(3, 5))
    y += 8
    cap = rng.uniform(1.2, 2.2)
    while y < cv.h_mm - 5:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 14)))
        if rng.random() < 0.2:
            line = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789 ") for _ in range(rng.randint(10, 30)))
        ink.text(8, y, line, rng.choice(["sans", "serif", "mono", "cond"]), cap, max_w_mm=cv.w_mm - 14)
        y += cap * rng.uniform(1.6, 2.4)
    ink.commit()
    if rng.random() < 0.5:
        col = art.Ink(cv, rng.choice([(200, 40, 40), (40, 90, 200), (240, 180, 30)]), alpha=0.8)
        col.d.rectangle([col.p(8), col.p(cv.h_mm * 0.5), col.p(cv.w_mm * 0.6), col.p(cv.h_mm * 0.5 + 12)], fill=255)
        col.commit()
    return cv.to_image()


def magazine(rng, nprng, w, h):
    """A colourful printed page: photo-like blocks, headline bars, text lines."""
    img = Image.new("RGB", (w, h), rng.choice([(250, 250, 250), (240, 236, 226)]))
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(2, 5)):
        x0, y0 = rng.uniform(0, w * 0.7), rng.uniform(0, h * 0.8)
        x1, y1 = x0 + rng.uniform(w * 0.2, w * 0.6), y0 + rng.uniform(h * 0.1, h * 0.35)
        c1 = tuple(rng.randint(0, 255) for _ in range(3))
        c2 = tuple(rng.randint(0, 255) for _ in range(3))
        steps = 24
        for k in range(steps):
            c = art.mix(c1, c2, k / (steps - 1))
            d.rectangle([x0, y0 + (y1 - y0) * k / steps, x1, y0 + (y1 - y0) * (k + 1) / steps + 1], fill=c)
        for _ in range(rng.randint(0, 4)):
            r = rng.uniform(0.03, 0.12) * w
            cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=tuple(rng.randint(0, 255) for _ in range(3)))
    f = art.font(rng.choice(["sans_bold", "serif_bold"]), max(8, h * 0.045))
    d.text((w * 0.05, h * 0.03), " ".join(rng.choice(WORDS) for _ in range(2)).upper(), font=f,
           fill=tuple(rng.randint(0, 120) for _ in range(3)))
    ft = art.font("sans", max(5, h * 0.014))
    y = h * 0.1
    while y < h * 0.97:
        if rng.random() < 0.8:
            d.text((w * 0.05, y), " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 12))), font=ft,
                   fill=(40, 40, 40))
        y += h * 0.022
    return img


def keyboard(rng, w, h):
    img = Image.new("RGB", (w, h), rng.choice([(30, 30, 32), (200, 200, 205), (60, 60, 66)]))
    d = ImageDraw.Draw(img)
    kc = (245, 245, 245) if img.getpixel((0, 0))[0] > 100 else (45, 45, 50)
    lc = (40, 40, 40) if kc[0] > 100 else (220, 220, 220)
    rows, cols = 5, 14
    kw, kh = w / cols, h / rows
    f = art.font("sans", max(6, kh * 0.3))
    keys = "QWERTYUIOPASDFGHJKLZXCVBNM1234567890"
    for r in range(rows):
        for c in range(cols):
            x0, y0 = c * kw + kw * 0.08, r * kh + kh * 0.08
            d.rounded_rectangle([x0, y0, x0 + kw * 0.84, y0 + kh * 0.84], radius=int(kw * 0.12), fill=kc)
            d.text((x0 + kw * 0.15, y0 + kh * 0.12), rng.choice(keys), font=f, fill=lc)
    return img


def clutter(rng, nprng, arr, ppm, avoid):
    """Draw desk objects on arr (float HxWx3) before the document is laid on
    top.  Positions are biased towards the parts of the scene that the
    document (polygon `avoid`) does not cover, so they stay visible."""
    H, W = arr.shape[:2]
    img = to_img(arr)
    d = ImageDraw.Draw(img)
    ax0 = min(p[0] for p in avoid)
    ax1 = max(p[0] for p in avoid)
    ay0 = min(p[1] for p in avoid)
    ay1 = max(p[1] for p in avoid)

    def spot(sw, sh):
        # choose a centre outside the document box when possible
        for _ in range(12):
            cx, cy = rng.uniform(-0.1 * W, 1.1 * W), rng.uniform(-0.1 * H, 1.1 * H)
            if not (ax0 + sw * 0.3 < cx < ax1 - sw * 0.3 and ay0 + sh * 0.3 < cy < ay1 - sh * 0.3):
                return cx - sw / 2, cy - sh / 2
        return cx - sw / 2, cy - sh / 2

    def paste_rot(obj, x, y, ang):
        m = Image.new("L", obj.size, 255)
        o = obj.rotate(ang, expand=True, resample=Image.BICUBIC)
        m = m.rotate(ang, expand=True, resample=Image.BICUBIC)
        sh = m.filter(ImageFilter.GaussianBlur(max(1, 1.2 * ppm)))
        shadow = Image.new("RGB", o.size, (0, 0, 0))
        img.paste(shadow, (int(x + ppm), int(y + 1.5 * ppm)), sh.point(lambda v: int(v * 0.35)))
        img.paste(o, (int(x), int(y)), m)

    n = rng.randint(4, 9)
    for _ in range(n):
        kind = rng.choice(["paper", "paper", "magazine", "magazine", "pen", "mug", "coins", "phone", "note",
                           "keys", "keyboard", "card"])
        if kind in ("paper", "magazine"):
            pw, ph = int(rng.uniform(120, 210) * ppm), int(rng.uniform(150, 290) * ppm)
            if kind == "paper":
                sheet = printed_paper(rng, nprng, pw // 2, ph // 2, ppm / 2).resize((pw, ph), Image.BILINEAR)
            else:
                sheet = magazine(rng, nprng, pw // 2, ph // 2).resize((pw, ph), Image.BILINEAR)
            x, y = spot(pw, ph)
            paste_rot(sheet, x, y, rng.uniform(-35, 35))
        elif kind == "keyboard":
            kw, kh = int(rng.uniform(250, 300) * ppm), int(rng.uniform(90, 110) * ppm)
            x, y = spot(kw, kh)
            paste_rot(keyboard(rng, kw, kh), x, y, rng.uniform(-20, 20))
        elif kind == "card":
            cw, ch = int(85.6 * ppm), int(54 * ppm)
            c = magazine(rng, nprng, cw, ch)
            x, y = spot(cw, ch)
            paste_rot(c, x, y, rng.uniform(-60, 60))
        elif kind == "pen":
            L = rng.uniform(110, 150) * ppm
            wpen = rng.uniform(7, 10) * ppm
            x, y = spot(L, L)
            a = rng.uniform(0, math.pi)
            cx, cy = x + L / 2, y + L / 2
            dx, dy = math.cos(a) * L / 2, math.sin(a) * L / 2
            col = rng.choice([(20, 40, 140), (200, 30, 30), (20, 20, 20), (240, 240, 240), (30, 120, 60),
                              (250, 200, 0)])
            d.line([(cx - dx + ppm, cy - dy + 2 * ppm), (cx + dx + ppm, cy + dy + 2 * ppm)], fill=(60, 55, 50),
                   width=int(wpen))
            d.line([(cx - dx, cy - dy), (cx + dx, cy + dy)], fill=col, width=int(wpen))
            d.line([(cx - dx * 0.3, cy - dy * 0.3 - wpen * 0.2), (cx + dx * 0.6, cy + dy * 0.6 - wpen * 0.2)],
                   fill=tuple(min(255, c + 80) for c in col), width=max(1, int(wpen * 0.2)))
        elif kind == "mug":
            r = rng.uniform(40, 50) * ppm
            x, y = spot(2 * r, 2 * r)
            col = rng.choice([(240, 240, 240), (30, 60, 140), (180, 40, 40), (250, 200, 60)])
            d.ellipse([x + r * 0.1, y + r * 0.15, x + 2 * r + r * 0.1, y + 2 * r + r * 0.15], fill=(40, 35, 30))
            d.ellipse([x, y, x + 2 * r, y + 2 * r], fill=col)
            d.ellipse([x + r * 0.2, y + r * 0.2, x + 1.8 * r, y + 1.8 * r], fill=(70, 45, 25))
            d.ellipse([x + 1.9 * r, y + 0.8 * r, x + 2.5 * r, y + 1.2 * r], outline=col, width=int(r * 0.12))
        elif kind == "coins":
            for _ in range(rng.randint(1, 4)):
                r = rng.uniform(9, 13) * ppm
                x, y = spot(2 * r, 2 * r)
                col = rng.choice([(190, 160, 80), (170, 170, 165), (160, 110, 60)])
                d.ellipse([x, y, x + 2 * r, y + 2 * r], fill=col, outline=tuple(c - 50 for c in col),
                          width=max(1, int(r * 0.08)))
        elif kind == "phone":
            pw, ph = rng.uniform(70, 78) * ppm, rng.uniform(145, 160) * ppm
            x, y = spot(pw, ph)
            d.rounded_rectangle([x, y, x + pw, y + ph], radius=int(9 * ppm), fill=(20, 20, 24))
            d.rounded_rectangle([x + 3 * ppm, y + 3 * ppm, x + pw - 3 * ppm, y + ph - 3 * ppm], radius=int(6 * ppm),
                                fill=rng.choice([(10, 10, 15), (40, 60, 90), (80, 80, 90)]))
        elif kind == "note":
            sz = rng.uniform(70, 76) * ppm
            x, y = spot(sz, sz)
            col = rng.choice([(250, 235, 110), (250, 170, 190), (160, 220, 250), (180, 240, 160)])
            d.rectangle([x, y, x + sz, y + sz], fill=col)
            f = art.font("sans_oblique", 6 * ppm)
            for k in range(rng.randint(1, 4)):
                d.text((x + 6 * ppm, y + (12 + k * 14) * ppm),
                       " ".join(rng.choice(WORDS) for _ in range(2)), font=f, fill=(40, 40, 120))
        elif kind == "keys":
            r = rng.uniform(12, 16) * ppm
            x, y = spot(4 * r, 3 * r)
            d.ellipse([x, y, x + 2 * r, y + 2 * r], outline=(150, 150, 150), width=max(2, int(r * 0.12)))
            d.rounded_rectangle([x + 1.5 * r, y + 0.6 * r, x + 4 * r, y + 1.2 * r], radius=int(r * 0.2),
                                fill=(180, 170, 120))
    return to_arr(img)


def thumb(arr, rng, quad, ppm):
    """Draw a thumb entering across the top edge of the document quad."""
    t = rng.uniform(0.2, 0.8)
    ex = quad[0][0] + (quad[1][0] - quad[0][0]) * t
    ey = quad[0][1] + (quad[1][1] - quad[0][1]) * t
    # inward normal of the top edge (towards the document centre)
    cx = sum(p[0] for p in quad) / 4
    cy = sum(p[1] for p in quad) / 4
    nx, ny = cx - ex, cy - ey
    nl = math.hypot(nx, ny) or 1.0
    nx, ny = nx / nl, ny / nl
    ang = math.degrees(math.atan2(ny, nx))
    L, Wd = 48 * ppm, 19 * ppm
    tile = Image.new("RGBA", (int(L * 1.2), int(Wd * 1.4)), (0, 0, 0, 0))
    d = ImageDraw.Draw(tile)
    skin = rng.choice(art.SKIN)
    y0 = (tile.height - Wd) / 2
    d.rounded_rectangle([0, y0, L, y0 + Wd], radius=int(Wd / 2), fill=skin + (255,))
    nail = art.mix(skin, (255, 230, 230), 0.45)
    d.rounded_rectangle([L - Wd * 0.75, y0 + Wd * 0.2, L - Wd * 0.08, y0 + Wd * 0.8], radius=int(Wd * 0.25),
                        fill=nail + (255,))
    # shading across the thumb
    sh = Image.new("L", tile.size, 0)
    ImageDraw.Draw(sh).rectangle([0, y0 + Wd * 0.6, L, y0 + Wd], fill=70)
    sh = sh.filter(ImageFilter.GaussianBlur(Wd * 0.15))
    rgb = Image.composite(Image.new("RGB", tile.size, (0, 0, 0)), tile.convert("RGB"), sh)
    tile = Image.merge("RGBA", (*rgb.split(), tile.split()[3]))
    tile = tile.filter(ImageFilter.GaussianBlur(0.8))
    rot = tile.rotate(-ang, expand=True, resample=Image.BICUBIC)
    # tip lies ~14 mm inside the edge
    tipx, tipy = ex + nx * 14 * ppm, ey + ny * 14 * ppm
    # the tip is at the right end of the unrotated tile, centre height
    a = math.radians(ang)
    half = L * 0.5
    ccx, ccy = tipx - math.cos(a) * half, tipy - math.sin(a) * half
    img = to_img(arr)
    shadow = Image.new("RGB", rot.size, (0, 0, 0))
    alpha = rot.split()[3].filter(ImageFilter.GaussianBlur(2 * ppm)).point(lambda v: int(v * 0.4))
    img.paste(shadow, (int(ccx - rot.width / 2 + 1.5 * ppm), int(ccy - rot.height / 2 + 2 * ppm)), alpha)
    img.paste(rot, (int(ccx - rot.width / 2), int(ccy - rot.height / 2)), rot)
    return to_arr(img)


def compose_photo(docs, mrz_doc, rng, nprng, ppm, mrz_pts, tilt_max=28):
    """Place the documents on a cluttered desk and photograph them in
    perspective.  Returns (float image, mrz points, info)."""
    main = docs[mrz_doc]
    w, h = main.img.size
    # camera: rotate the document plane in 3-D and project
    scale = 1.0
    rot = rng.choice([rng.uniform(-12, 12)] * 3 + [rng.uniform(-40, 40), rng.uniform(150, 210)])
    tx = math.radians(rng.uniform(-tilt_max, tilt_max))
    ty = math.radians(rng.uniform(-tilt_max, tilt_max) * 0.8)
    f = max(w, h) * rng.uniform(1.2, 2.2)
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    proj = []
    cr, sr = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    for x, y in corners:
        x, y = x * cr - y * sr, x * sr + y * cr
        # tilt about x then y
        y2 = y * math.cos(tx)
        z = y * math.sin(tx)
        x2 = x * math.cos(ty) + z * math.sin(ty)
        z2 = -x * math.sin(ty) + z * math.cos(ty)
        k = f / (f + z2)
        proj.append((x2 * k * scale, y2 * k * scale))
    xs = [p[0] for p in proj]
    ys = [p[1] for p in proj]
    bw, bh = max(xs) - min(xs), max(ys) - min(ys)
    fill = rng.uniform(0.4, 0.85)
    aspect = rng.choice([4 / 3, 3 / 4, 16 / 9, 1.0, 3 / 2])
    W = int(max(bw / fill, bh / fill * aspect))
    H = int(W / aspect)
    if H < bh / fill:
        H = int(bh / fill)
        W = int(H * aspect)
    cx = W / 2 + rng.uniform(-0.15, 0.15) * (W - bw)
    cy = H / 2 + rng.uniform(-0.15, 0.15) * (H - bh)
    dst = [(x + cx - (min(xs) + max(xs)) / 2, y + cy - (min(ys) + max(ys)) / 2) for x, y in proj]
    arr = desk_background(rng, nprng, W, H, ppm)
    arr = clutter(rng, nprng, arr, ppm, dst)
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    coeffs = solve_homography(src, dst)
    warped = main.img.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC)
    walpha = main.alpha.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC)
    # the other side of a card, if any, lies next to it unwarped-ish
    if len(docs) > 1:
        other = docs[1 - mrz_doc]
        o_img, o_a = rotate_rgba(other.img, other.alpha, rng.uniform(-20, 20))
        ox = int(rng.uniform(0, max(1, W - o_img.width)))
        oy = int(rng.uniform(0, max(1, H - o_img.height)))
        sh, _ = shadow_from_alpha(o_a, 2 * ppm, 0, 0.35)
        darken(arr, sh, ox + int(ppm), oy + int(1.5 * ppm), 1.0)
        paste_rgba(arr, o_img, o_a, ox, oy)
    # shadow under the document
    sh = np.asarray(walpha.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 4) * ppm)), np.float32) / 255
    off = (int(rng.uniform(-1, 3) * ppm), int(rng.uniform(0.5, 4) * ppm))
    darken(arr, sh, off[0], off[1], rng.uniform(0.25, 0.5))
    paste_rgba(arr, warped, walpha, 0, 0)
    # a thumb holding the document at its top edge (away from the MRZ)
    if rng.random() < 0.25 and mrz_pts:
        arr = thumb(arr, rng, dst, ppm)
    out_pts = None
    if mrz_pts:
        Hm = coeffs
        out_pts = apply_h(Hm, mrz_pts)
    # lighting: gradient + vignette + colour temperature
    yy = np.linspace(-1, 1, H, dtype=np.float32)[:, None]
    xx = np.linspace(-1, 1, W, dtype=np.float32)[None, :]
    ga = rng.uniform(0, 2 * math.pi)
    light = 1.0 + rng.uniform(0.05, 0.3) * (xx * math.cos(ga) + yy * math.sin(ga))
    light *= 1.0 - rng.uniform(0.1, 0.35) * (xx * xx + yy * yy) / 2
    arr *= light[..., None]
    temp = rng.choice([(1.05, 1.0, 0.88), (1.0, 1.0, 1.0), (0.92, 0.98, 1.06), (1.08, 1.02, 0.9)])
    arr *= np.array(temp, np.float32)
    return arr, out_pts, dict(rotation=rot, tilt_x=math.degrees(tx), tilt_y=math.degrees(ty))


# ---------------------------------------------------------------------------
# Degradations on float images (HxWx3 in [0,1])


def resize(arr, factor, rng, pts=None, method=None):
    img = to_img(arr)
    W, H = max(1, int(round(img.width * factor))), max(1, int(round(img.height * factor)))
    method = method or rng.choice([Image.LANCZOS, Image.BICUBIC, Image.BOX, Image.LANCZOS])
    out = to_arr(img.resize((W, H), method))
    if pts is not None:
        sx, sy = W / img.width, H / img.height
        pts = [(x * sx, y * sy) for x, y in pts]
    return out, pts


def gaussian_blur(arr, sigma):
    if sigma <= 0.05:
        return arr
    return to_arr(to_img(arr).filter(ImageFilter.GaussianBlur(sigma)))


def motion_blur(arr, length, angle_deg):
    n = max(2, int(round(length)))
    ca, sa = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    H, W = arr.shape[:2]
    pad = n + 2
    p = np.pad(arr, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    acc = np.zeros_like(arr)
    for k in range(n):
        t = k - (n - 1) / 2
        dx, dy = t * ca, t * sa
        ix, iy = int(math.floor(dx)), int(math.floor(dy))
        fx, fy = dx - ix, dy - iy
        # bilinear shift
        a = p[pad + iy:pad + iy + H, pad + ix:pad + ix + W]
        b = p[pad + iy:pad + iy + H, pad + ix + 1:pad + ix + 1 + W]
        c = p[pad + iy + 1:pad + iy + 1 + H, pad + ix:pad + ix + W]
        d = p[pad + iy + 1:pad + iy + 1 + H, pad + ix + 1:pad + ix + 1 + W]
        acc += (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
    return acc / n


def sensor_noise(arr, nprng, sigma, chroma=0.3, speckle=0.0):
    H, W = arr.shape[:2]
    f32 = np.float32
    lum = nprng.standard_normal((H, W, 1), dtype=f32)
    # signal-dependent (shot) component folded into the luminance noise
    lum *= f32(sigma) * (f32(0.75) + f32(0.5) * np.sqrt(np.clip(arr.mean(axis=2, keepdims=True), 0, 1)))
    out = arr + lum
    if chroma > 0:
        out += nprng.standard_normal((H, W, 3), dtype=f32) * f32(sigma * chroma)
    if speckle > 0:
        m = nprng.random((H, W), dtype=f32) < speckle
        out[m] = nprng.choice([0.0, 1.0], size=(int(m.sum()), 1)).astype(f32) * 0.9 + 0.05
        dust = nprng.random((H, W), dtype=f32) < speckle * 0.3
        out[dust] *= 0.4
    np.clip(out, 0, 1, out=out)
    return out


def jpeg_roundtrip(arr, q, subsampling=2):
    buf = io.BytesIO()
    to_img(arr).save(buf, "JPEG", quality=int(q), subsampling=subsampling)
    buf.seek(0)
    return to_arr(Image.open(buf))


def illumination(arr, rng, nprng, strength):
    """Uneven lighting: broad gradient, a soft-edged cast shadow (hand/phone)
    and a warm/cool cast."""
    H, W = arr.shape[:2]
    yy = np.linspace(-1, 1, H, dtype=np.float32)[:, None]
    xx = np.linspace(-1, 1, W, dtype=np.float32)[None, :]
    ga = rng.uniform(0, 2 * math.pi)
    field = 1.0 - strength * rng.uniform(0.3, 0.6) * (0.5 + 0.5 * (xx * math.cos(ga) + yy * math.sin(ga)))
    # cast shadow: a large blurred polygon entering from one side
    sm = Image.new("L", (max(8, W // 8), max(8, H // 8)), 0)
    d = ImageDraw.Draw(sm)
    sw, shh = sm.size
    side = rng.randint(0, 3)
    depth = rng.uniform(0.25, 0.6)
    pts = []
    if side == 0:
        pts = [(0, 0), (sw * depth * rng.uniform(0.6, 1.4), 0), (sw * depth * rng.uniform(0.6, 1.4), shh), (0, shh)]
    elif side == 1:
        pts = [(sw, 0), (sw * (1 - depth * rng.uniform(0.6, 1.4)), 0), (sw * (1 - depth), shh), (sw, shh)]
    elif side == 2:
        pts = [(0, 0), (sw, 0), (sw, shh * depth * rng.uniform(0.6, 1.4)), (0, shh * depth * rng.uniform(0.6, 1.4))]
    else:
        pts = [(0, shh), (sw, shh), (sw, shh * (1 - depth)), (0, shh * (1 - depth * rng.uniform(0.6, 1.4)))]
    d.polygon(pts, fill=255)
    sm = sm.filter(ImageFilter.GaussianBlur(rng.uniform(2, 8))).resize((W, H), Image.BILINEAR)
    shadow = np.asarray(sm, np.float32) / 255.0
    field = field * (1.0 - strength * rng.uniform(0.35, 0.65) * shadow)
    cast = np.array(rng.choice([(1.0, 0.96, 0.85), (0.9, 0.95, 1.0), (1.0, 1.0, 1.0), (1.0, 0.92, 0.9)]),
                    np.float32)
    out = arr * field[..., None]
    out = out * (1 - 0.5 * strength) + out * cast * 0.5 * strength
    return np.clip(out, 0, 1)


def low_contrast(arr, rng):
    """Faded print / washed-out scan: dynamic range squeezed towards a
    slightly warm paper white, optional gamma lift."""
    c = rng.uniform(0.3, 0.5)
    w = rng.uniform(0.9, 1.0)
    warm = rng.uniform(0.0, 0.06)
    paper = np.array([w, w - warm * 0.4, w - warm], np.float32)
    g = rng.uniform(0.7, 1.0)
    a = np.clip(arr, 0, 1) ** g
    return np.clip(paper * (1.0 - c + c * a) - rng.uniform(0, 0.04), 0, 1)


def glare(arr, rng, nprng, pts=None, cover=None):
    """Specular highlight(s) on the laminate; `cover` (HxW 0..1) limits them
    to the document."""
    H, W = arr.shape[:2]
    out = arr.copy()
    n = rng.randint(1, 2)
    for _ in range(n):
        if pts and rng.random() < 0.7:
            # near the MRZ so it matters, centre somewhere along it
            t = rng.uniform(0, 1)
            cx = pts[0][0] + (pts[1][0] - pts[0][0]) * t
            cy = (pts[0][1] + pts[3][1]) / 2 + rng.uniform(-0.5, 0.5) * abs(pts[3][1] - pts[0][1]) * 3
        else:
            cx, cy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
        rx = rng.uniform(0.08, 0.28) * W
        ry = rx * rng.uniform(0.25, 0.8)
        a = rng.uniform(0, math.pi)
        peak = rng.uniform(0.6, 0.88)
        # work inside the box where the highlight is not negligible
        R = 1.9 * rx
        x0, x1 = max(0, int(cx - R)), min(W, int(cx + R) + 1)
        y0, y1 = max(0, int(cy - R)), min(H, int(cy + R) + 1)
        if x1 <= x0 or y1 <= y0:
            continue
        yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        dx, dy = xx - cx, yy - cy
        u = dx * math.cos(a) + dy * math.sin(a)
        v = -dx * math.sin(a) + dy * math.cos(a)
        g = np.exp(-((u / rx) ** 2 + (v / ry) ** 2) * 1.6) * peak
        if cover is not None:
            g *= cover[y0:y1, x0:x1]
        # rainbow fringe of the laminate
        hue = (u / rx) * 3
        rainbow = np.stack([np.sin(hue), np.sin(hue + 2.1), np.sin(hue + 4.2)], -1) * 0.06
        sub = out[y0:y1, x0:x1]
        out[y0:y1, x0:x1] = sub * (1 - g[..., None]) + (1.0 + rainbow) * g[..., None]
    return np.clip(out, 0, 1)


def photocopy(arr, rng, nprng):
    g = arr @ np.array([0.3, 0.59, 0.11], np.float32)
    lo, hi = rng.uniform(0.15, 0.35), rng.uniform(0.7, 0.85)
    g = np.clip((g - lo) / (hi - lo), 0, 1)
    g = g ** rng.uniform(0.8, 1.4)
    # toner noise and faint streaks
    H, W = g.shape
    g = g + nprng.normal(0, 0.05, g.shape).astype(np.float32)
    streak = (nprng.random(W) < 0.01).astype(np.float32) * nprng.uniform(0.05, 0.2, W).astype(np.float32)
    g = g - streak[None, :]
    spots = nprng.random((H, W)) < rng.uniform(0.0002, 0.0015)
    g[spots] = 0.1
    g = np.clip(g, 0, 1)
    if rng.random() < 0.4:  # halftone-ish dither
        thr = nprng.random((H, W)).astype(np.float32)
        g = np.where(g < 0.93, (g > thr * 0.9).astype(np.float32) * 0.9 + 0.05, g)
        g = np.asarray(Image.fromarray((g * 255).astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(0.6)),
                       np.float32) / 255
    tone = rng.choice([(1, 1, 1), (1, 0.99, 0.96), (0.97, 0.98, 1.0)])
    return np.clip(g[..., None] * np.array(tone, np.float32), 0, 1)


def rotate_free(arr, angle, fill, pts=None):
    img = to_img(arr)
    w, h = img.size
    fillc = tuple(int(c * 255) for c in fill)
    r = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=fillc)
    if pts is not None:
        pts = rot_points(pts, angle, w, h, r.width, r.height)
    return to_arr(r), pts


def rot90(arr, k, pts=None):
    """Rotate by k*90 degrees counter-clockwise (exact)."""
    out = np.ascontiguousarray(np.rot90(arr, k))
    if pts is not None:
        new = []
        for x, y in pts:
            W, H = arr.shape[1], arr.shape[0]
            for _ in range(k % 4):
                x, y = y, W - x
                W, H = H, W
            new.append((x, y))
        pts = new
    return out, pts
