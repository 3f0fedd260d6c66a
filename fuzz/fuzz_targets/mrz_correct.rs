//! OCR correction on arbitrary candidate lattices: never panics; confident characters are only
//! ever changed by character-class rules.
#![no_main]

use docexam_mrz::correct::{Candidate, CorrectionOptions, SubstitutionReason, correct};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Each byte pair is (character, confidence); 0x0A starts a new line.
    let mut lines: Vec<Vec<Vec<Candidate>>> = vec![Vec::new()];
    for pair in data.chunks(2) {
        let [ch, conf] = pair else { break };
        if *ch == b'\n' {
            lines.push(Vec::new());
            continue;
        }
        let confidence = f32::from(*conf) / 255.0;
        if let Some(line) = lines.last_mut() {
            let alt = Candidate { ch: char::from(ch.wrapping_add(1)), confidence: confidence / 2.0 };
            line.push(vec![Candidate { ch: char::from(*ch), confidence }, alt]);
        }
    }
    let options = CorrectionOptions::default();
    let result = correct(&lines, &options);
    for s in &result.substitutions {
        if s.confidence >= options.high_confidence {
            assert!(matches!(s.reason, SubstitutionReason::CharacterClass { .. }));
        }
    }
});
