//! A pack's results over many sessions: per document, per checklist item and per trainee, from
//! the [`SessionScore`]s of the sessions (shells print them as tables or CSV).

use std::collections::BTreeMap;

use super::{ItemTally, SessionScore};

/// One document of a pack over the sessions that attempted it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentSummary {
    /// Sessions that attempted the document.
    pub attempts: usize,
    /// Attempts with an outcome that counts as right.
    pub outcomes_right: usize,
    /// Attempts that admitted (or left undecided) a fraudulent document.
    pub missed_frauds: usize,
    /// Attempts that did not admit a genuine document.
    pub false_alarms: usize,
    /// Planted defects found, over the attempts.
    pub defects_found: usize,
    /// Planted defects, over the attempts.
    pub defects_planted: usize,
    /// Mean points of the attempts (`None`: no attempt).
    pub mean_points: Option<f64>,
}

impl DocumentSummary {
    /// The document `image` over `sessions` (a session that did not attempt it does not count).
    pub fn over<'s>(image: &str, sessions: impl IntoIterator<Item = &'s SessionScore>) -> Self {
        let scores: Vec<_> =
            sessions.into_iter().filter_map(|s| s.documents.iter().find(|d| d.image == image)).collect();
        let count = |f: &dyn Fn(&super::DocumentScore) -> bool| scores.iter().filter(|d| f(d)).count();
        let mean_points =
            (!scores.is_empty()).then(|| scores.iter().map(|d| d.points).sum::<f64>() / scores.len() as f64);
        DocumentSummary {
            attempts: scores.len(),
            outcomes_right: count(&|d| d.outcome_right),
            missed_frauds: count(&|d| d.missed_fraud),
            false_alarms: count(&|d| d.false_alarm),
            defects_found: scores.iter().map(|d| d.defects_found.iter().filter(|f| **f).count()).sum(),
            defects_planted: scores.iter().map(|d| d.defects_found.len()).sum(),
            mean_points,
        }
    }
}

/// Hits and misses per checklist item, summed over `sessions`, by item id.
pub fn item_totals<'s>(sessions: impl IntoIterator<Item = &'s SessionScore>) -> BTreeMap<String, ItemTally> {
    let mut items: BTreeMap<String, ItemTally> = BTreeMap::new();
    for session in sessions {
        for (item, tally) in &session.items {
            let total = items.entry(item.clone()).or_default();
            total.found += tally.found;
            total.missed += tally.missed;
            total.false_alarms += tally.false_alarms;
        }
    }
    items
}

/// A trainee's points over their sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct PointsHistory {
    /// The last session's points (`None`: no session).
    pub latest: Option<f64>,
    /// The best session's points (0 without sessions).
    pub best: f64,
    /// The mean over the sessions (0 without sessions).
    pub mean: f64,
}

impl PointsHistory {
    /// The history of `points`, one per session in session order.
    pub fn of(points: &[f64]) -> Self {
        PointsHistory {
            latest: points.last().copied(),
            best: points.iter().copied().fold(0.0, f64::max),
            mean: points.iter().sum::<f64>() / points.len().max(1) as f64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspection::Outcome;
    use crate::training::DocumentScore;

    fn document(image: &str, points: f64, right: bool, found: &[bool]) -> DocumentScore {
        DocumentScore {
            image: image.into(),
            outcome: Some(Outcome::Refuse),
            expected: Outcome::Refuse,
            outcome_right: right,
            missed_fraud: !right,
            false_alarm: false,
            defects_found: found.to_vec(),
            false_findings: vec![],
            points,
            seconds: None,
        }
    }

    fn session(documents: Vec<DocumentScore>, items: &[(&str, u32, u32, u32)]) -> SessionScore {
        SessionScore {
            documents,
            points: 0.0,
            outcomes_right: 0,
            missed_frauds: 0,
            false_alarms: 0,
            critical_found: 0,
            critical_planted: 0,
            items: items
                .iter()
                .map(|(id, found, missed, false_alarms)| {
                    ((*id).to_owned(), ItemTally { found: *found, missed: *missed, false_alarms: *false_alarms })
                })
                .collect(),
            median_seconds: None,
        }
    }

    #[test]
    fn a_document_is_summed_over_the_sessions_that_attempted_it() {
        let sessions = [
            session(vec![document("a.png", 100.0, true, &[true, true]), document("b.png", 40.0, false, &[])], &[]),
            session(vec![document("a.png", 20.0, false, &[false, true])], &[]),
            session(vec![], &[]),
        ];
        assert_eq!(
            DocumentSummary::over("a.png", &sessions),
            DocumentSummary {
                attempts: 2,
                outcomes_right: 1,
                missed_frauds: 1,
                false_alarms: 0,
                defects_found: 3,
                defects_planted: 4,
                mean_points: Some(60.0),
            }
        );
        assert_eq!(DocumentSummary::over("b.png", &sessions).attempts, 1);
        assert_eq!(DocumentSummary::over("c.png", &sessions), DocumentSummary::default(), "never attempted");
    }

    #[test]
    fn item_tallies_add_up_over_sessions_in_item_order() {
        let sessions = [session(vec![], &[("H01", 1, 0, 0), ("C02", 0, 1, 2)]), session(vec![], &[("C02", 1, 1, 0)])];
        let totals = item_totals(&sessions);
        assert_eq!(totals.keys().collect::<Vec<_>>(), ["C02", "H01"]);
        assert_eq!(totals["C02"], ItemTally { found: 1, missed: 2, false_alarms: 2 });
        assert_eq!(totals["H01"], ItemTally { found: 1, missed: 0, false_alarms: 0 });
    }

    #[test]
    fn a_history_gives_latest_best_and_mean() {
        assert_eq!(
            PointsHistory::of(&[35.7, 100.0, 60.0]),
            PointsHistory { latest: Some(60.0), best: 100.0, mean: 65.23333333333333 }
        );
        assert_eq!(PointsHistory::of(&[]), PointsHistory { latest: None, best: 0.0, mean: 0.0 });
    }
}
