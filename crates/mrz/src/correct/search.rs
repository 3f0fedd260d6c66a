//! The search behind rule 2: every assignment of alternatives to a group of variable positions
//! that its check accepts.

use super::Variable;

/// A set of changes and its cost (sum of negative log likelihood ratios).
#[derive(Debug, Clone)]
pub(super) struct Assignment {
    pub(super) changes: Vec<(usize, usize, u8)>,
    pub(super) cost: f64,
}

/// Every assignment of up to `max_changes` variables that satisfies `accept`, fewest changes and
/// lowest cost first. The unchanged reading comes first when it is accepted.
pub(super) fn enumerate(
    reading: &[Vec<u8>],
    vars: &[Variable],
    max_changes: usize,
    accept: impl Fn(&[Vec<u8>]) -> bool,
) -> Vec<Assignment> {
    let mut found = Vec::new();
    let mut work = reading.to_vec();
    let mut chosen = Vec::new();
    explore(&mut work, vars, 0, max_changes, &mut chosen, 0.0, &accept, &mut found);
    found.sort_by(|a: &Assignment, b| a.changes.len().cmp(&b.changes.len()).then(a.cost.total_cmp(&b.cost)));
    found
}

#[allow(clippy::too_many_arguments)] // A private recursive helper; bundling the state would add a type for one caller.
fn explore(
    work: &mut Vec<Vec<u8>>,
    vars: &[Variable],
    from: usize,
    budget: usize,
    chosen: &mut Vec<(usize, usize, u8)>,
    cost_so_far: f64,
    accept: &impl Fn(&[Vec<u8>]) -> bool,
    found: &mut Vec<Assignment>,
) {
    if accept(work) {
        found.push(Assignment { changes: chosen.clone(), cost: cost_so_far });
    }
    if budget == 0 {
        return;
    }
    for (i, var) in vars.iter().enumerate().skip(from) {
        let Some(original) = work.get(var.line).and_then(|l| l.get(var.col)).copied() else { continue };
        for &(ch, c) in &var.options {
            if let Some(slot) = work.get_mut(var.line).and_then(|l| l.get_mut(var.col)) {
                *slot = ch;
            }
            chosen.push((var.line, var.col, ch));
            explore(work, vars, i + 1, budget - 1, chosen, cost_so_far + c, accept, found);
            chosen.pop();
        }
        if let Some(slot) = work.get_mut(var.line).and_then(|l| l.get_mut(var.col)) {
            *slot = original;
        }
    }
}

/// Steps `combination` to the next choice per group, like an odometer; false after the last.
pub(super) fn advance(combination: &mut [usize], options: &[Vec<Assignment>]) -> bool {
    for (index, group) in combination.iter_mut().zip(options) {
        *index += 1;
        if *index < group.len() {
            return true;
        }
        *index = 0;
    }
    false
}
