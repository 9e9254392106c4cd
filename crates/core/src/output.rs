//! Text output helpers: aligned tables and secret masking.
//!
//! Data (school data, organization names, what plugins publish) reaches a terminal only with
//! its control characters escaped ([`escape_controls`]): a table does it for every cell, and
//! commands printing data in a line of text call it themselves.

pub use exchange_sdk::text::escape_controls;

/// Shows a secret as `••••` plus its last 4 characters (fewer for short values).
pub fn mask_secret(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let keep = if chars.len() >= 12 { 4 } else { 0 };
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("••••{tail}")
}

/// A plain text table with columns aligned by character count (Cyrillic-safe); control
/// characters in cells are shown escaped.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table {
            header: header.into_iter().map(safe_cell).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (missing cells are empty).
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(safe_cell).collect());
    }

    /// Whether no row was added.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

fn safe_cell(cell: impl Into<String>) -> String {
    escape_controls(&cell.into()).into_owned()
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let columns = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let line = |cells: &[String], f: &mut std::fmt::Formatter<'_>| -> std::fmt::Result {
            let mut text = String::new();
            for (i, width) in widths.iter().enumerate() {
                let cell = cells.get(i).map(String::as_str).unwrap_or("");
                text.push_str(cell);
                if i + 1 < columns {
                    let pad = width - cell.chars().count() + 2;
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            writeln!(f, "{}", text.trim_end())
        };
        line(&self.header, f)?;
        for row in &self.rows {
            line(row, f)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_last_four_of_long_secrets() {
        assert_eq!(mask_secret("vk1.a.abcdefghijklmnop1234"), "••••1234");
        assert_eq!(mask_secret("short"), "••••");
        assert!(!mask_secret("vk1.a.abcdefghijklmnop1234").contains("abcdef"));
    }

    #[test]
    fn aligns_cyrillic_by_characters() {
        let mut t = Table::new(["a", "b"]);
        t.row(["Учительская", "x"]);
        t.row(["1 а", "y"]);
        let text = t.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "Учительская  x");
        assert_eq!(lines[2], "1 а          y");
    }

    #[test]
    fn cells_show_control_characters_escaped() {
        let mut t = Table::new(["NAME", "CLASS"]);
        t.row(["Петров\u{1b}[2J\u{1b}]0;pwned\u{7}", "1\nа\u{202e}"]);
        let text = t.to_string();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            r"Петров\u001b[2J\u001b]0;pwned\u0007  1\nа\u202e"
        );
        assert_eq!(text.lines().count(), 2);
        assert!(!text
            .chars()
            .any(|c| c != '\n' && exchange_sdk::text::is_control(c)));
    }
}
