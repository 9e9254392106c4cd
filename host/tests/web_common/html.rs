//! A small reader of the console's HTML (maud's output: quoted attributes, escaped text), for
//! checks of what a page shows: each text and each attribute a person reads, with the
//! elements it is inside.

/// An element a text is inside.
#[derive(Debug, Clone)]
pub struct Element {
    /// The tag's name, lowercase.
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

impl Element {
    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the element has `class` among its classes.
    pub fn has_class(&self, class: &str) -> bool {
        self.attribute("class")
            .is_some_and(|classes| classes.split_whitespace().any(|c| c == class))
    }
}

/// A text a page shows: a text node (a script's content as it is), or an attribute a person
/// reads.
#[derive(Debug, Clone)]
pub struct Shown {
    pub text: String,
    /// The elements it is inside, outermost first; for an attribute, the last one carries it.
    pub inside: Vec<Element>,
    /// The attribute's name, for an attribute.
    pub attribute: Option<String>,
}

impl Shown {
    /// Whether it is inside an element that satisfies `test`.
    pub fn within(&self, test: impl Fn(&Element) -> bool) -> bool {
        self.inside.iter().any(test)
    }
}

/// The attributes whose values a person reads.
const READ_ATTRIBUTES: [&str; 5] = ["placeholder", "title", "data-confirm", "aria-label", "alt"];

/// The elements that have no end tag.
const VOID: [&str; 8] = ["meta", "link", "input", "br", "img", "hr", "col", "source"];

/// Everything `html` shows, in order.
pub fn shown(html: &str) -> Vec<Shown> {
    let mut out = Vec::new();
    let mut open: Vec<Element> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        push_text(&mut out, &open, unescape(&rest[..lt]));
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        if rest.starts_with("<!") {
            rest = after(rest, ">");
        } else if let Some(end_tag) = rest.strip_prefix("</") {
            let name = end_tag[..end_tag.find('>').unwrap_or(end_tag.len())].trim();
            if let Some(at) = open.iter().rposition(|e| e.name.eq_ignore_ascii_case(name)) {
                open.truncate(at);
            }
            rest = after(end_tag, ">");
        } else {
            let (element, self_closed, tail) = tag(&rest[1..]);
            rest = tail;
            let mut inside = open.clone();
            inside.push(element.clone());
            for (name, value) in &element.attributes {
                if READ_ATTRIBUTES.contains(&name.as_str()) {
                    out.push(Shown {
                        text: value.clone(),
                        inside: inside.clone(),
                        attribute: Some(name.clone()),
                    });
                }
            }
            if matches!(element.name.as_str(), "script" | "style") {
                // Raw text up to the end tag.
                let close = format!("</{}", element.name);
                let end = rest.find(&close).unwrap_or(rest.len());
                push_text(&mut out, &inside, rest[..end].to_string());
                rest = after(&rest[end..], ">");
            } else if !self_closed && !VOID.contains(&element.name.as_str()) {
                open.push(element);
            }
        }
    }
    out
}

fn push_text(out: &mut Vec<Shown>, open: &[Element], text: String) {
    if !text.trim().is_empty() {
        out.push(Shown {
            text,
            inside: open.to_vec(),
            attribute: None,
        });
    }
}

/// What follows the first `mark` in `text` (nothing when there is none).
fn after<'a>(text: &'a str, mark: &str) -> &'a str {
    text.find(mark).map_or("", |at| &text[at + mark.len()..])
}

/// A start tag from its name on: the element, whether it closed itself, and what follows.
fn tag(text: &str) -> (Element, bool, &str) {
    let name_end = text
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(text.len());
    let mut element = Element {
        name: text[..name_end].to_ascii_lowercase(),
        attributes: Vec::new(),
    };
    let mut rest = &text[name_end..];
    loop {
        rest = rest.trim_start();
        if let Some(tail) = rest.strip_prefix("/>") {
            return (element, true, tail);
        }
        if let Some(tail) = rest.strip_prefix('>') {
            return (element, false, tail);
        }
        if rest.is_empty() {
            return (element, false, rest);
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len())
            .max(1);
        let name = rest[..name_end].to_ascii_lowercase();
        rest = &rest[name_end..];
        let value = match rest.strip_prefix("=\"") {
            Some(quoted) => {
                let end = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(end + 1..).unwrap_or("");
                unescape(&quoted[..end])
            }
            None => String::new(),
        };
        element.attributes.push((name, value));
    }
}

/// Text with the character references maud writes turned back into characters.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[test]
fn the_reader_finds_texts_attributes_and_their_elements() {
    let html = r#"<!DOCTYPE html><html lang="en"><head><title>A &amp; B</title>
        <script type="application/json" id="l">{"a":"<b>"}</script></head>
        <body><table class="links x"><tr><th>Col</th></tr></table>
        <input placeholder="type &quot;here&quot;" checked><p>one<br>two</p></body></html>"#;
    let all = shown(html);
    let texts: Vec<&str> = all.iter().map(|s| s.text.trim()).collect();
    assert_eq!(
        texts,
        [
            "A & B",
            r#"{"a":"<b>"}"#,
            "Col",
            "type \"here\"",
            "one",
            "two"
        ]
    );
    assert!(all[0].within(|e| e.name == "title"));
    assert!(all[2].within(|e| e.name == "table" && e.has_class("links")));
    assert_eq!(all[3].attribute.as_deref(), Some("placeholder"));
    assert!(all[5].within(|e| e.name == "p"), "{:?}", all[5]);
    assert!(!all[5].within(|e| e.name == "input"));
}
