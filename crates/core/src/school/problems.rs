//! The school-data validator's problems (`exchange_sdk::school_validate`) in the reader's
//! language, rendered from their kinds with the `school-problem-…` messages of `host.ftl`. The
//! English messages say exactly what the kinds' `Display` says (a test checks every kind), so
//! the SDK's own English and the host's cannot drift apart.

use crate::i18n::Lang;
use crate::tr;
use exchange_sdk::school_validate::{
    Account, Expected, Got, ProblemKind, Table, SUPPORTED_FORMATS,
};
use exchange_sdk::text::{Control, TextProblem};
use serde_json::error::Category;

/// serde_json's syntax errors that have messages of their own: the English message of each
/// is serde_json's text, by which it is recognized.
const JSON_SYNTAX: [&str; 13] = [
    "school-json-expected-value",
    "school-json-expected-ident",
    "school-json-expected-colon",
    "school-json-expected-comma-or-bracket",
    "school-json-expected-comma-or-brace",
    "school-json-expected-quote",
    "school-json-key-must-be-a-string",
    "school-json-trailing-comma",
    "school-json-trailing-characters",
    "school-json-invalid-escape",
    "school-json-invalid-number",
    "school-json-number-out-of-range",
    "school-json-recursion-limit-exceeded",
];

/// One validator problem's message (without its path) in `lang`.
pub fn problem_message(kind: &ProblemKind, lang: Lang) -> String {
    let supported = SUPPORTED_FORMATS.join(", ");
    match kind {
        ProblemKind::Json {
            category,
            line,
            column,
            text,
        } => tr!(
            lang,
            "school-problem-json",
            error = json_error(*category, text, lang),
            line = *line,
            column = *column
        ),
        ProblemKind::Model { text } => tr!(
            lang,
            "school-problem-model",
            error = json_error(Category::Data, text, lang)
        ),
        ProblemKind::FormatMissing => {
            tr!(lang, "school-problem-format-missing", supported = supported)
        }
        ProblemKind::FormatUnsupported { got } => tr!(
            lang,
            "school-problem-format-unsupported",
            got = got_value(got, lang),
            supported = supported
        ),
        ProblemKind::Missing => tr!(lang, "school-problem-missing"),
        ProblemKind::Expected { what, got } => tr!(
            lang,
            "school-problem-expected",
            what = expected(*what, lang),
            got = got_value(got, lang)
        ),
        ProblemKind::Text(problem) => text_message(problem, lang),
        ProblemKind::DuplicateId { id, count, first } => tr!(
            lang,
            "school-problem-duplicate-id",
            id = quoted(id),
            count = *count,
            first = first
        ),
        ProblemKind::Unknown { table, id } => tr!(
            lang,
            "school-problem-unknown",
            table = table_noun(*table, lang),
            id = quoted(id)
        ),
        ProblemKind::ClassNameTaken {
            name,
            first,
            written,
        } => {
            let first = match written {
                Some(written) => tr!(
                    lang,
                    "school-class-written",
                    first = first,
                    name = quoted(written)
                ),
                None => first.clone(),
            };
            tr!(
                lang,
                "school-problem-class-name-taken",
                name = quoted(name),
                first = first
            )
        }
        ProblemKind::AccountTaken {
            account,
            id,
            other,
            other_name,
        } => {
            let other = match other_name {
                Some(name) => format!("{other} ({})", quoted(name)),
                None => other.clone(),
            };
            tr!(
                lang,
                "school-problem-account-taken",
                account = account_name(*account, lang),
                id = id.to_string(),
                other = other
            )
        }
    }
}

/// A text problem (of a name or an id, as the validator and `org add` find them) in `lang`.
pub fn text_message(problem: &TextProblem, lang: Lang) -> String {
    match *problem {
        TextProblem::Control {
            control,
            character,
            position,
        } => tr!(
            lang,
            "school-problem-control",
            control = control_name(control, lang),
            code = format!("{:04X}", u32::from(character)),
            position = position
        ),
        TextProblem::TooLong { length, max } => {
            tr!(lang, "school-problem-too-long", length = length, max = max)
        }
        TextProblem::Empty => tr!(lang, "school-problem-empty"),
        TextProblem::Blank => tr!(lang, "school-problem-blank"),
    }
}

/// A text of the document as messages show it.
fn quoted(text: &str) -> String {
    exchange_sdk::school_validate::quoted(text)
}

/// What serde_json's error means: in English its own text; in other languages the recognized
/// syntax errors, the end of the file coming too early, data of another kind, or "some error".
fn json_error(category: Category, text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_owned();
    }
    let id = match category {
        Category::Eof => "school-json-eof",
        Category::Data => "school-json-data",
        Category::Syntax => JSON_SYNTAX
            .into_iter()
            .find(|id| tr!(Lang::En, id) == text)
            .unwrap_or("school-json-other"),
        Category::Io => "school-json-other",
    };
    tr!(lang, id)
}

fn expected(what: Expected, lang: Lang) -> String {
    match what {
        Expected::Object => tr!(lang, "school-expected-object"),
        Expected::Array => tr!(lang, "school-expected-array"),
        Expected::String => tr!(lang, "school-expected-string"),
        Expected::NonEmptyString => tr!(lang, "school-expected-non-empty-string"),
        Expected::Bool => tr!(lang, "school-expected-bool"),
        Expected::SferumId => tr!(lang, "school-expected-sferum-id"),
        Expected::MaxId => tr!(lang, "school-expected-max-id"),
        Expected::Level => {
            let levels = exchange_sdk::school::Level::NAMES.join(", ");
            tr!(lang, "school-expected-level", levels = levels)
        }
        Expected::Timestamp => tr!(lang, "school-expected-timestamp"),
        Expected::JoinLink => tr!(lang, "school-expected-join-link"),
        Expected::Reference(table) => tr!(
            lang,
            "school-expected-reference",
            table = table_noun(table, lang)
        ),
    }
}

/// What a document has where something else was expected.
fn got_value(got: &Got, lang: Lang) -> String {
    match got {
        Got::Text(_) => tr!(lang, "school-got-text", value = got.to_string()),
        Got::Number(_) => tr!(lang, "school-got-number", value = got.to_string()),
        Got::Array => tr!(lang, "school-got-array"),
        Got::Object => tr!(lang, "school-got-object"),
        // JSON's own words, the same in every language.
        Got::Bool(_) | Got::Null => got.to_string(),
    }
}

fn table_noun(table: Table, lang: Lang) -> String {
    match table {
        Table::Staff => tr!(lang, "school-table-staff"),
        Table::Classes => tr!(lang, "school-table-classes"),
        Table::Students => tr!(lang, "school-table-students"),
    }
}

fn account_name(account: Account, lang: Lang) -> String {
    match account {
        Account::Sferum => tr!(lang, "school-account-sferum"),
        Account::Max => tr!(lang, "school-account-max"),
    }
}

fn control_name(control: Control, lang: Lang) -> String {
    match control {
        Control::Nul => tr!(lang, "school-control-nul"),
        Control::LineBreak => tr!(lang, "school-control-line-break"),
        Control::Tab => tr!(lang, "school-control-tab"),
        Control::Escape => tr!(lang, "school-control-escape"),
        Control::Bidi => tr!(lang, "school-control-bidi"),
        Control::Other => tr!(lang, "school-control-other"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_sdk::school_validate::parse_school_data;
    use exchange_sdk::testing::latin_sentence;

    fn text(s: &str) -> Got {
        Got::Text(s.into())
    }

    fn control(character: char, position: usize) -> ProblemKind {
        ProblemKind::Text(TextProblem::Control {
            control: Control::of(character),
            character,
            position,
        })
    }

    /// One sample of every kind, every type word, table, account, control and value kind.
    fn samples() -> Vec<ProblemKind> {
        let mut kinds = vec![
            ProblemKind::Json {
                category: Category::Syntax,
                line: 3,
                column: 3,
                text: "key must be a string".into(),
            },
            ProblemKind::Json {
                category: Category::Eof,
                line: 2,
                column: 0,
                text: "EOF while parsing an object".into(),
            },
            ProblemKind::Json {
                category: Category::Syntax,
                line: 1,
                column: 9,
                text: "unexpected end of hex escape".into(),
            },
            ProblemKind::Model {
                text: "invalid type: integer `5`, expected a string".into(),
            },
            ProblemKind::FormatMissing,
            ProblemKind::FormatUnsupported {
                got: text("school-data/2"),
            },
            ProblemKind::Missing,
            ProblemKind::Text(TextProblem::TooLong {
                length: 100_000,
                max: 200,
            }),
            ProblemKind::Text(TextProblem::TooLong {
                length: 201,
                max: 200,
            }),
            ProblemKind::Text(TextProblem::Empty),
            ProblemKind::Text(TextProblem::Blank),
            ProblemKind::DuplicateId {
                id: "s-40".into(),
                count: 2,
                first: "students[1]".into(),
            },
            ProblemKind::DuplicateId {
                id: "s-40".into(),
                count: 3,
                first: "students[1]".into(),
            },
            ProblemKind::ClassNameTaken {
                name: "1 а".into(),
                first: "classes[0]".into(),
                written: None,
            },
            ProblemKind::ClassNameTaken {
                name: " 1А".into(),
                first: "classes[0]".into(),
                written: Some("1 а".into()),
            },
            ProblemKind::AccountTaken {
                account: Account::Max,
                id: u64::MAX,
                other: "students[0]".into(),
                other_name: None,
            },
        ];
        kinds.extend(['\0', '\n', '\t', '\u{1b}', '\u{202e}', '\u{9b}'].map(|c| control(c, 6)));
        for table in [Table::Staff, Table::Classes, Table::Students] {
            let id = "c-\u{1b}[2J".to_string();
            kinds.push(ProblemKind::Unknown { table, id });
            let got = Got::Number(3.into());
            let what = Expected::Reference(table);
            kinds.push(ProblemKind::Expected { what, got });
        }
        for account in [Account::Sferum, Account::Max] {
            kinds.push(ProblemKind::AccountTaken {
                account,
                id: 1_000_001,
                other: "staff[0]".into(),
                other_name: Some("Иванова Мария Петровна".into()),
            });
        }
        let whats = [
            Expected::Object,
            Expected::Array,
            Expected::String,
            Expected::NonEmptyString,
            Expected::Bool,
            Expected::SferumId,
            Expected::MaxId,
            Expected::Level,
            Expected::Timestamp,
            Expected::JoinLink,
        ];
        let gots = [
            text("я".repeat(100).as_str()),
            Got::Number(serde_json::Number::from_f64(3.5).unwrap()),
            Got::Bool(false),
            Got::Null,
            Got::Array,
            Got::Object,
        ];
        for (i, what) in whats.into_iter().enumerate() {
            let got = gots[i % gots.len()].clone();
            kinds.push(ProblemKind::Expected { what, got });
        }
        kinds
    }

    /// Which variant a kind is: exhaustive, so a new kind must be added to the samples.
    fn variant(kind: &ProblemKind) -> usize {
        match kind {
            ProblemKind::Json { .. } => 0,
            ProblemKind::Model { .. } => 1,
            ProblemKind::FormatMissing => 2,
            ProblemKind::FormatUnsupported { .. } => 3,
            ProblemKind::Missing => 4,
            ProblemKind::Expected { .. } => 5,
            ProblemKind::Text(_) => 6,
            ProblemKind::DuplicateId { .. } => 7,
            ProblemKind::Unknown { .. } => 8,
            ProblemKind::ClassNameTaken { .. } => 9,
            ProblemKind::AccountTaken { .. } => 10,
        }
    }

    #[test]
    fn the_samples_have_every_kind() {
        let found: std::collections::BTreeSet<usize> = samples().iter().map(variant).collect();
        assert_eq!(found, (0..=10).collect());
    }

    #[test]
    fn the_english_messages_are_the_validators_own() {
        for kind in samples() {
            assert_eq!(problem_message(&kind, Lang::En), kind.to_string());
        }
    }

    #[test]
    fn every_kind_is_said_in_russian() {
        for kind in samples() {
            let ru = problem_message(&kind, Lang::Ru);
            assert_eq!(latin_sentence(&ru), None, "{kind:?}: {ru}");
            assert_ne!(ru, kind.to_string());
        }
    }

    #[test]
    fn common_problems_read_in_russian_as_before() {
        let ru = |kind: ProblemKind| problem_message(&kind, Lang::Ru);
        assert_eq!(ru(ProblemKind::Missing), "обязательное поле отсутствует");
        assert_eq!(
            ru(ProblemKind::Expected {
                what: Expected::String,
                got: Got::Number(5.into())
            }),
            "ожидается строка, а в файле число 5"
        );
        assert_eq!(
            ru(ProblemKind::Unknown {
                table: Table::Classes,
                id: "c-9z".into()
            }),
            "нет класса с идентификатором \"c-9z\""
        );
        assert_eq!(
            ru(ProblemKind::DuplicateId {
                id: "s-40".into(),
                count: 3,
                first: "students[1]".into()
            }),
            "\"s-40\" встречается 3 раза (впервые в students[1])"
        );
        assert_eq!(
            text_message(
                &TextProblem::TooLong {
                    length: 501,
                    max: 500
                },
                Lang::Ru
            ),
            "длина 501 символ, а допускается не больше 500"
        );
    }

    #[test]
    fn broken_json_reads_in_russian_with_its_line_and_column() {
        let said = |json: &str| {
            let problems = parse_school_data(json).unwrap_err();
            problem_message(&problems[0].kind, Lang::Ru)
        };
        assert_eq!(
            said("{\n"),
            "это не JSON (строка 2, столбец 0): файл обрывается раньше, чем закончен JSON (он неполный или обрезан)"
        );
        assert_eq!(
            said("{\"format\" 1}"),
            "это не JSON (строка 1, столбец 11): ожидается «:»"
        );
        assert_eq!(
            said("{\"format\": 1,}"),
            "это не JSON (строка 1, столбец 14): лишняя запятая перед закрывающей скобкой"
        );
        assert_eq!(
            said("{} x"),
            "это не JSON (строка 1, столбец 4): лишние символы после конца JSON"
        );
        assert_eq!(
            said("[1}"),
            "это не JSON (строка 1, столбец 3): ожидается «,» или «]»"
        );
        assert_eq!(
            said("\"a\u{1}\""),
            "это не JSON (строка 1, столбец 3): ошибка в записи JSON"
        );
    }
}
