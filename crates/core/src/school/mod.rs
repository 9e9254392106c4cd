//! School data on the host's side: the summary of what an import changed, the guard against an
//! import that shrinks the school, and the views administrators see (staff files, Sferum
//! coverage). The `school-data/1` model and its validator live in `exchange_sdk`, the sample
//! school generator in the crate `sample-school`.

pub mod coverage;
pub mod diff;
pub mod problems;
pub mod shrink;
pub mod staff;

use crate::i18n::Lang;
use crate::tr;

/// The file's bytes as text, or the problem of the whole document that says, in `lang`, what
/// encoding it is in and what to do.
pub fn read_text_in(bytes: &[u8], lang: Lang) -> std::result::Result<&str, String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(tr!(lang, "school-utf16"));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..])
            .chars()
            .count()
            + 1;
        let byte = format!("0x{:02X}", bytes[e.valid_up_to()]);
        tr!(
            lang,
            "school-not-utf8",
            byte = byte,
            line = line,
            column = column
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_encodings_are_named_in_the_readers_language() {
        let cp1251 = b"{\n  \"name\": \"\xCF\xF0\xE8\"\n}";
        assert_eq!(
            read_text_in(cp1251, Lang::En).unwrap_err(),
            "byte 0xCF at line 2, column 12 is not UTF-8 (the file is in another encoding, e.g. Windows-1251): save it as UTF-8 and import it again"
        );
        assert_eq!(
            read_text_in(cp1251, Lang::Ru).unwrap_err(),
            "байт 0xCF в строке 2, столбце 12 — не UTF-8 (файл в другой кодировке, например Windows-1251): сохраните его в UTF-8 и загрузите снова"
        );
        let utf16 = [0xFF, 0xFE, b'{', 0];
        assert!(read_text_in(&utf16, Lang::Ru)
            .unwrap_err()
            .starts_with("файл в кодировке UTF-16"));
        assert_eq!(read_text_in(b"{}", Lang::Ru), Ok("{}"));
    }
}
