//! The school-data validator's problems (`exchange_sdk::school_validate`, in English) in the
//! console's language. The validator's messages are a closed set of templates; the common
//! ones are recognized here and said in Russian, anything else is shown as it is.
//!
//! A stopgap until the validator carries message ids of its own.

use crate::i18n::Lang;

/// The type words of the validator's "expected …" messages.
const EXPECTED: [(&str, &str); 9] = [
    ("a non-empty string", "непустая строка"),
    ("a string", "строка"),
    ("an object", "объект"),
    ("an array", "массив"),
    ("true or false", "true или false"),
    (
        "a Sferum ID (a positive integer) or null",
        "идентификатор Сферум (целое положительное число) или null",
    ),
    (
        "a staff member id (a string)",
        "идентификатор сотрудника (строка)",
    ),
    ("a class id (a string)", "идентификатор класса (строка)"),
    ("a student id (a string)", "идентификатор ученика (строка)"),
];

/// The nouns of "no … with id …".
const TABLES: [(&str, &str); 3] = [
    ("staff member", "сотрудника"),
    ("class", "класса"),
    ("student", "ученика"),
];

/// serde_json's syntax errors, as its messages say them, in Russian.
const JSON_SYNTAX: [(&str, &str); 13] = [
    ("expected value", "ожидается значение"),
    ("expected ident", "ожидается true, false или null"),
    ("expected `:`", "ожидается «:»"),
    ("expected `,` or `]`", "ожидается «,» или «]»"),
    ("expected `,` or `}`", "ожидается «,» или «}»"),
    ("expected `\"`", "ожидается «\"»"),
    (
        "key must be a string",
        "ключ должен быть строкой в кавычках",
    ),
    ("trailing comma", "лишняя запятая перед закрывающей скобкой"),
    ("trailing characters", "лишние символы после конца JSON"),
    (
        "invalid escape",
        "недопустимая последовательность с «\\» в строке",
    ),
    ("invalid number", "неверно записано число"),
    ("number out of range", "число вне допустимого диапазона"),
    ("recursion limit exceeded", "слишком глубокая вложенность"),
];

/// The beginnings of serde_json's data errors (a value of another kind than expected).
const JSON_DATA: [&str; 6] = [
    "invalid type",
    "invalid value",
    "invalid length",
    "missing field",
    "unknown field",
    "duplicate field",
];

/// What serde_json's error `what` means, in Russian: the end of the file came too early, a
/// known syntax error, data of another kind, or some other syntax error.
fn json_error(what: &str) -> &'static str {
    if what.starts_with("EOF while parsing") {
        return "файл обрывается раньше, чем закончен JSON (он неполный или обрезан)";
    }
    if let Some((_, ru)) = JSON_SYNTAX.iter().find(|(en, _)| *en == what) {
        return ru;
    }
    if JSON_DATA.iter().any(|data| what.starts_with(data)) {
        return "значение не того вида, что ожидается";
    }
    "ошибка в записи JSON"
}

/// What the validator's English value descriptions (`an array`, `null`, `"x"`) say.
fn value(text: &str) -> String {
    match text {
        "an array" => "массив".into(),
        "an object" => "объект".into(),
        "null" => "null".into(),
        "true" | "false" => text.into(),
        other if other.starts_with('"') => format!("текст {other}"),
        other => format!("число {other}"),
    }
}

/// One validator message in `lang` (as it is when not recognized).
pub fn localized(message: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return message.to_string();
    }
    if message == "required field is missing" {
        return "обязательное поле отсутствует".into();
    }
    if message == "must not be empty" {
        return "не должно быть пустым".into();
    }
    if message == "must not be blank (only spaces)" {
        return "не должно состоять из одних пробелов".into();
    }
    if let Some(rest) = message.strip_prefix("expected ") {
        for (en, ru) in EXPECTED {
            if let Some(got) = rest.strip_prefix(en).and_then(|r| r.strip_prefix(", got ")) {
                return format!("ожидается {ru}, а в файле {}", value(got));
            }
        }
    }
    if let Some(rest) = message.strip_prefix("no ") {
        for (en, ru) in TABLES {
            if let Some(id) = rest
                .strip_prefix(en)
                .and_then(|r| r.strip_prefix(" with id "))
            {
                return format!("нет {ru} с идентификатором {id}");
            }
        }
    }
    if let Some(rest) = message.strip_prefix("not valid JSON: ") {
        if let Some((what, place)) = rest.rsplit_once(" (line ") {
            let place = place
                .trim_end_matches(')')
                .replace(", column ", ", столбец ");
            return format!("это не JSON (строка {place}): {}", json_error(what));
        }
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_problems_are_said_in_russian() {
        let ru = |m: &str| localized(m, Lang::Ru);
        assert_eq!(
            ru("required field is missing"),
            "обязательное поле отсутствует"
        );
        assert_eq!(
            ru("expected a string, got 5"),
            "ожидается строка, а в файле число 5"
        );
        assert_eq!(
            ru("no class with id \"c-9z\""),
            "нет класса с идентификатором \"c-9z\""
        );
        assert_eq!(
            ru("not valid JSON: EOF while parsing an object (line 3, column 1)"),
            "это не JSON (строка 3, столбец 1): файл обрывается раньше, чем закончен JSON (он неполный или обрезан)"
        );
        assert_eq!(ru("something new"), "something new");
        assert_eq!(
            ru("not valid JSON: unexpected end of hex escape (line 1, column 9)"),
            "это не JSON (строка 1, столбец 9): ошибка в записи JSON"
        );
        assert_eq!(
            localized("must not be empty", Lang::En),
            "must not be empty"
        );
    }

    #[test]
    fn broken_json_reads_in_russian_with_its_line_and_column() {
        let said = |json: &str| {
            let problems = exchange_sdk::school_validate::parse_school_data(json).unwrap_err();
            localized(&problems[0].message, Lang::Ru)
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
    }
}
