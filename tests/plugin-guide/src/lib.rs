//! The vendor's guide, `docs/plugin-guide.md`, compiled: each Rust block is a doc test of this
//! crate, and the tests below check that the template plugin (`plugins/example`) is exactly
//! the guide's code, so what the guide shows is what builds, passes `plugins verify` and runs
//! (`host/tests/plugin_guide.rs`).
#![doc = include_str!("../../../docs/plugin-guide.md")]

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// The guide's Rust blocks, in order.
    fn rust_blocks() -> Vec<String> {
        let guide = include_str!("../../../docs/plugin-guide.md");
        let mut blocks = Vec::new();
        let mut current: Option<String> = None;
        for line in guide.lines() {
            match (&mut current, line.trim_end()) {
                (None, "```rust") => current = Some(String::new()),
                (Some(block), "```") => {
                    blocks.push(std::mem::take(block));
                    current = None;
                }
                (Some(block), text) => {
                    block.push_str(text);
                    block.push('\n');
                }
                (None, _) => {}
            }
        }
        blocks
    }

    fn template_file(path: &str) -> String {
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../plugins/example")
            .join(path);
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    #[test]
    fn the_template_plugin_is_the_guides_code() {
        let blocks = rust_blocks();
        for path in ["src/lib.rs", "tests/example.rs"] {
            let file = template_file(path);
            assert!(
                blocks.contains(&file),
                "plugins/example/{path} differs from its block in docs/plugin-guide.md: change both"
            );
        }
    }
}
