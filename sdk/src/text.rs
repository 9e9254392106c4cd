//! Plain-text rules shared by the school-data validator and the host's output: which
//! characters may not appear in names (they would move a terminal's cursor, recolour it,
//! reorder what it shows, or break a chat title or a table row) and how to show them safely.

use std::borrow::Cow;
use std::fmt;

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

/// What is wrong with a text as a name or an id. Its `Display` is the English message
/// (`must not be empty`); the host says it in other languages from the fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblem {
    /// A [control character](is_control): its kind, itself and its position (from 1).
    Control {
        /// What kind of control character it is.
        control: Control,
        /// The character.
        character: char,
        /// Its position in characters, counting from 1.
        position: usize,
    },
    /// More characters than allowed.
    TooLong {
        /// The text's length in characters.
        length: usize,
        /// The most allowed.
        max: usize,
    },
    /// An empty name.
    Empty,
    /// A name of spaces only.
    Blank,
}

impl fmt::Display for TextProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextProblem::Control {
                control,
                character,
                position,
            } => write!(
                f,
                "contains {control} (U+{:04X}) at character {position}; remove it: names and ids are one line of plain text",
                u32::from(*character)
            ),
            TextProblem::TooLong { length, max } => {
                write!(f, "is {length} characters long; at most {max} are allowed")
            }
            TextProblem::Empty => f.write_str("must not be empty"),
            TextProblem::Blank => f.write_str("must not be blank (only spaces)"),
        }
    }
}

/// The kinds of control characters a [`TextProblem`] names. Its `Display` is the English
/// name (`a tab`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// U+0000.
    Nul,
    /// A newline, a carriage return, or the line or paragraph separator.
    LineBreak,
    /// A tab.
    Tab,
    /// U+001B, which starts terminal escape sequences.
    Escape,
    /// A bidirectional formatting character.
    Bidi,
    /// Any other control character.
    Other,
}

impl Control {
    /// The kind of the control character `c`.
    pub fn of(c: char) -> Control {
        match c {
            '\0' => Control::Nul,
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => Control::LineBreak,
            '\t' => Control::Tab,
            '\u{1b}' => Control::Escape,
            '\u{61c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}' => Control::Bidi,
            _ => Control::Other,
        }
    }
}

impl fmt::Display for Control {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Control::Nul => "a NUL character",
            Control::LineBreak => "a line break",
            Control::Tab => "a tab",
            Control::Escape => "an escape character (a terminal escape sequence)",
            Control::Bidi => "a bidirectional text control",
            Control::Other => "a control character",
        })
    }
}

/// What is wrong with `s` as text shown to people (an id, a role, a link), if anything: a
/// control character (the first one, by position) or more than `max_chars` characters.
pub fn text_problem(s: &str, max_chars: usize) -> Option<TextProblem> {
    control_problem(s).or_else(|| length_problem(s, max_chars))
}

/// What is wrong with `s` as a name, if anything: as for [`text_problem`], and a name must
/// not be empty or only spaces.
pub fn name_problem(s: &str, max_chars: usize) -> Option<TextProblem> {
    control_problem(s)
        .or_else(|| match s {
            "" => Some(TextProblem::Empty),
            _ if s.trim().is_empty() => Some(TextProblem::Blank),
            _ => None,
        })
        .or_else(|| length_problem(s, max_chars))
}

fn control_problem(s: &str) -> Option<TextProblem> {
    let (index, character) = s.chars().enumerate().find(|(_, c)| is_control(*c))?;
    Some(TextProblem::Control {
        control: Control::of(character),
        character,
        position: index + 1,
    })
}

fn length_problem(s: &str, max_chars: usize) -> Option<TextProblem> {
    let length = s.chars().count();
    (length > max_chars).then_some(TextProblem::TooLong {
        length,
        max: max_chars,
    })
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
            text_problem("Ива\u{1b}[2Jнов", 200).unwrap().to_string(),
            "contains an escape character (a terminal escape sequence) (U+001B) at character 4; remove it: names and ids are one line of plain text"
        );
        assert!(text_problem("a\nb", 200)
            .unwrap()
            .to_string()
            .starts_with("contains a line break (U+000A) at character 2"));
        assert!(text_problem("\0", 200)
            .unwrap()
            .to_string()
            .starts_with("contains a NUL character (U+0000) at character 1"));
        assert!(text_problem("\u{202e}abc", 200)
            .unwrap()
            .to_string()
            .starts_with("contains a bidirectional text control (U+202E)"));
        assert_eq!(text_problem(&"я".repeat(200), 200), None);
        assert_eq!(
            text_problem(&"я".repeat(100_000), 200).unwrap().to_string(),
            "is 100000 characters long; at most 200 are allowed"
        );
    }

    #[test]
    fn names_must_not_be_empty_or_blank() {
        assert_eq!(name_problem("1 а", 200), None);
        assert_eq!(name_problem("", 200), Some(TextProblem::Empty));
        assert_eq!(name_problem(" \u{a0} ", 200), Some(TextProblem::Blank));
        assert_eq!(
            name_problem("\n", 200),
            Some(TextProblem::Control {
                control: Control::LineBreak,
                character: '\n',
                position: 1
            })
        );
    }
}
