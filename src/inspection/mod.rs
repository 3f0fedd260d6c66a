//! Inspections: one examination of one document against one manual, its answers, the rules that
//! hold between them, and the suggested and decided outcome. UI-free.
