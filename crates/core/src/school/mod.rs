//! School data on the host's side: the summary of what an import changed, the guard against an
//! import that shrinks the school, and the views administrators see (staff files, Sferum
//! coverage). The `school-data/1` model and its validator live in `exchange_sdk`, the sample
//! school generator in the crate `sample-school`.

pub mod coverage;
pub mod diff;
pub mod problems;
pub mod shrink;
pub mod staff;

use exchange_sdk::school_validate::{Problem, DOCUMENT_PATH};

/// The file's bytes as text, or the problem that says what encoding it is in and what to do.
pub fn read_text(bytes: &[u8]) -> std::result::Result<&str, Problem> {
    let problem = |message: String| Problem {
        path: DOCUMENT_PATH.into(),
        message,
    };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(problem(
            "the file is UTF-16 text (it starts with a UTF-16 byte order mark): save it as UTF-8 and import it again".into(),
        ));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        problem(format!(
            "byte 0x{:02X} at line {line}, column {column} is not UTF-8 (the file is in another encoding, e.g. Windows-1251): save it as UTF-8 and import it again",
            bytes[e.valid_up_to()]
        ))
    })
}
