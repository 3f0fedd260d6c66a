"""Page and card layouts: TD3 passport data pages, TD1 cards (front and back),
TD2 cards, MRV-A/MRV-B visa stickers on a passport page, and documents with
no MRZ (negatives).  Each returns a Doc: an RGB image at `ppm` pixels per mm
with an alpha mask for its outline, plus where the MRZ was printed."""

import numpy as np

import art
import labels as LB
import mrzdraw
import people


class Doc:
    def __init__(self, img, alpha, w_mm, h_mm, ppm, mrz_bbox=None, info=None):
        self.img, self.alpha = img, alpha
        self.w_mm, self.h_mm, self.ppm = w_mm, h_mm, ppm
        self.mrz_bbox = mrz_bbox  # mm, in this doc's coordinates
        self.info = info or {}


VALUE_FONTS = ["sans_bold", "cond_bold", "sans", "cond", "ocrb", "serif_bold", "mono_bold",
               "sans_bold", "ocrb"]
LABEL_FONTS = ["sans", "cond", "sans_oblique", "cond_oblique", "serif_italic", "sans_light", "sans",
               "ocrb_oblique"]
TITLE_FONTS = ["serif_bold", "sans_bold", "cond_bold", "serif", "serif_cond_bold"]


class VizStyle:
    pass


def viz_style(rng, lang):
    v = VizStyle()
    v.value_font = rng.choice(VALUE_FONTS + art.EXTRA_VIZ)
    v.label_font = rng.choice(LABEL_FONTS + art.EXTRA_VIZ)
    v.title_font = rng.choice(TITLE_FONTS)
    v.label_cap = rng.uniform(1.05, 1.45)
    v.value_cap = rng.uniform(1.8, 2.45)
    v.label_color = rng.choice([(70, 70, 80), (40, 60, 110), (110, 40, 60), (60, 60, 60),
                                (30, 80, 90), (90, 70, 40)])
    v.value_color = rng.choice([(10, 10, 12), (20, 20, 26), (0, 0, 0), (30, 30, 40)])
    v.numbered = rng.random() < 0.25
    v.second = "en" if lang != "en" else rng.choice(["fr", "es"])
    v.third = rng.random() < 0.25
    v.sep = rng.choice([" / ", "/", " / ", " - "])
    v.date_style = rng.choice(LB.DATE_STYLES)
    v.upper_labels = rng.random() < 0.15
    v.title_case_given = rng.random() < 0.12
    return v


def ensure_fonts(v, values, labels=()):
    """Keep one face per zone: if the chosen value/label face lacks a glyph
    for any string of this document, switch the whole zone to DejaVu."""
    if not all(art.supports(v.value_font, x) for x in values if x):
        v.value_font = art.fallback_font(v.value_font)
    if not all(art.supports(v.label_font, x) for x in labels if x):
        v.label_font = art.fallback_font(v.label_font)


def _rows_strings(rows):
    return [val for row in rows for _, val, _ in row], [lab for row in rows for lab, _, _ in row]


def label_text(v, lang, key, num=None):
    a = LB.label(lang, key)
    b = LB.label(v.second, key)
    t = a if a == b else a + v.sep + b
    if v.third and lang not in ("fr",) and v.second != "fr":
        c = LB.label("fr", key)
        if c not in (a, b):
            t = t + v.sep + c
    if v.upper_labels:
        t = t.upper()
    if v.numbered and num is not None:
        t = "%s. %s" % (num, t)
    return t


def field_rows(labels_ink, values_ink, v, x0, x1, y0, y1, rows):
    """rows: list of list of (label, value, weight).  Returns bottom y."""
    lc, vc = v.label_cap, v.value_cap
    per = lc + 0.7 + vc + 1.2
    need = per * len(rows)
    avail = y1 - y0
    if need > avail:
        k = max(0.55, avail / need)
        lc, vc = lc * k, vc * k
        per = lc + 0.7 + vc + 1.2 * k
    vals, labs = _rows_strings(rows)
    ensure_fonts(v, vals, labs)
    gap = max(0, (avail - per * len(rows)) / max(1, len(rows))) * 0.35
    y = y0
    for row in rows:
        tw = sum(w for _, _, w in row)
        x = x0
        for lab, val, w in row:
            cw = (x1 - x0) * w / tw
            labels_ink.text(x, y + lc, lab, v.label_font, lc, max_w_mm=cw - 1.0, min_scale=0.5)
            if val:
                values_ink.text(x, y + lc + 0.7 + vc, val, v.value_font, vc, max_w_mm=cw - 1.0, min_scale=0.45)
            x += cw
        y += per + gap
    return y


def viz_name(p, given=False):
    raw = p.given if given else p.surname
    if not raw:
        return ""
    latin = p.latin_given if given else p.latin_surname
    up = raw.upper()
    if any("\u0370" <= c <= "\u04ff" for c in raw):
        return up + " / " + latin
    return up


def prepare(rng, ppm, w_mm, h_mm, pal=None, paper=None):
    pal = pal or rng.choice(art.PALETTES)
    base = paper or art.jitter_color(rng, pal["paper"], 5)
    cv = art.Canvas(w_mm, h_mm, ppm, base)
    return cv, pal


def mrz_zone_treatment(cv, rng, zone, mode, pal, nprng):
    """mode: 'clear' (blank band), 'light' (pattern dimmed), 'keep', or
    'strong' (a dense guilloche across the zone)."""
    x0, y0, x1, y1 = zone
    X, Y = cv.grid()
    inside = ((Y >= y0) & (Y <= y1)).astype(np.float32)
    if mode in ("clear", "light"):
        keep = 0.0 if mode == "clear" else rng.uniform(0.35, 0.6)
        white = art.rgb01(art.mix(pal["paper"], (255, 255, 255), rng.uniform(0.3, 0.9)))
        m = inside[..., None] * (1 - keep)
        cv.a = cv.a * (1 - m) + white * m
    elif mode == "strong":
        c1, c2 = pal["pat"][:2]
        c1 = art.mix(c1, (0, 0, 0), rng.uniform(0.05, 0.35))
        c2 = art.mix(c2, (0, 0, 0), rng.uniform(0.05, 0.35))
        band = ((Y >= y0 - 3) & (Y <= y1 + 3)).astype(np.float32)
        if rng.random() < 0.5:  # a solid tint band under the MRZ
            cv.multiply(band, art.mix(c1, (255, 255, 255), rng.uniform(0.5, 0.8)), rng.uniform(0.3, 0.7))
        m = art.wave_field(cv, rng, spacing_mm=rng.uniform(0.45, 0.9), amp_mm=rng.uniform(0.8, 2.5),
                           wl_mm=rng.uniform(5, 14), angle_deg=rng.uniform(-8, 8),
                           width_mm=rng.uniform(0.09, 0.18), mod=rng.uniform(0.5, 3))
        cv.multiply(m * band, c1, rng.uniform(0.7, 0.95))
        if rng.random() < 0.6:
            m = art.wave_field(cv, rng, spacing_mm=rng.uniform(0.6, 1.3), amp_mm=rng.uniform(0.5, 2.0),
                               wl_mm=rng.uniform(3, 9), angle_deg=rng.choice([-1, 1]) * rng.uniform(20, 70),
                               width_mm=rng.uniform(0.08, 0.14), mod=rng.uniform(0, 2))
            cv.multiply(m * band, c2, rng.uniform(0.5, 0.85))
        cx = rng.uniform(0.3, 0.7) * cv.w_mm
        m2 = art.rosette_field(cv, rng, cx, (y0 + y1) / 2, rng.uniform(0.55, 1.0), rng.randint(6, 16),
                               rng.uniform(0.8, 2.0), rng.uniform(0.08, 0.14), twist=rng.uniform(0.02, 0.2),
                               radius=rng.uniform(18, 40))
        cv.multiply(m2, c2, rng.uniform(0.6, 0.9))
        ink = art.Ink(cv, art.mix(c1, c2, 0.5), alpha=rng.uniform(0.55, 0.85), ss=2)
        for _ in range(rng.randint(1, 2)):
            art.rope_band(ink, -2, cv.w_mm + 2, rng.uniform(y0, y1), rng.uniform(1.5, 3.5),
                          rng.uniform(5, 12), rng.randint(8, 16), rng, width_px=2)
        ink.commit()
        if rng.random() < 0.5:
            mp = art.Ink(cv, c2, alpha=0.6)
            art.microprint(mp, rng, 0, y0, cv.w_mm, y1, rng.choice(["UTOPIA", "SECURITY", "PASSPORT"]),
                           0.45, rng.uniform(1.0, 1.8))
            mp.commit()


def finish(cv, rng, w_mm, h_mm, radius_mm, nprng, laminate=False):
    art.paper_texture(cv, nprng, rng.uniform(0.015, 0.04))
    if laminate and rng.random() < 0.5:
        x0 = rng.uniform(0, w_mm * 0.6)
        y0 = rng.uniform(0, h_mm * 0.5)
        art.hologram(cv, rng, x0, y0, x0 + rng.uniform(15, 35), y0 + rng.uniform(10, 25), rng.uniform(0.06, 0.14))
    img = cv.to_image()
    alpha = art.rounded_mask(cv.W, cv.H, int(radius_mm * cv.ppm))
    return img, alpha


def header(cv, rng, p, pal, v, title_key, x0, x1, y0, emblem_side=None):
    """Country name + title.  Returns y below the header."""
    head = art.jitter_color(rng, pal["head"], 10)
    ink = art.Ink(cv, head, alpha=0.95)
    cap1 = rng.uniform(2.2, 3.2)
    native = p.country_native
    y = y0 + cap1
    align = rng.choice(["l", "m", "m"])
    xa = x0 if align == "l" else (x0 + x1) / 2
    ink.text(xa, y, native, v.title_font, cap1, anchor=align + "s", max_w_mm=x1 - x0)
    if p.issuer in LB.ARABIC_COUNTRY and rng.random() < 0.8:
        y += cap1 * 1.5
        ink.text(xa, y, LB.ARABIC_COUNTRY[p.issuer], "sans_bold", cap1 * 0.9, anchor=align + "s",
                 max_w_mm=x1 - x0)
    if p.country_en != native and rng.random() < 0.75:
        y += cap1 * 1.35
        ink.text(xa, y, p.country_en, v.title_font, cap1 * 0.75, anchor=align + "s", max_w_mm=x1 - x0)
    title = LB.bilingual(p.lang, title_key, v.second, " / ")
    if p.lang == "ar":
        title = LB.label("ar", title_key) + "  " + LB.label("en", title_key)
    y += cap1 * 1.45
    tcap = rng.uniform(1.9, 2.8)
    ink.text(xa, y, title, rng.choice(["sans_bold", "cond_bold", v.title_font]), tcap, anchor=align + "s",
             max_w_mm=x1 - x0)
    ink.commit()
    return y + 1.5


def _dates(p, v):
    return (LB.fmt_date(p.dob, v.date_style, p.lang, p.dob_unknown),
            LB.fmt_date(p.issue, v.date_style, p.lang),
            LB.fmt_date(p.expiry, v.date_style, p.lang))


def authority(rng, p):
    lang = p.lang
    opts = {
        "de": ["STADT " + rng.choice(["BERLIN", "KÖLN", "MÜNCHEN"]), "BUNDESAMT"],
        "fr": ["PRÉFECTURE DE POLICE", "MINISTÈRE DE L'INTÉRIEUR"],
        "es": ["DIRECCIÓN GENERAL DE LA POLICÍA", "MINISTERIO DEL INTERIOR"],
        "it": ["MINISTRO DEGLI AFFARI ESTERI", "QUESTURA DI ROMA"],
        "ru": ["МВД 77001", "ГУВМ МВД РОССИИ"],
    }.get(lang, ["MINISTRY OF INTERIOR", "PASSPORT OFFICE", "MINISTRY OF FOREIGN AFFAIRS",
                 "DEPARTMENT OF IMMIGRATION", "NATIONAL REGISTRY"])
    return rng.choice(opts)


def place_mrz(cv, rng, nprng, p, s, x0, baselines):
    bbox = mrzdraw.draw(cv, p.lines_printed, s, x0, baselines, rng, nprng)
    return bbox


# ---------------------------------------------------------------------------
# TD3 passport data page

def td3_page(rng, nprng, p, ppm, opts):
    W, H = 125.0, 88.0
    cv, pal = prepare(rng, ppm, W, H)
    v = viz_style(rng, p.lang)
    s = mrzdraw.choose_style(rng, "TD3", W)
    x0m, bases, mtop = mrzdraw.layout_box(s, W, H, rng, (3.3, 8.0))
    zone = (0, mtop - 1.6, W, H)
    art.security_background(cv, rng, pal, density=rng.uniform(0.6, 1.1))
    mode = opts.get("zone_mode") or rng.choice(["clear", "clear", "light", "light", "keep"])
    mrz_zone_treatment(cv, rng, zone, mode, pal, nprng)
    r = rng.random()
    if r < 0.3:  # a thin rule above the MRZ zone
        ink = art.Ink(cv, pal["head"], alpha=0.5)
        ink.d.line([(0, ink.p(zone[1])), (cv.W, ink.p(zone[1]))], fill=255, width=max(1, int(ink.p(0.15))))
        ink.commit()
    elif r < 0.5:  # a microprint line above the MRZ zone
        ink = art.Ink(cv, pal["head"], alpha=0.7)
        art.microprint(ink, rng, 0, zone[1] - 0.9, cv.w_mm, zone[1] - 0.2,
                       (p.country_en.replace(" ", "") + p.issuer), rng.uniform(0.4, 0.6), 5)
        ink.commit()
    # header
    portrait_right = rng.random() < 0.12
    ybody = header(cv, rng, p, pal, v, "passport", 5, W - 5, 3.0)
    if rng.random() < 0.15:  # document number in outline OCR-B (perforation-like), top right
        ink = art.Ink(cv, pal["head"], alpha=rng.uniform(0.35, 0.6))
        ink.text(W - 4, ybody - 0.5, p.number, "ocrb_outline", rng.uniform(3.0, 4.2), anchor="rs",
                 max_w_mm=40)
        ink.commit()
    if rng.random() < 0.7:
        art.emblem(cv, rng, W - 10 if rng.random() < 0.5 else 10, 8.5, rng.uniform(6.5, 9),
                   art.mix(pal["head"], (200, 160, 60), rng.uniform(0, 0.6)), alpha=0.7)
    # portrait
    pw = rng.uniform(29, 35)
    ph = pw * rng.uniform(1.22, 1.32)
    space = zone[1] - 2.5 - ybody
    if ph > space:
        ph = space
        pw = ph / 1.28
    px0 = W - 6 - pw if portrait_right else rng.uniform(4.5, 8)
    py0 = ybody + max(0, (space - ph) * rng.uniform(0.0, 0.4))
    mono = rng.random() < 0.35
    face = art.portrait(rng, int(pw * ppm), int(ph * ppm), mono=mono, sex=p.sex)
    cv.paste_rgb(face, px0, py0)
    if rng.random() < 0.3:  # stamp across a corner of the photo
        art.stamp(cv, rng, px0 + pw * rng.choice([0.1, 0.9]), py0 + ph * 0.85, rng.uniform(6, 9),
                  p.country_en + " * " + authority(rng, p) + " *")
    # fields
    fx0 = (px0 + pw + 4.5) if not portrait_right else 6
    fx1 = (W - 4) if not portrait_right else px0 - 3
    lab = art.Ink(cv, v.label_color, alpha=0.9)
    val = art.Ink(cv, v.value_color, alpha=rng.uniform(0.85, 1.0))
    dob, doi, doe = _dates(p, v)
    sexv = LB.sex_viz(p.sex, p.lang, rng)
    pn = p.personal if p.personal else ""
    rows = [
        [(label_text(v, p.lang, "type"), p.doc_code.replace("<", ""), 1),
         (label_text(v, p.lang, "code"), p.issuer, 1.2),
         (label_text(v, p.lang, "passport_no"), p.number, 2.2)],
        [(label_text(v, p.lang, "surname", 1), viz_name(p), 1)],
        [(label_text(v, p.lang, "given", 2), viz_name(p, True), 1)],
        [(label_text(v, p.lang, "nationality", 3), people.nationality_label(p.nationality), 1)],
        [(label_text(v, p.lang, "dob", 4), dob, 1)] +
        ([(label_text(v, p.lang, "personal_no"), pn, 1)] if pn else []),
        [(label_text(v, p.lang, "sex", 5), sexv, 0.6), (label_text(v, p.lang, "pob", 6), p.birth_place, 1.6)],
        [(label_text(v, p.lang, "doi", 7), doi, 1), (label_text(v, p.lang, "authority", 8),
                                                     authority(rng, p), 1.3)],
        [(label_text(v, p.lang, "doe", 9), doe, 1), (label_text(v, p.lang, "signature", 10), "", 1.3)],
    ]
    field_rows(lab, val, v, fx0, fx1, ybody, zone[1] - 1.0, rows)
    lab.commit()
    val.commit()
    # signature
    sig = art.Ink(cv, rng.choice([(20, 30, 110), (15, 15, 20), (40, 40, 90)]), alpha=rng.uniform(0.7, 0.95))
    sx = fx0 + (fx1 - fx0) * 0.47
    sy = zone[1] - 7.5
    art.signature(sig, rng, sx, sy, min(30, fx1 - sx - 2), 5.0)
    sig.commit()
    # ghost image
    if rng.random() < 0.5 and not portrait_right:
        gw = rng.uniform(11, 15)
        gh = gw * 1.28
        gx = W - 4 - gw
        gy = zone[1] - gh - rng.uniform(1.5, 4)
        cv.paste_rgb(art.ghost(face, rng).resize((int(gw * ppm), int(gh * ppm))), gx, gy, alpha=0.55,
                     mode="multiply")
    if opts.get("specimen") or rng.random() < 0.12:
        sp = art.Ink(cv, (200, 40, 40), alpha=rng.uniform(0.25, 0.5))
        sp.text(W * rng.uniform(0.35, 0.6), zone[1] * rng.uniform(0.45, 0.8), "SPECIMEN", "sans_bold",
                rng.uniform(6, 10), anchor="ms")
        sp.commit()
    bbox = place_mrz(cv, rng, nprng, p, s, x0m, bases)
    img, alpha = finish(cv, rng, W, H, rng.uniform(0.0, 3.0), nprng, laminate=True)
    return Doc(img, alpha, W, H, ppm, bbox, dict(layout="td3_page", zone=mode, mrz_style=s.__dict__,
                                                 palette=art.PALETTES.index(pal)))


# ---------------------------------------------------------------------------
# TD1 card

def td1_front(rng, nprng, p, ppm, pal, v):
    W, H = 85.6, 53.98
    cv, _ = prepare(rng, ppm, W, H, pal)
    art.security_background(cv, rng, pal, density=rng.uniform(0.7, 1.2))
    title_key = rng.choice(["idcard", "idcard", "residence"]) if p.doc_code[0] != "A" else "residence"
    y = header(cv, rng, p, pal, v, title_key, 4, W - 4, 2.0)
    pw = rng.uniform(20, 25)
    ph = min(pw * 1.28, H - y - 4)
    pw = ph / 1.28
    face = art.portrait(rng, int(pw * ppm), int(ph * ppm), mono=rng.random() < 0.6, sex=p.sex)
    cv.paste_rgb(face, 3.5, y + 0.5)
    if rng.random() < 0.5:
        art.chip(cv, rng, 3.5 + pw + 2, y + 1, 9.5, 8)
        fx0 = 3.5 + pw + 13
    else:
        fx0 = 3.5 + pw + 3
    lab = art.Ink(cv, v.label_color, alpha=0.9)
    val = art.Ink(cv, v.value_color, alpha=0.95)
    dob, doi, doe = _dates(p, v)
    rows = [
        [(label_text(v, p.lang, "surname"), viz_name(p), 1)],
        [(label_text(v, p.lang, "given"), viz_name(p, True), 1)],
        [(label_text(v, p.lang, "sex"), LB.sex_viz(p.sex, p.lang, rng), 0.5),
         (label_text(v, p.lang, "nationality"), p.nationality, 1)],
        [(label_text(v, p.lang, "dob"), dob, 1), (label_text(v, p.lang, "doc_no"), p.number, 1)],
        [(label_text(v, p.lang, "doe"), doe, 1)],
    ]
    vv = VizStyle()
    vv.__dict__.update(v.__dict__)
    vv.label_cap *= 0.8
    vv.value_cap *= 0.85
    field_rows(lab, val, vv, fx0, W - 3, y, H - 6.5, rows)
    lab.commit()
    val.commit()
    sig = art.Ink(cv, (20, 30, 100), alpha=0.85)
    art.signature(sig, rng, fx0 + 8, H - 7.5, 22, 4.5)
    sig.commit()
    img, alpha = finish(cv, rng, W, H, 3.18, nprng, laminate=True)
    return Doc(img, alpha, W, H, ppm, None, dict(layout="td1_front"))


def td1_back(rng, nprng, p, ppm, pal, v, opts):
    W, H = 85.6, 53.98
    cv, _ = prepare(rng, ppm, W, H, pal)
    s = mrzdraw.choose_style(rng, "TD1", W)
    x0m, bases, mtop = mrzdraw.layout_box(s, W, H, rng, (2.6, 5.0))
    if mtop < 20:  # keep room for the upper half of the card
        s.spacing = (H - 2.6 - 20 - s.cap) / 2
        s.spacing_k = s.spacing / s.cap
        x0m, bases, mtop = mrzdraw.layout_box(s, W, H, rng, (2.6, 2.8))
    zone = (0, mtop - 1.4, W, H)
    art.security_background(cv, rng, pal, density=rng.uniform(0.5, 1.0), strength=0.8)
    mode = opts.get("zone_mode") or rng.choice(["clear", "clear", "light", "keep"])
    mrz_zone_treatment(cv, rng, zone, mode, pal, nprng)
    lab = art.Ink(cv, v.label_color, alpha=0.9)
    val = art.Ink(cv, v.value_color, alpha=0.95)
    dob, doi, doe = _dates(p, v)
    vv = VizStyle()
    vv.__dict__.update(v.__dict__)
    vv.label_cap *= 0.8
    vv.value_cap *= 0.8
    left = 4.0
    if rng.random() < 0.45:
        gw = rng.uniform(12, 16)
        gh = min(gw * 1.28, zone[1] - 5)
        gw = gh / 1.28
        face = art.portrait(rng, int(gw * ppm), int(gh * ppm), mono=True, sex=p.sex)
        cv.paste_rgb(art.ghost(face, rng), W - gw - 4, 3.0, alpha=0.8, mode="multiply")
        right = W - gw - 6
    else:
        right = W - 4
        if rng.random() < 0.5:
            bc = art.Ink(cv, (20, 20, 20), alpha=0.85)
            art.barcode(bc, rng, W - 24, 3.5, 20, min(10, zone[1] - 8), kind=rng.choice(["1d", "2d"]))
            bc.commit()
            right = W - 26
    if rng.random() < 0.12:  # card number in inverted OCR-B cells
        inv = art.Ink(cv, (25, 25, 30), alpha=0.9)
        inv.text(right - 1, zone[1] - 2.0, p.number, rng.choice(["ocrb_inverted", "ocrb_inverted_sharp"]),
                 1.8, anchor="rs", max_w_mm=30)
        inv.commit()
    rows = [
        [(label_text(v, p.lang, "address"), rng.choice(["HAUPTSTRASSE 12", "12 RUE DES LILAS",
                                                        "CALLE MAYOR 5, 3º B", "14 HIGH STREET",
                                                        "UL. DŁUGA 7/12", "MAIN ROAD 221"]) + ", " +
          p.birth_place, 1)],
        [(label_text(v, p.lang, "pob"), p.birth_place, 1), (label_text(v, p.lang, "height"),
                                                             "%d cm" % p.height_cm, 0.6)],
        [(label_text(v, p.lang, "doi"), doi, 1), (label_text(v, p.lang, "authority"), authority(rng, p), 1.4)],
    ]
    if rng.random() < 0.5:
        rows.insert(2, [(label_text(v, p.lang, "eyes"), rng.choice(["BROWN", "BLUE", "GREEN", "GREY", "HAZEL"]),
                         1), (label_text(v, p.lang, "card_no"), p.number, 1)])
    field_rows(lab, val, vv, left, right, 2.5, zone[1] - 1.5, rows)
    lab.commit()
    val.commit()
    bbox = place_mrz(cv, rng, nprng, p, s, x0m, bases)
    img, alpha = finish(cv, rng, W, H, 3.18, nprng, laminate=True)
    return Doc(img, alpha, W, H, ppm, bbox, dict(layout="td1_back", zone=mode, mrz_style=s.__dict__))


# ---------------------------------------------------------------------------
# TD2 card

def td2_card(rng, nprng, p, ppm, opts):
    W, H = 105.0, 74.0
    cv, pal = prepare(rng, ppm, W, H)
    v = viz_style(rng, p.lang)
    s = mrzdraw.choose_style(rng, "TD2", W)
    x0m, bases, mtop = mrzdraw.layout_box(s, W, H, rng, (3.0, 6.5))
    zone = (0, mtop - 1.5, W, H)
    art.security_background(cv, rng, pal, density=rng.uniform(0.6, 1.1))
    mode = opts.get("zone_mode") or rng.choice(["clear", "light", "light", "keep"])
    mrz_zone_treatment(cv, rng, zone, mode, pal, nprng)
    title_key = rng.choice(["idcard", "residence"])
    y = header(cv, rng, p, pal, v, title_key, 4, W - 4, 2.5)
    space = zone[1] - 2 - y
    pw = min(rng.uniform(24, 30), space / 1.28)
    ph = pw * 1.28
    face = art.portrait(rng, int(pw * ppm), int(ph * ppm), mono=rng.random() < 0.4, sex=p.sex)
    cv.paste_rgb(face, 4, y)
    lab = art.Ink(cv, v.label_color, alpha=0.9)
    val = art.Ink(cv, v.value_color, alpha=0.95)
    dob, doi, doe = _dates(p, v)
    rows = [
        [(label_text(v, p.lang, "surname"), viz_name(p), 1)],
        [(label_text(v, p.lang, "given"), viz_name(p, True), 1)],
        [(label_text(v, p.lang, "nationality"), people.nationality_label(p.nationality), 1.3),
         (label_text(v, p.lang, "sex"), LB.sex_viz(p.sex, p.lang, rng), 0.6)],
        [(label_text(v, p.lang, "dob"), dob, 1), (label_text(v, p.lang, "doc_no"), p.number, 1)],
        [(label_text(v, p.lang, "doe"), doe, 1), (label_text(v, p.lang, "pob"), p.birth_place, 1)],
    ]
    vv = VizStyle()
    vv.__dict__.update(v.__dict__)
    vv.label_cap *= 0.9
    vv.value_cap *= 0.9
    field_rows(lab, val, vv, 4 + pw + 4, W - 4, y, zone[1] - 1, rows)
    lab.commit()
    val.commit()
    sig = art.Ink(cv, (25, 30, 90), alpha=0.85)
    art.signature(sig, rng, 4 + pw + 30, zone[1] - 7, 28, 4.5)
    sig.commit()
    bbox = place_mrz(cv, rng, nprng, p, s, x0m, bases)
    img, alpha = finish(cv, rng, W, H, rng.uniform(2.0, 3.5), nprng, laminate=True)
    return Doc(img, alpha, W, H, ppm, bbox, dict(layout="td2_card", zone=mode, mrz_style=s.__dict__))


# ---------------------------------------------------------------------------
# Visa sticker on a passport page

def passport_page(rng, nprng, ppm, W=125.0, H=88.0, pal=None, page_no=None, text=True):
    cv, pal = prepare(rng, ppm, W, H, pal)
    art.security_background(cv, rng, pal, density=rng.uniform(0.5, 0.9), strength=0.8)
    ink = art.Ink(cv, pal["head"], alpha=0.7)
    if page_no is None:
        page_no = rng.randint(4, 36)
    ink.text(W - 5 if page_no % 2 else 5, H - 3.5, str(page_no), "sans_bold", 2.2,
             anchor="rs" if page_no % 2 else "ls")
    if text and rng.random() < 0.5:
        ink.text(W / 2, 5.5, rng.choice(["VISAS", "VISAS / VISA", "VISA / VISAS", "ENDORSEMENTS"]),
                 "sans_bold", 2.0, anchor="ms")
    ink.commit()
    return cv, pal


def visa_sticker(rng, nprng, p, ppm, fmt, opts):
    if fmt == "MRVA":
        W, H = 120.0, 80.0
    else:
        W, H = 105.0, 74.0
    cv, pal = prepare(rng, ppm, W, H)
    v = viz_style(rng, p.lang)
    s = mrzdraw.choose_style(rng, fmt, W)
    x0m, bases, mtop = mrzdraw.layout_box(s, W, H, rng, (3.0, 6.5))
    zone = (0, mtop - 1.5, W, H)
    art.security_background(cv, rng, pal, density=rng.uniform(0.8, 1.3))
    mode = opts.get("zone_mode") or rng.choice(["clear", "light", "light", "keep"])
    mrz_zone_treatment(cv, rng, zone, mode, pal, nprng)
    head = art.Ink(cv, pal["head"], alpha=0.9)
    title = LB.label(p.lang, "visa")
    head.text(5, 8, title, rng.choice(TITLE_FONTS), rng.uniform(3.5, 5))
    head.text(W - 5, 7, p.country_native, "sans_bold", 2.0, anchor="rs", max_w_mm=W * 0.55)
    head.text(W - 5, 10, p.issuer, "sans_bold", 1.8, anchor="rs")
    head.commit()
    has_photo = fmt == "MRVA" or rng.random() < 0.4
    fx0 = 5
    if has_photo:
        pw = rng.uniform(24, 28) if fmt == "MRVA" else 20
        ph = min(pw * 1.28, zone[1] - 15)
        pw = ph / 1.28
        face = art.portrait(rng, int(pw * ppm), int(ph * ppm), mono=rng.random() < 0.3, sex=p.sex)
        cv.paste_rgb(face, 4, 13)
        fx0 = 4 + pw + 4
    lab = art.Ink(cv, v.label_color, alpha=0.9)
    val = art.Ink(cv, v.value_color, alpha=0.95)
    dob, doi, doe = _dates(p, v)
    ent = rng.choice(["MULT", "1", "2", "01", "XX"])
    dur = str(rng.choice([15, 30, 60, 90, 180]))
    rows = [
        [(label_text(v, p.lang, "valid_for"), rng.choice(["ETATS SCHENGEN", "UTOPIA", "ALL COUNTRIES",
                                                          p.country_en]), 1)],
        [(label_text(v, p.lang, "valid_from"), doi, 1), (label_text(v, p.lang, "valid_until"), doe, 1)],
        [(label_text(v, p.lang, "visa_type"), rng.choice(["C", "D", "A", "B-1", "TOURIST"]), 0.7),
         (label_text(v, p.lang, "entries"), ent, 0.8), (label_text(v, p.lang, "duration"), dur, 0.9)],
        [(label_text(v, p.lang, "issued_at"), p.birth_place if False else rng.choice(people.GENERIC_CITIES), 1),
         (label_text(v, p.lang, "passport_no"), p.number, 1)],
        [(label_text(v, p.lang, "surname") + ", " + label_text(v, p.lang, "given"),
          ", ".join([x for x in (viz_name(p), viz_name(p, True)) if x]), 1)],
        [(label_text(v, p.lang, "remarks"), rng.choice(["", "EMPLOYMENT", "STUDENT", "BUSINESS",
                                                        "R/ TRANSIT"]), 1)],
    ]
    vv = VizStyle()
    vv.__dict__.update(v.__dict__)
    vv.label_cap *= 0.9
    vv.value_cap *= 0.88
    field_rows(lab, val, vv, fx0, W - 4, 13, zone[1] - 1, rows)
    lab.commit()
    val.commit()
    bbox = place_mrz(cv, rng, nprng, p, s, x0m, bases)
    img, alpha = finish(cv, rng, W, H, rng.uniform(0.5, 2.0), nprng, laminate=True)
    return Doc(img, alpha, W, H, ppm, bbox, dict(layout="visa_" + fmt, zone=mode, mrz_style=s.__dict__))


def visa_on_page(rng, nprng, p, ppm, fmt, opts):
    sticker = visa_sticker(rng, nprng, p, ppm, fmt, opts)
    PW, PH = 125.0, 88.0
    cv, pal = passport_page(rng, nprng, ppm, PW, PH, text=False)
    ox = (PW - sticker.w_mm) / 2 + rng.uniform(-1.2, 1.2)
    oy = (PH - sticker.h_mm) / 2 + rng.uniform(-2.0, 1.0)
    ox = max(0.5, min(PW - sticker.w_mm - 0.5, ox))
    oy = max(0.5, min(PH - sticker.h_mm - 0.5, oy))
    # stamps on the free space of the page first (under the sticker)
    if rng.random() < 0.5:
        art.stamp(cv, rng, rng.uniform(10, 115), rng.uniform(8, 20), rng.uniform(6, 9),
                  rng.choice(people.COUNTRIES)[1] + " * IMMIGRATION *", "12 MAR 2019")
    cv.paste_rgb(sticker.img, ox, oy, mask=sticker.alpha)
    # a faint shadow line around the sticker edge
    img, alpha = finish(cv, rng, PW, PH, rng.uniform(0, 2), nprng)
    x0, y0, x1, y1 = sticker.mrz_bbox
    info = dict(sticker.info)
    info["layout"] = "visa_page_" + fmt
    return Doc(img, alpha, PW, PH, ppm, (x0 + ox, y0 + oy, x1 + ox, y1 + oy), info)


# ---------------------------------------------------------------------------
# Dispatcher

def render_document(rng, nprng, p, ppm, opts):
    """Return (list of Docs for the scene, index of the doc carrying the MRZ)."""
    fmt = p.fmt
    if fmt == "TD3":
        return [td3_page(rng, nprng, p, ppm, opts)], 0
    if fmt == "TD2":
        return [td2_card(rng, nprng, p, ppm, opts)], 0
    if fmt in ("MRVA", "MRVB"):
        if opts.get("loose_sticker") or rng.random() < 0.15:
            return [visa_sticker(rng, nprng, p, ppm, fmt, opts)], 0
        return [visa_on_page(rng, nprng, p, ppm, fmt, opts)], 0
    pal = rng.choice(art.PALETTES)
    v = viz_style(rng, p.lang)
    back = td1_back(rng, nprng, p, ppm, pal, v, opts)
    if opts.get("back_only") or rng.random() < 0.55:
        return [back], 0
    front = td1_front(rng, nprng, p, ppm, pal, v)
    return [front, back], 1
