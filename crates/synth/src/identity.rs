//! Fictional identities: names with diacritics, real ICAO codes, document numbers and dates.
//! Every person here is invented; the MRZ fields come out through `mrz::emit`.

use docexam_mrz::countries::{COUNTRIES, CodeCategory, CountryInfo};
use docexam_mrz::dates::CalendarDate;
use docexam_mrz::emit::MrzFields;
use docexam_mrz::layout::Format;

use super::rng::Rng;

/// Surnames, many with diacritics that the MRZ transliterates (ICAO 9303 Part 3 §6).
const SURNAMES: &[&str] = &[
    "Müller",
    "Ångström",
    "Çelik",
    "Ó Briain",
    "Łukasiewicz",
    "Nováková",
    "Dvořák",
    "Søndergaard",
    "García Márquez",
    "Öztürk",
    "Szabó",
    "Kovačević",
    "Gonçalves-Ferreira",
    "Þórsdóttir",
    "Lindqvist",
    "D'Artagnan",
    "Núñez",
    "Østergård",
    "Wiśniewska",
    "Šimková",
    "Jiménez",
    "Brontë",
    "Ibáñez",
    "Dăncilă",
    "Şahin",
    "Grünewald",
    "Eriksson",
    "Mäkelä",
    "Hämäläinen",
    "Żółkiewski",
    "Łęcka",
    "Groß",
    "Ní Bhriain",
    "Pérez",
    "Tōgō",
    "Okafor",
    "Haddad",
    "Van der Berg",
    "Smith",
    "Nakamura",
    "Fernández de Córdoba",
    "Kristiansen",
    "Papadopoulou",
    "Åberg",
    "Ćosić",
    "Ruíz",
    "Yılmaz",
    "Bjørnstad",
];

const GIVEN_MALE: &[&str] = &[
    "José",
    "Łukasz",
    "Jürgen",
    "Björn",
    "Søren",
    "François",
    "Mehmet",
    "Ştefan",
    "Tomáš",
    "Jiří",
    "Åke",
    "Seán",
    "Andrés",
    "Zoltán",
    "Håkon",
    "Mikael",
    "Kenji",
    "Olumide",
    "Pádraig",
    "Matthias Karl",
    "Ömer",
    "Ignacy",
    "Jean-Luc",
    "Eþór",
    "Ahmed",
];

const GIVEN_FEMALE: &[&str] = &[
    "Zoë",
    "Anaïs",
    "Chloé",
    "Fátima",
    "Agnieszka",
    "Małgorzata",
    "Renée",
    "Ingrid",
    "Eliška",
    "Dagný",
    "Siobhán",
    "Márta",
    "Ayşe",
    "Anna Maria",
    "Hélène",
    "Björk",
    "Maëlle",
    "Lærke",
    "Jūratė",
    "Gülşen",
    "Nuria",
    "Émilie",
    "Marie-Thérèse",
    "Ngozi",
];

const PLACES: &[&str] = &[
    "Kraków",
    "São Paulo",
    "Zürich",
    "Malmö",
    "Besançon",
    "Reykjavík",
    "Brno",
    "İzmir",
    "Łódź",
    "Göteborg",
    "Córdoba",
    "Ålesund",
    "Cluj-Napoca",
    "Dún Laoghaire",
    "Utopia City",
    "Århus",
    "Düsseldorf",
    "Škofja Loka",
    "Jyväskylä",
    "Trondheim",
    "Lagos",
    "Québec",
];

/// Letters for document numbers; O, I and Q are left out, as many issuers do.
const NUMBER_LETTERS: &[u8] = b"ABCDEFGHJKLMNPRSTUVWXYZ";

/// A fictional holder and the document issued to them.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Document code ("P", "ID", "V").
    pub document_code: String,
    /// Issuing state.
    pub issuing_state: &'static CountryInfo,
    /// Nationality.
    pub nationality: &'static CountryInfo,
    /// Surname(s) as in the visual zone, with diacritics.
    pub surname: String,
    /// Given name(s) as in the visual zone.
    pub given_names: String,
    /// `M`, `F` or `<` (unspecified; `X` in the visual zone).
    pub sex: char,
    /// Date of birth.
    pub birth: CalendarDate,
    /// Date of issue.
    pub issue: CalendarDate,
    /// Date of expiry.
    pub expiry: CalendarDate,
    /// Document number (TD1/TD2 may exceed nine characters).
    pub document_number: String,
    /// Optional data (personal number), possibly empty.
    pub optional_data: String,
    /// Place of birth (visual zone only).
    pub place_of_birth: &'static str,
}

fn utopia() -> &'static CountryInfo {
    static UTO: CountryInfo = CountryInfo { code: "UTO", name: "Utopia", category: CodeCategory::Specimen };
    COUNTRIES.iter().find(|c| c.code == "UTO").unwrap_or(&UTO)
}

fn country(rng: &mut Rng) -> &'static CountryInfo {
    if rng.chance(0.35) {
        return utopia();
    }
    // Real states only: ISO codes plus Germany's `D`.
    let eligible = COUNTRIES.iter().filter(|c| c.category == CodeCategory::Iso3166 || c.code == "D");
    let count = eligible.clone().count();
    eligible.clone().nth(rng.below(count)).unwrap_or_else(utopia)
}

fn date(rng: &mut Rng, first_year: i64, last_year: i64) -> CalendarDate {
    let year = rng.int(first_year, last_year) as i32;
    let month = rng.int(1, 12) as u8;
    // Day 1-28 exists in every month; the rest of the range adds nothing to the test.
    let day = rng.int(1, 28) as u8;
    CalendarDate { year, month, day }
}

fn alnum(rng: &mut Rng, len: usize, letters: usize) -> String {
    let mut out = String::with_capacity(len);
    for i in 0..len {
        let byte = if i < letters {
            NUMBER_LETTERS.get(rng.below(NUMBER_LETTERS.len())).copied().unwrap_or(b'X')
        } else {
            b'0' + rng.below(10) as u8
        };
        out.push(char::from(byte));
    }
    out
}

/// `YYMMDD`.
pub fn mrz_date(date: CalendarDate) -> String {
    format!("{:02}{:02}{:02}", date.year.rem_euclid(100), date.month, date.day)
}

impl Identity {
    /// A random identity for a document of `format`. `long_numbers` allows TD1/TD2 document
    /// numbers longer than nine characters.
    pub fn random(rng: &mut Rng, format: Format, long_numbers: bool) -> Self {
        let sex = match rng.below(20) {
            0..=8 => 'M',
            9..=17 => 'F',
            _ => '<',
        };
        let surname = rng.pick_str(SURNAMES, "Eriksson").to_owned();
        let given_list = match sex {
            'M' => GIVEN_MALE,
            'F' => GIVEN_FEMALE,
            _ => {
                if rng.chance(0.5) {
                    GIVEN_MALE
                } else {
                    GIVEN_FEMALE
                }
            }
        };
        let mut given_names = rng.pick_str(given_list, "Anna").to_owned();
        if rng.chance(0.25) {
            given_names.push(' ');
            given_names.push_str(rng.pick_str(given_list, "Maria"));
        }
        let issuing_state = country(rng);
        let nationality = if rng.chance(0.8) { issuing_state } else { country(rng) };
        let birth = date(rng, 1930, 2005);
        // Mostly valid on 2026-11-23; one in twenty expired (a warning, not an invalid MRZ).
        let expiry = if rng.chance(0.05) { date(rng, 2018, 2025) } else { date(rng, 2027, 2036) };
        let validity_years = if matches!(format, Format::MrvA | Format::MrvB) { rng.int(1, 5) } else { 10 };
        let issue = CalendarDate { year: expiry.year - validity_years as i32, ..expiry };
        let document_code = match format {
            Format::Td3 => rng.pick_str(&["P", "P", "P", "PP", "PD", "PO"], "P"),
            Format::Td1 => rng.pick_str(&["I", "I", "ID", "IR", "C"], "I"),
            Format::Td2 => rng.pick_str(&["I", "ID", "IR", "A"], "I"),
            Format::MrvA | Format::MrvB => rng.pick_str(&["V", "V", "VC", "VS"], "V"),
            Format::FrenchId => "ID",
        }
        .to_owned();
        let long = long_numbers && matches!(format, Format::Td1 | Format::Td2) && rng.chance(0.12);
        let document_number = if long {
            let len = rng.int(10, 12) as usize;
            alnum(rng, len, 1)
        } else {
            let letters = rng.int(0, 3) as usize;
            alnum(rng, 9, letters)
        };
        let optional_width: usize = match format {
            Format::Td3 => 14,
            Format::Td1 => 15,
            // Long TD2 numbers take most of the optional field.
            Format::Td2 if long => 0,
            Format::Td2 => 7,
            Format::MrvA => 16,
            Format::MrvB => 8,
            Format::FrenchId => 6,
        };
        // Long TD1 numbers use part of line 1's optional field (continuation, check digit, filler).
        let optional_width = if long && format == Format::Td1 {
            (optional_width + 7).saturating_sub(document_number.len())
        } else {
            optional_width
        };
        let optional_data = if optional_width > 0 && rng.chance(0.5) {
            let len = rng.int(optional_width.min(6) as i64, optional_width as i64) as usize;
            let letters = rng.int(0, 2) as usize;
            alnum(rng, len, letters)
        } else {
            String::new()
        };
        let place_of_birth = rng.pick_str(PLACES, "Utopia City");
        Identity {
            document_code,
            issuing_state,
            nationality,
            surname,
            given_names,
            sex,
            birth,
            issue,
            expiry,
            document_number,
            optional_data,
            place_of_birth,
        }
    }

    /// The MRZ field values.
    pub fn mrz_fields(&self) -> MrzFields {
        MrzFields {
            document_code: self.document_code.clone(),
            issuing_state: self.issuing_state.code.to_owned(),
            primary_identifier: self.surname.clone(),
            secondary_identifier: self.given_names.clone(),
            document_number: self.document_number.clone(),
            nationality: self.nationality.code.to_owned(),
            date_of_birth: mrz_date(self.birth),
            sex: self.sex,
            date_of_expiry: mrz_date(self.expiry),
            optional_data: self.optional_data.clone(),
            optional_data_2: String::new(),
        }
    }

    /// The sex as the visual zone prints it.
    pub fn visual_sex(&self) -> &'static str {
        match self.sex {
            'M' => "M",
            'F' => "F",
            _ => "X",
        }
    }
}

/// A date as the visual zone prints it, bilingual month ("12 AUG/AOÛT 1974").
pub fn visual_date(date: CalendarDate) -> String {
    const MONTHS: [&str; 12] = [
        "JAN/JANV",
        "FEB/FÉVR",
        "MAR/MARS",
        "APR/AVR",
        "MAY/MAI",
        "JUN/JUIN",
        "JUL/JUIL",
        "AUG/AOÛT",
        "SEP/SEPT",
        "OCT/OCT",
        "NOV/NOV",
        "DEC/DÉC",
    ];
    let month = MONTHS.get(usize::from(date.month).saturating_sub(1)).copied().unwrap_or("JAN/JANV");
    format!("{:02} {month} {}", date.day, date.year)
}
