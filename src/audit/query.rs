//! Listing records and statistics over inspections. (Being built.)
