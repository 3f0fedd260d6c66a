//! Importing other desks' verified exports. (Being built.)
