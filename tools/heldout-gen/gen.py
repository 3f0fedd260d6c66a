#!/usr/bin/env python3
"""heldout-gen: an independent generator of travel-document images with a
machine-readable zone and exact truth, for measuring an MRZ reader on images
it was never tuned on.

    python gen.py --out DIR --count-per-tier N --seed S [--tiers a,b,...]

Writes DIR/<tier>_<index>.png|jpg, DIR/truth.jsonl and DIR/meta.jsonl.
A specimen depends only on (seed, tier, index).
"""

import argparse
import hashlib
import io
import json
import os
import random
import sys
import time

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import art  # noqa: E402
import icao  # noqa: E402
import layouts  # noqa: E402
import negatives  # noqa: E402
import people  # noqa: E402
import scene  # noqa: E402
import verify  # noqa: E402

VERSION = "heldout-gen/1"

TIERS = ["clean", "shadow", "noise", "blur", "jpeg", "lowres", "low_contrast", "rot_small",
         "rot_90_180", "photo", "guilloche", "invalid", "negative", "glare", "two_pages", "photocopy"]

TIER_HELP = {
    "clean": "flat scan, PNG",
    "shadow": "uneven lighting and a soft cast shadow",
    "noise": "strong sensor noise, speckle and dust",
    "blur": "defocus (Gaussian) or motion blur",
    "jpeg": "heavy JPEG compression (quality 6-25), saved as .jpg",
    "lowres": "small web-sized image, MRZ pitch 9-12 px",
    "low_contrast": "faded print / washed-out scan",
    "rot_small": "document skewed 1-8 degrees on the scanner",
    "rot_90_180": "page turned 90, 180 or 270 degrees (pixels, no EXIF)",
    "photo": "phone photo in perspective on a cluttered desk, lighting, JPEG",
    "guilloche": "a strong security pattern behind and across the MRZ",
    "invalid": "normal page whose MRZ has exactly one wrong check digit (valid=false)",
    "negative": "a document with no MRZ (format none)",
    "glare": "specular glare on the laminate, JPEG",
    "two_pages": "open passport booklet: facing page above the TD3 data page",
    "photocopy": "grey photocopy: clipped contrast, toner noise, sometimes dithered",
}

FORMAT_WEIGHTS = [("TD3", 50), ("TD1", 20), ("TD2", 10), ("MRVA", 10), ("MRVB", 10)]


def specimen_seed(seed, tier, index):
    h = hashlib.sha256(("%s|%s|%s|%d" % (VERSION, seed, tier, index)).encode()).digest()
    return int.from_bytes(h[:8], "little")


def pick_pitch(rng, tier):
    if tier == "lowres":
        return rng.uniform(9.0, 12.0)
    if tier == "photo":
        return rng.uniform(13.0, 26.0)
    if tier == "glare":
        return rng.uniform(14.0, 28.0)
    r = rng.random()
    if r < 0.2:
        return rng.uniform(13.0, 17.0)
    if r < 0.8:
        return rng.uniform(17.0, 31.0)
    return rng.uniform(31.0, 38.0)


def plan_specimen(seed, tier, index):
    """Everything the truth depends on, from its own random stream (so that
    --mrz-only gives exactly the truth of a full run)."""
    rid = random.Random(specimen_seed(seed, tier + "/identity", index))
    plan = {"tier": tier, "index": index}
    if tier == "negative":
        plan.update(fmt="none", person=None, lines=None, valid=None)
    else:
        fmt = "TD3" if tier == "two_pages" else people.weighted(rid, FORMAT_WEIGHTS)
        p = people.make_identity(rid, fmt)
        lines, valid = p.lines, True
        if tier == "invalid":
            lines, broken = icao.break_one_check(fmt, lines, rid)
            valid = False
            plan["broken_check"] = broken
        p.lines_printed = lines
        plan.update(fmt=fmt, person=p, lines=lines, valid=valid)
    if tier in ("jpeg", "photo", "glare") or (tier == "lowres" and rid.random() < 0.5):
        ext = "jpg"
    else:
        ext = "png"
    plan["file"] = "%s_%04d.%s" % (tier, index, ext)
    plan["truth"] = {"file": plan["file"], "format": plan["fmt"], "lines": plan["lines"],
                     "valid": plan["valid"], "tier": tier, "kind": tier}
    return plan


def make_specimen(seed, tier, index):
    plan = plan_specimen(seed, tier, index)
    s = specimen_seed(seed, tier, index)
    rng = random.Random(s)
    nprng = np.random.default_rng(s)
    meta = {"tier": tier, "index": index}
    if "broken_check" in plan:
        meta["broken_check"] = plan["broken_check"]
    pitch_px = pick_pitch(rng, tier)
    final_ppm_est = pitch_px / 2.54
    cap = 12.0 if tier in ("photo", "glare") else 16.0
    render_ppm = min(cap, max(9.0, final_ppm_est * rng.uniform(1.25, 1.5)))
    render_ppm = round(render_ppm * 4) / 4.0
    meta["render_ppm"] = render_ppm
    fmt = plan["fmt"]

    if tier == "negative":
        docs, kind = negatives.negative_document(rng, nprng, render_ppm)
        mrz_doc, pitch_mm = 0, 2.54
        meta["negative_kind"] = kind
        mrz_pts = None
    else:
        p = plan["person"]
        opts = {}
        if tier == "guilloche":
            opts["zone_mode"] = "strong"
        if tier == "two_pages":
            opts["zone_mode"] = rng.choice(["clear", "light", "keep"])
        docs, mrz_doc = layouts.render_document(rng, nprng, p, render_ppm, opts)
        d = docs[mrz_doc]
        st = d.info.get("mrz_style", {})
        pitch_mm = st.get("pitch", 2.54)
        x0, y0, x1, y1 = d.mrz_bbox
        mrz_pts = [(x0 * d.ppm, y0 * d.ppm), (x1 * d.ppm, y0 * d.ppm), (x1 * d.ppm, y1 * d.ppm),
                   (x0 * d.ppm, y1 * d.ppm)]
        meta.update(layout=d.info.get("layout"), zone=d.info.get("zone"),
                    pitch_mm=round(pitch_mm, 3), cap_mm=round(st.get("cap", 0), 3),
                    spacing_k=round(st.get("spacing_k", 0), 3), mrz_font=st.get("font"),
                    spread_mm=round(st.get("spread_mm", 0), 3), issuer=p.issuer,
                    nationality=p.nationality, name_truncated=p.truncated)
        if tier == "two_pages":
            facing = negatives.facing_page(rng, nprng, render_ppm)
            img, alpha, mrz_pts = scene.compose_booklet(d, facing, rng, nprng, render_ppm, mrz_pts)
            docs = [layouts.Doc(img, alpha, img.width / render_ppm, img.height / render_ppm, render_ppm)]
            mrz_doc = 0
    meta["format"] = fmt
    factor = pitch_px / (pitch_mm * render_ppm)
    ext = plan["file"].rsplit(".", 1)[1]
    jpeg_q = None

    if tier == "photo":
        arr, pts, pinfo = scene.compose_photo(docs, mrz_doc, rng, nprng, render_ppm, mrz_pts)
        meta.update({k: round(v, 2) for k, v in pinfo.items()})
        arr, pts = scene.resize(arr, factor, rng, pts)
        arr = scene.gaussian_blur(arr, rng.uniform(0.3, 1.1))
        arr = scene.sensor_noise(arr, nprng, rng.uniform(0.008, 0.03), chroma=0.6)
        jpeg_q = rng.randint(68, 92)
    else:
        if tier == "rot_small":
            skew = rng.choice([-1, 1]) * rng.uniform(1.0, 8.0)
        elif tier == "clean":
            skew = rng.uniform(-0.4, 0.4)
        else:
            skew = rng.uniform(-0.8, 0.8)
        meta["skew_deg"] = round(skew, 2)
        arr, pts, bg, cover = scene.compose_scan(docs, rng, nprng, render_ppm, skew, mrz_doc, mrz_pts)
        # sampling at the final resolution, then scanner optics (MTF)
        arr, pts = scene.resize(arr, factor, rng, pts)
        cover = np.asarray(cover.resize((arr.shape[1], arr.shape[0]), Image.BILINEAR), np.float32) / 255.0
        arr = scene.gaussian_blur(arr, rng.uniform(0.25, 0.6))
        if tier == "shadow":
            arr = scene.illumination(arr, rng, nprng, rng.uniform(0.55, 1.0))
        elif tier == "low_contrast":
            arr = scene.low_contrast(arr, rng)
        elif tier == "glare":
            arr = scene.glare(arr, rng, nprng, pts, cover)
        elif tier == "photocopy":
            arr = scene.photocopy(arr, rng, nprng)
        elif tier not in ("clean",):
            if rng.random() < 0.3:
                arr = scene.illumination(arr, rng, nprng, rng.uniform(0.1, 0.25))
        if tier == "blur":
            if rng.random() < 0.55:
                sig = pitch_px * rng.uniform(0.05, 0.1)
                arr = scene.gaussian_blur(arr, sig)
                meta["blur"] = "gaussian sigma=%.2fpx" % sig
            else:
                ln = pitch_px * rng.uniform(0.22, 0.5)
                ang = rng.uniform(0, 180)
                arr = scene.motion_blur(arr, ln, ang)
                meta["blur"] = "motion len=%.1fpx angle=%.0f" % (ln, ang)
        if tier == "noise":
            arr = scene.sensor_noise(arr, nprng, rng.uniform(0.04, 0.1), chroma=rng.uniform(0.2, 0.8),
                                     speckle=rng.uniform(0.001, 0.008))
        else:
            arr = scene.sensor_noise(arr, nprng, rng.uniform(0.003, 0.012), chroma=0.3)
        if tier == "rot_90_180":
            k = rng.choice([1, 2, 3])
            arr, pts = scene.rot90(arr, k, pts)
            meta["rot90_ccw"] = 90 * k
        if tier == "jpeg":
            jpeg_q = rng.randint(6, 25)
        elif tier == "glare":
            jpeg_q = rng.randint(80, 94)
        elif ext == "jpg":
            jpeg_q = rng.randint(75, 92)
    img = scene.to_img(arr)
    buf = io.BytesIO()
    if ext == "jpg":
        img.save(buf, "JPEG", quality=jpeg_q, subsampling=rng.choice([0, 2, 2]) if tier != "jpeg" else 2)
        meta["jpeg_quality"] = jpeg_q
    else:
        img.save(buf, "PNG", optimize=False, compress_level=3)
    fname = plan["file"]
    meta["file"] = fname
    meta["size"] = [img.width, img.height]
    meta["mrz_pitch_px"] = round(pitch_px, 2)
    if pts:
        meta["mrz_quad"] = [[round(x, 1), round(y, 1)] for x, y in pts]
    return fname, buf.getvalue(), plan["truth"], meta


def _work(args):
    seed, tier, index = args
    return make_specimen(seed, tier, index)


def _work_mrz_only(args):
    seed, tier, index = args
    plan = plan_specimen(seed, tier, index)
    return plan["file"], None, plan["truth"], {"file": plan["file"], "tier": tier, "index": index,
                                                 "format": plan["fmt"]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=False, help="output directory (created)")
    ap.add_argument("--count-per-tier", type=int, default=10, help="images per tier (default 10)")
    ap.add_argument("--seed", default="0", help="seed (any string; default 0)")
    ap.add_argument("--tiers", default=",".join(TIERS), help="comma-separated tiers (default: all)")
    ap.add_argument("--start-index", type=int, default=0, help="first index (default 0)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--extra-fonts", action="store_true",
                    help="also use Liberation/FreeFont faces for the visual zone when installed "
                         "(output then depends on which are installed)")
    ap.add_argument("--mrz-only", action="store_true",
                    help="write truth.jsonl only (the same truth a full run writes), no images")
    ap.add_argument("--list-tiers", action="store_true", help="print the tiers and exit")
    a = ap.parse_args(argv)
    if a.list_tiers:
        for t in TIERS:
            print("%-13s %s" % (t, TIER_HELP[t]))
        return 0
    if not a.out:
        ap.error("--out is required")
    tiers = [t.strip() for t in a.tiers.split(",") if t.strip()]
    for t in tiers:
        if t not in TIERS:
            ap.error("unknown tier %r (known: %s)" % (t, ", ".join(TIERS)))
    if a.extra_fonts:
        found = art.enable_extra_fonts()
        print("extra fonts:", ", ".join(found) or "none found", file=sys.stderr)
    os.makedirs(a.out, exist_ok=True)
    jobs = [(a.seed, t, i) for t in tiers for i in range(a.start_index, a.start_index + a.count_per_tier)]
    t0 = time.time()
    truth_f = open(os.path.join(a.out, "truth.jsonl"), "w")
    meta_f = open(os.path.join(a.out, "meta.jsonl"), "w")
    n_bad = 0
    work = _work_mrz_only if a.mrz_only else _work
    if a.jobs > 1:
        import multiprocessing as mp
        pool = mp.Pool(a.jobs, initializer=(art.enable_extra_fonts if a.extra_fonts else None))
        it = pool.imap(work, jobs, chunksize=1 if not a.mrz_only else 256)
    else:
        it = map(work, jobs)
    for n, (fname, data, truth, meta) in enumerate(it, 1):
        if data is not None:
            with open(os.path.join(a.out, fname), "wb") as f:
                f.write(data)
        # every emitted MRZ is re-checked by the separate verifier
        if truth["lines"] is not None:
            bad = verify.verify(truth["format"], truth["lines"])
            ok = (bad == []) if truth["valid"] else (len(bad) == 1)
            if not ok:
                n_bad += 1
                print("VERIFY MISMATCH %s %s %s" % (fname, truth["lines"], bad), file=sys.stderr)
        truth_f.write(json.dumps(truth, ensure_ascii=False) + "\n")
        meta_f.write(json.dumps(meta, ensure_ascii=False) + "\n")
        if (n % 10 == 0 and not a.mrz_only) or n == len(jobs):
            el = time.time() - t0
            print("%d/%d  %.1fs  (%.2f img/s)" % (n, len(jobs), el, n / max(el, 1e-6)), file=sys.stderr)
    truth_f.close()
    meta_f.close()
    if a.jobs > 1:
        pool.close()
        pool.join()
    if n_bad:
        print("%d specimens failed verification" % n_bad, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
