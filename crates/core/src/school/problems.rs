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
            return format!("это не JSON (строка {place}): {what}");
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
            "это не JSON (строка 3, столбец 1): EOF while parsing an object"
        );
        assert_eq!(ru("something new"), "something new");
        assert_eq!(
            localized("must not be empty", Lang::En),
            "must not be empty"
        );
    }
}
