//! docexam's files: where they are ([`places`]: manuals, exercise packs, the audit database, the
//! desk's settings), read from the process in one place; and reading them within limits
//! ([`read`]: regular files only, never more than a limit, never waiting on a FIFO).

pub mod places;
pub mod read;

pub use places::{
    DATABASE_FILE, DB_ENV, MANUALS_ENV, ManualsDir, ManualsSource, NoHomeFolder, NoManualsDir, PACKS_ENV,
    PARENT_LEVELS, PackSearch, PacksDir, PacksSource, Places, SHIPPED_PACKS, SYSTEM_MANUALS_DIR, database_path,
    find_manuals_dir,
};
pub use read::{ReadError, read_file, read_stdin, read_text_file};
