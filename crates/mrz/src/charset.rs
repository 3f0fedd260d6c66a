//! The MRZ alphabet (`A`-`Z`, `0`-`9`, filler `<`) and the ICAO 9303 7-3-1 check digit.

/// The filler character.
pub const FILLER: u8 = b'<';

/// The value of an MRZ character in check-digit arithmetic: digits are themselves, `A`=10 .. `Z`=35,
/// `<`=0. Characters outside the alphabet have no value.
pub const fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'A'..=b'Z' => Some((c - b'A') as u32 + 10),
        FILLER => Some(0),
        _ => None,
    }
}

/// Whether `c` belongs to the MRZ alphabet.
pub const fn is_mrz_char(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'A'..=b'Z' | FILLER)
}

/// Check-digit values by byte (characters outside the alphabet count as 0).
static VALUES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        if let Some(v) = char_value(i as u8) {
            table[i] = v as u8;
        }
        i += 1;
    }
    table
};

/// Computes the check digit (0-9) over the concatenation of `parts`, weights 7, 3, 1 repeating.
///
/// Characters outside the alphabet count as 0: they are reported separately as errors, and the
/// digit is still computed so the report can say what it would have been.
///
/// ```
/// use docexam_mrz::charset::check_digit;
/// assert_eq!(check_digit([b"520727".as_slice()]), 3);
/// assert_eq!(check_digit([b"AB2134<<<".as_slice()]), 5);
/// ```
pub fn check_digit<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u8 {
    // Sums per weight class; the position in the weight cycle carries across parts.
    let mut sums = [0u32; 3];
    let mut phase = 0usize;
    for part in parts {
        for &c in part {
            if let Some(sum) = sums.get_mut(phase) {
                *sum += u32::from(VALUES[usize::from(c)]);
            }
            phase = if phase == 2 { 0 } else { phase + 1 };
        }
    }
    ((sums[0] * 7 + sums[1] * 3 + sums[2]) % 10) as u8
}

/// The digit a printed check-digit character stands for, if it is a digit.
pub const fn digit_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_part3_worked_examples() {
        // ICAO Doc 9303 Part 3, Appendix A (check digit examples).
        assert_eq!(check_digit([b"520727".as_slice()]), 3);
        assert_eq!(check_digit([b"AB2134<<<".as_slice()]), 5);
        // The TD3 specimen's document number L898902C3 has check digit 6.
        assert_eq!(check_digit([b"L898902C3".as_slice()]), 6);
    }

    #[test]
    fn split_parts_continue_the_weight_cycle() {
        let whole = check_digit([b"L898902C36".as_slice()]);
        let split = check_digit([b"L898".as_slice(), b"902C36".as_slice()]);
        assert_eq!(whole, split);
    }

    #[test]
    fn values_cover_the_alphabet() {
        assert_eq!(char_value(b'<'), Some(0));
        assert_eq!(char_value(b'A'), Some(10));
        assert_eq!(char_value(b'Z'), Some(35));
        assert_eq!(char_value(b'a'), None);
        assert_eq!(char_value(b' '), None);
    }
}
