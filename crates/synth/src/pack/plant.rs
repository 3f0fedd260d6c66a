//! Planting defects in a planned document: what each kind changes in the holder's data, in the
//! MRZ lines and on the page, and its answer-key entry.

use docexam_exam::training::{Defect, DefectKind};
use docexam_mrz::emit::emit;
use docexam_mrz::fields::{CheckId, FieldId};
use docexam_mrz::layout::Format;

use super::{
    DPI, Draft, FANTASY_STATES, Geometry, K, Mark, Side, add_days, check_position, date_in, field_span, items,
    mrz_slice, set_expiry, years_later,
};
use crate::SynthError;
use crate::defects::{self, StampSpec};
use crate::identity::{Identity, visual_date};
use crate::render::{Fonts, Mm, RectMm, VizField};
use crate::rng::Rng;

/// What planting a defect gives: the page it is on, where on it, its description and its items.
type Planted = (Side, RectMm, String, Vec<&'static str>);

/// Stage 1: what the defect changes in the holder's data (before the MRZ is written).
pub(super) fn alter_identity(kind: DefectKind, which: usize, draft: &mut Draft<'_>, rng: &mut Rng) {
    let reference = draft.reference;
    match kind {
        K::Expired => {
            let expiry = date_in(rng, reference.year - 4, reference.year - 1);
            for id in [&mut draft.truth, &mut draft.mrz, &mut draft.viz] {
                set_expiry(id, expiry);
            }
        }
        K::InconsistentDates if !which.is_multiple_of(2) => {
            // Born a year after the document was issued.
            let expiry = date_in(rng, reference.year + 4, reference.year + 8);
            let birth = date_in(rng, expiry.year - 9, expiry.year - 9);
            for id in [&mut draft.truth, &mut draft.mrz, &mut draft.viz] {
                set_expiry(id, expiry);
                id.birth = birth;
            }
        }
        K::InconsistentDates => {
            // Issued after it expires (the MRZ carries no date of issue).
            draft.viz.issue = date_in(rng, draft.viz.expiry.year + 1, draft.viz.expiry.year + 2);
        }
        K::WrongIssuerCode => {
            let (state, city) = &FANTASY_STATES[rng.below(FANTASY_STATES.len())];
            for id in [&mut draft.truth, &mut draft.mrz, &mut draft.viz] {
                id.issuing_state = state;
                id.nationality = state;
                id.place_of_birth = city;
            }
        }
        K::NameMismatch => {
            let mut other = Identity::random(&mut rng.fork(), draft.format, false);
            for _ in 0..50 {
                let differs = if which.is_multiple_of(2) {
                    other.surname != draft.viz.surname
                } else {
                    other.sex == draft.viz.sex && other.given_names != draft.viz.given_names
                };
                if differs {
                    break;
                }
                other = Identity::random(&mut rng.fork(), draft.format, false);
            }
            if which.is_multiple_of(2) || other.sex != draft.viz.sex {
                draft.viz.surname = other.surname;
            } else {
                draft.viz.given_names = other.given_names;
            }
        }
        K::MrzFontAnomaly => {
            draft.mrz.birth = years_later(draft.mrz.birth, -(rng.int(3, 8) as i32));
        }
        _ => {}
    }
}

/// Stage 2: what the defect changes in the printed MRZ lines; stage 3: what it draws, and its
/// key entry. Each kind has its own function below, which draws from `rng` in a fixed order:
/// the pack's bytes depend on it.
pub(super) fn plant(
    kind: DefectKind,
    which: usize,
    combined: &[DefectKind],
    draft: &mut Draft<'_>,
    geometry: &Geometry,
    rng: &mut Rng,
) -> Result<Defect, SynthError> {
    let (side, region, description, item_list): Planted = match kind {
        K::MrzDigitAltered => mrz_digit_altered(which, draft, rng)?,
        K::VizMrzMismatch => viz_mrz_mismatch(which, combined, draft, rng),
        K::NameMismatch => name_mismatch(draft),
        K::Expired => expired(draft),
        K::PhotoSubstituted => photo_substituted(draft, rng),
        K::PhotoMisaligned => photo_misaligned(draft, rng),
        K::InconsistentDates => inconsistent_dates(draft),
        K::MrzFontAnomaly => mrz_font_anomaly(draft)?,
        K::WrongIssuerCode => wrong_issuer_code(draft)?,
        K::LaminateDamage => laminate_damage(draft, rng),
        K::PageAttachment => page_attachment(draft, rng),
        K::EdgeDamage => edge_damage(draft, rng),
        K::StampImplausible => stamp_implausible(draft, rng),
        K::Other => (Side::Data, RectMm::new(0.0, 0.0, 1.0, 1.0), "other".to_owned(), vec!["O01"]),
    };
    Ok(Defect {
        kind,
        description,
        items: items(&item_list),
        critical: kind != K::Expired,
        region: Some(geometry.fraction(side, region)),
    })
}

/// One digit of the document number (even variants) or of the date of birth (odd) changed in the
/// printed MRZ only, so the check digit and the composite fail and the zones disagree.
fn mrz_digit_altered(which: usize, draft: &mut Draft<'_>, rng: &mut Rng) -> Result<Planted, SynthError> {
    let format = draft.format;
    let (field, check, name) = if which.is_multiple_of(2) {
        (FieldId::DocumentNumber, CheckId::DocumentNumber, "document number")
    } else {
        (FieldId::DateOfBirth, CheckId::DateOfBirth, "date of birth")
    };
    let (line, start, end) = field_span(format, field).ok_or(SynthError::NoCheckDigit)?;
    let before = mrz_slice(&draft.lines, line, start, end);
    let candidates: Vec<usize> = before
        .char_indices()
        .filter(|(i, c)| c.is_ascii_digit() && (field != FieldId::DateOfBirth || *i < 2))
        .map(|(i, _)| start + i)
        .collect();
    let col = *rng.pick(&candidates).ok_or(SynthError::NoCheckDigit)?;
    let mut bytes = draft.lines.get(line).map(|l| l.as_bytes().to_vec()).unwrap_or_default();
    if let Some(b) = bytes.get_mut(col) {
        *b = b'0' + (*b - b'0' + rng.int(1, 9) as u8) % 10;
    }
    if let Some(l) = draft.lines.get_mut(line) {
        *l = String::from_utf8_lossy(&bytes).into_owned();
    }
    let after = mrz_slice(&draft.lines, line, start, end);
    let (_, check_col) = check_position(format, check).ok_or(SynthError::NoCheckDigit)?;
    let viz_value =
        if field == FieldId::DocumentNumber { draft.viz.document_number.clone() } else { visual_date(draft.viz.birth) };
    let text = format!(
        "MRZ line {}, {name}: printed {} (position {}), where the visual zone has {viz_value}; the {name} \
         check digit and the composite check digit fail.",
        line + 1,
        after.trim_end_matches('<'),
        col + 1
    );
    let mut list = vec!["C02", "C04"];
    if field == FieldId::DocumentNumber {
        list.push("C09");
    }
    Ok((Side::Data, draft.mrz_cells(line, start, check_col.max(start)), text, list))
}

/// A visual-zone value (expiry when the document is also expired, else birth or number by variant)
/// scraped and overprinted with another value; the MRZ keeps the old one.
fn viz_mrz_mismatch(which: usize, combined: &[DefectKind], draft: &mut Draft<'_>, rng: &mut Rng) -> Planted {
    let reference = draft.reference;
    let expiry_variant = combined.contains(&K::Expired);
    let (field, text, mrz_value, what) = if expiry_variant {
        let later = date_in(rng, reference.year + 1, reference.year + 3);
        draft.viz.expiry = later;
        (VizField::Expiry, visual_date(later), visual_date(draft.mrz.expiry), "date of expiry")
    } else if which.is_multiple_of(2) {
        let younger = years_later(draft.mrz.birth, rng.int(4, 9) as i32);
        draft.viz.birth = younger;
        (VizField::Birth, visual_date(younger), visual_date(draft.mrz.birth), "date of birth")
    } else {
        let number: String = draft.mrz.document_number.clone();
        let digits: Vec<usize> = number.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).collect();
        let at = rng.pick(&digits).copied().unwrap_or(0);
        let changed: String = number
            .char_indices()
            .map(|(i, c)| match c.to_digit(10) {
                Some(d) if i == at => char::from(b'0' + ((d + rng.int(1, 9) as u32) % 10) as u8),
                _ => c,
            })
            .collect();
        draft.viz.document_number = changed.clone();
        (VizField::Number, changed, number, "document number")
    };
    let (side, region, _) = draft.viz_cell(field);
    let ink = *rng.pick(&[[58, 46, 92], [78, 56, 38], [36, 58, 96]]).unwrap_or(&[58, 46, 92]);
    let dy_mm = rng.range_f32(0.12, 0.28);
    draft.marks.push(Mark::Overprint { side, field, text: text.clone(), ink, dy_mm, seed: rng.next_u64() });
    let description = format!(
        "The {what} in the visual zone ({text}) is not the MRZ's ({mrz_value}): the field was scraped (faded \
         background print) and overprinted in a slightly different ink, off the baseline."
    );
    let mut list = vec!["C04", "O01", "G01", "G02"];
    if field == VizField::Number {
        list.push("C09");
    }
    (side, region, description, list)
}

/// The name that [`alter_identity`] changed in the visual zone: only the key entry, nothing drawn.
fn name_mismatch(draft: &Draft<'_>) -> Planted {
    let (field, viz_value, mrz_value, what) = if draft.viz.surname != draft.mrz.surname {
        (VizField::Surname, &draft.viz.surname, &draft.mrz.surname, "surname")
    } else {
        (VizField::GivenNames, &draft.viz.given_names, &draft.mrz.given_names, "given names")
    };
    let description = format!(
        "The {what} in the visual zone ({}) is not the one in the MRZ ({}).",
        viz_value.to_uppercase(),
        mrz_value.to_uppercase()
    );
    let (side, region, _) = draft.viz_cell(field);
    (side, region, description, vec!["C04", "O01"])
}

/// An expired document: nothing drawn, the dates already say it; not critical.
fn expired(draft: &Draft<'_>) -> Planted {
    let reference = draft.reference;
    let (side, region, _) = draft.viz_cell(VizField::Expiry);
    let description = format!(
        "Expired on {} (reference date {reference}): not a fraud, but not a valid travel document (refusal \
         ground A). The falsedoc-pocket manual has no expiry item; O02 (the document's dates) is the nearest.",
        draft.mrz.expiry
    );
    (side, region, description, vec!["O02"])
}

/// Another face pasted over the portrait, with a cut line and a broken seal.
fn photo_substituted(draft: &mut Draft<'_>, rng: &mut Rng) -> Planted {
    let (side, portrait) = draft.portrait();
    let offset = (rng.range_f32(0.2, 0.5), rng.range_f32(0.1, 0.4));
    draft.marks.push(Mark::Substitute { face_seed: rng.next_u64(), offset });
    let description = "The portrait was replaced: the face is not the one in the ghost portrait, a bright cut \
                       line runs along its top and left edges, and the seal over its corner stops at the \
                       portrait's edge."
        .to_owned();
    (side, portrait.union(seal_box(portrait)).grow(1.0), description, vec!["F02", "F03", "F04"])
}

/// The portrait turned and shifted against its frame, so the seal no longer lines up.
fn photo_misaligned(draft: &mut Draft<'_>, rng: &mut Rng) -> Planted {
    let (side, portrait) = draft.portrait();
    let degrees = rng.sign() as f32 * rng.range_f32(1.8, 3.5);
    let offset = (rng.sign() as f32 * rng.range_f32(0.6, 1.2), rng.sign() as f32 * rng.range_f32(0.4, 0.9));
    draft.marks.push(Mark::Misalign { degrees, offset });
    let description = format!(
        "The portrait is turned by {:.1}° and shifted against its printed frame; the seal over its corner no \
         longer lines up across the portrait's edge, and a strip of glue-stained paper shows beside it.",
        degrees.abs()
    );
    (side, portrait.union(seal_box(portrait)).grow(2.0), description, vec!["F02", "F03"])
}

/// The dates [`alter_identity`] made impossible: born after issue, or issued after expiry.
fn inconsistent_dates(draft: &Draft<'_>) -> Planted {
    if draft.viz.birth > draft.viz.issue {
        let (side, birth, _) = draft.viz_cell(VizField::Birth);
        let (_, issue, _) = draft.viz_cell(VizField::Issue);
        let description = format!(
            "The date of birth ({}) is after the date of issue ({}): the document was issued before its \
             holder was born, and the portrait shows an adult.",
            visual_date(draft.viz.birth),
            visual_date(draft.viz.issue)
        );
        (side, birth.union(issue), description, vec!["O02", "O01", "O03"])
    } else {
        let (side, issue, _) = draft.viz_cell(VizField::Issue);
        let (_, expiry, _) = draft.viz_cell(VizField::Expiry);
        let description = format!(
            "The date of issue ({}) is after the date of expiry ({}).",
            visual_date(draft.viz.issue),
            visual_date(draft.viz.expiry)
        );
        (side, issue.union(expiry), description, vec!["O02", "O01"])
    }
}

/// The date of birth [`alter_identity`] changed in the MRZ, re-printed in a smaller, shifted font
/// over the genuine characters, with check digits recomputed so they pass.
fn mrz_font_anomaly(draft: &mut Draft<'_>) -> Result<Planted, SynthError> {
    let format = draft.format;
    let honest = emit(format, &draft.truth.mrz_fields())?;
    let (line, start, _) = field_span(format, FieldId::DateOfBirth).ok_or(SynthError::NoCheckDigit)?;
    let (_, check_col) = check_position(format, CheckId::DateOfBirth).ok_or(SynthError::NoCheckDigit)?;
    let mut cells = Vec::new();
    for (l, (printed, genuine)) in draft.lines.iter().zip(&honest).enumerate() {
        for (c, (a, b)) in printed.chars().zip(genuine.chars()).enumerate() {
            if a != b {
                cells.push((l, c, a));
            }
        }
    }
    let last = cells.iter().filter(|(l, c, _)| *l == line && *c <= check_col).map(|(_, c, _)| *c).max();
    let first = cells.iter().filter(|(l, _, _)| *l == line).map(|(_, c, _)| *c).min();
    let region = draft.mrz_cells(line, first.unwrap_or(start), last.unwrap_or(check_col));
    let description = format!(
        "MRZ line {}: the date of birth ({}) and its check digits are re-printed smaller, higher and shifted \
         right against the other characters; it is not the visual zone's date of birth ({}). The check digits \
         were recomputed, so they pass.",
        line + 1,
        mrz_slice(&draft.lines, line, start, start + 6),
        visual_date(draft.viz.birth)
    );
    draft.marks.push(Mark::Reprint { cells });
    Ok((Side::Data, region, description, vec!["G01", "C04"]))
}

/// A fantasy state in both zones: nothing drawn, the key points at the MRZ code.
fn wrong_issuer_code(draft: &Draft<'_>) -> Result<Planted, SynthError> {
    let format = draft.format;
    let state = draft.mrz.issuing_state;
    let (line, start, end) = field_span(format, FieldId::IssuingState).ok_or(SynthError::NoCheckDigit)?;
    let description = format!(
        "Issuing state {} ({}) in the visual zone and the MRZ alike: there is no such state and no such ICAO \
         code, so no reference and no numbering scheme exist for it (a fantasy document). The zones agree; \
         the MRZ reader reports an unknown code.",
        state.code,
        state.name.to_uppercase()
    );
    Ok((Side::Data, draft.mrz_cells(line, start, end.saturating_sub(1)), description, vec!["C07", "O02"]))
}

/// A cut in the laminate across the portrait's corner and a bubble beside it.
fn laminate_damage(draft: &mut Draft<'_>, rng: &mut Rng) -> Planted {
    let (side, p) = draft.portrait();
    let from = (p.x + p.w - rng.range_f32(5.0, 8.0), p.y - rng.range_f32(1.0, 2.5));
    let to = (p.x + p.w + rng.range_f32(6.0, 10.0), p.y + p.h * rng.range_f32(0.45, 0.6));
    let path = defects::cut_path(rng, from, to);
    let centre = (p.x + p.w + rng.range_f32(1.5, 4.0), p.y + p.h * rng.range_f32(0.6, 0.75));
    let (rx, ry) = (rng.range_f32(3.0, 4.2), rng.range_f32(2.0, 3.0));
    let region = cut_bounds(&path).union(RectMm::new(centre.0 - rx, centre.1 - ry, 2.0 * rx, 2.0 * ry)).grow(0.6);
    draft.marks.push(Mark::Cut { path });
    draft.marks.push(Mark::Bubble { centre, rx, ry });
    let description = "The laminate is cut along a jagged diagonal line across the portrait's upper corner \
                       (a bright line with its shadow) and lifted in a bubble beside the portrait."
        .to_owned();
    (side, region, description, vec!["H01", "H02"])
}

/// The data page glued in along the binding edge and re-sewn.
fn page_attachment(draft: &mut Draft<'_>, rng: &mut Rng) -> Planted {
    let depth = rng.range_f32(2.6, 3.4);
    let y = rng.range_f32(1.2, 1.8);
    draft.marks.push(Mark::Glue { depth, seed: rng.next_u64() });
    draft.marks.push(Mark::Stitches { y, seed: rng.next_u64() });
    let (w, _) = draft.data.size_mm;
    let description = "The data page is glued in along the binding edge (a yellowish strip of glue) and sewn \
                       with irregular, doubled stitch holes and loose thread: not how the issuer attaches it."
        .to_owned();
    (Side::Data, RectMm::new(0.0, 0.0, w, depth + 1.6), description, vec!["L06", "L01"])
}

/// The right edge re-cut unevenly, from below the top to above the MRZ.
fn edge_damage(draft: &mut Draft<'_>, rng: &mut Rng) -> Planted {
    let is_td3 = draft.format == Format::Td3;
    let (w, _) = draft.data.size_mm;
    let clear = draft.data.mrz.map_or(40.0, |p| p.clear_top_mm(draft.lines.len()));
    let (y0, y1, depth) = if is_td3 {
        (rng.range_f32(12.0, 22.0), clear - rng.range_f32(1.0, 6.0), rng.range_f32(2.5, 4.0))
    } else {
        (rng.range_f32(3.0, 8.0), clear - 1.0, rng.range_f32(2.0, 2.8))
    };
    draft.marks.push(Mark::Recut { side: Side::Data, y0, y1, depth, seed: rng.next_u64() });
    let description = format!(
        "The right edge of the {} is re-cut unevenly (up to {:.1} mm in) with a dark line of separated \
         layers along the cut.",
        if is_td3 { "data page" } else { "card" },
        depth
    );
    let list = if is_td3 { vec!["M02", "M01"] } else { vec!["M02"] };
    (Side::Data, RectMm::new(w - depth - 1.0, y0, depth + 1.0, y1 - y0), description, list)
}

/// An entry stamp on the data page, dated before the document was issued.
fn stamp_implausible(draft: &mut Draft<'_>, rng: &mut Rng) -> Planted {
    let date = add_days(draft.viz.issue, -rng.int(40, 700));
    let crossing = rng.pick_str(
        &["BORDER POST 3", "PORT NORD 07", "AÉROPORT T2", "GRENZÜBERGANG 14", "HARBOUR GATE 5"],
        "BORDER POST 3",
    );
    let lines = vec![
        "ENTRY / ENTRÉE".to_owned(),
        crossing.to_owned(),
        format!("{:02}.{:02}.{}", date.day, date.month, date.year),
        format!("{:03}", rng.int(1, 999)),
    ];
    let ink = *rng.pick(&[[96, 44, 128], [40, 62, 150], [150, 40, 60]]).unwrap_or(&[96, 44, 128]);
    let (w, _) = draft.data.size_mm;
    let centre = (rng.range_f32(w - 45.0, w - 25.0), rng.range_f32(33.0, 48.0));
    let degrees = rng.sign() as f32 * rng.range_f32(5.0, 20.0);
    let spec = StampSpec { centre, lines, ink, degrees };
    let region = stamp_box(draft.fonts, &spec);
    draft.marks.push(Mark::Stamp { spec, seed: rng.next_u64() });
    let description = format!(
        "An entry stamp dated {:02}.{:02}.{} is printed on the data page itself (stamps go on visa pages), and \
         it is older than the document (issued {}).",
        date.day,
        date.month,
        date.year,
        visual_date(draft.viz.issue)
    );
    (Side::Data, region, description, vec!["N05"])
}

/// Where [`defects::security_print`] puts the seal for `portrait`.
fn seal_box(portrait: RectMm) -> RectMm {
    let centre = (portrait.x + portrait.w - 1.5, portrait.y + portrait.h - 1.0);
    RectMm::new(centre.0 - 6.5, centre.1 - 6.5, 13.0, 13.0)
}

fn cut_bounds(path: &[(f32, f32)]) -> RectMm {
    path.iter()
        .fold(None, |acc: Option<RectMm>, &(x, y)| {
            let point = RectMm::new(x, y, 0.0, 0.0);
            Some(acc.map_or(point, |r| r.union(point)))
        })
        .unwrap_or(RectMm::new(0.0, 0.0, 0.0, 0.0))
        .grow(0.5)
}

/// The box a stamp covers once turned.
fn stamp_box(fonts: &Fonts, spec: &StampSpec) -> RectMm {
    let (w, h) = defects::stamp_size_mm(fonts, Mm { dpi: DPI }, &spec.lines);
    let (sin, cos) = spec.degrees.to_radians().sin_cos();
    let (bw, bh) = (w * cos.abs() + h * sin.abs(), w * sin.abs() + h * cos.abs());
    RectMm::new(spec.centre.0 - bw / 2.0, spec.centre.1 - bh / 2.0, bw, bh).grow(0.4)
}
