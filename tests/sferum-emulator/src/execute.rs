//! The `execute` method's code: a strict parser for the shapes the emulator accepts.
//!
//! Accepted (whitespace-insensitive):
//! 1. the spec's form, `return [API.section.method({...}), ...];` with JSON objects as
//!    arguments (an empty `()` is allowed too);
//! 2. the loop forms the `vk_api` Python client generates for batches of one method:
//!    `var values = [...], i = 0, result = []; while (i < values.length) {
//!    result.push(API.m(values[i])); i = i + 1; } return result;` and the same with a
//!    defaults object whose one key is set from `values[i]` before each call.
//!
//! Anything else is error 12, and more than 25 calls is error 13, as in VK.

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::params::Params;

/// The most API calls one `execute` may make.
pub const MAX_CALLS: usize = 25;

/// One API call made by `execute` code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerCall {
    /// Method name, e.g. `messages.addChatUser`.
    pub method: String,
    /// The call's parameters.
    pub params: Params,
}

/// Parses `code` into the calls it makes, in order.
pub fn parse(code: &str) -> Result<Vec<InnerCall>, ApiError> {
    let mut cur = Cursor { src: code, pos: 0 };
    let calls = if cur.keyword("return") {
        parse_list_form(&mut cur)?
    } else if cur.keyword("var") {
        parse_loop_form(&mut cur)?
    } else {
        return Err(cur.fail("expected `return [API...]` or `var ...`"));
    };
    cur.skip_ws();
    if cur.pos != code.len() {
        return Err(cur.fail("unexpected text after the return statement"));
    }
    if calls.len() > MAX_CALLS {
        return Err(ApiError::too_many_api_calls());
    }
    calls
        .into_iter()
        .map(|(method, args)| {
            Params::from_json_object(&args)
                .map(|params| InnerCall { method, params })
                .map_err(|e| ApiError::cannot_compile(&e))
        })
        .collect()
}

type RawCall = (String, Map<String, Value>);

fn parse_list_form(cur: &mut Cursor) -> Result<Vec<RawCall>, ApiError> {
    cur.expect("[")?;
    let mut calls = Vec::new();
    if !cur.eat("]") {
        loop {
            let method = cur.api_method()?;
            cur.expect("(")?;
            let args = if cur.eat(")") {
                Map::new()
            } else {
                let args = cur.json_object()?;
                cur.expect(")")?;
                args
            };
            calls.push((method, args));
            if cur.eat("]") {
                break;
            }
            cur.expect(",")?;
        }
    }
    cur.eat(";");
    Ok(calls)
}

fn parse_loop_form(cur: &mut Cursor) -> Result<Vec<RawCall>, ApiError> {
    let mut vars: Vec<(String, Value)> = Vec::new();
    loop {
        let name = cur.ident()?;
        cur.expect("=")?;
        vars.push((name, cur.json()?));
        if cur.eat(";") {
            break;
        }
        cur.expect(",")?;
    }
    let var = |name: &str| {
        vars.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| ApiError::cannot_compile(&format!("variable {name} is not defined")))
    };

    if !cur.keyword("while") {
        return Err(cur.fail("expected `while`"));
    }
    cur.expect("(")?;
    let index = cur.ident()?;
    cur.expect("<")?;
    let list = cur.ident()?;
    cur.expect(".")?;
    cur.expect_word("length")?;
    cur.expect(")")?;
    cur.expect("{")?;

    // Optional `defaults.key = list[index];`
    let mut assign: Option<(String, String)> = None;
    let first = cur.ident()?;
    cur.expect(".")?;
    let member = cur.ident()?;
    let result = if cur.eat("=") {
        cur.expect_word(&list)?;
        cur.expect_index(&index)?;
        cur.expect(";")?;
        assign = Some((first, member));
        let result = cur.ident()?;
        cur.expect(".")?;
        cur.expect_word("push")?;
        result
    } else if member == "push" {
        first
    } else {
        return Err(cur.fail("expected `result.push(...)`"));
    };
    cur.expect("(")?;
    let method = cur.api_method()?;
    cur.expect("(")?;
    let arg = cur.ident()?;
    let arg_is_item = arg == list;
    if arg_is_item {
        cur.expect_index(&index)?;
    }
    cur.expect(")")?;
    cur.expect(")")?;
    cur.expect(";")?;
    cur.expect_word(&index)?;
    cur.expect("=")?;
    cur.expect_word(&index)?;
    cur.expect("+")?;
    cur.expect("1")?;
    cur.expect(";")?;
    cur.expect("}")?;
    if !cur.keyword("return") {
        return Err(cur.fail("expected `return`"));
    }
    cur.expect_word(&result)?;
    cur.eat(";");

    if var(&index)? != 0 || var(&result)? != Value::Array(Vec::new()) {
        return Err(ApiError::cannot_compile(
            "the loop must start at 0 with an empty result",
        ));
    }
    let Value::Array(items) = var(&list)? else {
        return Err(ApiError::cannot_compile(&format!("{list} is not an array")));
    };
    let defaults = if arg_is_item {
        None
    } else {
        match var(&arg)? {
            Value::Object(map) => Some(map),
            _ => return Err(ApiError::cannot_compile(&format!("{arg} is not an object"))),
        }
    };
    if let Some((target, _)) = &assign {
        if *target != arg || arg_is_item {
            return Err(ApiError::cannot_compile(
                "the assigned object is not the call's argument",
            ));
        }
    }
    items
        .into_iter()
        .map(|item| {
            let args = match (&defaults, &assign) {
                (None, _) => match item {
                    Value::Object(map) => map,
                    _ => {
                        return Err(ApiError::cannot_compile(
                            "a call's argument is not an object",
                        ))
                    }
                },
                (Some(defaults), Some((_, key))) => {
                    let mut args = defaults.clone();
                    args.insert(key.clone(), item);
                    args
                }
                (Some(defaults), None) => defaults.clone(),
            };
            Ok((method.clone(), args))
        })
        .collect()
}

/// A position in the code being parsed.
struct Cursor<'a> {
    src: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.src.len() - trimmed.len();
    }

    fn fail(&self, what: &str) -> ApiError {
        ApiError::cannot_compile(&format!("{what} at offset {}", self.pos))
    }

    fn eat(&mut self, lit: &str) -> bool {
        self.skip_ws();
        let found = self.rest().starts_with(lit);
        if found {
            self.pos += lit.len();
        }
        found
    }

    fn expect(&mut self, lit: &str) -> Result<(), ApiError> {
        if self.eat(lit) {
            Ok(())
        } else {
            Err(self.fail(&format!("expected `{lit}`")))
        }
    }

    /// Eats `word` only as a whole identifier.
    fn keyword(&mut self, word: &str) -> bool {
        let start = self.pos;
        match self.ident() {
            Ok(found) if found == word => true,
            _ => {
                self.pos = start;
                false
            }
        }
    }

    fn expect_word(&mut self, word: &str) -> Result<(), ApiError> {
        if self.keyword(word) {
            Ok(())
        } else {
            Err(self.fail(&format!("expected `{word}`")))
        }
    }

    fn expect_index(&mut self, index: &str) -> Result<(), ApiError> {
        self.expect("[")?;
        self.expect_word(index)?;
        self.expect("]")
    }

    fn ident(&mut self) -> Result<String, ApiError> {
        self.skip_ws();
        let len = self
            .rest()
            .char_indices()
            .find(|&(i, c)| {
                !(c.is_ascii_alphabetic() || c == '_' || c == '$' || (i > 0 && c.is_ascii_digit()))
            })
            .map_or(self.rest().len(), |(i, _)| i);
        if len == 0 {
            return Err(self.fail("expected a name"));
        }
        let name = self.rest()[..len].to_string();
        self.pos += len;
        Ok(name)
    }

    /// `API.section.method`, returning `section.method`.
    fn api_method(&mut self) -> Result<String, ApiError> {
        self.expect_word("API")?;
        self.expect(".")?;
        let section = self.ident()?;
        self.expect(".")?;
        let name = self.ident()?;
        Ok(format!("{section}.{name}"))
    }

    fn json(&mut self) -> Result<Value, ApiError> {
        self.skip_ws();
        let rest = self.rest();
        // serde_json's stream reader wants a delimiter after a scalar, and `;` is none:
        // scalars are cut out by hand, containers and strings are read as a stream.
        let scalar_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .unwrap_or(rest.len());
        let (value, len) = if scalar_len > 0 {
            (serde_json::from_str(&rest[..scalar_len]).ok(), scalar_len)
        } else {
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
            let value = stream.next().and_then(Result::ok);
            (value, stream.byte_offset())
        };
        let value = value.ok_or_else(|| self.fail("expected a JSON value"))?;
        self.pos += len;
        Ok(value)
    }

    fn json_object(&mut self) -> Result<Map<String, Value>, ApiError> {
        match self.json()? {
            Value::Object(map) => Ok(map),
            _ => Err(self.fail("a call's argument must be a JSON object")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_form() {
        let calls = parse(
            r#"return [API.messages.addChatUser({"chat_id":1,"user_id":[2,3]}), API.groups.getById()];"#,
        )
        .unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].method, "messages.addChatUser");
        assert_eq!(calls[0].params.get("user_id"), Some("2,3"));
        assert_eq!(calls[1].method, "groups.getById");
    }

    #[test]
    fn vk_api_one_method_form() {
        let code = "var values = [{\"chat_id\":1},{\"chat_id\":2}],i = 0,result = [];\
                    while(i < values.length) {result.push(API.messages.editChat(values[i]));\
                    i = i + 1;}return result;";
        let calls = parse(code).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].params.get("chat_id"), Some("2"));
    }

    #[test]
    fn vk_api_one_param_form() {
        let code = "var def_values = {\"chat_id\":1},values = [5,6],result = [],i = 0;\
                    while(i < values.length) {def_values.user_id = values[i];\
                    result.push(API.messages.addChatUser(def_values));i = i + 1;}return result;";
        let calls = parse(code).unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].params.get("user_id"), Some("6"));
        assert_eq!(calls[1].params.get("chat_id"), Some("1"));
    }

    #[test]
    fn other_shapes_do_not_compile() {
        for code in [
            "",
            "return API.groups.getById();",
            "return [API.groups.getById()]; return 1;",
            "var a = 1; return a;",
            "return [API.groups({})];",
            "return [API.a.b(1)];",
        ] {
            assert_eq!(parse(code).unwrap_err().code, 12, "{code}");
        }
    }

    #[test]
    fn more_than_25_calls() {
        let calls = vec!["API.groups.getById()"; 26].join(",");
        assert_eq!(parse(&format!("return [{calls}];")).unwrap_err().code, 13);
    }
}
