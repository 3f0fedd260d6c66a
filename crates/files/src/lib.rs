//! docexam's files: where they are ([`places`]: manuals, exercise packs, the audit database, the
//! desk's settings), read from the process in one place.

pub mod places;

pub use places::{
    DATABASE_FILE, DB_ENV, MANUALS_ENV, ManualsDir, ManualsSource, NoHomeFolder, NoManualsDir, PACKS_ENV,
    PARENT_LEVELS, PackSearch, PacksDir, PacksSource, Places, SHIPPED_PACKS, SYSTEM_MANUALS_DIR, database_path,
    find_manuals_dir,
};
