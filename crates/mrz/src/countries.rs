//! Codes allowed as issuing state or nationality in a machine-readable zone.
//!
//! Source: ICAO Doc 9303, 8th edition (2021), Part 3, section 5: every
//! ISO 3166-1 alpha-3 code, plus the ICAO additions (Germany's `D`, the
//! British `GB?` codes, `RKS`, international organisations, `XX?` codes for
//! persons without a defined nationality, deprecated, specimen and ICAO's own
//! codes). Codes outside this table (e.g. `XXK`, `WSA`) are unknown to ICAO
//! and the caller warns about them.
//!
//! The ISO part was generated from ISO 3166-1 as shipped by Debian
//! `iso-codes` 4.15.0 (249 codes), with a few names shortened.
//!
//! To update: add, remove or rename rows in [`COUNTRIES`], keeping it sorted
//! by code in byte order; the tests check ordering, uniqueness and format.

/// What kind of code this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeCategory {
    /// An ISO 3166-1 alpha-3 country code.
    Iso3166,
    /// ICAO Part 3 Part A extensions: GBD, GBN, GBO, GBP, GBS, D (Germany, written `D<<`), RKS.
    IcaoExtension,
    /// International organisations: EUE, UNO, UNA, UNK, XBA, XIM, XCC, XCE, XCO, XEC, XPO, XES, XMP, XOM, XDC.
    Organisation,
    /// No defined nationality: XXA, XXB, XXC, XXX.
    NoNationality,
    /// Deprecated codes still found on old documents: ANT, NTZ.
    Deprecated,
    /// Specimen documents only: UTO (Utopia).
    Specimen,
    /// Used by ICAO itself (master list signing): IAO.
    IcaoOnly,
}

/// One code of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountryInfo {
    /// The code as written in the MRZ without trailing fillers (`D` for Germany, else three letters).
    pub code: &'static str,
    /// English short name.
    pub name: &'static str,
    pub category: CodeCategory,
}

use CodeCategory::{Deprecated, IcaoExtension, IcaoOnly, Iso3166, NoNationality, Organisation, Specimen};

const fn c(code: &'static str, name: &'static str, category: CodeCategory) -> CountryInfo {
    CountryInfo { code, name, category }
}

/// Every known code, sorted by `code` (byte order), no duplicates.
pub static COUNTRIES: &[CountryInfo] = &[
    c("ABW", "Aruba", Iso3166),
    c("AFG", "Afghanistan", Iso3166),
    c("AGO", "Angola", Iso3166),
    c("AIA", "Anguilla", Iso3166),
    c("ALA", "Åland Islands", Iso3166),
    c("ALB", "Albania", Iso3166),
    c("AND", "Andorra", Iso3166),
    c("ANT", "Netherlands Antilles", Deprecated),
    c("ARE", "United Arab Emirates", Iso3166),
    c("ARG", "Argentina", Iso3166),
    c("ARM", "Armenia", Iso3166),
    c("ASM", "American Samoa", Iso3166),
    c("ATA", "Antarctica", Iso3166),
    c("ATF", "French Southern Territories", Iso3166),
    c("ATG", "Antigua and Barbuda", Iso3166),
    c("AUS", "Australia", Iso3166),
    c("AUT", "Austria", Iso3166),
    c("AZE", "Azerbaijan", Iso3166),
    c("BDI", "Burundi", Iso3166),
    c("BEL", "Belgium", Iso3166),
    c("BEN", "Benin", Iso3166),
    c("BES", "Bonaire, Sint Eustatius and Saba", Iso3166),
    c("BFA", "Burkina Faso", Iso3166),
    c("BGD", "Bangladesh", Iso3166),
    c("BGR", "Bulgaria", Iso3166),
    c("BHR", "Bahrain", Iso3166),
    c("BHS", "Bahamas", Iso3166),
    c("BIH", "Bosnia and Herzegovina", Iso3166),
    c("BLM", "Saint Barthélemy", Iso3166),
    c("BLR", "Belarus", Iso3166),
    c("BLZ", "Belize", Iso3166),
    c("BMU", "Bermuda", Iso3166),
    c("BOL", "Bolivia", Iso3166),
    c("BRA", "Brazil", Iso3166),
    c("BRB", "Barbados", Iso3166),
    c("BRN", "Brunei Darussalam", Iso3166),
    c("BTN", "Bhutan", Iso3166),
    c("BVT", "Bouvet Island", Iso3166),
    c("BWA", "Botswana", Iso3166),
    c("CAF", "Central African Republic", Iso3166),
    c("CAN", "Canada", Iso3166),
    c("CCK", "Cocos (Keeling) Islands", Iso3166),
    c("CHE", "Switzerland", Iso3166),
    c("CHL", "Chile", Iso3166),
    c("CHN", "China", Iso3166),
    c("CIV", "Côte d'Ivoire", Iso3166),
    c("CMR", "Cameroon", Iso3166),
    c("COD", "Congo, Democratic Republic of the", Iso3166),
    c("COG", "Congo", Iso3166),
    c("COK", "Cook Islands", Iso3166),
    c("COL", "Colombia", Iso3166),
    c("COM", "Comoros", Iso3166),
    c("CPV", "Cabo Verde", Iso3166),
    c("CRI", "Costa Rica", Iso3166),
    c("CUB", "Cuba", Iso3166),
    c("CUW", "Curaçao", Iso3166),
    c("CXR", "Christmas Island", Iso3166),
    c("CYM", "Cayman Islands", Iso3166),
    c("CYP", "Cyprus", Iso3166),
    c("CZE", "Czechia", Iso3166),
    c("D", "Germany", IcaoExtension),
    c("DEU", "Germany", Iso3166),
    c("DJI", "Djibouti", Iso3166),
    c("DMA", "Dominica", Iso3166),
    c("DNK", "Denmark", Iso3166),
    c("DOM", "Dominican Republic", Iso3166),
    c("DZA", "Algeria", Iso3166),
    c("ECU", "Ecuador", Iso3166),
    c("EGY", "Egypt", Iso3166),
    c("ERI", "Eritrea", Iso3166),
    c("ESH", "Western Sahara", Iso3166),
    c("ESP", "Spain", Iso3166),
    c("EST", "Estonia", Iso3166),
    c("ETH", "Ethiopia", Iso3166),
    c("EUE", "European Union", Organisation),
    c("FIN", "Finland", Iso3166),
    c("FJI", "Fiji", Iso3166),
    c("FLK", "Falkland Islands", Iso3166),
    c("FRA", "France", Iso3166),
    c("FRO", "Faroe Islands", Iso3166),
    c("FSM", "Micronesia", Iso3166),
    c("GAB", "Gabon", Iso3166),
    c("GBD", "British Overseas Territories Citizen", IcaoExtension),
    c("GBN", "British National (Overseas)", IcaoExtension),
    c("GBO", "British Overseas Citizen", IcaoExtension),
    c("GBP", "British Protected Person", IcaoExtension),
    c("GBR", "United Kingdom", Iso3166),
    c("GBS", "British Subject", IcaoExtension),
    c("GEO", "Georgia", Iso3166),
    c("GGY", "Guernsey", Iso3166),
    c("GHA", "Ghana", Iso3166),
    c("GIB", "Gibraltar", Iso3166),
    c("GIN", "Guinea", Iso3166),
    c("GLP", "Guadeloupe", Iso3166),
    c("GMB", "Gambia", Iso3166),
    c("GNB", "Guinea-Bissau", Iso3166),
    c("GNQ", "Equatorial Guinea", Iso3166),
    c("GRC", "Greece", Iso3166),
    c("GRD", "Grenada", Iso3166),
    c("GRL", "Greenland", Iso3166),
    c("GTM", "Guatemala", Iso3166),
    c("GUF", "French Guiana", Iso3166),
    c("GUM", "Guam", Iso3166),
    c("GUY", "Guyana", Iso3166),
    c("HKG", "Hong Kong", Iso3166),
    c("HMD", "Heard Island and McDonald Islands", Iso3166),
    c("HND", "Honduras", Iso3166),
    c("HRV", "Croatia", Iso3166),
    c("HTI", "Haiti", Iso3166),
    c("HUN", "Hungary", Iso3166),
    c("IAO", "ICAO", IcaoOnly),
    c("IDN", "Indonesia", Iso3166),
    c("IMN", "Isle of Man", Iso3166),
    c("IND", "India", Iso3166),
    c("IOT", "British Indian Ocean Territory", Iso3166),
    c("IRL", "Ireland", Iso3166),
    c("IRN", "Iran", Iso3166),
    c("IRQ", "Iraq", Iso3166),
    c("ISL", "Iceland", Iso3166),
    c("ISR", "Israel", Iso3166),
    c("ITA", "Italy", Iso3166),
    c("JAM", "Jamaica", Iso3166),
    c("JEY", "Jersey", Iso3166),
    c("JOR", "Jordan", Iso3166),
    c("JPN", "Japan", Iso3166),
    c("KAZ", "Kazakhstan", Iso3166),
    c("KEN", "Kenya", Iso3166),
    c("KGZ", "Kyrgyzstan", Iso3166),
    c("KHM", "Cambodia", Iso3166),
    c("KIR", "Kiribati", Iso3166),
    c("KNA", "Saint Kitts and Nevis", Iso3166),
    c("KOR", "South Korea", Iso3166),
    c("KWT", "Kuwait", Iso3166),
    c("LAO", "Laos", Iso3166),
    c("LBN", "Lebanon", Iso3166),
    c("LBR", "Liberia", Iso3166),
    c("LBY", "Libya", Iso3166),
    c("LCA", "Saint Lucia", Iso3166),
    c("LIE", "Liechtenstein", Iso3166),
    c("LKA", "Sri Lanka", Iso3166),
    c("LSO", "Lesotho", Iso3166),
    c("LTU", "Lithuania", Iso3166),
    c("LUX", "Luxembourg", Iso3166),
    c("LVA", "Latvia", Iso3166),
    c("MAC", "Macao", Iso3166),
    c("MAF", "Saint Martin (French part)", Iso3166),
    c("MAR", "Morocco", Iso3166),
    c("MCO", "Monaco", Iso3166),
    c("MDA", "Moldova", Iso3166),
    c("MDG", "Madagascar", Iso3166),
    c("MDV", "Maldives", Iso3166),
    c("MEX", "Mexico", Iso3166),
    c("MHL", "Marshall Islands", Iso3166),
    c("MKD", "North Macedonia", Iso3166),
    c("MLI", "Mali", Iso3166),
    c("MLT", "Malta", Iso3166),
    c("MMR", "Myanmar", Iso3166),
    c("MNE", "Montenegro", Iso3166),
    c("MNG", "Mongolia", Iso3166),
    c("MNP", "Northern Mariana Islands", Iso3166),
    c("MOZ", "Mozambique", Iso3166),
    c("MRT", "Mauritania", Iso3166),
    c("MSR", "Montserrat", Iso3166),
    c("MTQ", "Martinique", Iso3166),
    c("MUS", "Mauritius", Iso3166),
    c("MWI", "Malawi", Iso3166),
    c("MYS", "Malaysia", Iso3166),
    c("MYT", "Mayotte", Iso3166),
    c("NAM", "Namibia", Iso3166),
    c("NCL", "New Caledonia", Iso3166),
    c("NER", "Niger", Iso3166),
    c("NFK", "Norfolk Island", Iso3166),
    c("NGA", "Nigeria", Iso3166),
    c("NIC", "Nicaragua", Iso3166),
    c("NIU", "Niue", Iso3166),
    c("NLD", "Netherlands", Iso3166),
    c("NOR", "Norway", Iso3166),
    c("NPL", "Nepal", Iso3166),
    c("NRU", "Nauru", Iso3166),
    c("NTZ", "Neutral Zone", Deprecated),
    c("NZL", "New Zealand", Iso3166),
    c("OMN", "Oman", Iso3166),
    c("PAK", "Pakistan", Iso3166),
    c("PAN", "Panama", Iso3166),
    c("PCN", "Pitcairn", Iso3166),
    c("PER", "Peru", Iso3166),
    c("PHL", "Philippines", Iso3166),
    c("PLW", "Palau", Iso3166),
    c("PNG", "Papua New Guinea", Iso3166),
    c("POL", "Poland", Iso3166),
    c("PRI", "Puerto Rico", Iso3166),
    c("PRK", "North Korea", Iso3166),
    c("PRT", "Portugal", Iso3166),
    c("PRY", "Paraguay", Iso3166),
    c("PSE", "Palestine", Iso3166),
    c("PYF", "French Polynesia", Iso3166),
    c("QAT", "Qatar", Iso3166),
    c("REU", "Réunion", Iso3166),
    c("RKS", "Kosovo", IcaoExtension),
    c("ROU", "Romania", Iso3166),
    c("RUS", "Russian Federation", Iso3166),
    c("RWA", "Rwanda", Iso3166),
    c("SAU", "Saudi Arabia", Iso3166),
    c("SDN", "Sudan", Iso3166),
    c("SEN", "Senegal", Iso3166),
    c("SGP", "Singapore", Iso3166),
    c("SGS", "South Georgia and the South Sandwich Islands", Iso3166),
    c("SHN", "Saint Helena, Ascension and Tristan da Cunha", Iso3166),
    c("SJM", "Svalbard and Jan Mayen", Iso3166),
    c("SLB", "Solomon Islands", Iso3166),
    c("SLE", "Sierra Leone", Iso3166),
    c("SLV", "El Salvador", Iso3166),
    c("SMR", "San Marino", Iso3166),
    c("SOM", "Somalia", Iso3166),
    c("SPM", "Saint Pierre and Miquelon", Iso3166),
    c("SRB", "Serbia", Iso3166),
    c("SSD", "South Sudan", Iso3166),
    c("STP", "Sao Tome and Principe", Iso3166),
    c("SUR", "Suriname", Iso3166),
    c("SVK", "Slovakia", Iso3166),
    c("SVN", "Slovenia", Iso3166),
    c("SWE", "Sweden", Iso3166),
    c("SWZ", "Eswatini", Iso3166),
    c("SXM", "Sint Maarten (Dutch part)", Iso3166),
    c("SYC", "Seychelles", Iso3166),
    c("SYR", "Syria", Iso3166),
    c("TCA", "Turks and Caicos Islands", Iso3166),
    c("TCD", "Chad", Iso3166),
    c("TGO", "Togo", Iso3166),
    c("THA", "Thailand", Iso3166),
    c("TJK", "Tajikistan", Iso3166),
    c("TKL", "Tokelau", Iso3166),
    c("TKM", "Turkmenistan", Iso3166),
    c("TLS", "Timor-Leste", Iso3166),
    c("TON", "Tonga", Iso3166),
    c("TTO", "Trinidad and Tobago", Iso3166),
    c("TUN", "Tunisia", Iso3166),
    c("TUR", "Türkiye", Iso3166),
    c("TUV", "Tuvalu", Iso3166),
    c("TWN", "Taiwan", Iso3166),
    c("TZA", "Tanzania", Iso3166),
    c("UGA", "Uganda", Iso3166),
    c("UKR", "Ukraine", Iso3166),
    c("UMI", "United States Minor Outlying Islands", Iso3166),
    c("UNA", "United Nations specialized agency", Organisation),
    c("UNK", "Kosovo (UNMIK travel document)", Organisation),
    c("UNO", "United Nations Organization", Organisation),
    c("URY", "Uruguay", Iso3166),
    c("USA", "United States", Iso3166),
    c("UTO", "Utopia", Specimen),
    c("UZB", "Uzbekistan", Iso3166),
    c("VAT", "Holy See", Iso3166),
    c("VCT", "Saint Vincent and the Grenadines", Iso3166),
    c("VEN", "Venezuela", Iso3166),
    c("VGB", "Virgin Islands, British", Iso3166),
    c("VIR", "Virgin Islands, U.S.", Iso3166),
    c("VNM", "Vietnam", Iso3166),
    c("VUT", "Vanuatu", Iso3166),
    c("WLF", "Wallis and Futuna", Iso3166),
    c("WSM", "Samoa", Iso3166),
    c("XBA", "African Development Bank", Organisation),
    c("XCC", "Caribbean Community (CARICOM)", Organisation),
    c("XCE", "Council of Europe", Organisation),
    c("XCO", "Common Market for Eastern and Southern Africa", Organisation),
    c("XDC", "Southern African Development Community", Organisation),
    c("XEC", "Economic Community of West African States", Organisation),
    c("XES", "Organisation of Eastern Caribbean States", Organisation),
    c("XIM", "African Export-Import Bank", Organisation),
    c("XMP", "Parliamentary Assembly of the Mediterranean", Organisation),
    c("XOM", "Sovereign Military Order of Malta", Organisation),
    c("XPO", "INTERPOL", Organisation),
    c("XXA", "Stateless person", NoNationality),
    c("XXB", "Refugee (1951 Convention)", NoNationality),
    c("XXC", "Refugee (other)", NoNationality),
    c("XXX", "Unspecified nationality", NoNationality),
    c("YEM", "Yemen", Iso3166),
    c("ZAF", "South Africa", Iso3166),
    c("ZMB", "Zambia", Iso3166),
    c("ZWE", "Zimbabwe", Iso3166),
];

/// Looks a code up (binary search). `code` is the MRZ field with trailing `<` fillers removed, e.g. "D", "UTO".
pub fn lookup(code: &str) -> Option<&'static CountryInfo> {
    COUNTRIES
        .binary_search_by(|info| compare_short(info.code.as_bytes(), code.as_bytes()))
        .ok()
        .and_then(|i| COUNTRIES.get(i))
}

/// Byte order of two short strings, without a `memcmp` call per step of the search.
fn compare_short(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {}
            unequal => return unequal,
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strictly_sorted_without_duplicates() {
        for pair in COUNTRIES.windows(2) {
            assert!(pair[0].code < pair[1].code, "{} must sort before {}", pair[0].code, pair[1].code);
        }
    }

    #[test]
    fn codes_are_one_or_three_uppercase_letters() {
        for info in COUNTRIES {
            assert!(matches!(info.code.len(), 1 | 3), "bad length: {:?}", info.code);
            assert!(info.code.bytes().all(|b| b.is_ascii_uppercase()), "bad characters: {:?}", info.code);
            assert!(!info.name.is_empty(), "empty name for {}", info.code);
        }
        // Only Germany uses a one-letter code.
        let short: Vec<_> = COUNTRIES.iter().filter(|i| i.code.len() == 1).collect();
        assert_eq!(short.len(), 1);
        assert_eq!(short[0].code, "D");
    }

    #[test]
    fn known_codes_have_expected_category() {
        let cases = [
            ("UTO", Specimen),
            ("D", IcaoExtension),
            ("DEU", Iso3166),
            ("XXA", NoNationality),
            ("EUE", Organisation),
            ("IAO", IcaoOnly),
            ("XMP", Organisation),
            ("ANT", Deprecated),
            ("GBN", IcaoExtension),
            ("RKS", IcaoExtension),
            ("ZWE", Iso3166),
            ("ABW", Iso3166),
        ];
        for (code, category) in cases {
            let info = lookup(code).unwrap_or_else(|| panic!("{code} not found"));
            assert_eq!(info.code, code);
            assert_eq!(info.category, category, "category of {code}");
        }
        assert_eq!(lookup("D").map(|i| i.name), Some("Germany"));
        assert_eq!(lookup("UTO").map(|i| i.name), Some("Utopia"));
    }

    #[test]
    fn unknown_codes_are_none() {
        for code in ["XXK", "WSA", "", "ZZZ", "utO", "uto", "D<<", "DE", "UTOO"] {
            assert_eq!(lookup(code), None, "{code:?} should be unknown");
        }
    }

    #[test]
    fn every_entry_is_found_by_lookup() {
        for info in COUNTRIES {
            assert_eq!(lookup(info.code), Some(info));
        }
    }

    #[test]
    fn category_counts() {
        let count = |cat| COUNTRIES.iter().filter(|i| i.category == cat).count();
        assert!(count(Iso3166) >= 249);
        assert_eq!(count(IcaoExtension), 7);
        assert_eq!(count(Organisation), 15);
        assert_eq!(count(NoNationality), 4);
        assert_eq!(count(Specimen), 1);
        assert_eq!(count(IcaoOnly), 1);
        assert!(count(Deprecated) >= 2);
    }

    #[test]
    fn category_implements_serialize() {
        fn assert_serialize<T: serde::Serialize>() {}
        assert_serialize::<CodeCategory>();
    }
}
