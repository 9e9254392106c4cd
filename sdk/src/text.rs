//! Plain-text rules shared by the school-data validator and the host's output: which
//! characters may not appear in names (they would move a terminal's cursor, recolour it,
//! reorder what it shows, or break a chat title or a table row) and how to show them safely.

use std::borrow::Cow;

/// The longest name the validator and `org add` accept, in characters: a person's full name,
/// a class name, a subject, a title.
pub const MAX_NAME_CHARS: usize = 200;

/// Whether `c` must never reach a terminal or a name as it is: the C0 controls
/// (U+0000–U+001F, newline and tab included), DEL, the C1 controls (U+0080–U+009F), the
/// line and paragraph separators (U+2028, U+2029) and the bidirectional formatting characters
/// that reorder text (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069).
pub fn is_control(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// `s` with every [control character](is_control) written as a JSON-style escape (`\n`,
/// `\r`, `\t`, otherwise `\u001b`, `\u202e`), so that printing it cannot act on a terminal.
/// Everything else, backslashes included, is left as it is.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// What is wrong with `s` as text shown to people (an id, a role, a link), if anything: a
/// control character (the first one, by position) or more than `max_chars` characters.
pub fn text_problem(s: &str, max_chars: usize) -> Option<String> {
    control_problem(s).or_else(|| length_problem(s, max_chars))
}

/// What is wrong with `s` as a name, if anything: as for [`text_problem`], and a name must
/// not be empty or only spaces.
pub fn name_problem(s: &str, max_chars: usize) -> Option<String> {
    control_problem(s)
        .or_else(|| match s {
            "" => Some("must not be empty".to_owned()),
            _ if s.trim().is_empty() => Some("must not be blank (only spaces)".to_owned()),
            _ => None,
        })
        .or_else(|| length_problem(s, max_chars))
}

fn control_problem(s: &str) -> Option<String> {
    let (index, c) = s.chars().enumerate().find(|(_, c)| is_control(*c))?;
    Some(format!(
        "contains {} (U+{:04X}) at character {}; remove it: names and ids are one line of plain text",
        control_name(c),
        u32::from(c),
        index + 1
    ))
}

fn length_problem(s: &str, max_chars: usize) -> Option<String> {
    let length = s.chars().count();
    (length > max_chars)
        .then(|| format!("is {length} characters long; at most {max_chars} are allowed"))
}

fn control_name(c: char) -> &'static str {
    match c {
        '\0' => "a NUL character",
        '\n' | '\r' | '\u{2028}' | '\u{2029}' => "a line break",
        '\t' => "a tab",
        '\u{1b}' => "an escape character (a terminal escape sequence)",
        '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            "a bidirectional text control"
        }
        _ => "a control character",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_c0_del_c1_separators_and_bidi_controls() {
        for c in [
            '\0', '\t', '\n', '\r', '\u{1b}', '\u{1f}', '\u{7f}', '\u{80}', '\u{9b}', '\u{9f}',
            '\u{2028}', '\u{2029}', '\u{61c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}',
            '\u{2066}', '\u{2069}',
        ] {
            assert!(is_control(c), "{:?}", c);
        }
        for c in [
            ' ', 'a', 'я', 'Ё', '№', '—', '«', '\u{a0}', '\u{a0}', '\u{200b}', '\u{206a}',
        ] {
            assert!(!is_control(c), "{:?}", c);
        }
    }

    #[test]
    fn escapes_only_control_characters() {
        assert!(matches!(
            escape_controls("1 а — родители"),
            Cow::Borrowed(_)
        ));
        assert_eq!(escape_controls(r"C:\школа"), r"C:\школа");
        assert_eq!(
            escape_controls("a\nb\tc\r\u{1b}[31mred\u{7f}\u{9b}\u{202e}cba\u{2069}"),
            r"a\nb\tc\r\u001b[31mred\u007f\u009b\u202ecba\u2069"
        );
    }

    #[test]
    fn text_problems_name_the_character_and_where() {
        assert_eq!(text_problem("Петров Иван", 200), None);
        assert_eq!(
            text_problem("Ива\u{1b}[2Jнов", 200).unwrap(),
            "contains an escape character (a terminal escape sequence) (U+001B) at character 4; remove it: names and ids are one line of plain text"
        );
        assert!(text_problem("a\nb", 200)
            .unwrap()
            .starts_with("contains a line break (U+000A) at character 2"));
        assert!(text_problem("\0", 200)
            .unwrap()
            .starts_with("contains a NUL character (U+0000) at character 1"));
        assert!(text_problem("\u{202e}abc", 200)
            .unwrap()
            .starts_with("contains a bidirectional text control (U+202E)"));
        assert_eq!(text_problem(&"я".repeat(200), 200), None);
        assert_eq!(
            text_problem(&"я".repeat(100_000), 200).unwrap(),
            "is 100000 characters long; at most 200 are allowed"
        );
    }

    #[test]
    fn names_must_not_be_empty_or_blank() {
        assert_eq!(name_problem("1 а", 200), None);
        assert_eq!(name_problem("", 200).unwrap(), "must not be empty");
        assert_eq!(
            name_problem(" \u{a0} ", 200).unwrap(),
            "must not be blank (only spaces)"
        );
        assert!(name_problem("\n", 200).unwrap().contains("line break"));
    }
}
