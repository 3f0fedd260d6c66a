"""Stand-alone MRZ check-digit verifier, written separately from icao.py (it
shares no code with it) so that the emitter is checked by a second reading of
Doc 9303.  Also used by check_truth.py together with the PyPI `mrz` package.

verify(fmt, lines) -> list of failed check names ([] when all verify).
"""

_VALS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_WIDTH = {"TD1": (3, 30), "TD2": (2, 36), "TD3": (2, 44), "MRVA": (2, 44), "MRVB": (2, 36)}


def _digit(field):
    acc = 0
    for k, ch in enumerate(field):
        v = 0 if ch == "<" else _VALS.index(ch)
        acc += v * [7, 3, 1][k % 3]
    return acc % 10


def _ok(field, printed):
    return printed.isdigit() and int(printed) == _digit(field)


def _long_number(number_field, check_pos_char, optional):
    """Doc 9303 note j.  Returns (ok, used_overflow)."""
    if check_pos_char != "<" or number_field.endswith("<"):
        return None, False
    # overflow: the rest of the number then its check digit, then '<'
    stop = optional.find("<")
    if stop < 2:
        return False, True
    tail = optional[:stop]
    rest, cd = tail[:-1], tail[-1]
    return _ok(number_field + rest, cd), True


def shape_ok(fmt, lines):
    if fmt not in _WIDTH or lines is None:
        return False
    n, w = _WIDTH[fmt]
    if len(lines) != n:
        return False
    for ln in lines:
        if len(ln) != w or any(c not in _VALS + "<" for c in ln):
            return False
    return True


def verify(fmt, lines):
    if not shape_ok(fmt, lines):
        return ["shape"]
    bad = []
    if fmt == "TD1":
        a, b = lines[0], lines[1]
        ok, used = _long_number(a[5:14], a[14], a[15:30])
        if used:
            if not ok:
                bad.append("number")
        elif not _ok(a[5:14], a[14]):
            bad.append("number")
        if not _ok(b[0:6], b[6]):
            bad.append("birth")
        if not _ok(b[8:14], b[14]):
            bad.append("expiry")
        if not _ok(a[5:30] + b[0:7] + b[8:15] + b[18:29], b[29]):
            bad.append("composite")
        return bad
    l2 = lines[1]
    if fmt in ("TD2", "TD3"):
        ok, used = (None, False)
        if fmt == "TD2":
            ok, used = _long_number(l2[0:9], l2[9], l2[28:35])
        if used:
            if not ok:
                bad.append("number")
        elif not _ok(l2[0:9], l2[9]):
            bad.append("number")
        if not _ok(l2[13:19], l2[19]):
            bad.append("birth")
        if not _ok(l2[21:27], l2[27]):
            bad.append("expiry")
        if fmt == "TD3":
            personal, pc = l2[28:42], l2[42]
            if set(personal) == {"<"} and pc in ("<", "0"):
                pass
            elif not _ok(personal, pc):
                bad.append("personal")
            comp_src = l2[0:10] + l2[13:20] + l2[21:43]
        else:
            comp_src = l2[0:10] + l2[13:20] + l2[21:35]
        if not _ok(comp_src, l2[35 if fmt == "TD2" else 43]):
            bad.append("composite")
        return bad
    # visas: no composite
    if not _ok(l2[0:9], l2[9]):
        bad.append("number")
    if not _ok(l2[13:19], l2[19]):
        bad.append("birth")
    if not _ok(l2[21:27], l2[27]):
        bad.append("expiry")
    return bad


def _selftest():
    # Worked values from Doc 9303 Part 3 appendix A / specimen documents.
    assert _digit("520727") == 3
    assert _digit("AB2134<<<") == 5
    td1 = ["I<UTOD231458907<<<<<<<<<<<<<<<",
           "7408122F1204159UTO<<<<<<<<<<<6",
           "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
    assert verify("TD1", td1) == [], verify("TD1", td1)
    td2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
           "D231458907UTO7408122F1204159<<<<<<<6"]
    assert verify("TD2", td2) == [], verify("TD2", td2)
    td3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
           "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
    assert verify("TD3", td3) == [], verify("TD3", td3)
    # TD1 long document number (note j example: D23145890 + 734, digit 9)
    long1 = ["I<UTOD23145890<7349<<<<<<<<<<<",
             "3407127M9507122UTO<<<<<<<<<<<2",
             "STEVENSON<<PETER<JOHN<<<<<<<<<"]
    assert verify("TD1", long1)[:1] != ["number"], verify("TD1", long1)
    return True


if __name__ == "__main__":
    print("selftest", _selftest())
