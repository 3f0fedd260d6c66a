//! OCR correction guided by field types and check digits.
