"""Documents with no MRZ (the `negative` tier), and the facing page of a
passport booklet (the `two_pages` tier).  They carry other text, including
lines of capitals and digits and, on some, OCR-B coding lines that are not
an MRZ."""

import art
import labels as LB
import layouts
import people

CAPS = "ABCDEFGHJKLMNPRSTUVWXYZ"
DIG = "0123456789"


def caps_digits(rng, n):
    return "".join(rng.choice(CAPS + DIG) for _ in range(n))


def facing_page(rng, nprng, ppm, pal=None, page_no=None):
    """A visa/observations page with stamps and handwriting, no MRZ."""
    cv, pal = layouts.passport_page(rng, nprng, ppm, pal=pal, page_no=page_no)
    W, H = cv.w_mm, cv.h_mm
    kind = rng.random()
    if kind < 0.5:
        for _ in range(rng.randint(1, 4)):
            art.stamp(cv, rng, rng.uniform(15, W - 15), rng.uniform(15, H - 15), rng.uniform(7, 11),
                      rng.choice(people.COUNTRIES)[1] + " * BORDER CONTROL *",
                      "%02d %s %d" % (rng.randint(1, 28), rng.choice(LB.MONTHS["en"]), rng.randint(2012, 2030)))
    else:
        lang = rng.choice(["en", "fr", "de", "es"])
        ink = art.Ink(cv, pal["head"], alpha=0.85)
        ink.text(W / 2, 10, LB.label(lang, "observations"), "sans_bold", 2.4, anchor="ms")
        ink.commit()
        hand = art.Ink(cv, rng.choice([(20, 30, 120), (20, 20, 20)]), alpha=0.85)
        y = 18
        for _ in range(rng.randint(2, 5)):
            hand.text(8, y, rng.choice([
                "THE HOLDER IS ALSO KNOWN AS", "VALID FOR ALL COUNTRIES",
                "CHANGE OF ADDRESS REGISTERED", "PREVIOUS PASSPORT No. " + caps_digits(rng, 9),
                "SEE PAGE %d" % rng.randint(2, 30), "AUTH. REF " + caps_digits(rng, 12)]),
                rng.choice(["sans_oblique", "serif_italic", "cond_oblique"]), rng.uniform(1.8, 2.5),
                max_w_mm=W - 16)
            y += rng.uniform(6, 9)
        hand.commit()
        if rng.random() < 0.6:
            art.stamp(cv, rng, rng.uniform(70, 110), rng.uniform(50, 75), rng.uniform(8, 11),
                      "CONSULAR SECTION * " + rng.choice(people.COUNTRIES)[1] + " *")
    img, alpha = layouts.finish(cv, rng, W, H, 0.5, nprng)
    return layouts.Doc(img, alpha, W, H, ppm, None, dict(layout="facing_page"))


def driving_licence(rng, nprng, p, ppm):
    W, H = 85.6, 53.98
    cv, pal = layouts.prepare(rng, ppm, W, H)
    art.security_background(cv, rng, pal, density=rng.uniform(0.6, 1.1))
    v = layouts.viz_style(rng, p.lang)
    head = art.Ink(cv, pal["head"], alpha=0.95)
    head.text(W / 2, 6.5, LB.label(p.lang, "licence"), "sans_bold", 2.8, anchor="ms", max_w_mm=W - 24)
    head.text(6, 8, p.issuer if len(p.issuer) > 1 else "D", "sans_bold", 4.0)
    head.commit()
    pw, ph = 22, 28
    face = art.portrait(rng, int(pw * ppm), int(ph * ppm), mono=rng.random() < 0.5, sex=p.sex)
    cv.paste_rgb(face, 4, 12)
    ink = art.Ink(cv, v.value_color)
    x = 30
    y = 14
    cap = 2.0
    dob = LB.fmt_date(p.dob, "dmy_dot", p.lang)
    rows = ["1. " + (p.latin_surname or "-"), "2. " + (p.latin_given or "-"),
            "3. " + dob + " " + p.birth_place.upper(),
            "4a. " + LB.fmt_date(p.issue, "dmy_dot", p.lang) + "   4c. " + layouts.authority(rng, p),
            "4b. " + LB.fmt_date(p.expiry, "dmy_dot", p.lang),
            "5. " + caps_digits(rng, rng.randint(9, 13)),
            "9. " + rng.choice(["AM/A1/A2/B/BE", "B", "B/C1/C1E", "A/B/C/D/BE"])]
    for r in rows:
        ink.text(x, y, r, v.value_font, cap, max_w_mm=W - x - 3)
        y += 4.8
    ink.commit()
    sig = art.Ink(cv, (20, 30, 110), alpha=0.85)
    art.signature(sig, rng, 5, 42, 24, 5)
    sig.commit()
    img, alpha = layouts.finish(cv, rng, W, H, 3.18, nprng, laminate=True)
    return layouts.Doc(img, alpha, W, H, ppm, None, dict(layout="driving_licence"))


def letter(rng, nprng, ppm):
    """An ordinary printed document (invoice/letter/statement)."""
    W, H = rng.choice([(148.0, 105.0), (148.0, 210.0), (125.0, 88.0), (210.0, 148.0)])
    cv = art.Canvas(W, H, ppm, rng.choice([(252, 252, 250), (248, 246, 238), (244, 248, 252)]))
    art.paper_texture(cv, nprng, 0.02)
    ink = art.Ink(cv, (25, 25, 30))
    head = art.Ink(cv, rng.choice([(20, 60, 130), (130, 20, 30), (30, 30, 30), (20, 100, 70)]))
    fk = rng.choice(["sans", "serif", "cond", "mono"])
    title = rng.choice(["INVOICE", "STATEMENT OF ACCOUNT", "DELIVERY NOTE", "BOOKING CONFIRMATION",
                        "CERTIFICATE OF REGISTRATION", "RECEIPT", "BANK TRANSFER ORDER",
                        "ATTESTATION", "RECHNUNG", "FACTURE"])
    head.text(W - 10, 8, rng.choice(["ACME TRADING LTD", "NORDLICHT GMBH", "SOCIÉTÉ GÉNÉRALE DES EAUX",
                                     "UTOPIA TELECOM", "GLOBAL FREIGHT SA"]), "sans_bold", 2.2, anchor="rs")
    head.text(10, 17, title, "sans_bold", rng.uniform(3.5, 5), max_w_mm=W - 20)
    head.commit()
    y = 26
    cap = rng.uniform(1.6, 2.3)
    while y < H - 12:
        r = rng.random()
        if r < 0.3:
            line = " ".join(rng.choice(["REF", "NO", "ACCOUNT", "IBAN", "ORDER", "CUSTOMER ID", "VAT"])
                            for _ in range(1)) + " " + caps_digits(rng, rng.randint(8, 22))
        elif r < 0.45:
            line = caps_digits(rng, rng.randint(20, 40))
        elif r < 0.6:
            line = "%s %s %s  %d.%02d" % (caps_digits(rng, 6), rng.choice(["WIDGET", "SERVICE FEE", "SHIPPING",
                                                                            "LICENCE", "CONSULTING"]),
                                          caps_digits(rng, 4), rng.randint(1, 999), rng.randint(0, 99))
        else:
            from scene import WORDS
            line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 14)))
            if rng.random() < 0.3:
                line = line.upper()
        ink.text(10, y, line, fk, cap, max_w_mm=W - 20)
        y += cap * rng.uniform(1.7, 2.6)
    ink.commit()
    if rng.random() < 0.5:
        # OCR-B coding line (payment slip style) - not an MRZ
        ocr = art.Ink(cv, (10, 10, 10))
        line = caps_digits(rng, 0) + "".join(rng.choice(DIG) for _ in range(13)) + ">" + \
            "".join(rng.choice(DIG) for _ in range(27)) + "+ " + "".join(rng.choice(DIG) for _ in range(9)) + ">"
        ocr.text(W - 6, H - 6, line, rng.choice(["ocrb", "ocrb_sharp"]), 2.4, anchor="rs", max_w_mm=W - 10)
        ocr.commit()
    if rng.random() < 0.5:
        art.stamp(cv, rng, rng.uniform(30, W - 30), rng.uniform(30, H - 20), rng.uniform(8, 12),
                  rng.choice(["PAID * BEZAHLT * PAYÉ *", "RECEIVED * " + caps_digits(rng, 6) + " *"]),
                  "%02d.%02d.%d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2030)))
    img = cv.to_image()
    alpha = art.rounded_mask(cv.W, cv.H, 1)
    return layouts.Doc(img, alpha, W, H, ppm, None, dict(layout="letter"))


def boarding_pass(rng, nprng, ppm):
    W, H = 187.0, 82.0
    cv = art.Canvas(W, H, ppm, (250, 250, 250))
    band = art.Ink(cv, rng.choice([(20, 60, 140), (180, 20, 40), (0, 110, 90)]), mode="over")
    band.d.rectangle([0, 0, cv.W, band.p(12)], fill=255)
    band.commit()
    wt = art.Ink(cv, (255, 255, 255), mode="over")
    wt.text(6, 8.5, "BOARDING PASS / CARTE D'EMBARQUEMENT", "sans_bold", 3.0)
    wt.commit()
    ink = art.Ink(cv, (20, 20, 25))
    codes = ["FRA", "LHR", "JFK", "NRT", "CDG", "DXB", "SIN", "GRU", "JNB", "SYD"]
    a, b = rng.sample(codes, 2)
    rows = [("NAME OF PASSENGER", caps_digits(rng, 0) + rng.choice(["SMITH/JOHN MR", "NGUYEN/THI MS",
                                                                     "MUELLER/JOERG MR", "GARCIA/ANA MRS"])),
            ("FROM", a), ("TO", b), ("FLIGHT", rng.choice(["LH", "AF", "BA", "EK", "QF"]) + str(rng.randint(10, 9999))),
            ("DATE", "%02d%s" % (rng.randint(1, 28), rng.choice(LB.MONTHS["en"]))),
            ("SEAT", "%d%s" % (rng.randint(1, 60), rng.choice("ABCDEFK"))),
            ("BOOKING REF", caps_digits(rng, 6)), ("TICKET", "".join(rng.choice(DIG) for _ in range(13)))]
    x, y = 8, 20
    for i, (k, val) in enumerate(rows):
        ink.text(x, y, k, "sans", 1.4)
        ink.text(x, y + 4.5, val, "sans_bold", 3.0, max_w_mm=55)
        y += 11
        if y > 64:
            y = 20
            x += 60
    ink.commit()
    bc = art.Ink(cv, (10, 10, 10))
    art.barcode(bc, rng, 130, 52, 50, 22, kind="2d")
    bc.commit()
    img = cv.to_image()
    return layouts.Doc(img, art.rounded_mask(cv.W, cv.H, int(2 * ppm)), W, H, ppm, None,
                       dict(layout="boarding_pass"))


def old_passport_page(rng, nprng, p, ppm):
    """A data page from a passport without a machine-readable zone."""
    W, H = 125.0, 88.0
    cv, pal = layouts.prepare(rng, ppm, W, H)
    v = layouts.viz_style(rng, p.lang)
    art.security_background(cv, rng, pal, density=rng.uniform(0.6, 1.1))
    y = layouts.header(cv, rng, p, pal, v, "passport", 5, W - 5, 3.0)
    pw, ph = 30, 39
    face = art.portrait(rng, int(pw * ppm), int(ph * ppm), mono=True, sex=p.sex)
    cv.paste_rgb(face, 6, y)
    lab = art.Ink(cv, v.label_color, alpha=0.9)
    val = art.Ink(cv, v.value_color)
    dob, doi, doe = layouts._dates(p, v)
    rows = [[(layouts.label_text(v, p.lang, "passport_no"), p.number, 1)],
            [(layouts.label_text(v, p.lang, "surname"), layouts.viz_name(p), 1)],
            [(layouts.label_text(v, p.lang, "given"), layouts.viz_name(p, True), 1)],
            [(layouts.label_text(v, p.lang, "dob"), dob, 1), (layouts.label_text(v, p.lang, "sex"), p.sex, 0.5)],
            [(layouts.label_text(v, p.lang, "doi"), doi, 1), (layouts.label_text(v, p.lang, "doe"), doe, 1)],
            [(layouts.label_text(v, p.lang, "authority"), layouts.authority(rng, p), 1)]]
    layouts.field_rows(lab, val, v, 41, W - 5, y, H - 14, rows)
    lab.commit()
    val.commit()
    # a line of capitals and digits at the bottom where an MRZ would be
    if rng.random() < 0.6:
        ink = art.Ink(cv, (30, 30, 30))
        ink.text(6, H - 6, p.issuer + " " + caps_digits(rng, 10) + " " + caps_digits(rng, 8) + " " +
                 "".join(rng.choice(DIG) for _ in range(6)), rng.choice(["mono", "ocrb", "cond_bold"]), 2.2,
                 max_w_mm=W - 12)
        ink.commit()
    sig = art.Ink(cv, (20, 30, 110), alpha=0.85)
    art.signature(sig, rng, 50, H - 20, 30, 5)
    sig.commit()
    img, alpha = layouts.finish(cv, rng, W, H, 1.5, nprng)
    return layouts.Doc(img, alpha, W, H, ppm, None, dict(layout="old_passport_page"))


def negative_document(rng, nprng, ppm):
    kind = rng.choice(["driving_licence", "id_front", "facing_page", "letter", "letter", "boarding_pass",
                       "old_passport_page"])
    if kind == "driving_licence":
        p = people.make_identity(rng, "TD1")
        return [driving_licence(rng, nprng, p, ppm)], kind
    if kind == "id_front":
        p = people.make_identity(rng, "TD1")
        pal = rng.choice(art.PALETTES)
        v = layouts.viz_style(rng, p.lang)
        return [layouts.td1_front(rng, nprng, p, ppm, pal, v)], kind
    if kind == "facing_page":
        return [facing_page(rng, nprng, ppm)], kind
    if kind == "boarding_pass":
        return [boarding_pass(rng, nprng, ppm)], kind
    if kind == "old_passport_page":
        p = people.make_identity(rng, "TD3")
        return [old_passport_page(rng, nprng, p, ppm)], kind
    return [letter(rng, nprng, ppm)], kind
