//! Exports with a proof file, and their verification. (Being built.)
