//! Rule 4 of correction: issuing state and nationality, which no check digit covers.

use super::{PositionInfo, Substitution, SubstitutionReason, lookalikes};
use crate::countries;
use crate::fields::FieldId;
use crate::layout::Span;

/// Replaces each issuing state or nationality that is no code in the ICAO table by the one code a
/// single look-alike away, if exactly one is; returns what it changed.
pub(super) fn repair_country_codes(
    reading: &mut [Vec<u8>],
    classes: &[Vec<PositionInfo>],
    confidence_at: &dyn Fn(usize, usize) -> f32,
) -> Vec<Substitution> {
    let mut substitutions = Vec::new();
    for field in [FieldId::IssuingState, FieldId::Nationality] {
        let Some((l, start)) = classes
            .iter()
            .enumerate()
            .find_map(|(l, row)| row.iter().position(|info| info.1 == Some(field)).map(|p| (l, p)))
        else {
            continue;
        };
        let Some(code) = reading.get(l).and_then(|line| line.get(start..start + 3)).map(<[u8]>::to_vec) else {
            continue;
        };
        let known = |code: &[u8]| {
            let text = String::from_utf8_lossy(code);
            countries::lookup(text.trim_end_matches('<')).is_some()
        };
        if known(&code) {
            continue;
        }
        let mut found: Vec<(usize, u8)> = Vec::new();
        for (i, &ch) in code.iter().enumerate() {
            for alt in lookalikes(char::from(ch)).bytes().filter(u8::is_ascii_uppercase) {
                let mut other = code.clone();
                if let Some(slot) = other.get_mut(i) {
                    *slot = alt;
                }
                if known(&other) {
                    found.push((i, alt));
                }
            }
        }
        let [(i, to)] = found.as_slice() else { continue };
        let p = start + i;
        let Some(slot) = reading.get_mut(l).and_then(|line| line.get_mut(p)) else { continue };
        let from = *slot;
        *slot = *to;
        let read = String::from_utf8_lossy(&code).into_owned();
        let fixed = {
            let mut c = code.clone();
            if let Some(s) = c.get_mut(*i) {
                *s = *to;
            }
            String::from_utf8_lossy(&c).into_owned()
        };
        substitutions.push(Substitution {
            at: Span::new(l as u8, p as u8, 1),
            from: char::from(from),
            to: char::from(*to),
            confidence: confidence_at(l, p),
            field: Some(field),
            explanation: format!(
                "{read:?} is no code in the ICAO table; {fixed:?}, one look-alike away, is the only one that close"
            ),
            reason: SubstitutionReason::CountryCode,
        });
    }
    substitutions
}
