//! Writing an MRZ from field values: the inverse of checking. Used to build specimen documents
//! and test data; check digits are always computed, never taken from the caller.

use super::charset::{FILLER, check_digit, is_mrz_char};
use super::layout::Format;

/// The values to write. Text is upper-cased; spaces and hyphens in names become `<`; Latin
/// letters with diacritics are transliterated ([`transliterate`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MrzFields {
    /// Document code, one or two characters ("P", "PD", "I", "AC", "V"; "ID" for the French card).
    pub document_code: String,
    /// Issuing state ("UTO", "D" for Germany).
    pub issuing_state: String,
    /// Primary identifier (surname), words separated by spaces.
    pub primary_identifier: String,
    /// Secondary identifier (given names), words separated by spaces.
    pub secondary_identifier: String,
    /// Document number; TD1 and TD2 accept more than nine characters (long number).
    pub document_number: String,
    /// Nationality ("UTO"); unused by the French card.
    pub nationality: String,
    /// `YYMMDD`, `<` for unknown parts.
    pub date_of_birth: String,
    /// `M`, `F`, `<` (or `X`).
    pub sex: char,
    /// `YYMMDD`; unused by the French card.
    pub date_of_expiry: String,
    /// Optional data (TD3 personal number; TD1 line 1; French card: administrative code).
    pub optional_data: String,
    /// TD1 line 2 optional data.
    pub optional_data_2: String,
}

/// Why fields cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// A value longer than its field.
    #[error("{field} has {length} characters; at most {max} fit")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// Its length.
        length: usize,
        /// What fits.
        max: usize,
    },
    /// A character that has no MRZ form.
    #[error("{field} holds {found:?}, which has no MRZ form")]
    IllegalCharacter {
        /// Which field.
        field: &'static str,
        /// The character.
        found: char,
    },
    /// A date that is not six characters.
    #[error("{field} must be six characters YYMMDD, got {value:?}")]
    BadDate {
        /// Which field.
        field: &'static str,
        /// The value.
        value: String,
    },
}

/// ICAO 9303 Part 3 §6 transliteration of Latin letters with diacritics (single-valued choices:
/// Ä→AE, Ö→OE, Ü→UE, Å→AA, Ñ→N), upper-cased. Characters without a mapping are kept, so the caller
/// can report them.
pub fn transliterate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        let upper: String = ch.to_uppercase().collect();
        let mapped = match upper.as_str() {
            "Ä" => "AE",
            "Ö" => "OE",
            "Ü" => "UE",
            "Å" => "AA",
            "Æ" => "AE",
            "Ø" | "Œ" => "OE",
            "ß" | "ẞ" | "SS" => "SS",
            "Þ" => "TH",
            "Ð" | "Đ" | "Ď" => "D",
            "Ĳ" => "IJ",
            "À" | "Á" | "Â" | "Ã" | "Ā" | "Ă" | "Ą" => "A",
            "Ç" | "Ć" | "Ĉ" | "Ċ" | "Č" => "C",
            "È" | "É" | "Ê" | "Ë" | "Ē" | "Ĕ" | "Ė" | "Ę" | "Ě" => "E",
            "Ĝ" | "Ğ" | "Ġ" | "Ģ" => "G",
            "Ĥ" | "Ħ" => "H",
            "Ì" | "Í" | "Î" | "Ï" | "Ĩ" | "Ī" | "Ĭ" | "Į" | "İ" | "I" => "I",
            "Ĵ" => "J",
            "Ķ" => "K",
            "Ĺ" | "Ļ" | "Ľ" | "Ŀ" | "Ł" => "L",
            "Ñ" | "Ń" | "Ņ" | "Ň" => "N",
            "Ò" | "Ó" | "Ô" | "Õ" | "Ō" | "Ŏ" | "Ő" => "O",
            "Ŕ" | "Ŗ" | "Ř" => "R",
            "Ś" | "Ŝ" | "Ş" | "Š" | "Ș" => "S",
            "Ţ" | "Ť" | "Ŧ" | "Ț" => "T",
            "Ù" | "Ú" | "Û" | "Ũ" | "Ū" | "Ŭ" | "Ů" | "Ű" | "Ų" => "U",
            "Ŵ" => "W",
            "Ý" | "Ÿ" | "Ŷ" => "Y",
            "Ź" | "Ż" | "Ž" => "Z",
            // Apostrophes are dropped; hyphens and spaces separate components.
            "'" | "’" => "",
            "-" | " " => "<",
            other => other,
        };
        out.push_str(mapped);
    }
    out
}

/// A field value in MRZ characters, padded with fillers to `width`.
fn field(name: &'static str, value: &str, width: usize) -> Result<String, EmitError> {
    let text = transliterate(value.trim());
    if let Some(found) = text.chars().find(|&c| !c.is_ascii() || !is_mrz_char(c as u8)) {
        return Err(EmitError::IllegalCharacter { field: name, found });
    }
    let length = text.chars().count();
    if length > width {
        return Err(EmitError::TooLong { field: name, length, max: width });
    }
    Ok(format!("{text:<<width$}"))
}

fn date(name: &'static str, value: &str) -> Result<String, EmitError> {
    if value.chars().count() != 6 {
        return Err(EmitError::BadDate { field: name, value: value.to_owned() });
    }
    field(name, value, 6)
}

/// The name field: primary `<<` secondary, cut to `width` (the issuer's truncation rules vary;
/// this cuts the end, which ICAO allows as one of its options).
fn name(primary: &str, secondary: &str, width: usize) -> Result<String, EmitError> {
    let join =
        |words: &str| transliterate(words.trim()).split('<').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("<");
    let (primary, secondary) = (join(primary), join(secondary));
    let mut text = if secondary.is_empty() { primary } else { format!("{primary}<<{secondary}") };
    if let Some(found) = text.chars().find(|&c| !c.is_ascii() || !is_mrz_char(c as u8)) {
        return Err(EmitError::IllegalCharacter { field: "name", found });
    }
    text.truncate(width);
    Ok(format!("{text:<<width$}"))
}

fn digit(parts: &[&str]) -> char {
    char::from(b'0' + check_digit(parts.iter().map(|p| p.as_bytes())))
}

/// Document number field and its check digit, and for long numbers the text that starts the
/// optional data (continuation, check digit, filler).
fn document_number(value: &str, allow_long: bool) -> Result<(String, char, String), EmitError> {
    let number = field("document number", value, if allow_long { 9 + 20 } else { 9 })?;
    let number = number.trim_end_matches(FILLER as char).to_owned();
    if number.len() <= 9 {
        let padded = format!("{number:<<9}");
        let check = digit(&[&padded]);
        return Ok((padded, check, String::new()));
    }
    let (head, tail) = number.split_at(9);
    let check = digit(&[head, tail]);
    Ok((head.to_owned(), '<', format!("{tail}{check}<")))
}

/// Writes the MRZ lines of `format`.
pub fn emit(format: Format, f: &MrzFields) -> Result<Vec<String>, EmitError> {
    let code = field("document code", &f.document_code, 2)?;
    let state = field("issuing state", &f.issuing_state, 3)?;
    let sex = field("sex", &f.sex.to_string(), 1)?;
    let birth = date("date of birth", &f.date_of_birth)?;
    match format {
        Format::Td3 | Format::Td2 | Format::MrvA | Format::MrvB => {
            let width = format.line_len();
            let is_visa = matches!(format, Format::MrvA | Format::MrvB);
            let line1 = format!("{code}{state}{}", name(&f.primary_identifier, &f.secondary_identifier, width - 5)?);
            let (number, number_check, overflow) = document_number(&f.document_number, format == Format::Td2)?;
            let nationality = field("nationality", &f.nationality, 3)?;
            let expiry = date("date of expiry", &f.date_of_expiry)?;
            let birth_check = digit(&[&birth]);
            let expiry_check = digit(&[&expiry]);
            let head = format!("{number}{number_check}{nationality}{birth}{birth_check}{sex}{expiry}{expiry_check}");
            let line2 = match format {
                Format::Td3 => {
                    let optional = field("optional data", &f.optional_data, 14)?;
                    let optional_check = if optional.bytes().all(|c| c == FILLER) { '<' } else { digit(&[&optional]) };
                    let body = format!("{head}{optional}{optional_check}");
                    let composite = digit(&[&body[0..10], &body[13..20], &body[21..43]]);
                    format!("{body}{composite}")
                }
                Format::Td2 => {
                    let optional = field("optional data", &format!("{overflow}{}", f.optional_data), 7)?;
                    let body = format!("{head}{optional}");
                    let composite = digit(&[&body[0..10], &body[13..20], &body[21..35]]);
                    format!("{body}{composite}")
                }
                _ => {
                    debug_assert!(is_visa);
                    let optional = field("optional data", &f.optional_data, width - 28)?;
                    format!("{head}{optional}")
                }
            };
            Ok(vec![line1, line2])
        }
        Format::Td1 => {
            let (number, number_check, overflow) = document_number(&f.document_number, true)?;
            let optional = field("optional data", &format!("{overflow}{}", f.optional_data), 15)?;
            let line1 = format!("{code}{state}{number}{number_check}{optional}");
            let nationality = field("nationality", &f.nationality, 3)?;
            let expiry = date("date of expiry", &f.date_of_expiry)?;
            let optional2 = field("optional data (line 2)", &f.optional_data_2, 11)?;
            let body2 =
                format!("{birth}{}{sex}{expiry}{}{nationality}{optional2}", digit(&[&birth]), digit(&[&expiry]));
            let composite = digit(&[&line1[5..30], &body2[0..7], &body2[8..15], &body2[18..29]]);
            let line2 = format!("{body2}{composite}");
            let line3 = name(&f.primary_identifier, &f.secondary_identifier, 30)?;
            Ok(vec![line1, line2, line3])
        }
        Format::FrenchId => {
            let surname = field("surname", &f.primary_identifier, 25)?;
            let admin = field("administrative code", &f.optional_data, 6)?;
            let line1 = format!("{code}{state}{surname}{admin}");
            let number = field("document number", &f.document_number, 12)?;
            let given = transliterate(f.secondary_identifier.trim())
                .split('<')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("<<");
            let given = field("given names", &given, 14)?;
            let body = format!("{number}{}{given}{birth}{}{sex}", digit(&[&number]), digit(&[&birth]));
            let composite = digit(&[&line1, &body]);
            Ok(vec![line1, format!("{body}{composite}")])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specimen() -> MrzFields {
        MrzFields {
            document_code: "P".into(),
            issuing_state: "UTO".into(),
            primary_identifier: "Eriksson".into(),
            secondary_identifier: "Anna Maria".into(),
            document_number: "L898902C3".into(),
            nationality: "UTO".into(),
            date_of_birth: "740812".into(),
            sex: 'F',
            date_of_expiry: "120415".into(),
            optional_data: "ZE184226B".into(),
            optional_data_2: String::new(),
        }
    }

    #[test]
    fn reproduces_the_icao_td3_specimen() {
        let lines = emit(Format::Td3, &specimen()).unwrap();
        assert_eq!(
            lines,
            ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
        );
    }

    #[test]
    fn reproduces_the_icao_td1_long_number_example() {
        let fields = MrzFields {
            document_code: "I".into(),
            primary_identifier: "Stevenson".into(),
            secondary_identifier: "Peter John".into(),
            document_number: "D23145890734".into(),
            date_of_birth: "340712".into(),
            sex: 'M',
            date_of_expiry: "950712".into(),
            optional_data: String::new(),
            ..specimen()
        };
        let lines = emit(Format::Td1, &fields).unwrap();
        assert_eq!(
            lines,
            ["I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2", "STEVENSON<<PETER<JOHN<<<<<<<<<"]
        );
    }

    #[test]
    fn transliterates_and_rejects() {
        assert_eq!(transliterate("Müller-Lüdenscheidt"), "MUELLER<LUEDENSCHEIDT");
        assert_eq!(transliterate("Ærøskøbing D'Artagnan"), "AEROESKOEBING<DARTAGNAN");
        let bad = MrzFields { primary_identifier: "王".into(), ..specimen() };
        assert!(matches!(emit(Format::Td3, &bad), Err(EmitError::IllegalCharacter { .. })));
        let long = MrzFields { document_number: "1234567890".into(), ..specimen() };
        assert!(matches!(emit(Format::Td3, &long), Err(EmitError::TooLong { .. })));
    }
}
