"""ICAO Doc 9303 machine-readable-zone emitter (independent implementation).

Builds the printed MRZ lines of TD1, TD2, TD3, MRV-A and MRV-B documents from
field values: check digits (weights 7-3-1), composite digits, name
transliteration and truncation, `<` fillers, the TD3 personal-number check
(`<` or `0` when the field is empty), and the long-document-number overflow rule
of TD1/TD2.  Nothing here draws; see layouts.py for that.
"""

import unicodedata

FILLER = "<"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"


def char_value(c):
    if c == FILLER:
        return 0
    if "0" <= c <= "9":
        return ord(c) - ord("0")
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    raise ValueError("not an MRZ character: %r" % c)


def check_digit(s):
    weights = (7, 3, 1)
    total = 0
    for i, c in enumerate(s):
        total += char_value(c) * weights[i % 3]
    return str(total % 10)


def pad(s, n):
    if len(s) > n:
        raise ValueError("field %r longer than %d" % (s, n))
    return s + FILLER * (n - len(s))


# ---------------------------------------------------------------------------
# Transliteration (Doc 9303 Part 3, section 6)

# Characters with a single transliteration.
_SINGLE = {
    "Æ": "AE", "Ø": "OE", "Œ": "OE", "Þ": "TH", "Ð": "D", "Đ": "D",
    "ẞ": "SS", "ß": "SS", "Ĳ": "IJ", "Ł": "L", "Ş": "S", "Ș": "S", "Ţ": "T",
    "Ț": "T", "Ğ": "G", "İ": "I", "I": "I", "ı": "I", "Ħ": "H", "Ŧ": "T",
    "Ŋ": "N", "Ŀ": "L",
}
# Characters where the issuing state chooses between alternatives:
# policy 0 = long form (AE, AA, OE, UE), 1 = plain letter, 2 = the XX forms.
_MULTI = {
    "Ä": ("AE", "A", "AE"),
    "Å": ("AA", "A", "AA"),
    "Ñ": ("N", "N", "NXX"),
    "Ö": ("OE", "O", "OE"),
    "Ü": ("UE", "U", "UXX"),
}

_CYRILLIC = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "E",
    "Ж": "ZH", "З": "Z", "И": "I", "Й": "I", "К": "K", "Л": "L", "М": "M",
    "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T", "У": "U",
    "Ф": "F", "Х": "KH", "Ц": "TS", "Ч": "CH", "Ш": "SH", "Щ": "SHCH",
    "Ъ": "IE", "Ы": "Y", "Ь": "", "Э": "E", "Ю": "IU", "Я": "IA",
    "Є": "IE", "І": "I", "Ї": "I", "Ґ": "G", "Ў": "U", "Ј": "J", "Љ": "LJ",
    "Њ": "NJ", "Ћ": "C", "Ђ": "D", "Џ": "DZ", "Ѓ": "G", "Ќ": "K", "Ѕ": "DZ",
}
_CYR_LANG = {
    "uk": {"Г": "H", "И": "Y", "Й": "I", "Щ": "SHCH", "Ь": ""},
    "bg": {"Щ": "SHT", "Ъ": "A", "Ю": "YU", "Я": "YA", "Й": "Y", "Ц": "TS"},
    "sr": {"Ж": "Z", "Ш": "S", "Ч": "C", "Ц": "C", "Х": "H"},
}

_GREEK_DIGRAPHS = [("ΟΥ", "OU"), ("ΑΥ", "AV"), ("ΕΥ", "EV"), ("ΓΓ", "NG"),
                   ("ΜΠ", "MP"), ("ΝΤ", "NT"), ("ΓΚ", "GK")]
_GREEK = {
    "Α": "A", "Β": "V", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I",
    "Θ": "TH", "Ι": "I", "Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X",
    "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S", "Τ": "T", "Υ": "Y", "Φ": "F",
    "Χ": "CH", "Ψ": "PS", "Ω": "O",
}


def _strip_marks(s):
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if unicodedata.category(ch) == "Mn":
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def transliterate(text, policy=0, lang=None):
    """Return `text` as MRZ name characters: A-Z, spaces and hyphens kept as
    separators (the caller turns them into `<`).  `policy` picks the
    alternative for multi-valued characters (0 = long form such as AE)."""
    s = text.upper()
    # Greek: strip accents first (Ά -> Α), then digraphs, then letters.
    if any("\u0370" <= ch <= "\u03ff" for ch in s):
        s = _strip_marks(s).replace("Σ", "Σ").replace("ς", "Σ")
        for a, b in _GREEK_DIGRAPHS:
            s = s.replace(a, b)
        s = "".join(_GREEK.get(ch, ch) for ch in s)
    if any("\u0400" <= ch <= "\u04ff" for ch in s):
        table = dict(_CYRILLIC)
        table.update(_CYR_LANG.get(lang, {}))
        s = "".join(table.get(ch, ch) for ch in s)
    out = []
    for ch in s:
        if ch in _SINGLE:
            out.append(_SINGLE[ch])
        elif ch in _MULTI:
            out.append(_MULTI[ch][policy])
        elif "A" <= ch <= "Z":
            out.append(ch)
        elif ch in " -\u2010\u2011\u00a0":
            out.append(" ")
        elif ch in "'\u2019\u02bc`.":
            continue  # apostrophes and full stops are dropped
        elif ch == ",":
            out.append(" ")
        else:
            base = _strip_marks(ch).upper()
            base = "".join(c for c in base if "A" <= c <= "Z")
            out.append(base)
    return " ".join("".join(out).split())


def components(text, policy=0, lang=None):
    t = transliterate(text, policy, lang)
    return [c for c in t.split(" ") if c]


def name_field(primary, secondary, length, style=0):
    """Compose the name field.

    primary, secondary: lists of transliterated components.
    style: issuer's truncation style (0: cut the end, 1: reduce the later
    components to initials first).
    Returns (field, truncated_flag).
    """
    p = FILLER.join(primary)
    s = FILLER.join(secondary)
    if not secondary:
        full = p
    else:
        full = p + FILLER * 2 + s
    if len(full) <= length:
        return pad(full, length), False
    if secondary and len(p) + 3 <= length:
        # Primary fits: shorten the secondary identifier.
        room = length - len(p) - 2
        sec = list(secondary)
        if style == 1:
            i = len(sec) - 1
            while len(FILLER.join(sec)) > room and i >= 1:
                sec[i] = sec[i][0]
                i -= 1
        s2 = FILLER.join(sec)[:room]
        return pad(p + FILLER * 2 + s2, length), True
    if not secondary:
        return p[:length], True
    # Primary too long: keep `<<` plus at least the first secondary initial.
    room = length - 3
    prim = list(primary)
    if style == 1:
        i = len(prim) - 1
        while len(FILLER.join(prim)) > room and i >= 1:
            prim[i] = prim[i][0]
            i -= 1
    p2 = FILLER.join(prim)[:room].rstrip(FILLER)
    rest = length - len(p2) - 2
    s2 = FILLER.join(secondary)[:rest]
    return pad(p2 + FILLER * 2 + s2, length), True


# ---------------------------------------------------------------------------
# Layout builders.  Every builder returns the list of printed lines.

def _code(doc_code):
    return pad(doc_code, 2)


def _state(code):
    return pad(code, 3)  # "D" -> "D<<"


def _date(d):
    """d is 'YYMMDD' with possible '<' for unknown parts."""
    assert len(d) == 6
    return d


def build_td3(doc_code, issuer, name, number, nationality, dob, sex, expiry,
              personal="", empty_personal_check="<"):
    l1 = _code(doc_code) + _state(issuer) + name
    assert len(name) == 39
    num = pad(number, 9)
    pn = pad(personal, 14)
    if personal.strip(FILLER) == "":
        pcd = empty_personal_check
    else:
        pcd = check_digit(pn)
    head = num + check_digit(num)
    d1 = _date(dob) + check_digit(dob)
    d2 = _date(expiry) + check_digit(expiry)
    comp = check_digit(head + d1 + d2 + pn + pcd)
    l2 = head + _state(nationality) + d1 + sex + d2 + pn + pcd + comp
    assert len(l1) == 44 and len(l2) == 44, (l1, l2)
    return [l1, l2]


def build_td2(doc_code, issuer, name, number, nationality, dob, sex, expiry,
              optional=""):
    assert len(name) == 31
    l1 = _code(doc_code) + _state(issuer) + name
    if len(number) <= 9:
        num = pad(number, 9)
        head = num + check_digit(num)
        opt = pad(optional, 7)
    else:
        # Overflow (note j): first 9 in the number field, `<` in the check
        # position, the rest plus its check digit starts the optional field.
        first, rest = number[:9], number[9:]
        head = first + FILLER
        ocd = check_digit(first + rest)
        opt = pad(rest + ocd + FILLER + optional, 7)
    d1 = _date(dob) + check_digit(dob)
    d2 = _date(expiry) + check_digit(expiry)
    comp = check_digit(head + d1 + d2 + opt)
    l2 = head + _state(nationality) + d1 + sex + d2 + opt + comp
    assert len(l1) == 36 and len(l2) == 36, (l1, l2)
    return [l1, l2]


def build_td1(doc_code, issuer, name, number, nationality, dob, sex, expiry,
              optional1="", optional2=""):
    assert len(name) == 30
    if len(number) <= 9:
        num = pad(number, 9)
        l1 = _code(doc_code) + _state(issuer) + num + check_digit(num) + pad(optional1, 15)
    else:
        first, rest = number[:9], number[9:]
        ocd = check_digit(first + rest)
        l1 = _code(doc_code) + _state(issuer) + first + FILLER + pad(rest + ocd + FILLER + optional1, 15)
    d1 = _date(dob) + check_digit(dob)
    d2 = _date(expiry) + check_digit(expiry)
    opt2 = pad(optional2, 11)
    comp = check_digit(l1[5:30] + d1 + d2 + opt2)
    l2 = d1 + sex + d2 + _state(nationality) + opt2 + comp
    l3 = name
    assert len(l1) == 30 and len(l2) == 30 and len(l3) == 30, (l1, l2, l3)
    return [l1, l2, l3]


def build_mrv(kind, doc_code, issuer, name, number, nationality, dob, sex,
              expiry, optional=""):
    width = 44 if kind == "MRVA" else 36
    assert len(name) == width - 5
    l1 = _code(doc_code) + _state(issuer) + name
    num = pad(number, 9)
    d1 = _date(dob) + check_digit(dob)
    d2 = _date(expiry) + check_digit(expiry)
    l2 = num + check_digit(num) + _state(nationality) + d1 + sex + d2 + pad(optional, width - 28)
    assert len(l1) == width and len(l2) == width, (l1, l2)
    return [l1, l2]


NAME_LEN = {"TD1": 30, "TD2": 31, "TD3": 39, "MRVA": 39, "MRVB": 31}


# Positions (0-based line, 0-based column) of the check digits of each
# format, for the `invalid` tier.  Composite last.
def check_positions(fmt, lines):
    if fmt == "TD3":
        pos = [("number", 1, 9), ("birth", 1, 19), ("expiry", 1, 27),
               ("personal", 1, 42), ("composite", 1, 43)]
    elif fmt == "TD2":
        pos = [("birth", 1, 19), ("expiry", 1, 27), ("composite", 1, 35)]
        if lines[1][9] != FILLER:
            pos.insert(0, ("number", 1, 9))
    elif fmt == "TD1":
        pos = [("birth", 1, 6), ("expiry", 1, 14), ("composite", 1, 29)]
        if lines[0][14] != FILLER:
            pos.insert(0, ("number", 0, 14))
    else:
        pos = [("number", 1, 9), ("birth", 1, 19), ("expiry", 1, 27)]
    return pos


def recompute_composite(fmt, lines):
    """Recompute the composite digit over the printed characters."""
    lines = list(lines)
    if fmt == "TD3":
        l2 = lines[1]
        c = check_digit(l2[0:10] + l2[13:20] + l2[21:43])
        lines[1] = l2[:43] + c
    elif fmt == "TD2":
        l2 = lines[1]
        c = check_digit(l2[0:10] + l2[13:20] + l2[21:35])
        lines[1] = l2[:35] + c
    elif fmt == "TD1":
        l1, l2 = lines[0], lines[1]
        c = check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
        lines[1] = l2[:29] + c
    return lines


def break_one_check(fmt, lines, rng):
    """Replace exactly one check digit by a wrong digit; when it is not the
    composite, the composite is recomputed over the printed characters so
    that it alone stays consistent.  Returns (lines, field_name)."""
    pos = check_positions(fmt, lines)
    name, li, ci = rng.choice(pos)
    old = lines[li][ci]
    choices = [d for d in "0123456789" if d != old]
    if old == FILLER:
        # empty TD3 personal number: '<' and '0' are both correct.
        choices = [d for d in "123456789"]
    new = rng.choice(choices)
    out = list(lines)
    out[li] = out[li][:ci] + new + out[li][ci + 1:]
    if name != "composite":
        out = recompute_composite(fmt, out)
    return out, name
