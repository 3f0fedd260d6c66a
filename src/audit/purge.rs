//! Retention: purging personal data by a logged purge. (Being built.)
